/**
 * Probes: "can this connection be opened?", from a pod or an address to a pod or an address.
 */
import { isIPv4 } from './cidr';
import { indexCluster, podKey } from './cluster';
import type { Cluster, Peer, Probe, ProbeEndpoint, ResolvedProbe } from './model';

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
  if (!Number.isInteger(probe.port) || probe.port < 1 || probe.port > 65535) {
    return { ok: false, error: `port ${probe.port} is not between 1 and 65535` };
  }
  return {
    ok: true,
    probe: {
      src,
      dst,
      srcIP: peerIP(src),
      dstIP: peerIP(dst),
      port: probe.port,
      protocol: probe.protocol,
      ...(probe.http ? { http: probe.http } : {}),
    },
  };
}

/** Parses `ns/pod` or `ip:a.b.c.d` as the CLI and the probe files write them. */
export function parseProbeEndpoint(text: string): ProbeEndpoint | null {
  if (text.startsWith('ip:')) return { ip: text.slice(3) };
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(text)
    ? { pod: text }
    : null;
}

export const formatProbeEndpoint = (ep: ProbeEndpoint): string =>
  'pod' in ep ? ep.pod : `ip:${ep.ip}`;
