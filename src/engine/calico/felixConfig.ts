/**
 * The Felix configuration PacketWalk models (defaults unless said otherwise), shared by the
 * reference evaluator and the iptables model: configuration, not evaluation logic.
 */
import type { CalicoMarks } from './dataplane';

/**
 * Mark bits for the default IptablesMarkMask 0xffff0000, allocated lowest first (accept, pass,
 * drop, then two scratch bits) as felix/dataplane/driver.go does from v3.30 (the drop bit is new
 * there; before it the scratch bits were 0x40000/0x80000).
 */
export const FELIX_MARKS: CalicoMarks = {
  accept: 0x10000,
  pass: 0x20000,
  drop: 0x40000,
  scratch0: 0x80000,
  scratch1: 0x100000,
};

/**
 * felix/rules/static.go `allCalicoMarkBits`: accept | pass | scratch0 | scratch1 (the IPsec and
 * DNS-policy bits are not allocated in open-source Calico).
 */
export const ALL_CALICO_MARK_BITS =
  FELIX_MARKS.accept | FELIX_MARKS.pass | FELIX_MARKS.scratch0 | FELIX_MARKS.scratch1;

/**
 * Felix's VXLANPort (default 4789). With AllowVXLANPacketsFromWorkloads false (the default), every
 * `cali-fw-` chain drops UDP to this port before any policy (felix/rules/endpoints.go
 * `endpointIptablesChain`): a pod cannot send VXLAN, whatever the policies say.
 */
export const VXLAN_PORT = 4789;

/**
 * A probe names only the destination port. Rules can also match the source port, so PacketWalk
 * gives the client the ephemeral source port 40000 (inside Linux's default ip_local_port_range,
 * 32768–60999).
 */
export const PROBE_SOURCE_PORT = 40000;

/**
 * DefaultEndpointToHostAction: what happens to pod-to-own-node traffic after the pod's egress
 * policy. Felix's default is Drop, but the calico.yaml manifests and the operator set Accept, which
 * PacketWalk models (felix/rules/static.go `filterWorkloadToHostChain`).
 */
export const DEFAULT_ENDPOINT_TO_HOST_ACTION = 'ACCEPT' as const;

/**
 * Calico's HTTP match (`http` in a rule) needs Istio and Dikastes (app-policy/); Felix's iptables
 * rules never look past layer 4, which is what PacketWalk models.
 */
export const HTTP_NOTE =
  'Calico’s iptables dataplane judges the connection at layers 3 and 4 only: the HTTP request itself is not inspected.';

/** The modelled release, for explanations. */
export const FELIX_RELEASE = 'Calico v3.30+ (Felix iptables dataplane, default configuration)';

/** IANA numbers of the protocols rules may name (numorstring.Protocol, /etc/protocols). */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  ICMP: 1,
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  SCTP: 132,
  UDPLITE: 136,
};

/** A rule's protocol (a name or a number as text) as a number, or null when it is not one. */
export function protocolNumber(text: string): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 0 && n <= 255 ? n : null;
  }
  return PROTOCOL_NUMBERS[t.toUpperCase()] ?? null;
}

/** numorstring `Protocol.SupportsPorts`: TCP, UDP and SCTP. */
export const protocolHasPorts = (n: number | null): boolean => n === 6 || n === 17 || n === 132;
