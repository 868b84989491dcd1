/**
 * What the app asks the engine, as a table: each query names its inputs (`dependencies`, read from
 * the store), the engine call that answers them (`run`) and where the answer goes (`write`). One
 * runner watches the store and runs a query again when one of its inputs changes (by identity).
 *
 * The staleness guard is the same for every query, a sequence number: an answer is written only if
 * no newer question has been asked since. A slow reply for old inputs (a matrix for the previous
 * port, a walk for the previous packet) is dropped instead of overwriting the newer one. (While a
 * debounced question waits, the answer in flight is still the newest and is written.) A newer
 * question also aborts the older run's signal, so a run that streams (the matrix) stops computing.
 */
import type { WalkConfig } from '../datapath/config';
import { podKey } from '../engine/cluster';
import {
  applyMatrixChunk,
  emptyMatrixData,
  MATRIX_AGGREGATE_ABOVE,
  type MatrixData,
} from '../engine/matrixData';
import { isGeneratedScenarioId } from '../engine/generateOptions';
import type { Cluster, Probe } from '../engine/model';
import { unpackClusterView, type ClusterView } from '../engine/clusterView';
import type { VerdictResult } from '../engine/verdict';
import type { AppState, AppStore, PacketChoice } from '../store';
import type { LoadAnswer } from '../worker/api';
import { EngineCallError, type EngineClient } from '../worker/client';
import { generatedText, generateQuery } from './generateQuery';
import type { EngineQuery } from './queryTypes';
import { dataplaneQuery } from './dataplaneQuery';
import { fixQuery } from './fixQuery';
import { flowsQuery } from './flowsQuery';
import { scaleQuery } from './scaleQuery';

export type { EngineQuery, QueryContext } from './queryTypes';
import { BUILT_IN_SCENARIOS } from './scenarios';

// The table holds queries of different shapes; the runner only passes each its own values back.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyQuery = EngineQuery<any, any>;

const LOAD_DEBOUNCE_MS = 250;
const MATRIX_TIMEOUT_MS = 30_000;
/** How often a streaming matrix's progress reaches the store (and the grids are drawn again). */
export const MATRIX_REDRAW_MS = 1000;

export const sameDeps = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/**
 * The text to load: the user's edit, else the built-in scenario's (or the user's own saved one's,
 * from the library), else the generated one's once
 * the worker wrote it (app/generateQuery.ts; '' until then).
 */
export function scenarioText(
  view: AppState['view'],
  generation: AppState['generation'] = null,
  userScenarios: AppState['userScenarios'] = [],
): string {
  return (
    view.scenarioText ??
    BUILT_IN_SCENARIOS.find((s) => s.id === view.scenarioId)?.text ??
    userScenarios.find((s) => s.id === view.scenarioId)?.text ??
    generatedText(view.scenarioId, generation) ??
    ''
  );
}

/** A first packet worth walking: the first pod to a pod on another node that declares a port. */
export function defaultPacket(cluster: Pick<Cluster, 'pods'>): PacketChoice | null {
  const [first] = cluster.pods;
  if (!first) return null;
  const others = cluster.pods.filter((p) => p !== first && p.ports.length > 0);
  const target = others.find((p) => p.nodeName !== first.nodeName) ?? others[0];
  if (!target) return null;
  const port = target.ports[0]!;
  return { from: podKey(first), to: podKey(target), port: port.port, protocol: port.protocol };
}

type LoadSummary = LoadAnswer;

/** The scenario's manifests into the engine; edits wait for a pause in typing, a new scenario does not. */
export const loadQuery: EngineQuery<
  readonly [scenarioId: string, text: string],
  { summary: LoadSummary; inWorker: boolean } | null
> = {
  key: 'load',
  dependencies: (s) => [s.view.scenarioId, scenarioText(s.view, s.generation, s.userScenarios)],
  delayMs: ([id], previous) =>
    previous === undefined || previous[0] !== id ? 0 : LOAD_DEBOUNCE_MS,
  run: async (client, [id, text]) => {
    // A generated scenario loads once the worker has written it.
    if (text === '' && isGeneratedScenarioId(id)) return null;
    const answer = await client.call('loadApart', [{ name: `${id}.yaml`, text }]);
    // The diagnostics cross apart: two messages, each deserialised in a task of its own.
    const diagnostics = await client.call('loadDiagnostics', answer.diagnosticsId);
    const inWorker = answer.applied ? (await client.call('hello')).inWorker : false;
    const cluster = answer.cluster && unpackClusterView(answer.cluster);
    return { summary: { ...answer, cluster, diagnostics }, inWorker };
  },
  write: (store, loaded, [id]) => {
    if (!loaded) return;
    const { summary, inWorker } = loaded;
    const get = store.getState;
    get().setEngineData({ diagnostics: summary.diagnostics });
    // A load with errors keeps the last good scenario running: the walk and matrix stay as they were.
    if (!summary.applied || !summary.cluster) return;
    const cluster = summary.cluster;
    get().setEngineData({ cluster, matrix: null, matrixScale: null });
    get().setLoadedScenario({
      id,
      pods: summary.counts.pods,
      policies: summary.counts.policies,
      warnings: summary.diagnostics.filter((d) => d.severity === 'warning').length,
      inWorker,
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
  },
};

type WalkDeps = readonly [
  cluster: ClusterView | null,
  packet: PacketChoice | null,
  calico: AppState['view']['calico'],
  cilium: AppState['view']['cilium'],
];

/** The packet's hops through both CNIs in the view's modes. */
export const walkQuery: EngineQuery<WalkDeps, AppState['walks'] | null> = {
  key: 'walk',
  dependencies: (s) => [s.cluster, s.view.packet, s.view.calico, s.view.cilium],
  run: async (client, [cluster, packet, calico, cilium]) => {
    if (!cluster || !packet) return null;
    const configs: WalkConfig[] = [
      { cni: 'calico', calico },
      { cni: 'cilium', cilium },
    ];
    const [calicoWalk, ciliumWalk] = await client.call('walk', configs, packet);
    return { calico: calicoWalk!, cilium: ciliumWalk! };
  },
  write: (store, walks) => store.getState().setEngineData({ walks: walks ?? {} }),
};

/**
 * What each CNI panel draws (scene/scene.ts) under the view's modes: built in the worker from the
 * loaded scenario, so the main thread only draws. It needs no packet: the topology shows before one
 * is picked.
 */
export const sceneQuery: EngineQuery<
  readonly [
    cluster: ClusterView | null,
    calico: AppState['view']['calico'],
    cilium: AppState['view']['cilium'],
  ],
  AppState['scenes'] | null
> = {
  key: 'scene',
  dependencies: (s) => [s.cluster, s.view.calico, s.view.cilium],
  run: async (client, [cluster, calico, cilium]) => {
    if (!cluster) return null;
    const [calicoScene, ciliumScene] = await client.call('scenes', [
      { cni: 'calico', calico },
      { cni: 'cilium', cilium },
    ]);
    return { calico: calicoScene!, cilium: ciliumScene! };
  },
  write: (store, scenes) => store.getState().setEngineData({ scenes: scenes ?? {} }),
};

/**
 * The connectivity matrix, while its panel is open. A small scenario gets every explained verdict
 * (the matrix shows each cell's reasons); a large one gets the streamed matrix of model verdicts
 * (engine/matrix.ts), band by band, which the user's Cancel or a newer question stops before its
 * next band, keeping the worker and its compiled models.
 */
export const matrixQuery: EngineQuery<
  readonly [cluster: ClusterView | null, port: number | null, open: boolean, runs: number],
  { matrix: AppState['matrix']; matrixScale: AppState['matrixScale'] }
> = {
  key: 'matrix',
  dependencies: (s) => [
    s.cluster,
    s.view.matrixPort,
    s.view.panels.includes('matrix'),
    s.matrixRuns,
  ],
  run: async (client, [cluster, port, open], { signal, partial, store }) => {
    if (!cluster || !open) return { matrix: null, matrixScale: null };
    const options = port === null ? {} : { port };
    if (cluster.pods.length <= MATRIX_AGGREGATE_ABOVE)
      return { matrix: (await client.call('matrix', options)).verdicts, matrixScale: null };
    const cancels = store.getState().matrixCancelRequests;
    const stopped = () => signal.aborted || store.getState().matrixCancelRequests !== cancels;
    let data: MatrixData | null = null;
    let done = 0;
    let total = 0;
    // Bands fill `data` in place as they come; the store hears of them at most once per
    // MATRIX_REDRAW_MS (each write redraws both grids: a main-thread task of style, layout, paint).
    let written = Number.NEGATIVE_INFINITY;
    let firstBand = false;
    const summary = await client.request(
      'matrixStream',
      [
        options,
        (d, t, event) => {
          if (stopped()) return false;
          done = d;
          total = t;
          if (event.kind === 'layout') data = emptyMatrixData(event.layout);
          else if (event.kind === 'rows' && data) applyMatrixChunk(data, event.chunk);
          const now = performance.now();
          // The layout and the first band at once (the grid shows), then at most once per wait.
          if (event.kind === 'layout' || !firstBand || now - written >= MATRIX_REDRAW_MS) {
            if (event.kind === 'rows') firstBand = true;
            written = now;
            partial({ matrix: null, matrixScale: { data, done, total, status: 'computing' } });
          }
          return true;
        },
      ],
      // Compiling 10,000 policies comes before the first band, and reports nothing while it runs.
      { timeoutMs: MATRIX_TIMEOUT_MS },
    );
    return {
      matrix: null,
      matrixScale: { data, done, total, status: summary.status, elapsedMs: summary.elapsedMs },
    };
  },
  write: (store, { matrix, matrixScale }, [cluster, port]) => {
    if (matrix || matrixScale) store.getState().setEngineData({ matrix, matrixScale });
    // The Live diff's base: the small matrix before the user's edits of this scenario and port.
    if (matrix && cluster)
      store.getState().noteMatrix(`${store.getState().view.scenarioId}|${port}`, cluster, matrix);
  },
  cancellable: true,
};

/** The explained verdict of the one matrix cell the user opened. */
export const matrixCellQuery: EngineQuery<
  readonly [cluster: ClusterView | null, probe: Probe | null],
  VerdictResult | null
> = {
  key: 'matrix-cell',
  dependencies: (s) => [s.cluster, s.matrixCellProbe],
  run: async (client, [cluster, probe]) =>
    cluster && probe ? client.call('verdict', probe) : null,
  write: (store, matrixCellVerdict) => store.getState().setEngineData({ matrixCellVerdict }),
};

export const ENGINE_QUERIES: readonly AnyQuery[] = [
  generateQuery,
  loadQuery,
  walkQuery,
  sceneQuery,
  matrixQuery,
  matrixCellQuery,
  scaleQuery,
  dataplaneQuery,
  flowsQuery,
  fixQuery((s) => scenarioText(s.view, s.generation, s.userScenarios)),
];

/**
 * Runs the table against the store until the returned stop is called. Every store change re-reads
 * each query's inputs; a write's own store changes are read once, after the write.
 */
export function startQueries(
  store: AppStore,
  client: EngineClient,
  queries: readonly AnyQuery[] = ENGINE_QUERIES,
): () => void {
  const slots = queries.map((query) => ({
    query,
    deps: undefined as readonly unknown[] | undefined,
    /** The number of the newest question asked; only its answer is written. */
    seq: 0,
    /** The number of the question waiting for its answer, 0 when none is. */
    inFlight: 0,
    timer: undefined as ReturnType<typeof setTimeout> | undefined,
    controller: null as AbortController | null,
  }));
  let stopped = false;
  let writing = false;

  function ask(slot: (typeof slots)[number], deps: readonly unknown[]): void {
    const seq = ++slot.seq;
    const current = () => !stopped && seq === slot.seq;
    slot.inFlight = seq;
    slot.controller?.abort();
    const controller = new AbortController();
    slot.controller = controller;
    const answered = () => {
      if (slot.inFlight === seq) slot.inFlight = 0;
    };
    const write = (result: unknown) => {
      if (!current()) return; // a newer question was asked: its answer wins
      writing = true;
      try {
        slot.query.write(store, result, deps);
      } finally {
        writing = false;
      }
      check();
    };
    slot.query.run(client, deps, { signal: controller.signal, partial: write, store }).then(
      (result) => {
        answered();
        write(result);
      },
      (error: unknown) => {
        answered();
        // A crash or a missed deadline was reported by the client, in more words.
        if (error instanceof EngineCallError && error.reason !== 'cancel') return;
        if (current()) store.getState().setEngineError(messageOf(error));
      },
    );
  }

  function check(): void {
    if (stopped || writing) return;
    const state = store.getState();
    for (const slot of slots) {
      const deps = slot.query.dependencies(state);
      if (slot.deps !== undefined && sameDeps(deps, slot.deps)) continue;
      const previous = slot.deps;
      slot.deps = deps;
      clearTimeout(slot.timer);
      const delay = slot.query.delayMs?.(deps, previous) ?? 0;
      if (delay > 0) slot.timer = setTimeout(() => ask(slot, deps), delay);
      else ask(slot, deps);
    }
  }

  const unsubscribe = store.subscribe(check);
  // A restarted engine holds the last good scenario, the one the store's answers came from: ask
  // again every question whose answer was lost with the old worker (the user's latest edit
  // included), so nothing typed while it was stuck is lost. A job the user cancelled stays cancelled.
  const stopRestarts = client.onRestart?.((reason) => {
    for (const slot of slots) {
      if (slot.inFlight === 0) continue;
      slot.inFlight = 0;
      if (reason === 'cancel' && slot.query.cancellable) continue;
      slot.deps = undefined;
    }
    check();
  });
  check();
  return () => {
    stopped = true;
    stopRestarts?.();
    unsubscribe();
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.controller?.abort();
    }
  };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
