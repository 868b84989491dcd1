/**
 * The ui slice: state of the page that is not the view and not the engine's (theme preference,
 * the open page, a lesson step's highlight words, the notice). The route is read from and written to
 * the URL hash by app/controller.ts, but it is navigation, not view: history does not snapshot it.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { FixRequest, FixResult } from '../../engine/fix';
import type { Cni } from '../../engine/model';

/**
 * Which page is open: the free visualizer, the lesson list, the seed articles fact-checked, or a step
 * of a lesson (0-based).
 */
export type Route =
  | { readonly page: 'walk' }
  | { readonly page: 'lessons' }
  | {
      readonly page: 'facts';
      /** The mark the claims are filtered by (a verdict of lessons/seedClaims.ts); absent, all. */
      readonly mark?: string;
    }
  /** Challenge mode: the packet drawn by `seed` from the view's scenario (lessons/challenge.ts). */
  | { readonly page: 'challenge'; readonly seed: number }
  | {
      readonly page: 'lesson';
      readonly lessonId: string;
      readonly step: number;
      /** Presenter mode (full screen, projector) or its speaker view (notes, next step, timer). */
      readonly mode?: 'present' | 'speaker';
    }
  /**
   * A lesson's link before it is opened (the lessons and the saved edits are read first, App.tsx):
   * its page's Loading line, not the visualizer, until the controller opens it.
   */
  | { readonly page: 'opening' };

/** Whether the page shows the visualizer (the picture and its controls); the reading pages do not. */
export function showsVisualizer(route: Route): boolean {
  return route.page !== 'lessons' && route.page !== 'facts' && route.page !== 'opening';
}

export type ThemePreference = 'system' | 'light' | 'dark' | 'projector';
export type Theme = 'light' | 'dark' | 'projector';

export const THEME_PREFERENCES: readonly ThemePreference[] = [
  'system',
  'light',
  'dark',
  'projector',
];

export function nextThemePreference(current: ThemePreference): ThemePreference {
  const i = THEME_PREFERENCES.indexOf(current);
  return THEME_PREFERENCES[(i + 1) % THEME_PREFERENCES.length]!;
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): Theme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

export interface UiSliceState {
  readonly themePreference: ThemePreference;
  readonly route: Route;
  /** Words a lesson step asks the inspector to highlight (a chain, a map, a route). */
  readonly highlight: readonly string[];
  /** A message for the user that stays until dismissed (e.g. a link that did not decode). */
  readonly notice: string | null;
  /** The fix the user asked for (a dropped walk's "Suggest a fix"), null when none is open. */
  readonly fixRequest: FixRequest | null;
  /** The engine's answer to `fixRequest`, null while it works. */
  readonly fixAnswer: FixResult | null;
  /** The last fix applied: the text before (null: the built-in one) and after, for its Undo. */
  readonly fixUndo: {
    readonly cni: Cni;
    readonly previous: string | null;
    readonly applied: string;
  } | null;
}

export interface UiSliceActions {
  setThemePreference(preference: ThemePreference): void;
  /** The theme button: follow the system, then force light, then force dark, then projector. */
  cycleThemePreference(): void;
  setRoute(route: Route): void;
  setHighlight(words: readonly string[]): void;
  setNotice(notice: string | null): void;
  /** Asks for a fix (app/fixQuery.ts answers it); null closes it. */
  requestFix(request: FixRequest | null): void;
  setFixAnswer(answer: FixResult | null): void;
  setFixUndo(undo: UiSliceState['fixUndo']): void;
}

export type UiSlice = UiSliceState & UiSliceActions;

export const DEFAULT_UI_SLICE: UiSliceState = {
  themePreference: 'system',
  route: { page: 'walk' },
  highlight: [],
  notice: null,
  fixRequest: null,
  fixAnswer: null,
  fixUndo: null,
};

export const createUiSlice: StateCreator<UiSlice> = (set) => ({
  ...DEFAULT_UI_SLICE,
  setThemePreference: (themePreference) => set({ themePreference }),
  cycleThemePreference: () =>
    set((s) => ({ themePreference: nextThemePreference(s.themePreference) })),
  setRoute: (route) => set({ route }),
  setHighlight: (highlight) => set({ highlight }),
  setNotice: (notice) => set({ notice }),
  requestFix: (fixRequest) => set({ fixRequest, fixAnswer: null }),
  setFixAnswer: (fixAnswer) => set({ fixAnswer }),
  setFixUndo: (fixUndo) => set({ fixUndo }),
});
