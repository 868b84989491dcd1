/**
 * Challenge mode: a packet drawn from a scenario by a seed (so "challenge 17" is the same packet for
 * everyone who opens the same scenario and modes), the questions put about it (per CNI: delivered or
 * dropped, and the hop where that was decided) and their grading. Every answer comes from the
 * walks the models compute; nothing here knows a verdict.
 */
import type { Stage } from '../datapath/hop';
import type { PacketSpec } from '../datapath/packet';
import type { WalkResult, WalkVerdict } from '../datapath/walk';
import type { Cluster, Cni, Protocol } from '../engine/model';
import { mulberry32, pickOne } from '../engine/random';
import { decidingHopIndex, hopMentions } from './deciding';
import { checkSeed } from './challengeSeed';

// The seed's rule is its own module (the page reads challenge links without the rest of this one).
export { checkSeed, MAX_SEED } from './challengeSeed';

function shuffled<T>(rng: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * An address outside every scenario: TEST-NET-3 (RFC 5737), reserved for documentation, so it is
 * never a pod's, a node's or a Service's.
 */
export const OUTSIDE_ADDRESS = '203.0.113.10';

/** Well-known ports a packet may try; the ones the destination does not declare are the traps. */
const TRY_PORTS: readonly number[] = [22, 80, 443, 3306, 5432, 6379, 8080, 9090];

export type ChallengeTarget = 'pod' | 'service' | 'outside';

export interface Challenge {
  readonly seed: number;
  readonly packet: PacketSpec;
  readonly target: ChallengeTarget;
  /** Whether the destination declares the port (a container port; a Service's always is). */
  readonly declaredPort: boolean;
  /** The CNIs the student predicts for: the ones the layout shows. */
  readonly cnis: readonly Cni[];
}

/** What of the view a challenge depends on besides the cluster. */
export interface ChallengeModes {
  readonly layout: 'compare' | Cni;
}

/** A port of the destination (declared), or one it does not declare (about one time in four). */
function choosePort(
  rng: () => number,
  declared: readonly { port: number; protocol: Protocol }[],
): { port: number; protocol: Protocol; declaredPort: boolean } {
  const undeclared = TRY_PORTS.filter((p) => !declared.some((d) => d.port === p));
  if (declared.length > 0 && (undeclared.length === 0 || rng() < 0.75)) {
    const d = pickOne(rng, declared);
    return { port: d.port, protocol: d.protocol, declaredPort: true };
  }
  return { port: pickOne(rng, undeclared), protocol: 'TCP', declaredPort: false };
}

/**
 * The packet of challenge `seed` in a cluster: a source pod, then a destination (another pod about
 * six times in ten, a Service's ClusterIP on one of its ports when the cluster has one, else an
 * address outside the cluster), then a port (a pod's declared port mostly, an undeclared one about
 * one time in four). The same cluster and
 * seed always give the same packet.
 */
export function drawChallenge(
  cluster: Pick<Cluster, 'pods' | 'services'>,
  seed: number,
  modes: ChallengeModes,
): Challenge {
  checkSeed(seed);
  if (cluster.pods.length === 0)
    throw new Error('a challenge needs a scenario with at least one pod to send the packet');
  const rng = mulberry32(seed);
  const cnis: readonly Cni[] = modes.layout === 'compare' ? ['calico', 'cilium'] : [modes.layout];
  const source = pickOne(rng, cluster.pods);
  const from = `${source.namespace}/${source.name}`;
  const others = cluster.pods.filter((p) => p !== source);
  const services = cluster.services.filter((s) => s.ports.length > 0);
  const roll = rng();
  const kind: ChallengeTarget =
    others.length > 0 && (roll < 0.6 || (services.length === 0 && roll < 0.85))
      ? 'pod'
      : services.length > 0 && roll < 0.85
        ? 'service'
        : 'outside';
  const aim = (): { to: string; port: number; protocol: Protocol; declaredPort: boolean } => {
    if (kind === 'pod') {
      const to = pickOne(rng, others);
      // `pod:` says which, should a Service share the pod's name.
      return { to: `pod:${to.namespace}/${to.name}`, ...choosePort(rng, to.ports) };
    }
    if (kind === 'service') {
      const to = pickOne(rng, services);
      // Only a Service's own ports: a ClusterIP on any other port is not a packet the walks take.
      const { port, protocol } = pickOne(rng, to.ports);
      return { to: `svc:${to.namespace}/${to.name}`, port, protocol, declaredPort: true };
    }
    const port = pickOne(rng, [443, 80, 53] as const);
    const protocol = port === 53 ? 'UDP' : 'TCP';
    return { to: `ip:${OUTSIDE_ADDRESS}`, port, protocol, declaredPort: false };
  };
  const { to, port, protocol, declaredPort } = aim();
  return { seed, packet: { from, to, port, protocol }, target: kind, declaredPort, cnis };
}

/** One answer to "where was it decided?": a hop of a walk, named by the table it consulted. */
export interface HopChoice {
  /** Unique among a question's choices: the CNI, the node and the table. */
  readonly key: string;
  readonly cni: Cni;
  /** The chain, map, proxy rules or route table (the hop's `table`, else its `where`). */
  readonly table: string;
  readonly node: string;
  readonly stage: Stage;
}

const choiceOf = (cni: Cni, hop: WalkResult['hops'][number]): HopChoice => {
  const table = hop.table || hop.where;
  return { key: `${cni}|${hop.node}|${table}`, cni, table, node: hop.node, stage: hop.stage };
};

/** What the models say: the verdict, and the hop that decided it (null: no hop to ask about). */
export interface ChallengeAnswer {
  readonly verdict: WalkVerdict;
  readonly hop: HopChoice | null;
  /** The deciding hop's index in the walk, -1 when there is none. */
  readonly hopIndex: number;
}

/** The answer a walk gives, by the lessons' one definition of the deciding hop (deciding.ts). */
export function challengeAnswer(result: WalkResult): ChallengeAnswer {
  const hopIndex = decidingHopIndex(result);
  const hop = result.hops[hopIndex];
  return { verdict: result.verdict, hop: hop ? choiceOf(result.cni, hop) : null, hopIndex };
}

/** How plausible a hop is as the decider: policy and load balancing first, hooks and routes next. */
const STAGE_RANK: Partial<Record<Stage, number>> = {
  'egress-policy': 0,
  'ingress-policy': 0,
  'service-lb': 0,
  'egress-hook': 1,
  'ingress-hook': 1,
  routing: 1,
};

/**
 * The choices for "where was the {cni} verdict decided?": the deciding hop and up to `count - 1`
 * other hops, drawn first from the same walk (policy, load balancing, hooks and routes before the
 * rest), then from the other CNI's walk. No distractor has the answer's table or is named by the
 * deciding hop (the rule lessons:check applies to deciding-table checkpoints), so exactly one
 * choice is right. Empty when the walk has no deciding hop. Shuffled by the seed.
 */
export function hopChoices(
  walks: Partial<Record<Cni, WalkResult>>,
  cni: Cni,
  seed: number,
  count = 4,
): HopChoice[] {
  const own = walks[cni];
  if (!own) return [];
  const index = decidingHopIndex(own);
  const deciding = own.hops[index];
  if (!deciding) return [];
  const answer = choiceOf(cni, deciding);
  const rng = mulberry32((seed ^ (cni === 'calico' ? 0x9e3779b9 : 0x85ebca6b)) >>> 0);
  const rank = (stage: Stage, other: boolean) => (other ? 3 : (STAGE_RANK[stage] ?? 2));
  const otherCni: Cni = cni === 'calico' ? 'cilium' : 'calico';
  const candidates = [
    ...own.hops.filter((_, i) => i !== index).map((h) => ({ hop: h, cni, other: false })),
    ...(walks[otherCni]?.hops ?? []).map((h) => ({ hop: h, cni: otherCni, other: true })),
  ]
    .filter(({ hop }) => hop.stage !== 'delivered' && hop.stage !== 'dropped')
    .map(({ hop, cni: c, other }) => ({ choice: choiceOf(c, hop), order: rank(hop.stage, other) }));
  const picked: HopChoice[] = [];
  const tables = new Set([answer.table]);
  for (const { choice } of shuffled(rng, candidates).sort((a, b) => a.order - b.order)) {
    if (picked.length >= count - 1) break;
    if (tables.has(choice.table) || hopMentions(deciding, choice.table)) continue;
    tables.add(choice.table);
    picked.push(choice);
  }
  return shuffled(rng, [answer, ...picked]);
}

/** What a student predicted for one CNI; a part left out counts as wrong. */
export interface Prediction {
  readonly verdict?: WalkVerdict;
  /** A HopChoice key. */
  readonly hop?: string;
}

export interface CniGrade {
  readonly verdictCorrect: boolean;
  /** Null when the walk has no deciding hop, so the hop was not asked. */
  readonly hopCorrect: boolean | null;
  readonly answer: ChallengeAnswer;
}

export interface ChallengeGrade {
  readonly perCni: Partial<Record<Cni, CniGrade>>;
  /** Parts right, of the parts asked (a verdict per CNI, and a hop per CNI that has one). */
  readonly score: number;
  readonly of: number;
}

/** Grades a prediction against the walks of every CNI asked (the keys of `walks`). */
export function gradeChallenge(
  prediction: Partial<Record<Cni, Prediction>>,
  walks: Partial<Record<Cni, WalkResult>>,
): ChallengeGrade {
  const perCni: Partial<Record<Cni, CniGrade>> = {};
  let score = 0;
  let of = 0;
  for (const cni of ['calico', 'cilium'] as const) {
    const result = walks[cni];
    if (!result) continue;
    const answer = challengeAnswer(result);
    const p = prediction[cni] ?? {};
    const verdictCorrect = p.verdict === answer.verdict;
    const hopCorrect = answer.hop ? p.hop === answer.hop.key : null;
    perCni[cni] = { verdictCorrect, hopCorrect, answer };
    score += (verdictCorrect ? 1 : 0) + (hopCorrect ? 1 : 0);
    of += 1 + (hopCorrect === null ? 0 : 1);
  }
  return { perCni, score, of };
}
