/**
 * Why, in sentences: for one verdict, per CNI, one or two plain sentences naming what decided it,
 * the default deny nobody wrote included ("shop/backend is selected for ingress by NetworkPolicy
 * shop/allow-frontend; none of its rules allows TCP 8080 from shop/debug, so Calico drops it at the
 * end of tier default and Cilium finds no policy-map entry for identity 260").
 *
 * Read from the verdict alone: each direction's decision (which policy and rule; the reference
 * names the policy that selects the endpoint when nothing allowed) and the compiled model's typed
 * trace (engine/trace.ts: the iptables rule that dropped or accepted, the ipcache identity, the
 * policy-map lookup). The facts each sentence states:
 * - Calico v3.32: a policy selecting the endpoint in a direction makes unmatched traffic fall to
 *   the end-of-tier drop "End of tier <tier>. Drop if no policies passed packet" (felix/rules/
 *   endpoints.go); with no policy for the endpoint the namespace profile `kns.<ns>` allows; a Deny
 *   rule drops where it matches.
 * - Cilium 1.18: once a policy selects the endpoint for a direction, the endpoint is in default deny
 *   for that direction (Documentation/security/policy/intro.rst); the policy map (`cilium_policy_v2_
 *   <EPID>`) is looked up by the remote identity from the ipcache, then ANY; no entry is drop 133
 *   "Policy denied", a deny entry drop 181 "Policy denied by denylist" (bpf/lib/policy.h).
 */
import type { Cni, Decision, Direction, DirectionVerdict, ModelDecision } from './model';
import { peerName, probeWhat } from './probe';
import {
  formatDrop,
  isIpcacheLookup,
  isPolicyLookup,
  type RuleEvent,
  type TraceEvent,
} from './trace';
import type { CniVerdict, ProbeVerdict } from './verdict';

/** What decided a CNI's verdict, as a kind. */
export type ExplainKind =
  /** An allow rule matched (in each enforced direction). */
  | 'allow-rule'
  /** A rule with action Deny (Calico) or a deny entry (Cilium) matched. */
  | 'deny-rule'
  /** Policies select the endpoint, none of their rules matched: Calico's end-of-tier drop. */
  | 'end-of-tier'
  /** Policies select the endpoint, the policy map has no entry: Cilium's default deny. */
  | 'default-deny'
  /** No policy selects either end: the namespace profile (Calico) or no enforcement (Cilium). */
  | 'unselected'
  /** Envoy judged an HTTP request. */
  | 'proxy'
  /** Decided before any policy (a pod to itself, to its own node, a VXLAN packet from a pod). */
  | 'other';

export interface CniExplanation {
  readonly cni: Cni;
  readonly allowed: boolean;
  readonly kind: ExplainKind;
  /** The direction that decided: the one that dropped, or the destination's when allowed. */
  readonly direction?: Direction;
  /** `ns/pod` the deciding direction was judged at. */
  readonly endpoint?: string;
  /** The deciding policy (`NetworkPolicy shop/allow-frontend`) and rule (`spec.ingress[0]`). */
  readonly policy?: string;
  readonly rule?: string;
  /** Calico: the tier whose end dropped the packet. */
  readonly tier?: string;
  /** Cilium: the remote identity the policy map was looked up with. */
  readonly identity?: number;
  /** One or two sentences. */
  readonly sentences: readonly string[];
}

export interface VerdictExplanation {
  readonly calico: CniExplanation;
  readonly cilium: CniExplanation;
  /** Both CNIs in one short paragraph (one sentence when they agree for the same reason). */
  readonly text: string;
}

const CNI_NAME: Readonly<Record<Cni, string>> = { calico: 'Calico', cilium: 'Cilium' };

/** The direction that decided: the one that denied, else the destination's (ingress) if judged. */
function decidingDirection(d: Decision): Direction | undefined {
  if (d.egress && !d.egress.allowed) return 'egress';
  if (d.ingress && !d.ingress.allowed) return 'ingress';
  return d.ingress ? 'ingress' : d.egress ? 'egress' : undefined;
}

/** The last iptables rule in the trace that matched and dropped (what ended a Calico walk). */
function dropRule(trace: readonly TraceEvent[]): RuleEvent | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i]!;
    if (e.kind === 'rule' && e.result === 'match' && e.action === 'drop') return e;
  }
  return undefined;
}

/** The policy-chain rule that set the accept mark for a direction (cali-pi- ingress, cali-po- egress). */
function acceptRule(trace: readonly TraceEvent[], direction: Direction): RuleEvent | undefined {
  const prefix = direction === 'ingress' ? 'cali-pi-' : 'cali-po-';
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i]!;
    if (e.kind === 'rule' && e.result === 'match' && e.chain.startsWith(prefix)) {
      if (e.action === 'mark' && /0x10000\/0x10000/.test(e.rule)) return e;
    }
  }
  return undefined;
}

const where = (e: RuleEvent): string => `${e.chain} rule ${e.index} on ${e.node}`;
const commentOf = (e: RuleEvent): string | undefined => /--comment "([^"]*)"/.exec(e.rule)?.[1];
const towards = (d: Direction) => (d === 'ingress' ? 'from' : 'to');

interface Ctx {
  readonly what: string;
  readonly other: (d: Direction) => string;
}

function contextOf(v: ProbeVerdict): Ctx {
  const what = probeWhat(v.resolved);
  return {
    what,
    other: (d) => peerName(d === 'ingress' ? v.resolved.src : v.resolved.dst),
  };
}

/** The deciding direction's verdict: the model's (it names what the trace did), else the reference's. */
function verdictsOf(c: CniVerdict, d: Direction) {
  const model: DirectionVerdict | undefined = c.model[d];
  const reference: DirectionVerdict | undefined = c.reference[d];
  return { model, reference };
}

/** `NetworkPolicy shop/allow-frontend spec.ingress[0]`. */
const ruleRef = (v: DirectionVerdict | undefined): string | undefined =>
  v?.policy && v.rule ? `${v.policy} ${v.rule}` : undefined;

/**
 * An allowed connection, direction by direction (the destination's first): the rule that allowed
 * it with what the dataplane did (`detail`), or why the direction was not enforced.
 */
function allowedParts(
  c: CniVerdict,
  ctx: Ctx,
  referenceRule: boolean,
  detail: (d: Direction) => string,
): string[] {
  return (['ingress', 'egress'] as const)
    .filter((d) => c.model[d] !== undefined)
    .map((d) => {
      const v = verdictsOf(c, d);
      const r = ruleRef(v.model) ?? (referenceRule ? ruleRef(v.reference) : undefined);
      const at = v.model?.endpoint ?? v.reference?.endpoint;
      if (r)
        return `${r} allows ${d} ${ctx.what} ${towards(d)} ${ctx.other(d)} at ${at}${detail(d)}`;
      return lowerFirst(stripStop(v.reference?.reason ?? v.model?.reason ?? ''));
    });
}

// ---------------------------------------------------------------------------------------------
// Calico
// ---------------------------------------------------------------------------------------------

function explainCalico(c: CniVerdict, ctx: Ctx): CniExplanation {
  const base = { cni: 'calico' as const, allowed: c.allowed };
  const m: ModelDecision = c.model;
  const direction = decidingDirection(m);
  if (!direction || m.trace.length === 0) {
    return { ...base, kind: 'other', sentences: [c.reference.reason] };
  }
  const { model, reference } = verdictsOf(c, direction);
  const endpoint = model?.endpoint ?? reference?.endpoint;
  const info = { direction, ...(endpoint ? { endpoint } : {}) };
  if (!c.allowed) {
    const drop = dropRule(m.trace);
    const comment = drop ? commentOf(drop) : undefined;
    const tier = comment ? /^End of tier (\S+?)\./.exec(comment)?.[1] : undefined;
    const policy = model?.policy ?? reference?.policy;
    if (drop && tier) {
      const selected = policy
        ? `${endpoint} is selected for ${direction} by ${policy} in tier ${tier}`
        : `${endpoint} has policies for ${direction} in tier ${tier}`;
      return {
        ...base,
        ...info,
        kind: 'end-of-tier',
        ...(policy ? { policy } : {}),
        tier,
        sentences: [
          `${selected}; no rule in the tier allows ${ctx.what} ${towards(direction)} ${ctx.other(direction)}, so Calico drops it at the end of tier ${tier} (${where(drop)}: "${comment}"), a default deny no policy wrote.`,
        ],
      };
    }
    const rule = model?.rule ?? reference?.rule;
    if (drop && policy && rule) {
      return {
        ...base,
        ...info,
        kind: 'deny-rule',
        policy,
        rule,
        sentences: [
          `${policy} ${rule} denies ${direction} ${ctx.what} ${towards(direction)} ${ctx.other(direction)} at ${endpoint} (action Deny), so Felix drops it at ${where(drop)}.`,
        ],
      };
    }
    return {
      ...base,
      ...info,
      kind: 'other',
      sentences: [reference?.reason ?? c.reference.reason],
    };
  }
  const parts = allowedParts(c, ctx, true, (d) => {
    const accept = acceptRule(m.trace, d);
    return accept ? ` (${where(accept)})` : '';
  });
  const main = verdictsOf(c, direction);
  const policy = main.model?.policy ?? main.reference?.policy;
  const rule = main.model?.rule ?? main.reference?.rule;
  return {
    ...base,
    ...info,
    kind: policy && rule ? 'allow-rule' : 'unselected',
    ...(policy && rule ? { policy, rule } : {}),
    sentences: [`Calico allows it: ${parts.join('; ')}.`],
  };
}

// ---------------------------------------------------------------------------------------------
// Cilium
// ---------------------------------------------------------------------------------------------

function explainCilium(c: CniVerdict, ctx: Ctx): CniExplanation {
  const base = { cni: 'cilium' as const, allowed: c.allowed };
  const m: ModelDecision = c.model;
  const direction = decidingDirection(m);
  if (!direction || m.trace.length === 0) {
    return { ...base, kind: 'other', sentences: [c.reference.reason] };
  }
  const identityOf = (d: Direction): number | undefined =>
    m.trace.filter(isIpcacheLookup).find((e) => e.direction === d)?.value.identity;
  const mapOf = (d: Direction): string | undefined =>
    m.trace.filter(isPolicyLookup).find((e) => e.key.direction === d)?.map;
  const { model, reference } = verdictsOf(c, direction);
  const endpoint = model?.endpoint ?? reference?.endpoint;
  const identity = identityOf(direction);
  const info = {
    direction,
    ...(endpoint ? { endpoint } : {}),
    ...(identity !== undefined ? { identity } : {}),
  };
  const drop = m.trace.find((e) => e.kind === 'drop');
  if (!c.allowed && m.l7?.allowed === false) {
    return { ...base, ...info, kind: 'proxy', sentences: [m.l7.reason] };
  }
  if (!c.allowed && drop?.kind === 'drop' && drop.code === 181) {
    const policy = model?.policy ?? reference?.policy;
    const rule = model?.rule ?? reference?.rule;
    return {
      ...base,
      ...info,
      kind: 'deny-rule',
      ...(policy ? { policy } : {}),
      ...(rule ? { rule } : {}),
      sentences: [
        `${policy ? `${policy}${rule ? ` ${rule}` : ''}` : 'A deny rule'} denies ${ctx.what} ${towards(direction)} ${ctx.other(direction)}; ${mapOf(direction) ?? 'the policy map'} holds a deny entry for identity ${identity ?? '?'} and deny wins over allow, so Cilium drops it: ${formatDrop(drop)}.`,
      ],
    };
  }
  if (!c.allowed && drop?.kind === 'drop') {
    const policy = reference?.policy ?? model?.policy;
    const selected = policy
      ? `${endpoint} is selected for ${direction} by ${policy}, so it is in default deny for ${direction}`
      : `${endpoint} is in default deny for ${direction}`;
    return {
      ...base,
      ...info,
      kind: 'default-deny',
      ...(policy ? { policy } : {}),
      sentences: [
        `${selected}; no rule allows ${ctx.what} ${towards(direction)} ${ctx.other(direction)}, so Cilium finds no entry for identity ${identity ?? '?'} (or ANY) in ${mapOf(direction) ?? 'the policy map'} and drops it: ${formatDrop(drop)}.`,
      ],
    };
  }
  if (!c.allowed) {
    return {
      ...base,
      ...info,
      kind: 'other',
      sentences: [reference?.reason ?? c.reference.reason],
    };
  }
  const parts = allowedParts(
    c,
    ctx,
    false,
    (d) => ` (${mapOf(d) ?? 'the policy map'} holds an entry for identity ${identityOf(d) ?? '?'})`,
  );
  const policy = model?.policy;
  const rule = model?.rule;
  const sentences = [`Cilium allows it: ${parts.join('; ')}.`];
  if (m.l7?.redirected) sentences.push(m.l7.reason);
  return {
    ...base,
    ...info,
    kind:
      m.l7?.redirected && m.l7.allowed !== undefined
        ? 'proxy'
        : policy && rule
          ? 'allow-rule'
          : 'unselected',
    ...(policy && rule ? { policy, rule } : {}),
    sentences,
  };
}

const stripStop = (s: string): string => s.replace(/\.\s*$/, '');
const lowerFirst = (s: string): string =>
  /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;

// ---------------------------------------------------------------------------------------------
// Both
// ---------------------------------------------------------------------------------------------

export function explainCni(v: ProbeVerdict, cni: Cni): CniExplanation {
  const ctx = contextOf(v);
  return cni === 'calico' ? explainCalico(v.calico, ctx) : explainCilium(v.cilium, ctx);
}

/** The sentences of one explanation as one paragraph. */
export const explanationText = (e: CniExplanation): string => e.sentences.join(' ');

/** Why each CNI decided as it did, and both in one paragraph. */
export function explainVerdict(v: ProbeVerdict): VerdictExplanation {
  const ctx = contextOf(v);
  const calico = explainCalico(v.calico, ctx);
  const cilium = explainCilium(v.cilium, ctx);
  return { calico, cilium, text: combined(calico, cilium, ctx) };
}

/**
 * One sentence when both CNIs drop at the same endpoint and direction because a policy selects it
 * and no rule allows (the end of a tier, an empty policy-map lookup); else each CNI's own.
 */
function combined(calico: CniExplanation, cilium: CniExplanation, ctx: Ctx): string {
  if (
    calico.kind === 'end-of-tier' &&
    cilium.kind === 'default-deny' &&
    calico.direction === cilium.direction &&
    calico.endpoint === cilium.endpoint &&
    calico.policy !== undefined &&
    calico.policy === cilium.policy
  ) {
    const d = calico.direction!;
    return `${calico.endpoint} is selected for ${d} by ${calico.policy}; none of its rules allows ${ctx.what} ${towards(d)} ${ctx.other(d)}, so Calico drops it at the end of tier ${calico.tier} and Cilium finds no policy-map entry for identity ${cilium.identity ?? '?'}.`;
  }
  return [calico, cilium]
    .map((e) => {
      const text = explanationText(e);
      return text.startsWith(CNI_NAME[e.cni]) ? text : `${CNI_NAME[e.cni]}: ${text}`;
    })
    .join(' ');
}
