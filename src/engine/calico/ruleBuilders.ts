/**
 * Small builders for the compiled iptables rules: marks, matches, targets (Felix's mark bits).
 *
 * The rules are read-only (dataplane.ts), so a compile shares what many of them hold alike: one
 * object per mark match or mark action with given bits, one empty comment list. A 10,000-policy
 * compile builds ~46,000 rules that outlive the young generation, and each object a rule does not
 * allocate is one the garbage collector does not copy.
 */
import type { IptMatch, IptRule, RuleOrigin } from './dataplane';
import { FELIX_MARKS } from './felixConfig';

export const M = FELIX_MARKS;
export const PROTO_UDP = 17;
export const PROTO_IPIP = 4;

/** One value per key, made on first use (the keys are a handful of mark bit patterns), frozen:
 * code that tried to change a shared match would throw rather than change every rule. */
function shared<T>(make: (bits: number) => T): (bits: number) => T {
  const made = new Map<number, T>();
  return (bits) => {
    let value = made.get(bits);
    if (value === undefined) made.set(bits, (value = Object.freeze(make(bits))));
    return value;
  };
}

export const markClear: (bits: number) => IptMatch = shared((bits) => ({
  kind: 'mark',
  value: 0,
  mask: bits,
}));
export const markSet: (bit: number) => IptMatch = shared((bit) => ({
  kind: 'mark',
  value: bit,
  mask: bit,
}));
export const markNotClear: (bits: number) => IptMatch = shared((bits) => ({
  kind: 'mark',
  value: 0,
  mask: bits,
  negate: true,
}));

const NO_COMMENTS: readonly string[] = Object.freeze([]);

export function rule(
  matches: readonly IptMatch[],
  action: IptRule['action'],
  comments: readonly string[] = NO_COMMENTS,
  origin?: RuleOrigin,
): IptRule {
  return origin ? { matches, action, comments, origin } : { matches, action, comments };
}

export const jump = (target: string): IptRule['action'] => ({ kind: 'jump', target });
export const goto = (target: string): IptRule['action'] => ({ kind: 'goto', target });
export const setMark: (bits: number) => IptRule['action'] = shared((bits) => ({
  kind: 'mark',
  value: bits,
  mask: bits,
}));
export const clearMark: (bits: number) => IptRule['action'] = shared((bits) => ({
  kind: 'mark',
  value: 0,
  mask: bits,
}));
export const ACCEPT: IptRule['action'] = { kind: 'accept' };
export const DROP: IptRule['action'] = { kind: 'drop' };
export const RETURN: IptRule['action'] = { kind: 'return' };
