/**
 * Lint: warnings for the classic policy mistakes, at the line, each with one sentence and the
 * lesson step that teaches it (when one does). Pure: manifests and their loaded cluster in,
 * diagnostics (severity `warning`, never an error) out. Loading never depends on it.
 *
 * The checks read the manifests as written (the loaded model forgets shapes such as two `from`
 * items versus one) and the cluster (which pods a policy selects):
 * - `peers-or`: a NetworkPolicy `from`/`to` with `namespaceSelector` and `podSelector` as two items
 *   (ORed) where one item (ANDed) was likely meant;
 * - `ports-apart`: `ports` in a rule of its own next to a rule with peers and no ports (two rules,
 *   ORed: the ports from everyone, the peers on every port). A `from` item holding only `ports` is
 *   already a load error ("must specify a peer");
 * - `empty-selector`: `{}` and what it selects;
 * - `cilium-empty-rule`: Cilium `ingress: [{}]` / `egress: [{}]`;
 * - `calico-equal-order`: two Calico policies (Kubernetes ones count, at order 1000 in tier
 *   default) with the same order in one tier selecting a common pod;
 * - `selects-no-pod`: a policy whose selector matches no pod of the cluster;
 * - `named-port-undeclared`: a named port no pod it can refer to declares.
 */
import { isCalicoSelected } from './calico/reference';
import { felixPolicySortKey } from './calico/tiers';
import { ciliumIdentityPlan } from './cilium/identity';
import { selectorMatches, subjectSelector } from './cilium/labels';
import { matchesLabelSelector } from './labels';
import {
  formatRef,
  type CalicoPolicy,
  type CiliumPolicy,
  type Cluster,
  type Diagnostic,
  type Direction,
  type K8sNetworkPolicy,
  type Pod,
  type Policy,
  type SourcePos,
} from './model';
import type { ManifestFile } from './parse/load';
import { isPlainMap, valueAt } from './parse/reader';
import { parseYamlFile, type YamlDocument } from './parse/yaml';

export type LintCheck =
  | 'peers-or'
  | 'ports-apart'
  | 'empty-selector'
  | 'cilium-empty-rule'
  | 'calico-equal-order'
  | 'selects-no-pod'
  | 'named-port-undeclared';

/**
 * The lesson step teaching each point (1-based steps, as `#/lessons/<id>/<n>` links count them;
 * lint.test.ts checks each against the lesson's steps.yaml). Checks no lesson teaches have none.
 */
export const LINT_LESSONS: Partial<
  Record<LintCheck, { readonly href: string; readonly title: string; readonly stepId: string }>
> = {
  'cilium-empty-rule': {
    href: '#/lessons/07-policy-in-ebpf/10',
    title: 'Lesson 7: Selected means default deny',
    stepId: 'selected-is-default-deny',
  },
  'calico-equal-order': {
    href: '#/lessons/06-policy-in-iptables/8',
    title: 'Lesson 6: An earlier tier can allow what a later one would drop',
    stepId: 'earlier-tier-allows',
  },
  'selects-no-pod': {
    href: '#/lessons/06-policy-in-iptables/11',
    title: 'Lesson 6: Nobody selects it, the profile allows',
    stepId: 'unselected-pod',
  },
};

/**
 * Above this many policy × pod pairs the checks that need each policy's pods (`selects-no-pod`,
 * `named-port-undeclared`, `calico-equal-order`) are skipped, so a generated 10,000-policy cluster
 * loads as fast as before; the checks of the written shapes still run.
 */
export const LINT_SELECTION_BUDGET = 1_000_000;

/**
 * Above this many policies nothing is linted: reading the manifests again for their shapes costs
 * as much as their YAML parse (2-3 s on the generated 10,000-policy bench), too much on every edit.
 */
export const LINT_MAX_POLICIES = 2_000;

const CALICO = 'projectcalico.org/v3';
const CLUSTER_SCOPED = new Set([
  'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedGlobalNetworkPolicy',
]);

/** One manifest object as written: its value and positions relative to it. */
interface RawObject {
  readonly value: Record<string, unknown>;
  at(path: string): SourcePos;
}

export function lintManifests(files: readonly ManifestFile[], cluster: Cluster): Diagnostic[] {
  const policies: Policy[] = [
    ...cluster.k8sPolicies,
    ...cluster.ciliumPolicies,
    ...cluster.calicoPolicies,
  ];
  if (policies.length === 0 || policies.length > LINT_MAX_POLICIES) return [];
  const raw = indexRaw(files);
  const out: Diagnostic[] = [];
  const withPods = policies.length * cluster.pods.length <= LINT_SELECTION_BUDGET;
  const selected = new Map<Policy, readonly Pod[]>();
  const podsOf = (p: Policy): readonly Pod[] => {
    let pods = selected.get(p);
    if (!pods) {
      pods = cluster.pods.filter((pod) => selects(cluster, p, pod));
      selected.set(p, pods);
    }
    return pods;
  };
  for (const p of policies) {
    const obj = raw.get(rawKey(p));
    if (!obj) continue;
    const warn = (check: LintCheck, path: string, message: string) => {
      const lesson = LINT_LESSONS[check];
      out.push({
        severity: 'warning',
        message,
        pos: obj.at(path),
        object: formatRef(p.ref),
        field: path,
        lint: check,
        ...(lesson ? { lesson: { href: lesson.href, title: lesson.title } } : {}),
      });
    };
    const base = specPath(p, obj.value);
    if (p.dialect === 'k8s') lintK8sShapes(p, obj.value, warn);
    if (p.dialect === 'cilium') lintCiliumShapes(p, base, obj.value, warn);
    if (!withPods) continue;
    const pods = podsOf(p);
    if (pods.length === 0 && !(p.dialect === 'cilium' && p.nodeSelector)) {
      warn('selects-no-pod', `${base}.${selectorField(p)}`, noPodMessage(p));
    }
    for (const d of ['ingress', 'egress'] as const) {
      // A named port of an ingress rule is the selected pods' port; of an egress rule, the peer's.
      const targets = d === 'ingress' ? pods : cluster.pods;
      for (const np of namedPorts(p, base, obj.value, d)) {
        if (targets.some((pod) => declares(pod, np.name, np.protocol))) continue;
        warn(
          'named-port-undeclared',
          np.path,
          `no ${d === 'ingress' ? 'pod this policy selects' : 'pod in the cluster'} declares a container port named "${np.name}"${np.protocol ? ` (${np.protocol})` : ''}, so this port matches nothing`,
        );
      }
    }
  }
  if (withPods) lintEqualOrders(cluster, raw, podsOf, out);
  return out.sort((a, b) =>
    a.pos.file === b.pos.file
      ? a.pos.line - b.pos.line || a.pos.column - b.pos.column
      : a.pos.file < b.pos.file
        ? -1
        : 1,
  );
}

type Warn = (check: LintCheck, path: string, message: string) => void;

// ---------------------------------------------------------------------------------------------
// Shapes as written
// ---------------------------------------------------------------------------------------------

const keysOf = (v: unknown): string[] => (isPlainMap(v) ? Object.keys(v) : []);
const listAt = (root: unknown, path: string): unknown[] => {
  const v = valueAt(root, path);
  return Array.isArray(v) ? v : [];
};
const isEmptyMap = (v: unknown): boolean => isPlainMap(v) && Object.keys(v).length === 0;

function lintK8sShapes(p: K8sNetworkPolicy, value: unknown, warn: Warn): void {
  const ns = p.namespace;
  if (isEmptyMap(valueAt(value, 'spec.podSelector'))) {
    warn(
      'empty-selector',
      'spec.podSelector',
      `podSelector: {} selects every pod in namespace ${ns}${
        p.ingress.length + p.egress.length === 0
          ? ', and with no rules it denies all their traffic in its policyTypes'
          : ''
      }`,
    );
  }
  for (const d of ['ingress', 'egress'] as const) {
    const peersKey = d === 'ingress' ? 'from' : 'to';
    const rules = listAt(value, `spec.${d}`);
    rules.forEach((rule, i) => {
      const rulePath = `spec.${d}[${i}]`;
      const peers = listAt(rule, peersKey);
      peers.forEach((peer, j) => {
        const keys = keysOf(peer).sort().join(',');
        const path = `${rulePath}.${peersKey}[${j}]`;
        if (keys === 'podSelector' && isEmptyMap((peer as Record<string, unknown>).podSelector)) {
          warn(
            'empty-selector',
            `${path}.podSelector`,
            `podSelector: {} here is every pod in namespace ${ns}`,
          );
        }
        if (
          keys === 'namespaceSelector' &&
          isEmptyMap((peer as Record<string, unknown>).namespaceSelector)
        ) {
          warn(
            'empty-selector',
            `${path}.namespaceSelector`,
            'namespaceSelector: {} here is every pod in every namespace (but no address outside the cluster)',
          );
        }
        if (keys !== 'podSelector') return;
        const nsItem = peers.findIndex((q) => keysOf(q).join(',') === 'namespaceSelector');
        if (nsItem < 0) return;
        warn(
          'peers-or',
          path,
          `${peersKey}[${nsItem}] (namespaceSelector) and ${peersKey}[${j}] (podSelector) are two peers, ORed, not ANDed: for these pods in those namespaces only, make them one item (no "-" before podSelector)`,
        );
      });
      const hasPeers = isPlainMap(rule) && peersKey in rule;
      const hasPorts = isPlainMap(rule) && 'ports' in rule;
      if (!hasPorts || hasPeers) return;
      const other = rules.findIndex(
        (r, k) => k !== i && isPlainMap(r) && peersKey in r && !('ports' in r),
      );
      if (other < 0) return;
      warn(
        'ports-apart',
        `${rulePath}.ports`,
        `this rule has ports but no ${peersKey}, so it opens these ports to every ${d === 'ingress' ? 'source' : 'destination'}, while ${d}[${other}] allows its peers on every port. For those peers on these ports, put ports in the same item as ${peersKey} (no "-" before ports)`,
      );
    });
  }
}

function lintCiliumShapes(p: CiliumPolicy, base: string, value: unknown, warn: Warn): void {
  const scope = p.clusterwide ? 'the cluster' : `namespace ${p.namespace}`;
  if (isEmptyMap(valueAt(value, `${base}.endpointSelector`))) {
    warn(
      'empty-selector',
      `${base}.endpointSelector`,
      `endpointSelector: {} selects every endpoint in ${scope}`,
    );
  }
  for (const d of ['ingress', 'egress'] as const) {
    const field = d === 'ingress' ? 'fromEndpoints' : 'toEndpoints';
    listAt(value, `${base}.${d}`).forEach((rule, i) => {
      const path = `${base}.${d}[${i}]`;
      // pkg/policy/repository.go computePolicyEnforcementAndRules: `len(r.Ingress) > 0` turns on
      // default deny; pkg/policy/rule.go mergeIngress: a rule with no L3 field and no toPorts
      // selects no peer. (datapath-facts.md §6.)
      if (isEmptyMap(rule)) {
        warn(
          'cilium-empty-rule',
          path,
          `an empty ${d} rule {} allows nothing in Cilium, ${
            p.enableDefaultDeny?.[d] === false
              ? `and with enableDefaultDeny.${d}: false it changes nothing`
              : `it only turns on default deny for ${d}`
          } (in a Kubernetes NetworkPolicy it allows all); to allow all, write ${d === 'ingress' ? 'fromEntities' : 'toEntities'}: [all]`,
        );
        return;
      }
      listAt(rule, field).forEach((sel, j) => {
        if (!isEmptyMap(sel)) return;
        warn(
          'empty-selector',
          `${path}.${field}[${j}]`,
          `{} in ${field} is every endpoint in ${p.clusterwide ? 'every namespace' : scope}${p.clusterwide ? '' : ' (not other namespaces)'}`,
        );
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Selection
// ---------------------------------------------------------------------------------------------

function selects(cluster: Cluster, p: Policy, pod: Pod): boolean {
  switch (p.dialect) {
    case 'k8s':
      return p.namespace === pod.namespace && matchesLabelSelector(pod.labels, p.podSelector);
    case 'cilium':
      if (!p.endpointSelector) return false;
      return selectorMatches(
        subjectSelector(p.endpointSelector, p.clusterwide ? undefined : p.namespace),
        ciliumIdentityPlan(cluster).podLabels(pod),
      );
    case 'calico':
      return isCalicoSelected(cluster, p, pod);
  }
}

function selectorField(p: Policy): string {
  return p.dialect === 'k8s'
    ? 'podSelector'
    : p.dialect === 'cilium'
      ? 'endpointSelector'
      : 'selector';
}

function noPodMessage(p: Policy): string {
  const where =
    p.namespace !== undefined && !(p.dialect === 'cilium' && p.clusterwide)
      ? `namespace ${p.namespace}`
      : 'the cluster';
  const shown =
    p.dialect === 'calico'
      ? `"${p.selector.text}"`
      : p.dialect === 'k8s'
        ? 'its podSelector'
        : 'its endpointSelector';
  return `this policy selects no pod: no pod in ${where} matches ${shown}, so it changes nothing (check the labels and the namespace)`;
}

interface NamedPort {
  readonly name: string;
  /** Undefined when the rule matches every protocol (Cilium `ANY`, Calico without `protocol`). */
  readonly protocol?: string;
  readonly path: string;
}

function namedPorts(p: Policy, base: string, value: unknown, d: Direction): NamedPort[] {
  const out: NamedPort[] = [];
  const named = (v: unknown): v is string =>
    typeof v === 'string' && v !== '' && !/^\d+(:\d+)?$/.test(v);
  listAt(value, `${base}.${d}`).forEach((rule, i) => {
    const rulePath = `${base}.${d}[${i}]`;
    if (p.dialect === 'k8s') {
      listAt(rule, 'ports').forEach((port, j) => {
        const name = valueAt(port, 'port');
        const protocol = valueAt(port, 'protocol');
        if (named(name)) {
          out.push({
            name,
            protocol: typeof protocol === 'string' ? protocol : 'TCP',
            path: `${rulePath}.ports[${j}].port`,
          });
        }
      });
    } else if (p.dialect === 'cilium') {
      listAt(rule, 'toPorts').forEach((pr, k) => {
        listAt(pr, 'ports').forEach((port, j) => {
          const name = valueAt(port, 'port');
          const protocol = valueAt(port, 'protocol');
          if (named(name)) {
            out.push({
              name,
              ...(typeof protocol === 'string' && protocol !== 'ANY' ? { protocol } : {}),
              path: `${rulePath}.toPorts[${k}].ports[${j}].port`,
            });
          }
        });
      });
    } else {
      const protocol = valueAt(rule, 'protocol');
      listAt(rule, 'destination.ports').forEach((name, j) => {
        if (named(name)) {
          out.push({
            name,
            ...(typeof protocol === 'string' ? { protocol } : {}),
            path: `${rulePath}.destination.ports[${j}]`,
          });
        }
      });
    }
  });
  return out;
}

const declares = (pod: Pod, name: string, protocol: string | undefined): boolean =>
  pod.ports.some(
    (c) => c.name === name && (protocol === undefined || c.protocol === protocol.toUpperCase()),
  );

// ---------------------------------------------------------------------------------------------
// Calico order ties
// ---------------------------------------------------------------------------------------------

interface Ordered {
  readonly policy: Policy;
  readonly tier: string;
  readonly order: number;
  /** What Felix breaks ties with: `<name>/<namespace>/<kind>` of the policy's key. */
  readonly sortName: string;
}

/** Groups above this size are not checked pair by pair (generated clusters). */
const MAX_TIE_GROUP = 50;

function lintEqualOrders(
  cluster: Cluster,
  raw: ReadonlyMap<string, RawObject>,
  podsOf: (p: Policy) => readonly Pod[],
  out: Diagnostic[],
): void {
  // Felix sorts a tier's policies by order, unset last; equal orders by the string
  // `<name>/<namespace>/<kind>` of the policy's key, name first (projectcalico/calico v3.32.1
  // felix/calc/policy_sorter.go `PolKVLess`; the key is libcalico-go/lib/backend/model/policy.go
  // `PolicyKey`, where a Kubernetes NetworkPolicy keeps its own name with kind
  // KubernetesNetworkPolicy). A Kubernetes NetworkPolicy sits at order 1000 in tier default.
  const entries: Ordered[] = [
    ...cluster.calicoPolicies
      .filter((p): p is CalicoPolicy & { order: number } => !p.staged && p.order !== undefined)
      .map((p) => ({
        policy: p,
        tier: p.tier,
        order: p.order,
        sortName: felixPolicySortKey(p.name, p.namespace, p.ref.kind),
      })),
    ...cluster.k8sPolicies
      .filter((p) => !p.staged)
      .map((p) => ({
        policy: p,
        tier: 'default',
        order: 1000,
        sortName: felixPolicySortKey(p.name, p.namespace, 'KubernetesNetworkPolicy'),
      })),
  ];
  const groups = new Map<string, Ordered[]>();
  for (const e of entries) {
    const key = `${e.tier}\u0000${e.order}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const group of groups.values()) {
    if (group.length < 2 || group.length > MAX_TIE_GROUP) continue;
    if (!group.some((e) => e.policy.dialect === 'calico')) continue;
    group.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
    // One warning per Calico policy, at the later of a pair by name (at the Calico one when the
    // other is a Kubernetes policy, which has no order to change).
    const warned = new Set<Policy>();
    group.forEach((a, i) => {
      for (const b of group.slice(i + 1)) {
        const target = b.policy.dialect === 'calico' ? b : a.policy.dialect === 'calico' ? a : null;
        if (!target || warned.has(target.policy)) continue;
        const other = target === b ? a : b;
        const common = podsOf(b.policy).find((pod) => podsOf(a.policy).includes(pod));
        const obj = raw.get(rawKey(target.policy));
        if (!common || !obj) continue;
        warned.add(target.policy);
        const lesson = LINT_LESSONS['calico-equal-order']!;
        const spec = obj.value.spec;
        out.push({
          severity: 'warning',
          message: `order ${target.order} is also the order of ${formatRef(other.policy.ref)} in tier ${target.tier}, and both select ${common.namespace}/${common.name}: Calico then takes them by name, then namespace (${formatRef(a.policy.ref)} first). Give them different orders to say which comes first`,
          pos: obj.at(isPlainMap(spec) && 'order' in spec ? 'spec.order' : 'metadata.name'),
          object: formatRef(target.policy.ref),
          field: 'spec.order',
          lint: 'calico-equal-order',
          lesson: { href: lesson.href, title: lesson.title },
        });
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Finding each policy as written
// ---------------------------------------------------------------------------------------------

function apiVersionOf(p: Policy): string {
  if (p.dialect === 'cilium') return 'cilium.io/v2';
  if (p.dialect === 'calico') return CALICO;
  return p.ref.kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : CALICO;
}

const rawKey = (p: Policy): string =>
  `${p.ref.pos.file}\u0000${apiVersionOf(p)}\u0000${p.ref.kind}\u0000${p.ref.namespace ?? ''}\u0000${p.ref.name}`;

/** A CiliumNetworkPolicy with `specs` has one policy per spec. */
function specPath(p: Policy, value: Record<string, unknown>): string {
  if (p.dialect === 'cilium' && Array.isArray(value.specs) && !isPlainMap(value.spec)) {
    return `specs[${p.specIndex}]`;
  }
  return 'spec';
}

function indexRaw(files: readonly ManifestFile[]): Map<string, RawObject> {
  const out = new Map<string, RawObject>();
  const add = (file: string, doc: YamlDocument, base: string, value: unknown) => {
    if (!isPlainMap(value)) return;
    const { kind, apiVersion } = value;
    if (kind === 'List') {
      listAt(value, 'items').forEach((item, i) =>
        add(file, doc, base === '' ? `items[${i}]` : `${base}.items[${i}]`, item),
      );
      return;
    }
    const name = valueAt(value, 'metadata.name');
    if (typeof kind !== 'string' || typeof apiVersion !== 'string' || typeof name !== 'string') {
      return;
    }
    const written = valueAt(value, 'metadata.namespace');
    const ns = CLUSTER_SCOPED.has(kind)
      ? ''
      : typeof written === 'string' && written !== ''
        ? written
        : 'default';
    const join = (p: string) => (base === '' ? p : p === '' ? base : `${base}.${p}`);
    out.set(`${file}\u0000${apiVersion}\u0000${kind}\u0000${ns}\u0000${name}`, {
      value,
      at: (p) => doc.posOf(join(p)),
    });
  };
  for (const file of files) {
    if (
      !/\b(NetworkPolicy|CiliumNetworkPolicy|CiliumClusterwideNetworkPolicy|GlobalNetworkPolicy)\b/.test(
        file.text,
      )
    ) {
      continue;
    }
    for (const doc of parseYamlFile(file.text, file.name).documents)
      add(file.name, doc, '', doc.value);
  }
  return out;
}
