/**
 * Walks a packet through the compiled filter tables, rule by rule, as netfilter does: each rule's
 * matches are tested in order; `-j` pushes a chain, `-g` replaces the current one, `RETURN` and the
 * end of a chain go back to the caller, `ACCEPT`/`DROP` end the walk, `MARK` and `LOG` continue.
 * Matches are tested against the IP sets' members, never against policies or selectors.
 *
 * Which hooks a probe passes (one node or two): a pod-to-pod packet is judged in FORWARD on the
 * source node (`cali-fw-`, the sender's egress) and in FORWARD on the destination node
 * (`cali-tw-`, the receiver's ingress), both in one FORWARD pass when the pods share a node
 * (felix/rules/static.go `StaticFilterForwardChains`). A pod's packet to its own node goes through
 * INPUT (`cali-wl-to-host`); a node's packet to a pod leaves through OUTPUT.
 */
import { parseIPv4 } from '../cidr';
import { podKey } from '../cluster';
import type { Direction, IcmpTypeCode, ResolvedProbe } from '../model';
import { ipInNetSet, netSetIndex } from './ipsetRegistry';
import type { CalicoDataplane, IptChain, IptMatch, IptRule, RuleOrigin } from './dataplane';
import { PROBE_SOURCE_PORT } from './felixConfig';
import { icmpHeaderMatches } from './icmp';
import { formatRule } from './iptablesSave';
import type { ChainPolicyEvent, RuleEvent, TraceEvent } from '../trace';

export interface Packet {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  readonly protoName: string;
  readonly sport: number;
  readonly dport: number;
  /** ICMP packets only: the header's type and code. */
  readonly icmp?: IcmpTypeCode;
  readonly ctstate: 'NEW' | 'ESTABLISHED';
}

export interface Hop {
  readonly node: string;
  readonly chain: 'FORWARD' | 'INPUT' | 'OUTPUT';
  readonly inIface?: string;
  readonly outIface?: string;
}

/** A rule the walk tested, located. */
export interface RuleRef {
  readonly node: string;
  readonly chain: string;
  /** 1-based, as `iptables -L --line-numbers` counts. */
  readonly number: number;
  readonly rule: IptRule;
}

export interface EndpointOutcome {
  readonly direction: Direction;
  readonly pod: string;
  readonly allowed: boolean;
  /** The rule that set the accept mark, or dropped the packet. */
  readonly decidedBy?: RuleRef;
  /** Policy rules whose Pass skipped the rest of their tier. */
  readonly passes: readonly RuleRef[];
  /** Log rules that matched (evaluation went on). */
  readonly logs: readonly RuleRef[];
  /** Tiers that ended without a verdict and whose defaultAction Pass sent the packet on. */
  readonly passedTiers: readonly string[];
  /** The last "Start of tier" rule seen before the verdict (for end-of-tier explanations). */
  readonly tier?: Extract<RuleOrigin, { kind: 'start-of-tier' }>;
  /** Matches where PacketWalk cleared a stale scratch bit Felix's rules would leave set. */
  readonly scratchFixes: number;
}

export interface WalkResult {
  readonly verdict: 'ACCEPT' | 'DROP';
  /** The rule that ended the walk, or undefined when a built-in chain's policy did. */
  readonly decidedAt?: RuleRef;
  readonly decidedByPolicyOf?: string;
  readonly endpoints: readonly EndpointOutcome[];
  readonly cost: number;
  readonly trace: readonly TraceEvent[];
}

/** What a walk accumulates across hops. */
export interface WalkState {
  cost: number;
  /** Rule and chain-policy events only (the walker produces nothing else). */
  readonly trace: (RuleEvent | ChainPolicyEvent)[];
  readonly endpoints: EndpointOutcome[];
  /** The cali-OUTPUT rule that let host-to-workload traffic through unpoliced, if one did. */
  hostToWorkload?: RuleRef;
}

interface EvalIndex {
  readonly netSets: Map<
    string,
    { hosts: Set<number>; cidrs: { base: number; prefix: number; text: string }[] }
  >;
  readonly ipPortSets: Map<string, Set<string>>;
  readonly endpointChains: Map<string, { pod: string; direction: Direction }>;
}

const indexes = new WeakMap<CalicoDataplane, EvalIndex>();

function evalIndex(dp: CalicoDataplane): EvalIndex {
  let idx = indexes.get(dp);
  if (idx) return idx;
  const endpointChains = new Map<string, { pod: string; direction: Direction }>();
  for (const w of Object.values(dp.workloads)) {
    endpointChains.set(w.toChain, { pod: w.pod, direction: 'ingress' });
    endpointChains.set(w.fromChain, { pod: w.pod, direction: 'egress' });
  }
  idx = { netSets: new Map(), ipPortSets: new Map(), endpointChains };
  indexes.set(dp, idx);
  return idx;
}

const ifaceMatches = (pattern: string, iface: string | undefined): boolean =>
  iface !== undefined &&
  (pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern);

interface Frame {
  readonly name: string;
  readonly chain: IptChain;
  i: number;
}

interface OpenEndpoint {
  readonly pod: string;
  readonly direction: Direction;
  readonly depth: number;
  decidedBy?: RuleRef;
  passes: RuleRef[];
  logs: RuleRef[];
  passedTiers: string[];
  tier?: Extract<RuleOrigin, { kind: 'start-of-tier' }>;
  tierPassed: boolean;
  scratchFixes: number;
}

/** Walks one hook on one node. `marks` start clear: nothing carries a mark across the wire. */
export function walkHop(
  dp: CalicoDataplane,
  hop: Hop,
  pkt: Packet,
  out: WalkState,
): { verdict: 'ACCEPT' | 'DROP'; at?: RuleRef } {
  const idx = evalIndex(dp);
  const tables = dp.nodes[hop.node];
  const chainOf = (name: string): IptChain | undefined => tables?.chains[name] ?? dp.chains[name];

  const netSet = (name: string) => {
    let s = idx.netSets.get(name);
    if (!s) {
      const set = dp.ipsets[name];
      s = set ? netSetIndex(set) : { hosts: new Set(), cidrs: [] };
      idx.netSets.set(name, s);
    }
    return s;
  };
  const ipPortSet = (name: string) => {
    let s = idx.ipPortSets.get(name);
    if (!s) {
      s = new Set(dp.ipsets[name]?.members ?? []);
      idx.ipPortSets.set(name, s);
    }
    return s;
  };
  const srcText = formatIp(pkt.src);
  const dstText = formatIp(pkt.dst);

  let marks = 0;
  const test = (m: IptMatch): boolean => {
    switch (m.kind) {
      case 'ctstate':
        return m.states.includes(pkt.ctstate) !== (m.negate ?? false);
      case 'mark':
        return ((marks & m.mask) === m.value) !== (m.negate ?? false);
      case 'iface':
        return ifaceMatches(m.name, m.dir === 'in' ? hop.inIface : hop.outIface);
      case 'proto':
        return (pkt.proto === m.number) !== (m.negate ?? false);
      case 'net': {
        const ip = m.dir === 'src' ? pkt.src : pkt.dst;
        const inside = (ip & maskOf(m.cidr.prefix)) >>> 0 === m.cidr.base;
        return inside !== (m.negate ?? false);
      }
      case 'set': {
        let inside: boolean;
        if (m.ipPort) {
          const ip = m.dir === 'src' ? srcText : dstText;
          const port = m.dir === 'src' ? pkt.sport : pkt.dport;
          inside = ipPortSet(m.set).has(`${ip},${pkt.protoName}:${port}`);
        } else {
          inside = ipInNetSet(netSet(m.set), m.dir === 'src' ? pkt.src : pkt.dst);
        }
        return inside !== (m.negate ?? false);
      }
      case 'icmp':
        // The icmp match is registered for protocol 1 only: another protocol never matches it.
        if (pkt.proto !== 1 || !pkt.icmp) return false;
        return icmpHeaderMatches(m, pkt.icmp) !== (m.negate ?? false);
      case 'ports': {
        const port = m.dir === 'src' ? pkt.sport : pkt.dport;
        // multiport needs a protocol with ports; Felix always pairs it with one.
        const inside = m.ranges.some(([a, b]) => port >= a && port <= b);
        return inside !== (m.negate ?? false);
      }
    }
  };

  const stack: Frame[] = [];
  const open: OpenEndpoint[] = [];
  const start = chainOf(hop.chain);
  if (!start) return { verdict: 'ACCEPT' };
  stack.push({ name: hop.chain, chain: start, i: 0 });

  const close = (ep: OpenEndpoint, allowed: boolean, decidedBy?: RuleRef) => {
    out.endpoints.push({
      direction: ep.direction,
      pod: ep.pod,
      allowed,
      ...((decidedBy ?? ep.decidedBy) ? { decidedBy: (decidedBy ?? ep.decidedBy)! } : {}),
      passes: ep.passes,
      logs: ep.logs,
      passedTiers: ep.passedTiers,
      ...(ep.tier ? { tier: ep.tier } : {}),
      scratchFixes: ep.scratchFixes,
    });
  };
  const tierEnded = (ep: OpenEndpoint) => {
    if (
      ep.tier &&
      !ep.tierPassed &&
      ep.tier.defaultAction === 'Pass' &&
      ep.tier.policies.length > 0
    ) {
      ep.passedTiers.push(ep.tier.tier);
    }
    // A tier ends once; later profile jumps must not count it again.
    ep.tierPassed = true;
  };
  const pop = () => {
    stack.pop();
    const ep = open[open.length - 1];
    if (ep && stack.length <= ep.depth) {
      open.pop();
      close(ep, (marks & dp.marks.accept) !== 0);
    }
  };
  /** Pushes a frame for `target` and opens its endpoint, if it is one; false when there is no such chain. */
  const push = (target: string): boolean => {
    const chain = chainOf(target);
    if (!chain) return false;
    stack.push({ name: target, chain, i: 0 });
    const ep = idx.endpointChains.get(target);
    if (ep) {
      open.push({
        ...ep,
        depth: stack.length - 1,
        passes: [],
        logs: [],
        passedTiers: [],
        tierPassed: false,
        scratchFixes: 0,
      });
    }
    return true;
  };
  const enter = (target: string) => {
    if (!push(target)) return;
    const current = open[open.length - 1];
    if (current && (target.startsWith('cali-pri-') || target.startsWith('cali-pro-')))
      tierEnded(current);
  };

  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.i >= frame.chain.rules.length) {
      if (stack.length === 1) {
        // End of a built-in chain: its policy (ACCEPT; the rules others add there are not modelled).
        out.trace.push({
          kind: 'chain-policy',
          node: hop.node,
          table: 'filter',
          chain: frame.name,
          policy: 'ACCEPT',
        });
        pop();
        return { verdict: 'ACCEPT' };
      }
      pop();
      continue;
    }
    const number = ++frame.i;
    const r = frame.chain.rules[number - 1]!;
    const ep = open[open.length - 1];
    if (r.modelClearsBefore !== undefined && (marks & r.modelClearsBefore) !== 0) {
      marks &= ~r.modelClearsBefore;
      if (ep) ep.scratchFixes++;
    }
    out.cost++;
    const matched = r.matches.every(test);
    out.trace.push(ruleEvents(hop.node, frame.name, number, r)[matched ? 0 : 1]);
    if (!matched) continue;
    const ref: RuleRef = { node: hop.node, chain: frame.name, number, rule: r };
    const origin = r.origin;
    if (origin?.kind === 'host-to-workload') out.hostToWorkload = ref;
    if (ep && origin?.kind === 'start-of-tier') {
      tierEnded(ep);
      ep.tier = origin;
      ep.tierPassed = false;
    }
    switch (r.action.kind) {
      case 'accept':
        if (ep) close(ep, true, ref);
        return { verdict: 'ACCEPT', at: ref };
      case 'drop':
        for (let k = open.length - 1; k >= 0; k--)
          close(open[k]!, false, k === open.length - 1 ? ref : undefined);
        return { verdict: 'DROP', at: ref };
      case 'return':
        pop();
        break;
      case 'jump':
        enter(r.action.target);
        break;
      case 'goto': {
        // The target replaces the current chain: its RETURN goes to our caller.
        stack.pop();
        push(r.action.target);
        break;
      }
      case 'mark': {
        marks = ((marks & ~r.action.mask) | (r.action.value & r.action.mask)) >>> 0;
        if (ep && origin && (origin.kind === 'policy-rule' || origin.kind === 'profile')) {
          if (r.action.value & dp.marks.accept) ep.decidedBy = ref;
          if (r.action.value & dp.marks.pass && origin.kind === 'policy-rule') {
            ep.passes.push(ref);
            ep.tierPassed = true;
          }
        }
        break;
      }
      case 'log':
        if (ep) ep.logs.push(ref);
        break;
      case 'none':
        break;
    }
  }
  return { verdict: 'ACCEPT' };
}

/**
 * The two events a rule can produce on a node (matched, not matched), built once per rule, chain
 * and node and shared: they are immutable, and the walk would otherwise allocate one per rule
 * tested. A rule object sits at one place in its rules, but pods of one endpoint class share their
 * endpoint chains' rules (compile.ts), so node, chain and rule identify the event.
 */
const ruleEventCache = new Map<string, WeakMap<IptRule, readonly [RuleEvent, RuleEvent]>>();
function ruleEvents(
  node: string,
  chain: string,
  index: number,
  r: IptRule,
): readonly [RuleEvent, RuleEvent] {
  const key = `${node}\n${chain}`;
  let perNode = ruleEventCache.get(key);
  if (!perNode) {
    if (ruleEventCache.size >= 50_000) ruleEventCache.clear();
    ruleEventCache.set(key, (perNode = new WeakMap()));
  }
  let pair = perNode.get(r);
  if (pair === undefined) {
    const base = {
      kind: 'rule',
      node,
      table: 'filter',
      chain,
      index,
      rule: formatRule(r),
      action: r.action.kind,
      ...(r.action.kind === 'jump' || r.action.kind === 'goto' ? { target: r.action.target } : {}),
    } as const;
    pair = [
      { ...base, result: 'match' },
      { ...base, result: 'no-match' },
    ];
    perNode.set(r, pair);
  }
  return pair;
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
const formatIp = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

const PROTO: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132, ICMP: 1 };

/** The hooks a probe passes, in order. */
export function hopsFor(dp: CalicoDataplane, probe: ResolvedProbe): Hop[] {
  const { src, dst } = probe;
  const iface = (key: string) => dp.workloads[key]?.iface;
  if (src.kind === 'pod') {
    const srcNode = src.pod.nodeName;
    const inIface = iface(podKey(src.pod));
    if (dst.kind === 'pod') {
      if (dst.pod.nodeName === srcNode) {
        return [{ node: srcNode, chain: 'FORWARD', inIface, outIface: iface(podKey(dst.pod)) }];
      }
      return [
        { node: srcNode, chain: 'FORWARD', inIface, outIface: 'eth0' },
        {
          node: dst.pod.nodeName,
          chain: 'FORWARD',
          inIface: 'eth0',
          outIface: iface(podKey(dst.pod)),
        },
      ];
    }
    if (dst.kind === 'node') {
      if (dst.node.name === srcNode) return [{ node: srcNode, chain: 'INPUT', inIface }];
      return [
        { node: srcNode, chain: 'FORWARD', inIface, outIface: 'eth0' },
        { node: dst.node.name, chain: 'INPUT', inIface: 'eth0' },
      ];
    }
    return [{ node: srcNode, chain: 'FORWARD', inIface, outIface: 'eth0' }];
  }
  if (dst.kind !== 'pod') return [];
  const dstNode = dst.pod.nodeName;
  const outIface = iface(podKey(dst.pod));
  if (src.kind === 'node') {
    if (src.node.name === dstNode) return [{ node: dstNode, chain: 'OUTPUT', outIface }];
    return [
      { node: src.node.name, chain: 'OUTPUT', outIface: 'eth0' },
      { node: dstNode, chain: 'FORWARD', inIface: 'eth0', outIface },
    ];
  }
  return [{ node: dstNode, chain: 'FORWARD', inIface: 'eth0', outIface }];
}

export function packetOf(probe: ResolvedProbe, ctstate: 'NEW' | 'ESTABLISHED'): Packet {
  return {
    src: parseIPv4(probe.srcIP) ?? 0,
    dst: parseIPv4(probe.dstIP) ?? 0,
    proto: PROTO[probe.protocol]!,
    protoName: probe.protocol.toLowerCase(),
    sport: PROBE_SOURCE_PORT,
    dport: probe.port,
    ...(probe.icmp ? { icmp: probe.icmp } : {}),
    ctstate,
  };
}
