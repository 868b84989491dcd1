/**
 * Challenge seeds (challenge.ts draws the packet from one): what a challenge link's number may be.
 */

/** The largest seed: seeds are 32-bit, as mulberry32's state is. */
export const MAX_SEED = 0xffffffff;

/** Seeds are whole numbers 0..MAX_SEED; anything else is refused with a message saying so. */
export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new RangeError(
      `challenge seed ${String(seed)} is not a whole number from 0 to ${MAX_SEED}`,
    );
}
