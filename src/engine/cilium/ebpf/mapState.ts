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

export class MapState {
  /** `${identity}/${direction}` -> entries. */
  readonly byIdDir = new Map<string, MutableEntry[]>();

  private list(identity: number, direction: Direction): MutableEntry[] {
    const k = `${identity}/${direction}`;
    let l = this.byIdDir.get(k);
    if (!l) {
      l = [];
      this.byIdDir.set(k, l);
    }
    return l;
  }

  /** Broader-or-equal keys: same identity or identity 0, broader or equal protocol/port. */
  private broader(e: MutableEntry): MutableEntry[] {
    const lists = [this.byIdDir.get(`0/${e.direction}`) ?? []];
    if (e.identity !== 0) lists.push(this.byIdDir.get(`${e.identity}/${e.direction}`) ?? []);
    return lists.flatMap((l) => l.filter((x) => covers(x.key, e.key)));
  }

  /** Narrower-or-equal keys: same identity (every identity for identity 0). */
  private narrower(e: MutableEntry): MutableEntry[] {
    const out: MutableEntry[] = [];
    for (const [k, l] of this.byIdDir) {
      if (!k.endsWith(`/${e.direction}`)) continue;
      if (e.identity !== 0 && !k.startsWith(`${e.identity}/`)) continue;
      for (const x of l) if (covers(e.key, x.key)) out.push(x);
    }
    return out;
  }

  private remove(x: MutableEntry): void {
    const l = this.byIdDir.get(`${x.identity}/${x.direction}`);
    if (!l) return;
    const i = l.indexOf(x);
    if (i >= 0) l.splice(i, 1);
  }

  private same(a: MutableEntry, b: MutableEntry): boolean {
    return (
      a.identity === b.identity &&
      a.key.proto === b.key.proto &&
      a.key.port === b.key.port &&
      a.key.prefixLen === b.key.prefixLen
    );
  }

  insert(e: MutableEntry): void {
    if (e.deny) {
      for (const x of this.broader(e)) {
        if (!x.deny) continue;
        if (this.same(x, e)) {
          x.derivedFrom = [...new Set([...x.derivedFrom, ...e.derivedFrom])];
          return;
        }
        return; // covered by a broader deny
      }
      for (const x of this.narrower(e)) this.remove(x);
      this.list(e.identity, e.direction).push(e);
      return;
    }
    for (const x of this.broader(e)) {
      if (x.deny || x.priority > e.priority) return;
    }
    if (e.priority > 0) {
      for (const x of this.narrower(e)) {
        if (!x.deny && x.priority < e.priority) this.remove(x);
      }
    }
    const existing = this.list(e.identity, e.direction).find((x) => this.same(x, e));
    if (existing) {
      existing.derivedFrom = [...new Set([...existing.derivedFrom, ...e.derivedFrom])];
      return;
    }
    this.list(e.identity, e.direction).push(e);
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
