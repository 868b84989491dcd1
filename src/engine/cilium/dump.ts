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

export function formatIdentityList(dp: CiliumDataplane): string {
  const rows: string[][] = [['ID', 'LABELS']];
  for (const identity of dp.identities) {
    const [first, ...rest] = identity.labels.length > 0 ? identity.labels : [''];
    rows.push([String(identity.id), first ?? '']);
    for (const l of rest) rows.push(['', l]);
  }
  return tabulate(rows);
}

/** The ipcache as one node's agent holds it. */
export function formatIpcache(dp: CiliumDataplane, node: string): string {
  const rows: string[][] = [['IP PREFIX/ADDRESS', 'IDENTITY']];
  const entries = dp.ipcache.filter((e) => e.node === undefined || e.node === node);
  const sorted = [...entries].sort((a, b) => compareIP(a.prefix, b.prefix));
  for (const e of sorted) {
    const remote = e.hostNode !== undefined && e.hostNode !== node && e.hostNodeIP !== undefined;
    const tunnel = remote ? e.hostNodeIP! : '0.0.0.0';
    rows.push([
      e.prefix,
      `identity=${e.identity} encryptkey=0 tunnelendpoint=${tunnel} flags=${remote ? 'hastunnel' : '<none>'}`,
    ]);
  }
  return tabulate(rows);
}

function compareIP(a: string, b: string): number {
  const num = (p: string) => {
    const [ip, len] = p.split('/');
    const n = (ip ?? '').split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return n * 64 + Number(len ?? 32);
  };
  return num(a) - num(b);
}

export function formatPolicyMap(dp: CiliumDataplane, endpoint: CiliumEndpoint): string {
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
  const entries: readonly PolicyMapEntry[] = dp.policyMaps.get(endpoint.id) ?? [];
  for (const e of entries) {
    const labels =
      e.identity === 0
        ? ['ANY']
        : (dp.index.identityById.get(e.identity)?.labels ?? [String(e.identity)]);
    const [first, ...rest] = labels.length > 0 ? labels : [String(e.identity)];
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
    for (const l of rest) rows.push(['', '', l, '', '', '', '', '', '']);
  }
  const table = tabulate(rows);
  return entries.length === 0
    ? `${table}\nPolicy stats empty. Perhaps the policy enforcement is disabled?`
    : table;
}

/**
 * The identities, the ipcache and the policy maps. With `endpoint` (`ns/pod`): that endpoint's
 * policy map and its node's ipcache; without: every node's ipcache and every policy map.
 */
export function dumpCiliumMaps(dp: CiliumDataplane, opts: { endpoint?: string } = {}): string {
  const out: string[] = [...CILIUM_DUMP_HEADER, ''];
  out.push('$ cilium identity list', formatIdentityList(dp), '');
  if (opts.endpoint !== undefined) {
    const ep = dp.index.endpointByPod.get(opts.endpoint);
    if (!ep) return `No Cilium endpoint for pod "${opts.endpoint}".`;
    out.push(`$ cilium bpf ipcache list   # on ${ep.node}`, formatIpcache(dp, ep.node), '');
    out.push(policySection(dp, ep));
    return out.join('\n');
  }
  for (const node of dp.nodes) {
    out.push(`$ cilium bpf ipcache list   # on ${node}`, formatIpcache(dp, node), '');
  }
  for (const ep of dp.endpoints) out.push(policySection(dp, ep), '');
  return out.join('\n').trimEnd();
}

function policySection(dp: CiliumDataplane, ep: CiliumEndpoint): string {
  return [
    `$ cilium bpf policy get ${ep.id}   # ${ep.pod} on ${ep.node}, identity ${ep.identity}, map ${ep.mapName}`,
    formatPolicyMap(dp, ep),
  ].join('\n');
}
