/**
 * A cluster loaded again after an edit, with every part that reads the same as before replaced by
 * the object the previous load made (engine/api.ts `load`). The loader builds new objects on every
 * load; the incremental compiles (calico/iptables.ts recompileCalico, cilium/ebpf/recompile.ts)
 * tell what an edit touched by object identity, so this is what lets an edit of one policy in a
 * 10,000-policy scenario recompile only what that policy touches.
 *
 * Equality is deep (`dequal`), source positions included: an edit that moves the lines below it
 * makes the objects there new (their positions are part of what the app shows).
 */
import { dequal } from 'dequal';
import type { Cluster } from './model';

/** Lists the compiles compare per object (policies are edited one at a time). */
const PER_OBJECT = new Set<keyof Cluster>(['k8sPolicies', 'ciliumPolicies', 'calicoPolicies']);

/** `next`'s list with each object equal to `previous`'s at the same position replaced by it;
 * `previous` itself when all are. */
function carryList<T>(previous: readonly T[], next: readonly T[]): readonly T[] {
  if (previous.length !== next.length) return next;
  let same = 0;
  const out = next.map((item, i) => {
    if (!dequal(item, previous[i])) return item;
    same++;
    return previous[i]!;
  });
  return same === next.length ? previous : out;
}

export function carryOver(previous: Cluster | null | undefined, next: Cluster): Cluster {
  if (!previous) return next;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof Cluster)[]) {
    const was = previous[key];
    const now = next[key];
    if (PER_OBJECT.has(key) && Array.isArray(was) && Array.isArray(now)) {
      out[key] = carryList(was, now);
    } else out[key] = dequal(was, now) ? was : now;
  }
  return out as unknown as Cluster;
}
