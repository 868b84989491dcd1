/**
 * Walked connections for the Hubble tests, made the way a traffic run makes them (request, and the
 * reply when the request was delivered) with walk() over a lesson scenario, and their events.
 */
import { calico, cilium, engineFor } from './scenarios';
import type { Engine } from '../engine/verdict';
import type { CiliumConfig } from '../datapath/config';
import type { PacketSpec } from '../datapath/packet';
import { walk } from '../datapath/walk';
import { hubbleFlows, type HubbleEvent } from '../datapath/flows/hubble';
import type { CniOutcome, WalkedConnection } from '../datapath/flows/types';

export const SEED = 'seed-policies.yaml';
export const seedEngine = (): Engine => engineFor(SEED);

/** The connections the tests walk: allowed, denied by L3/L4 policy, L7 allowed and refused, a
 * Service, an outside address, ICMP. */
export const PACKETS: readonly PacketSpec[] = [
  { from: 'shop/frontend', to: 'shop/backend', port: 8080, protocol: 'TCP' },
  { from: 'shop/debug', to: 'shop/backend', port: 8080, protocol: 'TCP' },
  {
    from: 'shop/frontend',
    to: 'shop/api',
    port: 8080,
    protocol: 'TCP',
    http: { method: 'DELETE', path: '/api/v1/orders' },
  },
  {
    from: 'shop/frontend',
    to: 'shop/api',
    port: 8080,
    protocol: 'TCP',
    http: { method: 'GET', path: '/api/v1/items' },
  },
  { from: 'shop/frontend', to: 'shop/backend', port: 80, protocol: 'TCP' },
  { from: 'shop/frontend', to: 'ip:8.8.8.8', port: 443, protocol: 'TCP' },
  { from: 'shop/api', to: 'shop/database', port: 5432, protocol: 'TCP' },
  { from: 'shop/debug', to: 'shop/database', port: 5432, protocol: 'UDP' },
  { from: 'shop/backend', to: 'shop/api', port: 0, protocol: 'ICMP' },
];

function outcome(engine: Engine, config: ReturnType<typeof cilium>, p: PacketSpec): CniOutcome {
  const request = walk(engine, config, p);
  if (request.verdict !== 'delivered') return { ok: true, request };
  return { ok: true, request, reply: walk(engine, config, { ...p, reply: true }) };
}

/** A walked connection as run.ts makes one, at `time` on the simulated clock. */
export function walked(
  engine: Engine,
  packet: PacketSpec,
  id: number,
  over: Partial<CiliumConfig> = {},
  time = Date.UTC(2026, 11, 3, 9, 0, 0) + id * 1000,
): WalkedConnection {
  return {
    id,
    time,
    replyTime: time + 3,
    connection: { packet, kind: 'listed' },
    calico: outcome(engine, calico(), packet),
    cilium: outcome(engine, cilium(over), packet),
  };
}

/** Every test connection under one Cilium configuration, and their events. */
export function seedRun(over: Partial<CiliumConfig> = {}): {
  engine: Engine;
  connections: WalkedConnection[];
  events: HubbleEvent[];
} {
  const engine = seedEngine();
  const connections = PACKETS.map((p, i) => walked(engine, p, i, over));
  return { engine, connections, events: connections.flatMap((c) => hubbleFlows(engine, c)) };
}
