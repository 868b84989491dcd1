/**
 * The bench's seeded random numbers (the linear congruential generator `npm run bench` has always
 * drawn its probes with), so bench.ts and profiling scripts draw the same probes. The cluster
 * itself is the app's generator (engine/generate.ts).
 */

/** A seeded generator: `rand(n)` is in [0, n). */
export function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s % n;
  };
}
