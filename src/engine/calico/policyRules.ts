/** A Calico policy rule rendered as iptables rules (felix/rules/policy.go). */
import type { Cidr } from '../cidr';
import type { FelixEntity, FelixPort, FelixRule } from './conversion';
import type { IptChain, IptMatch, IptRule, NamedPortProtocol, RuleOrigin } from './dataplane';
import type { IpSetRegistry } from './ipsetRegistry';
import { clearMark, DROP, M, markClear, markSet, RETURN, rule, setMark } from './ruleBuilders';

/** policy.go `SplitPortList`: iptables multiport takes 15 slots; a range takes two. */
function splitPorts(ports: readonly { first: number; last: number }[]): [number, number][][] {
  const splits: [number, number][][] = [];
  let split: [number, number][] = [];
  let free = 15;
  for (const p of ports) {
    const need = p.first === p.last ? 1 : 2;
    if (free < need) {
      splits.push(split);
      split = [];
      free = 15;
    }
    split.push([p.first, p.last]);
    free -= need;
  }
  if (split.length > 0) splits.push(split);
  return splits;
}

const isCatchAll = (c: Cidr): boolean => c.prefix === 0;
const ranges = (ports: readonly FelixPort[]) =>
  ports.flatMap((p) => (p.kind === 'range' ? [{ first: p.first, last: p.last }] : []));
const names = (ports: readonly FelixPort[]) =>
  ports.flatMap((p) => (p.kind === 'named' ? [p.name] : []));

/** rule_scanner.go: a rule side's selectors turned into IP sets. */
interface SideSets {
  selectorSet?: string;
  notSelectorSet?: string;
  numeric: { first: number; last: number }[];
  namedSets: string[];
  notNumeric: { first: number; last: number }[];
  notNamedSets: string[];
  nets: readonly Cidr[];
  notNets: readonly Cidr[];
}

function sideSets(e: FelixEntity, namedProto: NamedPortProtocol, sets: IpSetRegistry): SideSets {
  // combineMatchesIfPossible: with a positive selector, the notSelector filters it instead of
  // getting a set of its own ("(%s) && (!(%s))").
  const positive =
    e.selector !== undefined && e.notSelector !== undefined
      ? `(${e.selector}) && (!(${e.notSelector}))`
      : e.selector;
  const negated = e.selector === undefined ? e.notSelector : undefined;
  const numeric = ranges(e.ports);
  const named = names(e.ports);
  // namedPortsToIPSets: a named port is filtered by the positive selector (all() without one),
  // for the negated named ports too.
  const portSelector = positive ?? 'all()';
  const out: SideSets = {
    numeric,
    namedSets: named.map((n) => sets.namedPort(portSelector, namedProto, n)),
    notNumeric: ranges(e.notPorts),
    notNamedSets: names(e.notPorts).map((n) => sets.namedPort(portSelector, namedProto, n)),
    nets: e.nets,
    notNets: e.notNets,
  };
  // "only include the selectors if we haven't already covered them with a named port match"
  if (positive !== undefined && (numeric.length > 0 || named.length === 0)) {
    out.selectorSet = sets.selector(positive);
  }
  if (negated !== undefined) out.notSelectorSet = sets.selector(negated);
  return out;
}

function namedPortProtocol(r: FelixRule): NamedPortProtocol {
  // rule_scanner.go: a rule without a protocol looks its named ports up with ProtocolAny (each
  // endpoint port matches with its own protocol); otherwise ipsetmember `ProtocolFrom`: UDP or
  // SCTP as written, TCP for anything else.
  if (r.protocol === undefined) return 'any';
  if (r.protocol.number === 17) return 'UDP';
  if (r.protocol.number === 132) return 'SCTP';
  return 'TCP';
}

/** policy.go `ProtoRuleToIptablesRules` with its `matchBlockBuilder`. */
export function renderPolicyRule(r: FelixRule, origin: RuleOrigin, sets: IpSetRegistry): IptRule[] {
  // validator.go refuses such rules; Felix never receives them.
  if (r.rejected) return [];
  // policy.go `filterNets`: a negated catch-all CIDR drops the whole rule (it could never match).
  if (r.source.notNets.some(isCatchAll) || r.destination.notNets.some(isCatchAll)) return [];
  const proto = namedPortProtocol(r);
  const src = sideSets(r.source, proto, sets);
  const dst = sideSets(r.destination, proto, sets);

  const blockRules: IptRule[] = [];
  let usingBlocks = false;
  let positiveBlocks = 0;
  const allBlocks = M.scratch0;
  const thisBlock = M.scratch1;
  const protoMatch: IptMatch[] = r.protocol ? [{ kind: 'proto', number: r.protocol.number }] : [];
  const initial = (bits: number) => {
    if (usingBlocks) return;
    blockRules.push(
      rule([], { kind: 'mark', value: bits, mask: allBlocks | thisBlock }, [], origin),
    );
    usingBlocks = true;
  };
  const positiveBlock = (rulesOf: (bit: number) => IptRule[]) => {
    initial(0);
    const bit = positiveBlocks === 0 ? allBlocks : thisBlock;
    const rs = rulesOf(bit);
    // Felix reuses the scratch bit from block 3 on without clearing it, so a bit left set by
    // the previous block would count as a match here. PacketWalk clears it first, as Calico's
    // documented semantics (every field must match) require; see the model's explanation.
    if (positiveBlocks >= 2 && rs[0]) rs[0] = { ...rs[0], modelClearsBefore: thisBlock };
    blockRules.push(...rs);
    if (positiveBlocks > 0)
      blockRules.push(rule([markClear(thisBlock)], clearMark(allBlocks), [], origin));
    positiveBlocks++;
  };
  const portBlock = (side: SideSets, dir: 'src' | 'dst') => {
    const splits = splitPorts(side.numeric);
    if (splits.length + side.namedSets.length <= 1) return false;
    positiveBlock((bit) => [
      ...splits.map((split) =>
        rule([...protoMatch, { kind: 'ports', dir, ranges: split }], setMark(bit), [], origin),
      ),
      ...side.namedSets.map((set) =>
        rule([{ kind: 'set', dir, set, ipPort: true }], setMark(bit), [], origin),
      ),
    ]);
    return true;
  };
  const srcPortsInBlock = portBlock(src, 'src');
  const dstPortsInBlock = portBlock(dst, 'dst');
  let srcNets = src.nets;
  let dstNets = dst.nets;
  if (srcNets.length > 1) {
    const nets = srcNets;
    positiveBlock((bit) =>
      nets.map((cidr) => rule([{ kind: 'net', dir: 'src', cidr }], setMark(bit), [], origin)),
    );
    srcNets = [];
  }
  if (dstNets.length > 1) {
    const nets = dstNets;
    positiveBlock((bit) =>
      nets.map((cidr) => rule([{ kind: 'net', dir: 'dst', cidr }], setMark(bit), [], origin)),
    );
    dstNets = [];
  }
  let notSrcNets = src.notNets;
  let notDstNets = dst.notNets;
  const negatedBlock = (nets: readonly Cidr[], dir: 'src' | 'dst') => {
    initial(allBlocks);
    for (const cidr of nets)
      blockRules.push(rule([{ kind: 'net', dir, cidr }], clearMark(allBlocks), [], origin));
  };
  if (srcNets.length + notSrcNets.length > 1) {
    negatedBlock(notSrcNets, 'src');
    notSrcNets = [];
  }
  if (dstNets.length + notDstNets.length > 1) {
    negatedBlock(notDstNets, 'dst');
    notDstNets = [];
  }

  // CalculateRuleMatch: positive criteria first, then the negated ones.
  const m: IptMatch[] = [...protoMatch];
  if (srcNets[0]) m.push({ kind: 'net', dir: 'src', cidr: srcNets[0] });
  if (src.selectorSet) m.push({ kind: 'set', dir: 'src', set: src.selectorSet, ipPort: false });
  if (!srcPortsInBlock) {
    if (src.numeric.length > 0)
      m.push({
        kind: 'ports',
        dir: 'src',
        ranges: src.numeric.map((p) => [p.first, p.last] as [number, number]),
      });
    for (const set of src.namedSets) m.push({ kind: 'set', dir: 'src', set, ipPort: true });
  }
  if (dstNets[0]) m.push({ kind: 'net', dir: 'dst', cidr: dstNets[0] });
  if (dst.selectorSet) m.push({ kind: 'set', dir: 'dst', set: dst.selectorSet, ipPort: false });
  if (!dstPortsInBlock) {
    if (dst.numeric.length > 0)
      m.push({
        kind: 'ports',
        dir: 'dst',
        ranges: dst.numeric.map((p) => [p.first, p.last] as [number, number]),
      });
    for (const set of dst.namedSets) m.push({ kind: 'set', dir: 'dst', set, ipPort: true });
  }
  if (r.icmp) m.push({ kind: 'icmp', ...r.icmp });
  if (r.notProtocol) m.push({ kind: 'proto', number: r.notProtocol.number, negate: true });
  if (notSrcNets[0]) m.push({ kind: 'net', dir: 'src', cidr: notSrcNets[0], negate: true });
  if (src.notSelectorSet)
    m.push({ kind: 'set', dir: 'src', set: src.notSelectorSet, ipPort: false, negate: true });
  for (const split of splitPorts(src.notNumeric))
    m.push({ kind: 'ports', dir: 'src', ranges: split, negate: true });
  for (const set of src.notNamedSets)
    m.push({ kind: 'set', dir: 'src', set, ipPort: true, negate: true });
  if (notDstNets[0]) m.push({ kind: 'net', dir: 'dst', cidr: notDstNets[0], negate: true });
  if (dst.notSelectorSet)
    m.push({ kind: 'set', dir: 'dst', set: dst.notSelectorSet, ipPort: false, negate: true });
  for (const split of splitPorts(dst.notNumeric))
    m.push({ kind: 'ports', dir: 'dst', ranges: split, negate: true });
  for (const set of dst.notNamedSets)
    m.push({ kind: 'set', dir: 'dst', set, ipPort: true, negate: true });
  if (r.notICMP) m.push({ kind: 'icmp', ...r.notICMP, negate: true });
  if (usingBlocks) m.push(markSet(allBlocks));

  // CombineMatchAndActionsForProtoRule (flow logs off, so no NFLOG rules).
  const out = [...blockRules];
  switch (r.action) {
    case 'log':
      out.push(rule(m, { kind: 'log', prefix: 'calico-packet' }, [], origin));
      break;
    case 'allow':
      out.push(
        rule(m, setMark(M.accept), [], origin),
        rule([markSet(M.accept)], RETURN, [], origin),
      );
      break;
    case 'next-tier':
      out.push(rule(m, setMark(M.pass), [], origin), rule([markSet(M.pass)], RETURN, [], origin));
      break;
    case 'deny':
      out.push(rule(m, setMark(M.drop), [], origin), rule([markSet(M.drop)], DROP, [], origin));
      break;
  }
  return out;
}

/** policy.go `ProtoRulesToIptablesRules`: strip trailing RETURNs, comment the first rule. */
export function finishChain(name: string, rules: IptRule[], comment: string): IptChain {
  while (rules.length > 0 && rules[rules.length - 1]!.action.kind === 'return') rules.pop();
  if (rules.length === 0) rules.push(rule([], { kind: 'none' }));
  rules[0] = { ...rules[0]!, comments: [...rules[0]!.comments, comment] };
  return { name, rules };
}
