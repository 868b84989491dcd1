/**
 * The Cilium model's maps printed the way Cilium's CLI prints the real ones, so students can hold
 * them next to a live cluster:
 * - `cilium identity list`: `ID` and `LABELS` columns, one label per line
 *   (cilium-dbg/cmd/identity_list.go);
 * - `cilium bpf ipcache list`: `IP PREFIX/ADDRESS` and `IDENTITY`, the value printed as
 *   `identity=%d encryptkey=%d tunnelendpoint=%s flags=%s` (pkg/maps/ipcache
 *   `RemoteEndpointInfo.String`, `<none>` when no flag is set, `hastunnel` with a tunnel endpoint);
 * - `cilium bpf policy get <EPID>`: POLICY, DIRECTION, LABELS (source:key[=value]), PORT/PROTO,
 *   PROXY PORT, AUTH TYPE, BYTES, PACKETS, PREFIX (cilium-dbg/cmd/bpf_policy_get.go `formatMap`):
 *   identity 0 shows as `ANY`, a port range as `first-last/PROTO`, the prefix as the number of
 *   protocol+port bits the key matches; counters live in `cilium_policystats`, which PacketWalk
 *   does not fill, so they print as `-` like an unavailable stat.
 * Columns are padded like Go's tabwriter (`tabwriter.NewWriter(os.Stdout, 5, 0, 3, ' ', 0)`).
 */
import { CILIUM_BASELINE, CILIUM_BASELINE_NAME } from '../baseline';
import type { CiliumDataplane, CiliumEndpoint, PolicyMapEntry } from './ebpf/types';
import {
  DumpBuilder,
  dumpText,
  ipcacheRowId,
  policyEntryId,
  policyMapId,
  type DumpLine,
} from '../dumpLines';
import { formatPortKey } from './policyKey';

/**
 * The dump's header: which Cilium it reproduces, the names that differ in other versions, and the
 * reserved identity numbers (pkg/identity/numericidentity.go: 0 unknown, 1-11 reserved, 11 being
 * reserved:encrypted-overlay; 9 and 10 exist in dual-stack clusters only).
 */
export const CILIUM_DUMP_HEADER: readonly string[] = [
  `# Cilium maps as ${CILIUM_BASELINE_NAME} names and prints them (PacketWalk's model of them).`,
  `# Policy maps are cilium_policy_v2_<EPID> in 1.17-1.19 (${CILIUM_BASELINE}); from Cilium 1.20 they are cilium_policy_v3_<EPID>.`,
  '# Identities: 0 means unknown (never allocated); 1-11 are reserved (1 host, 2 world, 6 remote-node, ...,',
  '# 9/10 world-ipv4/-ipv6 in dual-stack only, 11 encrypted-overlay); PacketWalk lists those it uses.',
];

export { formatPortKey };

/** Pads cells into columns: each column as wide as its widest cell (at least 5) plus 3 spaces. */
export function tabulate(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 5, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i < row.length - 1 ? cell.padEnd((widths[i] ?? 5) + 3) : cell))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * A tabulated table into the open section of `b`: the first row is the column headings, each
 * other row an entry with its id (null: a continuation line of the entry above, e.g. a second
 * label, which gets the entry's id and a suffix).
 */
function tableInto(
  b: DumpBuilder,
  rows: readonly (readonly string[])[],
  ids: readonly (string | null)[],
  policies: readonly (string | undefined)[] = [],
): void {
  const text = tabulate(rows).split('\n');
  let last = '';
  let continued = 0;
  text.forEach((line, i) => {
    if (i === 0) return void b.note(line);
    const id = ids[i - 1];
    if (id) {
      last = id;
      continued = 0;
      b.row(id, line, policies[i - 1]);
    } else b.row(`${last}/${++continued}`, line, policies[i - 1]);
  });
}

function identityTable(dp: CiliumDataplane): { rows: string[][]; ids: (string | null)[] } {
  const rows: string[][] = [['ID', 'LABELS']];
  const ids: (string | null)[] = [];
  for (const identity of dp.identities) {
    const [first, ...rest] = identity.labels.length > 0 ? identity.labels : [''];
    rows.push([String(identity.id), first ?? '']);
    ids.push(`identity/${identity.id}`);
    for (const l of rest) {
      rows.push(['', l]);
      ids.push(null);
    }
  }
  return { rows, ids };
}

export function formatIdentityList(dp: CiliumDataplane): string {
  return tabulate(identityTable(dp).rows);
}

/** `$ cilium identity list` as a section. */
export function identityLines(b: DumpBuilder, dp: CiliumDataplane): void {
  const { rows, ids } = identityTable(dp);
  b.open('identity', '$ cilium identity list');
  tableInto(b, rows, ids);
}

function ipcacheTable(dp: CiliumDataplane, node: string): { rows: string[][]; ids: string[] } {
  const rows: string[][] = [['IP PREFIX/ADDRESS', 'IDENTITY']];
  const ids: string[] = [];
  const entries = dp.ipcache.filter((e) => e.node === undefined || e.node === node);
  const sorted = [...entries].sort((a, b) => compareIP(a.prefix, b.prefix));
  for (const e of sorted) {
    const remote = e.hostNode !== undefined && e.hostNode !== node && e.hostNodeIP !== undefined;
    const tunnel = remote ? e.hostNodeIP! : '0.0.0.0';
    rows.push([
      e.prefix,
      `identity=${e.identity} encryptkey=0 tunnelendpoint=${tunnel} flags=${remote ? 'hastunnel' : '<none>'}`,
    ]);
    ids.push(ipcacheRowId(node, e.prefix));
  }
  return { rows, ids };
}

/** The ipcache as one node's agent holds it. */
export function formatIpcache(dp: CiliumDataplane, node: string): string {
  return tabulate(ipcacheTable(dp, node).rows);
}

/** `$ cilium bpf ipcache list` on one node, as a section. */
export function ipcacheLines(b: DumpBuilder, dp: CiliumDataplane, node: string): void {
  const { rows, ids } = ipcacheTable(dp, node);
  b.open(`ipcache/${node}`, `$ cilium bpf ipcache list   # on ${node}`);
  tableInto(b, rows, ids);
}

function compareIP(a: string, b: string): number {
  const num = (p: string) => {
    const [ip, len] = p.split('/');
    const n = (ip ?? '').split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return n * 64 + Number(len ?? 32);
  };
  return num(a) - num(b);
}

function policyTable(dp: CiliumDataplane, endpoint: CiliumEndpoint) {
  const rows: string[][] = [
    [
      'POLICY',
      'DIRECTION',
      'LABELS (source:key[=value])',
      'PORT/PROTO',
      'PROXY PORT',
      'AUTH TYPE',
      'BYTES',
      'PACKETS',
      'PREFIX',
    ],
  ];
  const ids: (string | null)[] = [];
  const policies: (string | undefined)[] = [];
  const entries: readonly PolicyMapEntry[] = dp.policyMaps.get(endpoint.id) ?? [];
  for (const e of entries) {
    const labels =
      e.identity === 0
        ? ['ANY']
        : (dp.index.identityById.get(e.identity)?.labels ?? [String(e.identity)]);
    const [first, ...rest] = labels.length > 0 ? labels : [String(e.identity)];
    const from = policyOf(e.derivedFrom[0]);
    rows.push([
      e.deny ? 'Deny' : 'Allow',
      e.direction === 'ingress' ? 'Ingress' : 'Egress',
      first ?? '',
      formatPortKey(e.proto, e.port, e.prefixLen),
      e.proxyPort ? String(e.proxyPort) : 'NONE',
      'disabled',
      '-',
      '-',
      String(e.prefixLen),
    ]);
    ids.push(policyEntryId(endpoint.id, e));
    policies.push(from);
    for (const l of rest) {
      rows.push(['', '', l, '', '', '', '', '', '']);
      ids.push(null);
      policies.push(from);
    }
  }
  return { rows, ids, policies, empty: entries.length === 0 };
}

const EMPTY_POLICY_MAP = 'Policy stats empty. Perhaps the policy enforcement is disabled?';

/** `CiliumNetworkPolicy shop/x spec.ingress[0]` -> `CiliumNetworkPolicy shop/x` (as decision.ts reads it). */
const policyOf = (derivedFrom: string | undefined): string | undefined =>
  /^(.*) (?:spec|specs\[\d+\])\.\S+$/.exec(derivedFrom ?? '')?.[1];

export function formatPolicyMap(dp: CiliumDataplane, endpoint: CiliumEndpoint): string {
  const { rows, empty } = policyTable(dp, endpoint);
  const table = tabulate(rows);
  return empty ? `${table}\n${EMPTY_POLICY_MAP}` : table;
}

/** `$ cilium bpf policy get <EPID>` as a section. */
export function policyLines(b: DumpBuilder, dp: CiliumDataplane, ep: CiliumEndpoint): void {
  const { rows, ids, policies, empty } = policyTable(dp, ep);
  b.open(
    policyMapId(ep.id),
    `$ cilium bpf policy get ${ep.id}   # ${ep.pod} on ${ep.node}, identity ${ep.identity}, map ${ep.mapName}`,
  );
  tableInto(b, rows, ids, policies);
  if (empty) b.note(EMPTY_POLICY_MAP);
}

/** The dump's header comments, then a blank line. */
export function headerLines(b: DumpBuilder): void {
  CILIUM_DUMP_HEADER.forEach((line, i) => b.text(line, `header/${i}`));
  b.text('');
}

/**
 * The identities, the ipcache and the policy maps. With `endpoint` (`ns/pod`): that endpoint's
 * policy map and its node's ipcache; without: every node's ipcache and every policy map.
 */
export function dumpCiliumMaps(dp: CiliumDataplane, opts: { endpoint?: string } = {}): string {
  if (opts.endpoint !== undefined && !dp.index.endpointByPod.has(opts.endpoint))
    return `No Cilium endpoint for pod "${opts.endpoint}".`;
  return dumpText(ciliumMapsLines(dp, opts));
}

/** `dumpCiliumMaps` as structured lines. */
export function ciliumMapsLines(dp: CiliumDataplane, opts: { endpoint?: string } = {}): DumpLine[] {
  const b = new DumpBuilder();
  headerLines(b);
  identityLines(b, dp);
  b.text('');
  const ep = opts.endpoint !== undefined ? dp.index.endpointByPod.get(opts.endpoint) : undefined;
  if (ep) {
    ipcacheLines(b, dp, ep.node);
    b.text('');
    policyLines(b, dp, ep);
    return b.lines;
  }
  for (const node of dp.nodes) {
    ipcacheLines(b, dp, node);
    b.text('');
  }
  for (const e of dp.endpoints) {
    policyLines(b, dp, e);
    b.text('');
  }
  // The text ends with the last table, not a blank line.
  while (b.lines.length > 0 && b.lines[b.lines.length - 1]!.text === '') b.lines.pop();
  return b.lines;
}
