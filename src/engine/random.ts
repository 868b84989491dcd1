/**
 * mulberry32: a small seeded PRNG with a 32-bit state, uniform in [0, 1). One copy for everything
 * that must draw the same numbers from the same seed: challenges (lessons/challenge.ts), the scale
 * sweep (engine/sweep.ts) and the seeded property tests.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whole numbers from a seed: `next(n)` is in [0, n), the same sequence for the same seed. */
export function seededInts(seed: number): (n: number) => number {
  const rng = mulberry32(seed);
  return (n) => Math.floor(rng() * n);
}

/** One element of a non-empty list, drawn with `rng`. */
export const pickOne = <T>(rng: () => number, xs: readonly T[]): T =>
  xs[Math.floor(rng() * xs.length)]!;
