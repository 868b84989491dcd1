/**
 * The O(N) vs O(1) sweep (issue 15): the current cluster with N more policies of its own shape, both
 * models compiled at each N, and what one packet costs in each: the iptables rules Calico's walk
 * tests, the eBPF map lookups Cilium's makes, beside what each compiled (chains and rules, policy
 * map entries). Every figure is read from the compiled models (`calicoModelDecision(...).cost`,
 * `calicoStats`, `ciliumModelDecision(...).cost`, `ciliumStats`), never written down here.
 *
 * The added policies follow `npm run bench`'s mix (two Kubernetes NetworkPolicies, one
 * CiliumNetworkPolicy, one Calico NetworkPolicy in four), each one ingress rule from one workload to
 * one port, over the scenario's own namespaces, labels and declared ports: the target is a pod of
 * the scenario picked at random, so the packet's destination gets its share. No added policy
 * allows the measured packet's source (peers are labels the source does not carry), so the packet's
 * verdict is the scenario's own and each sample only adds to what the smaller one walked: the
 * growth is the cost of policies that do not match, which is what a linear walk pays for.
 *
 * Samples are nested (the first N of one generated list), generated and parsed once.
 */
import { calicoModelDecision, calicoStats, compileCalico } from './calico/iptables';
import { ciliumModelDecision, ciliumStats, compileCilium } from './cilium/ebpf';
import { podKey } from './cluster';
import type { Cluster, Pod, Policy, ResolvedProbe } from './model';
import { loadManifests } from './parse/load';
import { resolveProbe } from './probe';
import { seededInts } from './random';
import {
  MAX_SWEEP_POLICIES,
  policyCount,
  sweepPacket,
  SWEEP_COUNTS,
  SweepInputError,
  type SweepPacket,
} from './sweepPlan';

export { MAX_SWEEP_POLICIES, sweepPacket, SWEEP_COUNTS, SweepInputError, type SweepPacket };

/** The added policies' names: `sweep-00042`. */
const SWEEP_PREFIX = 'sweep-';

export interface SweepOptions {
  /** Policy counts to add, ascending; SWEEP_COUNTS by default. */
  readonly counts?: readonly number[];
  /** The packet to measure; when absent or not pod to pod, the first pod pair with a declared port. */
  readonly packet?: SweepPacket | null;
  /** Seeds the generator, so a sweep is repeatable. */
  readonly seed?: number;
}

export interface SweepSample {
  /** Policies added to the scenario's own. */
  readonly added: number;
  /** All policies in force: the scenario's plus the added ones. */
  readonly policies: number;
  readonly iptables: {
    /** Rules the walk of the packet's first packet tested (a new connection). */
    readonly rulesTested: number;
    readonly allowed: boolean;
    /** calicoStats over every node: Calico chains programmed and their rules, IP sets. */
    readonly chains: number;
    readonly rules: number;
    readonly ipsets: number;
  };
  readonly ebpf: {
    /** ipcache and policy map lookups the verdict made. */
    readonly mapLookups: number;
    readonly allowed: boolean;
    /** ciliumStats: entries over every endpoint's policy map, identities. */
    readonly policyMapEntries: number;
    readonly identities: number;
  };
}

export interface ScaleSweep {
  readonly packet: SweepPacket;
  /** The scenario's own policies (every dialect). */
  readonly basePolicies: number;
  readonly samples: readonly SweepSample[];
}

/**
 * Progress: steps done of all (the added policies parsed in batches, then one step per sample), and
 * the sample just measured (null for a batch, and for the report before each sample after the
 * first). False (or a promise of false) stops the sweep there.
 */
export type SweepProgress = (done: number, total: number, sample: SweepSample | null) => unknown;

/** Policies parsed per batch: each batch is a progress report and a pause for other calls. */
const PARSE_BATCH = 1000;

/** The label a policy selects a pod by: `app` when it has one (as workloads do), else its first. */
function selectingLabel(pod: Pod): [string, string] | null {
  if (pod.labels.app !== undefined) return ['app', pod.labels.app];
  const first = Object.entries(pod.labels)[0];
  return first ?? null;
}

/**
 * The added policies' manifests, one at a time (JSON documents, which YAML reads as they are):
 * targets are the cluster's pods' labels, peers other pods' labels in the target's namespace that
 * `source` does not carry (or a label no pod has), ports the target's declared ones.
 */
export function sweepPolicyGenerator(
  cluster: Cluster,
  source: Pod,
  seed = 15,
): (index: number) => string {
  const rand = seededInts(seed);
  const targets = cluster.pods.filter((p) => selectingLabel(p) !== null);
  return (i) => {
    if (targets.length === 0)
      throw new SweepInputError('no pod has a label for the added policies to select.');
    const target = targets[rand(targets.length)]!;
    const ns = target.namespace;
    const [key, value] = selectingLabel(target)!;
    const peers = cluster.pods.filter((p) => {
      if (p.namespace !== ns) return false;
      const l = selectingLabel(p);
      return l !== null && !(source.namespace === ns && source.labels[l[0]] === l[1]);
    });
    const peerPod = peers.length > 0 ? peers[rand(peers.length)]! : null;
    const [peerKey, peerValue] = peerPod ? selectingLabel(peerPod)! : ['app', `sweep-client-${i}`];
    const declared = target.ports.length > 0 ? target.ports[rand(target.ports.length)]! : null;
    const port = declared?.port ?? 8000 + rand(200);
    const protocol = declared?.protocol ?? 'TCP';
    const metadata = { name: `${SWEEP_PREFIX}${String(i).padStart(5, '0')}`, namespace: ns };
    const from = { matchLabels: { [peerKey]: peerValue } };
    const selected = { matchLabels: { [key]: value } };
    let doc: object;
    if (i % 4 < 2) {
      doc = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata,
        spec: {
          podSelector: selected,
          ingress: [{ from: [{ podSelector: from }], ports: [{ port, protocol }] }],
        },
      };
    } else if (i % 4 === 2) {
      doc = {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata,
        spec: {
          endpointSelector: selected,
          ingress: [
            { fromEndpoints: [from], toPorts: [{ ports: [{ port: String(port), protocol }] }] },
          ],
        },
      };
    } else {
      doc = {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata,
        spec: {
          order: rand(2000),
          selector: `${key} == '${value}'`,
          ingress: [
            {
              action: 'Allow',
              protocol,
              source: { selector: `${peerKey} == '${peerValue}'` },
              destination: { ports: [port] },
            },
          ],
        },
      };
    }
    return JSON.stringify(doc);
  };
}

/** Policies `from` to `to` of the generator, parsed, in generation order (the loader groups them
 * by dialect; samples take the first N in the order generated). */
function loadGenerated(next: (i: number) => string, from: number, to: number): Policy[] {
  const docs: string[] = [];
  for (let i = from; i < to; i++) docs.push(next(i));
  const { cluster: extra, diagnostics } = loadManifests([
    { name: 'sweep-policies.yaml', text: docs.join('\n---\n') },
  ]);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new SweepInputError(`a generated policy did not load: ${error.message}`);
  const index = (p: Policy) => Number(p.name.slice(SWEEP_PREFIX.length));
  return [...extra.k8sPolicies, ...extra.ciliumPolicies, ...extra.calicoPolicies].sort(
    (a, b) => index(a) - index(b),
  );
}

/** The cluster with `added` policies more. */
function withPolicies(cluster: Cluster, added: readonly Policy[]): Cluster {
  return {
    ...cluster,
    k8sPolicies: [...cluster.k8sPolicies, ...added.filter((p) => p.dialect === 'k8s')],
    ciliumPolicies: [...cluster.ciliumPolicies, ...added.filter((p) => p.dialect === 'cilium')],
    calicoPolicies: [...cluster.calicoPolicies, ...added.filter((p) => p.dialect === 'calico')],
  };
}

/** One sample: both models compiled for `cluster`, the packet's cost in each, their sizes. */
export function measureSample(cluster: Cluster, probe: ResolvedProbe, added: number): SweepSample {
  const calico = compileCalico(cluster);
  const cilium = compileCilium(cluster);
  const walk = calicoModelDecision(calico, probe);
  const lookup = ciliumModelDecision(cilium, probe);
  const c = calicoStats(calico);
  const e = ciliumStats(cilium);
  return {
    added,
    policies: policyCount(cluster),
    iptables: {
      rulesTested: walk.cost,
      allowed: walk.allowed,
      chains: c.chains,
      rules: c.rules,
      ipsets: c.ipsets,
    },
    ebpf: {
      mapLookups: lookup.cost,
      allowed: lookup.allowed,
      policyMapEntries: e.policyMapEntries,
      identities: e.identities,
    },
  };
}

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The sweep. Between samples it yields to the event loop, so a worker running it still answers
 * other calls (a walk) in between, and `onSample` may stop it.
 */
export async function sweepScale(
  cluster: Cluster,
  options: SweepOptions = {},
  onSample?: SweepProgress,
): Promise<ScaleSweep> {
  const counts = options.counts ?? SWEEP_COUNTS;
  counts.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0 || n > MAX_SWEEP_POLICIES)
      throw new SweepInputError(
        `counts[${i}] must be a whole number from 0 to ${MAX_SWEEP_POLICIES}, not ${n}.`,
      );
    if (i > 0 && n <= counts[i - 1]!)
      throw new SweepInputError(`counts[${i}] (${n}) must be larger than counts[${i - 1}].`);
  });
  const packet = sweepPacket(cluster, options.packet);
  const resolved = resolveProbe(cluster, {
    from: { pod: packet.from },
    to: { pod: packet.to },
    port: packet.port,
    protocol: packet.protocol,
  });
  if (!resolved.ok) throw new SweepInputError(`the packet does not resolve: ${resolved.error}.`);
  const source = cluster.pods.find((p) => podKey(p) === packet.from)!;
  const wanted = counts.at(-1) ?? 0;
  const batches = Math.ceil(wanted / PARSE_BATCH);
  const total = batches + counts.length;
  const next = sweepPolicyGenerator(cluster, source, options.seed ?? 15);
  const all: Policy[] = [];
  for (let b = 0; b < batches; b++) {
    all.push(...loadGenerated(next, b * PARSE_BATCH, Math.min(wanted, (b + 1) * PARSE_BATCH)));
    if (onSample && (await onSample(b + 1, total, null)) === false)
      return { packet, basePolicies: policyCount(cluster), samples: [] };
    await pause();
  }
  const samples: SweepSample[] = [];
  for (const n of counts) {
    // Asked before each sample too: a stop does not wait for a 10,000-policy compile to finish.
    if (
      onSample &&
      samples.length > 0 &&
      (await onSample(batches + samples.length, total, null)) === false
    )
      break;
    const sized = withPolicies(cluster, all.slice(0, n));
    // The sized cluster shares the scenario's pods, so the probe resolved once holds for it.
    const sample = measureSample(sized, resolved.probe, n);
    samples.push(sample);
    if (onSample && (await onSample(batches + samples.length, total, sample)) === false) break;
    await pause();
  }
  return { packet, basePolicies: policyCount(cluster), samples };
}
