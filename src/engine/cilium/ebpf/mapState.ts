/** The map state of one endpoint: entries inserted with the agent's precedence rules
 * (pkg/policy/mapstate.go `insertWithChanges`). */
import type { Direction } from '../../model';
import { covers, type PortKey } from './portKey';
import type { PolicyMapEntry } from './types';

interface MutableEntry {
  identity: number;
  direction: Direction;
  key: PortKey;
  deny: boolean;
  proxyPort: number;
  priority: number;
  derivedFrom: string[];
}

/** The list key of an identity and direction: lists are kept per (identity, direction). */
const listKey = (identity: number, direction: Direction): number =>
  identity * 2 + (direction === 'egress' ? 1 : 0);

const sameKey = (a: MutableEntry, b: MutableEntry): boolean =>
  a.identity === b.identity &&
  a.key.proto === b.key.proto &&
  a.key.port === b.key.port &&
  a.key.prefixLen === b.key.prefixLen;

const merge = (into: MutableEntry, from: MutableEntry): void => {
  for (const d of from.derivedFrom) if (!into.derivedFrom.includes(d)) into.derivedFrom.push(d);
};

export class MapState {
  /** listKey(identity, direction) -> entries, in insertion order. */
  private readonly byIdDir = new Map<number, MutableEntry[]>();

  private list(identity: number, direction: Direction): MutableEntry[] {
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
   * protocol/port) that `stop` accepts, searched as the agent does: identity 0 first, then the
   * entry's own identity.
   */
  private firstBroader(
    e: MutableEntry,
    stop: (x: MutableEntry) => boolean,
  ): MutableEntry | undefined {
    const any = this.byIdDir.get(listKey(0, e.direction));
    if (any) for (const x of any) if (covers(x.key, e.key) && stop(x)) return x;
    if (e.identity === 0) return undefined;
    const own = this.byIdDir.get(listKey(e.identity, e.direction));
    if (own) for (const x of own) if (covers(x.key, e.key) && stop(x)) return x;
    return undefined;
  }

  /** Removes the narrower-or-equal entries (same identity; every identity for identity 0) that
   * `drop` accepts. */
  private removeNarrower(e: MutableEntry, drop: (x: MutableEntry) => boolean): void {
    const prune = (l: MutableEntry[]) => {
      let n = 0;
      for (const x of l) if (!(covers(e.key, x.key) && drop(x))) l[n++] = x;
      l.length = n;
    };
    if (e.identity !== 0) {
      const own = this.byIdDir.get(listKey(e.identity, e.direction));
      if (own) prune(own);
      return;
    }
    const bit = e.direction === 'egress' ? 1 : 0;
    for (const [k, l] of this.byIdDir) if (k % 2 === bit) prune(l);
  }

  insert(e: MutableEntry): void {
    if (e.deny) {
      // The first broader deny decides: the same key takes the origin, a broader one covers it.
      const deny = this.firstBroader(e, (x) => x.deny);
      if (deny) {
        if (sameKey(deny, e)) merge(deny, e);
        return;
      }
      this.removeNarrower(e, () => true);
      this.list(e.identity, e.direction).push(e);
      return;
    }
    if (this.firstBroader(e, (x) => x.deny || x.priority > e.priority)) return;
    if (e.priority > 0) this.removeNarrower(e, (x) => !x.deny && x.priority < e.priority);
    const own = this.list(e.identity, e.direction);
    const existing = own.find((x) => sameKey(x, e));
    if (existing) merge(existing, e);
    else own.push(e);
  }

  /** Unconditional insert (pkg/policy/mapstate.go `allowAllIdentities` upserts). */
  upsert(e: MutableEntry): void {
    this.list(e.identity, e.direction).push(e);
  }

  entries(): PolicyMapEntry[] {
    const out: PolicyMapEntry[] = [];
    for (const l of this.byIdDir.values()) {
      for (const e of l) {
        out.push({
          identity: e.identity,
          direction: e.direction,
          proto: e.key.proto,
          port: e.key.port,
          prefixLen: e.key.prefixLen,
          deny: e.deny,
          proxyPort: e.proxyPort,
          proxyPortPriority: e.priority,
          derivedFrom: e.derivedFrom,
        });
      }
    }
    // `cilium bpf policy get` order: denies first, then ingress before egress, then identity
    // (pkg/maps/policymap `PolicyEntriesDump.Less`); then port for a stable print.
    const dir = (d: Direction) => (d === 'ingress' ? 0 : 1);
    return out.sort(
      (a, b) =>
        Number(b.deny) - Number(a.deny) ||
        dir(a.direction) - dir(b.direction) ||
        a.identity - b.identity ||
        a.proto - b.proto ||
        a.port - b.port ||
        a.prefixLen - b.prefixLen,
    );
  }
}
