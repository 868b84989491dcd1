/**
 * `cli walk FILE.yaml --cni calico|cilium --from NS/POD --to NS/POD|NS/SERVICE|ip:A.B.C.D --port N
 *  [--protocol TCP|UDP|SCTP] [--http METHOD:PATH] [--reply] [--calico-dataplane iptables|ebpf]
 *  [--calico-peering full-mesh|route-reflector|tor] [--calico-encap none|ipip|vxlan|ipip-crosssubnet|
 *  vxlan-crosssubnet] [--cilium-routing vxlan|geneve|native|eni] [--kube-proxy-replacement]
 *  [--bpf-masquerade]
 *  [--encryption none|wireguard|ipsec] [--json]`: the hops of one packet (issue 5).
 */
import { PROTOCOLS, type HttpRequest, type Protocol } from '../engine/model';
import { createEngine } from '../engine/verdict';
import {
  CALICO_DATAPLANES,
  CALICO_ENCAPS,
  CALICO_PEERINGS,
  CILIUM_ENCRYPTIONS,
  CILIUM_ROUTINGS,
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  describeWalkConfig,
  type CalicoConfig,
  type CiliumConfig,
  type WalkConfig,
} from '../datapath/config';
import { costUpTo, type PacketHeader } from '../datapath/hop';
import { WalkInputError, type PacketSpec } from '../datapath/packet';
import { resultConfig, walk, type WalkResult } from '../datapath/walk';
import { CliError, parseArgs, type Io } from './io';
import { loadCluster } from './load';

export const WALK_USAGE =
  'usage: cli walk FILE.yaml --cni calico|cilium --from NS/POD --to NS/POD|NS/SERVICE|ip:A.B.C.D --port N ' +
  '[--protocol TCP|UDP|SCTP] [--http METHOD:PATH] [--reply] [--calico-dataplane iptables|ebpf] ' +
  '[--calico-peering full-mesh|route-reflector|tor] ' +
  '[--calico-encap none|ipip|vxlan|ipip-crosssubnet|vxlan-crosssubnet] [--cilium-routing vxlan|geneve|native|eni] ' +
  '[--kube-proxy-replacement] [--bpf-masquerade] [--encryption none|wireguard|ipsec] [--json]';

const FLAGS = ['json', 'reply', 'kube-proxy-replacement', 'bpf-masquerade'] as const;
const OPTIONS = [
  'cni',
  'from',
  'to',
  'port',
  'protocol',
  'http',
  'calico-dataplane',
  'calico-peering',
  'calico-encap',
  'cilium-routing',
  'encryption',
] as const;

const CALICO_ONLY = ['calico-dataplane', 'calico-peering', 'calico-encap'];
const CILIUM_ONLY = ['cilium-routing'];

function oneOf<T extends string>(
  options: Map<string, string>,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = options.get(name);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`--${name}: "${value}" is not one of ${allowed.join(', ')}`);
  return fallback;
}

/** Reads the walk configuration and the packet from the command line; all problems at once. */
export function parseWalkArgs(args: readonly string[]): {
  file: string;
  config: WalkConfig;
  packet: PacketSpec;
  json: boolean;
} {
  const { positional, flags, options } = parseArgs(args, { flags: FLAGS, options: OPTIONS });
  const problems: string[] = [];
  if (positional.length !== 1) problems.push('expected exactly one manifest file');
  const cni = options.get('cni');
  if (cni === undefined) problems.push('--cni is required (calico or cilium)');
  else if (cni !== 'calico' && cni !== 'cilium')
    problems.push(`--cni: "${cni}" is not one of calico, cilium`);
  for (const required of ['from', 'to', 'port'] as const) {
    if (!options.has(required)) problems.push(`--${required} is required`);
  }
  const portText = options.get('port');
  const port = Number(portText);
  if (portText !== undefined && (!/^\d+$/.test(portText) || port < 1 || port > 65535))
    problems.push(`--port: "${portText}" is not an integer between 1 and 65535`);
  const protocol = (options.get('protocol') ?? 'TCP').toUpperCase();
  if (!PROTOCOLS.includes(protocol as Protocol))
    problems.push(`--protocol: "${options.get('protocol')}" is not one of TCP, UDP, SCTP`);
  let http: HttpRequest | undefined;
  const httpText = options.get('http');
  if (httpText !== undefined) {
    const m = /^([A-Za-z]+):(\/.*)$/.exec(httpText);
    if (!m) problems.push(`--http: "${httpText}" is not METHOD:PATH (e.g. GET:/api/v1/orders)`);
    else http = { method: m[1]!.toUpperCase(), path: m[2]! };
    if (protocol !== 'TCP') problems.push('--http needs --protocol TCP');
  }
  const encryptionText = options.get('encryption');
  let config: WalkConfig | undefined;
  if (cni === 'calico') {
    for (const o of CILIUM_ONLY)
      if (options.has(o)) problems.push(`--${o} applies to --cni cilium only`);
    if (flags.has('kube-proxy-replacement'))
      problems.push(
        '--kube-proxy-replacement applies to --cni cilium only (Calico’s eBPF dataplane replaces kube-proxy by itself: --calico-dataplane ebpf)',
      );
    if (flags.has('bpf-masquerade'))
      problems.push('--bpf-masquerade applies to --cni cilium only (Cilium’s bpf.masquerade)');
    if (encryptionText !== undefined && !['none', 'wireguard'].includes(encryptionText))
      problems.push(
        `--encryption: Calico encrypts with WireGuard only ("none" or "wireguard"), not "${encryptionText}"`,
      );
    const calico: CalicoConfig = {
      dataplane: oneOf(
        options,
        'calico-dataplane',
        CALICO_DATAPLANES,
        DEFAULT_CALICO_CONFIG.dataplane,
        problems,
      ),
      peering: oneOf(
        options,
        'calico-peering',
        CALICO_PEERINGS,
        DEFAULT_CALICO_CONFIG.peering,
        problems,
      ),
      encap: oneOf(options, 'calico-encap', CALICO_ENCAPS, DEFAULT_CALICO_CONFIG.encap, problems),
      wireguard: encryptionText === 'wireguard',
    };
    config = { cni: 'calico', calico };
  } else if (cni === 'cilium') {
    for (const o of CALICO_ONLY)
      if (options.has(o)) problems.push(`--${o} applies to --cni calico only`);
    const cilium: CiliumConfig = {
      routing: oneOf(
        options,
        'cilium-routing',
        CILIUM_ROUTINGS,
        DEFAULT_CILIUM_CONFIG.routing,
        problems,
      ),
      kubeProxyReplacement: flags.has('kube-proxy-replacement'),
      bpfMasquerade: flags.has('bpf-masquerade'),
      encryption: oneOf(
        options,
        'encryption',
        CILIUM_ENCRYPTIONS,
        DEFAULT_CILIUM_CONFIG.encryption,
        problems,
      ),
    };
    config = { cni: 'cilium', cilium };
  }
  if (problems.length > 0 || !config) throw new CliError([...problems, WALK_USAGE]);
  return {
    file: positional[0]!,
    config,
    json: flags.has('json'),
    packet: {
      from: options.get('from')!,
      to: options.get('to')!,
      port,
      protocol: protocol as Protocol,
      ...(http ? { http } : {}),
      ...(flags.has('reply') ? { reply: true } : {}),
    },
  };
}

export function runWalk(args: readonly string[], io: Io): number {
  const { file, config, packet, json } = parseWalkArgs(args);
  const { cluster } = loadCluster(file, io, { quietWarnings: json });
  let result: WalkResult;
  try {
    result = walk(createEngine(cluster), config, packet);
  } catch (error) {
    if (error instanceof WalkInputError) throw new CliError([`${file}: error: ${error.message}`]);
    throw error;
  }
  if (json) io.out(JSON.stringify(walkJson(result)));
  else printWalk(result, io);
  return 0;
}

const headerJson = (h: PacketHeader) => ({
  proto: h.proto,
  src: h.src,
  dst: h.dst,
  sport: h.sport ?? null,
  dport: h.dport ?? null,
  ...(h.ipProtocol !== undefined ? { ipProtocol: h.ipProtocol } : {}),
  ...(h.bytes !== undefined ? { bytes: h.bytes } : {}),
  ...(h.vni !== undefined ? { vni: h.vni } : {}),
  ...(h.spi !== undefined ? { spi: h.spi } : {}),
});

/** The exact JSON shape of issue 5, plus `explanation` per hop and `notes`. */
export function walkJson(r: WalkResult) {
  return {
    cni: r.cni,
    config: r.config,
    verdict: r.verdict,
    dropReason: r.dropReason ?? null,
    hops: r.hops.map((h) => ({
      stage: h.stage,
      node: h.node,
      where: h.where,
      table: h.table ?? '',
      match: h.match ?? '',
      headers: h.headers.map(headerJson),
      cost: { rules: h.cost.rules, lookups: h.cost.lookups },
      explanation: h.explanation,
    })),
    notes: r.notes,
    mtu: r.podMtu,
  };
}

export function formatHeader(h: PacketHeader): string {
  const port = (p: number | undefined) => (p === undefined ? '' : `:${p}`);
  const extra = [
    h.ipProtocol !== undefined && h.proto !== 'TCP' && h.proto !== 'UDP' && h.proto !== 'SCTP'
      ? `IP proto ${h.ipProtocol}`
      : '',
    h.vni !== undefined ? `VNI ${h.vni}` : '',
    h.spi !== undefined ? `SPI 0x${h.spi.toString(16)}` : '',
    h.bytes !== undefined ? `+${h.bytes} B` : '',
  ].filter(Boolean);
  return `${h.proto} ${h.src}${port(h.sport)} → ${h.dst}${port(h.dport)}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function printWalk(r: WalkResult, io: Io): void {
  io.out(`${describeWalkConfig(resultConfig(r))}`);
  io.out(`${r.title}`);
  io.out('');
  r.hops.forEach((h, i) => {
    io.out(`${String(i + 1).padStart(2)}. [${h.stage}] ${h.node}: ${h.where}`);
    if (h.table) io.out(`      table:   ${h.table}`);
    if (h.match) io.out(`      match:   ${h.match}`);
    h.headers.forEach((hd, j) =>
      io.out(`      ${j === 0 ? 'headers:' : '        '} ${'  '.repeat(j)}${formatHeader(hd)}`),
    );
    if (h.cost.rules || h.cost.lookups)
      io.out(`      cost:    ${h.cost.rules} rules, ${h.cost.lookups} map lookups`);
    io.out(`      why:     ${h.explanation}`);
  });
  const total = costUpTo(r.hops, r.hops.length - 1);
  io.out('');
  io.out(
    r.verdict === 'delivered'
      ? `Verdict: delivered (${total.rules} rules tested, ${total.lookups} map lookups; pod MTU ${r.podMtu})`
      : `Verdict: dropped: ${r.dropReason} (${total.rules} rules tested, ${total.lookups} map lookups)`,
  );
  for (const note of r.notes) io.out(`Note: ${note}`);
}
