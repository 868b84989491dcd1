import { describe, expect, it } from 'vitest';
import { formatLabelSelector, isEmptySelector, matchesLabelSelector } from './labels';

const web = { app: 'web', tier: 'frontend' };

describe('matchesLabelSelector', () => {
  it('matches everything with an empty selector', () => {
    expect(matchesLabelSelector(web, {})).toBe(true);
    expect(matchesLabelSelector({}, {})).toBe(true);
    expect(isEmptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
  });

  it('ANDs matchLabels with matchExpressions', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['backend'] }],
    };
    expect(matchesLabelSelector(web, sel)).toBe(false);
    expect(matchesLabelSelector({ app: 'web', tier: 'backend' }, sel)).toBe(true);
  });

  it('treats a missing key as matching NotIn and DoesNotExist, not In or Exists', () => {
    const none = {};
    expect(
      matchesLabelSelector(none, {
        matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['a'] }],
      }),
    ).toBe(true);
    expect(
      matchesLabelSelector(none, { matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }),
    ).toBe(true);
    expect(
      matchesLabelSelector(none, {
        matchExpressions: [{ key: 'x', operator: 'In', values: ['a'] }],
      }),
    ).toBe(false);
    expect(
      matchesLabelSelector(none, { matchExpressions: [{ key: 'x', operator: 'Exists' }] }),
    ).toBe(false);
  });

  it('prints the kubectl form', () => {
    expect(
      formatLabelSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'NotIn', values: ['a', 'b'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier notin (a,b),!legacy');
  });
});
