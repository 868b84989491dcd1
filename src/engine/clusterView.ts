/**
 * The loaded cluster as the main thread holds it: everything but the policies' contents. The app
 * reads pods, nodes, namespaces and Services (the packet's choices, the matrix's axes) and of a
 * policy only where it is written (`ref`: the editor's "Show in editor", the policy under the
 * cursor); the policies' rules and selectors stay in the worker, which answers every question about
 * them. Sending 10,000 policies whole made the load's answer a main-thread task of over 100 ms
 * (structured-clone deserialisation) for nothing the page shows.
 */
import type { Cluster, ObjectRef } from './model';

/** Of a policy, what the main thread reads: where it is written. */
export interface PolicyRefOnly {
  readonly ref: ObjectRef;
}

type PolicyLists = 'k8sPolicies' | 'ciliumPolicies' | 'calicoPolicies';

/**
 * A cluster with its policies cut to their refs. A whole `Cluster` is one too (tests and the
 * main-thread fallback may hand one over).
 */
export type ClusterView = Omit<Cluster, PolicyLists> &
  Readonly<Record<PolicyLists, readonly PolicyRefOnly[]>>;

const refsOf = (policies: readonly { readonly ref: ObjectRef }[]): PolicyRefOnly[] =>
  policies.map((p) => ({ ref: p.ref }));

/** The view of `cluster` sent to the main thread. */
export function clusterView(cluster: Cluster): ClusterView {
  return {
    ...cluster,
    k8sPolicies: refsOf(cluster.k8sPolicies),
    ciliumPolicies: refsOf(cluster.ciliumPolicies),
    calicoPolicies: refsOf(cluster.calicoPolicies),
  };
}

/**
 * A list of policy refs as it crosses to the main thread: columns, not objects. Structured clone
 * deserialises each object apart (about a microsecond each, more on a busy machine), so 10,000
 * policies as `{ ref: { kind, namespace, name, pos: { file, line, column } } }` made the load's
 * answer a main-thread task of 22-27 ms in Node, 50-60 ms in a page on this 2-core machine; as
 * columns (strings and typed arrays) it deserialises in about a fifth of that (issue 15), and the
 * objects are built again on the main thread in one loop (`unpackClusterView`).
 */
export interface PackedRefs {
  /** The distinct kinds and files; `kind` and `file` index into them. */
  readonly kinds: readonly string[];
  readonly files: readonly string[];
  readonly kind: Uint16Array;
  readonly file: Uint32Array;
  readonly line: Uint32Array;
  readonly column: Uint32Array;
  readonly names: readonly string[];
  /** Null where the object has none (a GlobalNetworkPolicy). */
  readonly namespaces: readonly (string | null)[];
}

/** A cluster view with its policy lists as columns (what the worker's `loadApart` answers). */
export type PackedClusterView = Omit<ClusterView, PolicyLists> & {
  readonly policyRefs: Readonly<Record<PolicyLists, PackedRefs>>;
};

const POLICY_LISTS: readonly PolicyLists[] = ['k8sPolicies', 'ciliumPolicies', 'calicoPolicies'];

/** The index of `value` in `table`, added at the end when new (a few kinds, a few files). */
function indexIn(table: string[], value: string): number {
  const at = table.indexOf(value);
  return at >= 0 ? at : table.push(value) - 1;
}

function packRefs(list: readonly PolicyRefOnly[]): PackedRefs {
  const n = list.length;
  const kinds: string[] = [];
  const files: string[] = [];
  const kind = new Uint16Array(n);
  const file = new Uint32Array(n);
  const line = new Uint32Array(n);
  const column = new Uint32Array(n);
  const names = new Array<string>(n);
  const namespaces = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const { ref } = list[i]!;
    kind[i] = indexIn(kinds, ref.kind);
    file[i] = indexIn(files, ref.pos.file);
    line[i] = ref.pos.line;
    column[i] = ref.pos.column;
    names[i] = ref.name;
    namespaces[i] = ref.namespace ?? null;
  }
  return { kinds, files, kind, file, line, column, names, namespaces };
}

function unpackRefs(packed: PackedRefs): PolicyRefOnly[] {
  const { kinds, files, kind, file, line, column, names, namespaces } = packed;
  const out = new Array<PolicyRefOnly>(names.length);
  for (let i = 0; i < names.length; i++) {
    const pos = { file: files[file[i]!]!, line: line[i]!, column: column[i]! };
    const namespace = namespaces[i];
    out[i] = {
      ref:
        namespace === null || namespace === undefined
          ? { kind: kinds[kind[i]!]!, name: names[i]!, pos }
          : { kind: kinds[kind[i]!]!, namespace, name: names[i]!, pos },
    };
  }
  return out;
}

/** The view with its policy lists as columns, to post to the main thread. */
export function packClusterView(view: ClusterView): PackedClusterView {
  const { k8sPolicies, ciliumPolicies, calicoPolicies, ...rest } = view;
  return {
    ...rest,
    policyRefs: {
      k8sPolicies: packRefs(k8sPolicies),
      ciliumPolicies: packRefs(ciliumPolicies),
      calicoPolicies: packRefs(calicoPolicies),
    },
  };
}

/**
 * The view again from its columns (on the main thread). Each policy list is built when first read:
 * the page reads them only for the Dataplane panel's links to where a policy is written, and
 * building 10,000 refs (20,000 objects, and the scavenges they cost) in the task that receives the
 * load made it a long one again.
 */
export function unpackClusterView(packed: PackedClusterView): ClusterView {
  const { policyRefs, ...rest } = packed;
  const view = { ...rest } as Record<PolicyLists, readonly PolicyRefOnly[]> & typeof rest;
  for (const list of POLICY_LISTS) {
    let unpacked: PolicyRefOnly[] | undefined;
    Object.defineProperty(view, list, {
      enumerable: true,
      get: () => (unpacked ??= unpackRefs(policyRefs[list])),
    });
  }
  return view;
}
