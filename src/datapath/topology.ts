/**
 * What the walk needs to know about the machines that the manifests do not say: each node's
 * subnet, rack and gateway, each node's Calico IPAM blocks and tunnel address, Cilium's cilium_host
 * address. Every assumption is stated here once, and the explanations repeat it to the student.
 */
import { cidr, cidrContains, formatIPv4, nthAddress, parseIPv4, type Cidr } from '../engine/cidr';
import { indexCluster } from '../engine/cluster';
import type { Cluster, ClusterNode } from '../engine/model';

/** Node objects carry no netmask: PacketWalk takes each InternalIP's /24 as the node's subnet. */
export const NODE_SUBNET_PREFIX = 24;

export function nodeSubnet(node: ClusterNode): Cidr {
  const ip = parseIPv4(node.internalIP) ?? 0;
  const mask = (0xffffffff << (32 - NODE_SUBNET_PREFIX)) >>> 0;
  return cidr(`${formatIPv4((ip & mask) >>> 0)}/${NODE_SUBNET_PREFIX}`);
}

export const sameSubnet = (a: ClusterNode, b: ClusterNode): boolean =>
  cidrContains(nodeSubnet(a), b.internalIP);

/**
 * The subnet's router: PacketWalk takes the .1 address (or .254 when a node holds .1). It is also
 * where a rack's top-of-rack switch answers in the ToR model.
 */
export function subnetGateway(cluster: Cluster, node: ClusterNode): string {
  const subnet = nodeSubnet(node);
  const used = new Set(cluster.nodes.map((n) => n.internalIP));
  const first = nthAddress(subnet, 1);
  return used.has(first) ? nthAddress(subnet, 254) : first;
}

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** A node's rack: its `topology.kubernetes.io/zone` label, else its subnet. */
export const rackOf = (node: ClusterNode): string =>
  node.labels[ZONE_LABEL] ?? `subnet ${nodeSubnet(node).text}`;

/** Racks in first-appearance order of the nodes, each with its nodes. */
export function racks(cluster: Cluster): { rack: string; nodes: ClusterNode[] }[] {
  const out = new Map<string, ClusterNode[]>();
  for (const node of cluster.nodes) {
    const key = rackOf(node);
    const list = out.get(key);
    if (list) list.push(node);
    else out.set(key, [node]);
  }
  return [...out].map(([rack, nodes]) => ({ rack, nodes }));
}

/**
 * Calico IPPool blockSize defaults to 26 (libcalico-go api/v3/ippool.go). calico-ipam ignores the
 * node's spec.podCIDR and hands each node affine /26 blocks from the pool; the manifests here give
 * each node a podCIDR instead. PacketWalk reconciles the two by treating a node's podCIDR as the
 * range its blocks come from: the node holds the /26 blocks of its podCIDR that contain its pods,
 * plus the first one (which holds its tunnel address). A podCIDR smaller than a /26 is one block.
 */
export const CALICO_BLOCK_SIZE = 26;

/** Per cluster (immutable) and node: a walk asks for a node's blocks at several hops, a run thousands of times. */
const blocksMemo = new WeakMap<Cluster, Map<string, readonly Cidr[]>>();

export function calicoBlocks(cluster: Cluster, node: ClusterNode): readonly Cidr[] {
  let perNode = blocksMemo.get(cluster);
  if (!perNode) blocksMemo.set(cluster, (perNode = new Map()));
  let blocks = perNode.get(node.name);
  if (!blocks) perNode.set(node.name, (blocks = computeBlocks(cluster, node)));
  return blocks;
}

function computeBlocks(cluster: Cluster, node: ClusterNode): Cidr[] {
  const pod = node.podCIDR;
  if (pod.prefix >= CALICO_BLOCK_SIZE) return [pod];
  const size = 2 ** (32 - CALICO_BLOCK_SIZE);
  const blockOf = (ip: string): number | null => {
    const n = parseIPv4(ip);
    return n === null || !cidrContains(pod, ip) ? null : Math.floor((n - pod.base) / size);
  };
  const indices = new Set<number>([0]);
  for (const p of indexCluster(cluster).podsOnNode(node.name)) {
    const i = blockOf(p.ip);
    if (i !== null) indices.add(i);
  }
  return [...indices]
    .sort((a, b) => a - b)
    .map((i) => cidr(`${formatIPv4((pod.base + i * size) >>> 0)}/${CALICO_BLOCK_SIZE}`));
}

/** The lowest address of `range` at or after `start` that no pod holds. */
const takenMemo = new WeakMap<Cluster, ReadonlySet<string>>();

/** The addresses the cluster's pods hold. */
function takenAddresses(cluster: Cluster): ReadonlySet<string> {
  let taken = takenMemo.get(cluster);
  if (!taken) takenMemo.set(cluster, (taken = new Set(cluster.pods.map((p) => p.ip))));
  return taken;
}

function firstFree(cluster: Cluster, range: Cidr, start: number): string {
  const taken = takenAddresses(cluster);
  for (let i = start; i < 2 ** (32 - range.prefix); i++) {
    const ip = nthAddress(range, i);
    if (!taken.has(ip)) return ip;
  }
  return nthAddress(range, start);
}

/**
 * The address calico-node gives tunl0 or vxlan.calico (the VTEP): allocated by Calico IPAM from the
 * node's first block, which hands out the lowest free address first; Calico uses every address of
 * a block, the .0 included.
 */
export const calicoTunnelAddress = (cluster: Cluster, node: ClusterNode): string =>
  firstFree(cluster, calicoBlocks(cluster, node)[0]!, 0);

/**
 * cilium_host's address (Cilium's "router IP", the CiliumInternalIP), allocated from the node's pod
 * CIDR. Which address Cilium picks varies; PacketWalk shows the first free one after the network
 * address. In AWS ENI mode the router IP is an ENI address too (routing.rst "AWS ENI"), and AWS
 * reserves the first four addresses of every subnet (.1 is the VPC router), so it starts at .4.
 */
export const ciliumHostAddress = (cluster: Cluster, node: ClusterNode, routing?: string): string =>
  firstFree(cluster, node.podCIDR, routing === 'eni' ? 4 : 1);

/** AWS ENI mode: the VPC router of the subnet that holds a node's pod addresses (its .1). */
export const vpcRouterAddress = (node: ClusterNode): string => nthAddress(node.podCIDR, 1);

/** The node whose pod range (Calico blocks or podCIDR) holds `ip`, if any. */
export function nodeForPodIP(cluster: Cluster, ip: string): ClusterNode | undefined {
  const pod = indexCluster(cluster).podByIP.get(ip);
  if (pod) return indexCluster(cluster).nodeByName.get(pod.nodeName);
  return cluster.nodes.find((n) => cidrContains(n.podCIDR, ip));
}
