/**
 * `hubble observe`'s filter flags, parsed into flow.proto FlowFilters (matched in hubbleMatch.ts).
 *
 * Sources (cilium 1.18):
 * - hubble/cmd/observe/flows_filter.go: each flag's value goes to the `left` filter, the `right`
 *   one or both (`apply`); a flag naming both sides (`--pod`, `--ip`, `--label`, `--port`,
 *   `--identity`, `--service`) puts its source field in `left` and its destination field in
 *   `right`, so the two filters, ORed, match either side; `--namespace` goes on the source of
 *   `left` and the destination of `right`, `--from-namespace`/`--to-namespace` on both; equal
 *   filters collapse into one; `--not` sends the next flag to the blacklist; the conflict groups
 *   (`filters --x and --y cannot be combined`); the value checks of `--verdict`,
 *   `--drop-reason-desc`, `--type`, `--identity`, `--traffic-direction`.
 * - hubble/cmd/observe/flows.go: the short names -t (type), -n (namespace), -l (label).
 */
import { MESSAGE_TYPES, RESERVED_IDENTITY_NAMES, TRACE_POINTS, VERDICTS } from './hubbleTypes';
import {
  compileHubbleQuery,
  HubbleFlagError,
  type EventTypeFilter,
  type FlowFilter,
  type FlowPredicate,
  type HubbleQuery,
} from './hubbleMatch';

export * from './hubbleMatch';

/** flow.proto `enum DropReason` names, what `--drop-reason-desc` accepts. */
const DROP_REASON_NAMES = new Set(
  (
    'DROP_REASON_UNKNOWN INVALID_SOURCE_MAC INVALID_DESTINATION_MAC INVALID_SOURCE_IP POLICY_DENIED ' +
    'INVALID_PACKET_DROPPED CT_TRUNCATED_OR_INVALID_HEADER CT_MISSING_TCP_ACK_FLAG CT_UNKNOWN_L4_PROTOCOL ' +
    'CT_CANNOT_CREATE_ENTRY_FROM_PACKET UNSUPPORTED_L3_PROTOCOL MISSED_TAIL_CALL ERROR_WRITING_TO_PACKET ' +
    'UNKNOWN_L4_PROTOCOL UNKNOWN_ICMPV4_CODE UNKNOWN_ICMPV4_TYPE UNKNOWN_ICMPV6_CODE UNKNOWN_ICMPV6_TYPE ' +
    'ERROR_RETRIEVING_TUNNEL_KEY ERROR_RETRIEVING_TUNNEL_OPTIONS INVALID_GENEVE_OPTION ' +
    'UNKNOWN_L3_TARGET_ADDRESS STALE_OR_UNROUTABLE_IP NO_MATCHING_LOCAL_CONTAINER_FOUND ' +
    'ERROR_WHILE_CORRECTING_L3_CHECKSUM ERROR_WHILE_CORRECTING_L4_CHECKSUM CT_MAP_INSERTION_FAILED ' +
    'INVALID_IPV6_EXTENSION_HEADER IP_FRAGMENTATION_NOT_SUPPORTED SERVICE_BACKEND_NOT_FOUND ' +
    'NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT FAILED_TO_INSERT_INTO_PROXYMAP ' +
    'REACHED_EDT_RATE_LIMITING_DROP_HORIZON UNKNOWN_CONNECTION_TRACKING_STATE LOCAL_HOST_IS_UNREACHABLE ' +
    'NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION UNSUPPORTED_L2_PROTOCOL ' +
    'NO_MAPPING_FOR_NAT_MASQUERADE UNSUPPORTED_PROTOCOL_FOR_NAT_MASQUERADE FIB_LOOKUP_FAILED ' +
    'ENCAPSULATION_TRAFFIC_IS_PROHIBITED INVALID_IDENTITY UNKNOWN_SENDER NAT_NOT_NEEDED IS_A_CLUSTERIP ' +
    'FIRST_LOGICAL_DATAGRAM_FRAGMENT_NOT_FOUND FORBIDDEN_ICMPV6_MESSAGE DENIED_BY_LB_SRC_RANGE_CHECK ' +
    'SOCKET_LOOKUP_FAILED SOCKET_ASSIGN_FAILED PROXY_REDIRECTION_NOT_SUPPORTED_FOR_PROTOCOL POLICY_DENY ' +
    'VLAN_FILTERED INVALID_VNI INVALID_TC_BUFFER NO_SID MISSING_SRV6_STATE NAT46 NAT64 AUTH_REQUIRED ' +
    'CT_NO_MAP_FOUND SNAT_NO_MAP_FOUND INVALID_CLUSTER_ID UNSUPPORTED_PROTOCOL_FOR_DSR_ENCAP ' +
    'NO_EGRESS_GATEWAY UNENCRYPTED_TRAFFIC TTL_EXCEEDED NO_NODE_ID DROP_RATE_LIMITED IGMP_HANDLED ' +
    'IGMP_SUBSCRIBED MULTICAST_HANDLED DROP_HOST_NOT_READY DROP_EP_NOT_READY DROP_NO_EGRESS_IP ' +
    'DROP_PUNT_PROXY'
  ).split(' '),
);

/** pkg/identity/numericidentity.go reservedIdentities (name -> number) for `--identity`. */
const RESERVED_BY_NAME = new Map<string, number>([
  ...Object.entries(RESERVED_IDENTITY_NAMES).map(([id, name]) => [name, Number(id)] as const),
  ['encrypted-overlay', 11],
]);

/** Flags that take a value, by long name; the short names map to them. */
const VALUE_FLAGS = new Set([
  'pod',
  'from-pod',
  'to-pod',
  'namespace',
  'from-namespace',
  'to-namespace',
  'service',
  'from-service',
  'to-service',
  'label',
  'from-label',
  'to-label',
  'ip',
  'from-ip',
  'to-ip',
  'port',
  'from-port',
  'to-port',
  'identity',
  'from-identity',
  'to-identity',
  'verdict',
  'drop-reason-desc',
  'type',
  'protocol',
  'http-method',
  'http-path',
  'http-url',
  'http-status',
  'traffic-direction',
]);
/**
 * hubble observe's other flags (hubble/cmd/observe/flows.go): real, but nothing PacketWalk's flows
 * could be filtered or shown by, so they get a reason rather than "unknown flag".
 */
const NOT_HERE: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['fqdn', 'from-fqdn', 'to-fqdn'].map((f) => [f, 'PacketWalk’s flows carry no DNS names']),
  ),
  ...Object.fromEntries(
    ['workload', 'from-workload', 'to-workload'].map((f) => [
      f,
      'PacketWalk’s pods have no owner references to name a workload by',
    ]),
  ),
  ...Object.fromEntries(
    ['cluster', 'from-cluster', 'to-cluster'].map((f) => [f, 'PacketWalk models one cluster']),
  ),
  ...Object.fromEntries(
    ['follow', 'last', 'first', 'since', 'until', 'all', 'output', 'print-node-name'].map((f) => [
      f,
      'it is not a filter: PacketWalk shows every flow of the run (choose compact or JSON output separately)',
    ]),
  ),
  ...Object.fromEntries(
    [
      'tcp-flags',
      'http-header',
      'snat-ip',
      'node-name',
      'node-label',
      'uuid',
      'trace-id',
      'interface',
      'cel-expression',
      'ipv4',
      'ipv6',
      'ip-version',
    ].map((f) => [f, 'PacketWalk does not filter on it yet']),
  ),
};

const BOOL_FLAGS = new Set(['not', 'all-namespaces', 'from-all-namespaces', 'to-all-namespaces']);
const SHORT: Readonly<Record<string, string>> = {
  t: 'type',
  n: 'namespace',
  l: 'label',
  A: 'all-namespaces',
};

/** flows_filter.go newFlowFilter's conflict groups, for the flags PacketWalk takes. */
const CONFLICTS: readonly (readonly string[])[] = [
  ['from-ip', 'ip', 'from-namespace', 'namespace', 'from-all-namespaces', 'all-namespaces'],
  ['from-ip', 'ip', 'from-pod', 'pod'],
  ['to-ip', 'ip', 'to-namespace', 'namespace', 'to-all-namespaces', 'all-namespaces'],
  ['to-ip', 'ip', 'to-pod', 'pod'],
  ['to-pod', 'namespace', 'all-namespaces'],
  ['from-pod', 'namespace', 'all-namespaces'],
  ['to-service', 'namespace', 'all-namespaces'],
  ['from-service', 'namespace', 'all-namespaces'],
  ['label', 'from-label'],
  ['label', 'to-label'],
  ['service', 'from-service'],
  ['service', 'to-service'],
  ['port', 'to-port'],
  ['port', 'from-port'],
  ['identity', 'to-identity'],
  ['identity', 'from-identity'],
];

/** Splits a command line as a shell would for these flags: spaces, '…' and "…" quoting. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (quote) throw new HubbleFlagError(`unterminated ${quote} quote in "${text}"`);
  if (has || cur) out.push(cur);
  return out;
}

type Side = (f: FlowFilter) => void;

/** One whitelist or blacklist (flows_filter.go filterTracker). */
class Tracker {
  left?: FlowFilter;
  right?: FlowFilter;
  ns: string[] = [];
  srcNs: string[] = [];
  dstNs: string[] = [];
  changed: string[] = [];

  applyLeft(u: Side) {
    u((this.left ??= {}));
  }
  applyRight(u: Side) {
    u((this.right ??= {}));
  }
  apply(u: Side) {
    this.applyLeft(u);
    this.applyRight(u);
  }

  filters(): FlowFilter[] {
    if (!this.left && !this.right && !this.ns.length && !this.srcNs.length && !this.dstNs.length)
      return [];
    const left = (this.left ??= {});
    const right = (this.right ??= {});
    if (this.dstNs.length) for (const f of [left, right]) withNs(f, 'destination', this.dstNs);
    if (this.srcNs.length) for (const f of [left, right]) withNs(f, 'source', this.srcNs);
    if (this.ns.length) {
      withNs(left, 'source', this.ns);
      withNs(right, 'destination', this.ns);
    }
    return JSON.stringify(left) === JSON.stringify(right) ? [left] : [left, right];
  }
}

/** namespaceModifier applySrc / applyDest: the namespaces go on the pod and service names. */
function withNs(f: FlowFilter, side: 'source' | 'destination', ns: readonly string[]): void {
  const podKey = side === 'source' ? 'source_pod' : 'destination_pod';
  const svcKey = side === 'source' ? 'source_service' : 'destination_service';
  if (!f[podKey]?.length && !f[svcKey]?.length) f[podKey] = [''];
  const add = (names: string[] | undefined) =>
    names?.length
      ? names.flatMap((n) => (n.includes('/') ? [n] : ns.map((x) => `${x}/${n}`)))
      : names;
  const pods = add(f[podKey]);
  const svcs = add(f[svcKey]);
  if (pods) f[podKey] = pods;
  if (svcs) f[svcKey] = svcs;
}

const push =
  <K extends keyof FlowFilter>(key: K, v: NonNullable<FlowFilter[K]>[number]): Side =>
  (f) => {
    (f[key] as unknown[] | undefined) = [...((f[key] as unknown[] | undefined) ?? []), v];
  };

function parseIdentity(flag: string, val: string): number {
  const reserved = RESERVED_BY_NAME.get(val);
  if (reserved !== undefined) return reserved;
  const n = /^(0x[0-9a-f]+|0o?[0-7]+|[1-9][0-9]*|0)$/i.test(val) ? Number(val) : NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff)
    throw new HubbleFlagError(
      `--${flag} ${val}: invalid security identity, expected one of [${[...RESERVED_BY_NAME.keys()].join(' ')}] or a numeric value`,
    );
  return n;
}

function parseType(val: string): EventTypeFilter {
  const [name, sub] = val.split(/:(.*)/s) as [string, string | undefined];
  let type = MESSAGE_TYPES[name as keyof typeof MESSAGE_TYPES] as number | undefined;
  if (type === undefined) {
    if (!/^[0-9]+$/.test(name))
      throw new HubbleFlagError(
        `--type ${val}: unable to parse type '${name}', not a known type name (${Object.keys(MESSAGE_TYPES).join(', ')}) and unable to parse as numeric value`,
      );
    type = Number(name);
  }
  if (sub === undefined) return { type };
  if (type === MESSAGE_TYPES.trace) {
    const point = Object.values(TRACE_POINTS).find((p) => p.name === sub);
    if (point) return { type, match_sub_type: true, sub_type: point.subType };
  }
  if (!/^[0-9]+$/.test(sub))
    throw new HubbleFlagError(
      `--type ${val}: unable to parse event sub-type '${sub}', not a known sub-type name and unable to parse as numeric value`,
    );
  return { type, match_sub_type: true, sub_type: Number(sub) };
}

/** flows_filter.go flowFilter.set for one flag. */
function setOne(t: Tracker, name: string, val: string): void {
  if (!t.changed.includes(name)) t.changed.push(name);
  for (const group of CONFLICTS) {
    if (!group.includes(name)) continue;
    const other = group.find((g) => g !== name && t.changed.includes(g));
    if (other) throw new HubbleFlagError(`filters --${name} and --${other} cannot be combined`);
  }
  const both = (src: keyof FlowFilter, dst: keyof FlowFilter, v: string | number) => {
    t.applyLeft(push(src, v as never));
    t.applyRight(push(dst, v as never));
  };
  switch (name) {
    case 'pod':
      return both('source_pod', 'destination_pod', val);
    case 'from-pod':
      return t.apply(push('source_pod', val));
    case 'to-pod':
      return t.apply(push('destination_pod', val));
    case 'service':
      return both('source_service', 'destination_service', val);
    case 'from-service':
      return t.apply(push('source_service', val));
    case 'to-service':
      return t.apply(push('destination_service', val));
    case 'namespace':
      t.ns.push(val);
      return;
    case 'from-namespace':
      t.srcNs.push(val);
      return;
    case 'to-namespace':
      t.dstNs.push(val);
      return;
    case 'all-namespaces':
      t.ns.push('');
      return;
    case 'from-all-namespaces':
      t.srcNs.push('');
      return;
    case 'to-all-namespaces':
      t.dstNs.push('');
      return;
    case 'label':
      return both('source_label', 'destination_label', val);
    case 'from-label':
      return t.apply(push('source_label', val));
    case 'to-label':
      return t.apply(push('destination_label', val));
    case 'ip':
      return both('source_ip', 'destination_ip', val);
    case 'from-ip':
      return t.apply(push('source_ip', val));
    case 'to-ip':
      return t.apply(push('destination_ip', val));
    case 'port':
      return both('source_port', 'destination_port', val);
    case 'from-port':
      return t.apply(push('source_port', val));
    case 'to-port':
      return t.apply(push('destination_port', val));
    case 'identity':
      return both('source_identity', 'destination_identity', parseIdentity(name, val));
    case 'from-identity':
      return t.apply(push('source_identity', parseIdentity(name, val)));
    case 'to-identity':
      return t.apply(push('destination_identity', parseIdentity(name, val)));
    case 'verdict':
      if (val !== 'VERDICT_UNKNOWN' && !(VERDICTS as readonly string[]).includes(val))
        throw new HubbleFlagError(
          `invalid --verdict value: ${val} (expected one of ${VERDICTS.join(', ')}; the names are case-sensitive)`,
        );
      return t.apply(push('verdict', val));
    case 'drop-reason-desc':
      if (val === '') throw new HubbleFlagError('empty --drop-reason-desc value');
      if (!DROP_REASON_NAMES.has(val))
        throw new HubbleFlagError(
          `invalid --drop-reason-desc value: ${val} (expected a flow.proto DropReason name such as POLICY_DENIED or POLICY_DENY)`,
        );
      return t.apply(push('drop_reason_desc', val));
    case 'type':
      return t.apply(push('event_type', parseType(val)));
    case 'protocol':
      return t.apply(push('protocol', val));
    case 'http-method':
      return t.apply(push('http_method', val));
    case 'http-path':
      return t.apply(push('http_path', val));
    case 'http-url':
      return t.apply(push('http_url', val));
    case 'http-status':
      return t.apply(push('http_status_code', val));
    case 'traffic-direction': {
      const td = val.toLowerCase();
      if (td !== 'ingress' && td !== 'egress')
        throw new HubbleFlagError(
          `--traffic-direction ${td}: invalid traffic direction, expected ingress or egress`,
        );
      return t.apply(push('traffic_direction', td === 'ingress' ? 'INGRESS' : 'EGRESS'));
    }
  }
}

const nsOf = (name: string): string => (name.includes('/') ? name.split('/')[0]! : '');

/** flows_filter.go checkNamespaceConflicts, after every flag. */
function checkNamespaces(t: Tracker): void {
  const conflicts = (ns: readonly string[], names: readonly string[] | undefined) => {
    for (const n of ns)
      for (const name of names ?? []) {
        const own = nsOf(name);
        if (own !== '' && own !== n)
          throw new HubbleFlagError(`namespace conflict: "${n}" does not contain "${name}"`);
      }
  };
  // checkInconsistentNamespaces: a pod and a Service of one side in different namespaces.
  const inconsistent = (pods: readonly string[] = [], svcs: readonly string[] = []) => {
    for (const pod of pods) {
      if (nsOf(pod) === '') continue;
      for (const svc of svcs)
        if (nsOf(svc) !== nsOf(pod))
          throw new HubbleFlagError(
            `namespace of service "${svc}" conflict with pod "${nsOf(pod)}"`,
          );
    }
  };
  for (const f of [t.left, t.right]) {
    if (!f) continue;
    for (const names of [f.source_pod, f.source_service, f.destination_pod, f.destination_service])
      conflicts(t.ns, names);
    conflicts(t.srcNs, f.source_pod);
    conflicts(t.srcNs, f.source_service);
    conflicts(t.dstNs, f.destination_pod);
    conflicts(t.dstNs, f.destination_service);
    inconsistent(f.source_pod, f.source_service);
    inconsistent(f.destination_pod, f.destination_service);
  }
}

function setFlag(t: Tracker, name: string, val: string): void {
  setOne(t, name, val);
  checkNamespaces(t);
}

/**
 * Parses `hubble observe` filter flags (`--flag value`, `--flag=value`, `-n value`, `-nvalue`),
 * from an argv or a command line; throws HubbleFlagError. The filters are also built (labels,
 * ports, regular expressions, addresses checked) so every mistake is reported here.
 */
export function parseHubbleFlags(args: string | readonly string[]): HubbleQuery {
  const all = typeof args === 'string' ? splitArgs(args) : args;
  // A pasted command line: skip `hubble observe` (and its `flows` subcommand).
  const skip = all[0] === 'hubble' && all[1] === 'observe' ? (all[2] === 'flows' ? 3 : 2) : 0;
  const argv = all.slice(skip);
  const white = new Tracker();
  const black = new Tracker();
  let blacklisting = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let name: string;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      value = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const long = SHORT[arg[1]!];
      if (!long) throw new HubbleFlagError(`unknown shorthand flag: '${arg[1]}' in ${arg}`);
      name = long;
      value = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined;
    } else {
      throw new HubbleFlagError(`unexpected argument "${arg}": filters are flags such as --to-pod`);
    }
    if (BOOL_FLAGS.has(name)) {
      if (value !== undefined && value !== 'true')
        throw new HubbleFlagError(`--${name} takes no value (got "${value}")`);
      if (name === 'not') {
        if (blacklisting) throw new HubbleFlagError('consecutive --not statements');
        blacklisting = true;
        continue;
      }
      value = '';
    } else if (!VALUE_FLAGS.has(name)) {
      throw new HubbleFlagError(
        NOT_HERE[name] ? `--${name}: ${NOT_HERE[name]}` : `unknown flag: --${name}`,
      );
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new HubbleFlagError(`flag needs an argument: --${name}`);
    }
    setFlag(blacklisting ? black : white, name, value);
    blacklisting = false;
  }
  if (blacklisting) throw new HubbleFlagError('--not must be followed by a filter flag');
  const query = { whitelist: white.filters(), blacklist: black.filters() };
  compileHubbleQuery(query);
  return query;
}

/** Parses the flags and returns the predicate; throws HubbleFlagError on a bad flag. */
export function hubbleFilter(args: string | readonly string[]): FlowPredicate {
  return compileHubbleQuery(parseHubbleFlags(args));
}
