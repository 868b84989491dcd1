/**
 * What a compile of the iptables model keeps for the next one (compile.ts): the endpoint classes,
 * each policy's conversion, selection and rendered chains, each class's endpoint chains, and how
 * many references each shared chain and IP set has, so that a recompile after an edit of a few
 * policies patches the previous output instead of building it again.
 */
import type { Labels } from '../labels';
import type { Cluster, Direction, Pod } from '../model';
import type { FelixPolicy } from './conversion';
import type { CalicoDataplane, CalicoIpSet, CalicoWorkload, IptChain, IptRule } from './dataplane';
import { calicoEndpointLabels } from './labels';
import type { TierInfo } from './tiers';

export interface ActivePolicy {
  readonly policy: FelixPolicy;
  readonly tier: TierInfo;
  /** Its chain's name per direction, once asked (names.ts policyChainName). */
  readonly chainNames: Partial<Record<Direction, string>>;
}

/** A run of policies forming a group, one node per policy of the run from its start: its chain's
 * name once named (compile.ts `renderGroupChain`). */
export interface GroupNode {
  readonly next: Map<ActivePolicy, GroupNode>;
  name?: string;
}

/** A rendered policy chain, the policy it renders and the IP sets it asked for, in order. */
export interface PolicyChainMemo {
  readonly policy: FelixPolicy;
  readonly chain: IptChain;
  readonly sets: CalicoIpSet[];
}

/**
 * Pods Felix sees with the same namespace, service account and labels (labels.ts
 * calicoEndpointLabels): every policy selects all of them or none, so their endpoint chains hold
 * the same rules, and a selector matches all of their addresses or none. A compile works per class.
 */
export interface EndpointClass {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly labels: Labels;
  /** Its pods' positions in the cluster's pods, ascending. */
  readonly pods: number[];
}

export interface EndpointClasses {
  readonly list: EndpointClass[];
  readonly of: Map<Pod, EndpointClass>;
  readonly byNamespace: Map<string, EndpointClass[]>;
}

/** One direction's endpoint chain of a class: its rules (shared by the class's pods, each chain
 * named after its pod's interface) and every chain they reach, each after the chains it jumps to
 * (the order a compile adds them in), so a pod after the first, or a recompile, adds them as a
 * compile would. */
export interface EndpointChainMemo {
  readonly rules: IptRule[];
  readonly trail: readonly string[];
}

/**
 * A class's endpoint chains depend on its pods' namespace and service account and, per direction,
 * the Felix policies that apply to it in order (each with its tier, found by name in the same
 * tiers): when those are the same objects, the chains are the same.
 */
export interface EndpointMemo {
  readonly ingress: readonly FelixPolicy[];
  readonly egress: readonly FelixPolicy[];
  readonly profiles: readonly string[];
  readonly chains: Partial<Record<Direction, EndpointChainMemo>>;
  /** Per pod of the class: its workload and endpoint chains (pods are the same objects while the
   * class is: a recompile keeps them). */
  readonly pods: Map<Pod, { workload: CalicoWorkload; to: IptChain; from: IptChain }>;
}

/**
 * How many references each name has: for a shared chain, the endpoint trails (one per class and
 * direction) it is on; for an IP set, the policy chains that match on it. A chain or set is in the
 * output while it has one (felix/iptables/table.go `chainRefCounts` keeps a chain while something
 * refers to it).
 */
export class RefCounts {
  private readonly counts = new Map<string, number>();

  add(names: Iterable<string>): void {
    for (const n of names) this.counts.set(n, (this.counts.get(n) ?? 0) + 1);
  }

  /** One reference fewer per name; the names left with none go to `gone`. */
  drop(names: Iterable<string>, gone: string[]): void {
    for (const n of names) {
      const left = (this.counts.get(n) ?? 0) - 1;
      if (left > 0) this.counts.set(n, left);
      else {
        this.counts.delete(n);
        gone.push(n);
      }
    }
  }

  has(name: string): boolean {
    return this.counts.has(name);
  }
}

/** What a recompile may reuse of a compile (recompile.ts): per policy, its conversion, the pods
 * it selects and its rendered chains with the IP sets they refer to; chain names of groups. */
export interface CalicoCompileMemo {
  /** The cluster objects everything below depends on besides the policy itself. */
  readonly context: readonly unknown[];
  /** Per policy object: its conversion and the endpoint classes it selects (kept from compile to
   * compile while the context is the same: entries of removed policies go with them). */
  readonly felix: WeakMap<object, FelixPolicy>;
  readonly selected: WeakMap<FelixPolicy, EndpointClass[]>;
  chains: Map<string, PolicyChainMemo>;
  readonly groupNames: Map<string, string>;
  /** The pods grouped by what their endpoint chains depend on. */
  readonly classes: EndpointClasses;
  /** Per endpoint class: what its endpoint chains were built from, and the chains. */
  endpoints: Map<EndpointClass, EndpointMemo>;
  /** The tiers in order, and each policy with its tier among them. */
  tiers: TierInfo[];
  active: WeakMap<FelixPolicy, ActivePolicy>;
  /** The compile's output, for the chains and node tables a recompile keeps. */
  output?: Pick<CalicoDataplane, 'chains' | 'nodes' | 'workloads' | 'ipsets'>;
  /** The policy objects in order (Calico's, then Kubernetes'), and at the same positions their
   * active entries and the classes they select; what applies to each class. A recompile whose
   * objects are the same but a few patches these instead of asking the WeakMaps 10,000 times. */
  byPosition?: {
    readonly inputs: readonly object[];
    readonly active: readonly ActivePolicy[];
    readonly selected: readonly EndpointClass[][];
    readonly applied: Map<EndpointClass, Record<Direction, ActivePolicy[]>>;
  };
  /** Each policy's identity (kind, namespace, name), or null when two policies share one (their
   * chains would share a name): found when a patch first needs them. */
  ids?: ReadonlySet<string> | null;
  /** Group chain names by their policies' active entries, per direction. */
  groups?: Record<Direction, GroupNode>;
  /** References to the shared chains and to the IP sets, counted when a patch first needs them. */
  refs?: { readonly chains: RefCounts; readonly sets: RefCounts };
  /** Set when a recompile patched this compile's output in place (compile.ts): nothing here may
   * be reused again. */
  spent?: boolean;
}

/** The references of a compile's chains and sets, counted from its endpoint and policy chains. */
export function countRefs(memo: CalicoCompileMemo): NonNullable<CalicoCompileMemo['refs']> {
  const chains = new RefCounts();
  const sets = new RefCounts();
  for (const ep of memo.endpoints.values()) {
    chains.add(ep.chains.ingress!.trail);
    chains.add(ep.chains.egress!.trail);
  }
  for (const known of memo.chains.values()) sets.add(known.sets.map((s) => s.name));
  return { chains, sets };
}

const idOf = (p: FelixPolicy): string => `${p.id.kind}\0${p.id.namespace}\0${p.id.name}`;

function idsOf(policies: readonly FelixPolicy[]): Set<string> | null {
  const ids = new Set<string>();
  for (const p of policies) {
    const id = idOf(p);
    if (ids.has(id)) return null;
    ids.add(id);
  }
  return ids;
}

/**
 * Whether a patch may work by chain name: no two policies before the edit (at `moved`) or after
 * it share an identity. The loader refuses two objects with one name, so only a cluster built by
 * code can; then the output is built whole. Notes the identities after the edit in `next`.
 */
export function uniqueIds(
  previous: CalicoCompileMemo,
  before: NonNullable<CalicoCompileMemo['byPosition']>,
  moved: readonly number[],
  policies: readonly FelixPolicy[],
  next: CalicoCompileMemo,
): boolean {
  const ids = (previous.ids ??= idsOf(before.active.map((ap) => ap.policy)));
  const same = moved.every((i) => idOf(before.active[i]!.policy) === idOf(policies[i]!));
  next.ids = ids && (same ? ids : idsOf(policies));
  return next.ids !== null;
}

export const sameTiers = (a: readonly TierInfo[], b: readonly TierInfo[]): boolean =>
  a.length === b.length &&
  a.every(
    (t, i) =>
      t.name === b[i]!.name &&
      t.order === b[i]!.order &&
      t.defaultAction === b[i]!.defaultAction &&
      t.defined === b[i]!.defined,
  );

export const samePolicies = (a: readonly ActivePolicy[], b: readonly FelixPolicy[]): boolean =>
  a.length === b.length && a.every((ap, i) => ap.policy === b[i]);

export const contextOf = (c: Cluster): readonly unknown[] => [
  c.pods,
  c.namespaces,
  c.serviceAccounts,
  c.calicoNetworkSets,
  c.calicoTiers,
  c.nodes,
];

export function endpointClasses(cluster: Cluster): EndpointClasses {
  const byKey = new Map<string, EndpointClass>();
  const list: EndpointClass[] = [];
  const of = new Map<Pod, EndpointClass>();
  const byNamespace = new Map<string, EndpointClass[]>();
  for (const [i, pod] of cluster.pods.entries()) {
    const labels = calicoEndpointLabels(cluster, pod);
    let key = `${pod.namespace}\0${pod.serviceAccount}`;
    for (const k of Object.keys(labels).sort()) key += `\0${k}\0${labels[k]}`;
    let c = byKey.get(key);
    if (!c) {
      const { namespace, serviceAccount } = pod;
      c = { namespace, serviceAccount, labels, pods: [] };
      byKey.set(key, c);
      list.push(c);
      let inNs = byNamespace.get(namespace);
      if (!inNs) byNamespace.set(namespace, (inNs = []));
      inNs.push(c);
    }
    c.pods.push(i);
    of.set(pod, c);
  }
  return { list, of, byNamespace };
}
