/**
 * The Calico iptables model: the cluster compiled into the chains, IP sets and marks Felix programs
 * (compile.ts), and a verdict found by walking a packet through them rule by rule (walk.ts),
 * counting every rule tested. It never consults the policies once compiled: everything it knows is
 * in the rules and the IP sets' members.
 *
 * The model tests the conntrack rules at the top of each endpoint chain like any other rule (a probe
 * is a new connection, so they do not match); `{ conntrack: 'established' }` walks a packet of an
 * established connection instead, which the first of them accepts.
 */
import { podKey } from '../cluster';
import type { Cluster, Decision, DirectionVerdict, ModelDecision, ResolvedProbe } from '../model';
import { selfProbeReason, specCase } from '../probe';
import { calicoCompileMemo, compileCalicoDataplane } from './compile';
import type { CalicoDataplane, RuleOrigin } from './dataplane';
import { HTTP_NOTE } from './felixConfig';
import { formatRule } from './iptablesSave';
import { hopsFor, packetOf, walkHop, type RuleRef, type WalkState } from './walk';

export type { CalicoDataplane } from './dataplane';
export { iptablesSave } from './iptablesSave';

export function compileCalico(
  cluster: Parameters<typeof compileCalicoDataplane>[0],
): CalicoDataplane {
  return compileCalicoDataplane(cluster);
}

/**
 * Incremental compile: the edited cluster compiled with the previous compile's per-policy work
 * (conversion, selected pods, rendered policy chains and their IP sets, group chain names) reused
 * for every policy object the edit left as it was, when the pods, namespaces, service accounts,
 * network sets, tiers and nodes are the same objects (else a full compile). When the policies are
 * the same objects but a few at the same positions (an edit of a policy's spec), the previous
 * output is patched: only the endpoint classes those policies select (before or now) get new
 * chains, chains and IP sets nothing refers to any more are removed, and the nodes without such
 * endpoints keep their tables. The patch takes over `previous` (its chains object and memo):
 * `previous` then shows the new chains (its memo is `spent`: flows still read it), and a
 * recompile from it again compiles in full.
 * Equals `compileCalico(next)` (agreement-recompile.test.ts). `previousCluster` is the cluster
 * `previous` was compiled from; the memo keeps what is needed of it.
 */
export function recompileCalico(
  previous: CalicoDataplane,
  previousCluster: Cluster,
  next: Cluster,
): CalicoDataplane {
  const memo = calicoCompileMemo(previous);
  return compileCalicoDataplane(next, memo && previousCluster ? memo : undefined);
}

export interface CalicoModelOptions {
  /** A new connection (the default) or a packet of an established one. */
  readonly conntrack?: 'new' | 'established';
}

const describe = (ref: RuleRef): string => {
  const comment = ref.rule.comments.length > 0 ? ` ("${ref.rule.comments.join('", "')}")` : '';
  return `${ref.chain} rule ${ref.number}${comment} on ${ref.node}`;
};

export const formatDecidedAt = (ref: RuleRef): string =>
  `${ref.chain} rule ${ref.number}: ${formatRule(ref.rule)} (${ref.node})`;

/** Explains one endpoint's verdict from the rule that decided it. */
function endpointVerdict(
  o: WalkState['endpoints'][number],
  probe: ResolvedProbe,
): { verdict: DirectionVerdict; notes: string[] } {
  const base = { direction: o.direction, endpoint: o.pod };
  const notes: string[] = [];
  for (const log of o.logs) {
    const origin = log.rule.origin;
    const who = origin?.kind === 'policy-rule' ? `${origin.policy} ${origin.rule}` : describe(log);
    notes.push(
      `Log does not end evaluation: ${who} logged the packet (${describe(log)}) and evaluation went on.`,
    );
  }
  for (const pass of o.passes) {
    const origin = pass.rule.origin as Extract<RuleOrigin, { kind: 'policy-rule' }>;
    notes.push(
      `A Pass in ${origin.policy} ${origin.rule} skipped the rest of tier ${origin.tier}.`,
    );
  }
  for (const tier of o.passedTiers) {
    notes.push(
      `No rule in tier ${tier} matched and its defaultAction is Pass, so the packet went on to the next tier.`,
    );
  }
  if (o.scratchFixes > 0) {
    notes.push(
      'A rule here needs three or more match blocks; Felix reuses a scratch mark bit across them without clearing it (felix/rules/policy.go matchBlockBuilder), so a real node may match it when Calico’s documented semantics say it should not. PacketWalk shows the documented verdict.',
    );
  }
  const at = o.decidedBy;
  const origin = at?.rule.origin;
  const what = `${o.direction} ${probe.protocol} ${probe.port}`;
  if (o.allowed) {
    if (origin?.kind === 'policy-rule') {
      return {
        verdict: {
          ...base,
          allowed: true,
          reason: `${origin.policy} (tier ${origin.tier}) allows ${what} at ${o.pod} by ${origin.rule}: ${describe(at!)} set the accept mark 0x10000.`,
          policy: origin.policy,
          rule: origin.rule,
        },
        notes,
      };
    }
    if (origin?.kind === 'profile') {
      return {
        verdict: {
          ...base,
          allowed: true,
          reason: `No tier dropped ${what} at ${o.pod}, so the profile ${origin.profile} allows it: ${describe(at!)} set the accept mark 0x10000.`,
        },
        notes,
      };
    }
    return {
      verdict: {
        ...base,
        allowed: true,
        reason: `${at ? describe(at) : 'The endpoint chain'} accepted ${what} at ${o.pod}.`,
      },
      notes,
    };
  }
  switch (origin?.kind) {
    case 'policy-rule':
      return {
        verdict: {
          ...base,
          allowed: false,
          reason: `${origin.policy} (tier ${origin.tier}) denies ${what} at ${o.pod} by ${origin.rule}: ${describe(at!)} dropped it.`,
          policy: origin.policy,
          rule: origin.rule,
        },
        notes,
      };
    case 'end-of-tier': {
      const tier = o.tier;
      for (const p of tier?.ruleless ?? []) {
        notes.push(
          `${p} selects this pod for ${o.direction} but has no ${o.direction} rules, so the end of tier ${origin.tier} drops the packet: a rule-less policy denies.`,
        );
      }
      const names = tier?.policies ?? [];
      return {
        verdict: {
          ...base,
          allowed: false,
          reason: `Tier ${origin.tier} has policies for ${o.direction} at ${o.pod} (${names.join(', ')}) but none accepted ${what}, so ${describe(at!)} dropped it.`,
          ...(names[0] ? { policy: names[0] } : {}),
        },
        notes,
      };
    }
    case 'encap-guard':
      notes.push(
        'A pod may not send VXLAN-encapsulated traffic: AllowVXLANPacketsFromWorkloads is off by default.',
      );
      return {
        verdict: {
          ...base,
          allowed: false,
          reason: `Felix drops ${what} sent by ${o.pod} before any policy: ${describe(at!)}.`,
        },
        notes,
      };
    default:
      return {
        verdict: {
          ...base,
          allowed: false,
          reason: `${at ? describe(at) : 'The endpoint chain'} dropped ${what} at ${o.pod}.`,
        },
        notes,
      };
  }
}

export function calicoModelDecision(
  dp: CalicoDataplane,
  probe: ResolvedProbe,
  opts: CalicoModelOptions = {},
): ModelDecision {
  const { dst } = probe;
  if (specCase(probe)?.kind === 'self') {
    return {
      allowed: true,
      reason: selfProbeReason('Calico chain'),
      notes: [],
      decidedAt: 'no hook (loopback inside the pod)',
      cost: 0,
      trace: [],
    };
  }
  const pkt = packetOf(probe, opts.conntrack === 'established' ? 'ESTABLISHED' : 'NEW');
  const out: WalkState = { cost: 0, trace: [], endpoints: [] };
  let verdict: 'ACCEPT' | 'DROP' = 'ACCEPT';
  let at: RuleRef | undefined;
  let lastHop = '';
  for (const hop of hopsFor(dp, probe)) {
    const r = walkHop(dp, hop, pkt, out);
    verdict = r.verdict;
    at = r.at;
    lastHop = `${hop.chain} policy ACCEPT (${hop.node})`;
    if (verdict === 'DROP') break;
  }

  const notes: string[] = probe.http ? [HTTP_NOTE] : [];
  const byDirection: Partial<Record<'ingress' | 'egress', DirectionVerdict>> = {};
  for (const o of out.endpoints) {
    const e = endpointVerdict(o, probe);
    byDirection[o.direction] = e.verdict;
    notes.push(...e.notes);
  }
  let reasonParts = [byDirection.egress, byDirection.ingress].filter(
    (v): v is DirectionVerdict => v !== undefined,
  );
  if (!reasonParts.length || verdict === 'DROP') {
    reasonParts = reasonParts.filter((v) => !v.allowed);
  }
  let reason = reasonParts.map((v) => v.reason).join(' ');
  if (out.hostToWorkload && dst.kind === 'pod' && verdict === 'ACCEPT') {
    at = out.hostToWorkload;
    reason = `Felix does not police traffic from a host to its own workloads: ${describe(at)} returns for -o cali+ before any policy, so ${peerLabel(probe)} reaches ${podKey(dst.pod)}.`;
    byDirection.ingress = {
      direction: 'ingress',
      endpoint: podKey(dst.pod),
      allowed: true,
      reason,
    };
    notes.push(
      'Traffic from a pod’s own node skips the pod’s ingress policy: Calico never polices host-to-local-workload traffic.',
    );
  } else if (at?.rule.origin?.kind === 'endpoint-to-host') {
    reason += ` The node then accepts it: ${describe(at)}.`;
  } else if (dst.kind === 'node' && verdict === 'ACCEPT') {
    reason += ' The node itself has no host endpoint, so it accepts the packet.';
  } else if (reason === '') {
    reason = at ? `${describe(at)} decided.` : `${lastHop}.`;
  }
  const decision: Decision = {
    allowed: verdict === 'ACCEPT',
    reason,
    ...(byDirection.egress ? { egress: byDirection.egress } : {}),
    ...(byDirection.ingress ? { ingress: byDirection.ingress } : {}),
    notes: [...new Set(notes)],
  };
  return {
    ...decision,
    decidedAt: at ? formatDecidedAt(at) : lastHop,
    cost: out.cost,
    trace: out.trace,
  };
}

const peerLabel = (probe: ResolvedProbe): string =>
  probe.src.kind === 'node' ? `node ${probe.src.node.name}` : probe.srcIP;

/** Totals over every node's filter table, as the kernels would hold them. */
export function calicoStats(dp: CalicoDataplane): {
  chains: number;
  rules: number;
  ipsets: number;
  ipsetMembers: number;
} {
  let chains = 0;
  let rules = 0;
  let ipsets = 0;
  let ipsetMembers = 0;
  for (const node of Object.values(dp.nodes)) {
    for (const name of ['INPUT', 'FORWARD', 'OUTPUT', ...node.programmed]) {
      const chain = node.chains[name] ?? dp.chains[name];
      if (!chain) continue;
      if (!['INPUT', 'FORWARD', 'OUTPUT'].includes(name)) chains++;
      rules += chain.rules.length;
    }
    ipsets += node.ipsets.length;
    for (const s of node.ipsets) ipsetMembers += dp.ipsets[s]?.members.length ?? 0;
  }
  return { chains, rules, ipsets, ipsetMembers };
}
