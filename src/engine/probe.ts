/**
 * Probes: "can this connection be opened?", from a pod or an address to a pod or an address.
 */
import { isIPv4 } from './cidr';
import { indexCluster, podKey } from './cluster';
import {
  ECHO_REQUEST,
  type Cluster,
  type Decision,
  type IcmpTypeCode,
  type Peer,
  type Probe,
  type ProbeEndpoint,
  type ResolvedProbe,
} from './model';

export type ResolveResult = { ok: true; probe: ResolvedProbe } | { ok: false; error: string };

function resolveEndpoint(cluster: Cluster, ep: ProbeEndpoint): Peer | string {
  const index = indexCluster(cluster);
  if ('pod' in ep) {
    const pod = index.podByKey.get(ep.pod);
    if (!pod) return `unknown pod "${ep.pod}" (expected namespace/name of a Pod in the manifests)`;
    return { kind: 'pod', pod };
  }
  if (!isIPv4(ep.ip)) return `"${ep.ip}" is not an IPv4 address`;
  // An address that belongs to a pod or a node is that pod or node, whoever names it.
  const pod = index.podByIP.get(ep.ip);
  if (pod) return { kind: 'pod', pod };
  const node = index.nodeByIP.get(ep.ip);
  if (node) return { kind: 'node', node };
  return { kind: 'external', ip: ep.ip };
}

export const peerIP = (peer: Peer): string =>
  peer.kind === 'pod' ? peer.pod.ip : peer.kind === 'node' ? peer.node.internalIP : peer.ip;

export const peerName = (peer: Peer): string =>
  peer.kind === 'pod'
    ? podKey(peer.pod)
    : peer.kind === 'node'
      ? `node ${peer.node.name} (${peer.node.internalIP})`
      : peer.ip;

export function resolveProbe(cluster: Cluster, probe: Probe): ResolveResult {
  const src = resolveEndpoint(cluster, probe.from);
  if (typeof src === 'string') return { ok: false, error: `from: ${src}` };
  const dst = resolveEndpoint(cluster, probe.to);
  if (typeof dst === 'string') return { ok: false, error: `to: ${dst}` };
  if (src.kind !== 'pod' && dst.kind !== 'pod') {
    return { ok: false, error: 'a probe needs a pod at one end at least' };
  }
  // Each probe is a plain literal of a fixed shape: spreading into it (`{ ...base, ...extra }`)
  // gave every probe a hidden class of its own, and every model read of a field a megamorphic
  // lookup (~1 µs per verdict in `npm run bench`).
  const srcIP = peerIP(src);
  const dstIP = peerIP(dst);
  if (probe.protocol === 'ICMP') {
    const icmp = probe.icmp ?? ECHO_REQUEST;
    const bad = icmpTypeCodeError(icmp);
    if (bad) return { ok: false, error: bad };
    if (probe.http) return { ok: false, error: 'an ICMP probe cannot carry an HTTP request' };
    return { ok: true, probe: { src, dst, srcIP, dstIP, port: 0, protocol: 'ICMP', icmp } };
  }
  if (probe.icmp) return { ok: false, error: `icmp is set but the protocol is ${probe.protocol}` };
  if (!Number.isInteger(probe.port) || probe.port < 1 || probe.port > 65535) {
    return { ok: false, error: `port ${probe.port} is not between 1 and 65535` };
  }
  const { port, protocol, http } = probe;
  return {
    ok: true,
    probe: http
      ? { src, dst, srcIP, dstIP, port, protocol, http }
      : { src, dst, srcIP, dstIP, port, protocol },
  };
}

/**
 * The two cases the NetworkPolicy spec settles before any policy: a pod reaching its own address
 * (it never leaves the pod's network namespace) and a pod reaching the node it runs on.
 */
export type SpecCase =
  { readonly kind: 'self' } | { readonly kind: 'own node'; readonly node: string };

export function specCase(probe: ResolvedProbe): SpecCase | null {
  const { src, dst } = probe;
  if (src.kind === 'pod' && dst.kind === 'pod' && podKey(src.pod) === podKey(dst.pod)) {
    return { kind: 'self' };
  }
  if (src.kind === 'pod' && dst.kind === 'node' && dst.node.name === src.pod.nodeName) {
    return { kind: 'own node', node: dst.node.name };
  }
  return null;
}

/** The reason for a pod reaching its own address, naming what never sees it ("Calico chain"). */
export const selfProbeReason = (unseenBy: string): string =>
  `A pod talking to its own address never leaves its network namespace, so no ${unseenBy} sees it.`;

/**
 * The allowing decision for a spec case: `selfReason` for a pod reaching itself; for a pod reaching
 * its own node the spec's sentence, with `ownNodeNote` (what the real release does instead).
 */
export function specCaseDecision(c: SpecCase, selfReason: string, ownNodeNote: string): Decision {
  return c.kind === 'self'
    ? { allowed: true, reason: selfReason, notes: [] }
    : {
        allowed: true,
        reason: `The NetworkPolicy spec always allows traffic between a pod and the node it runs on (${c.node}).`,
        notes: [ownNodeNote],
      };
}

// ICMP echo request, the default ICMP probe (in model.ts, so the page's URL codec needs no more).
export { ECHO_REQUEST };

/** Why an ICMP type/code cannot be on the wire (both are 8-bit fields of the ICMP header). */
export function icmpTypeCodeError(icmp: IcmpTypeCode): string | null {
  for (const [name, v] of [
    ['type', icmp.type],
    ['code', icmp.code],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 255)
      return `ICMP ${name} ${v} is not between 0 and 255`;
  }
  return null;
}

/** ICMP type names (RFC 792 and IANA "ICMP Type Numbers"), for explanations and headers. */
const ICMP_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'echo-reply',
  3: 'destination-unreachable',
  5: 'redirect',
  8: 'echo-request',
  9: 'router-advertisement',
  10: 'router-solicitation',
  11: 'time-exceeded',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
};

/** `ICMP echo-request (type 8, code 0)`, or `ICMP type 42 code 0` for a type without a name here. */
export function formatIcmp(icmp: IcmpTypeCode): string {
  const name = ICMP_TYPE_NAMES[icmp.type];
  return name
    ? `ICMP ${name} (type ${icmp.type}, code ${icmp.code})`
    : `ICMP type ${icmp.type} code ${icmp.code}`;
}

/** How verdict sentences name what a probe carries: `TCP 8080`, or `ICMP echo-request (type 8, code 0)`. */
export const probeWhat = (probe: Pick<ResolvedProbe, 'protocol' | 'port' | 'icmp'>): string =>
  probe.protocol === 'ICMP'
    ? formatIcmp(probe.icmp ?? ECHO_REQUEST)
    : `${probe.protocol} ${probe.port}`;

/** Parses `ns/pod` or `ip:a.b.c.d` as the CLI and the probe files write them. */
export function parseProbeEndpoint(text: string): ProbeEndpoint | null {
  if (text.startsWith('ip:')) return { ip: text.slice(3) };
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(text)
    ? { pod: text }
    : null;
}

export const formatProbeEndpoint = (ep: ProbeEndpoint): string =>
  'pod' in ep ? ep.pod : `ip:${ep.ip}`;
