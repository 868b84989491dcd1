/**
 * The iptables model's verdict alone: the same rule-by-rule walk as walk.ts (netfilter's order,
 * `-j`/`-g`/RETURN, marks, the same hooks per probe), over rules precompiled once per dataplane (a
 * chain when a verdict first enters it) so that testing a match costs what the kernel's match
 * costs, not a string: IP set membership is a
 * Set lookup on the address as a number (hash:net) or on protocol << 16 | port under the address
 * (hash:ip,port), `-s`/`-d` a mask and compare, conntrack states a bit test, jump targets resolved
 * to the chain itself. No trace, no endpoint bookkeeping, no explanation: the walk and the
 * inspector ask `calicoModelDecision` for the one packet they show. agreement-fast.test.ts holds
 * this verdict equal to the explained one (rules tested included) and to the reference.
 */
import { parseIPv4 } from '../cidr';
import { podKey } from '../cluster';
import type { Pod, ResolvedProbe } from '../model';
import type { CalicoDataplane, IptChain, IptMatch, IptRule } from './dataplane';
import { netSetIndex } from './ipsetRegistry';
import { PROBE_SOURCE_PORT } from './felixConfig';

const enum Op {
  Ctstate,
  Mark,
  Iface,
  Proto,
  Net,
  NetSet,
  IpPortSet,
  Icmp,
  Ports,
}

const enum Act {
  Accept,
  Drop,
  Return,
  Jump,
  Goto,
  Mark,
  Nothing,
}

/** Every match is one class, so the walk's switch reads objects of one shape (a literal per kind
 * would make its property loads megamorphic). */
class FastMatch {
  constructor(
    readonly op: Op,
    readonly neg: boolean,
    /** ctstate: bit 1 NEW, bit 2 ESTABLISHED; mark: mask; proto: number; net: mask; icmp: type. */
    readonly a: number,
    /** mark: value; net: base; iface: 1 for a `+` prefix; icmp: code or -1. */
    readonly b: number,
    /** net, sets, ports: 1 for the source, 0 for the destination; iface: 1 for `-i`. */
    readonly src: number,
    /** iface: the name or prefix. */
    readonly text: string,
    readonly hosts: Set<number> | null,
    readonly cidrs: readonly { readonly base: number; readonly mask: number }[] | null,
    readonly ipPorts: Map<number, Set<number>> | null,
    /** ports: [from, to, from, to, …]. */
    readonly ranges: readonly number[] | null,
  ) {}
}

const match = (
  op: Op,
  fields: {
    neg?: boolean;
    a?: number;
    b?: number;
    src?: number;
    text?: string;
    hosts?: Set<number>;
    cidrs?: FastMatch['cidrs'];
    ipPorts?: Map<number, Set<number>>;
    ranges?: readonly number[];
  },
): FastMatch =>
  new FastMatch(
    op,
    fields.neg ?? false,
    fields.a ?? 0,
    fields.b ?? 0,
    fields.src ?? 0,
    fields.text ?? '',
    fields.hosts ?? null,
    fields.cidrs ?? null,
    fields.ipPorts ?? null,
    fields.ranges ?? null,
  );

interface FastRule {
  readonly matches: readonly FastMatch[];
  readonly act: Act;
  readonly target: FastChain | null;
  readonly markValue: number;
  readonly markMask: number;
  readonly clears: number;
}

/** What compiling a dataplane's chains needs: a chain is compiled when a verdict first enters it,
 * so building the index costs what the verdicts asked for, not the whole table. */
interface IndexContext {
  readonly dp: CalicoDataplane;
  /** One compiled set per name and direction; the members are shared. */
  readonly sets: Map<string, FastMatch>;
  /** Node chains by chain object; shared chains by their rules (pods of one endpoint class share
   * them, compile.ts), resolved against the shared chains alone. */
  readonly local: Map<IptChain, FastChain>;
  readonly shared: Map<readonly IptRule[], FastChain>;
  /** Names of chains some node defines: a shared chain may not jump to one. */
  readonly localNames: ReadonlySet<string>;
}

class FastChain {
  /** Empty until compiled (`compiled`). */
  rules: readonly FastRule[] = [];
  compiled = false;
  constructor(
    readonly source: IptChain,
    /** The node's own chains, or none for a shared chain. */
    readonly scope: Readonly<Record<string, IptChain>> | null,
    readonly ctx: IndexContext,
  ) {}
}

const NO_CHAINS: Readonly<Record<string, IptChain>> = {};

function fastChain(
  ctx: IndexContext,
  chain: IptChain,
  scope: Readonly<Record<string, IptChain>> | null,
): FastChain {
  const byRules = scope === null;
  let f = byRules ? ctx.shared.get(chain.rules) : ctx.local.get(chain);
  if (!f) {
    f = new FastChain(chain, scope, ctx);
    if (byRules) ctx.shared.set(chain.rules, f);
    else ctx.local.set(chain, f);
  }
  return f;
}

/** Compiles a chain's rules, its jump targets resolved as walk.ts `chainOf` does: the node's own
 * chains, then the shared ones. */
function compileChain(f: FastChain): void {
  const { ctx, scope } = f;
  const { dp } = ctx;
  const own = scope ?? NO_CHAINS;
  f.rules = f.source.rules.map((r) => {
    let target: FastChain | null = null;
    if (r.action.kind === 'jump' || r.action.kind === 'goto') {
      const name = r.action.target;
      const local = own[name];
      const chain = local ?? dp.chains[name];
      if (!chain && scope === null && ctx.localNames.has(name)) {
        throw new Error(`calico verdict index: shared chain jumps to ${name}`);
      }
      if (chain) target = fastChain(ctx, chain, local ? scope : null);
    }
    return compileRule(dp, r, ctx.sets, target);
  });
  f.compiled = true;
}

interface FastNode {
  readonly builtin: {
    FORWARD: FastChain | null;
    INPUT: FastChain | null;
    OUTPUT: FastChain | null;
  };
}

interface FastWorkload {
  readonly node: FastNode | undefined;
  readonly nodeName: string;
  readonly iface: string | undefined;
  /** The pod's address as a number (parsed once, not per verdict). */
  readonly ip: number;
}

export interface CalicoVerdictIndex {
  readonly nodes: Map<string, FastNode>;
  readonly byPod: WeakMap<Pod, FastWorkload>;
  readonly workloadByKey: (key: string, pod: Pod) => FastWorkload;
}

/** What a verdict cost, when the caller counts: the rules tested, as the explained `cost`. */
export interface RuleCounter {
  rules: number;
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
const PROTO_BY_NAME: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132, icmp: 1 };
const PROTO: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132, ICMP: 1 };
const CT_NEW = 1;
const CT_ESTABLISHED = 2;

/** `ip,proto:port` members (ipsetRegistry.ts) as address -> protocol << 16 | port. */
function ipPortIndex(members: readonly string[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const m of members) {
    const comma = m.indexOf(',');
    const colon = m.indexOf(':', comma);
    const ip = parseIPv4(m.slice(0, comma));
    const proto = PROTO_BY_NAME[m.slice(comma + 1, colon)];
    if (ip === null || proto === undefined) continue;
    let s = out.get(ip);
    if (!s) out.set(ip, (s = new Set()));
    s.add(proto * 65536 + Number(m.slice(colon + 1)));
  }
  return out;
}

function compileMatch(dp: CalicoDataplane, m: IptMatch, sets: Map<string, FastMatch>): FastMatch {
  const neg = 'negate' in m ? (m.negate ?? false) : false;
  switch (m.kind) {
    case 'ctstate':
      return match(Op.Ctstate, {
        neg,
        a:
          (m.states.includes('NEW') ? CT_NEW : 0) |
          (m.states.includes('ESTABLISHED') ? CT_ESTABLISHED : 0),
      });
    case 'mark':
      return match(Op.Mark, { neg, a: m.mask, b: m.value });
    case 'iface': {
      const prefix = m.name.endsWith('+');
      return match(Op.Iface, {
        b: prefix ? 1 : 0,
        src: m.dir === 'in' ? 1 : 0,
        text: prefix ? m.name.slice(0, -1) : m.name,
      });
    }
    case 'proto':
      return match(Op.Proto, { neg, a: m.number });
    case 'net':
      return match(Op.Net, {
        neg,
        a: maskOf(m.cidr.prefix),
        b: m.cidr.base,
        src: m.dir === 'src' ? 1 : 0,
      });
    case 'set': {
      // One compiled set per name and direction; the members are shared.
      const key = `${m.set}|${m.dir}|${neg}`;
      const known = sets.get(key);
      if (known) return known;
      const members = dp.ipsets[m.set]?.members ?? [];
      let fast: FastMatch;
      if (m.ipPort) {
        fast = match(Op.IpPortSet, {
          neg,
          src: m.dir === 'src' ? 1 : 0,
          ipPorts: ipPortIndex(members),
        });
      } else {
        const idx = dp.ipsets[m.set]
          ? netSetIndex(dp.ipsets[m.set]!)
          : { hosts: new Set<number>(), cidrs: [] };
        fast = match(Op.NetSet, {
          neg,
          src: m.dir === 'src' ? 1 : 0,
          hosts: idx.hosts,
          cidrs: idx.cidrs.map((c) => ({ base: c.base, mask: maskOf(c.prefix) })),
        });
      }
      sets.set(key, fast);
      return fast;
    }
    case 'icmp':
      return match(Op.Icmp, { neg, a: m.type, b: m.code ?? -1 });
    case 'ports':
      return match(Op.Ports, {
        neg,
        src: m.dir === 'src' ? 1 : 0,
        ranges: m.ranges.flatMap(([a, b]) => [a, b]),
      });
  }
}

function compileRule(
  dp: CalicoDataplane,
  r: IptRule,
  sets: Map<string, FastMatch>,
  target: FastChain | null,
): FastRule {
  const a = r.action;
  const act =
    a.kind === 'accept'
      ? Act.Accept
      : a.kind === 'drop'
        ? Act.Drop
        : a.kind === 'return'
          ? Act.Return
          : a.kind === 'jump'
            ? Act.Jump
            : a.kind === 'goto'
              ? Act.Goto
              : a.kind === 'mark'
                ? Act.Mark
                : Act.Nothing;
  return {
    matches: r.matches.map((m) => compileMatch(dp, m, sets)),
    act,
    target,
    markValue: a.kind === 'mark' ? a.value : 0,
    markMask: a.kind === 'mark' ? a.mask : 0,
    clears: r.modelClearsBefore ?? 0,
  };
}

const indexes = new WeakMap<CalicoDataplane, CalicoVerdictIndex>();
/** The last dataplane asked about: a run of verdicts asks about one. */
let last: { dp: CalicoDataplane; idx: CalicoVerdictIndex } | null = null;

/** Builds (once per dataplane) the index the verdict walks; its chains compile on first entry. */
export function calicoVerdictIndex(dp: CalicoDataplane): CalicoVerdictIndex {
  if (last !== null && last.dp === dp) return last.idx;
  const known = indexes.get(dp);
  if (known) {
    last = { dp, idx: known };
    return known;
  }
  // A shared chain is compiled once, its targets resolved against the shared chains only: that is
  // walk.ts `chainOf` on every node as long as no node has a chain of a shared chain's name and no
  // shared chain jumps to a node's own chain (compile.ts keeps both true; checked here).
  const localNames = new Set(Object.values(dp.nodes).flatMap((t) => Object.keys(t.chains)));
  for (const name of localNames) {
    if (dp.chains[name]) throw new Error(`calico verdict index: a node redefines chain ${name}`);
  }
  const ctx: IndexContext = {
    dp,
    sets: new Map(),
    local: new Map(),
    shared: new Map(),
    localNames,
  };
  const nodes = new Map<string, FastNode>();
  for (const [name, tables] of Object.entries(dp.nodes)) {
    const root = (c: 'FORWARD' | 'INPUT' | 'OUTPUT'): FastChain | null => {
      const local = tables.chains[c];
      const chain = local ?? dp.chains[c];
      return chain ? fastChain(ctx, chain, local ? tables.chains : null) : null;
    };
    nodes.set(name, {
      builtin: { FORWARD: root('FORWARD'), INPUT: root('INPUT'), OUTPUT: root('OUTPUT') },
    });
  }
  const byPod = new WeakMap<Pod, FastWorkload>();
  const workloadByKey = (key: string, pod: Pod): FastWorkload => ({
    node: nodes.get(pod.nodeName),
    nodeName: pod.nodeName,
    iface: dp.workloads[key]?.iface,
    ip: ipOf(pod.ip),
  });
  const idx: CalicoVerdictIndex = { nodes, byPod, workloadByKey };
  indexes.set(dp, idx);
  last = { dp, idx };
  return idx;
}

function workloadOf(idx: CalicoVerdictIndex, pod: Pod): FastWorkload {
  let w = idx.byPod.get(pod);
  if (w === undefined) idx.byPod.set(pod, (w = idx.workloadByKey(podKey(pod), pod)));
  return w;
}

/** The packet as the walk reads it (walk.ts `packetOf`), in module state to spare an object. */
let pSrc = 0;
let pDst = 0;
let pProto = 0;
let pSport = 0;
let pDport = 0;
let pCt = CT_NEW;
let pIcmpType = -1;
let pIcmpCode = -1;
let inIface: string | undefined;
let outIface: string | undefined;
let marks = 0;
let tested = 0;

const chains: FastChain[] = [];
const positions: number[] = [];

function test(m: FastMatch): boolean {
  switch (m.op) {
    case Op.Ctstate:
      return ((m.a & pCt) !== 0) !== m.neg;
    case Op.Mark:
      return ((marks & m.a) === m.b) !== m.neg;
    case Op.Iface: {
      const iface = m.src === 1 ? inIface : outIface;
      if (iface === undefined) return false;
      return m.b === 1 ? iface.startsWith(m.text) : iface === m.text;
    }
    case Op.Proto:
      return (pProto === m.a) !== m.neg;
    case Op.Net: {
      const inside = ((m.src === 1 ? pSrc : pDst) & m.a) >>> 0 === m.b;
      return inside !== m.neg;
    }
    case Op.NetSet: {
      const ip = m.src === 1 ? pSrc : pDst;
      let inside = m.hosts!.has(ip);
      if (!inside) {
        for (const c of m.cidrs!) {
          if ((ip & c.mask) >>> 0 === c.base) {
            inside = true;
            break;
          }
        }
      }
      return inside !== m.neg;
    }
    case Op.IpPortSet: {
      const ports = m.ipPorts!.get(m.src === 1 ? pSrc : pDst);
      const inside =
        ports !== undefined && ports.has(pProto * 65536 + (m.src === 1 ? pSport : pDport));
      return inside !== m.neg;
    }
    case Op.Icmp:
      // icmp.ts icmpHeaderMatches, on the packet's type and code; protocol 1 only.
      if (pProto !== 1 || pIcmpType < 0) return false;
      return (pIcmpType === m.a && (m.b < 0 || pIcmpCode === m.b)) !== m.neg;
    case Op.Ports: {
      const port = m.src === 1 ? pSport : pDport;
      const r = m.ranges!;
      let inside = false;
      for (let i = 0; i < r.length; i += 2) {
        if (port >= r[i]! && port <= r[i + 1]!) {
          inside = true;
          break;
        }
      }
      return inside !== m.neg;
    }
  }
}

/** One hook on one node (walk.ts `walkHop`): true for ACCEPT. Marks start clear. */
function walkHop(start: FastChain | null): boolean {
  if (!start) return true;
  if (!start.compiled) compileChain(start);
  marks = 0;
  chains[0] = start;
  positions[0] = 0;
  let depth = 1;
  while (depth > 0) {
    const chain = chains[depth - 1]!;
    const i = positions[depth - 1]!;
    if (i >= chain.rules.length) {
      if (depth === 1) return true; // the built-in chain's policy: ACCEPT
      depth--;
      continue;
    }
    positions[depth - 1] = i + 1;
    const r = chain.rules[i]!;
    if (r.clears !== 0 && (marks & r.clears) !== 0) marks &= ~r.clears;
    tested++;
    let matched = true;
    for (const m of r.matches) {
      if (!test(m)) {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    switch (r.act) {
      case Act.Accept:
        return true;
      case Act.Drop:
        return false;
      case Act.Return:
        depth--;
        break;
      case Act.Goto:
      case Act.Jump:
        // A goto leaves the current chain: its target takes the chain's place, then as a jump.
        if (r.act === Act.Goto) depth--;
        if (r.target) {
          if (!r.target.compiled) compileChain(r.target);
          chains[depth] = r.target;
          positions[depth] = 0;
          depth++;
        }
        break;
      case Act.Mark:
        marks = ((marks & ~r.markMask) | (r.markValue & r.markMask)) >>> 0;
        break;
      case Act.Nothing:
        break;
    }
  }
  return true;
}

const ipOf = (text: string): number => parseIPv4(text) ?? 0;

/**
 * The iptables model's verdict for a probe: what `calicoModelDecision(dp, probe, opts).allowed`
 * says, with no explanation built. Pass a counter to add the rules tested (the explained `cost`).
 */
export function calicoModelVerdict(
  dp: CalicoDataplane,
  probe: ResolvedProbe,
  opts: { readonly conntrack?: 'new' | 'established' } = {},
  counter?: RuleCounter,
): boolean {
  const { src, dst } = probe;
  if (
    src.kind === 'pod' &&
    dst.kind === 'pod' &&
    (src.pod === dst.pod ||
      (src.pod.name === dst.pod.name && src.pod.namespace === dst.pod.namespace))
  )
    return true;
  const idx = calicoVerdictIndex(dp);
  // A pod's address is its probe address (probe.ts peerIP).
  pSrc = src.kind === 'pod' ? workloadOf(idx, src.pod).ip : ipOf(probe.srcIP);
  pDst = dst.kind === 'pod' ? workloadOf(idx, dst.pod).ip : ipOf(probe.dstIP);
  pProto = PROTO[probe.protocol]!;
  pSport = PROBE_SOURCE_PORT;
  pDport = probe.port;
  pCt = opts.conntrack === 'established' ? CT_ESTABLISHED : CT_NEW;
  pIcmpType = probe.icmp ? probe.icmp.type : -1;
  pIcmpCode = probe.icmp ? probe.icmp.code : -1;
  tested = 0;
  const allowed = walkHops(idx, probe);
  if (counter) counter.rules += tested;
  return allowed;
}

/** The hooks of walk.ts `hopsFor`, walked in order until one drops. */
function walkHops(idx: CalicoVerdictIndex, probe: ResolvedProbe): boolean {
  const { src, dst } = probe;
  const nodeOf = (name: string) => idx.nodes.get(name);
  const hop = (
    node: FastNode | undefined,
    chain: 'FORWARD' | 'INPUT' | 'OUTPUT',
    i: string | undefined,
    o: string | undefined,
  ): boolean => {
    inIface = i;
    outIface = o;
    return walkHop(node ? node.builtin[chain] : null);
  };
  if (src.kind === 'pod') {
    const from = workloadOf(idx, src.pod);
    if (dst.kind === 'pod') {
      const to = workloadOf(idx, dst.pod);
      if (dst.pod.nodeName === src.pod.nodeName)
        return hop(from.node, 'FORWARD', from.iface, to.iface);
      return (
        hop(from.node, 'FORWARD', from.iface, 'eth0') && hop(to.node, 'FORWARD', 'eth0', to.iface)
      );
    }
    if (dst.kind === 'node') {
      if (dst.node.name === src.pod.nodeName) return hop(from.node, 'INPUT', from.iface, undefined);
      return (
        hop(from.node, 'FORWARD', from.iface, 'eth0') &&
        hop(nodeOf(dst.node.name), 'INPUT', 'eth0', undefined)
      );
    }
    return hop(from.node, 'FORWARD', from.iface, 'eth0');
  }
  if (dst.kind !== 'pod') return true;
  const to = workloadOf(idx, dst.pod);
  if (src.kind === 'node') {
    if (src.node.name === dst.pod.nodeName) return hop(to.node, 'OUTPUT', undefined, to.iface);
    return (
      hop(nodeOf(src.node.name), 'OUTPUT', undefined, 'eth0') &&
      hop(to.node, 'FORWARD', 'eth0', to.iface)
    );
  }
  return hop(to.node, 'FORWARD', 'eth0', to.iface);
}
