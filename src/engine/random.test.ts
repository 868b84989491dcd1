import { describe, expect, it } from 'vitest';
import { mulberry32, pickOne, seededInts } from './random';

describe('mulberry32', () => {
  it('gives the same sequence for the same seed and another for another seed, in [0, 1)', () => {
    const a = mulberry32(17);
    const b = mulberry32(17);
    const c = mulberry32(18);
    const xs = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(50);
  });
});

describe('seededInts', () => {
  it('draws whole numbers in [0, n) from the same sequence as mulberry32', () => {
    const ints = seededInts(42);
    const floats = mulberry32(42);
    for (const n of [1, 2, 7, 1000, 2 ** 31]) {
      const x = ints(n);
      expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
      expect(x).toBe(Math.floor(floats() * n));
    }
  });
});

describe('pickOne', () => {
  it('draws every element of a list and nothing else, the same for the same seed', () => {
    const xs = ['a', 'b', 'c'] as const;
    const draw = (seed: number) => {
      const rng = mulberry32(seed);
      return Array.from({ length: 60 }, () => pickOne(rng, xs));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(new Set(draw(5))).toEqual(new Set(xs));
  });
});
