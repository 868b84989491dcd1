/**
 * Cilium labels: the label set an endpoint's security identity is made of, which of those labels are
 * security-relevant, and Cilium's label selectors (keys carrying a source prefix such as `k8s:`,
 * `any:` or `reserved:`).
 *
 * Sources (cilium/cilium):
 * - pkg/k8s/utils/utils.go `SanitizePodLabels`: a pod's labels, plus
 *   `io.cilium.k8s.namespace.labels.<key>` for every label of its namespace,
 *   `io.kubernetes.pod.namespace=<ns>`, `io.cilium.k8s.policy.serviceaccount=<sa>` and
 *   `io.cilium.k8s.policy.cluster=<cluster name>`, all with source `k8s`. Pod labels that start with
 *   `io.cilium.k8s` are dropped first (`filterPodLabels`), so a pod cannot forge them.
 * - pkg/option (`cluster-name` defaults to `default`).
 * - pkg/labelsfilter/filter.go `defaultLabelPrefixCfg`: which labels take part in the identity.
 * - pkg/labels/labels.go `GetExtendedKeyFrom`: a selector key without a source means `any`, which
 *   matches a label of that key from every source; `k8s:app` matches only the `k8s` source.
 */
import type { LabelSelector, SelectorOperator } from '../labels';
import type { Namespace, Pod } from '../model';

/** The cluster name Cilium is installed with unless `cluster-name` is set (pkg/option/config.go). */
export const CLUSTER_NAME = 'default';

export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels';
export const SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
export const CLUSTER_LABEL = 'io.cilium.k8s.policy.cluster';
/** pkg/k8s/apis/cilium.io/const.go `LabelPrefix`: pod labels under it are Cilium's own. */
const CILIUM_OWNED_PREFIX = 'io.cilium.k8s';

/** A label as Cilium prints it: `source:key=value` (`reserved:host` when the value is empty). */
export interface CiliumLabel {
  readonly source: string;
  readonly key: string;
  readonly value: string;
}

export const formatCiliumLabel = (l: CiliumLabel): string =>
  l.value === '' ? `${l.source}:${l.key}` : `${l.source}:${l.key}=${l.value}`;

/**
 * Sorts in place, stably, as Array.prototype.sort would: by insertion for the short lists of label
 * sets and selectors (the built-in sort's setup costs more than their few comparisons).
 */
export function sortShort<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > 16) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const x = list[i]!;
    let j = i - 1;
    while (j >= 0 && compare(list[j]!, x) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
  return list;
}

const bySourceThenKey = (a: CiliumLabel, b: CiliumLabel): number =>
  a.source !== b.source
    ? a.source < b.source
      ? -1
      : 1
    : a.key !== b.key
      ? a.key < b.key
        ? -1
        : 1
      : 0;

/** Sorted as Cilium sorts a LabelArray: by source, then key (pkg/labels/arraylist.go `Sort`). */
export function sortLabels(labels: readonly CiliumLabel[]): CiliumLabel[] {
  return sortShort([...labels], bySourceThenKey);
}

export const labelSetText = (labels: readonly CiliumLabel[]): string =>
  sortLabels(labels).map(formatCiliumLabel).join(';');

const k8s = (key: string, value: string): CiliumLabel => ({ source: 'k8s', key, value });

/**
 * Every `k8s:` label Cilium derives for a pod's endpoint, before the identity filter
 * (pkg/k8s/utils/utils.go `SanitizePodLabels`).
 */
export function endpointLabels(pod: Pod, namespace: Namespace | undefined): CiliumLabel[] {
  const out = new Map<string, CiliumLabel>();
  for (const [key, value] of Object.entries(pod.labels)) {
    if (!key.startsWith(CILIUM_OWNED_PREFIX)) out.set(key, k8s(key, value));
  }
  for (const [key, value] of Object.entries(namespace?.labels ?? {})) {
    const joined = `${NAMESPACE_LABELS_PREFIX}.${key}`;
    out.set(joined, k8s(joined, value));
  }
  out.set(POD_NAMESPACE_LABEL, k8s(POD_NAMESPACE_LABEL, pod.namespace));
  out.set(SERVICE_ACCOUNT_LABEL, k8s(SERVICE_ACCOUNT_LABEL, pod.serviceAccount));
  out.set(CLUSTER_LABEL, k8s(CLUSTER_LABEL, CLUSTER_NAME));
  return sortLabels([...out.values()]);
}

/**
 * The labels Cilium's derived labels add to a pod's own, as plain Kubernetes labels: what a
 * Kubernetes NetworkPolicy selector sees once Cilium has translated it (it matches identity labels,
 * so `io.cilium.k8s.policy.serviceaccount` or `io.kubernetes.pod.namespace` in a podSelector select
 * as they do in a real cluster).
 */
export function derivedPodLabels(
  pod: Pod,
  namespace: Namespace | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...pod.labels };
  for (const l of endpointLabels(pod, namespace)) out[l.key] = l.value;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The identity label filter (pkg/labelsfilter/filter.go, defaultLabelPrefixCfg)
// ---------------------------------------------------------------------------------------------

interface LabelPrefix {
  readonly ignore: boolean;
  readonly source?: string;
  readonly expr: RegExp;
}

const prefix = (pattern: string, ignore: boolean, source?: string): LabelPrefix => ({
  ignore,
  // Go's FindStringIndex must find the match at offset 0 for the prefix to apply.
  expr: new RegExp(`^(?:${pattern})`),
  ...(source ? { source } : {}),
});

const DEFAULT_LABEL_PREFIXES: readonly LabelPrefix[] = [
  prefix('.*', false, 'reserved'),
  prefix('io\\.kubernetes\\.pod\\.namespace', false),
  prefix('io\\.cilium\\.k8s\\.namespace\\.labels', false),
  prefix('app\\.kubernetes\\.io', false),
  prefix('io\\.cilium\\.k8s\\.policy\\.cluster', false),
  prefix('io\\.kubernetes', true),
  prefix('kubernetes\\.io', true),
  prefix('statefulset\\.kubernetes\\.io/pod-name', true),
  prefix('apps\\.kubernetes\\.io/pod-index', true),
  prefix('batch\\.kubernetes\\.io/job-completion-index', true),
  prefix('.*beta\\.kubernetes\\.io', true),
  prefix('k8s\\.io', true),
  prefix('pod-template-generation', true),
  prefix('pod-template-hash', true),
  prefix('controller-revision-hash', true),
  prefix('annotation.*', true),
  prefix('etcd_node', true),
];

/**
 * Whether a label takes part in the security identity under Cilium's default label filter. The
 * default list has no inclusive-only mode, so a label is kept unless an ignore prefix matches it
 * and no longer inclusive prefix does (`filterLabels`: `(!whitelist && ignored == 0) ||
 * included > ignored`). E.g. `pod-template-hash` and `kubernetes.io/*` are dropped,
 * `app.kubernetes.io/name` and `io.kubernetes.pod.namespace` kept.
 */
export function isSecurityRelevant(label: CiliumLabel): boolean {
  let included = 0;
  let ignored = 0;
  for (const p of DEFAULT_LABEL_PREFIXES) {
    if (p.source !== undefined && p.source !== label.source) continue;
    const m = p.expr.exec(label.key);
    if (!m) continue;
    const length = m[0].length;
    if (p.ignore) {
      if (ignored === 0 || length < ignored) ignored = length;
    } else if (length > included) {
      included = length;
    }
  }
  return ignored === 0 || included > ignored;
}

// ---------------------------------------------------------------------------------------------
// Label sets and selectors
// ---------------------------------------------------------------------------------------------

/** A label set indexed for selector matching. */
export interface LabelSet {
  readonly labels: readonly CiliumLabel[];
  /** `source:key` -> value. */
  readonly bySourceKey: ReadonlyMap<string, string>;
  /** key -> value of the first label with that key, whatever its source (for `any:`). */
  readonly byKey: ReadonlyMap<string, string>;
  /** source -> key -> value: what selector matching looks up, without building a string. */
  readonly bySource: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function labelSet(labels: readonly CiliumLabel[]): LabelSet {
  const sorted = sortLabels(labels);
  const bySourceKey = new Map<string, string>();
  const byKey = new Map<string, string>();
  const bySource = new Map<string, Map<string, string>>();
  for (const l of sorted) {
    bySourceKey.set(`${l.source}:${l.key}`, l.value);
    if (!byKey.has(l.key)) byKey.set(l.key, l.value);
    let keys = bySource.get(l.source);
    if (!keys) bySource.set(l.source, (keys = new Map()));
    keys.set(l.key, l.value);
  }
  return { labels: sorted, bySourceKey, byKey, bySource };
}

/** A selector key split into its source and key: `k8s:app` -> k8s/app, `app` -> any/app. */
export interface SelectorKey {
  readonly source: string;
  readonly key: string;
}

/** pkg/labels `ParseSource`: the source is what precedes the first `:`; none means `any`. */
export function parseSelectorKey(text: string): SelectorKey {
  const colon = text.indexOf(':');
  if (colon <= 0) return { source: 'any', key: colon === 0 ? text.slice(1) : text };
  return { source: text.slice(0, colon), key: text.slice(colon + 1) };
}

export interface CiliumRequirement {
  readonly key: SelectorKey;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/**
 * A compiled Cilium endpoint selector: requirements ANDed. matchLabels become `In` with one value,
 * as apimachinery's LabelSelectorAsSelector does.
 */
export interface CiliumSelector {
  readonly requirements: readonly CiliumRequirement[];
  /** Canonical text, e.g. `any:app=web,k8s:io.kubernetes.pod.namespace=shop`; `` for `{}`. */
  readonly text: string;
}

function formatRequirement(r: CiliumRequirement): string {
  const key = `${r.key.source}:${r.key.key}`;
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${key}=${r.values[0]}` : `${key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${key} notin (${r.values.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
  }
}

/** Array.prototype.sort's default order for strings: by UTF-16 code units. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byText = (a: { text: string }, b: { text: string }): number =>
  a.text < b.text ? -1 : a.text > b.text ? 1 : 0;

export function makeSelector(requirements: readonly CiliumRequirement[]): CiliumSelector {
  // Each requirement formatted once, then sorted by its text.
  const formatted: { req: CiliumRequirement; text: string }[] = [];
  for (const r of requirements) {
    const req: CiliumRequirement =
      r.values.length > 1 ? { ...r, values: sortShort([...r.values], byCodeUnits) } : r;
    formatted.push({ req, text: formatRequirement(req) });
  }
  sortShort(formatted, byText);
  const sorted: CiliumRequirement[] = [];
  let text = '';
  for (let i = 0; i < formatted.length; i++) {
    sorted.push(formatted[i]!.req);
    text = i === 0 ? formatted[i]!.text : `${text},${formatted[i]!.text}`;
  }
  return { requirements: sorted, text };
}

/**
 * A Kubernetes LabelSelector as a Cilium selector. `defaultSource` is the source given to keys
 * without one: `any` for Cilium policies (pkg/policy/api/selector.go `UnmarshalJSON` via
 * `GetExtendedKeyFrom`), `k8s` for Kubernetes NetworkPolicies (pkg/k8s/network_policy.go builds
 * them with `labels.LabelSourceK8sKeyPrefix`). `keyPrefix` is prepended to every key (namespace
 * selectors become `io.cilium.k8s.namespace.labels.<key>`).
 */
export function fromLabelSelector(
  selector: LabelSelector,
  defaultSource: 'any' | 'k8s',
  keyPrefix = '',
): CiliumRequirement[] {
  const key = (text: string): SelectorKey => {
    if (defaultSource === 'k8s') return { source: 'k8s', key: keyPrefix + text };
    const parsed = parseSelectorKey(text);
    return { source: parsed.source, key: keyPrefix + parsed.key };
  };
  const out: CiliumRequirement[] = [];
  const labels = selector.matchLabels;
  if (labels) {
    for (const k of Object.keys(labels)) {
      out.push({ key: key(k), operator: 'In', values: [labels[k]!] });
    }
  }
  for (const r of selector.matchExpressions ?? []) {
    out.push({ key: key(r.key), operator: r.operator, values: r.values ?? [] });
  }
  return out;
}

function lookup(set: LabelSet, key: SelectorKey): string | undefined {
  return key.source === 'any' ? set.byKey.get(key.key) : set.bySource.get(key.source)?.get(key.key);
}

/**
 * Whether a label set satisfies a selector (apimachinery semantics over Cilium's LabelArray, whose
 * `Has`/`Get` treat the `any` source as any source: pkg/labels/arraylist.go).
 */
export function selectorMatches(selector: CiliumSelector, set: LabelSet): boolean {
  for (const r of selector.requirements) {
    const value = lookup(set, r.key);
    switch (r.operator) {
      case 'In':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

/** True when the selector names the key (with any source: `k8s:`, `any:` or none). */
export function selectorHasKey(requirements: readonly CiliumRequirement[], key: string): boolean {
  return requirements.some(
    (r) => r.key.key === key && (r.key.source === 'k8s' || r.key.source === 'any'),
  );
}

/** True when some key of the selector starts with `prefix` (source `k8s` or `any`). */
export function selectorHasKeyPrefix(
  requirements: readonly CiliumRequirement[],
  prefix: string,
): boolean {
  return requirements.some(
    (r) => r.key.key.startsWith(prefix) && (r.key.source === 'k8s' || r.key.source === 'any'),
  );
}

/** The namespace a pod's identity says it is in, for explanations. */
export const namespaceOfLabels = (set: LabelSet): string | undefined =>
  set.bySourceKey.get(`k8s:${POD_NAMESPACE_LABEL}`);

const NAMESPACE_KEY: SelectorKey = { source: 'k8s', key: POD_NAMESPACE_LABEL };

/**
 * A peer selector (fromEndpoints/toEndpoints) of a CiliumNetworkPolicy or
 * CiliumClusterwideNetworkPolicy, scoped as pkg/k8s/apis/cilium.io/utils/utils.go
 * `getEndpointSelector` scopes it:
 * - a selector naming a `reserved:` label is left alone;
 * - one naming `io.kubernetes.pod.namespace` (with `k8s:`, `any:` or no source) is left alone;
 * - otherwise, in a clusterwide policy (`policyNamespace` undefined) it gets
 *   `k8s:io.kubernetes.pod.namespace` Exists, so even `{}` selects only pods, never `world` or
 *   `host`;
 * - in a namespaced policy it gets `k8s:io.kubernetes.pod.namespace=<policy namespace>`, unless it
 *   names a namespace label (`io.cilium.k8s.namespace.labels.*`), which makes it span namespaces.
 */
export function scopePeerSelector(
  requirements: readonly CiliumRequirement[],
  policyNamespace: string | undefined,
): CiliumRequirement[] {
  if (requirements.some((r) => r.key.source === 'reserved')) return [...requirements];
  if (selectorHasKey(requirements, POD_NAMESPACE_LABEL)) return [...requirements];
  if (policyNamespace === undefined) {
    return [...requirements, { key: NAMESPACE_KEY, operator: 'Exists', values: [] }];
  }
  if (selectorHasKeyPrefix(requirements, NAMESPACE_LABELS_PREFIX)) return [...requirements];
  return [...requirements, { key: NAMESPACE_KEY, operator: 'In', values: [policyNamespace] }];
}

/**
 * The endpoints a CiliumNetworkPolicy applies to: its endpointSelector with
 * `k8s:io.kubernetes.pod.namespace` set to the policy's namespace
 * (pkg/k8s/apis/cilium.io/utils/utils.go `ParseToCiliumRule`: `AddMatch` overwrites a
 * `k8s:io.kubernetes.pod.namespace` matchLabel naming another namespace). A clusterwide policy's
 * selector is used as written, so `{}` selects every endpoint.
 */
export function subjectSelector(
  selector: LabelSelector,
  policyNamespace: string | undefined,
): CiliumSelector {
  const requirements = fromLabelSelector(selector, 'any');
  if (policyNamespace === undefined) return makeSelector(requirements);
  const kept = requirements.filter(
    (r, i) =>
      !(
        i < Object.keys(selector.matchLabels ?? {}).length &&
        r.key.source === 'k8s' &&
        r.key.key === POD_NAMESPACE_LABEL
      ),
  );
  return makeSelector([...kept, { key: NAMESPACE_KEY, operator: 'In', values: [policyNamespace] }]);
}
