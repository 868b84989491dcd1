/**
 * The traffic a run walks ("Run traffic", `cli observe`): generated over the scenario, or listed by
 * hand in a traffic file (a lesson's or the user's).
 *
 * Generated, per client pod, in this order: every port another pod declares (`containerPort`),
 * every Service port (to its ClusterIP), the outside addresses (one public address, plus the first
 * address of every CIDR a policy names), and HTTP requests where a Cilium L7 rule judges them (one
 * request per rule, built from its method and path, and one request no rule names, to show a 403).
 * A cap keeps a generated cluster of thousands of pods to a run a room can read; the kinds take
 * turns under the cap, and the run says how many connections it left out.
 */
import { nthAddress, type Cidr } from '../../engine/cidr';
import { podKey } from '../../engine/cluster';
import { matchesLabelSelector } from '../../engine/labels';
import type {
  CiliumHttpRule,
  CiliumPolicy,
  Cluster,
  Diagnostic,
  HttpRequest,
  Pod,
  ProbeProtocol,
} from '../../engine/model';
import { Reader } from '../../engine/parse/reader';
import { parseYamlFile } from '../../engine/parse/yaml';
import type { PacketSpec } from '../packet';
import type { TrafficConnection, TrafficKind } from './types';

export interface TrafficOptions {
  /** At most this many connections (default 500). */
  readonly max?: number;
}

export const DEFAULT_TRAFFIC_MAX = 500;

/** The public address every pod is sent to: a documentation-free, routable resolver address. */
export const OUTSIDE_ADDRESS = '1.1.1.1';

export interface GeneratedTraffic {
  readonly connections: readonly TrafficConnection[];
  /** Connections left out by the cap. */
  readonly omitted: number;
}

/** The first address of a CIDR: the network address plus one for a subnet, the host for a /31-/32. */
const firstAddress = (c: Cidr): string => nthAddress(c, c.prefix >= 31 ? 0 : 1);

const inCluster = (cluster: Cluster, ip: string): boolean =>
  cluster.pods.some((p) => p.ip === ip) || cluster.nodes.some((n) => n.internalIP === ip);

/** The outside addresses: the public one, then the first address of each CIDR policies name. */
export function outsideAddresses(cluster: Cluster): string[] {
  const found = new Set<string>([OUTSIDE_ADDRESS]);
  const add = (c: Cidr) => {
    const ip = firstAddress(c);
    if (!inCluster(cluster, ip) && !ip.startsWith('127.')) found.add(ip);
  };
  for (const p of cluster.k8sPolicies)
    for (const rule of p.egress ?? [])
      for (const peer of rule.peers ?? []) if (peer.ipBlock) add(peer.ipBlock.cidr);
  for (const p of cluster.ciliumPolicies)
    for (const rule of p.egress ?? []) for (const c of rule.cidrs ?? []) add(c.cidr);
  return [...found];
}

/** A concrete value a POSIX regex of a Cilium HTTP rule matches, when it is simple enough. */
function sample(regex: string | undefined, fallback: string): string | null {
  if (regex === undefined) return fallback;
  const s = regex.replace(/^\^/, '').replace(/\$$/, '').replace(/\.\*$/, '').replace(/\.\+$/, 'x');
  return /^[A-Za-z0-9/_\-.]*$/.test(s) && !s.includes('..') ? s || fallback : null;
}

/** Requests built from one L7 rule list: one per rule, and one that no rule names. */
function httpRequests(rules: readonly CiliumHttpRule[]): HttpRequest[] {
  const out: HttpRequest[] = [];
  for (const rule of rules) {
    if (rule.headers?.length || rule.headerMatches?.length || rule.host) continue;
    const method = sample(rule.method, 'GET');
    const path = sample(rule.path, '/');
    if (method && path && /^[A-Z]+$/.test(method) && path.startsWith('/'))
      out.push({ method, path });
  }
  out.push({ method: 'DELETE', path: '/admin' });
  const seen = new Set<string>();
  return out.filter(
    (r) => !seen.has(`${r.method} ${r.path}`) && !!seen.add(`${r.method} ${r.path}`),
  );
}

const selects = (policy: CiliumPolicy, pod: Pod): boolean =>
  !!policy.endpointSelector &&
  (policy.clusterwide || policy.namespace === pod.namespace) &&
  matchesLabelSelector(pod.labels, policy.endpointSelector);

/** Per server pod, its L7 ports and the requests to send there. */
function l7Targets(cluster: Cluster): { pod: Pod; port: number; requests: HttpRequest[] }[] {
  const out: { pod: Pod; port: number; requests: HttpRequest[] }[] = [];
  for (const pod of cluster.pods) {
    const byPort = new Map<number, CiliumHttpRule[]>();
    for (const policy of cluster.ciliumPolicies) {
      if (!selects(policy, pod)) continue;
      for (const rule of policy.ingress ?? [])
        for (const pr of rule.toPorts ?? []) {
          if (pr.http === null) continue;
          for (const port of pr.ports) {
            const n =
              typeof port.port === 'number'
                ? port.port
                : pod.ports.find((p) => p.name === port.port)?.port;
            if (n) byPort.set(n, [...(byPort.get(n) ?? []), ...pr.http]);
          }
        }
    }
    for (const [port, rules] of byPort) out.push({ pod, port, requests: httpRequests(rules) });
  }
  return out;
}

/** Each kind's connections, lazily, so a cap over a million candidates costs only what it keeps. */
function* perKind(cluster: Cluster, kind: TrafficKind): Generator<PacketSpec> {
  const pods = cluster.pods;
  if (kind === 'pod-port') {
    for (const from of pods)
      for (const to of pods)
        if (to !== from)
          for (const p of to.ports)
            yield {
              from: podKey(from),
              to: `pod:${podKey(to)}`,
              port: p.port,
              protocol: p.protocol,
            };
  } else if (kind === 'service') {
    for (const from of pods)
      for (const svc of cluster.services)
        for (const p of svc.ports)
          yield {
            from: podKey(from),
            to: `svc:${svc.namespace}/${svc.name}`,
            port: p.port,
            protocol: p.protocol,
          };
  } else if (kind === 'outside') {
    const addresses = outsideAddresses(cluster);
    for (const from of pods)
      for (const ip of addresses)
        yield { from: podKey(from), to: `ip:${ip}`, port: 443, protocol: 'TCP' };
  } else if (kind === 'http') {
    const targets = l7Targets(cluster);
    for (const from of pods)
      for (const t of targets)
        if (t.pod !== from)
          for (const http of t.requests)
            yield {
              from: podKey(from),
              to: `pod:${podKey(t.pod)}`,
              port: t.port,
              protocol: 'TCP',
              http,
            };
  }
}

const GENERATED_KINDS: readonly TrafficKind[] = ['pod-port', 'service', 'outside', 'http'];

/** The generated traffic of a scenario, at most `max` connections, the kinds taking turns. */
export function generateTraffic(cluster: Cluster, options: TrafficOptions = {}): GeneratedTraffic {
  const max = options.max ?? DEFAULT_TRAFFIC_MAX;
  const sources = GENERATED_KINDS.map((kind) => ({ kind, it: perKind(cluster, kind) }));
  const connections: TrafficConnection[] = [];
  let omitted = 0;
  let live = sources.slice();
  while (live.length > 0) {
    const next: typeof live = [];
    for (const s of live) {
      const r = s.it.next();
      if (r.done) continue;
      next.push(s);
      if (connections.length < max) connections.push({ packet: r.value, kind: s.kind });
      else omitted++;
    }
    live = next;
  }
  return { connections, omitted };
}

const PROTOCOLS: readonly ProbeProtocol[] = ['TCP', 'UDP', 'SCTP', 'ICMP'];

export interface ParsedTraffic {
  readonly connections: readonly TrafficConnection[];
  /** Errors say file:line:column and the field; a file with errors gives no connections. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * A traffic file: a YAML list of connections (or `traffic:` holding one), each
 * `{from: ns/pod, to: ns/pod | svc:ns/name | ip:a.b.c.d, port, protocol?, http?: {method, path}}`.
 * Whether the pods exist is checked when the connection is walked (the run says which failed).
 */
export function parseTraffic(text: string, file: string): ParsedTraffic {
  const parsed = parseYamlFile(text, file);
  const diagnostics: Diagnostic[] = parsed.diagnostics.filter((d) => d.severity === 'error');
  const doc = parsed.documents[0];
  if (!doc || diagnostics.length > 0) return { connections: [], diagnostics };
  const r = new Reader(doc, 'traffic', diagnostics, 'error');
  const root = Array.isArray(doc.value) ? '' : 'traffic';
  if (root) {
    r.keys('', ['traffic']);
    if (!r.list('traffic', { required: true })) return { connections: [], diagnostics };
  }
  const items = (root ? r.list(root) : (doc.value as unknown[])) ?? [];
  const connections: TrafficConnection[] = [];
  items.forEach((_, i) => {
    const p = root ? `${root}[${i}]` : `[${i}]`;
    if (!r.map(p, { required: true })) return;
    r.keys(p, ['from', 'to', 'port', 'protocol', 'http']);
    const from = r.string(`${p}.from`, { required: true });
    const to = r.string(`${p}.to`, { required: true });
    const protocolText = r.string(`${p}.protocol`) ?? 'TCP';
    const protocol = PROTOCOLS.find((x) => x === protocolText.toUpperCase());
    if (!protocol)
      r.error(`${p}.protocol`, `"${protocolText}" is not one of ${PROTOCOLS.join(', ')}`);
    const port =
      protocol === 'ICMP'
        ? (r.int(`${p}.port`, { min: 0, max: 65535 }) ?? 0)
        : r.int(`${p}.port`, { required: true, min: 1, max: 65535 });
    const http = r.map(`${p}.http`)
      ? {
          method: r.string(`${p}.http.method`, { required: true }),
          path: r.string(`${p}.http.path`, { required: true }),
        }
      : undefined;
    if (http) r.keys(`${p}.http`, ['method', 'path']);
    if (from === undefined || to === undefined || port === undefined || !protocol) return;
    if (http && (http.method === undefined || http.path === undefined)) return;
    const packet: PacketSpec = {
      from,
      to,
      port,
      protocol,
      ...(http ? { http: { method: http.method!, path: http.path! } } : {}),
    };
    connections.push({ packet, kind: 'listed' });
  });
  return diagnostics.some((d) => d.severity === 'error')
    ? { connections: [], diagnostics }
    : { connections, diagnostics };
}
