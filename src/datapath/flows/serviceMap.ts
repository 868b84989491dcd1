/**
 * The service map's data, as Hubble UI draws it (one box per workload, grouped by namespace; the
 * outside as `world`; an edge per source and destination with its flows' verdicts and ports), for
 * either CNI's walks of a traffic run. Pure data in a fixed order: the d3 view lays it out, a click
 * on an edge opens the flows of its connection ids.
 *
 * A Service connection is drawn to the backend the load balancer chose (Hubble's flows carry the
 * translated destination) with the Service named on the edge; a Service without a backend is its
 * own box. A workload is named as the matrix names it (engine/matrix.ts `workloadOf`).
 */
import { podKey } from '../../engine/cluster';
import { workloadOf } from '../../engine/matrix';
import type { Cluster, Cni, Pod } from '../../engine/model';
import { resolvePacket, WalkInputError, type ResolvedPacket } from '../packet';
import type { WalkedConnection } from './types';

export type ServiceMapBoxKind = 'workload' | 'service' | 'node' | 'world' | 'unknown';

export interface ServiceMapBox {
  /** `workload:<ns>/<name>`, `service:<ns>/<name>`, `node:<name>`, `world`, `unknown:<to>`. */
  readonly id: string;
  readonly kind: ServiceMapBoxKind;
  readonly label: string;
  /** Workloads and Services only. */
  readonly namespace?: string;
  /** The pods of a workload that sent or received traffic, `ns/pod`, sorted. */
  readonly pods: readonly string[];
}

/** What became of an edge's connections under one CNI (the accumulator counts them up). */
export interface EdgeCounts {
  /** Connections whose request this CNI delivered. */
  forwarded: number;
  /** Connections whose request this CNI dropped. */
  dropped: number;
  /** Connections the CNI's walk could not take (bad input: said, not hidden). */
  errors: number;
}

export interface ServiceMapEdge extends Readonly<EdgeCounts> {
  /** `<source id> -> <target id>`. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** `8080/TCP`, `ICMP`: the destination ports after load balancing, sorted. */
  readonly ports: readonly string[];
  /** Services the connections went through, `ns/name`, sorted. */
  readonly services: readonly string[];
  /** The connections on this edge, ascending: what a click opens. */
  readonly connections: readonly number[];
}

export interface ServiceMap {
  readonly cni: Cni;
  /** The namespaces that have a box, sorted. */
  readonly namespaces: readonly string[];
  readonly boxes: readonly ServiceMapBox[];
  readonly edges: readonly ServiceMapEdge[];
}

interface BoxAcc {
  readonly id: string;
  readonly kind: ServiceMapBoxKind;
  readonly label: string;
  readonly namespace?: string;
  readonly pods: Set<string>;
}

interface EdgeAcc extends EdgeCounts {
  readonly source: string;
  readonly target: string;
  readonly ports: Set<string>;
  readonly services: Set<string>;
  readonly connections: number[];
}

const KIND_ORDER: Record<ServiceMapBoxKind, number> = {
  workload: 0,
  service: 1,
  node: 2,
  world: 3,
  unknown: 4,
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function serviceMap(
  cluster: Cluster,
  connections: readonly WalkedConnection[],
  cni: Cni,
): ServiceMap {
  const boxes = new Map<string, BoxAcc>();
  const edges = new Map<string, EdgeAcc>();
  const box = (b: Omit<BoxAcc, 'pods'>, pod?: Pod): string => {
    let acc = boxes.get(b.id);
    if (!acc) boxes.set(b.id, (acc = { ...b, pods: new Set() }));
    if (pod) acc.pods.add(podKey(pod));
    return acc.id;
  };
  const workloadBox = (pod: Pod): string => {
    const name = workloadOf(pod);
    return box(
      {
        id: `workload:${pod.namespace}/${name}`,
        kind: 'workload',
        label: name,
        namespace: pod.namespace,
      },
      pod,
    );
  };
  const targetBox = (p: ResolvedPacket): string => {
    const t = p.target;
    if (t?.kind === 'pod') return workloadBox(t.pod);
    if (t?.kind === 'node')
      return box({ id: `node:${t.node.name}`, kind: 'node', label: t.node.name });
    if (!t && p.service) {
      const s = p.service.service;
      return box({
        id: `service:${s.namespace}/${s.name}`,
        kind: 'service',
        label: s.name,
        namespace: s.namespace,
      });
    }
    return box({ id: 'world', kind: 'world', label: 'world' });
  };

  for (const wc of connections) {
    const packet = wc.connection.packet;
    let source: string;
    let target: string;
    let resolved: ResolvedPacket | undefined;
    try {
      resolved = resolvePacket(cluster, packet);
      source = workloadBox(resolved.client);
      target = targetBox(resolved);
    } catch (error) {
      if (!(error instanceof WalkInputError)) throw error;
      // The connection's walks failed on the same input; its edge says so.
      source = box({ id: `unknown:${packet.from}`, kind: 'unknown', label: packet.from });
      target = box({ id: `unknown:${packet.to}`, kind: 'unknown', label: packet.to });
    }
    const key = `${source} -> ${target}`;
    let e = edges.get(key);
    if (!e) {
      e = {
        source,
        target,
        forwarded: 0,
        dropped: 0,
        errors: 0,
        ports: new Set(),
        services: new Set(),
        connections: [],
      };
      edges.set(key, e);
    }
    const outcome = cni === 'calico' ? wc.calico : wc.cilium;
    if (!outcome.ok) e.errors++;
    else if (outcome.request.verdict === 'delivered') e.forwarded++;
    else e.dropped++;
    if (resolved) {
      e.ports.add(resolved.protocol === 'ICMP' ? 'ICMP' : `${resolved.dport}/${resolved.protocol}`);
      const s = resolved.service?.service;
      if (s) e.services.add(`${s.namespace}/${s.name}`);
    }
    e.connections.push(wc.id);
  }

  const boxList = [...boxes.values()]
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || byText(a.id, b.id))
    .map((b): ServiceMapBox => ({
      id: b.id,
      kind: b.kind,
      label: b.label,
      ...(b.namespace !== undefined ? { namespace: b.namespace } : {}),
      pods: [...b.pods].sort(byText),
    }));
  const edgeList = [...edges.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([id, e]): ServiceMapEdge => ({
      id,
      ...e,
      ports: [...e.ports].sort(byText),
      services: [...e.services].sort(byText),
      connections: [...e.connections].sort((a, b) => a - b),
    }));
  const namespaces = [
    ...new Set(boxList.flatMap((b) => (b.namespace !== undefined ? [b.namespace] : []))),
  ].sort(byText);
  return { cni, namespaces, boxes: boxList, edges: edgeList };
}
