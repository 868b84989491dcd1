/**
 * `projectcalico.org/v3`: NetworkPolicy, GlobalNetworkPolicy, their Staged variants, Tier,
 * NetworkSet and GlobalNetworkSet, validated as Calico validates them.
 *
 * Sources (projectcalico/calico):
 * - api/pkg/apis/projectcalico/v3/{networkpolicy,globalnetworkpolicy,staged*,policy_common,tier,
 *   networkset,globalnetworkset}.go: the field lists; `Types` defaulting as documented there.
 * - libcalico-go/lib/clientv3/*networkpolicy.go, defaultPolicyTypesField: empty `types` becomes
 *   [Ingress] when there are no egress rules (even with no ingress rules), [Egress] when there are
 *   egress rules but no ingress rules, and both when both are present.
 * - libcalico-go/lib/validator/v3/validator.go: actions Allow|Deny|Log|Pass; protocol names
 *   `^(TCP|UDP|ICMP|ICMPv6|SCTP|UDPLite)$` or 1–255; "rules with numeric port or port range must
 *   set protocol to TCP or UDP or SCTP" (a rule without a protocol may list only named ports: each
 *   carries its own protocol, `numorstring.AllPortsAreNamed`; Felix FV named_ports_test.go "policy
 *   with nil protocol and named ports only"); with a protocol, "rules that specify ports must set
 *   protocol to TCP or UDP or SCTP"; "rules that specify ICMP fields must set protocol to ICMP";
 *   ICMP code needs a type; rule `nets` strictly masked (the `net` validator, unlike NetworkSet
 *   `nets`, which use `cidr`: see parseEntity); "rule contains both IPv4 and IPv6 CIDRs"; HTTP match only on
 *   Allow ingress rules with protocol TCP or none; `global()` "can only be used in an EntityRule
 *   namespaceSelector" and "cannot be combined with other selectors"; types without repeats;
 *   NetworkSet labels may not use `projectcalico.org/namespace`.
 * - api/pkg/lib/numorstring/port.go: ports are numbers, "min:max" ranges or named ports.
 * - tier.go (CEL rules): built-in tiers `default` (order 1000000, Deny), `kube-admin` (1000, Pass),
 *   `kube-baseline` (10000000, Pass); defaultAction is Deny or Pass, default Deny.
 * - Tiers and names: a policy belongs to `spec.tier` (default `default`). Releases with OSS tiers
 *   required non-default-tier policies to be named `<tier>.<name>` until projectcalico/calico#11232
 *   (merged 2025-10) removed that rule; PacketWalk follows current Calico and warns about the old one.
 * - Untracked (`doNotTrack`) and pre-DNAT policies apply to host endpoints only (Calico docs, "Host
 *   endpoints"); PacketWalk models workloads, so it skips them with a warning.
 */
import { parseCidr, type Cidr } from '../cidr';
import { parseCalicoSelector } from '../calico/selector';
import type {
  CalicoAction,
  CalicoIcmpMatch,
  CalicoEntityRule,
  CalicoNetworkSet,
  CalicoPolicy,
  CalicoPort,
  CalicoRule,
  CalicoSelectorSource,
  CalicoServiceAccountMatch,
  CalicoTier,
  Direction,
} from '../model';
import {
  dns1123SubdomainProblem,
  mapItems,
  noteHostBits,
  portNameProblems,
  valueStart,
  type Collected,
  type ObjectContext,
} from './common';
import { childPath } from './yaml';

const NP_FIELDS = [
  'tier',
  'order',
  'ingress',
  'egress',
  'selector',
  'types',
  'serviceAccountSelector',
  'performanceHints',
];
const GNP_FIELDS = [...NP_FIELDS, 'namespaceSelector', 'doNotTrack', 'preDNAT', 'applyOnForward'];
const RULE_FIELDS = [
  'action',
  'ipVersion',
  'protocol',
  'icmp',
  'notProtocol',
  'notICMP',
  'source',
  'destination',
  'http',
  'metadata',
];
const ENTITY_FIELDS = [
  'nets',
  'selector',
  'namespaceSelector',
  'services',
  'ports',
  'notNets',
  'notSelector',
  'notPorts',
  'serviceAccounts',
];
const ACTIONS: readonly CalicoAction[] = ['Allow', 'Deny', 'Pass', 'Log'];
const PROTOCOL_NAMES = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'];
/** Numbers with a name are stored by name, so evaluators compare one spelling. */
const PROTOCOL_BY_NUMBER: Record<number, string> = {
  1: 'ICMP',
  6: 'TCP',
  17: 'UDP',
  58: 'ICMPv6',
  132: 'SCTP',
  136: 'UDPLite',
};

export const BUILT_IN_TIERS: readonly {
  name: string;
  order: number;
  defaultAction: 'Deny' | 'Pass';
}[] = [
  { name: 'kube-admin', order: 1000, defaultAction: 'Pass' },
  { name: 'default', order: 1_000_000, defaultAction: 'Deny' },
  { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass' },
];

// ---------------------------------------------------------------------------------------------
// Selectors
// ---------------------------------------------------------------------------------------------

/**
 * The selector at `path`: `undefined` when absent (or an empty string, which Calico treats as
 * absent), `null` when invalid (reported). `emptyIsAll`: the policy's own selector, where empty
 * means `all()`.
 */
function selectorAt(
  ctx: ObjectContext,
  path: string,
  opts: { emptyIsAll?: boolean; globalAllowed?: boolean } = {},
): CalicoSelectorSource | undefined | null {
  const { r } = ctx;
  const text = r.string(path);
  if (text === undefined && !opts.emptyIsAll) return undefined;
  const written = text ?? '';
  if (written.trim() === '' && !opts.emptyIsAll) return undefined;
  const source = written.trim() === '' ? 'all()' : written;
  const hasText = r.has(path);
  let parsed: ReturnType<typeof parseCalicoSelector>;
  try {
    parsed = parseCalicoSelector(source);
  } catch (e) {
    parsed = { ok: false, error: e instanceof Error ? e.message : String(e), column: 1 };
  }
  if (!parsed.ok) {
    const pos = hasText ? valueStart(ctx.lines, r.posOf(path)) : r.posOf(path);
    // parseCalicoSelector's column is 1-based within the selector text.
    const column = pos.column + Math.max(0, parsed.column - 1);
    r.errorAt({ ...pos, column }, path, `invalid selector "${written}": ${parsed.error}`);
    return null;
  }
  const usesGlobal = /global\(\s*\)/.test(written);
  if (usesGlobal && !opts.globalAllowed) {
    r.error(path, 'global() can only be used in an EntityRule namespaceSelector');
    return null;
  }
  if (usesGlobal && written.replace(/\s+/g, '') !== 'global()') {
    r.error(path, 'global() cannot be combined with other selectors');
    return null;
  }
  // The closure keeps the file's lines, not the context (its reader holds the document's values).
  const lines = ctx.lines;
  const pos = hasText ? r.fieldPos(path, (key) => valueStart(lines, key)) : r.fieldPos(path);
  return { text: written, canonical: parsed.selector.canonical, pos };
}

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

export function parseCalicoPolicy(
  ctx: ObjectContext,
  out: Collected,
  opts: { global: boolean; staged: boolean },
): void {
  const { r, ref } = ctx;
  if (!r.map('spec', { required: true })) return;
  const fields = opts.global ? GNP_FIELDS : NP_FIELDS;
  r.keys('spec', opts.staged ? [...fields, 'stagedAction'] : fields);
  if (opts.staged) r.oneOf('spec.stagedAction', ['Set', 'Delete', 'Learn', 'Ignore']);
  let ok = true;

  const tierText = r.string('spec.tier');
  const tierExplicit = tierText !== undefined && tierText !== '';
  const tier = tierText !== undefined && tierText !== '' ? tierText : 'default';
  const tierProblem = dns1123SubdomainProblem(tier);
  if (tierProblem) {
    r.error('spec.tier', `Invalid value: "${tier}": ${tierProblem}`);
    ok = false;
  }
  const order = r.number('spec.order');
  if (r.has('spec.order') && order === undefined) ok = false;

  const selector = selectorAt(ctx, 'spec.selector', { emptyIsAll: true });
  const namespaceSelector = opts.global ? selectorAt(ctx, 'spec.namespaceSelector') : undefined;
  const serviceAccountSelector = selectorAt(ctx, 'spec.serviceAccountSelector');
  if (selector === null || namespaceSelector === null || serviceAccountSelector === null)
    ok = false;

  for (const f of ['doNotTrack', 'preDNAT'] as const) {
    if (opts.global && r.bool(`spec.${f}`)) {
      r.warn(
        `spec.${f}`,
        `${f} policies apply to host endpoints only; PacketWalk models workload endpoints, so this policy is not loaded`,
      );
      return;
    }
  }
  r.bool('spec.applyOnForward');
  (r.strings('spec.performanceHints') ?? []).forEach((h, i) => {
    if (h !== 'AssumeNeededOnEveryNode') {
      r.error(
        childPath('spec.performanceHints', i),
        `Unsupported value: "${h}": supported values: "AssumeNeededOnEveryNode"`,
      );
    }
  });

  const ingress = parseRules(ctx, 'spec.ingress', 'ingress');
  const egress = parseRules(ctx, 'spec.egress', 'egress');
  if (!ingress || !egress) ok = false;

  const nIngress = (r.list('spec.ingress') ?? []).length;
  const nEgress = (r.list('spec.egress') ?? []).length;
  const written = r.strings('spec.types');
  let types: Direction[] = [];
  let typesInferred = false;
  if (!written || written.length === 0) {
    typesInferred = true;
    types = nEgress === 0 ? ['ingress'] : nIngress === 0 ? ['egress'] : ['ingress', 'egress'];
  } else {
    written.forEach((t, i) => {
      const p = childPath('spec.types', i);
      if (t !== 'Ingress' && t !== 'Egress') {
        r.error(p, `Unsupported value: "${t}": supported values: "Ingress", "Egress"`);
        ok = false;
        return;
      }
      const d: Direction = t === 'Ingress' ? 'ingress' : 'egress';
      if (types.includes(d)) {
        r.error(p, `'${t}' type specified more than once`);
        ok = false;
      } else types.push(d);
    });
    for (const [d, n] of [
      ['ingress', nIngress],
      ['egress', nEgress],
    ] as const) {
      if (n > 0 && !types.includes(d)) {
        r.warn(
          `spec.${d}`,
          `types does not include ${d === 'ingress' ? 'Ingress' : 'Egress'}, so these ${d} rules are ignored`,
        );
      }
    }
  }

  if (!ok || !selector || !ingress || !egress) return;
  const policy: CalicoPolicy = {
    dialect: 'calico',
    ref,
    global: opts.global,
    ...(opts.global ? {} : { namespace: ref.namespace! }),
    name: ref.name,
    tier,
    ...(order !== undefined ? { order } : {}),
    selector,
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(serviceAccountSelector ? { serviceAccountSelector } : {}),
    types,
    typesInferred,
    ingress,
    egress,
    staged: opts.staged,
  };
  out.calicoPolicies.push({
    policy,
    tierPos: r.fieldPos(r.has('spec.tier') ? 'spec.tier' : 'spec'),
    tierExplicit,
  });
}

function parseRules(
  ctx: ObjectContext,
  path: string,
  direction: Direction,
): CalicoRule[] | undefined {
  const items = mapItems(ctx.r, path, { nullIsEmpty: true });
  let ok = true;
  const rules: CalicoRule[] = [];
  for (const item of items ?? []) {
    const rule = parseRule(ctx, item.path, item.index, direction);
    if (rule === undefined) ok = false;
    else if (rule !== 'dropped') rules.push(rule);
  }
  return ok ? rules : undefined;
}

function parseRule(
  ctx: ObjectContext,
  path: string,
  index: number,
  direction: Direction,
): CalicoRule | 'dropped' | undefined {
  const { r } = ctx;
  r.keys(path, RULE_FIELDS);
  let ok = true;
  const actionPath = childPath(path, 'action');
  const actionText = r.string(actionPath, { required: true });
  let action: CalicoAction | undefined;
  if (actionText !== undefined) {
    if ((ACTIONS as readonly string[]).includes(actionText)) action = actionText as CalicoAction;
    else {
      const hint = /^next-?tier$/i.test(actionText)
        ? ' ("next-tier" is the dataplane name; the v3 API spells it Pass)'
        : '';
      r.error(
        actionPath,
        `Unsupported value: "${actionText}": supported values: "Allow", "Deny", "Log", "Pass"${hint}`,
      );
    }
  }
  if (!action) ok = false;

  const ipVersion = r.int(childPath(path, 'ipVersion'));
  if (ipVersion !== undefined && ipVersion !== 4 && ipVersion !== 6) {
    r.error(
      childPath(path, 'ipVersion'),
      `Unsupported value: ${ipVersion}: supported values: 4, 6`,
    );
    ok = false;
  }

  const protocol = protocolAt(ctx, childPath(path, 'protocol'));
  const notProtocol = protocolAt(ctx, childPath(path, 'notProtocol'));
  if (protocol === null || notProtocol === null) ok = false;
  // validator.go `validateRule`: with a protocol, ports need TCP, UDP or SCTP; without one, only
  // named ports are allowed (each carries its own protocol), numeric ports and ranges are not.
  const portsAllowed: PortsAllowed =
    protocol === undefined
      ? 'named'
      : protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP'
        ? 'all'
        : 'none';

  // ICMP fields: see ../calico/icmp.ts for the sources and how each verdict path matches them.
  const icmpFields: { icmp?: CalicoIcmpMatch; notICMP?: CalicoIcmpMatch } = {};
  for (const f of ['icmp', 'notICMP'] as const) {
    const p = childPath(path, f);
    if (!r.map(p)) continue;
    r.keys(p, ['type', 'code']);
    const type = r.int(childPath(p, 'type'), { min: 0, max: 254 });
    const code = r.int(childPath(p, 'code'), { min: 0, max: 255 });
    if (code !== undefined && type === undefined && !r.has(childPath(p, 'type'))) {
      r.error(childPath(p, 'code'), 'ICMP code specified without an ICMP type');
      ok = false;
    }
    if (f === 'icmp' && protocol !== 'ICMP' && protocol !== 'ICMPv6') {
      r.error(p, 'rules that specify ICMP fields must set protocol to ICMP');
      ok = false;
    }
    if (f === 'notICMP' && type !== undefined && protocol !== 'ICMP' && protocol !== 'ICMPv6') {
      r.warn(
        p,
        'notICMP without protocol: ICMP: Felix writes `-m icmp ! --icmp-type …` with no `-p icmp`, a match the kernel accepts only for protocol 1; PacketWalk lets the rule match ICMP packets only',
      );
    }
    icmpFields[f] = {
      ...(type !== undefined ? { type } : {}),
      ...(code !== undefined ? { code } : {}),
    };
  }

  const httpPath = childPath(path, 'http');
  if (r.map(httpPath)) {
    parseHttp(ctx, httpPath);
    if (action !== undefined && action !== 'Allow') {
      r.error(httpPath, 'only valid for Allow rules');
      ok = false;
    }
    if (direction === 'egress') {
      r.error(httpPath, 'not allowed in egress rules');
      ok = false;
    }
    if (protocol !== undefined && protocol !== 'TCP') {
      r.error(httpPath, 'rules that specify HTTP fields must set protocol to TCP or empty');
      ok = false;
    }
    r.warn(
      httpPath,
      'PacketWalk does not model Calico application-layer policy (HTTP matches need Istio and Dikastes); the rule is applied at L3/L4 only',
    );
  }
  if (r.map(childPath(path, 'metadata'))) r.keys(childPath(path, 'metadata'), ['annotations']);

  const source = parseEntity(ctx, childPath(path, 'source'), portsAllowed);
  const destination = parseEntity(ctx, childPath(path, 'destination'), portsAllowed);
  if (!source || !destination) return undefined;
  if (!ok || !action) return undefined;

  const sawV6 = source.ipv6 || destination.ipv6;
  const sawV4 = source.ipv4 || destination.ipv4;
  if (sawV6 && sawV4) {
    r.error(path, 'rule contains both IPv4 and IPv6 CIDRs');
    return undefined;
  }
  if (sawV6 || ipVersion === 6) {
    r.warn(
      path,
      'an IPv6-only rule (IPv6 CIDRs or ipVersion: 6) never matches IPv4 traffic; PacketWalk models IPv4 only and skips it',
    );
    return 'dropped';
  }
  return {
    action,
    ...(protocol ? { protocol } : {}),
    ...(notProtocol ? { notProtocol } : {}),
    ...icmpFields,
    source: source.rule,
    destination: destination.rule,
    index,
    pos: r.fieldPos(path),
  };
}

/** A protocol name or number; `undefined` when absent, `null` when invalid (reported). */
function protocolAt(ctx: ObjectContext, path: string): string | undefined | null {
  const { r } = ctx;
  const raw = r.get(path);
  if (raw === undefined || raw === null) return undefined;
  let n: number | undefined;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^\d+$/.test(raw)) n = Number(raw);
  else if (typeof raw === 'string') {
    if (PROTOCOL_NAMES.includes(raw)) return raw;
    const fixed = PROTOCOL_NAMES.find((p) => p.toLowerCase() === raw.toLowerCase());
    r.error(
      path,
      `protocol name invalid: "${raw}"${fixed ? ` (names are case-sensitive: ${fixed})` : ` (supported: ${PROTOCOL_NAMES.join(', ')} or a number 1-255)`}`,
    );
    return null;
  } else {
    r.error(path, 'must be a protocol name or number');
    return null;
  }
  if (!Number.isInteger(n) || n < 1 || n > 255) {
    r.error(path, `protocol number invalid: ${String(raw)} (1-255)`);
    return null;
  }
  return PROTOCOL_BY_NUMBER[n] ?? String(n);
}

interface ParsedEntity {
  rule: CalicoEntityRule;
  ipv4: boolean;
  ipv6: boolean;
}

/** Which ports a rule's protocol allows: all (TCP, UDP, SCTP), named only (no protocol), none. */
type PortsAllowed = 'all' | 'named' | 'none';

function parseEntity(
  ctx: ObjectContext,
  path: string,
  portsAllowed: PortsAllowed,
): ParsedEntity | undefined {
  const { r } = ctx;
  const result: ParsedEntity = { rule: {}, ipv4: false, ipv6: false };
  if (!r.has(path)) return result;
  if (!r.map(path)) return undefined;
  r.keys(path, ENTITY_FIELDS);
  let ok = true;
  const rule: Record<string, unknown> = {};

  for (const f of ['selector', 'notSelector', 'namespaceSelector'] as const) {
    const s = selectorAt(ctx, childPath(path, f), { globalAllowed: f === 'namespaceSelector' });
    if (s === null) ok = false;
    else if (s) rule[f] = s;
  }
  for (const f of ['nets', 'notNets'] as const) {
    const p = childPath(path, f);
    const list = r.strings(p);
    if (!list) continue;
    const nets: Cidr[] = [];
    list.forEach((text, i) => {
      if (text.includes(':')) {
        result.ipv6 = true;
        return;
      }
      // Rule nets use the `net` validator (validateIPNetwork: "strictly masked"), which calicoctl
      // and the Calico API server run (clientv3 validator.Validate), unlike NetworkSet nets.
      const c = parseCidr(text);
      if (!c.ok) {
        r.error(
          childPath(p, i),
          /host bits/.test(c.error)
            ? `${c.error} Calico's validator refuses host bits in rule nets (NetworkSet nets accept them)`
            : c.error,
        );
        ok = false;
      } else {
        result.ipv4 = true;
        nets.push(c.cidr);
      }
    });
    if (nets.length > 0) rule[f] = nets;
  }
  for (const f of ['ports', 'notPorts'] as const) {
    const p = childPath(path, f);
    const list = r.list(p);
    if (!list || list.length === 0) continue;
    if (portsAllowed === 'none') {
      r.error(p, 'rules that specify ports must set protocol to TCP or UDP or SCTP');
      ok = false;
      continue;
    }
    const ports: CalicoPort[] = [];
    list.forEach((raw, i) => {
      const port = calicoPort(ctx, childPath(p, i), raw);
      if (!port) ok = false;
      else if (portsAllowed === 'named' && typeof port.port === 'number') {
        r.error(
          childPath(p, i),
          'rules with numeric port or port range must set protocol to TCP or UDP or SCTP (a rule without a protocol may list only named ports)',
        );
        ok = false;
      } else ports.push(port);
    });
    rule[f] = ports;
  }
  const saPath = childPath(path, 'serviceAccounts');
  if (r.map(saPath)) {
    r.keys(saPath, ['names', 'selector']);
    const names = r.strings(childPath(saPath, 'names')) ?? [];
    const selector = selectorAt(ctx, childPath(saPath, 'selector'));
    if (selector === null) ok = false;
    const match: CalicoServiceAccountMatch = { names, ...(selector ? { selector } : {}) };
    rule.serviceAccounts = match;
  }
  if (r.has(childPath(path, 'services'))) {
    r.error(
      childPath(path, 'services'),
      "Service matches are not modelled by PacketWalk (select the Service's pods with a selector instead)",
    );
    ok = false;
  }
  result.rule = rule as CalicoEntityRule;
  return ok ? result : undefined;
}

/** numorstring.Port: a number, "min:max", or a named port (validated as an IANA service name). */
function calicoPort(ctx: ObjectContext, path: string, raw: unknown): CalicoPort | undefined {
  const { r } = ctx;
  const single = (n: number): CalicoPort | undefined => {
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      r.error(path, 'port range invalid, port number must be between 1 and 65535');
      return undefined;
    }
    return { port: n };
  };
  if (typeof raw === 'number') return single(raw);
  if (typeof raw !== 'string') {
    r.error(path, 'must be a port number, a "min:max" range or a port name');
    return undefined;
  }
  if (/^\d+$/.test(raw)) {
    if (Number(raw) > 65535) {
      r.error(path, `invalid port format (${raw})`);
      return undefined;
    }
    return single(Number(raw));
  }
  const range = /^(\d+):(\d+)$/.exec(raw);
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (min > 65535 || max > 65535) {
      r.error(path, `invalid port number in range (${raw})`);
      return undefined;
    }
    if (min > max) {
      r.error(
        path,
        `minimum port number (${min}) is greater than maximum port number (${max}) in port range`,
      );
      return undefined;
    }
    if (min < 1) {
      r.error(path, 'port range invalid, port number must be between 1 and 65535');
      return undefined;
    }
    return min === max ? { port: min } : { port: min, endPort: max };
  }
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(raw)) {
    r.error(path, `invalid name for named port (${raw})`);
    return undefined;
  }
  const problems = portNameProblems(raw);
  if (problems.length > 0) {
    r.error(path, `Invalid value: "${raw}": ${problems.join(', ')}`);
    return undefined;
  }
  return { port: raw };
}

function parseHttp(ctx: ObjectContext, path: string): void {
  const { r } = ctx;
  r.keys(path, ['methods', 'paths']);
  const methods = r.strings(childPath(path, 'methods')) ?? [];
  if (new Set(methods).size !== methods.length) {
    r.error(childPath(path, 'methods'), `Invalid methods (duplicates): ${methods.join(', ')}`);
  }
  for (const item of mapItems(r, childPath(path, 'paths')) ?? []) {
    r.keys(item.path, ['exact', 'prefix']);
    const exact = r.string(childPath(item.path, 'exact'));
    const prefix = r.string(childPath(item.path, 'prefix'));
    if (exact && prefix) {
      r.error(item.path, "Invalid path match. Both 'exact' and 'prefix' are set");
      continue;
    }
    const v = exact || prefix;
    if (!v) r.error(item.path, "Invalid path match. Either 'exact' or 'prefix' must be set");
    else if (!v.startsWith('/') || /[? #]/.test(v)) {
      r.error(
        item.path,
        `Invalid path ${v}. (must start with \`/\` and not contain \`?\` or \`#\`)`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tiers and network sets
// ---------------------------------------------------------------------------------------------

export function parseTier(ctx: ObjectContext, out: Collected): void {
  const { r, ref } = ctx;
  r.map('spec');
  r.keys('spec', ['order', 'defaultAction']);
  const order = r.number('spec.order');
  const defaultAction = r.oneOf('spec.defaultAction', ['Deny', 'Pass']) ?? 'Deny';
  const builtIn = BUILT_IN_TIERS.find((t) => t.name === ref.name);
  if (builtIn) {
    if (order !== builtIn.order) {
      r.error('spec.order', `${builtIn.name} tier order must be ${builtIn.order}`);
      return;
    }
    if (defaultAction !== builtIn.defaultAction) {
      r.error(
        'spec.defaultAction',
        `The '${builtIn.name}' tier must have default action '${builtIn.defaultAction}'`,
      );
      return;
    }
  }
  const tier: CalicoTier = {
    ref,
    name: ref.name,
    ...(order !== undefined ? { order } : {}),
    defaultAction,
    builtIn: false,
  };
  out.calicoTiers.push(tier);
}

export function parseNetworkSet(ctx: ObjectContext, out: Collected, global: boolean): void {
  const { r, ref } = ctx;
  const labels = r.labels('metadata.labels');
  if ('projectcalico.org/namespace' in labels) {
    r.error(
      childPath('metadata.labels', 'projectcalico.org/namespace'),
      'projectcalico.org/namespace is not a valid label name (Calico sets it itself)',
    );
  }
  r.map('spec');
  r.keys('spec', ['nets']);
  const nets: Cidr[] = [];
  let ipv6 = false;
  (r.strings('spec.nets') ?? []).forEach((text, i) => {
    if (text.includes(':')) {
      ipv6 = true;
      return;
    }
    // NetworkSetSpec.Nets uses the `cidr` validator: host bits are allowed (and masked).
    const c = parseCidr(text, { allowHostBits: true });
    if (!c.ok) r.error(childPath('spec.nets', i), c.error);
    else {
      if (c.hostBits) noteHostBits(r, childPath('spec.nets', i), text, c.cidr, 'Calico');
      nets.push(c.cidr);
    }
  });
  if (ipv6) r.warn('spec.nets', 'IPv6 nets are skipped: PacketWalk models IPv4 only');
  const set: CalicoNetworkSet = {
    ref,
    global,
    ...(global ? {} : { namespace: ref.namespace! }),
    name: ref.name,
    labels,
    nets,
  };
  out.calicoNetworkSets.push(set);
}
