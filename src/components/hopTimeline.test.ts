import { describe, expect, it } from 'vitest';
import type { Hop, Stage } from '../datapath/hop';
import { place } from '../datapath/place';
import { alignWalks } from './hopTimeline';

const walk = (...stages: Stage[]): Hop[] =>
  stages.map((stage) => ({
    stage,
    node: 'node-1',
    place: place.node('node-1'),
    where: stage,
    headers: [],
    cost: { rules: 0, lookups: 0 },
    explanation: '',
  }));

describe('alignWalks', () => {
  it('puts matching stages in one column and a hop only one CNI makes beside a gap', () => {
    // Calico routes before its FORWARD policy; Cilium judges egress policy first.
    const calico = walk('in-pod', 'egress-hook', 'routing', 'egress-policy', 'wire', 'delivered');
    const cilium = walk('in-pod', 'egress-hook', 'egress-policy', 'routing', 'wire', 'delivered');
    const columns = alignWalks([calico, cilium]);
    expect(columns.map((c) => c.stage)).toEqual([
      'in-pod',
      'egress-hook',
      'routing',
      'egress-policy',
      'routing',
      'wire',
      'delivered',
    ]);
    expect(columns.map((c) => c.hops)).toEqual([
      [0, 0],
      [1, 1],
      [2, null],
      [3, 2],
      [null, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it('lists every hop of each walk exactly once, in order', () => {
    const a = walk('in-pod', 'service-lb', 'routing', 'encapsulation', 'wire', 'dropped');
    const b = walk('in-pod', 'egress-hook', 'routing', 'wire', 'ingress-hook', 'delivered');
    const columns = alignWalks([a, b]);
    for (const row of [0, 1]) {
      const seen = columns.map((c) => c.hops[row]).filter((h) => h !== null);
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    }
    for (const c of columns) {
      const [x, y] = c.hops;
      if (typeof x === 'number' && typeof y === 'number') expect(a[x]!.stage).toBe(b[y]!.stage);
    }
  });

  it('one walk is one row, a column per hop', () => {
    expect(alignWalks([walk('in-pod', 'delivered')]).map((c) => c.hops)).toEqual([[0], [1]]);
  });
});
