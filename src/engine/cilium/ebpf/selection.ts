/**
 * A selection (the policies selecting an endpoint, endpoint.ts `Selection`) carried over an edit:
 * the lists outside the edited range are the same objects in the same order (fingerprint.ts
 * editedRange), so only the policies inside it are matched again and the positions after it move
 * by the change of length. A recompile thus finds the policies of a changed endpoint without a pass
 * over its namespace's policies (pkg/policy/repository.go: a rule's subject selector decides which
 * endpoints it applies to).
 */
import { editedRange } from '../../fingerprint';
import type { Cluster } from '../../model';
import { type LabelSet, selectorMatches } from '../labels';
import { ciliumSubject, k8sSubject, type Selection } from './endpoint';

/** Where the policy lists of two clusters differ: `[start, endPrev)` became `[start, endNext)`. */
export interface ListEdit {
  readonly start: number;
  readonly endPrev: number;
  readonly endNext: number;
}

export interface PolicyEdit {
  readonly k8s: ListEdit;
  readonly cilium: ListEdit;
}

/** Edits spanning more policies than this are not carried over (matching them all would cost
 * about what a pass over the namespace does). */
const MAX_EDITED = 64;

/** The edit from `previous`'s policy lists to `next`'s, or undefined when it spans too many. */
export function policyEdit(
  previous: Pick<Cluster, 'k8sPolicies' | 'ciliumPolicies'>,
  next: Cluster,
): PolicyEdit | undefined {
  const k8s = editedRange(previous.k8sPolicies, next.k8sPolicies);
  const cilium = editedRange(previous.ciliumPolicies, next.ciliumPolicies);
  const span = (e: ListEdit) => Math.max(e.endPrev, e.endNext) - e.start;
  return span(k8s) + span(cilium) > MAX_EDITED ? undefined : { k8s, cilium };
}

/** Positions before the edit kept, those inside it replaced by `inside`, those after it moved. */
function carry(old: readonly number[], e: ListEdit, inside: readonly number[]): number[] {
  const out: number[] = [];
  for (const i of old) if (i < e.start) out.push(i);
  for (const i of inside) out.push(i);
  const shift = e.endNext - e.endPrev;
  for (const i of old) if (i >= e.endPrev) out.push(i + shift);
  return out;
}

const within = (old: readonly number[], e: ListEdit): boolean =>
  old.some((i) => i >= e.start && i < e.endPrev);

/**
 * The selection of an endpoint of `namespace` with labels `set` in `next`, from its selection in
 * the cluster before `edit`; `touched` when a policy of the edited range selected it before or
 * selects it now (then its policy is computed again; else it is the previous one).
 */
export function carrySelection(
  old: Selection,
  edit: PolicyEdit,
  next: Cluster,
  namespace: string,
  set: LabelSet,
): { selection: Selection; touched: boolean } {
  const k8s: number[] = [];
  for (let i = edit.k8s.start; i < edit.k8s.endNext; i++) {
    const p = next.k8sPolicies[i]!;
    if (!p.staged && p.namespace === namespace && selectorMatches(k8sSubject(p).subject, set))
      k8s.push(i);
  }
  const cilium: number[] = [];
  const clusterwide: number[] = [];
  for (let i = edit.cilium.start; i < edit.cilium.endNext; i++) {
    const p = next.ciliumPolicies[i]!;
    const s = ciliumSubject(p);
    if (!s || !selectorMatches(s.subject, set)) continue;
    if (p.clusterwide) clusterwide.push(i);
    else if (p.namespace && p.namespace === namespace) cilium.push(i);
  }
  const touched =
    k8s.length + cilium.length + clusterwide.length > 0 ||
    within(old.k8s, edit.k8s) ||
    within(old.cilium, edit.cilium) ||
    within(old.clusterwide, edit.cilium);
  // Untouched, with the lists' lengths unchanged: the positions stand.
  const unmoved =
    edit.k8s.endNext === edit.k8s.endPrev && edit.cilium.endNext === edit.cilium.endPrev;
  if (!touched && unmoved) return { selection: old, touched };
  const selection = {
    cilium: carry(old.cilium, edit.cilium, cilium),
    clusterwide: carry(old.clusterwide, edit.cilium, clusterwide),
    k8s: carry(old.k8s, edit.k8s, k8s),
  };
  return { selection, touched };
}
