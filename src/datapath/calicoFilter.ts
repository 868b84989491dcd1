/**
 * Calico policy at one netfilter hook on one node, by the engine's compiled Felix tables: runs the
 * engine's rule-by-rule walker (engine/calico/walk.ts) and cuts its trace into the part judged by
 * the sender's `cali-fw-` chain and the part judged by the receiver's `cali-tw-` chain, so the walk
 * can show each as its own hop.
 */
import { parseIPv4 } from '../engine/cidr';
import type { CalicoDataplane } from '../engine/calico/dataplane';
import { formatRule } from '../engine/calico/iptablesSave';
import { walkHop, type EndpointOutcome, type RuleRef } from '../engine/calico/walk';
import type { FiveTuple } from './flow';
import type { HopRow } from './hop';

export interface FilterPart {
  /** Chains in the order the packet entered them. */
  readonly path: readonly string[];
  readonly trace: readonly string[];
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

const PROTO = { TCP: 6, UDP: 17, SCTP: 132 } as const;

export function runFilter(
  dp: CalicoDataplane,
  node: string,
  chain: 'FORWARD' | 'INPUT' | 'OUTPUT',
  ifaces: { inIface?: string; outIface?: string },
  t: FiveTuple,
  ctstate: 'NEW' | 'ESTABLISHED',
): FilterResult {
  const out = { cost: 0, trace: [] as string[], endpoints: [] as EndpointOutcome[] };
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
      ctstate,
    },
    out,
  );
  const chainOfLine = (line: string): string => line.split(' ')[1]!.replace(/:$/, '');
  let seenFw = false;
  let split = out.trace.length;
  for (let i = 0; i < out.trace.length; i++) {
    const c = chainOfLine(out.trace[i]!);
    if (c.startsWith('cali-fw-')) seenFw = true;
    else if (seenFw && (c === 'cali-FORWARD' || c === 'FORWARD')) {
      split = i;
      break;
    }
  }
  const part = (lines: string[], outcome?: EndpointOutcome): FilterPart => ({
    path: [...new Set(lines.map(chainOfLine))],
    trace: lines,
    rules: lines.filter((l) => !l.includes(': end of chain')).length,
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

/** Trace lines of the endpoint, policy and profile chains a BPF policy program runs. */
export const isBpfPolicyLine = (l: string): boolean =>
  /^cali-(fw|tw|pi|po|pri|pro|gi|go)-/.test(l.split(' ')[1] ?? '') && !l.includes('ctstate');

/** Rules a BPF policy program runs: the endpoint, policy and profile chains, no plumbing. */
export function bpfPolicyRules(part: FilterPart): number {
  return part.trace.filter(isBpfPolicyLine).length;
}

const TRACE_RULE = /^(\S+) (\S+) #(\d+) (.*): (match|no match)$/;
const TRACE_END = /^(\S+) (\S+): end of chain, policy (\w+)$/;

/**
 * The rules a pass tested, in order, as iptables-save prints them (`-A chain …`), with the rule
 * that decided marked: `deciding` (the rule that set the accept mark or dropped), or, without one,
 * a built-in chain's policy when the pass ended there. `keep` filters trace lines (the BPF policy
 * program runs only the endpoint, policy and profile chains).
 */
export function filterRows(
  part: FilterPart,
  deciding?: RuleRef,
  keep: (line: string) => boolean = () => true,
): HopRow[] {
  const lines = part.trace.filter(keep);
  let decidingLine = -1;
  lines.forEach((line, i) => {
    const m = TRACE_RULE.exec(line);
    if (
      deciding &&
      m &&
      m[5] === 'match' &&
      m[1] === deciding.node &&
      m[2] === deciding.chain &&
      Number(m[3]) === deciding.number
    )
      decidingLine = i;
  });
  if (!deciding && lines.length > 0 && TRACE_END.test(lines[lines.length - 1]!))
    decidingLine = lines.length - 1;
  return lines.map((line, i): HopRow => {
    const state = i === decidingLine ? 'matched' : 'tested';
    const m = TRACE_RULE.exec(line);
    if (m) {
      const rule = m[4] ? ` ${m[4]}` : '';
      return {
        text: `-A ${m[2]}${rule}`,
        state,
        outcome: `${m[2]} rule ${m[3]}: ${m[5]}${state === 'matched' ? ', decided' : ''}`,
      };
    }
    const end = TRACE_END.exec(line);
    if (end)
      return {
        text: `${end[2]}: end of chain`,
        state,
        outcome: `the built-in chain's policy ${end[3]}${state === 'matched' ? ' decided' : ''}`,
      };
    return { text: line, state };
  });
}
