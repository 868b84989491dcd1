/**
 * Services: a ClusterIP's backends and how each dataplane turns a packet to the ClusterIP into a
 * packet to one backend. kube-proxy (iptables mode) rewrites it with nat-table chains; Cilium looks
 * the service up in its BPF maps, at connect() with kube-proxy replacement (socket-LB) or per packet
 * in cil_from_container; Calico's eBPF dataplane uses its own NAT maps.
 */
import { sha256 } from '../engine/hash';
import { matchesLabelSelector } from '../engine/labels';
import { indexCluster } from '../engine/cluster';
import type { Cluster, Pod, Protocol, Service, ServicePort } from '../engine/model';
import { pickForFlow, type FiveTuple } from './flow';

/** A packet's Service: the port it hit, its backends and the one chosen. */
export interface ServiceHit {
  readonly service: Service;
  readonly port: ServicePort;
  readonly backends: readonly ServiceBackend[];
  /** Index of the chosen backend; -1 when the service has none. */
  readonly chosen: number;
}

export interface ServiceBackend {
  readonly pod: Pod;
  readonly ip: string;
  readonly port: number;
}

/**
 * The endpoints of one service port: pods of the service's namespace its selector matches, with the
 * target port resolved (a named targetPort is looked up in each pod's container ports, so pods
 * without that name are not endpoints, as the EndpointSlice controller does). Ordered by address:
 * PacketWalk's stand-in for the order of the EndpointSlice.
 */
export function serviceBackends(
  cluster: Cluster,
  svc: Service,
  port: ServicePort,
): ServiceBackend[] {
  if (svc.selector === null) return [];
  const selector = { matchLabels: svc.selector };
  const out: ServiceBackend[] = [];
  for (const pod of indexCluster(cluster).podsInNamespace(svc.namespace)) {
    if (!matchesLabelSelector(pod.labels, selector)) continue;
    let target: number | undefined;
    if (typeof port.targetPort === 'number') target = port.targetPort;
    else
      target = pod.ports.find(
        (p) => p.name === port.targetPort && p.protocol === port.protocol,
      )?.port;
    if (target !== undefined) out.push({ pod, ip: pod.ip, port: target });
  }
  return out.sort((a, b) => ipOrder(a.ip) - ipOrder(b.ip));
}

function ipOrder(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Picks the backend for a flow; the same flow always lands on the same one. */
export function chooseBackend(
  backends: readonly ServiceBackend[],
  flow: FiveTuple,
): { backend: ServiceBackend; index: number } | null {
  if (backends.length === 0) return null;
  const index = pickForFlow(flow, 'service-backend', backends.length);
  return { backend: backends[index]!, index };
}

// ---------------------------------------------------------------------------------------------
// kube-proxy, iptables mode (kubernetes pkg/proxy/iptables/proxier.go)
// ---------------------------------------------------------------------------------------------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, standard alphabet with `=` padding, as Go's base32.StdEncoding. */
export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * The service port's name as kube-proxy prints it (ServicePortName.String()): `ns/name`, plus
 * `:portName` when the port is named.
 */
export const servicePortName = (svc: Service, port: ServicePort): string =>
  `${svc.namespace}/${svc.name}${port.name ? `:${port.name}` : ''}`;

/**
 * portProtoHash: the first 16 characters of base32(SHA-256(servicePortName + protocol)), the
 * protocol lower-cased (`strings.ToLower(string(svcInfo.Protocol()))`), because chain names must
 * stay within 28 characters.
 */
export const portProtoHash = (name: string, protocol: Protocol): string =>
  toBase32(sha256(name + protocol.toLowerCase())).slice(0, 16);

export const kubeSvcChain = (svc: Service, port: ServicePort): string =>
  `KUBE-SVC-${portProtoHash(servicePortName(svc, port), port.protocol)}`;

/** servicePortEndpointChainName: SHA-256 of servicePortName + protocol + "ip:port". */
export const kubeSepChain = (svc: Service, port: ServicePort, backend: ServiceBackend): string =>
  `KUBE-SEP-${toBase32(
    sha256(
      servicePortName(svc, port) + port.protocol.toLowerCase() + `${backend.ip}:${backend.port}`,
    ),
  ).slice(0, 16)}`;

/** kube-proxy writes the probability with %0.10f: rule i of n matches with 1/(n-i). */
export const statisticProbability = (i: number, n: number): string => (1 / (n - i)).toFixed(10);

/** One of kube-proxy's nat chains and the rules of it that a trace shows, in order. */
export interface ChainRules {
  readonly chain: string;
  readonly rules: readonly string[];
}

export interface KubeProxyTrace {
  /** The KUBE-SERVICES rule that matched. */
  readonly servicesRule: string;
  /** Rules of KUBE-SERVICES tested before the match (PacketWalk orders them as the manifests). */
  readonly servicesRulesTested: number;
  /** The Service port's KUBE-SVC- chain: its rules up to the chosen endpoint's. */
  readonly svc: ChainRules;
  /** The chosen endpoint's KUBE-SEP- chain: the hairpin masquerade mark, then the DNAT. */
  readonly sep: ChainRules;
}

/** Every service port in KUBE-SERVICES order, as PacketWalk writes it: manifest order. */
export function allServicePorts(cluster: Cluster): { svc: Service; port: ServicePort }[] {
  return cluster.services
    .filter((s) => s.clusterIP !== 'None')
    .flatMap((svc) => svc.ports.map((port) => ({ svc, port })));
}

export function kubeProxyTrace(
  cluster: Cluster,
  svc: Service,
  port: ServicePort,
  backends: readonly ServiceBackend[],
  chosen: number,
): KubeProxyTrace {
  const proto = port.protocol.toLowerCase();
  const name = servicePortName(svc, port);
  const svcChain = kubeSvcChain(svc, port);
  const position =
    allServicePorts(cluster).findIndex((sp) => sp.svc === svc && sp.port === port) + 1;
  const backend = backends[chosen]!;
  const sepChain = kubeSepChain(svc, port, backend);
  const svcRules: string[] = [];
  for (let i = 0; i <= chosen; i++) {
    const b = backends[i]!;
    const target = `-m comment --comment "${name} -> ${b.ip}:${b.port}"`;
    const sep = kubeSepChain(svc, port, b);
    svcRules.push(
      i === backends.length - 1
        ? `-A ${svcChain} ${target} -j ${sep}`
        : `-A ${svcChain} ${target} -m statistic --mode random --probability ${statisticProbability(i, backends.length)} -j ${sep}`,
    );
  }
  return {
    servicesRule: `-A KUBE-SERVICES -d ${svc.clusterIP}/32 -p ${proto} -m comment --comment "${name} cluster IP" -m ${proto} --dport ${port.port} -j ${svcChain}`,
    servicesRulesTested: position,
    svc: { chain: svcChain, rules: svcRules },
    sep: {
      chain: sepChain,
      rules: [
        `-A ${sepChain} -s ${backend.ip}/32 -m comment --comment "${name}" -j KUBE-MARK-MASQ`,
        `-A ${sepChain} -p ${proto} -m comment --comment "${name}" -m ${proto} -j DNAT --to-destination ${backend.ip}:${backend.port}`,
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Cilium and Calico eBPF service maps
// ---------------------------------------------------------------------------------------------

/**
 * The agent allocates service IDs (rev_nat_index) and backend IDs itself; PacketWalk numbers them
 * in manifest order from 1 so the same cluster always shows the same keys.
 */
export function serviceId(cluster: Cluster, svc: Service, port: ServicePort): number {
  return allServicePorts(cluster).findIndex((sp) => sp.svc === svc && sp.port === port) + 1;
}

/**
 * What an eBPF Service lookup for `t` finds: the Service port's ID (the NAT maps' key and the
 * reverse-NAT index) and, unless the Service has no backend, the chosen one and `t` rewritten to it.
 */
export function balance(
  cluster: Cluster,
  hit: ServiceHit,
  t: FiveTuple,
): { readonly id: number; readonly to?: { backend: ServiceBackend; after: FiveTuple } } {
  const id = serviceId(cluster, hit.service, hit.port);
  const backend = hit.backends[hit.chosen];
  if (hit.chosen < 0 || !backend) return { id };
  return { id, to: { backend, after: { ...t, dst: backend.ip, dport: backend.port } } };
}

export function backendId(cluster: Cluster, backend: ServiceBackend, protocol: Protocol): number {
  const seen: string[] = [];
  for (const { svc, port } of allServicePorts(cluster)) {
    for (const b of serviceBackends(cluster, svc, port)) {
      const key = `${b.ip}:${b.port}/${port.protocol}`;
      if (!seen.includes(key)) seen.push(key);
    }
  }
  return seen.indexOf(`${backend.ip}:${backend.port}/${protocol}`) + 1;
}

/** Resolves `ns/name` to a service, or explains why not. */
export function findService(
  cluster: Cluster,
  key: string,
): { ok: true; service: Service } | { ok: false; error: string } {
  const svc = indexCluster(cluster).serviceByKey.get(key);
  if (!svc) return { ok: false, error: `no Service "${key}"` };
  if (svc.clusterIP === 'None')
    return {
      ok: false,
      error: `Service ${key} is headless (clusterIP: None): there is no virtual IP to walk to`,
    };
  return { ok: true, service: svc };
}
