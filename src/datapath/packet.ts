/**
 * The packet a walk follows, and its resolution against the cluster: which pod sends it, what it
 * is addressed to (a pod, a Service's virtual IP, a node, an outside address), which backend a
 * Service sends it to, and the policy question to put to the engine.
 */
import { isIPv4 } from '../engine/cidr';
import { ECHO_REQUEST, icmpTypeCodeError } from '../engine/probe';
import { indexCluster, podKey, type ClusterIndex } from '../engine/cluster';
import type {
  Cluster,
  ClusterNode,
  HttpRequest,
  IcmpTypeCode,
  Pod,
  Probe,
  ProbeProtocol,
  Service,
} from '../engine/model';
import { CLIENT_SOURCE_PORT, ICMP_REPLY_TYPE, type FiveTuple } from './flow';
import { chooseBackend, findService, serviceBackends, type ServiceHit } from './services';

export type { ServiceHit } from './services';

export interface PacketSpec {
  /** `ns/pod`: walks always start in a pod. */
  readonly from: string;
  /**
   * `ns/pod`, `ns/service`, or `ip:a.b.c.d`. When a pod and a Service share the name, `pod:ns/name`
   * and `svc:ns/name` choose.
   */
  readonly to: string;
  /** The destination port; ignored for ICMP, which has none. */
  readonly port: number;
  readonly protocol: ProbeProtocol;
  /** ICMP only: the type and code (default 8/0, an echo request, what `ping` sends). */
  readonly icmp?: IcmpTypeCode;
  readonly http?: HttpRequest;
  /** Walk the reply of the established connection (server back to client) instead. */
  readonly reply?: boolean;
}

export type Target =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly node: ClusterNode }
  | { readonly kind: 'node'; readonly node: ClusterNode }
  | { readonly kind: 'external'; readonly ip: string };

export interface ResolvedPacket {
  readonly client: Pod;
  readonly clientNode: ClusterNode;
  /** Where the packet ends up (the chosen backend for a Service); null when a Service has none. */
  readonly target: Target | null;
  readonly service?: ServiceHit;
  /** The flow as the client opens it: to the Service's virtual IP when there is one. */
  readonly flow: FiveTuple;
  /** Destination address and port after load balancing. */
  readonly dstIP: string;
  readonly dport: number;
  readonly protocol: ProbeProtocol;
  /** Set exactly when `protocol` is ICMP. */
  readonly icmp?: IcmpTypeCode;
  /**
   * ICMP addressed to a Service's ClusterIP: no Service port can match it (Service ports are
   * TCP/UDP/SCTP), so no load balancer translates it and it is walked as to an outside address.
   */
  readonly icmpToService?: Service;
  readonly http?: HttpRequest;
  readonly reply: boolean;
  readonly notes: readonly string[];
}

/** Bad input: the CLI prints the message and exits 2. */
export class WalkInputError extends Error {}

const POD_KEY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

export function resolvePacket(cluster: Cluster, spec: PacketSpec): ResolvedPacket {
  const index = indexCluster(cluster);
  if (!POD_KEY.test(spec.from))
    throw new WalkInputError(`from: "${spec.from}" is not namespace/pod`);
  const client = index.podByKey.get(spec.from);
  if (!client) throw new WalkInputError(`from: unknown pod "${spec.from}"`);
  const clientNode = nodeOf(cluster, client);
  if (spec.protocol === 'ICMP') return resolveIcmp(cluster, spec, client, clientNode);
  if (spec.icmp)
    throw new WalkInputError(`an ICMP type is set but the protocol is ${spec.protocol}`);
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535)
    throw new WalkInputError(`port ${spec.port} is not between 1 and 65535`);
  if (spec.http && spec.protocol !== 'TCP')
    throw new WalkInputError('an HTTP request needs protocol TCP');
  const protocol = spec.protocol;
  const notes: string[] = [];
  const base = {
    client,
    clientNode,
    protocol,
    reply: spec.reply ?? false,
    ...(spec.http ? { http: spec.http } : {}),
  };
  const flowTo = (dst: string, dport: number): FiveTuple => ({
    protocol,
    src: client.ip,
    sport: CLIENT_SOURCE_PORT,
    dst,
    dport,
  });

  const toService = (svc: Service): ResolvedPacket => {
    const port = svc.ports.find((p) => p.port === spec.port && p.protocol === spec.protocol);
    if (!port) {
      const list = svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ');
      throw new WalkInputError(
        `Service ${svc.namespace}/${svc.name} has no port ${spec.port}/${spec.protocol} (its ports: ${list || 'none'})`,
      );
    }
    const backends = serviceBackends(cluster, svc, port);
    const flow = flowTo(svc.clusterIP, port.port);
    const pick = chooseBackend(backends, flow);
    const hit: ServiceHit = { service: svc, port, backends, chosen: pick?.index ?? -1 };
    if (!pick)
      return {
        ...base,
        target: null,
        service: hit,
        flow,
        dstIP: svc.clusterIP,
        dport: port.port,
        notes,
      };
    const backend = pick.backend;
    return {
      ...base,
      target: { kind: 'pod', pod: backend.pod, node: nodeOf(cluster, backend.pod) },
      service: hit,
      flow,
      dstIP: backend.ip,
      dport: backend.port,
      notes,
    };
  };
  const toPod = (pod: Pod): ResolvedPacket => ({
    ...base,
    target: { kind: 'pod', pod, node: nodeOf(cluster, pod) },
    flow: flowTo(pod.ip, spec.port),
    dstIP: pod.ip,
    dport: spec.port,
    notes,
  });

  const to = spec.to;
  if (to.startsWith('ip:'))
    return byAddress(index, to.slice(3), {
      pod: toPod,
      service: toService,
      host: (target, ip) => ({
        ...base,
        target,
        flow: flowTo(ip, spec.port),
        dstIP: ip,
        dport: spec.port,
        notes,
      }),
    });
  if (to.startsWith('svc:')) {
    const found = findService(cluster, to.slice(4));
    if (!found.ok) throw new WalkInputError(`to: ${found.error}`);
    return toService(found.service);
  }
  if (to.startsWith('pod:')) {
    const pod = index.podByKey.get(to.slice(4));
    if (!pod) throw new WalkInputError(`to: unknown pod "${to.slice(4)}"`);
    return toPod(pod);
  }
  if (!POD_KEY.test(to))
    throw new WalkInputError(`to: "${to}" is not namespace/pod, namespace/service or ip:a.b.c.d`);
  const pod = index.podByKey.get(to);
  const svc = index.serviceByKey.get(to);
  if (pod && svc && svc.clusterIP !== 'None') {
    const servicePort = svc.ports.some((p) => p.port === spec.port && p.protocol === spec.protocol);
    const podPort = pod.ports.some((p) => p.port === spec.port && p.protocol === spec.protocol);
    const useService = servicePort && !podPort;
    notes.push(
      `${to} names both a Pod and a Service; PacketWalk walked to the ${useService ? 'Service' : 'Pod'} because port ${spec.port}/${spec.protocol} is ${useService ? 'a Service port and not a container port' : servicePort ? 'declared by both' : 'not a Service port'}. Write pod:${to} or svc:${to} to choose.`,
    );
    return useService ? toService(svc) : toPod(pod);
  }
  if (pod) return toPod(pod);
  if (svc) {
    const found = findService(cluster, to);
    if (!found.ok) throw new WalkInputError(`to: ${found.error}`);
    return toService(found.service);
  }
  throw new WalkInputError(`to: no pod or Service "${to}"`);
}

/**
 * An ICMP packet: no ports, a type and a code. To a pod, node or outside address it goes where the
 * address says. To a Service's ClusterIP nothing translates it: Service ports are TCP, UDP or SCTP,
 * kube-proxy writes one DNAT rule per Service port (`-p tcp … --dport`), and both eBPF load
 * balancers key their frontend maps by address, port and protocol (Calico
 * felix/bpf-gpl/nat_lookup.h, Cilium's cilium_lb4_services_v2), so the packet keeps the virtual
 * address and is routed like any outside address; nothing owns that address to answer it.
 */
function resolveIcmp(
  cluster: Cluster,
  spec: PacketSpec,
  client: Pod,
  clientNode: ClusterNode,
): ResolvedPacket {
  const icmp = spec.icmp ?? ECHO_REQUEST;
  const bad = icmpTypeCodeError(icmp);
  if (bad) throw new WalkInputError(bad);
  if (spec.http) throw new WalkInputError('an ICMP packet cannot carry an HTTP request');
  if (spec.reply && ICMP_REPLY_TYPE[icmp.type] === undefined)
    throw new WalkInputError(
      `ICMP type ${icmp.type} is not a query (echo 8, timestamp 13, information 15, address mask 17): nothing replies to it`,
    );
  const index = indexCluster(cluster);
  const base = {
    client,
    clientNode,
    protocol: 'ICMP' as const,
    icmp,
    reply: spec.reply ?? false,
    notes: [] as string[],
  };
  const flow = (dst: string): FiveTuple => ({
    protocol: 'ICMP',
    src: client.ip,
    sport: 0,
    dst,
    dport: 0,
    icmp,
  });
  const toPod = (pod: Pod): ResolvedPacket => ({
    ...base,
    target: { kind: 'pod', pod, node: nodeOf(cluster, pod) },
    flow: flow(pod.ip),
    dstIP: pod.ip,
    dport: 0,
  });
  const toService = (svc: Service): ResolvedPacket => ({
    ...base,
    target: { kind: 'external', ip: svc.clusterIP },
    icmpToService: svc,
    flow: flow(svc.clusterIP),
    dstIP: svc.clusterIP,
    dport: 0,
  });
  const to = spec.to;
  if (to.startsWith('ip:'))
    return byAddress(index, to.slice(3), {
      pod: toPod,
      service: toService,
      host: (target, ip) => ({ ...base, target, flow: flow(ip), dstIP: ip, dport: 0 }),
    });
  if (to.startsWith('svc:')) {
    const found = findService(cluster, to.slice(4));
    if (!found.ok) throw new WalkInputError(`to: ${found.error}`);
    return toService(found.service);
  }
  const key = to.startsWith('pod:') ? to.slice(4) : to;
  if (!POD_KEY.test(key))
    throw new WalkInputError(`to: "${to}" is not namespace/pod, namespace/service or ip:a.b.c.d`);
  const pod = index.podByKey.get(key);
  if (pod) {
    if (!to.startsWith('pod:') && index.serviceByKey.get(key))
      base.notes.push(
        `${to} names both a Pod and a Service; an ICMP packet has no port to choose by, so PacketWalk walked to the Pod. Write svc:${to} for the Service.`,
      );
    return toPod(pod);
  }
  if (to.startsWith('pod:')) throw new WalkInputError(`to: unknown pod "${key}"`);
  const found = findService(cluster, key);
  if (found.ok) return toService(found.service);
  throw new WalkInputError(`to: no pod or Service "${to}"`);
}

/**
 * What an `ip:` destination is, for either resolution (ports or ICMP): a pod's address, a Service's
 * ClusterIP, or else a host (a node's InternalIP or an address outside the cluster).
 */
function byAddress<R>(
  index: ClusterIndex,
  ip: string,
  to: {
    readonly pod: (pod: Pod) => R;
    readonly service: (svc: Service) => R;
    readonly host: (target: Target, ip: string) => R;
  },
): R {
  if (!isIPv4(ip)) throw new WalkInputError(`to: "${ip}" is not an IPv4 address`);
  const pod = index.podByIP.get(ip);
  if (pod) return to.pod(pod);
  const svc = index.serviceByIP.get(ip);
  if (svc) return to.service(svc);
  const node = index.nodeByIP.get(ip);
  return to.host(node ? { kind: 'node', node } : { kind: 'external', ip }, ip);
}

function nodeOf(cluster: Cluster, pod: Pod): ClusterNode {
  const node = indexCluster(cluster).nodeByName.get(pod.nodeName);
  if (!node)
    throw new WalkInputError(
      `pod ${podKey(pod)} runs on node "${pod.nodeName}", which the manifests do not define`,
    );
  return node;
}

/** The question for the policy engine: the connection after load balancing. */
export function probeOf(p: ResolvedPacket): Probe | null {
  if (!p.target) return null;
  const to =
    p.target.kind === 'pod'
      ? { pod: podKey(p.target.pod) }
      : { ip: p.target.kind === 'node' ? p.target.node.internalIP : p.target.ip };
  return {
    from: { pod: podKey(p.client) },
    to,
    port: p.dport,
    protocol: p.protocol,
    ...(p.icmp ? { icmp: p.icmp } : {}),
    ...(p.http ? { http: p.http } : {}),
  };
}

export const targetNode = (t: Target | null): ClusterNode | undefined =>
  t && t.kind !== 'external' ? t.node : undefined;

export function targetName(t: Target | null): string {
  if (!t) return 'nothing';
  return t.kind === 'pod' ? podKey(t.pod) : t.kind === 'node' ? `node ${t.node.name}` : t.ip;
}
