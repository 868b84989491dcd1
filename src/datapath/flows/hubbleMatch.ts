/**
 * Hubble's FlowFilters matched against flows, as pkg/hubble/filters builds them.
 *
 * Sources (cilium 1.18):
 * - pkg/hubble/filters/filters.go: the flow passes when it matches one whitelist filter
 *   (`MatchOne`) and no blacklist filter (`MatchNone`); a filter matches when all its parts do
 *   (`MatchAll`); each part matches when one of its values does.
 * - pkg/hubble/filters/{k8s,labels,labelparser,ip,port,protocol,http,event_type,verdict,identity,
 *   traffic_direction,drop_reason_desc}.go: each part's matching and its build-time errors.
 * - pkg/hubble/k8s/utils.go ParseNamespaceName: a pod name without a namespace means `default/`.
 */
import { isIPv4, parseCidr, cidrContains, type Cidr } from '../../engine/cidr';
import { compileRe2 } from '../../engine/cilium/re2';
import { matchesLabelSelector, type LabelSelector, type Labels } from '../../engine/labels';
import { parseKubectlSelector } from '../../engine/labelString';
import { MESSAGE_TYPES, type HubbleEndpoint, type HubbleFlow } from './hubbleTypes';

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
  http_url?: string[];
  traffic_direction?: ('INGRESS' | 'EGRESS')[];
}

export interface HubbleQuery {
  /** Flows matching one of these pass (none: every flow). */
  readonly whitelist: readonly FlowFilter[];
  /** …unless they match one of these (`--not`). */
  readonly blacklist: readonly FlowFilter[];
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

/**
 * http.go compiles with Go's regexp (RE2); PacketWalk with re2js, the same syntax in linear time.
 * Go's Regexp.MatchString finds a match anywhere (not anchored): re2js `test` does the same.
 */
function regexps(flag: string, patterns: readonly string[]) {
  return patterns.map((p) => {
    const c = compileRe2(p);
    if (!c.ok)
      throw new HubbleFlagError(`--${flag} ${p}: invalid regular expression: ${c.problem}`);
    return c.re;
  });
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
    const res = regexps('http-path', ff.http_path);
    parts.push((f) => {
      const url = f.l7?.http.url;
      const path = url ? urlPath(url) : undefined;
      return path !== undefined && res.some((re) => re.test(path));
    });
  }
  if (ff.http_url?.length) {
    httpCompatible(ff, 'http url');
    const res = regexps('http-url', ff.http_url);
    parts.push((f) => {
      const url = f.l7?.http.url;
      return !!url && res.some((re) => re.test(url));
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
