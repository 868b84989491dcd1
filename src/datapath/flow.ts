/**
 * Flows and the deterministic choices made per flow: the client's ephemeral port, a tunnel's outer
 * source port, an ECMP next hop, a Service backend. Real kernels hash the 5-tuple (jhash, siphash)
 * with a per-boot random seed; PacketWalk uses FNV-1a without a seed instead, so the same flow
 * always takes the same choice in every run, which is the property a student can check.
 */
import type { IcmpTypeCode, ProbeProtocol } from '../engine/model';

/**
 * A flow: TCP/UDP/SCTP with ports, or ICMP, which has none. An ICMP flow carries its type and code
 * and keeps both ports 0, as Calico's BPF conntrack key does (felix/bpf-gpl/parsing.h sets sport 0
 * for ICMP, conntrack.h `conntrack_create` and the lookup set dport 0: "There are no ports in ICMP").
 * Linux conntrack (nf_conntrack_proto_icmp.c `icmp_pkt_to_tuple`) and Cilium's CT
 * (bpf/lib/conntrack.h `ct_extract_ports4`) key an echo by its identifier instead; the walks say so
 * in words rather than invent an identifier.
 */
export interface FiveTuple {
  readonly protocol: ProbeProtocol;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  /** Set exactly when `protocol` is ICMP. */
  readonly icmp?: IcmpTypeCode;
}

/** 32-bit FNV-1a over UTF-16 code units: small, stable, well spread for short keys. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const flowKey = (t: FiveTuple): string =>
  t.icmp
    ? `ICMP ${t.icmp.type}/${t.icmp.code} ${t.src} > ${t.dst}`
    : `${t.protocol} ${t.src}:${t.sport} > ${t.dst}:${t.dport}`;

/** A stable hash of a 5-tuple, salted by what the hash is for (ECMP, backend, tunnel port). */
export const flowHash = (t: FiveTuple, purpose: string): number =>
  fnv1a(`${purpose}|${flowKey(t)}`);

/**
 * Linux's default net.ipv4.ip_local_port_range is 32768-60999: both the client's ephemeral port and
 * the outer UDP source port of a VXLAN/Geneve packet (drivers/net/vxlan: udp_flow_src_port over the
 * local port range) come from it.
 */
export const LOCAL_PORT_MIN = 32768;
export const LOCAL_PORT_MAX = 60999;

export function portFromHash(hash: number): number {
  return LOCAL_PORT_MIN + (hash % (LOCAL_PORT_MAX - LOCAL_PORT_MIN + 1));
}

/**
 * The client's source port. A probe names only the destination port, and the policy engine judges
 * every probe with the source port 40000 (engine/calico/felixConfig.ts PROBE_SOURCE_PORT, inside the
 * local port range), so the walk uses the same port: the headers show the flow the verdict is about.
 */
export { PROBE_SOURCE_PORT as CLIENT_SOURCE_PORT } from '../engine/calico/felixConfig';

/** Picks one of `n` choices for a flow; the same flow always gets the same index. */
export function pickForFlow(t: FiveTuple, purpose: string, n: number): number {
  if (n <= 0) throw new Error('pickForFlow needs at least one choice');
  return flowHash(t, purpose) % n;
}

/**
 * ICMP query types and their replies (RFC 792, RFC 950, RFC 8335): the ones Linux conntrack treats as
 * opening a connection (nf_conntrack_proto_icmp.c `icmp_invert_tuple`'s invmap: echo 8 → 0,
 * timestamp 13 → 14, information 15 → 16, address mask 17 → 18).
 */
export const ICMP_REPLY_TYPE: Readonly<Record<number, number>> = { 8: 0, 13: 14, 15: 16, 17: 18 };

export const reverseTuple = (t: FiveTuple): FiveTuple => ({
  protocol: t.protocol,
  src: t.dst,
  sport: t.dport,
  dst: t.src,
  dport: t.sport,
  ...(t.icmp ? { icmp: { type: ICMP_REPLY_TYPE[t.icmp.type] ?? t.icmp.type, code: 0 } } : {}),
});
