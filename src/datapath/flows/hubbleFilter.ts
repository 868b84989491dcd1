/**
 * `hubble observe`'s filter flags, parsed into flow.proto FlowFilters and matched as Hubble
 * matches them.
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
 * - pkg/hubble/filters/filters.go: the flow passes when it matches one whitelist filter
 *   (`MatchOne`) and no blacklist filter (`MatchNone`); a filter matches when all its parts do
 *   (`MatchAll`); each part matches when one of its values does.
 * - pkg/hubble/filters/{k8s,labels,labelparser,ip,port,protocol,http,event_type,verdict,identity,
 *   traffic_direction,drop_reason_desc}.go: each part's matching and its build-time errors.
 * - pkg/hubble/k8s/utils.go ParseNamespaceName: a pod name without a namespace means `default/`.
 * - hubble/cmd/observe/flows.go: the short names -t (type), -n (namespace), -l (label).
 */
import { isIPv4, parseCidr, cidrContains, type Cidr } from '../../engine/cidr';
import { compileRe2 } from '../../engine/cilium/re2';
import { matchesLabelSelector, type LabelSelector, type Labels } from '../../engine/labels';
import { parseKubectlSelector } from '../../engine/labelString';
import {
  MESSAGE_TYPES,
  RESERVED_IDENTITY_NAMES,
  TRACE_POINTS,
  VERDICTS,
  type HubbleEndpoint,
  type HubbleFlow,
} from './hubbleTypes';

/** A flag `hubble observe` would refuse, with the flag named and why. */
export class HubbleFlagError extends Error {}

export interface EventTypeFilter {
  readonly type: number;
  readonly match_sub_type?: boolean;
  readonly sub_type?: number;
}

/** flow.proto `message FlowFilter`, the fields these flags set. */
export interface FlowFilter {
  source_pod?: string[];
  destination_pod?: string[];
  source_service?: string[];
  destination_service?: string[];
  source_ip?: string[];
  destination_ip?: string[];
  source_label?: string[];
  destination_label?: string[];
  source_port?: string[];
  destination_port?: string[];
  source_identity?: number[];
  destination_identity?: number[];
  verdict?: string[];
  drop_reason_desc?: string[];
  event_type?: EventTypeFilter[];
  protocol?: string[];
  http_status_code?: string[];
  http_method?: string[];
  http_path?: string[];
  traffic_direction?: ('INGRESS' | 'EGRESS')[];
}

export interface HubbleQuery {
  /** Flows matching one of these pass (none: every flow). */
  readonly whitelist: readonly FlowFilter[];
  /** …unless they match one of these (`--not`). */
  readonly blacklist: readonly FlowFilter[];
}

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
  'http-status',
  'traffic-direction',
]);
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
function setFlag(t: Tracker, name: string, val: string): void {
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

/**
 * Parses `hubble observe` filter flags (`--flag value`, `--flag=value`, `-n value`, `-nvalue`),
 * from an argv or a command line; throws HubbleFlagError. The filters are also built (labels,
 * ports, regular expressions, addresses checked) so every mistake is reported here.
 */
export function parseHubbleFlags(args: string | readonly string[]): HubbleQuery {
  const argv = typeof args === 'string' ? splitArgs(args) : args;
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
      throw new HubbleFlagError(`unknown flag: --${name}`);
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

export type FlowPredicate = (f: HubbleFlow) => boolean;

/** pkg/hubble/filters/k8s.go filterByNamespacedName (pods, services). */
function byName(names: readonly string[], get: (f: HubbleFlow) => [string, string]): FlowPredicate {
  const parsed = names.map((n) => {
    if (n === '') throw new HubbleFlagError('invalid filter, name must not be empty');
    const parts = n.split('/');
    if (parts.length > 1) return { ns: parts[0]!, prefix: parts[1]! };
    return { ns: 'default', prefix: n }; // pkg/hubble/k8s/utils.go ParseNamespaceName
  });
  return (f) => {
    const [ns, name] = get(f);
    if (ns === '' && name === '') return false;
    return parsed.some(
      (p) => (p.prefix === '' || name.startsWith(p.prefix)) && (p.ns === '' || p.ns === ns),
    );
  };
}

/**
 * labelparser.go translateSelector: a key without a source gets `any:`, and the source's colon
 * becomes a dot, so the Kubernetes selector parser accepts it (`app=api` -> `any.app=api`).
 */
export function translateSelector(selector: string): string {
  let out = '';
  let i = 0;
  const n = selector.length;
  while (i < n) {
    while (i < n && (/\s/.test(selector[i]!) || selector[i] === '!')) out += selector[i++];
    let key = '';
    while (i < n && !/[\s=!,]/.test(selector[i]!)) key += selector[i++];
    out += (key.includes(':') ? key : `any:${key}`).replace(':', '.');
    let nesting = 0;
    while (i < n) {
      const c = selector[i++]!;
      if (c === '(') nesting++;
      if (c === ')') nesting--;
      out += c;
      if (c === ',' && nesting === 0) break;
    }
  }
  return out;
}

/** An endpoint's labels keyed as the translated selectors ask: `k8s.app` and `any.app`. */
function labelKeys(ep: HubbleEndpoint): Labels {
  const out: Record<string, string> = {};
  for (const l of ep.labels) {
    const colon = l.indexOf(':');
    const source = colon < 0 ? 'unspec' : l.slice(0, colon);
    const [key, value = ''] = l.slice(colon + 1).split(/=(.*)/s);
    out[`${source}.${key}`] = value;
    out[`any.${key}`] ??= value;
  }
  return out;
}

function byLabels(
  flag: string,
  selectors: readonly string[],
  get: (f: HubbleFlow) => HubbleEndpoint,
): FlowPredicate {
  const parsed: LabelSelector[] = selectors.map((s) => {
    const r = parseKubectlSelector(translateSelector(s));
    if (!r.ok) throw new HubbleFlagError(`--${flag} "${s}": invalid label selector: ${r.error}`);
    return r.selector;
  });
  return (f) => {
    const labels = labelKeys(get(f));
    return parsed.some((s) => matchesLabelSelector(labels, s));
  };
}

function byIPs(
  flag: string,
  ips: readonly string[],
  get: (f: HubbleFlow) => string,
): FlowPredicate {
  const addresses: string[] = [];
  const prefixes: Cidr[] = [];
  for (const ip of ips) {
    if (ip.includes('/')) {
      const r = parseCidr(ip, { allowHostBits: true });
      if (!r.ok) throw new HubbleFlagError(`--${flag} ${ip}: invalid IP prefix: ${r.error}`);
      prefixes.push(r.cidr);
    } else {
      if (!isIPv4(ip))
        throw new HubbleFlagError(
          `--${flag} ${ip}: invalid IP address (PacketWalk's clusters are IPv4)`,
        );
      addresses.push(ip);
    }
  }
  return (f) => {
    const ip = get(f);
    return ip !== '' && (addresses.includes(ip) || prefixes.some((c) => cidrContains(c, ip)));
  };
}

const portsOf = (f: HubbleFlow) => {
  const l4 = f.l4;
  return l4 && 'TCP' in l4
    ? l4.TCP
    : l4 && 'UDP' in l4
      ? l4.UDP
      : l4 && 'SCTP' in l4
        ? l4.SCTP
        : null;
};

function byPorts(flag: string, values: readonly string[], src: boolean): FlowPredicate {
  const ports = values.map((p) => {
    if (!/^[0-9]+$/.test(p) || Number(p) > 65535)
      throw new HubbleFlagError(
        `--${flag} ${p}: invalid port "${p}": not a number from 0 to 65535`,
      );
    return Number(p);
  });
  return (f) => {
    const p = portsOf(f);
    return p !== null && ports.includes(src ? p.source_port : p.destination_port);
  };
}

const L4_PROTOCOLS = ['icmp', 'icmpv4', 'icmpv6', 'tcp', 'udp', 'sctp'];
const L7_PROTOCOLS = ['dns', 'http', 'kafka'];

function byProtocol(values: readonly string[]): FlowPredicate {
  const protos = values.map((p) => {
    const lower = p.toLowerCase();
    if (!L4_PROTOCOLS.includes(lower) && !L7_PROTOCOLS.includes(lower))
      throw new HubbleFlagError(
        `--protocol ${p}: unknown protocol: "${p}" (expected one of ${[...L4_PROTOCOLS, ...L7_PROTOCOLS].join(', ')})`,
      );
    return lower;
  });
  return (f) =>
    protos.some((p) => {
      const l4 = f.l4;
      switch (p) {
        case 'icmp':
        case 'icmpv4':
          return l4 !== undefined && 'ICMPv4' in l4;
        case 'tcp':
          return l4 !== undefined && 'TCP' in l4;
        case 'udp':
          return l4 !== undefined && 'UDP' in l4;
        case 'sctp':
          return l4 !== undefined && 'SCTP' in l4;
        case 'http':
          return f.l7?.http !== undefined;
        default:
          return false; // icmpv6, dns, kafka: PacketWalk has none
      }
    });
}

/** http.go: HTTP filters need the event type filter to allow l7 events. */
function httpCompatible(ff: FlowFilter, what: string): void {
  const types = ff.event_type ?? [];
  if (types.length && !types.some((t) => t.type === MESSAGE_TYPES.l7))
    throw new HubbleFlagError(
      `filtering by ${what} requires the event type filter to only match 'l7' events`,
    );
}

/** The path of an http.url, as url.ParseRequestURI gives it (undefined when it is not a URL). */
function urlPath(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url) ?? /^(\/[^?#]*)/.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

function buildFilter(ff: FlowFilter): FlowPredicate {
  const parts: FlowPredicate[] = [];
  const ep = (side: 'source' | 'destination') => (f: HubbleFlow) => f[side];
  if (ff.event_type?.length) {
    const types = ff.event_type;
    parts.push((f) =>
      types.some(
        (t) =>
          (t.type === 0 || t.type === f.event_type.type) &&
          (!t.match_sub_type || t.sub_type === (f.event_type.sub_type ?? 0)),
      ),
    );
  }
  if (ff.verdict?.length) {
    const v = ff.verdict;
    parts.push((f) => v.includes(f.verdict));
  }
  if (ff.drop_reason_desc?.length) {
    const d = ff.drop_reason_desc;
    parts.push(
      (f) => f.verdict === 'DROPPED' && d.includes(f.drop_reason_desc ?? 'DROP_REASON_UNKNOWN'),
    );
  }
  if (ff.source_identity?.length) {
    const ids = ff.source_identity;
    parts.push((f) => ids.includes(f.source.identity));
  }
  if (ff.destination_identity?.length) {
    const ids = ff.destination_identity;
    parts.push((f) => ids.includes(f.destination.identity));
  }
  if (ff.protocol?.length) parts.push(byProtocol(ff.protocol));
  if (ff.source_ip?.length) parts.push(byIPs('from-ip', ff.source_ip, (f) => f.IP.source));
  if (ff.destination_ip?.length)
    parts.push(byIPs('to-ip', ff.destination_ip, (f) => f.IP.destination));
  if (ff.source_pod?.length)
    parts.push(byName(ff.source_pod, (f) => [f.source.namespace ?? '', f.source.pod_name ?? '']));
  if (ff.destination_pod?.length)
    parts.push(
      byName(ff.destination_pod, (f) => [
        f.destination.namespace ?? '',
        f.destination.pod_name ?? '',
      ]),
    );
  if (ff.source_service?.length)
    parts.push(
      byName(ff.source_service, (f) => [
        f.source_service?.namespace ?? '',
        f.source_service?.name ?? '',
      ]),
    );
  if (ff.destination_service?.length)
    parts.push(
      byName(ff.destination_service, (f) => [
        f.destination_service?.namespace ?? '',
        f.destination_service?.name ?? '',
      ]),
    );
  if (ff.source_label?.length) parts.push(byLabels('from-label', ff.source_label, ep('source')));
  if (ff.destination_label?.length)
    parts.push(byLabels('to-label', ff.destination_label, ep('destination')));
  if (ff.source_port?.length) parts.push(byPorts('from-port', ff.source_port, true));
  if (ff.destination_port?.length) parts.push(byPorts('to-port', ff.destination_port, false));
  if (ff.http_status_code?.length) {
    httpCompatible(ff, 'http status code');
    const full: string[] = [];
    const prefix: string[] = [];
    for (const s of ff.http_status_code) {
      if (/^[1-5][0-9]{2}$/.test(s)) full.push(s);
      else if (/^[1-5][0-9]?\+$/.test(s)) prefix.push(s.slice(0, -1));
      else
        throw new HubbleFlagError(
          `--http-status ${s}: invalid status code prefix: "${s}" (write 403, or 4+ / 40+ for a prefix)`,
        );
    }
    parts.push((f) => {
      const code = f.l7?.http.code;
      if (!code) return false;
      const text = String(code).padStart(3, '0');
      return full.includes(text) || prefix.some((p) => text.startsWith(p));
    });
  }
  if (ff.http_method?.length) {
    httpCompatible(ff, 'http method');
    const methods = ff.http_method.map((m) => m.toLowerCase());
    parts.push((f) => {
      const m = f.l7?.http.method;
      return !!m && methods.includes(m.toLowerCase());
    });
  }
  if (ff.http_path?.length) {
    httpCompatible(ff, 'http path');
    const res = ff.http_path.map((p) => {
      const c = compileRe2(p);
      if (!c.ok)
        throw new HubbleFlagError(`--http-path ${p}: invalid regular expression: ${c.problem}`);
      return c.re;
    });
    parts.push((f) => {
      const url = f.l7?.http.url;
      const path = url ? urlPath(url) : undefined;
      // Go's Regexp.MatchString finds a match anywhere in the path (not anchored).
      return path !== undefined && res.some((re) => re.test(path));
    });
  }
  if (ff.traffic_direction?.length) {
    const d = ff.traffic_direction;
    parts.push((f) => f.traffic_direction !== undefined && d.includes(f.traffic_direction));
  }
  return (f) => parts.every((p) => p(f));
}

/** filters.go Apply: one whitelist filter matches and no blacklist filter does. */
export function compileHubbleQuery(q: HubbleQuery): FlowPredicate {
  const white = q.whitelist.map(buildFilter);
  const black = q.blacklist.map(buildFilter);
  return (f) => (white.length === 0 || white.some((w) => w(f))) && !black.some((b) => b(f));
}

/** Parses the flags and returns the predicate; throws HubbleFlagError on a bad flag. */
export function hubbleFilter(args: string | readonly string[]): FlowPredicate {
  return compileHubbleQuery(parseHubbleFlags(args));
}
