/**
 * What one node's dataplane holds, as the tools print it, for the Dataplane panel: for Calico,
 * `ipset save` and `iptables-save` of the filter table (engine/calico/iptablesSave.ts, the same
 * lines `cli iptables-save` prints) and kube-proxy's Service chains of the nat table; for Cilium,
 * `cilium bpf endpoint list` (cilium_lxc), `cilium bpf ipcache list`, each local endpoint's
 * `cilium bpf policy get` (engine/cilium/dump.ts, the lines `cli bpf-maps` prints) and
 * `cilium bpf lb list` (services and backends). Where a hop's row sits in it: dumpTargets.ts.
 *
 * Sources: kubernetes pkg/proxy/iptables/proxier.go (nat chains); cilium-dbg/cmd/bpf_lb_list.go
 * (`dumpSVC`: slot 0 `0.0.0.0:0 (revnat) (0) [flags]`, slot n `backend:port/PROTO (revnat) (n)`),
 * pkg/loadbalancer/loadbalancer.go `ServiceFlags.String` and reconciler/bpf_reconciler.go (a
 * ClusterIP is `non-routable` unless ExternalClusterIP), pkg/maps/lxcmap/lxcmap.go
 * `EndpointInfo.String` (`(localhost)` for host entries) and pkg/bpf/endpoint.go (key `ip:0`).
 */
import { iptablesSaveLines } from '../engine/calico/iptablesSave';
import type { CalicoDataplane } from '../engine/calico/dataplane';
import {
  headerLines,
  identityLines,
  ipcacheLines,
  policyLines,
  tabulate,
} from '../engine/cilium/dump';
import type { CiliumDataplane } from '../engine/cilium/ebpf';
import { DumpBuilder, type DumpLine } from '../engine/dumpLines';
import type { Cluster, Cni } from '../engine/model';
import type { Engine } from '../engine/verdict';
import type { WalkConfig } from './config';
import type { Hop } from './hop';
import type { PacketSpec } from './packet';
import { walk } from './walk';
import { KUBE_NODEPORTS_RULE } from './calicoServices';
import { allServicePorts, kubeProxyTrace, serviceBackends, serviceId } from './services';

export interface DataplaneDump {
  readonly cni: Cni;
  /** The node dumped. */
  readonly node: string;
  /** Every node the CNI programs, for the node select. */
  readonly nodes: readonly string[];
  readonly lines: readonly DumpLine[];
}

/** kube-proxy's nat table as PacketWalk models it: the Service chains a walk passes. */
export function natLines(b: DumpBuilder, cluster: Cluster): void {
  b.text(
    '# kube-proxy (iptables mode) nat table, Service chains only; KUBE-MARK-MASQ, KUBE-POSTROUTING, KUBE-NODEPORTS and Calico’s cali- nat chains are left out.',
  );
  b.text('*nat', 'nat');
  const services: string[] = [];
  const chains = new Map<string, string[]>();
  for (const { svc, port } of allServicePorts(cluster)) {
    const backends = serviceBackends(cluster, svc, port);
    // A Service port without endpoints gets no nat rules, only a REJECT in the filter table.
    if (backends.length === 0) continue;
    backends.forEach((_, i) => {
      const kp = kubeProxyTrace(cluster, svc, port, backends, i);
      if (i === 0) {
        services.push(kp.servicesRule);
        chains.set(kp.svc.chain, []);
      }
      chains.get(kp.svc.chain)!.push(kp.svc.rules[i]!);
      chains.set(kp.sep.chain, [...kp.sep.rules]);
    });
  }
  services.push(KUBE_NODEPORTS_RULE);
  const all = new Map([['KUBE-SERVICES', services], ...chains]);
  b.open('nat/:', `${all.size} chains declared`, false);
  for (const name of all.keys()) b.note(`:${name} - [0:0]`);
  for (const [name, rules] of all) {
    b.open(`nat/${name}`, `${name} (${rules.length} rule${rules.length === 1 ? '' : 's'})`, false);
    rules.forEach((text, i) => b.row(`nat/${name}/${i + 1}`, text));
  }
  b.text('COMMIT', 'nat/COMMIT');
}

/** One Calico node: its IP sets and filter table, then (iptables dataplane) the nat table. */
export function calicoNodeLines(
  cluster: Cluster,
  dp: CalicoDataplane,
  node: string,
  ebpf: boolean,
): DumpLine[] {
  const b = new DumpBuilder();
  if (ebpf)
    b.text(
      '# The eBPF dataplane is on: Felix compiles these policies into BPF programs instead, and kube-proxy is replaced. Shown: the rules the iptables dataplane would program.',
    );
  b.lines.push(...iptablesSaveLines(dp, node, true));
  if (!ebpf) {
    b.text('');
    natLines(b, cluster);
  }
  return b.lines;
}

export const lxcRowId = (ip: string): string => `lxc/${ip}`;

/** A conntrack entry of the walked flow (bpf/lib/conntrack.h `ct_create4`). */
export interface CtEntry {
  readonly node: string;
  /** TUPLE_F_OUT: created by the client's cil_from_container; TUPLE_F_IN: by the server's policy. */
  readonly dir: 'OUT' | 'IN';
  readonly proto: string;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  /** `src_sec_id`: the client's identity in both (bpf_lxc.c: SECLABEL on egress, the source on ingress). */
  readonly sourceIdentity: number;
}

/**
 * The conntrack entries a new connection of the walk leaves in `cilium_ct4_global` (TCP) or
 * `cilium_ct_any4_global`: OUT on the client's node once its egress let the packet out, IN on the
 * server's node once its ingress let it in (no entry for a packet dropped by policy before it).
 */
export function walkedConntrack(
  hops: readonly Hop[],
  delivered: boolean,
  clientIdentity: number,
): CtEntry[] {
  const out: CtEntry[] = [];
  const at = (stage: Hop['stage']) => hops.find((h) => h.stage === stage);
  const entry = (hop: Hop | undefined, dir: CtEntry['dir']): void => {
    const h = hop?.headers.at(-1);
    if (!hop || !h || h.sport === undefined || h.dport === undefined) return;
    out.push({
      node: hop.node,
      dir,
      proto: h.proto,
      src: h.src,
      sport: h.sport,
      dst: h.dst,
      dport: h.dport,
      sourceIdentity: clientIdentity,
    });
  };
  const egress = at('egress-policy');
  const dropped = hops.at(-1)?.stage === 'dropped';
  const droppedAtEgress =
    dropped && egress !== undefined && hops.indexOf(egress) === hops.length - 2;
  if (!droppedAtEgress) entry(egress, 'OUT');
  if (delivered) entry(at('ingress-policy'), 'IN');
  return out;
}

function conntrackLines(b: DumpBuilder, node: string, entries: readonly CtEntry[]): void {
  const here = entries.filter((e) => e.node === node);
  if (here.length === 0) return;
  const map = here[0]!.proto === 'TCP' ? 'cilium_ct4_global' : 'cilium_ct_any4_global';
  b.text('');
  b.open('ct', `$ cilium bpf ct list global   # ${map} on ${node}, the walked flow only`);
  b.note(
    '# expires, packet and byte counters, flags seen and report times are runtime values; left out.',
  );
  for (const e of here)
    b.row(
      `ct/${e.dir}/${e.src}:${e.sport}/${e.dst}:${e.dport}`,
      `${e.proto} ${e.dir} ${e.src}:${e.sport} -> ${e.dst}:${e.dport} SourceSecurityID=${e.sourceIdentity}`,
    );
}

/** One Cilium node: identities, cilium_lxc, its ipcache, its endpoints' policy maps, services. */
export function ciliumNodeLines(
  cluster: Cluster,
  dp: CiliumDataplane,
  node: string,
  conntrack: readonly CtEntry[] = [],
): DumpLine[] {
  const b = new DumpBuilder();
  headerLines(b);
  identityLines(b, dp);
  b.text('');
  b.open('lxc', `$ cilium bpf endpoint list   # cilium_lxc on ${node}`);
  b.note('# ifindex, mac, nodemac and parent_ifindex are not modelled; left out.');
  const rows: string[][] = [['IP ADDRESS', 'LOCAL ENDPOINT INFO']];
  const ids: string[] = [];
  const local = dp.endpoints.filter((e) => e.node === node);
  const nodeIP = dp.index.nodeIPs.get(node);
  const entries = [
    ...local.map((e) => ({
      ip: e.ip,
      info: `id=${String(e.id).padEnd(5)} sec_id=${String(e.identity).padEnd(5)} flags=0x0000`,
    })),
    ...(nodeIP ? [{ ip: nodeIP, info: '(localhost)' }] : []),
  ].sort((x, y) => ipNumber(x.ip) - ipNumber(y.ip));
  for (const e of entries) {
    rows.push([`${e.ip}:0`, e.info]);
    ids.push(lxcRowId(e.ip));
  }
  tabulate(rows)
    .split('\n')
    .forEach((line, i) => (i === 0 ? b.note(line) : b.row(ids[i - 1]!, line)));
  b.text('');
  ipcacheLines(b, dp, node);
  for (const ep of local) {
    b.text('');
    policyLines(b, dp, ep);
  }
  b.text('');
  lbLines(b, cluster);
  conntrackLines(b, node, conntrack);
  return b.lines;
}

const ipNumber = (ip: string): number =>
  ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

export const lbRowId = (key: string): string => `lb/${key}`;

/** `cilium bpf lb list`: each Service port's slot 0 (count, rev NAT) and one slot per backend. */
function lbLines(b: DumpBuilder, cluster: Cluster): void {
  b.open('lb', '$ cilium bpf lb list   # cilium_lb4_services_v2, cilium_lb4_backends_v3');
  const rows: string[][] = [['SERVICE ADDRESS', 'BACKEND ADDRESS (REVNAT_ID) (SLOT)']];
  const ids: string[] = [];
  for (const { svc, port } of allServicePorts(cluster)) {
    const id = serviceId(cluster, svc, port);
    const key = (slot: number) => `${svc.clusterIP}:${port.port}/${port.protocol} (${slot})`;
    rows.push([key(0), `0.0.0.0:0 (${id}) (0) [ClusterIP, non-routable]`]);
    ids.push(lbRowId(key(0)));
    serviceBackends(cluster, svc, port).forEach((be, i) => {
      rows.push([key(i + 1), `${be.ip}:${be.port}/${port.protocol} (${id}) (${i + 1})`]);
      ids.push(lbRowId(key(i + 1)));
    });
  }
  tabulate(rows)
    .split('\n')
    .forEach((line, i) => (i === 0 ? b.note(line) : b.row(ids[i - 1]!, line)));
}

/**
 * One node's dump for a CNI under its configuration; `node` null or unknown: the first node
 * (sorted by name).
 */
export function dataplaneDump(
  engine: Engine,
  config: WalkConfig,
  node: string | null,
  packet: PacketSpec | null = null,
): DataplaneDump {
  const cluster = engine.cluster;
  if (config.cni === 'calico') {
    const dp = engine.calico();
    const nodes = Object.keys(dp.nodes).sort();
    const at = node !== null && nodes.includes(node) ? node : (nodes[0] ?? '');
    const lines = calicoNodeLines(cluster, dp, at, config.calico.dataplane === 'ebpf');
    return { cni: 'calico', node: at, nodes, lines };
  }
  const dp = engine.cilium();
  const nodes = [...dp.nodes].sort();
  const at = node !== null && nodes.includes(node) ? node : (nodes[0] ?? '');
  return {
    cni: 'cilium',
    node: at,
    nodes,
    lines: ciliumNodeLines(cluster, dp, at, flowCt(packet)),
  };

  function flowCt(p: PacketSpec | null): CtEntry[] {
    // A new connection's entries; a reply or ICMP (keyed by its identifier) is not shown.
    if (!p || p.reply || p.protocol === 'ICMP') return [];
    const client = dp.index.endpointByPod.get(p.from);
    if (!client) return [];
    try {
      const r = walk(engine, config, p);
      return walkedConntrack(r.hops, r.verdict === 'delivered', client.identity);
    } catch {
      return []; // a packet the scenario cannot walk has no flow
    }
  }
}
