/**
 * Kubernetes label selectors (`metav1.LabelSelector`), as NetworkPolicy and Cilium policies use them.
 *
 * Semantics follow apimachinery `LabelSelectorAsSelector`: matchLabels and matchExpressions are
 * ANDed; an empty selector `{}` matches everything; `In`/`NotIn` take a non-empty value list;
 * `Exists`/`DoesNotExist` take none. `NotIn` also matches objects that lack the key.
 */

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export const SELECTOR_OPERATORS: readonly SelectorOperator[] = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
];

export function matchesRequirement(labels: Labels, req: LabelSelectorRequirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && (req.values ?? []).includes(labels[req.key]!);
    case 'NotIn':
      return !has || !(req.values ?? []).includes(labels[req.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function matchesLabelSelector(labels: Labels, selector: LabelSelector): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    if (!matchesRequirement(labels, req)) return false;
  }
  return true;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/** The selector as `kubectl get -l` prints it, e.g. `app=web,tier in (a,b),!legacy`. */
export function formatLabelSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = (req.values ?? []).join(',');
    switch (req.operator) {
      case 'In':
        parts.push(`${req.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${req.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(req.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${req.key}`);
        break;
    }
  }
  return parts.join(',');
}
