/** Evaluating a selector against labels (ast.go), once or compiled into a matcher. */
import type { Labels, SelectorNode } from './ast';

/**
 * What `all()` and `global()` mean depends on where the selector sits.
 *
 * In libcalico-go's AST both simply match (ast.go `AllNode.Evaluate`, `GlobalNode.Evaluate` return
 * true): that is the default here, right for a policy's `selector` and a rule's `selector`.
 *
 * In a rule's `namespaceSelector`, Calico rewrites them before Felix sees the rule
 * (libcalico-go/lib/backend/syncersv1/updateprocessors/rules.go `getEndpointSelector`):
 * `all()` becomes `has(projectcalico.org/namespace)` (any namespaced endpoint or NetworkSet) and
 * `global()` becomes `!has(projectcalico.org/namespace)` (only non-namespaced resources: host
 * endpoints and GlobalNetworkSets). Set `namespaceSelectorFor` to get that meaning; evaluate the
 * namespace selector against the namespace's labels, or against `{}` for a non-namespaced resource.
 * (The rewrite is textual, so a string literal containing "all()" would change too; namespace label
 * values cannot contain parentheses, so the verdict is the same either way.)
 */
export interface SelectorEvalOptions {
  readonly namespaceSelectorFor?: 'namespaced' | 'non-namespaced';
}

/** The label's value, or undefined when absent (never an inherited property like `constructor`). */
function lookup(labels: Labels, key: string): string | undefined {
  const v = labels[key];
  return typeof v === 'string' ? v : undefined;
}

function scopeResult(kind: 'all' | 'global', opts: SelectorEvalOptions | undefined): boolean {
  const scope = opts?.namespaceSelectorFor;
  if (scope === undefined) return true;
  return kind === 'all' ? scope === 'namespaced' : scope === 'non-namespaced';
}

/**
 * Evaluates a selector against a label set with ast.go's semantics: `==`, `contains`, `starts
 * with`, `ends with`, `in` need the label present; `!=` and `not in` match when it is absent.
 */
export function evaluateSelector(
  node: SelectorNode,
  labels: Labels,
  opts?: SelectorEvalOptions,
): boolean {
  switch (node.kind) {
    case 'all':
    case 'global':
      return scopeResult(node.kind, opts);
    case 'has':
      return lookup(labels, node.label) !== undefined;
    case 'eq':
      return lookup(labels, node.label) === node.value;
    case 'ne':
      return lookup(labels, node.label) !== node.value;
    case 'contains': {
      const v = lookup(labels, node.label);
      return v !== undefined && v.includes(node.value);
    }
    case 'startsWith': {
      const v = lookup(labels, node.label);
      return v !== undefined && v.startsWith(node.value);
    }
    case 'endsWith': {
      const v = lookup(labels, node.label);
      return v !== undefined && v.endsWith(node.value);
    }
    case 'in': {
      const v = lookup(labels, node.label);
      return v !== undefined && node.values.includes(v);
    }
    case 'notIn': {
      const v = lookup(labels, node.label);
      return v === undefined || !node.values.includes(v);
    }
    case 'not':
      return !evaluateSelector(node.operand, labels, opts);
    case 'and':
      return node.operands.every((op) => evaluateSelector(op, labels, opts));
    case 'or':
      return node.operands.some((op) => evaluateSelector(op, labels, opts));
  }
}

export type SelectorMatcher = (labels: Labels) => boolean;

const matchAll: SelectorMatcher = () => true;
const matchNone: SelectorMatcher = () => false;

/** Sets beat a linear scan only past a handful of values. */
const SET_THRESHOLD = 8;

/**
 * Compiles a selector to a closure tree: the same answers as `evaluateSelector`, without the
 * per-call dispatch on node kinds (the engine evaluates selectors millions of times).
 */
export function compileSelector(node: SelectorNode, opts?: SelectorEvalOptions): SelectorMatcher {
  switch (node.kind) {
    case 'all':
    case 'global':
      return scopeResult(node.kind, opts) ? matchAll : matchNone;
    case 'has': {
      const key = node.label;
      return (labels) => typeof labels[key] === 'string';
    }
    case 'eq': {
      const { label: key, value } = node;
      return (labels) => labels[key] === value;
    }
    case 'ne': {
      const { label: key, value } = node;
      return (labels) => labels[key] !== value;
    }
    case 'contains': {
      const { label: key, value } = node;
      return (labels) => {
        const v = labels[key];
        return typeof v === 'string' && v.includes(value);
      };
    }
    case 'startsWith': {
      const { label: key, value } = node;
      return (labels) => {
        const v = labels[key];
        return typeof v === 'string' && v.startsWith(value);
      };
    }
    case 'endsWith': {
      const { label: key, value } = node;
      return (labels) => {
        const v = labels[key];
        return typeof v === 'string' && v.endsWith(value);
      };
    }
    case 'in':
    case 'notIn': {
      const key = node.label;
      const contains = compileMembership(node.values);
      if (node.kind === 'in') {
        return (labels) => {
          const v = labels[key];
          return typeof v === 'string' && contains(v);
        };
      }
      return (labels) => {
        const v = labels[key];
        return typeof v !== 'string' || !contains(v);
      };
    }
    case 'not': {
      const inner = compileSelector(node.operand, opts);
      return (labels) => !inner(labels);
    }
    case 'and': {
      const ops = node.operands.map((op) => compileSelector(op, opts));
      if (ops.length === 2) {
        const [a, b] = ops as [SelectorMatcher, SelectorMatcher];
        return (labels) => a(labels) && b(labels);
      }
      return (labels) => {
        for (const op of ops) if (!op(labels)) return false;
        return true;
      };
    }
    case 'or': {
      const ops = node.operands.map((op) => compileSelector(op, opts));
      if (ops.length === 2) {
        const [a, b] = ops as [SelectorMatcher, SelectorMatcher];
        return (labels) => a(labels) || b(labels);
      }
      return (labels) => {
        for (const op of ops) if (op(labels)) return true;
        return false;
      };
    }
  }
}

function compileMembership(values: readonly string[]): (v: string) => boolean {
  if (values.length === 0) return () => false;
  if (values.length === 1) {
    const only = values[0]!;
    return (v) => v === only;
  }
  if (values.length < SET_THRESHOLD) {
    const list = [...values];
    return (v) => list.includes(v);
  }
  const set = new Set(values);
  return (v) => set.has(v);
}

/**
 * ast.go `PrefixVisitor`: every label name gets `prefix` in front, as Calico does when it turns a
 * rule's namespaceSelector into an endpoint selector (`pcns.`) or a service account selector into
 * one (`pcsa.`) (updateprocessors/rules.go `parseSelectorAttachPrefix`).
 */
export function prefixSelectorLabels(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case 'all':
    case 'global':
      return node;
    case 'not':
      return { kind: 'not', operand: prefixSelectorLabels(node.operand, prefix) };
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        operands: node.operands.map((op) => prefixSelectorLabels(op, prefix)),
      };
    default:
      return { ...node, label: prefix + node.label };
  }
}
