import { describe, expect, it } from 'vitest';
import { costUpTo, isFinalStage, STAGES, type Hop } from './hop';
import { place } from './place';

const hop = (rules: number, lookups: number): Hop => ({
  stage: 'routing',
  node: 'node-1',
  place: place.layer('node-1', 'eth0', 'device'),
  where: 'eth0',
  headers: [],
  cost: { rules, lookups },
  explanation: '',
});

describe('hop', () => {
  it('sums the cost up to and including a hop, clamped to the walk', () => {
    const hops = [hop(3, 0), hop(0, 2), hop(5, 1)];
    expect(costUpTo(hops, 0)).toEqual({ rules: 3, lookups: 0 });
    expect(costUpTo(hops, 1)).toEqual({ rules: 3, lookups: 2 });
    expect(costUpTo(hops, 99)).toEqual({ rules: 8, lookups: 3 });
    expect(costUpTo(hops, -1)).toEqual({ rules: 0, lookups: 0 });
  });

  it('ends a walk only in delivered or dropped', () => {
    expect(STAGES.filter(isFinalStage)).toEqual(['delivered', 'dropped']);
  });
});
