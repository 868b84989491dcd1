/**
 * Calico policy at one netfilter hook on one node, by the engine's compiled Felix tables: runs the
 * engine's rule-by-rule walker (engine/calico/walk.ts) and cuts its typed trace (engine/trace.ts)
 * into the part judged by the sender's `cali-fw-` chain and the part judged by the receiver's
 * `cali-tw-` chain, so the walk can show each as its own hop.
 */
import { parseIPv4 } from '../engine/cidr';
import type { CalicoDataplane, IptMatch, IptRule, RuleOrigin } from '../engine/calico/dataplane';
import { formatRule } from '../engine/calico/iptablesSave';
import { walkHop, type EndpointOutcome, type RuleRef } from '../engine/calico/walk';
import type { ChainPolicyEvent, RuleEvent } from '../engine/trace';
import type { FiveTuple } from './flow';
import type { HopRow } from './hop';

export interface FilterPart {
  /** Chains in the order the packet entered them. */
  readonly path: readonly string[];
  /** The rules the walker tested, in order, and the built-in chain policy if it decided. */
  readonly trace: readonly FilterEvent[];
  /** Rules tested. */
  readonly rules: number;
  readonly outcome?: EndpointOutcome;
}

export interface FilterResult {
  readonly verdict: 'ACCEPT' | 'DROP';
  readonly at?: RuleRef;
  /** Everything up to the return from the sender's `cali-fw-` chain (or the whole pass). */
  readonly first: FilterPart;
  /** From the return of `cali-fw-` on: the receiver's `cali-tw-` chain and the accept rule. */
  readonly second: FilterPart | null;
}

/** What the Calico walker traces: a rule tested, or the end of a built-in chain. */
export type FilterEvent = RuleEvent | ChainPolicyEvent;

const PROTO = { TCP: 6, UDP: 17, SCTP: 132, ICMP: 1 } as const;

export function runFilter(
  dp: CalicoDataplane,
  node: string,
  chain: 'FORWARD' | 'INPUT' | 'OUTPUT',
  ifaces: { inIface?: string; outIface?: string },
  t: FiveTuple,
  ctstate: 'NEW' | 'ESTABLISHED',
): FilterResult {
  const out = { cost: 0, trace: [] as FilterEvent[], endpoints: [] as EndpointOutcome[] };
  const r = walkHop(
    dp,
    { node, chain, ...ifaces },
    {
      src: parseIPv4(t.src) ?? 0,
      dst: parseIPv4(t.dst) ?? 0,
      proto: PROTO[t.protocol],
      protoName: t.protocol.toLowerCase(),
      sport: t.sport,
      dport: t.dport,
      // The walker's icmp match (`-m icmp --icmp-type T[/C]`) reads the header's type and code.
      ...(t.icmp ? { icmp: t.icmp } : {}),
      ctstate,
    },
    out,
  );
  let seenFw = false;
  let split = out.trace.length;
  for (let i = 0; i < out.trace.length; i++) {
    const c = out.trace[i]!.chain;
    if (c.startsWith('cali-fw-')) seenFw = true;
    else if (seenFw && (c === 'cali-FORWARD' || c === 'FORWARD')) {
      split = i;
      break;
    }
  }
  const part = (events: FilterEvent[], outcome?: EndpointOutcome): FilterPart => ({
    path: [...new Set(events.map((e) => e.chain))],
    trace: events,
    rules: events.filter((e) => e.kind === 'rule').length,
    ...(outcome ? { outcome } : {}),
  });
  const egress = out.endpoints.find((e) => e.direction === 'egress');
  const ingress = out.endpoints.find((e) => e.direction === 'ingress');
  const hasSecond = split < out.trace.length && seenFw;
  return {
    verdict: r.verdict,
    ...(r.at ? { at: r.at } : {}),
    first: part(out.trace.slice(0, split), egress ?? (hasSecond ? undefined : ingress)),
    second: hasSecond ? part(out.trace.slice(split), ingress) : null,
  };
}

export const formatRuleRef = (ref: RuleRef): string =>
  `${ref.chain} rule ${ref.number}: ${formatRule(ref.rule) || '(no match, no target)'}`;

/** What decided one endpoint's direction, as the chain and rule and where it came from. */
export function describeOutcome(o: EndpointOutcome | undefined): string {
  if (!o?.decidedBy)
    return o ? (o.allowed ? 'accepted' : 'dropped') : 'no endpoint chain on this path';
  const origin = o.decidedBy.rule.origin;
  const from =
    origin?.kind === 'policy-rule'
      ? ` (${origin.policy} ${origin.rule}, action ${origin.action}, tier ${origin.tier})`
      : origin?.kind === 'profile'
        ? ` (profile ${origin.profile}: no policy selects the pod in this direction)`
        : '';
  return `${formatRuleRef(o.decidedBy)}${from}`;
}

/** A drop in Calico's own words: the rule's comment when it has one, else the rule. */
export function dropWords(ref: RuleRef | undefined): string {
  if (!ref) return 'dropped by the chain policy';
  const comment = ref.rule.comments[ref.rule.comments.length - 1];
  const origin = ref.rule.origin;
  if (comment) return `${ref.chain} rule ${ref.number}: "${comment}"`;
  if (origin?.kind === 'policy-rule')
    return `${ref.chain} rule ${ref.number}: -j DROP (${origin.action} rule ${origin.rule} of ${origin.policy})`;
  return formatRuleRef(ref);
}

// ---------------------------------------------------------------------------------------------
// The same policy as a BPF policy program (Calico's eBPF dataplane)
// ---------------------------------------------------------------------------------------------
//
// In BPF mode Felix renders no cali-tw-/cali-fw-/cali-pi- chains and sets no policy marks: it
// compiles each endpoint's tiers, policies and profiles into a BPF program per hook
// (felix/bpf/polprog/pol_prog_builder.go: "Start of tier X", "Start of rule <policy> <rule>",
// "End of tier X: deny", then the profiles and a final deny) and stores it in the jump maps
// cali_jump_ing2 / cali_jump_egr2 (felix/bpf/jump/map.go, version 2). PacketWalk derives the
// program's rules from the engine's compiled chains: each policy rule's match (its first iptables
// rule, the one that would set the mark) becomes one program rule with the rule's own action.

/** One rule of a BPF policy program, traced: where it came from and whether it matched. */
export interface BpfProgramStep {
  readonly origin: RuleOrigin;
  readonly rule: IptRule;
  readonly matched: boolean;
  /** The traced rule it came from (for finding the deciding rule). */
  readonly ref: { readonly node: string; readonly chain: string; readonly number: number };
}

const ruleAt = (dp: CalicoDataplane, node: string, chain: string, n: number): IptRule | undefined =>
  (dp.nodes[node]?.chains[chain] ?? dp.chains[chain])?.rules[n - 1];

/** The steps a policy program runs for the trace of a pass (tiers, policy rules, profiles). */
export function bpfProgramSteps(dp: CalicoDataplane, part: FilterPart): BpfProgramStep[] {
  const steps: BpfProgramStep[] = [];
  for (const e of part.trace) {
    if (e.kind !== 'rule') continue;
    const rule = ruleAt(dp, e.node, e.chain, e.index);
    const origin = rule?.origin;
    if (!rule || !origin) continue;
    // An Allow/Deny/Pass rule is two iptables rules (set the mark, then act on it); the program
    // has one: keep the rule that carries the match.
    if (origin.kind === 'policy-rule' || origin.kind === 'profile') {
      if (rule.action.kind !== 'mark' && rule.action.kind !== 'log') continue;
    } else if (
      origin.kind !== 'start-of-tier' &&
      origin.kind !== 'end-of-tier' &&
      origin.kind !== 'no-profile-matched'
    )
      continue;
    steps.push({
      origin,
      rule,
      matched: e.result === 'match',
      ref: { node: e.node, chain: e.chain, number: e.index },
    });
  }
  return steps;
}

/** The actions whose word needs a note; the others (Allow, Deny) are their name in lower case. */
const ACTION_WORD: Record<string, string> = {
  Pass: 'pass (skip to the end of the tier)',
  Log: 'log (and go on)',
};

/** A rule's match in the words of the program dump's "Match:" line (proto=, src=, dports=…). */
export function bpfMatchSummary(matches: readonly IptMatch[]): string {
  const parts: string[] = [];
  const neg = (n: boolean | undefined): string => (n ? '!' : '');
  for (const m of matches) {
    switch (m.kind) {
      case 'proto':
        parts.push(`${neg(m.negate)}proto=${PROTO_NAMES[m.number] ?? m.number}`);
        break;
      case 'net':
        parts.push(`${neg(m.negate)}${m.dir}={${m.cidr.text}}`);
        break;
      case 'set':
        parts.push(
          `${neg(m.negate)}${m.ipPort ? `${m.dir === 'src' ? 'sports' : 'dports'}=named(${m.set})` : `${m.dir}={ipset ${m.set}}`}`,
        );
        break;
      case 'ports':
        parts.push(
          `${neg(m.negate)}${m.dir === 'src' ? 'sports' : 'dports'}={${m.ranges
            .map(([a, b]) => (a === b ? String(a) : `${a}-${b}`))
            .join(',')}}`,
        );
        break;
      case 'icmp':
        // felix/bpf/polprog compiles the rule's ICMP type (and code) into the program's match.
        parts.push(
          `${neg(m.negate)}icmp_type=${m.type}${m.code !== undefined ? ` icmp_code=${m.code}` : ''}`,
        );
        break;
      default:
        break;
    }
  }
  return parts.length > 0 ? parts.join(' ') : 'any packet';
}

const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  132: 'sctp',
};

function stepText(step: BpfProgramStep): string {
  const o = step.origin;
  switch (o.kind) {
    case 'start-of-tier':
      return `Start of tier ${o.tier}`;
    case 'end-of-tier':
      return `End of tier ${o.tier}: deny`;
    case 'no-profile-matched':
      return 'End of profiles: deny';
    case 'profile':
      return `profile ${o.profile}: ${bpfMatchSummary(step.rule.matches)} → allow`;
    case 'policy-rule':
      return `rule ${o.policy} ${o.rule}: ${bpfMatchSummary(step.rule.matches)} → ${ACTION_WORD[o.action] ?? o.action.toLowerCase()}`;
    default:
      return '';
  }
}

/** The step that decided, by the engine's deciding rule (matched on its origin). */
function decidingStep(steps: readonly BpfProgramStep[], deciding: RuleRef | undefined): number {
  if (!deciding) return -1;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (!s.matched) continue;
    if (
      (s.ref.node === deciding.node &&
        s.ref.chain === deciding.chain &&
        s.ref.number === deciding.number) ||
      (deciding.rule.origin !== undefined && s.origin === deciding.rule.origin)
    )
      return i;
  }
  return -1;
}

/** The rows of a policy program's run: its tiers and rules, with the rule that decided marked. */
export function bpfPolicyRows(dp: CalicoDataplane, part: FilterPart, deciding?: RuleRef): HopRow[] {
  const steps = bpfProgramSteps(dp, part);
  const decided = decidingStep(steps, deciding);
  return steps.map((step, i): HopRow => {
    const tierMark = step.origin.kind === 'start-of-tier';
    const state =
      i === decided ? 'matched' : tierMark || i < decided || decided < 0 ? 'tested' : 'not-reached';
    const outcome = tierMark
      ? 'enters the tier'
      : i === decided
        ? `match: the program returns ${verdictWord(step)}`
        : step.matched
          ? step.origin.kind === 'policy-rule' && step.origin.action === 'Pass'
            ? 'match: pass, on to the next tier'
            : 'match'
          : 'no match: next rule';
    const section =
      step.origin.kind === 'policy-rule'
        ? step.origin.policy
        : step.origin.kind === 'profile' || step.origin.kind === 'no-profile-matched'
          ? 'profiles'
          : `tier ${'tier' in step.origin ? step.origin.tier : ''}`;
    return { text: stepText(step), state, outcome, chain: section };
  });
}

function verdictWord(step: BpfProgramStep): string {
  const o = step.origin;
  if (o.kind === 'policy-rule')
    return o.action === 'Allow' ? 'ALLOW' : o.action === 'Deny' ? 'DENY' : o.action.toUpperCase();
  if (o.kind === 'profile') return 'ALLOW';
  return 'DENY';
}

/** Rules a BPF policy program tests on this pass (tier markers are not rules). */
export function bpfPolicyRules(dp: CalicoDataplane, part: FilterPart): number {
  return bpfProgramSteps(dp, part).filter((s) => s.origin.kind !== 'start-of-tier').length;
}

/** What decided one endpoint's direction in the policy program: the policy rule and the verdict. */
export function describeBpfOutcome(o: EndpointOutcome | undefined): string {
  if (!o) return 'no policy program on this path';
  const verdict = o.allowed ? 'ALLOW' : 'DENY';
  const origin = o.decidedBy?.rule.origin;
  if (origin?.kind === 'policy-rule')
    return `${verdict}: rule ${origin.rule} of ${origin.policy} (action ${origin.action}, tier ${origin.tier})`;
  if (origin?.kind === 'profile')
    return `${verdict}: profile ${origin.profile} (no policy selects the pod in this direction)`;
  if (origin?.kind === 'end-of-tier')
    return `${verdict}: end of tier ${origin.tier}, no policy allowed or passed the packet`;
  if (origin?.kind === 'no-profile-matched') return `${verdict}: end of profiles, none matched`;
  return verdict;
}

/**
 * The rules a pass tested, in order, as iptables-save prints them (`-A chain …`), with the rule
 * that decided marked: `deciding` (the rule that set the accept mark or dropped), or, without one,
 * a built-in chain's policy when the pass ended there. `keep` filters trace lines (the BPF policy
 * program runs only the endpoint, policy and profile chains).
 */
export function filterRows(
  part: FilterPart,
  deciding?: RuleRef,
  keep: (e: FilterEvent) => boolean = () => true,
): HopRow[] {
  const events = part.trace.filter(keep);
  let decidingRow = -1;
  events.forEach((e, i) => {
    if (
      deciding &&
      e.kind === 'rule' &&
      e.result === 'match' &&
      e.node === deciding.node &&
      e.chain === deciding.chain &&
      e.index === deciding.number
    )
      decidingRow = i;
  });
  if (!deciding && events[events.length - 1]?.kind === 'chain-policy')
    decidingRow = events.length - 1;
  return events.map((e, i): HopRow => {
    const state = i === decidingRow ? 'matched' : 'tested';
    if (e.kind === 'rule') {
      const rule = e.rule ? ` ${e.rule}` : '';
      return {
        text: `-A ${e.chain}${rule}`,
        state,
        outcome: `${e.chain} rule ${e.index}: ${e.result === 'match' ? 'match' : 'no match'}${state === 'matched' ? ', decided' : ''}`,
        chain: e.chain,
        event: e,
      };
    }
    return {
      text: `${e.chain}: end of chain`,
      state,
      outcome: `the built-in chain's policy ${e.policy}${state === 'matched' ? ' decided' : ''}`,
      chain: e.chain,
      event: e,
    };
  });
}
