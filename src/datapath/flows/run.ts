/**
 * Run traffic: walk each connection through both CNIs, the request and, when it was delivered, its
 * reply, at times on a simulated clock (one connection every CONNECTION_SPACING_MS from `start`;
 * the reply a round trip later: longer across nodes or to the outside). Deterministic, so a lesson,
 * a test and `cli observe` see the same run; no wall clock is read.
 */
import type { Engine } from '../../engine/verdict';
import type { CalicoConfig, CiliumConfig, WalkConfig } from '../config';
import { WalkInputError } from '../packet';
import { walk } from '../walk';
import type { CniOutcome, TrafficConnection, TrafficRun, WalkedConnection } from './types';

/** 10:00:00 UTC on 3 December 2026: the run's clock starts here unless told otherwise. */
export const DEFAULT_RUN_START = Date.UTC(2026, 11, 3, 10, 0, 0);
export const CONNECTION_SPACING_MS = 250;

export interface RunOptions {
  /** The simulated clock's start, ms since the epoch. */
  readonly start?: number;
  /** Connections the traffic generator left out, carried into the run. */
  readonly omitted?: number;
}

export interface RunConfigs {
  readonly calico: CalicoConfig;
  readonly cilium: CiliumConfig;
}

function outcome(engine: Engine, config: WalkConfig, c: TrafficConnection): CniOutcome {
  try {
    const request = walk(engine, config, c.packet);
    if (request.verdict !== 'delivered') return { ok: true, request };
    const reply = walk(engine, config, { ...c.packet, reply: true });
    return { ok: true, request, reply };
  } catch (error) {
    if (error instanceof WalkInputError) return { ok: false, error: error.message };
    throw error;
  }
}

/** The nodes a walk's hops touch: one for a same-node connection, two across nodes. */
const nodesOf = (o: CniOutcome): number =>
  o.ok ? new Set(o.request.hops.map((h) => h.node).filter(Boolean)).size : 1;

/** A round trip in ms on the simulated clock: 1 on one node, 2 across nodes, 12 to the outside. */
function roundTrip(c: TrafficConnection, o: CniOutcome): number {
  if (c.packet.to.startsWith('ip:')) return 12;
  return nodesOf(o) > 1 ? 2 : 1;
}

export function walkConnection(
  engine: Engine,
  configs: RunConfigs,
  connection: TrafficConnection,
  id: number,
  time: number,
): WalkedConnection {
  const calico = outcome(engine, { cni: 'calico', calico: configs.calico }, connection);
  const cilium = outcome(engine, { cni: 'cilium', cilium: configs.cilium }, connection);
  return {
    id,
    time,
    replyTime: time + roundTrip(connection, cilium),
    connection,
    calico,
    cilium,
  };
}

export function runTraffic(
  engine: Engine,
  configs: RunConfigs,
  connections: readonly TrafficConnection[],
  options: RunOptions = {},
): TrafficRun {
  const start = options.start ?? DEFAULT_RUN_START;
  return {
    connections: connections.map((c, i) =>
      walkConnection(engine, configs, c, i, start + i * CONNECTION_SPACING_MS),
    ),
    omitted: options.omitted ?? 0,
  };
}
