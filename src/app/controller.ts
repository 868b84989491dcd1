/**
 * The app's controller: keeps the URL, the browser's saved edits, the engine (in its worker) and the
 * store in step. Components only read the store and call its actions; this is the one place that
 * talks to the engine client.
 */
import type { WalkConfig } from '../datapath/config';
import { podKey } from '../engine/cluster';
import type { Cluster } from '../engine/model';
import { decodeView, encodeView, type AppStore, type PacketChoice, type ViewState } from '../store';
import type { EngineClient } from '../worker/client';
import { LESSONS } from './lessons';
import { lessonStepView, parseLessonHash, routeHash } from './lessonView';
import { BUILT_IN_SCENARIOS } from './scenarios';

export const EDITS_KEY_PREFIX = 'packetwalk.edits.';
const ROUTE = '#/walk';
const LOAD_DEBOUNCE_MS = 250;

export interface ControllerEnv {
  readonly location: Pick<Location, 'hash'>;
  readonly history: Pick<History, 'replaceState'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /** Subscribes to the user changing the URL's hash in place (a pasted link); returns the unsubscribe. */
  readonly onHashChange?: (listener: () => void) => () => void;
}

export function scenarioText(view: ViewState): string {
  return view.scenarioText ?? BUILT_IN_SCENARIOS.find((s) => s.id === view.scenarioId)?.text ?? '';
}

/** A first packet worth walking: the first pod to a pod on another node that declares a port. */
export function defaultPacket(cluster: Cluster): PacketChoice | null {
  const [first] = cluster.pods;
  if (!first) return null;
  const others = cluster.pods.filter((p) => p !== first && p.ports.length > 0);
  const target = others.find((p) => p.nodeName !== first.nodeName) ?? others[0];
  if (!target) return null;
  const port = target.ports[0]!;
  return { from: podKey(first), to: podKey(target), port: port.port, protocol: port.protocol };
}

export function startController(
  store: AppStore,
  client: EngineClient,
  env: ControllerEnv,
): () => void {
  const known = BUILT_IN_SCENARIOS.map((s) => s.id);
  const get = store.getState;

  // 1. The URL opens the view; a link that does not decode opens the default with a notice.
  function openLink(): void {
    const hash = env.location.hash;
    const lessonRoute = parseLessonHash(hash, LESSONS);
    if (lessonRoute) {
      get().setNotice(null);
      get().setRoute(lessonRoute);
      if (lessonRoute.page === 'lesson') {
        const lesson = LESSONS.find((l) => l.id === lessonRoute.lessonId)!;
        get().setView(lessonStepView(lesson, lessonRoute.step));
      }
      return;
    }
    get().setRoute({ page: 'walk' });
    const query = hash.startsWith(`${ROUTE}?`) ? hash.slice(ROUTE.length + 1) : '';
    const decoded = decodeView(query, known);
    let view = decoded.view;
    get().setNotice(
      decoded.problems.length > 0
        ? `This link could not be opened as written (${decoded.problems.join('; ')}), so the default view is shown.`
        : null,
    );
    // Edits kept in the browser come back, unless the link carries its own.
    if (view.scenarioText === null) {
      const saved = env.storage?.getItem(EDITS_KEY_PREFIX + view.scenarioId) ?? null;
      if (saved !== null) view = { ...view, scenarioText: saved };
    }
    get().setView(view);
  }
  openLink();

  let generation = 0;
  let loadTimer: ReturnType<typeof setTimeout> | undefined;
  let loadedText: string | null = null;

  async function walkNow(): Promise<void> {
    const { view: v, cluster } = get();
    if (!cluster || !v.packet) {
      get().setEngineData({ walks: {} });
      return;
    }
    const gen = ++generation;
    const configs: WalkConfig[] = [
      { cni: 'calico', calico: v.calico },
      { cni: 'cilium', cilium: v.cilium },
    ];
    try {
      const [calico, cilium] = await client.call('walk', configs, v.packet);
      if (gen !== generation) return;
      get().setEngineData({ walks: { calico: calico!, cilium: cilium! } });
    } catch (error) {
      if (gen === generation) get().setEngineError(messageOf(error));
    }
  }

  async function matrixNow(): Promise<void> {
    const { view: v, cluster } = get();
    if (!cluster || !v.panels.includes('matrix')) return;
    try {
      const m = await client.call('matrix', v.matrixPort === null ? {} : { port: v.matrixPort });
      get().setEngineData({ matrix: m.verdicts });
    } catch (error) {
      get().setEngineError(messageOf(error));
    }
  }

  async function loadNow(text: string): Promise<void> {
    loadedText = text;
    const summary = await client.call('load', [{ name: `${get().view.scenarioId}.yaml`, text }]);
    if (loadedText !== text) return;
    get().setEngineData({ diagnostics: summary.diagnostics });
    // A load with errors keeps the last good scenario running: the walk and matrix stay as they were.
    if (!summary.applied || !summary.cluster) return;
    const cluster = summary.cluster;
    get().setEngineData({ cluster, matrix: null });
    get().setLoadedScenario({
      id: get().view.scenarioId,
      pods: summary.counts.pods,
      policies: summary.counts.policies,
      warnings: summary.diagnostics.filter((d) => d.severity === 'warning').length,
      inWorker: (await client.call('hello')).inWorker,
      nodes: cluster.nodes.map((n) => ({
        name: n.name,
        address: n.internalIP,
        podCIDR: n.podCIDR.text,
      })),
    });
    const packet = get().view.packet;
    const stillValid = packet && cluster.pods.some((p) => podKey(p) === packet.from);
    if (!stillValid) {
      const step = get().view.step;
      get().setPacket(defaultPacket(cluster));
      if (packet === null) get().setStep(step); // a deep link's step survives the first packet
    }
    await Promise.all([walkNow(), matrixNow()]);
  }

  function scheduleLoad(immediate = false): void {
    clearTimeout(loadTimer);
    const text = scenarioText(get().view);
    if (text === loadedText) return;
    const run = () => void loadNow(text).catch((e: unknown) => get().setEngineError(messageOf(e)));
    if (immediate) run();
    else loadTimer = setTimeout(run, LOAD_DEBOUNCE_MS);
  }

  scheduleLoad(true);
  const stopHash = env.onHashChange?.(openLink);

  const unsubscribe = store.subscribe((state, previous) => {
    const route = state.route;
    if (route !== previous.route) {
      const hash = routeHash(route);
      env.history.replaceState(null, '', hash ?? `${ROUTE}?${encodeView(state.view)}`);
      const before = previous.route;
      const moved =
        route.page === 'lesson' &&
        (before.page !== 'lesson' ||
          before.lessonId !== route.lessonId ||
          before.step !== route.step);
      if (moved) {
        const lesson = LESSONS.find((l) => l.id === route.lessonId);
        if (lesson) state.setView(lessonStepView(lesson, route.step));
        return;
      }
    }
    const inWalk = route.page === 'walk';
    const v = state.view;
    const p = previous.view;
    if (v === p) return;
    if (inWalk) env.history.replaceState(null, '', `${ROUTE}?${encodeView(v)}`);
    if (inWalk && v.scenarioId !== p.scenarioId && v.scenarioText === null) {
      // Switching scenarios brings back what was edited in that scenario before.
      const saved = env.storage?.getItem(EDITS_KEY_PREFIX + v.scenarioId) ?? null;
      if (saved !== null) {
        state.setScenarioText(saved);
        return;
      }
    }
    if (v.scenarioId !== p.scenarioId || v.scenarioText !== p.scenarioText) {
      if (inWalk && v.scenarioId === p.scenarioId && env.storage) {
        if (v.scenarioText === null) env.storage.removeItem(EDITS_KEY_PREFIX + v.scenarioId);
        else env.storage.setItem(EDITS_KEY_PREFIX + v.scenarioId, v.scenarioText);
      }
      scheduleLoad(v.scenarioId !== p.scenarioId);
      return;
    }
    if (v.packet !== p.packet || v.calico !== p.calico || v.cilium !== p.cilium) void walkNow();
    if (
      v.matrixPort !== p.matrixPort ||
      (v.panels.includes('matrix') && !p.panels.includes('matrix'))
    ) {
      void matrixNow();
    }
  });

  return () => {
    stopHash?.();
    unsubscribe();
    clearTimeout(loadTimer);
    generation++;
  };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
