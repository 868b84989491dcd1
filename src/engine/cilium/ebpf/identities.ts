/** Security identities: reserved, cluster-wide (one per pod label set) and node-local (CIDR
 * prefixes, nodes an ipBlock tells apart), allocated the way pkg/identity numbers them. */
import type { Cidr } from '../../cidr';
import { podKey } from '../../cluster';
import type { CiliumRule, Cluster, ClusterNode, K8sNetworkPolicy, Pod } from '../../model';
import { ciliumIdentityPlan } from '../identity';
import { type CiliumLabel, labelSet, type LabelSet, labelSetText } from '../labels';
import { ID_REMOTE_NODE, type IdentityScope } from './types';

const FIRST_CLUSTER_ID = 256;
/** MinLocalIdentity = 1 | LocalIdentityFlag (1<<24). */
const FIRST_LOCAL_ID = (1 << 24) | 1;

const reserved = (key: string): CiliumLabel => ({ source: 'reserved', key, value: '' });
const RESERVED: readonly { id: number; labels: CiliumLabel[] }[] = [
  { id: 1, labels: [reserved('host')] },
  { id: 2, labels: [reserved('world')] },
  { id: 3, labels: [reserved('unmanaged')] },
  { id: 4, labels: [reserved('health')] },
  { id: 5, labels: [reserved('init')] },
  { id: 6, labels: [reserved('remote-node')] },
  { id: 7, labels: [reserved('kube-apiserver'), reserved('remote-node')] },
  { id: 8, labels: [reserved('ingress')] },
];

export interface IdentityInfo {
  readonly id: number;
  readonly set: LabelSet;
  readonly scope: IdentityScope;
  /** Pods with this identity (cluster-wide identities). */
  readonly pods: Pod[];
  /** Nodes whose address maps to this identity on the other nodes. */
  readonly nodes: ClusterNode[];
  /** The prefix of a CIDR identity. */
  readonly cidr?: Cidr;
}

export function referencedPrefixes(cluster: Cluster): Cidr[] {
  const seen = new Map<string, Cidr>();
  const add = (c: Cidr) => {
    if (c.prefix > 0) seen.set(c.text, c);
  };
  const ciliumRules = (rules: readonly CiliumRule[] | null | undefined) => {
    for (const rule of rules ?? []) {
      for (const c of rule.cidrs ?? []) {
        add(c.cidr);
        c.except.forEach(add);
      }
    }
  };
  const k8sRules = (rules: K8sNetworkPolicy['ingress']) => {
    for (const rule of rules) {
      for (const peer of rule.peers ?? []) {
        if (!peer.ipBlock) continue;
        add(peer.ipBlock.cidr);
        peer.ipBlock.except.forEach(add);
      }
    }
  };
  for (const p of cluster.ciliumPolicies) {
    ciliumRules(p.ingress);
    ciliumRules(p.egress);
    ciliumRules(p.ingressDeny);
    ciliumRules(p.egressDeny);
  }
  for (const p of cluster.k8sPolicies) {
    if (p.staged) continue;
    k8sRules(p.ingress);
    k8sRules(p.egress);
  }
  return [...seen.values()].sort((a, b) => a.base - b.base || a.prefix - b.prefix);
}

export function allocateIdentities(cluster: Cluster) {
  const plan = ciliumIdentityPlan(cluster);
  const all: IdentityInfo[] = RESERVED.map((r) => ({
    id: r.id,
    set: labelSet(r.labels),
    scope: 'reserved' as const,
    pods: [],
    nodes: [],
  }));
  const byText = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    const text = labelSetText(plan.podLabels(pod).labels);
    const list = byText.get(text);
    if (list) list.push(pod);
    else byText.set(text, [pod]);
  }
  const podIdentity = new Map<string, number>();
  [...byText.keys()].sort().forEach((text, i) => {
    const pods = byText.get(text)!;
    const id = FIRST_CLUSTER_ID + i;
    all.push({ id, set: plan.podLabels(pods[0]!), scope: 'cluster', pods, nodes: [] });
    for (const p of pods) podIdentity.set(podKey(p), id);
  });

  let next = FIRST_LOCAL_ID;
  for (const cidr of referencedPrefixes(cluster)) {
    const id = next++;
    all.push({
      id,
      set: labelSet([{ source: 'cidr', key: cidr.text, value: '' }, reserved('world')]),
      scope: 'local',
      pods: [],
      nodes: [],
      cidr,
    });
  }
  const remoteNode = all.find((i) => i.id === ID_REMOTE_NODE)!;
  const nodeIdentity = new Map<string, number>();
  const splitNodes = new Map<string, IdentityInfo>();
  for (const node of cluster.nodes) {
    const set = plan.remoteNodeLabels(node);
    if (set.labels.length === 1) {
      remoteNode.nodes.push(node);
      nodeIdentity.set(node.name, ID_REMOTE_NODE);
      continue;
    }
    const text = labelSetText(set.labels);
    let info = splitNodes.get(text);
    if (!info) {
      info = { id: next++, set, scope: 'local', pods: [], nodes: [] };
      splitNodes.set(text, info);
      all.push(info);
    }
    info.nodes.push(node);
    nodeIdentity.set(node.name, info.id);
  }
  return { all, podIdentity, nodeIdentity };
}
