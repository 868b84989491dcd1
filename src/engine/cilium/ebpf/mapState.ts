/** The map state of one endpoint: entries inserted with the agent's precedence rules
 * (pkg/policy/mapstate.go `insertWithChanges`). */
import type { Direction } from '../../model';
import { covers, type PortKey } from './portKey';
import type { PolicyMapEntry } from './types';

/** An entry as the map state holds it: the policy map entry itself, its origins growing as equal
 * entries merge into it (copy on write: an insert may share its origin list with other entries). */
type Entry = { -readonly [K in keyof PolicyMapEntry]: PolicyMapEntry[K] };

/** An entry to insert; `derivedFrom` is never changed in place, so one list may serve many. */
export function mapEntry(
  identity: number,
  direction: Direction,
  key: PortKey,
  deny: boolean,
  proxyPort: number,
  priority: number,
  derivedFrom: readonly string[],
): PolicyMapEntry {
  // Always built here, in this field order, so every entry has one shape.
  return {
    identity,
    direction,
    proto: key.proto,
    port: key.port,
    prefixLen: key.prefixLen,
    deny,
    proxyPort,
    proxyPortPriority: priority,
    derivedFrom,
  };
}

/** The list key of an identity and direction: lists are kept per (identity, direction). */
const listKey = (identity: number, direction: Direction): number =>
  identity * 2 + (direction === 'egress' ? 1 : 0);

const sameKey = (a: Entry, b: PolicyMapEntry): boolean =>
  a.identity === b.identity &&
  a.proto === b.proto &&
  a.port === b.port &&
  a.prefixLen === b.prefixLen;

const merge = (into: Entry, from: PolicyMapEntry): void => {
  for (const d of from.derivedFrom) {
    if (!into.derivedFrom.includes(d)) into.derivedFrom = [...into.derivedFrom, d];
  }
};

/** The first entry of `l` covering `e` that decides against it: a deny (for a deny, only a deny),
 * or for an allow an entry of higher proxy port priority. */
function firstCovering(l: readonly Entry[], e: PolicyMapEntry): Entry | undefined {
  for (const x of l) {
    if (!covers(x, e)) continue;
    if (x.deny || (!e.deny && x.proxyPortPriority > e.proxyPortPriority)) return x;
  }
  return undefined;
}

/** Drops from `l` the entries `e` covers that it replaces: all of them for a deny, the allows of
 * lower proxy port priority for an allow. */
function pruneNarrower(l: Entry[], e: PolicyMapEntry): void {
  let n = 0;
  for (const x of l) {
    const drop = covers(e, x) && (e.deny || (!x.deny && x.proxyPortPriority < e.proxyPortPriority));
    if (!drop) l[n++] = x;
  }
  l.length = n;
}

const dirOrder = (d: Direction): number => (d === 'ingress' ? 0 : 1);

export class MapState {
  /** listKey(identity, direction) -> entries, in insertion order. */
  private readonly byIdDir = new Map<number, Entry[]>();

  private list(identity: number, direction: Direction): Entry[] {
    const k = listKey(identity, direction);
    let l = this.byIdDir.get(k);
    if (!l) {
      l = [];
      this.byIdDir.set(k, l);
    }
    return l;
  }

  /**
   * The first broader-or-equal entry (same identity or identity 0, broader or equal
   * protocol/port) that is a deny or, for an allow, has a higher proxy port priority, searched as
   * the agent does: identity 0 first, then the entry's own identity. For a deny, only denies stop.
   */
  private firstBroader(e: PolicyMapEntry): Entry | undefined {
    const any = this.byIdDir.get(listKey(0, e.direction));
    const hit = any && firstCovering(any, e);
    if (hit || e.identity === 0) return hit;
    const own = this.byIdDir.get(listKey(e.identity, e.direction));
    return own && firstCovering(own, e);
  }

  /** Removes the narrower-or-equal entries (same identity; every identity for identity 0): every
   * one for a deny, the allows of lower priority for a redirect. */
  private removeNarrower(e: PolicyMapEntry): void {
    if (e.identity !== 0) {
      const own = this.byIdDir.get(listKey(e.identity, e.direction));
      if (own) pruneNarrower(own, e);
      return;
    }
    const bit = e.direction === 'egress' ? 1 : 0;
    this.byIdDir.forEach((l, k) => {
      if (k % 2 === bit) pruneNarrower(l, e);
    });
  }

  /** Inserts an entry made by `mapEntry` (the map state keeps it, and may change its origins). */
  insert(e: PolicyMapEntry): void {
    if (e.deny) {
      // The first broader deny decides: the same key takes the origin, a broader one covers it.
      const deny = this.firstBroader(e);
      if (deny) {
        if (sameKey(deny, e)) merge(deny, e);
        return;
      }
      this.removeNarrower(e);
      this.list(e.identity, e.direction).push(e);
      return;
    }
    if (this.firstBroader(e)) return;
    if (e.proxyPortPriority > 0) this.removeNarrower(e);
    const own = this.list(e.identity, e.direction);
    for (const x of own) {
      if (sameKey(x, e)) {
        merge(x, e);
        return;
      }
    }
    own.push(e);
  }

  /** Unconditional insert (pkg/policy/mapstate.go `allowAllIdentities` upserts). */
  upsert(e: PolicyMapEntry): void {
    this.list(e.identity, e.direction).push(e);
  }

  entries(): PolicyMapEntry[] {
    const out: PolicyMapEntry[] = [];
    for (const l of this.byIdDir.values()) for (const e of l) out.push(e);
    // `cilium bpf policy get` order: denies first, then ingress before egress, then identity
    // (pkg/maps/policymap `PolicyEntriesDump.Less`); then port for a stable print.
    return out.sort(
      (a, b) =>
        Number(b.deny) - Number(a.deny) ||
        dirOrder(a.direction) - dirOrder(b.direction) ||
        a.identity - b.identity ||
        a.proto - b.proto ||
        a.port - b.port ||
        a.prefixLen - b.prefixLen,
    );
  }
}
