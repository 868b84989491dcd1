/**
 * The packet a walk follows, and its resolution against the cluster: which pod sends it, what it
 * is addressed to (a pod, a Service's virtual IP, a node, an outside address), which backend a
 * Service sends it to, and the policy question to put to the engine.
 */
import { isIPv4 } from '../engine/cidr';
import { indexCluster, podKey } from '../engine/cluster';
import type {
  Cluster,
  ClusterNode,
  HttpRequest,
  Pod,
  Probe,
  Protocol,
  Service,
  ServicePort,
} from '../engine/model';
import { CLIENT_SOURCE_PORT, type FiveTuple } from './flow';
import { chooseBackend, findService, serviceBackends, type ServiceBackend } from './services';

export interface PacketSpec {
  /** `ns/pod`: walks always start in a pod. */
  readonly from: string;
  /**
   * `ns/pod`, `ns/service`, or `ip:a.b.c.d`. When a pod and a Service share the name, `pod:ns/name`
   * and `svc:ns/name` choose.
   */
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly http?: HttpRequest;
  /** Walk the reply of the established connection (server back to client) instead. */
  readonly reply?: boolean;
}

export type Target =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly node: ClusterNode }
  | { readonly kind: 'node'; readonly node: ClusterNode }
  | { readonly kind: 'external'; readonly ip: string };

export interface ServiceHit {
  readonly service: Service;
  readonly port: ServicePort;
  readonly backends: readonly ServiceBackend[];
  /** Index of the chosen backend; -1 when the service has none. */
  readonly chosen: number;
}

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
  readonly protocol: Protocol;
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
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535)
    throw new WalkInputError(`port ${spec.port} is not between 1 and 65535`);
  if (spec.http && spec.protocol !== 'TCP')
    throw new WalkInputError('an HTTP request needs protocol TCP');
  const notes: string[] = [];
  const base = {
    client,
    clientNode,
    protocol: spec.protocol,
    reply: spec.reply ?? false,
    ...(spec.http ? { http: spec.http } : {}),
  };
  const flowTo = (dst: string, dport: number): FiveTuple => ({
    protocol: spec.protocol,
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
  if (to.startsWith('ip:')) {
    const ip = to.slice(3);
    if (!isIPv4(ip)) throw new WalkInputError(`to: "${ip}" is not an IPv4 address`);
    const pod = index.podByIP.get(ip);
    if (pod) return toPod(pod);
    const svc = index.serviceByIP.get(ip);
    if (svc) return toService(svc);
    const node = index.nodeByIP.get(ip);
    const target: Target = node ? { kind: 'node', node } : { kind: 'external', ip };
    return { ...base, target, flow: flowTo(ip, spec.port), dstIP: ip, dport: spec.port, notes };
  }
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
    ...(p.http ? { http: p.http } : {}),
  };
}

export const targetNode = (t: Target | null): ClusterNode | undefined =>
  t && t.kind !== 'external' ? t.node : undefined;

export function targetName(t: Target | null): string {
  if (!t) return 'nothing';
  return t.kind === 'pod' ? podKey(t.pod) : t.kind === 'node' ? `node ${t.node.name}` : t.ip;
}
