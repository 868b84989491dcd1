/**
 * The loader: multi-document Kubernetes YAML files in, a `Cluster` and every problem found out.
 *
 * Each document is checked for kind, apiVersion and metadata, dispatched to its kind's parser
 * (core.ts, k8sPolicy.ts, ciliumPolicy.ts, calicoPolicy.ts), and the results are assembled
 * (assemble.ts). Nothing throws on bad input: every problem becomes a diagnostic naming the
 * file:line:column, the object and the field, and loading carries on to report the next one.
 */
import {
  formatRef,
  type Diagnostic,
  type LoadResult,
  type ObjectRef,
  type SourcePos,
} from '../model';
import { assemble } from './assemble';
import { parseCalicoPolicy, parseNetworkSet, parseTier } from './calicoPolicy';
import { parseCiliumPolicy } from './ciliumPolicy';
import {
  dns1035LabelProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  emptyCollected,
  mapItems,
  sourceLines,
  warnUnknownKeys,
  type Collected,
  type SourceLines,
  type ObjectContext,
} from './common';
import { parseNamespace, parseNode, parsePod, parseService, parseServiceAccount } from './core';
import { parseK8sPolicy } from './k8sPolicy';
import { FieldPos, plainPos } from './fieldPos';
import { isPlainMap, Reader } from './reader';
import { parseYamlFile, streamYamlFile, type YamlDocument } from './yaml';

export interface ManifestFile {
  readonly name: string;
  readonly text: string;
}

type Enforcer = 'both' | 'cilium' | 'calico' | 'none';

interface KindSpec {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespaced: boolean;
  /** Top-level fields besides apiVersion, kind, metadata. */
  readonly fields: readonly string[];
  /** Top-level fields that moved, with where they live now (for the unknown-field warning). */
  readonly moved?: Readonly<Record<string, string>>;
  /** Which CNI acts on the object: the other one gets an "ignored by" warning. */
  readonly enforcedBy: Enforcer;
  readonly staged?: boolean;
  /** Names: most kinds are DNS-1123 subdomains; Namespaces are labels, Services DNS-1035 labels. */
  readonly nameRule?: (name: string) => string | null;
  readonly parse: (ctx: ObjectContext, out: Collected) => void;
}

const CALICO = 'projectcalico.org/v3';
const CILIUM = 'cilium.io/v2';

/*
 * Unknown fields load with a warning and are dropped (reader.ts `unknownFieldMessage`), for every
 * kind. Stricter clients refuse them instead: kubectl's default `--validate=strict`, and calicoctl,
 * which decodes with `yaml.UnmarshalStrict` (calicoctl/calicoctl/resourcemgr/resourcemgr.go).
 */

/**
 * Old Cilium docs and examples put `description` next to `spec`; the CRDs' schema has it in the
 * rule (pkg/policy/api/rule.go `Rule.Description`, json `description`), so the API server prunes
 * the top-level one.
 */
const CILIUM_MOVED = {
  description:
    'A policy description lives in the rule now: write it as spec.description (or specs[].description).',
};

const KINDS: readonly KindSpec[] = [
  {
    kind: 'Namespace',
    apiVersion: 'v1',
    namespaced: false,
    fields: ['spec', 'status'],
    enforcedBy: 'both',
    nameRule: dns1123LabelProblem,
    parse: parseNamespace,
  },
  {
    kind: 'Node',
    apiVersion: 'v1',
    namespaced: false,
    fields: ['spec', 'status'],
    enforcedBy: 'both',
    parse: parseNode,
  },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    namespaced: true,
    fields: ['spec', 'status'],
    enforcedBy: 'both',
    parse: parsePod,
  },
  {
    kind: 'Service',
    apiVersion: 'v1',
    namespaced: true,
    fields: ['spec', 'status'],
    enforcedBy: 'both',
    nameRule: dns1035LabelProblem,
    parse: parseService,
  },
  {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    namespaced: true,
    fields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
    enforcedBy: 'both',
    parse: parseServiceAccount,
  },
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    namespaced: true,
    fields: ['spec', 'status'],
    enforcedBy: 'both',
    parse: (ctx, out) => parseK8sPolicy(ctx, out, false),
  },
  {
    kind: 'CiliumNetworkPolicy',
    apiVersion: CILIUM,
    namespaced: true,
    fields: ['spec', 'specs', 'status'],
    moved: CILIUM_MOVED,
    enforcedBy: 'cilium',
    parse: (ctx, out) => parseCiliumPolicy(ctx, out, false),
  },
  {
    kind: 'CiliumClusterwideNetworkPolicy',
    apiVersion: CILIUM,
    namespaced: false,
    fields: ['spec', 'specs', 'status'],
    moved: CILIUM_MOVED,
    enforcedBy: 'cilium',
    parse: (ctx, out) => parseCiliumPolicy(ctx, out, true),
  },
  {
    kind: 'NetworkPolicy',
    apiVersion: CALICO,
    namespaced: true,
    fields: ['spec'],
    enforcedBy: 'calico',
    parse: (ctx, out) => parseCalicoPolicy(ctx, out, { global: false, staged: false }),
  },
  {
    kind: 'GlobalNetworkPolicy',
    apiVersion: CALICO,
    namespaced: false,
    fields: ['spec'],
    enforcedBy: 'calico',
    parse: (ctx, out) => parseCalicoPolicy(ctx, out, { global: true, staged: false }),
  },
  {
    kind: 'StagedNetworkPolicy',
    apiVersion: CALICO,
    namespaced: true,
    fields: ['spec', 'status'],
    enforcedBy: 'none',
    staged: true,
    parse: (ctx, out) => parseCalicoPolicy(ctx, out, { global: false, staged: true }),
  },
  {
    kind: 'StagedGlobalNetworkPolicy',
    apiVersion: CALICO,
    namespaced: false,
    fields: ['spec', 'status'],
    enforcedBy: 'none',
    staged: true,
    parse: (ctx, out) => parseCalicoPolicy(ctx, out, { global: true, staged: true }),
  },
  {
    kind: 'StagedKubernetesNetworkPolicy',
    apiVersion: CALICO,
    namespaced: true,
    fields: ['spec', 'status'],
    enforcedBy: 'none',
    staged: true,
    parse: (ctx, out) => parseK8sPolicy(ctx, out, true),
  },
  {
    kind: 'Tier',
    apiVersion: CALICO,
    namespaced: false,
    fields: ['spec', 'status'],
    enforcedBy: 'calico',
    parse: parseTier,
  },
  {
    kind: 'NetworkSet',
    apiVersion: CALICO,
    namespaced: true,
    fields: ['spec'],
    enforcedBy: 'calico',
    parse: (ctx, out) => parseNetworkSet(ctx, out, false),
  },
  {
    kind: 'GlobalNetworkSet',
    apiVersion: CALICO,
    namespaced: false,
    fields: ['spec'],
    enforcedBy: 'calico',
    parse: (ctx, out) => parseNetworkSet(ctx, out, true),
  },
];

/** The specs of each kind (some kinds have two apiVersions). */
const KINDS_BY_NAME = (() => {
  const byKind = new Map<string, KindSpec[]>();
  for (const k of KINDS) byKind.set(k.kind, [...(byKind.get(k.kind) ?? []), k]);
  return byKind;
})();

/** The top-level fields each kind may have. */
const TOP_FIELDS = new Map(
  KINDS.map((k) => [k, ['apiVersion', 'kind', 'metadata', ...k.fields] as const]),
);

/** Every supported kind with its apiVersion(s), for "unknown kind" messages. */
const SUPPORTED = (() => {
  const byKind = new Map<string, string[]>();
  for (const k of KINDS) byKind.set(k.kind, [...(byKind.get(k.kind) ?? []), k.apiVersion]);
  return [...byKind, ['List', ['v1']] as const, ['<Kind>List', ['as its kind']] as const]
    .map(([kind, versions]) => `${kind} (${versions.join(', ')})`)
    .join(', ');
})();

const METADATA_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

export function loadManifests(files: readonly ManifestFile[]): LoadResult {
  // The files the fast path declined part-way, read again from the start by the full reader.
  const whole = new Set<number>();
  for (;;) {
    const result = loadOnce(files, whole);
    if (typeof result !== 'number') return result;
    whole.add(result);
  }
}

/**
 * One load: each file's documents loaded as the YAML reader hands them over (yaml.ts
 * `streamYamlFile`: each document's values die young), or, for the files in `whole`, all read
 * first (the full reader). The index of a file the fast path declined part-way, when it did: what
 * was loaded is dropped and the load starts again with that file in `whole`.
 */
function loadOnce(files: readonly ManifestFile[], whole: ReadonlySet<number>): LoadResult | number {
  const diagnostics: Diagnostic[] = [];
  const out = emptyCollected();
  const seen: LoadState['seen'] = new Map();
  for (const [fileIndex, file] of files.entries()) {
    const st: LoadState = {
      lines: sourceLines(file.text),
      out,
      seen,
      sink: diagnostics,
    };
    const load = (doc: YamlDocument) => {
      const label = `document ${doc.index + 1}`;
      // calicoctl prints a YAML sequence (or a JSON array) of its lists when `get` names more
      // than one resource type (calicoctl/calicoctl/commands/common/printer.go, FPrint: one
      // result alone, else the slice of results).
      if (Array.isArray(doc.value)) {
        doc.value.forEach((_, i) =>
          loadDocument(subDocument(doc, `[${i}]`), `${label}, [${i}]`, st, true),
        );
      } else loadDocument(doc, label, st, true);
    };
    if (!whole.has(fileIndex)) {
      // Its only YAML diagnostic is a file too large, which has no documents to load.
      const yamlDiagnostics = streamYamlFile(file.text, file.name, load);
      if (yamlDiagnostics === undefined) return fileIndex;
      diagnostics.push(...yamlDiagnostics);
      continue;
    }
    const yaml = parseYamlFile(file.text, file.name);
    diagnostics.push(...yaml.diagnostics);
    for (const doc of yaml.documents) load(doc);
  }
  const cluster = assemble(out, diagnostics);
  // Diagnostics cross to the main thread and are listed, sorted and spread: plain positions.
  for (let i = 0; i < diagnostics.length; i++) {
    const d = diagnostics[i]!;
    if (d.pos instanceof FieldPos) diagnostics[i] = { ...d, pos: plainPos(d.pos) };
  }
  return { cluster, diagnostics };
}

interface LoadState {
  readonly lines: SourceLines;
  readonly out: Collected;
  /** The objects loaded so far, where each is: by kind, namespace and name. */
  readonly seen: Map<KindSpec, Map<string, Map<string, SourcePos>>>;
  readonly sink: Diagnostic[];
}

function loadDocument(doc: YamlDocument, label: string, st: LoadState, listAllowed: boolean): void {
  const r = new Reader(doc, `object (${label})`, st.sink);
  if (doc.value === null || doc.value === undefined) return;
  if (!isPlainMap(doc.value)) {
    r.error('', 'a manifest must be a map with apiVersion, kind and metadata');
    return;
  }
  const kind = r.string('kind', { required: true });
  const apiVersion = r.string('apiVersion', { required: true });
  if (kind !== undefined) r.object = `${kind} (${label})`;
  if (kind === undefined || apiVersion === undefined) return;

  const typed = typedListOf(kind, apiVersion);
  if (kind === 'List' || typed) {
    if (kind === 'List' && apiVersion !== 'v1') {
      r.error(
        'apiVersion',
        `"${apiVersion}" is not a supported apiVersion for List (supported: v1)`,
      );
      return;
    }
    if (!listAllowed) {
      r.error('kind', `a ${kind} inside a List is not supported`);
      return;
    }
    warnUnknownKeys(r, '', ['apiVersion', 'kind', 'metadata', 'items'], kind);
    for (const item of mapItems(r, 'items', {}) ?? []) {
      const sub = subDocument(doc, item.path);
      // The API server's typed lists leave kind and apiVersion off their items.
      const value = typed ? { apiVersion, kind: typed.kind, ...item.value } : item.value;
      loadDocument({ ...sub, value }, `${label}, ${item.path}`, st, false);
    }
    return;
  }

  const candidates = KINDS_BY_NAME.get(kind) ?? [];
  if (candidates.length === 0) {
    r.error('kind', `unknown kind "${kind}": PacketWalk supports ${SUPPORTED}`);
    return;
  }
  const spec = candidates.find((k) => k.apiVersion === apiVersion);
  if (!spec) {
    r.error(
      'apiVersion',
      `"${apiVersion}" is not a supported apiVersion for ${kind} (supported: ${candidates.map((k) => k.apiVersion).join(', ')})`,
    );
    return;
  }

  if (!r.map('metadata', { required: true })) return;
  const name = r.string('metadata.name', { required: true });
  if (name === undefined) return;
  let namespace: string | undefined;
  const written = r.string('metadata.namespace');
  if (spec.namespaced) namespace = written === undefined || written === '' ? 'default' : written;
  const pos = r.posOf('');
  const ref: ObjectRef =
    namespace !== undefined ? { kind, namespace, name, pos } : { kind, name, pos };
  const object = formatRef(ref);
  r.object = object;

  const nameProblem = (spec.nameRule ?? dns1123SubdomainProblem)(name);
  if (nameProblem) r.error('metadata.name', `Invalid value: "${name}": ${nameProblem}`);
  warnUnknownKeys(r, 'metadata', METADATA_FIELDS, 'ObjectMeta');
  if (namespace !== undefined) {
    const problem = dns1123LabelProblem(namespace);
    if (problem) r.error('metadata.namespace', `Invalid value: "${namespace}": ${problem}`);
  } else if (written !== undefined && written !== '') {
    r.warn('metadata.namespace', `${kind} is cluster-scoped: the namespace is ignored`);
  }

  r.keys('', TOP_FIELDS.get(spec)!, spec.moved);

  // By kind (apiVersion and kind), namespace and name: no key string to build and hash.
  let byNamespace = st.seen.get(spec);
  if (byNamespace === undefined) st.seen.set(spec, (byNamespace = new Map()));
  let byName = byNamespace.get(namespace ?? '');
  if (byName === undefined) byNamespace.set(namespace ?? '', (byName = new Map()));
  const first = byName.get(name);
  if (first) {
    r.error(
      'metadata.name',
      `Duplicate object: ${object} is already defined at ${first.file}:${first.line}:${first.column}`,
    );
    return;
  }
  byName.set(name, ref.pos);

  if (namespace !== undefined) {
    const nsPath = r.has('metadata.namespace') ? 'metadata.namespace' : 'metadata';
    st.out.namespaceUses.push({ namespace, object, pos: r.fieldPos(nsPath) });
  }

  spec.parse({ r, ref, lines: st.lines }, st.out);

  if (spec.staged) {
    r.warn('', `staged: shown, never enforced (${kind} previews a policy without applying it)`);
  }
  const ignoredBy =
    spec.enforcedBy === 'cilium' ? 'calico' : spec.apiVersion === CALICO ? 'cilium' : undefined;
  if (ignoredBy === 'calico') {
    r.warn('', `Calico does not enforce ${kind}; only the Cilium panel uses it`, { ignoredBy });
  } else if (ignoredBy === 'cilium') {
    r.warn('', `Cilium does not use Calico's ${kind}; only the Calico panel uses it`, {
      ignoredBy,
    });
  }
}

/**
 * The kind a typed list holds: `PodList` of v1 holds Pods, `NetworkPolicyList` of
 * projectcalico.org/v3 Calico NetworkPolicies (api/pkg/apis/projectcalico/v3/networkpolicy.go
 * `KindNetworkPolicyList`), `CiliumNetworkPolicyList` of cilium.io/v2 Cilium's: what the API
 * server and calicoctl return for one resource type (kubectl `get` prints a `List` instead).
 */
function typedListOf(kind: string, apiVersion: string): KindSpec | undefined {
  if (!kind.endsWith('List') || kind === 'List') return undefined;
  const item = kind.slice(0, -'List'.length);
  return KINDS_BY_NAME.get(item)?.find((k) => k.apiVersion === apiVersion);
}

/** A List item as a document of its own: paths and positions relative to the item. */
function subDocument(doc: YamlDocument, base: string): YamlDocument {
  const join = (p: string) =>
    p === '' ? base : p.startsWith('[') ? `${base}${p}` : `${base}.${p}`;
  let value: unknown = doc.value;
  for (const m of base.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) value = Array.isArray(value) ? value[Number(m[2])] : undefined;
    else value = isPlainMap(value) ? value[m[1]!] : undefined;
  }
  // The document's functions, not the document (the closures below share one context): a List
  // item's field positions keep no parsed values alive.
  const { posOf, fieldPos } = doc;
  return {
    index: doc.index,
    value,
    posOf: (p) => posOf(join(p)),
    fieldPos: fieldPos && ((p, then) => fieldPos(join(p), then)),
  };
}
