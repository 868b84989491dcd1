/**
 * "Generate a large cluster" (issue 15): a seeded synthetic cluster as manifests the loader reads
 * like any scenario. Same options, same text, byte for byte.
 *
 * The shape:
 * - Nodes `node-N`, each with a /24 pod CIDR `10.244.N.0/24` and an InternalIP `192.168.1.(N+1)`.
 * - Namespaces `ns-N` labelled `team: tK` (five teams) and `env: prod` (every fourth `env: dev`).
 * - Pods spread round-robin over namespaces and nodes; in each namespace about five replicas per
 *   app (`app: app-K`, `tier: front|back`), each declaring its app's one port; a pod's IP is in its
 *   node's /24 (.2 to .254).
 * - Policies, their dialects dealt out exactly by the mix (largest remainder) in a seeded order:
 *   first a default deny of ingress per namespace (as many as the policies allow), then allow rules:
 *   app to app on the target's port (60%), from namespaces of one team (20%), from a documentation
 *   CIDR outside the cluster (15%); a Calico policy is, one time in twenty, a GlobalNetworkPolicy in
 *   tier `platform` that denies dev namespaces one app and passes the rest on to the next tier.
 *   Dialect semantics follow the loader's sources: Cilium's `ingress: [{}]` puts an endpoint in
 *   default deny while allowing nothing (cilium/pkg/policy/api/rule.go, see parse/ciliumPolicy.ts);
 *   a namespace's labels reach Cilium selectors as `io.cilium.k8s.namespace.labels.*`; a Calico
 *   tier without a final Pass drops what its policies do not match (see parse/calicoPolicy.ts).
 */
import { assertGenerateOptions, type GenerateOptions, type PolicyMix } from './generateOptions';

export * from './generateOptions';

/** Progress: items written (nodes, namespaces, pods, policies) of all. */
export type GenerateProgress = (done: number, total: number) => unknown;

const PROGRESS_EVERY = 500;

/** The apps' ports, one per app (name, port). */
const APP_PORTS: readonly (readonly [string, number])[] = [
  ['http', 8080],
  ['http', 80],
  ['https', 443],
  ['postgres', 5432],
  ['redis', 6379],
  ['web', 3000],
  ['grpc', 9000],
  ['https', 8443],
];
const TEAMS = 5;
const REPLICAS = 5;
/** TEST-NET ranges (RFC 5737): addresses outside any cluster. */
const OUTSIDE = ['192.0.2', '198.51.100', '203.0.113'] as const;

type Dialect = 'k8s' | 'cilium' | 'calico';
type Doc = Record<string, unknown>;

/** mulberry32: a small seeded generator with good low bits (an LCG's repeat with short periods). */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Policies per dialect, exactly: the largest remainders of the shares get the leftovers. */
export function dialectCounts(policies: number, mix: PolicyMix): Record<Dialect, number> {
  const dialects: Dialect[] = ['k8s', 'cilium', 'calico'];
  const exact = dialects.map((d) => (policies * mix[d]) / 100);
  const counts = exact.map(Math.floor);
  let left = policies - counts.reduce((a, b) => a + b, 0);
  const byRemainder = [0, 1, 2].sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!));
  for (const i of byRemainder) if (left-- > 0) counts[i]!++;
  return { k8s: counts[0]!, cilium: counts[1]!, calico: counts[2]! };
}

// --- A block-style YAML writer for the documents below (strings quoted when they need it). -------

const PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

function scalar(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

function emit(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && Object.keys(item).length > 0) {
        const lines: string[] = [];
        emit(item, indent + '  ', lines);
        out.push(indent + '- ' + lines[0]!.slice(indent.length + 2), ...lines.slice(1));
      } else out.push(`${indent}- ${inline(item)}`);
    }
    return;
  }
  for (const [k, v] of Object.entries(value as Doc)) {
    if (v !== null && typeof v === 'object' && !isEmpty(v)) {
      out.push(`${indent}${scalar(k)}:`);
      emit(v, Array.isArray(v) ? indent : indent + '  ', out);
    } else out.push(`${indent}${scalar(k)}: ${inline(v)}`);
  }
}

const isEmpty = (v: object) => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
const inline = (v: unknown): string =>
  v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[]' : '{}') : scalar(v);

function yamlDoc(doc: Doc): string {
  const lines: string[] = [];
  emit(doc, '', lines);
  return lines.join('\n') + '\n';
}

// --- The cluster. -------------------------------------------------------------------------------

interface Layout {
  readonly podsIn: readonly number[];
  readonly appsIn: readonly number[];
}

function layoutOf(o: GenerateOptions): Layout {
  const podsIn = Array.from(
    { length: o.namespaces },
    (_, ns) => Math.floor(o.pods / o.namespaces) + (ns < o.pods % o.namespaces ? 1 : 0),
  );
  return { podsIn, appsIn: podsIn.map((n) => Math.max(1, Math.ceil(n / REPLICAS))) };
}

const portOf = (app: number) => APP_PORTS[app % APP_PORTS.length]!;

function nodeDoc(n: number): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${n}` },
    spec: { podCIDR: `10.244.${n}.0/24` },
    status: { addresses: [{ type: 'InternalIP', address: `192.168.1.${n + 1}` }] },
  };
}

function namespaceDoc(ns: number): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: `ns-${ns}`,
      labels: { team: `t${ns % TEAMS}`, env: ns % 4 === 3 ? 'dev' : 'prod' },
    },
  };
}

function podDoc(p: number, o: GenerateOptions, layout: Layout): Doc {
  const ns = p % o.namespaces;
  const app = Math.floor(p / o.namespaces) % layout.appsIn[ns]!;
  const node = p % o.nodes;
  const [portName, port] = portOf(app);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${p}`,
      namespace: `ns-${ns}`,
      labels: { app: `app-${app}`, tier: app % 3 === 0 ? 'front' : 'back' },
    },
    spec: {
      nodeName: `node-${node}`,
      containers: [
        {
          name: 'main',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ name: portName, containerPort: port }],
        },
      ],
    },
    status: { podIP: `10.244.${node}.${2 + Math.floor(p / o.nodes)}` },
  };
}

const K8S = 'networking.k8s.io/v1';
const CILIUM = 'cilium.io/v2';
const CALICO = 'projectcalico.org/v3';

function defaultDeny(i: number, dialect: Dialect, ns: string): Doc {
  const metadata = { name: `default-deny-${i}`, namespace: ns };
  if (dialect === 'k8s')
    return {
      apiVersion: K8S,
      kind: 'NetworkPolicy',
      metadata,
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
  if (dialect === 'cilium')
    return {
      apiVersion: CILIUM,
      kind: 'CiliumNetworkPolicy',
      metadata,
      spec: { endpointSelector: {}, ingress: [{}] },
    };
  return {
    apiVersion: CALICO,
    kind: 'NetworkPolicy',
    metadata,
    spec: { selector: 'all()', types: ['Ingress'] },
  };
}

/** Where an allow rule lets traffic come from. */
type Source =
  | { readonly kind: 'app'; readonly app: string }
  | { readonly kind: 'team'; readonly team: string }
  | { readonly kind: 'cidr'; readonly cidr: string };

function allowDoc(
  i: number,
  dialect: Dialect,
  ns: string,
  app: string,
  port: number,
  from: Source,
): Doc {
  const metadata = { name: `allow-${i}`, namespace: ns };
  if (dialect === 'k8s') {
    const peer =
      from.kind === 'app'
        ? { podSelector: { matchLabels: { app: from.app } } }
        : from.kind === 'team'
          ? { namespaceSelector: { matchLabels: { team: from.team } } }
          : { ipBlock: { cidr: from.cidr } };
    return {
      apiVersion: K8S,
      kind: 'NetworkPolicy',
      metadata,
      spec: {
        podSelector: { matchLabels: { app } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [peer], ports: [{ protocol: 'TCP', port }] }],
      },
    };
  }
  if (dialect === 'cilium') {
    const peer =
      from.kind === 'app'
        ? { fromEndpoints: [{ matchLabels: { app: from.app } }] }
        : from.kind === 'team'
          ? {
              fromEndpoints: [
                { matchLabels: { 'io.cilium.k8s.namespace.labels.team': from.team } },
              ],
            }
          : { fromCIDR: [from.cidr] };
    return {
      apiVersion: CILIUM,
      kind: 'CiliumNetworkPolicy',
      metadata,
      spec: {
        endpointSelector: { matchLabels: { app } },
        ingress: [{ ...peer, toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }] }],
      },
    };
  }
  const source =
    from.kind === 'app'
      ? { selector: `app == '${from.app}'` }
      : from.kind === 'team'
        ? { namespaceSelector: `team == '${from.team}'` }
        : { nets: [from.cidr] };
  return {
    apiVersion: CALICO,
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      selector: `app == '${app}'`,
      types: ['Ingress'],
      ingress: [{ action: 'Allow', protocol: 'TCP', source, destination: { ports: [port] } }],
    },
  };
}

const PLATFORM_TIER: Doc = {
  apiVersion: CALICO,
  kind: 'Tier',
  metadata: { name: 'platform' },
  spec: { order: 100 },
};

/** Tier `platform`: dev namespaces may not reach this app anywhere; the rest goes on (Pass). */
function platformGuard(i: number, app: string): Doc {
  return {
    apiVersion: CALICO,
    kind: 'GlobalNetworkPolicy',
    metadata: { name: `platform.guard-${i}` },
    spec: {
      tier: 'platform',
      order: 10 + (i % 1000),
      selector: `app == '${app}'`,
      types: ['Ingress'],
      ingress: [
        { action: 'Deny', source: { namespaceSelector: "env == 'dev'" } },
        { action: 'Pass' },
      ],
    },
  };
}

/** The documents in order, with the number written so far (for progress). */
function* documents(o: GenerateOptions): Generator<string, void, undefined> {
  const layout = layoutOf(o);
  const rand = random(o.seed);
  for (let n = 0; n < o.nodes; n++) yield yamlDoc(nodeDoc(n));
  for (let ns = 0; ns < o.namespaces; ns++) yield yamlDoc(namespaceDoc(ns));
  for (let p = 0; p < o.pods; p++) yield yamlDoc(podDoc(p, o, layout));

  // The dialects dealt out exactly, then shuffled (Fisher-Yates) so each kind of rule gets its share.
  const counts = dialectCounts(o.policies, o.mix);
  const dialects: Dialect[] = [
    ...Array<Dialect>(counts.k8s).fill('k8s'),
    ...Array<Dialect>(counts.cilium).fill('cilium'),
    ...Array<Dialect>(counts.calico).fill('calico'),
  ];
  for (let i = dialects.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [dialects[i], dialects[j]] = [dialects[j]!, dialects[i]!];
  }
  const denies = Math.min(o.namespaces, o.policies);
  let tierWritten = false;
  for (let i = 0; i < o.policies; i++) {
    const dialect = dialects[i]!;
    if (i < denies) {
      yield yamlDoc(defaultDeny(i, dialect, `ns-${i}`));
      continue;
    }
    const ns = rand(o.namespaces);
    const apps = layout.appsIn[ns]!;
    const target = rand(apps);
    const port = portOf(target)[1];
    const roll = rand(100);
    if (dialect === 'calico' && roll >= 95) {
      if (!tierWritten) yield yamlDoc(PLATFORM_TIER);
      tierWritten = true;
      yield yamlDoc(platformGuard(i, `app-${target}`));
      continue;
    }
    const from: Source =
      roll < 60
        ? { kind: 'app', app: `app-${rand(apps)}` }
        : roll < 80
          ? { kind: 'team', team: `t${rand(TEAMS)}` }
          : { kind: 'cidr', cidr: `${OUTSIDE[rand(OUTSIDE.length)]}.${16 * rand(16)}/28` };
    yield yamlDoc(allowDoc(i, dialect, `ns-${ns}`, `app-${target}`, port, from));
  }
}

function header(o: GenerateOptions): string {
  return (
    `# Generated by PacketWalk: ${o.pods} pods on ${o.nodes} nodes in ${o.namespaces} namespaces, ` +
    `${o.policies} policies (Kubernetes ${o.mix.k8s}%, Cilium ${o.mix.cilium}%, Calico ${o.mix.calico}%), seed ${o.seed}.\n`
  );
}

const totalOf = (o: GenerateOptions) => o.nodes + o.namespaces + o.pods + o.policies;

/**
 * Writes the documents into `parts`, pausing every 500 documents and at the end with the progress
 * (documents written, of all), so each reader below decides how to report it.
 */
function* written(options: GenerateOptions, parts: string[]): Generator<[number, number]> {
  assertGenerateOptions(options);
  const total = totalOf(options);
  parts.push(header(options));
  let done = 0;
  for (const doc of documents(options)) {
    parts.push(doc);
    if (++done % PROGRESS_EVERY === 0) yield [Math.min(done, total), total];
  }
  yield [total, total];
}

/**
 * The cluster's manifests as YAML text. Throws GenerateOptionsError on bad options. `onProgress`
 * hears every 500 documents and at the end (its answer is ignored: this one cannot be stopped).
 */
export function generateCluster(options: GenerateOptions, onProgress?: GenerateProgress): string {
  const parts: string[] = [];
  for (const [done, total] of written(options, parts)) onProgress?.(done, total);
  return parts.join('---\n');
}

/** Why a stream stopped early. */
export class GenerateCancelled extends Error {
  constructor() {
    super('Generating the cluster was cancelled.');
    this.name = 'AbortError';
  }
}

/**
 * As `generateCluster`, for the worker: waits for each progress report to be heard (a Comlink
 * callback answers with a promise), so a reader that answers `false` stops it (GenerateCancelled).
 */
export async function generateClusterStream(
  options: GenerateOptions,
  onProgress: GenerateProgress,
): Promise<string> {
  const parts: string[] = [];
  for (const [done, total] of written(options, parts))
    if ((await onProgress(done, total)) === false && done < total) throw new GenerateCancelled();
  return parts.join('---\n');
}
