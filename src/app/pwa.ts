/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * The service worker's update flow (issue 18, "Offline and installable"). vite.config.ts builds a
 * Workbox worker in `registerType: 'prompt'` mode: a new version installs in the background and
 * waits. This tells the page (UpdateNotice) and reloads only when the user asks, in this tab: a
 * Reload pressed in another tab of the app activates the new worker for every tab, and this one is
 * then told again rather than reloaded under a learner mid-lesson.
 */
import type { RegisterSWOptions } from 'virtual:pwa-register';

export interface PwaState {
  /** A new version is installed and waiting for the user's Reload. */
  needRefresh: boolean;
  /** The app is cached: it works with no network from now on. */
  offlineReady: boolean;
}

/** What the update notice needs: the state, a subscription to it, and the user's two answers. */
export interface PwaUpdates {
  getState(): PwaState;
  subscribe(listener: () => void): () => void;
  /** The user pressed Reload: activate the waiting version, then reload this tab. */
  reload(): void;
  /** The user pressed Later: hide the notice (the new version activates when every tab is closed). */
  dismiss(): void;
}

/** vite-plugin-pwa's `registerSW` (virtual:pwa-register), or a function of the same shape. */
export type RegisterSW = (options: RegisterSWOptions) => (reloadPage?: boolean) => Promise<void>;

export function createPwaUpdates(
  loadRegister: () => Promise<RegisterSW>,
  reloadPage: () => void = () => window.location.reload(),
  warn: (message: string) => void = (m) => console.warn(m),
): PwaUpdates {
  let state: PwaState = { needRefresh: false, offlineReady: false };
  const listeners = new Set<() => void>();
  const set = (patch: Partial<PwaState>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  };
  /** The user pressed Reload in this tab. */
  let asked = false;
  /** The new version already controls this tab (activated from another tab): only a reload is left. */
  let controlled = false;

  const activateWaiting = loadRegister().then(
    (register) =>
      register({
        immediate: true,
        onNeedRefresh: () => set({ needRefresh: true }),
        onOfflineReady: () => set({ offlineReady: true }),
        onNeedReload: () => {
          if (asked) return reloadPage();
          controlled = true;
          set({ needRefresh: true });
        },
        onRegisterError: (error: unknown) =>
          warn(`service worker not registered: ${String(error)}`),
      }),
    (error: unknown) => {
      warn(`offline support did not load: ${String(error)}`);
      return null;
    },
  );

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    reload() {
      asked = true;
      if (controlled) return reloadPage();
      // Asks the waiting worker to skip waiting; its taking control calls onNeedReload above.
      void activateWaiting.then((activate) => activate?.(true));
    },
    dismiss: () => set({ needRefresh: false }),
  };
}

/**
 * Registers the service worker of a production build (main.tsx calls it only there, so neither
 * `npm start` nor the unit tests get one). Null where the browser has no service workers. The
 * registration code (and workbox-window) is a chunk of its own, off the first load.
 */
export function startPwa(): PwaUpdates | null {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  return createPwaUpdates(
    () => import('virtual:pwa-register').then((m) => m.registerSW),
    undefined,
    (message) => console.warn(`PacketWalk: ${message}; offline use is off.`),
  );
}
