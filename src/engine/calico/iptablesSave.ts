/**
 * Prints the compiled dataplane the way `iptables-save` (and, on request, `ipset save`) prints a
 * node's tables. `iptables-save` puts a rule's core matches first (`-s`, `-d`, `-i`, `-o`, `-p`),
 * then its extension matches in the order they were given (Felix gives the comments first), then
 * the target; it prints `MARK --set-mark` as `--set-xmark` and `multiport
 * --destination-ports` as `--dports`.
 *
 * Felix also tags every rule with `-m comment --comment "cali:<hash>"` (a SHA-224 chain over the
 * chain name and the rules before it, felix/generictables `Chain.RuleHashes`); PacketWalk leaves
 * those tags out rather than print hashes that would not match a real node's.
 */
import { DumpBuilder, dumpText, filterChainId, filterRuleId, type DumpLine } from '../dumpLines';
import { formatIcmpMatch } from './icmp';
import type {
  CalicoDataplane,
  CalicoIpSet,
  IptAction,
  IptChain,
  IptMatch,
  IptRule,
} from './dataplane';

/** /etc/protocols names, as iptables-save prints them. */
const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  4: 'ipencap',
  6: 'tcp',
  17: 'udp',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
};

const hex = (n: number): string => `0x${n.toString(16)}`;
const not = (negate: boolean | undefined): string => (negate ? '! ' : '');

function coreMatch(m: IptMatch): string | null {
  switch (m.kind) {
    case 'net':
      return `${not(m.negate)}${m.dir === 'src' ? '-s' : '-d'} ${m.cidr.text}`;
    case 'iface':
      return `${m.dir === 'in' ? '-i' : '-o'} ${m.name}`;
    case 'proto':
      return `${not(m.negate)}-p ${PROTOCOL_NAMES[m.number] ?? String(m.number)}`;
    default:
      return null;
  }
}

/** iptables-save's order of the core matches. */
const CORE_ORDER = (m: IptMatch): number =>
  m.kind === 'net' ? (m.dir === 'src' ? 0 : 1) : m.kind === 'iface' ? (m.dir === 'in' ? 2 : 3) : 4;

function extensionMatch(m: IptMatch): string | null {
  switch (m.kind) {
    case 'ctstate':
      return `-m conntrack ${not(m.negate)}--ctstate ${m.states.join(',')}`;
    case 'mark':
      return `-m mark ${not(m.negate)}--mark ${hex(m.value)}/${hex(m.mask)}`;
    case 'set': {
      const flags = m.ipPort ? `${m.dir},${m.dir}` : m.dir;
      return `-m set ${not(m.negate)}--match-set ${m.set} ${flags}`;
    }
    case 'icmp':
      return formatIcmpMatch(m, m.negate ?? false);
    case 'ports': {
      const list = m.ranges.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(',');
      return `-m multiport ${not(m.negate)}--${m.dir === 'src' ? 'sports' : 'dports'} ${list}`;
    }
    default:
      return null;
  }
}

export function formatTarget(a: IptAction): string {
  switch (a.kind) {
    case 'accept':
      return '-j ACCEPT';
    case 'drop':
      return '-j DROP';
    case 'return':
      return '-j RETURN';
    case 'jump':
      return `-j ${a.target}`;
    case 'goto':
      return `-g ${a.target}`;
    case 'mark':
      return `-j MARK --set-xmark ${hex(a.value)}/${hex(a.mask)}`;
    case 'log':
      return `-j LOG --log-prefix "${a.prefix}: " --log-level 5`;
    case 'none':
      return '';
  }
}

const ruleTextCache = new WeakMap<IptRule, string>();

/** A rule as iptables-save prints it, without the leading `-A <chain>`. */
export function formatRule(rule: IptRule): string {
  const cached = ruleTextCache.get(rule);
  if (cached !== undefined) return cached;
  const core = rule.matches
    .filter((m) => coreMatch(m) !== null)
    .sort((a, b) => CORE_ORDER(a) - CORE_ORDER(b))
    .map((m) => coreMatch(m)!);
  const comments = rule.comments.map((c) => `-m comment --comment "${c.replaceAll('"', '\\"')}"`);
  const ext = rule.matches.map(extensionMatch).filter((s): s is string => s !== null);
  const text = [...core, ...comments, ...ext, formatTarget(rule.action)]
    .filter((s) => s !== '')
    .join(' ');
  ruleTextCache.set(rule, text);
  return text;
}

export const formatChainRule = (chain: string, rule: IptRule): string =>
  `-A ${chain}${formatRule(rule) === '' ? '' : ' ' + formatRule(rule)}`;

/**
 * The exact version the dump reproduces. The rule comments (`"<Kind> <ns>/<name> ingress"`) and
 * the `knp/<ns>/<name>` policy IDs behind the chain names exist only from v3.32; v3.30 and v3.31
 * render `"Policy <id> ingress"` with another ID, so their chain hashes differ
 * (felix/rules/policy.go and felix/types/policy_id.go at each tag; datapath-facts.md "Rule
 * comments and policy IDs by version").
 */
export const CALICO_IPTABLES_VERSION = 'v3.32';
const REPRODUCES = `reproduces Calico ${CALICO_IPTABLES_VERSION} (Felix iptables dataplane, default configuration)`;
const VERSION_NOTE = `Rule comments and knp/ policy IDs (hence cali-pi-/cali-po- chain names) are ${CALICO_IPTABLES_VERSION}'s; v3.30 and v3.31 print "Policy <id> ingress" with other IDs and hashes.`;

export interface IptablesSaveOptions {
  /** Only this node's tables (all nodes, one after another, when absent). */
  readonly node?: string;
  /** Prepend the node's IP sets as `ipset save` prints them. */
  readonly ipsets?: boolean;
}

function ipsetSave(b: DumpBuilder, set: CalicoIpSet): void {
  b.open(
    `ipset/${set.name}`,
    `create ${set.name} ${set.type} family inet hashsize 1024 maxelem 1048576`,
  );
  for (const m of set.members) b.row(`ipset/${set.name}/${m}`, `add ${set.name} ${m}`);
}

function chainOf(dp: CalicoDataplane, node: string, name: string): IptChain | undefined {
  return dp.nodes[node]?.chains[name] ?? dp.chains[name];
}

/**
 * One node's `iptables-save -t filter` (after its `ipset save` when asked) as structured lines: one
 * section per IP set and per chain (a chain's title is the viewer's, iptables-save prints none).
 */
export function iptablesSaveLines(
  dp: CalicoDataplane,
  node: string,
  withIpsets = false,
): DumpLine[] {
  const b = new DumpBuilder();
  const tables = dp.nodes[node];
  if (!tables) return b.text(`# No node named "${node}".`).lines;
  b.text(
    `# PacketWalk model of the filter table on ${node}${tables.internalIP ? ` (${tables.internalIP})` : ''}: ${REPRODUCES}.`,
  )
    .text(`# ${VERSION_NOTE}`)
    .text(
      '# Felix tags each rule with -m comment --comment "cali:<hash>"; those tags are left out.',
    );
  if (withIpsets) {
    for (const name of tables.ipsets) {
      const set = dp.ipsets[name];
      if (set) ipsetSave(b, set);
    }
  }
  b.text('*filter', 'filter');
  const names = ['INPUT', 'FORWARD', 'OUTPUT', ...tables.programmed];
  b.open('filter/:', `${names.length} chains declared`, false);
  for (const builtin of ['INPUT', 'FORWARD', 'OUTPUT']) b.note(`:${builtin} ACCEPT [0:0]`);
  for (const name of tables.programmed) b.note(`:${name} - [0:0]`);
  for (const name of names) {
    const chain = chainOf(dp, node, name);
    if (!chain) continue;
    const n = chain.rules.length;
    b.open(filterChainId(name), `${name} (${n} rule${n === 1 ? '' : 's'})`, false);
    chain.rules.forEach((rule, i) => {
      const origin = rule.origin;
      b.row(
        filterRuleId(name, i + 1),
        formatChainRule(name, rule),
        origin?.kind === 'policy-rule' ? origin.policy : undefined,
      );
    });
  }
  b.text('COMMIT', 'filter/COMMIT');
  return b.lines;
}

/** `iptables-save -t filter` for one node, or for every node one after another. */
export function iptablesSave(dp: CalicoDataplane, opts: IptablesSaveOptions = {}): string {
  const nodes = opts.node !== undefined ? [opts.node] : Object.keys(dp.nodes).sort();
  return nodes
    .map((n) => dumpText(iptablesSaveLines(dp, n, opts.ipsets ?? false)) + '\n')
    .join('\n');
}
