/**
 * Calico's `icmp` / `notICMP` rule fields, as the v3 API defines them and Felix enforces them.
 *
 * Sources (projectcalico/calico):
 * - api/pkg/apis/projectcalico/v3/policy_common.go `ICMPFields`: type 0-254, code 0-255, "ICMP
 *   code specified without an ICMP type"; `icmp` needs protocol ICMP or ICMPv6 (CEL rule on
 *   `Rule`, formerly validator.go "rules that specify ICMP fields must set protocol to ICMP").
 *   The type stops at 254 because iptables reads type 255 as "any type".
 * - felix/calc/rule_convert.go: a code makes a type-and-code match, a type alone a type match,
 *   neither no match at all (so `icmp: {}` restricts nothing beyond the protocol).
 * - felix/rules/policy.go `CalculateRuleMatch`: the ICMP match comes after the positive port
 *   matches; `notICMP` comes last, after the negated named ports.
 * - felix/iptables/match_builder.go: `ICMPType` `-m icmp --icmp-type T`, `ICMPTypeAndCode`
 *   `-m icmp --icmp-type T/C`, `NotICMPType` `-m icmp ! --icmp-type T`, `NotICMPTypeAndCode`
 *   `-m icmp ! --icmp-type T/C`.
 * The kernel's icmp match (net/ipv4/netfilter/ip_tables.c `icmp_match`) compares the type, and the
 * code against the range T/C..C (a type alone covers codes 0-255), then applies the `!`. It is
 * registered for protocol 1 only, so it never matches a packet of another protocol.
 */
import type { CalicoIcmpMatch, CalicoRule, IcmpTypeCode } from '../model';

/** What Felix matches on: a type, and maybe a code. `undefined` when no type is given. */
export interface FelixIcmpMatch {
  readonly type: number;
  readonly code?: number;
}

/** rule_convert.go: only a given type (with or without a code) becomes a match. */
export function felixIcmpMatch(m: CalicoIcmpMatch | undefined): FelixIcmpMatch | undefined {
  if (m?.type === undefined) return undefined;
  return m.code !== undefined ? { type: m.type, code: m.code } : { type: m.type };
}

/** Whether an ICMP header has this type (and code, when the match gives one). */
export const icmpHeaderMatches = (m: FelixIcmpMatch, icmp: IcmpTypeCode): boolean =>
  icmp.type === m.type && (m.code === undefined || icmp.code === m.code);

/**
 * The rule's ICMP fields against a packet: `icmp` must match, `notICMP` must not. Either field,
 * once it has a type, matches only ICMP packets (the kernel's icmp match is for protocol 1).
 */
export function calicoIcmpFieldsMatch(
  r: Pick<CalicoRule, 'icmp' | 'notICMP'>,
  icmp: IcmpTypeCode | undefined,
): boolean {
  const pos = felixIcmpMatch(r.icmp);
  const neg = felixIcmpMatch(r.notICMP);
  if ((pos || neg) && !icmp) return false;
  if (pos && !icmpHeaderMatches(pos, icmp!)) return false;
  if (neg && icmpHeaderMatches(neg, icmp!)) return false;
  return true;
}

/** `-m icmp [!] --icmp-type T[/C]`, as match_builder.go writes it. */
export const formatIcmpMatch = (m: FelixIcmpMatch, negate: boolean): string =>
  `-m icmp ${negate ? '! ' : ''}--icmp-type ${m.type}${m.code !== undefined ? `/${m.code}` : ''}`;
