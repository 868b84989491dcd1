/**
 * Walked connections for the Hubble tests, made by the traffic run's walkConnection over a lesson
 * scenario, and their events.
 */
import { engineFor } from './scenarios';
import type { Engine } from '../engine/verdict';
import {
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  type CiliumConfig,
} from '../datapath/config';
import type { PacketSpec } from '../datapath/packet';
import { hubbleFlows, type HubbleEvent } from '../datapath/flows/hubble';
import { DEFAULT_RUN_START, walkConnection } from '../datapath/flows/run';
import type { WalkedConnection } from '../datapath/flows/types';

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

/** A walked connection as the traffic run makes one (datapath/flows/run.ts). */
export function walked(
  engine: Engine,
  packet: PacketSpec,
  id: number,
  over: Partial<CiliumConfig> = {},
): WalkedConnection {
  return walkConnection(
    engine,
    { calico: DEFAULT_CALICO_CONFIG, cilium: { ...DEFAULT_CILIUM_CONFIG, ...over } },
    { packet, kind: 'listed' },
    id,
    DEFAULT_RUN_START + id * 1000,
  );
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
