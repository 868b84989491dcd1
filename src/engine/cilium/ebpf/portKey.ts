/** The protocol/port part of a policy key as an LPM prefix (bpf/lib/policy.h `struct policy_key`). */
import type { Protocol } from '../../model';

/** A protocol/port prefix of the policy key. */
export interface PortKey {
  readonly proto: number;
  readonly port: number;
  readonly prefixLen: number;
}

export const ANY_KEY: PortKey = { proto: 0, port: 0, prefixLen: 0 };

/** The 24-bit protocol+port value the LPM compares (protocol byte, then the 16-bit port). */
const keyValue = (proto: number, port: number): number => proto * 65536 + port;

export function covers(outer: PortKey, inner: PortKey): boolean {
  if (outer.prefixLen > inner.prefixLen) return false;
  // Both values are below 2^24, so the shift is the integer division by 2^(24 - prefixLen).
  const shift = 24 - outer.prefixLen;
  return (
    keyValue(outer.proto, outer.port) >>> shift === keyValue(inner.proto, inner.port) >>> shift
  );
}

/**
 * A port range as LPM prefixes (pkg/policy/types `PortRangeToMaskedPorts`): the fewest aligned
 * power-of-two blocks that cover it.
 */
export function portRangePrefixes(proto: number, from: number, to: number): PortKey[] {
  if (from === 0 && to >= 65535) return [{ proto, port: 0, prefixLen: 8 }];
  const out: PortKey[] = [];
  let start = from;
  while (start <= to) {
    let bits = 0;
    while (bits < 16) {
      const size = 2 ** (bits + 1);
      if (start % size !== 0 || start + size - 1 > to) break;
      bits++;
    }
    out.push({ proto, port: start, prefixLen: 8 + 16 - bits });
    start += 2 ** bits;
  }
  return out;
}

export const protocolsOf = (p: Protocol | 'ANY'): Protocol[] =>
  p === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [p];
