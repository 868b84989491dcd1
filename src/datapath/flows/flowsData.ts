/**
 * What the flow views read of a traffic run, computed where the engine is (the worker, the CLI):
 * the connections in the small (rows.ts), and per CNI the flow records its own tools would show.
 * Walks go in batches with progress, so a run over a generated cluster can be followed and stopped.
 */
import type { Diagnostic } from '../../engine/model';
import type { Engine } from '../../engine/verdict';
import { hubbleFlows, type HubbleEvent } from './hubble';
import { connectionRows, type ConnectionRow } from './rows';
import { serviceMap, type ServiceMap } from './serviceMap';
import { calicoFlowLogs, type CalicoFlowLog } from './whisker';
import { DEFAULT_RUN_START, walkConnection, CONNECTION_SPACING_MS, type RunConfigs } from './run';
import { generateTraffic, parseTraffic } from './traffic';
import type { TrafficConnection, TrafficRun, WalkedConnection } from './types';

export interface FlowsRequest {
  readonly configs: RunConfigs;
  /** At most this many generated connections (traffic.ts DEFAULT_TRAFFIC_MAX). */
  readonly max?: number;
  /** A traffic file to walk instead of the generated traffic (a lesson's, the user's). */
  readonly traffic?: { readonly file: string; readonly text: string } | null;
  readonly start?: number;
}

export interface FlowsData {
  readonly rows: readonly ConnectionRow[];
  /** Generated connections left out by the cap. */
  readonly omitted: number;
  /** What was wrong with the traffic file; no rows when there are errors. */
  readonly diagnostics: readonly Diagnostic[];
  /** Cilium: the events Hubble would show, in the order they happen (hubble.ts). */
  readonly hubble: readonly HubbleEvent[];
  /** Calico: the flow logs Goldmane would aggregate and Whisker show (whisker.ts). */
  readonly calico: readonly CalicoFlowLog[];
  /** Hubble UI's service map of the run, per CNI (serviceMap.ts). */
  readonly maps: { readonly calico: ServiceMap; readonly cilium: ServiceMap };
  readonly elapsedMs: number;
}

/** Connections walked, and all of them; a false return stops the run. */
export type FlowsProgress = (done: number, total: number) => boolean | Promise<boolean>;

const BATCH = 25;

/** The connections a request asks for: its traffic file's, else the generated ones. */
export function requestedTraffic(
  engine: Engine,
  request: FlowsRequest,
): { connections: readonly TrafficConnection[]; omitted: number; diagnostics: Diagnostic[] } {
  if (request.traffic) {
    const parsed = parseTraffic(request.traffic.text, request.traffic.file);
    return { connections: parsed.connections, omitted: 0, diagnostics: [...parsed.diagnostics] };
  }
  return { ...generateTraffic(engine.cluster, { max: request.max }), diagnostics: [] };
}

/** Walks the requested traffic; null when `onProgress` stopped it. */
export async function runFlowsRaw(
  engine: Engine,
  request: FlowsRequest,
  onProgress?: FlowsProgress,
): Promise<{ run: TrafficRun; diagnostics: Diagnostic[] } | null> {
  const { connections, omitted, diagnostics } = requestedTraffic(engine, request);
  const start = request.start ?? DEFAULT_RUN_START;
  const walked: WalkedConnection[] = [];
  for (let i = 0; i < connections.length; i++) {
    walked.push(
      walkConnection(
        engine,
        request.configs,
        connections[i]!,
        i,
        start + i * CONNECTION_SPACING_MS,
      ),
    );
    if (onProgress && (i + 1) % BATCH === 0 && !(await onProgress(i + 1, connections.length)))
      return null;
  }
  return { run: { connections: walked, omitted }, diagnostics };
}

export async function runFlows(
  engine: Engine,
  request: FlowsRequest,
  onProgress?: FlowsProgress,
): Promise<FlowsData | null> {
  const started = performance.now();
  const raw = await runFlowsRaw(engine, request, onProgress);
  if (!raw) return null;
  const { connections } = raw.run;
  return {
    rows: connectionRows(raw.run),
    hubble: connections.flatMap((wc) => hubbleFlows(engine, wc)),
    calico: connections.flatMap((wc) => calicoFlowLogs(engine, wc)),
    maps: {
      calico: serviceMap(engine.cluster, connections, 'calico'),
      cilium: serviceMap(engine.cluster, connections, 'cilium'),
    },
    omitted: raw.run.omitted,
    diagnostics: raw.diagnostics,
    elapsedMs: Math.round(performance.now() - started),
  };
}
