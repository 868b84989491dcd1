/** The whole dataplane: endpoints and their policy maps, the ipcache, and the lookup index. */
import type { Cidr } from '../../cidr';
import { indexCluster, podKey } from '../../cluster';
import { sha256 } from '../../hash';
import type { Cluster, Pod } from '../../model';
import { ciliumIdentityPlan } from '../identity';
import { formatCiliumLabel, labelSetText } from '../labels';
import {
  compileEndpoint,
  type EndpointPolicy,
  indexPolicies,
  lazyPolicyIndex,
  type PolicyIndex,
  type Selection,
  selectPolicies,
} from './endpoint';
import { allocateIdentities, type IdentityInfo } from './identities';
import type { Compiler } from './rules';
import { carrySelection, policyEdit } from './selection';
import { SelectorCache } from './selectorCache';
import {
  type CiliumDataplane,
  type CiliumEndpoint,
  type DataplaneIndex,
  ID_HOST,
  ID_WORLD,
  type IpcacheEntry,
  LISTENERS,
  type PolicyMapEntry,
  type ProxyPolicyRule,
} from './types';

/** A listener's proxy port: stable per name, in Cilium's proxy-portrange 10000-20000 (types.ts
 * LISTENERS). */
const stablePort = (name: string): number => {
  const h = sha256(name);
  return 10000 + (((h[0]! << 8) | h[1]!) % 10001);
};

/** Endpoint IDs: 1..4095 per node (pkg/endpoint/id); PacketWalk derives them from the pod name. */
function endpointIds(pods: readonly Pod[]): Map<string, number> {
  const used = new Set<number>();
  const out = new Map<string, number>();
  const keys = pods.map(podKey).sort((a, b) => (a < b ? -1 : 1));
  for (const key of keys) {
    const h = sha256(key);
    let id = (((h[0]! << 8) | h[1]!) % 4000) + 64;
    while (used.has(id)) id = id >= 4095 ? 64 : id + 1;
    used.add(id);
    out.set(key, id);
  }
  return out;
}

export const policyMapName = (id: number): string =>
  `cilium_policy_v2_${String(id).padStart(5, '0')}`;

/** The policy of every endpoint with one identity and one set of container ports. */
export interface SharedPolicy {
  readonly entries: PolicyMapEntry[];
  /** What the endpoint gets besides its map (the map state itself is not kept). */
  readonly policy: Omit<EndpointPolicy, 'state'>;
}

/** What a recompile may reuse of a compile: the identities, and the policy of each signature. */
export interface CiliumCompileMemo {
  readonly identities: string;
  readonly policies: ReadonlyMap<string, SharedPolicy>;
  /** The pods the endpoint IDs were derived from, and the IDs. */
  readonly pods: readonly Pod[];
  readonly endpointIds: ReadonlyMap<string, number>;
  readonly allocated: ReturnType<typeof allocateIdentities>;
  /** The nodes the addressing below was built for. */
  readonly nodes: Cluster['nodes'];
  /** Per pod (in `pods` order): its policy signature and endpoint. */
  readonly signatures: readonly string[];
  readonly endpoints: readonly CiliumEndpoint[];
  /** What depends only on the identities, pods and nodes: the ipcache and its indexes. */
  readonly addressing: Addressing;
  /** The selector cache and compiled rules, reused with the same identities. */
  readonly compiler: Compiler;
  /** The policy lists compiled, and per signature the policies selecting it (positions in them;
   * a signature may be missing after an edit too wide to carry selections over). */
  readonly k8sPolicies: Cluster['k8sPolicies'];
  readonly ciliumPolicies: Cluster['ciliumPolicies'];
  readonly selections: ReadonlyMap<string, Selection>;
}

/** What recompile.ts tells a compile it may reuse. */
export interface CiliumReuse {
  readonly memo: CiliumCompileMemo;
  /** Pods whose endpoints a changed policy selects. */
  readonly dirty: (pod: Pod) => boolean;
  /** True when the identities cannot have changed (same plan, nodes and CIDR prefixes). */
  readonly sameIdentities: boolean;
}

const memos = new WeakMap<CiliumDataplane, CiliumCompileMemo>();
export const ciliumCompileMemo = (dp: CiliumDataplane): CiliumCompileMemo | undefined =>
  memos.get(dp);

/** The identities as the compile allocated them: numbers, labels, members. */
const identitiesText = (all: readonly IdentityInfo[]): string =>
  all
    .map(
      (i) =>
        `${i.id} ${labelSetText(i.set.labels)} ${i.cidr?.text ?? ''} ${i.pods.map(podKey).join(',')} ${i.nodes.map((n) => n.name).join(',')}`,
    )
    .join('\n');

/** What depends only on the identities, pods and nodes: the ipcache, the identities as listed,
 * and the lookup indexes over them. */
interface Addressing {
  readonly identities: CiliumDataplane['identities'];
  readonly ipcache: readonly IpcacheEntry[];
  readonly index: Pick<
    DataplaneIndex,
    'identityById' | 'nodeAddresses' | 'podAddresses' | 'prefixes' | 'nodeIPs'
  >;
}

function addressing(
  cluster: Cluster,
  allocated: ReturnType<typeof allocateIdentities>,
): Addressing {
  const index = indexCluster(cluster);
  const ipcache: IpcacheEntry[] = [];
  const podAddresses = new Map<string, IpcacheEntry>();
  for (const pod of cluster.pods) {
    const node = index.nodeByName.get(pod.nodeName);
    const entry: IpcacheEntry = {
      prefix: `${pod.ip}/32`,
      identity: allocated.podIdentity.get(podKey(pod))!,
      hostNode: pod.nodeName,
      ...(node ? { hostNodeIP: node.internalIP } : {}),
    };
    podAddresses.set(pod.ip, entry);
    ipcache.push(entry);
  }
  const prefixes: { cidr: Cidr; entry: IpcacheEntry }[] = [];
  for (const info of allocated.all) {
    if (!info.cidr) continue;
    const entry: IpcacheEntry = { prefix: info.cidr.text, identity: info.id };
    prefixes.push({ cidr: info.cidr, entry });
    ipcache.push(entry);
  }
  const world: IpcacheEntry = { prefix: '0.0.0.0/0', identity: ID_WORLD };
  ipcache.push(world);
  prefixes.push({ cidr: { base: 0, prefix: 0, text: '0.0.0.0/0' }, entry: world });
  prefixes.sort((a, b) => b.cidr.prefix - a.cidr.prefix);

  const nodeAddresses = new Map<string, Map<string, number>>();
  for (const view of cluster.nodes) {
    const m = new Map<string, number>();
    for (const node of cluster.nodes) {
      const identity = node.name === view.name ? ID_HOST : allocated.nodeIdentity.get(node.name)!;
      m.set(node.internalIP, identity);
      ipcache.push({ prefix: `${node.internalIP}/32`, identity, node: view.name });
    }
    nodeAddresses.set(view.name, m);
  }
  const identities = allocated.all.map((i) => ({
    id: i.id,
    labels: i.set.labels.map(formatCiliumLabel),
    scope: i.scope,
  }));
  return {
    identities: [...identities].sort((a, b) => a.id - b.id),
    ipcache,
    index: {
      identityById: new Map(identities.map((i) => [i.id, { ...i }])),
      nodeAddresses,
      podAddresses,
      prefixes,
      nodeIPs: new Map(cluster.nodes.map((n) => [n.name, n.internalIP])),
    },
  };
}

/**
 * The whole dataplane. With `reuse` (recompile.ts), a signature's policy comes from the previous
 * compile when its pods are not dirty and the identities are the same as that compile's (taken
 * from it when they cannot have changed, else allocated again and compared).
 */
export function compileCilium(cluster: Cluster, reuse?: CiliumReuse): CiliumDataplane {
  const allocated = reuse?.sameIdentities ? reuse.memo.allocated : allocateIdentities(cluster);
  const { all, podIdentity } = allocated;
  const identityText = reuse?.sameIdentities ? reuse.memo.identities : identitiesText(all);
  const reusable = reuse && reuse.memo.identities === identityText ? reuse : undefined;
  const identities = new Map(all.map((i) => [i.id, i]));
  // With the same identities (the same objects), the selector cache and the policies' compiled
  // rules of the previous compile stand: a recompile compiles only the policies it has not seen.
  const c: Compiler = reuse?.sameIdentities
    ? reuse.memo.compiler
    : { cache: new SelectorCache(all), identities, rules: new WeakMap() };
  const proxyPorts = {
    ingress: stablePort(LISTENERS.ingress),
    egress: stablePort(LISTENERS.egress),
  };
  // A recompile compiles few endpoints: their selections are carried over the edit (selection.ts)
  // or, failing that, their namespaces' policies are found when asked for.
  const plan = ciliumIdentityPlan(cluster);
  let index: PolicyIndex | undefined = reuse ? undefined : indexPolicies(cluster);
  const edit = reusable ? policyEdit(reusable.memo, cluster) : undefined;
  const selections = new Map<string, Selection>();
  const ids =
    reuse && reuse.memo.pods === cluster.pods ? reuse.memo.endpointIds : endpointIds(cluster.pods);

  // Endpoints with the same identity and container ports get the same policy (Cilium computes one
  // selector policy per identity; named ports are resolved per endpoint).
  const shared = new Map<string, SharedPolicy>();
  const endpoints: CiliumEndpoint[] = [];
  const policyMaps = new Map<number, readonly PolicyMapEntry[]>();
  const proxyPolicies = new Map<number, readonly ProxyPolicyRule[]>();
  // With the same identities and pods, each pod's signature, endpoint and addresses are as before.
  const same =
    reuse?.sameIdentities && reuse.memo.pods === cluster.pods && reuse.memo.nodes === cluster.nodes
      ? reuse.memo
      : undefined;
  const signatures: string[] = [];
  cluster.pods.forEach((pod, i) => {
    const before = same?.endpoints[i];
    const key = before ? before.pod : podKey(pod);
    const identity = before ? before.identity : podIdentity.get(key)!;
    const sig =
      same?.signatures[i] ??
      `${identity}|${pod.ports.map((p) => `${p.name ?? ''}:${p.protocol}/${p.port}`).join(',')}`;
    signatures.push(sig);
    let s = shared.get(sig);
    if (!s) {
      // A signature the edit leaves alone keeps its policy: known by carrying its selection over the
      // edit when the previous compile kept one, else by asking recompile.ts.
      const old = edit && reusable!.memo.selections.get(sig);
      const set = plan.podLabels(pod);
      const carried = old ? carrySelection(old, edit, cluster, pod.namespace, set) : undefined;
      if (carried) selections.set(sig, carried.selection);
      const untouched = carried ? !carried.touched : reusable && !reusable.dirty(pod);
      if (untouched) s = reusable!.memo.policies.get(sig);
      if (!s) {
        const selection =
          carried?.selection ??
          selectPolicies((index ??= lazyPolicyIndex(cluster)), pod.namespace, set);
        selections.set(sig, selection);
        const { state, ...rest } = compileEndpoint(c, pod, cluster, selection, proxyPorts);
        s = { entries: state.entries(), policy: rest };
      }
      shared.set(sig, s);
    }
    const endpoint =
      before && before.enforced === s.policy.enforced
        ? before
        : {
            id: ids.get(key)!,
            pod: key,
            node: pod.nodeName,
            ip: pod.ip,
            identity,
            mapName: policyMapName(ids.get(key)!),
            enforced: s.policy.enforced,
            enforcedBy: s.policy.enforcedBy,
          };
    endpoints.push(endpoint);
    policyMaps.set(endpoint.id, s.entries);
    proxyPolicies.set(endpoint.id, s.policy.proxy);
  });
  const addr = same?.addressing ?? addressing(cluster, allocated);

  const dp: CiliumDataplane = {
    identities: addr.identities,
    ipcache: addr.ipcache,
    endpoints,
    policyMaps,
    proxyPolicies,
    proxyPorts: { [LISTENERS.egress]: proxyPorts.egress, [LISTENERS.ingress]: proxyPorts.ingress },
    nodes: cluster.nodes.map((n) => n.name),
    index: {
      ...addr.index,
      endpointByPod: new Map(endpoints.map((e) => [e.pod, e])),
    },
  };
  memos.set(dp, {
    identities: identityText,
    policies: shared,
    pods: cluster.pods,
    endpointIds: ids,
    allocated,
    nodes: cluster.nodes,
    signatures,
    endpoints,
    addressing: addr,
    compiler: c,
    k8sPolicies: cluster.k8sPolicies,
    ciliumPolicies: cluster.ciliumPolicies,
    selections,
  });
  return dp;
}

export function ciliumStats(dp: CiliumDataplane): {
  identities: number;
  ipcacheEntries: number;
  policyMapEntries: number;
} {
  let entries = 0;
  for (const m of dp.policyMaps.values()) entries += m.length;
  return {
    identities: dp.identities.length,
    ipcacheEntries: dp.ipcache.length,
    policyMapEntries: entries,
  };
}
