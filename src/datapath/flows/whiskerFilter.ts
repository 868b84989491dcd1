/**
 * Whisker's filters over Calico flow logs, with Goldmane's semantics: values of one field are ORed,
 * fields are ANDed; a string matches Exact (equal) or Fuzzy (contains); a policy filter matches when
 * any hit of the enforced or the pending trace matches every field it sets.
 *
 * Sources (projectcalico/calico v3.32.1): whisker-backend/pkg/apis/v1/flows.go `Filters`,
 * `PolicyMatch`, `FilterMatch` (the field names); goldmane/pkg/types/filters.go `Matches` (the
 * semantics: `names` lets `pub`/`pvt` match PUBLIC/PRIVATE NETWORK, `namespaces` lets `Global`
 * match `-`); whisker/src/utils/omniFilter.ts `FilterKey` (the filter bar's keys, which the text
 * form below uses).
 */
import type { CalicoFlowLog, Reporter } from './whisker';
import type { GoldmaneAction, PolicyHit, PolicyKind } from './whiskerTrace';

export type MatchType = 'Exact' | 'Fuzzy';

export interface StringMatch {
  readonly value: string;
  readonly type: MatchType;
}

export interface PolicyMatch {
  readonly kind?: PolicyKind;
  readonly tier?: StringMatch;
  readonly namespace?: StringMatch;
  readonly name?: StringMatch;
  readonly action?: GoldmaneAction;
}

export type FlowAction = 'Allow' | 'Deny' | 'Pass';

/** whisker-backend `Filters`, plus `namespaces` (PacketWalk's: either side's namespace). */
export interface WhiskerFilter {
  readonly source_names?: readonly StringMatch[];
  readonly source_namespaces?: readonly StringMatch[];
  readonly dest_names?: readonly StringMatch[];
  readonly dest_namespaces?: readonly StringMatch[];
  readonly protocols?: readonly StringMatch[];
  readonly dest_ports?: readonly number[];
  readonly actions?: readonly FlowAction[];
  readonly pending_actions?: readonly FlowAction[];
  readonly policies?: readonly PolicyMatch[];
  readonly reporter?: Reporter;
  readonly namespaces?: readonly StringMatch[];
}

const stringMatches = (m: StringMatch, vals: readonly string[]): boolean =>
  m.type === 'Exact' ? vals.includes(m.value) : vals.some((v) => v.includes(m.value));

const anyOf = (ms: readonly StringMatch[] | undefined, vals: readonly string[]): boolean =>
  !ms || ms.length === 0 || ms.some((m) => stringMatches(m, vals));

/** filters.go `names`: the Network names answer to Goldmane's short form too. */
const names = (n: string): string[] =>
  n === 'PUBLIC NETWORK' ? [n, 'pub'] : n === 'PRIVATE NETWORK' ? [n, 'pvt'] : [n];
/** filters.go `namespaces`: `-` (no namespace) answers to `Global`. */
const namespaces = (n: string): string[] => (n === '-' ? [n, 'Global'] : [n]);

/** filters.go `StringMatchMatches`: an absent or empty value matches anything. */
const fieldMatches = (m: StringMatch | undefined, val: string): boolean =>
  !m || m.value === '' || (m.type === 'Exact' ? val === m.value : val.includes(m.value));

const hitMatches = (h: PolicyHit, f: PolicyMatch): boolean =>
  fieldMatches(f.name, h.name) &&
  (!f.kind || h.kind === f.kind) &&
  fieldMatches(f.namespace, h.namespace) &&
  fieldMatches(f.tier, h.tier) &&
  (!f.action || h.action === f.action);

export function matchesWhiskerFilter(log: CalicoFlowLog, f: WhiskerFilter): boolean {
  const { enforced, pending } = log.policies;
  return (
    anyOf(f.source_names, names(log.source_name)) &&
    anyOf(f.dest_names, names(log.dest_name)) &&
    anyOf(f.source_namespaces, namespaces(log.source_namespace)) &&
    anyOf(f.dest_namespaces, namespaces(log.dest_namespace)) &&
    anyOf(f.namespaces, [...namespaces(log.source_namespace), ...namespaces(log.dest_namespace)]) &&
    anyOf(f.protocols, [log.protocol]) &&
    (!f.actions?.length || f.actions.includes(log.action)) &&
    (!f.pending_actions?.length ||
      pending.some((h) => (f.pending_actions as readonly string[]).includes(h.action))) &&
    (!f.reporter || log.reporter === f.reporter) &&
    (!f.dest_ports?.length || f.dest_ports.includes(log.dest_port)) &&
    (!f.policies?.length ||
      [...enforced, ...pending].some((h) => f.policies!.some((p) => hitMatches(h, p))))
  );
}

export const filterFlowLogs = (logs: readonly CalicoFlowLog[], f: WhiskerFilter): CalicoFlowLog[] =>
  logs.filter((l) => matchesWhiskerFilter(l, f));

// ---------------------------------------------------------------------------------------------
// The filter bar's text: `key=value` (Exact) or `key~value` (Fuzzy), separated by spaces
// ---------------------------------------------------------------------------------------------

/** Bad filter text: the message says which token and why. */
export class WhiskerFilterError extends Error {}

const STRING_KEYS = {
  source_name: 'source_names',
  source_namespace: 'source_namespaces',
  dest_name: 'dest_names',
  dest_namespace: 'dest_namespaces',
  protocol: 'protocols',
  namespace: 'namespaces',
} as const;

const POLICY_KEYS = {
  policy: 'name',
  policyName: 'name',
  policyNamespace: 'namespace',
  policyTier: 'tier',
  policyKind: 'kind',
  policyAction: 'action',
} as const;

const OTHER_KEYS = ['dest_port', 'action', 'staged_action', 'reporter'] as const;

/** Every key the text form takes. */
export const WHISKER_FILTER_KEYS: readonly string[] = [
  ...Object.keys(STRING_KEYS),
  ...OTHER_KEYS,
  ...Object.keys(POLICY_KEYS),
];

const ACTIONS: readonly FlowAction[] = ['Allow', 'Deny', 'Pass'];
const POLICY_KINDS: readonly PolicyKind[] = [
  'CalicoNetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'NetworkPolicy',
  'Profile',
  'EndOfTier',
];

function oneOf<T extends string>(where: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found)
    throw new WhiskerFilterError(`${where}: "${value}" is not one of ${allowed.join(', ')}`);
  return found;
}

/**
 * Parses `source_namespace=shop action=Deny policy~allow dest_port=8080`. Keys as Whisker's filter
 * bar names them (whisker/src/utils/omniFilter.ts FilterKey), plus `namespace` (either side) and
 * `policyAction`. `protocol` values are lower-cased, as Felix reports them.
 */
export function parseWhiskerFilter(text: string): WhiskerFilter {
  const strings: Partial<Record<(typeof STRING_KEYS)[keyof typeof STRING_KEYS], StringMatch[]>> =
    {};
  const ports: number[] = [];
  const actions: FlowAction[] = [];
  const pending: FlowAction[] = [];
  let reporter: Reporter | undefined;
  const policyNames: StringMatch[] = [];
  const policy: { -readonly [K in keyof PolicyMatch]?: PolicyMatch[K] } = {};

  const tokens = text.trim() === '' ? [] : text.trim().split(/\s+/);
  tokens.forEach((token, i) => {
    const where = `filter token ${i + 1} "${token}"`;
    const m = /^([A-Za-z_]+)(=|~)(.*)$/.exec(token);
    if (!m) throw new WhiskerFilterError(`${where}: expected key=value or key~value`);
    const [, key, op, raw] = m as unknown as [string, string, '=' | '~', string];
    if (raw === '') throw new WhiskerFilterError(`${where}: the value is empty`);
    const type: MatchType = op === '=' ? 'Exact' : 'Fuzzy';
    const exactOnly = () => {
      if (type === 'Fuzzy') throw new WhiskerFilterError(`${where}: ${key} takes = only`);
    };
    if (key in STRING_KEYS) {
      const field = STRING_KEYS[key as keyof typeof STRING_KEYS];
      const value = key === 'protocol' ? raw.toLowerCase() : raw;
      (strings[field] ??= []).push({ value, type });
      return;
    }
    if (key in POLICY_KEYS) {
      const field = POLICY_KEYS[key as keyof typeof POLICY_KEYS];
      if (field === 'name') {
        policyNames.push({ value: raw, type });
        return;
      }
      if (policy[field] !== undefined) throw new WhiskerFilterError(`${where}: ${key} given twice`);
      if (field === 'kind') {
        exactOnly();
        policy.kind = oneOf(where, raw, POLICY_KINDS);
      } else if (field === 'action') {
        exactOnly();
        policy.action = oneOf(where, raw, ACTIONS);
      } else policy[field] = { value: raw, type };
      return;
    }
    switch (key) {
      case 'dest_port': {
        exactOnly();
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || n < 1 || n > 65535)
          throw new WhiskerFilterError(`${where}: a port is a number from 1 to 65535`);
        ports.push(n);
        return;
      }
      case 'action':
        exactOnly();
        actions.push(oneOf(where, raw, ACTIONS));
        return;
      case 'staged_action':
        exactOnly();
        pending.push(oneOf(where, raw, ACTIONS));
        return;
      case 'reporter':
        exactOnly();
        if (reporter !== undefined) throw new WhiskerFilterError(`${where}: reporter given twice`);
        reporter = oneOf(where, raw, ['Src', 'Dst'] as const);
        return;
      default:
        throw new WhiskerFilterError(
          `${where}: unknown key "${key}" (keys: ${WHISKER_FILTER_KEYS.join(', ')})`,
        );
    }
  });

  const hasPolicy = policyNames.length > 0 || Object.keys(policy).length > 0;
  const policies: PolicyMatch[] = !hasPolicy
    ? []
    : policyNames.length > 0
      ? policyNames.map((name) => ({ ...policy, name }))
      : [policy];
  return {
    ...strings,
    ...(ports.length ? { dest_ports: ports } : {}),
    ...(actions.length ? { actions } : {}),
    ...(pending.length ? { pending_actions: pending } : {}),
    ...(reporter ? { reporter } : {}),
    ...(policies.length ? { policies } : {}),
  };
}
