/**
 * A Calico policy trace as Felix's flow-log collector reports it to Goldmane: one `PolicyHit` per
 * tier the packet's evaluation touched, read from the engine's typed rule events (engine/trace.ts
 * RuleEvent) and the compiled Felix chains they point at, never from text.
 *
 * Sources (projectcalico/calico v3.32.1):
 * - goldmane/proto/api.proto `PolicyHit`, `PolicyKind` (EndOfTier, Profile), `Action`.
 * - felix/calc/endpoint_lookup_cache.go `CreateLocalEndpointData`: every tier with policies for
 *   the endpoint gets one match index; an enforced policy's hit, and the tier's end-of-tier hit,
 *   sit at that index (staged policies take indices of their own, which the enforced trace
 *   subtracts again: felix/collector/flowlog/types.go `newPolicySet`); the profile comes after
 *   the last tier. `TierDefaultActionRuleID` is the tier's *last* enforced policy: the trigger
 *   of an enforced end-of-tier hit.
 * - app-policy/checker/check.go `checkTiers`, which computes the pending trace
 *   (felix/collector/collector.go `evaluatePendingRuleTrace`): one entry per tier, the end-of-tier
 *   entry triggered by the tier's *first* policy that did not match; profiles in tier
 *   `__PROFILE__`, which goldmane/proto/methods.go `HitFromString` turns into an empty tier.
 * - goldmane/proto/methods.go `HitFromString`: rule index -1 is an end-of-tier hit.
 */
import { calicoCompileMemo } from '../../engine/calico/compile';
import type { FelixPolicy, FelixRule } from '../../engine/calico/conversion';
import type { CalicoDataplane, IptChain, IptRule, RuleOrigin } from '../../engine/calico/dataplane';
import type { Direction } from '../../engine/model';
import type { RuleEvent, TraceEvent } from '../../engine/trace';

/** api.proto `Action` (Whisker shows the enum's name; a trigger's is left unspecified). */
export type GoldmaneAction = 'Allow' | 'Deny' | 'Pass' | 'ActionUnspecified';

/** api.proto `PolicyKind`, the kinds Calico OSS reports. */
export type PolicyKind =
  | 'CalicoNetworkPolicy'
  | 'GlobalNetworkPolicy'
  | 'StagedNetworkPolicy'
  | 'StagedGlobalNetworkPolicy'
  | 'StagedKubernetesNetworkPolicy'
  | 'NetworkPolicy'
  | 'Profile'
  | 'EndOfTier';

/** api.proto `PolicyHit`, field names as whisker-backend's JSON (pkg/apis/v1/flows.go) gives them. */
export interface PolicyHit {
  readonly kind: PolicyKind;
  readonly name: string;
  /** '' for cluster-wide kinds and profiles. */
  readonly namespace: string;
  /** '' for profiles. */
  readonly tier: string;
  readonly action: GoldmaneAction;
  /** The order of the policy among all policies traversed (the tier's match index). */
  readonly policy_index: number;
  /** The rule's index in the policy's rules as Felix received them; -1 for EndOfTier. */
  readonly rule_index: number;
  /** EndOfTier only: the policy that selected the flow and so brought the tier's default action. */
  readonly trigger: PolicyHit | null;
}

/** What one endpoint's policy (one direction) did with the packet. */
export interface EndpointTrace {
  /** `ns/pod`. */
  readonly pod: string;
  readonly direction: Direction;
  readonly hits: readonly PolicyHit[];
  /** The endpoint's verdict; undefined when the events stop before one (the walk ended first). */
  readonly action?: 'Allow' | 'Deny';
}

export interface TraceOptions {
  /**
   * Which policy of a tier triggers its end-of-tier hit: `last` enforced one (the enforced trace,
   * endpoint_lookup_cache.go) or `first` (the pending trace, checker/check.go).
   */
  readonly trigger: 'first' | 'last';
  /** Felix policies compiled from staged policies (the pending trace's dataplane only). */
  readonly staged?: ReadonlySet<FelixPolicy>;
}

const KIND: Record<FelixPolicy['id']['kind'], PolicyKind> = {
  NetworkPolicy: 'CalicoNetworkPolicy',
  GlobalNetworkPolicy: 'GlobalNetworkPolicy',
  KubernetesNetworkPolicy: 'NetworkPolicy',
  StagedNetworkPolicy: 'StagedNetworkPolicy',
  StagedGlobalNetworkPolicy: 'StagedGlobalNetworkPolicy',
  StagedKubernetesNetworkPolicy: 'StagedKubernetesNetworkPolicy',
};

const STAGED_KIND: Partial<Record<PolicyKind, PolicyKind>> = {
  CalicoNetworkPolicy: 'StagedNetworkPolicy',
  GlobalNetworkPolicy: 'StagedGlobalNetworkPolicy',
  NetworkPolicy: 'StagedKubernetesNetworkPolicy',
};

/** A policy as a hit names it (the trigger of an end-of-tier hit carries only these). */
function policyRef(
  p: FelixPolicy,
  opts: TraceOptions,
): Pick<PolicyHit, 'kind' | 'name' | 'namespace'> {
  const kind = KIND[p.id.kind];
  return {
    kind: opts.staged?.has(p) ? (STAGED_KIND[kind] ?? kind) : kind,
    name: p.id.name,
    namespace: p.id.namespace,
  };
}

/**
 * A Felix rule renders no iptables rule when Calico's validation refuses it or a negated catch-all
 * CIDR means it can never match (engine/calico/policyRules.ts `renderPolicyRule`); it still has
 * its index in the policy, which is what the flow log reports.
 */
const renders = (r: FelixRule): boolean =>
  !r.rejected &&
  !r.source.notNets.some((c) => c.prefix === 0) &&
  !r.destination.notNets.some((c) => c.prefix === 0);

/**
 * The index of the Felix rule an iptables rule of a policy chain comes from: every iptables rule a
 * Felix rule renders shares that rule's origin object, in order.
 */
function felixRuleIndex(chain: IptChain, rule: IptRule, rules: readonly FelixRule[]): number {
  const origins: RuleOrigin[] = [];
  for (const r of chain.rules) if (r.origin && !origins.includes(r.origin)) origins.push(r.origin);
  const k = rule.origin ? origins.indexOf(rule.origin) : -1;
  let seen = -1;
  for (let i = 0; i < rules.length; i++) {
    if (!renders(rules[i]!)) continue;
    if (++seen === k) return i;
  }
  throw new Error(`whiskerTrace: rule of ${chain.name} has no Felix rule behind it`);
}

interface OpenTier {
  readonly tier: string;
  readonly defaultAction: 'Deny' | 'Pass';
  readonly index: number;
  /** The enforced policies the endpoint chain jumps to in this tier, in order. */
  readonly policies: readonly FelixPolicy[];
  decided: boolean;
}

interface Building {
  readonly pod: string;
  readonly direction: Direction;
  readonly hits: PolicyHit[];
  tiers: number;
  open?: OpenTier;
  action?: 'Allow' | 'Deny';
}

/**
 * The policy trace of every endpoint whose chains the events pass through, in the order the events
 * first enter them. Events other than iptables rules (cost-free for Calico) are skipped.
 */
export function endpointTraces(
  dp: CalicoDataplane,
  events: readonly TraceEvent[],
  opts: TraceOptions,
): EndpointTrace[] {
  const memo = calicoCompileMemo(dp);
  if (!memo) throw new Error('whiskerTrace: the Calico dataplane has no compile memo');
  const endpointOf = new Map<string, { pod: string; direction: Direction }>();
  for (const w of Object.values(dp.workloads)) {
    endpointOf.set(w.toChain, { pod: w.pod, direction: 'ingress' });
    endpointOf.set(w.fromChain, { pod: w.pod, direction: 'egress' });
  }
  const chainOf = (node: string, name: string): IptChain | undefined =>
    dp.nodes[node]?.chains[name] ?? dp.chains[name];
  const policyOfChain = (name: string): FelixPolicy | undefined => memo.chains.get(name)?.policy;

  /** The enforced policies a tier's part of an endpoint chain jumps to (through group chains). */
  const tierPolicies = (chain: IptChain, start: number): FelixPolicy[] => {
    const out: FelixPolicy[] = [];
    const visit = (target: string, node: string) => {
      const p = policyOfChain(target);
      if (p) {
        if (!out.includes(p)) out.push(p);
        return;
      }
      for (const r of chainOf(node, target)?.rules ?? [])
        if (r.action.kind === 'jump' || r.action.kind === 'goto') visit(r.action.target, node);
    };
    for (let i = start; i < chain.rules.length; i++) {
      const r = chain.rules[i]!;
      const k = r.origin?.kind;
      if (k === 'start-of-tier' || k === 'end-of-tier') break;
      if (r.action.kind === 'jump' || r.action.kind === 'goto') {
        if (r.action.target.startsWith('cali-pri-') || r.action.target.startsWith('cali-pro-'))
          break;
        visit(r.action.target, '');
      }
    }
    return out;
  };

  const endOfTier = (t: OpenTier, action: GoldmaneAction): PolicyHit => {
    const trig = opts.trigger === 'first' ? t.policies[0] : t.policies[t.policies.length - 1];
    return {
      kind: 'EndOfTier',
      name: '',
      namespace: '',
      tier: t.tier,
      action,
      policy_index: t.index,
      rule_index: -1,
      trigger: trig
        ? {
            ...policyRef(trig, opts),
            tier: t.tier,
            action: 'ActionUnspecified',
            policy_index: 0,
            rule_index: 0,
            trigger: null,
          }
        : null,
    };
  };
  /** A tier that ended without a verdict and whose default action Pass sent the packet on. */
  const closeTier = (b: Building) => {
    const t = b.open;
    if (t && !t.decided && t.defaultAction === 'Pass') b.hits.push(endOfTier(t, 'Pass'));
    b.open = undefined;
  };

  const builds = new Map<string, Building>();
  const order: Building[] = [];
  let cur: Building | undefined;
  const seen = new Set<TraceEvent>();
  for (const e of events) {
    if (e.kind !== 'rule' || seen.has(e)) continue;
    seen.add(e);
    const ep = endpointOf.get(e.chain);
    if (ep) {
      const key = `${ep.pod}|${ep.direction}`;
      cur = builds.get(key);
      if (!cur) {
        cur = { pod: ep.pod, direction: ep.direction, hits: [], tiers: 0 };
        builds.set(key, cur);
        order.push(cur);
      }
    }
    if (!cur || cur.action || e.result !== 'match') continue;
    step(cur, e);
  }
  return order.map((b) => ({
    pod: b.pod,
    direction: b.direction,
    hits: b.hits,
    ...(b.action ? { action: b.action } : {}),
  }));

  function step(b: Building, e: RuleEvent): void {
    const chain = chainOf(e.node, e.chain);
    const rule = chain?.rules[e.index - 1];
    const origin = rule?.origin;
    if (!chain || !rule || !origin) return;
    switch (origin.kind) {
      case 'start-of-tier':
        closeTier(b);
        b.open = {
          tier: origin.tier,
          defaultAction: origin.defaultAction,
          index: b.tiers++,
          policies: tierPolicies(chain, e.index),
          decided: false,
        };
        return;
      case 'policy-rule': {
        // The rule that sets the verdict mark (or drops) is the one Felix's NFLOG rule sits beside.
        const a = rule.action;
        const verdict =
          a.kind === 'mark' && a.value === dp.marks.accept
            ? 'Allow'
            : a.kind === 'mark' && a.value === dp.marks.pass
              ? 'Pass'
              : (a.kind === 'mark' && a.value === dp.marks.drop) || a.kind === 'drop'
                ? 'Deny'
                : undefined;
        const policy = policyOfChain(e.chain);
        if (!verdict || !policy || b.open?.decided) return;
        const rules = b.direction === 'ingress' ? policy.inbound : policy.outbound;
        b.hits.push({
          ...policyRef(policy, opts),
          tier: origin.tier,
          action: verdict,
          policy_index: b.open?.index ?? b.tiers,
          rule_index: felixRuleIndex(chain, rule, rules),
          trigger: null,
        });
        if (verdict === 'Pass') {
          if (b.open) b.open.decided = true;
        } else b.action = verdict;
        return;
      }
      case 'end-of-tier':
        if (b.open && !b.open.decided) {
          b.hits.push(endOfTier(b.open, 'Deny'));
          b.action = 'Deny';
        }
        return;
      case 'profile':
        if (rule.action.kind !== 'mark' || rule.action.value !== dp.marks.accept) return;
        closeTier(b);
        b.hits.push({
          kind: 'Profile',
          name: origin.profile,
          namespace: '',
          tier: '',
          action: 'Allow',
          policy_index: b.tiers,
          // The namespace profile's one rule (engine/calico/compile.ts renderProfileChain).
          rule_index: 0,
          trigger: null,
        });
        b.action = 'Allow';
        return;
      case 'no-profile-matched':
        closeTier(b);
        // checker/check.go: `__PROFILE__`, rule index -1, deny; HitFromString makes it EndOfTier.
        b.hits.push({
          kind: 'EndOfTier',
          name: '',
          namespace: '',
          tier: '',
          action: 'Deny',
          policy_index: b.tiers,
          rule_index: -1,
          trigger: {
            kind: 'Profile',
            name: '__PROFILE__',
            namespace: '',
            tier: '',
            action: 'ActionUnspecified',
            policy_index: 0,
            rule_index: 0,
            trigger: null,
          },
        });
        b.action = 'Deny';
        return;
      default:
        return;
    }
  }
}

/**
 * A hit as Felix labels it before Goldmane parses it (goldmane/proto/methods.go `ToString`):
 * `<policy index>|<tier>|<kind>:[<ns>/]<name>|<action>|<rule index>`, the end-of-tier hit named
 * by its trigger, profiles in tier `__PROFILE__`.
 */
export function formatPolicyHit(h: PolicyHit): string {
  const named = h.kind === 'EndOfTier' && h.trigger ? h.trigger : h;
  const ns = named.namespace ? `${named.namespace}/` : '';
  const tier = named.kind === 'Profile' ? '__PROFILE__' : h.tier;
  return `${h.policy_index}|${tier}|${SHORT_KIND[named.kind]}:${ns}${named.name}|${h.action.toLowerCase()}|${h.rule_index}`;
}

/** felix/types/policy_id.go short kinds, as methods.go `makeNamePart` uses them. */
const SHORT_KIND: Record<PolicyKind, string> = {
  CalicoNetworkPolicy: 'np',
  GlobalNetworkPolicy: 'gnp',
  StagedNetworkPolicy: 'snp',
  StagedGlobalNetworkPolicy: 'sgnp',
  StagedKubernetesNetworkPolicy: 'sknp',
  NetworkPolicy: 'knp',
  Profile: 'pro',
  EndOfTier: 'eot',
};
