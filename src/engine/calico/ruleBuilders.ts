/** Small builders for the compiled iptables rules: marks, matches, targets (Felix's mark bits). */
import type { IptMatch, IptRule, RuleOrigin } from './dataplane';
import { FELIX_MARKS } from './felixConfig';

export const M = FELIX_MARKS;
export const PROTO_UDP = 17;
export const PROTO_IPIP = 4;

export const markClear = (bits: number): IptMatch => ({ kind: 'mark', value: 0, mask: bits });
export const markSet = (bit: number): IptMatch => ({ kind: 'mark', value: bit, mask: bit });
export const markNotClear = (bits: number): IptMatch => ({
  kind: 'mark',
  value: 0,
  mask: bits,
  negate: true,
});

export function rule(
  matches: IptMatch[],
  action: IptRule['action'],
  comments: string[] = [],
  origin?: RuleOrigin,
): IptRule {
  return { matches, action, comments, ...(origin ? { origin } : {}) };
}

export const jump = (target: string): IptRule['action'] => ({ kind: 'jump', target });
export const goto = (target: string): IptRule['action'] => ({ kind: 'goto', target });
export const setMark = (bits: number): IptRule['action'] => ({
  kind: 'mark',
  value: bits,
  mask: bits,
});
export const clearMark = (bits: number): IptRule['action'] => ({
  kind: 'mark',
  value: 0,
  mask: bits,
});
export const ACCEPT: IptRule['action'] = { kind: 'accept' };
export const DROP: IptRule['action'] = { kind: 'drop' };
export const RETURN: IptRule['action'] = { kind: 'return' };
