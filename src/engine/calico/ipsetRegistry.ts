/** The IP sets the compiled rules refer to (felix/calc/rule_scanner.go, felix/labelindex), and the
 * walker's index of a hash:net set's members. */
import { type Cidr, cidrContainsIP, parseIPv4 } from '../cidr';
import type { Pod } from '../model';
import { felixSelector } from './conversion';
import type { CalicoIpSet, NamedPortProtocol } from './dataplane';
import { namedPortIpSetName, selectorIpSetName } from './selector';

interface SetMembersSource {
  /** The workloads, in the cluster's order. */
  readonly pods: readonly Pod[];
  /** Workloads with the same labels, as their positions in `pods` (ascending): a selector is
   * evaluated once per group. */
  readonly groups: readonly {
    readonly labels: Readonly<Record<string, string>>;
    readonly pods: readonly number[];
  }[];
  readonly netsets: readonly {
    readonly nets: readonly Cidr[];
    readonly labels: Readonly<Record<string, string>>;
  }[];
}

/** Felix's IP sets, created as rules refer to them; members are filled from the label index. */
export class IpSetRegistry {
  readonly sets = new Map<string, CalicoIpSet>();
  /** The sets asked for since the last `record()`, in the order asked (for a recompile's reuse). */
  private recording: CalicoIpSet[] | null = null;
  constructor(private readonly source: SetMembersSource) {}

  /** Starts noting the sets asked for; returns them when `stop` is called. */
  record(): { stop: () => CalicoIpSet[] } {
    const list: CalicoIpSet[] = [];
    this.recording = list;
    return {
      stop: () => {
        this.recording = null;
        return list;
      },
    };
  }

  /** Registers sets a previous compile built over the same members (recompile). */
  adopt(sets: readonly CalicoIpSet[]): void {
    for (const set of sets) if (!this.sets.has(set.name)) this.sets.set(set.name, set);
  }

  /** Removes a set no rule refers to any more (a recompile's patch). */
  drop(name: string): void {
    this.sets.delete(name);
  }

  private noted(name: string): string {
    this.recording?.push(this.sets.get(name)!);
    return name;
  }

  /** Per selector text, its set's name. */
  private readonly selectorNames = new Map<string, string>();

  /** The positions of the workloads a selector matches, in the cluster's order. */
  private matching(match: (labels: Readonly<Record<string, string>>) => boolean): number[] {
    const found: number[] = [];
    let groups = 0;
    for (const g of this.source.groups) {
      if (!match(g.labels)) continue;
      for (const i of g.pods) found.push(i);
      groups++;
    }
    return groups > 1 ? found.sort((a, b) => a - b) : found;
  }

  /** A selector's set: the IPs of matching endpoints and the CIDRs of matching network sets. */
  selector(text: string): string {
    const named = this.selectorNames.get(text);
    if (named !== undefined && this.sets.has(named)) return this.noted(named);
    const sel = felixSelector(text);
    const name = selectorIpSetName(sel.canonical);
    this.selectorNames.set(text, name);
    if (!this.sets.has(name)) {
      const { pods } = this.source;
      const members = this.matching(sel.match).map((i) => pods[i]!.ip);
      for (const n of this.source.netsets) {
        if (sel.match(n.labels))
          for (const c of n.nets) members.push(c.prefix === 32 ? c.text.slice(0, -3) : c.text);
      }
      this.sets.set(name, {
        name,
        type: 'hash:net',
        members: dedupe(members),
        selector: sel.canonical,
      });
    }
    return this.noted(name);
  }

  /**
   * A named port's set over a selector's endpoints: `ip,proto:port` for every matching endpoint
   * that declares a port with that name and protocol (network sets have no ports). With `any`
   * (a rule without a protocol), every port of that name joins with its own protocol
   * (labelindex/named_port_index.go, ipsetmember `MatchesModelProtocol`).
   */
  namedPort(selectorText: string, protocol: NamedPortProtocol, port: string): string {
    const sel = felixSelector(selectorText);
    const name = namedPortIpSetName(sel.canonical, protocol, port);
    if (!this.sets.has(name)) {
      const members: string[] = [];
      for (const i of this.matching(sel.match)) {
        const pod = this.source.pods[i]!;
        for (const p of pod.ports) {
          if (p.name === port && (protocol === 'any' || p.protocol === protocol)) {
            members.push(`${pod.ip},${p.protocol.toLowerCase()}:${p.port}`);
          }
        }
      }
      this.sets.set(name, {
        name,
        type: 'hash:ip,port',
        members: dedupe(members),
        selector: sel.canonical,
        namedPort: { name: port, protocol },
      });
    }
    return this.noted(name);
  }
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/** For the walker: whether an IP (as a number) is in a hash:net set's members. */
export function netSetIndex(set: CalicoIpSet): { hosts: Set<number>; cidrs: Cidr[] } {
  const hosts = new Set<number>();
  const cidrs: Cidr[] = [];
  for (const m of set.members) {
    const slash = m.indexOf('/');
    if (slash < 0) {
      const ip = parseIPv4(m);
      if (ip !== null) hosts.add(ip);
    } else {
      const base = parseIPv4(m.slice(0, slash));
      const prefix = Number(m.slice(slash + 1));
      if (base !== null) cidrs.push({ base, prefix, text: m });
    }
  }
  return { hosts, cidrs };
}

export const ipInNetSet = (idx: { hosts: Set<number>; cidrs: Cidr[] }, ip: number): boolean =>
  idx.hosts.has(ip) || idx.cidrs.some((c) => cidrContainsIP(c, ip));
