/**
 * What the O(N) vs O(1) sweep measures (issue 15), apart from how (sweep.ts): the policy counts, the
 * packet, the policies a cluster already has. Light on purpose: the main thread reads it (the Scale
 * panel's axis, the query's packet) without loading the models that sweep.ts compiles.
 */
import { podKey } from './cluster';
import type { Cluster, Protocol } from './model';

/** The policy counts of the chart's x axis: 0 to 10,000. */
export const SWEEP_COUNTS: readonly number[] = [0, 10, 100, 1000, 2500, 5000, 10000];

/** The most policies a sweep adds: the chart's axis end, and a bound on the worker's work. */
export const MAX_SWEEP_POLICIES = 10000;

/** The packet the sweep measures: pod to pod, a port protocol. */
export interface SweepPacket {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export class SweepInputError extends Error {
  constructor(message: string) {
    super(`Scale sweep: ${message}`);
    this.name = 'SweepInputError';
  }
}

/** How many policies of every dialect (only the lists' lengths are read). */
export const policyCount = (
  c: Readonly<Record<'k8sPolicies' | 'ciliumPolicies' | 'calicoPolicies', readonly unknown[]>>,
): number => c.k8sPolicies.length + c.ciliumPolicies.length + c.calicoPolicies.length;

/** The packet to measure: the one asked for when it is pod to pod, else a first sensible pair. */
export function sweepPacket(
  cluster: Pick<Cluster, 'pods'>,
  asked?: SweepPacket | null,
): SweepPacket {
  const byKey = new Map(cluster.pods.map((p) => [podKey(p), p]));
  if (asked && byKey.has(asked.from) && byKey.has(asked.to) && asked.from !== asked.to)
    return asked;
  for (const src of cluster.pods)
    for (const dst of cluster.pods) {
      const port = dst.ports[0];
      if (dst !== src && port)
        return { from: podKey(src), to: podKey(dst), port: port.port, protocol: port.protocol };
    }
  throw new SweepInputError(
    'the scenario needs two pods, one of them declaring a container port, to measure a packet.',
  );
}
