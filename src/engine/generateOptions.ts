/**
 * The options of the cluster generator (generate.ts): their bounds, their validation (one problem
 * per field, in words) and their link token (`pods:1000,nodes:10,ns:20,pol:10000,mix:40-30-30,seed:42`),
 * which a link, a lesson step or the CLI carries instead of megabytes of YAML. Light on purpose: the
 * main thread reads tokens without loading the generator.
 */

export interface PolicyMix {
  /** Percentages of the policies written as Kubernetes NetworkPolicies, CiliumNetworkPolicies and
   * Calico (Global)NetworkPolicies; they sum to 100. */
  readonly k8s: number;
  readonly cilium: number;
  readonly calico: number;
}

export interface GenerateOptions {
  readonly pods: number;
  readonly nodes: number;
  readonly namespaces: number;
  /** Policy objects of every dialect (Calico Tiers are not counted). */
  readonly policies: number;
  readonly mix: PolicyMix;
  readonly seed: number;
}

export type GenerateField = 'pods' | 'nodes' | 'namespaces' | 'policies' | 'mix' | 'seed';

/**
 * Each node gets a /24 pod CIDR (kube-controller-manager's --node-cidr-mask-size default for IPv4)
 * out of 10.244.0.0/16, so at most 256 nodes; pods take .2 to .254 of their node's /24.
 */
export const PODS_PER_NODE = 253;

export const GENERATE_LIMITS: Readonly<
  Record<Exclude<GenerateField, 'mix'>, readonly [number, number]>
> = {
  pods: [1, 5000],
  nodes: [1, 250],
  namespaces: [1, 500],
  policies: [0, 20000],
  seed: [0, 4294967295],
};

/** The bench's cluster: 1,000 pods on 10 nodes in 20 namespaces, 10,000 policies. */
export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  pods: 1000,
  nodes: 10,
  namespaces: 20,
  policies: 10000,
  mix: { k8s: 50, cilium: 25, calico: 25 },
  seed: 42,
};

export interface GenerateProblem {
  readonly field: GenerateField;
  readonly message: string;
}

const LABEL: Record<GenerateField, string> = {
  pods: 'Pods',
  nodes: 'Nodes',
  namespaces: 'Namespaces',
  policies: 'Policies',
  mix: 'The dialect mix',
  seed: 'The seed',
};

/**
 * A whole number with thousands separators ("10,000"), as en-US writes it, without Intl: the page's
 * first Intl number format costs tens of ms (its locale data), in the task that shows the header.
 */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Every problem with the options, one per field at most; empty when they can be generated. */
export function generateProblems(options: GenerateOptions): GenerateProblem[] {
  const problems: GenerateProblem[] = [];
  for (const field of ['pods', 'nodes', 'namespaces', 'policies', 'seed'] as const) {
    const value = options[field];
    const [min, max] = GENERATE_LIMITS[field];
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push({
        field,
        message: `${LABEL[field]} must be a whole number from ${count(min)} to ${count(max)} (got ${
          Number.isNaN(value) ? 'nothing' : String(value)
        }).`,
      });
  }
  const bad = (f: GenerateField) => problems.some((p) => p.field === f);
  if (!bad('pods') && !bad('nodes') && options.pods > options.nodes * PODS_PER_NODE)
    problems.push({
      field: 'nodes',
      message: `${count(options.pods)} pods do not fit on ${count(options.nodes)} node${
        options.nodes === 1 ? '' : 's'
      }: each node's pod CIDR is a /24 (${PODS_PER_NODE} pod IPs); use at least ${count(
        Math.ceil(options.pods / PODS_PER_NODE),
      )} nodes.`,
    });
  if (!bad('pods') && !bad('namespaces') && options.namespaces > options.pods)
    problems.push({
      field: 'namespaces',
      message: `${count(options.namespaces)} namespaces for ${count(options.pods)} pods would leave some empty: use at most ${count(options.pods)}.`,
    });
  const { k8s, cilium, calico } = options.mix;
  const parts = [k8s, cilium, calico];
  if (parts.some((p) => !Number.isInteger(p) || p < 0 || p > 100))
    problems.push({
      field: 'mix',
      message: 'Each dialect’s share must be a whole percentage from 0 to 100.',
    });
  else if (k8s + cilium + calico !== 100)
    problems.push({
      field: 'mix',
      message: `The dialect shares must add up to 100% (Kubernetes ${k8s} + Cilium ${cilium} + Calico ${calico} = ${
        k8s + cilium + calico
      }).`,
    });
  return problems;
}

/** Bad options, with every problem; `problems[0].field` says where. */
export class GenerateOptionsError extends Error {
  constructor(readonly problems: readonly GenerateProblem[]) {
    super(problems.map((p) => p.message).join(' '));
    this.name = 'GenerateOptionsError';
  }
}

export function assertGenerateOptions(options: GenerateOptions): void {
  const problems = generateProblems(options);
  if (problems.length > 0) throw new GenerateOptionsError(problems);
}

/** The scenario id of a generated cluster: `gen:` and its token. */
export const GENERATED_PREFIX = 'gen:';

/** `pods:1000,nodes:10,ns:20,pol:10000,mix:50-25-25,seed:42` */
export function encodeGenerateToken(o: GenerateOptions): string {
  return `pods:${o.pods},nodes:${o.nodes},ns:${o.namespaces},pol:${o.policies},mix:${o.mix.k8s}-${o.mix.cilium}-${o.mix.calico},seed:${o.seed}`;
}

export const generatedScenarioId = (o: GenerateOptions): string =>
  GENERATED_PREFIX + encodeGenerateToken(o);

export const isGeneratedScenarioId = (id: string): boolean => id.startsWith(GENERATED_PREFIX);

const TOKEN_KEYS: Record<string, Exclude<GenerateField, 'mix'> | 'mix'> = {
  pods: 'pods',
  nodes: 'nodes',
  ns: 'namespaces',
  pol: 'policies',
  mix: 'mix',
  seed: 'seed',
};

export type ParsedToken =
  | { readonly ok: true; readonly options: GenerateOptions }
  | { readonly ok: false; readonly error: string };

/**
 * Reads a token; every key is required once, values are plain decimal numbers, and the options
 * must pass `generateProblems`. The error names the token and what is wrong with it.
 */
export function parseGenerateToken(token: string): ParsedToken {
  const fail = (why: string): ParsedToken => ({
    ok: false,
    error: `the generated cluster "${token}" cannot be generated: ${why}`,
  });
  const values: Partial<Record<string, string>> = {};
  for (const part of token.split(',')) {
    const colon = part.indexOf(':');
    const key = colon < 0 ? part : part.slice(0, colon);
    if (colon < 0 || !(key in TOKEN_KEYS))
      return fail(
        `"${part}" is not one of pods:N, nodes:N, ns:N, pol:N, mix:K8S-CILIUM-CALICO, seed:N`,
      );
    if (values[key] !== undefined) return fail(`${key} is given twice`);
    values[key] = part.slice(colon + 1);
  }
  const missing = Object.keys(TOKEN_KEYS).filter((k) => values[k] === undefined);
  if (missing.length > 0)
    return fail(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  const num = (key: string): number =>
    /^\d{1,10}$/.test(values[key]!) ? Number(values[key]) : NaN;
  const mixParts = values.mix!.split('-');
  if (mixParts.length !== 3 || mixParts.some((m) => !/^\d{1,3}$/.test(m)))
    return fail(`mix "${values.mix}" is not three percentages K8S-CILIUM-CALICO (e.g. 50-25-25)`);
  const [k8s, cilium, calico] = mixParts.map(Number) as [number, number, number];
  const options: GenerateOptions = {
    pods: num('pods'),
    nodes: num('nodes'),
    namespaces: num('ns'),
    policies: num('pol'),
    mix: { k8s, cilium, calico },
    seed: num('seed'),
  };
  const problems = generateProblems(options);
  if (problems.length > 0) return fail(problems.map((p) => p.message).join(' '));
  return { ok: true, options };
}

/** A short description for a scenario list: "1,000 pods, 10,000 policies (seed 42)". */
export function describeGenerated(o: GenerateOptions): string {
  return `${count(o.pods)} pods on ${count(o.nodes)} node${o.nodes === 1 ? '' : 's'}, ${count(
    o.policies,
  )} policies (seed ${o.seed})`;
}
