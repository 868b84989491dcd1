/**
 * Cilium's ICMP rules (`icmps`), and how an ICMP packet meets the policy map.
 *
 * Sources (cilium/cilium, 1.18):
 * - pkg/policy/api/icmp.go: `icmps: [{fields: [{family, type}]}]`; family IPv4 (the default) or
 *   IPv6; type a number 0-255 or a CamelCase name (`EchoRequest` = 8 for IPv4, 128 for IPv6).
 *   `ICMPField.PortProtocol` turns each field into a port rule `{port: "<type>", protocol: ICMP}`,
 *   so an ICMP type is a port of protocol 1 (58 for ICMPv6) from there on: the policy map key is
 *   (identity, direction, proto 1, dport = type), a full 24-bit prefix.
 * - pkg/policy/api/rule_validation.go: "The ICMPs block may only be present without ToPorts".
 * - bpf/lib/policy.h `__policy_can_access`: for an IPv4 ICMP packet it loads the ICMP header; with
 *   `allow_icmp_frag_needed` (agent flag --allow-icmp-frag-needed, default true) type 3 code 4
 *   (fragmentation needed) is allowed before any lookup; with `enable_icmp_rule` (--enable-icmp-rules,
 *   default true) the lookup key's dport is the ICMP type. The code is never part of the key.
 * - pkg/u8proto/u8proto.go: protocol 1 prints as `ICMP` (`cilium bpf policy get`: `8/ICMP`).
 * - toPorts `protocol: ANY` expands to TCP, UDP and SCTP (pkg/policy/l4.go), so it never covers
 *   ICMP; only a rule without toPorts and icmps (L3-only, key proto 0) or an icmps rule does.
 */
import type { IcmpTypeCode, ResolvedProbe } from '../model';

/** IPv4 names pkg/policy/api/icmp.go accepts (`icmpIpv4TypeNameToCode`). */
export const ICMPV4_TYPE_NAMES: Readonly<Record<string, number>> = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  Redirect: 5,
  Echo: 8,
  EchoRequest: 8,
  RouterAdvertisement: 9,
  RouterSelection: 10,
  TimeExceeded: 11,
  ParameterProblem: 12,
  Timestamp: 13,
  TimestampReply: 14,
  Photuris: 40,
  ExtendedEchoRequest: 42,
  ExtendedEchoReply: 43,
};

export const ICMP_PROTO = 1;

/** bpf/lib/policy.h: ICMP "fragmentation needed" passes policy (allow_icmp_frag_needed). */
export const isFragNeeded = (icmp: IcmpTypeCode | undefined): boolean =>
  icmp !== undefined && icmp.type === 3 && icmp.code === 4;

export const FRAG_NEEDED_REASON =
  'Cilium allows ICMP fragmentation-needed (type 3, code 4) before any policy lookup (--allow-icmp-frag-needed, on by default), so path MTU discovery keeps working.';

/** The dport the policy lookup uses: the probe's port, or for ICMP its type (enable_icmp_rule). */
export const policyLookupPort = (probe: ResolvedProbe): number =>
  probe.protocol === 'ICMP' ? (probe.icmp?.type ?? 0) : probe.port;

/** The policy key of one ICMP type: proto 1, the type in the dport field, every bit significant. */
export const icmpPortKey = (type: number) => ({ proto: ICMP_PROTO, port: type, prefixLen: 24 });
