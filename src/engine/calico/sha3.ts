/**
 * SHA3-224 (FIPS 202), synchronous, over UTF-8 text. Felix names a policy group's chain after the
 * SHA3-224 of the group (felix/rules/endpoints.go `PolicyGroup.UniqueID`), and WebCrypto has no
 * SHA-3, so the engine computes it here. Keccak-f[1600] lanes are kept as (low, high) 32-bit pairs.
 */

// Round constants, low and high halves (FIPS 202 §3.2.5).
const RC_LO = new Int32Array([
  0x00000001, 0x00008082, 0x0000808a, 0x80008000, 0x0000808b, 0x80000001, 0x80008081, 0x00008009,
  0x0000008a, 0x00000088, 0x80008009, 0x8000000a, 0x8000808b, 0x0000008b, 0x00008089, 0x00008003,
  0x00008002, 0x00000080, 0x0000800a, 0x8000000a, 0x80008081, 0x00008080, 0x80000001, 0x80008008,
]);
const RC_HI = new Int32Array([
  0x00000000, 0x00000000, 0x80000000, 0x80000000, 0x00000000, 0x00000000, 0x80000000, 0x80000000,
  0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x80000000, 0x80000000, 0x80000000,
  0x80000000, 0x80000000, 0x00000000, 0x80000000, 0x80000000, 0x80000000, 0x00000000, 0x80000000,
]);

// Rotation offsets r[x + 5y] (FIPS 202 §3.2.2).
const ROT = new Uint8Array([
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
]);

// π: the lane at (x, y) moves to (y, 2x + 3y).
const PI_DEST = new Uint8Array(25);
for (let y = 0; y < 5; y++)
  for (let x = 0; x < 5; x++) PI_DEST[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
// (x + 1) % 5 and (x + 4) % 5, (x + 2) % 5 without the division.
const NEXT = new Uint8Array([1, 2, 3, 4, 0]);
const PREV = new Uint8Array([4, 0, 1, 2, 3]);
const NEXT2 = new Uint8Array([2, 3, 4, 0, 1]);

// Scratch lanes: a compile hashes hundreds of groups, so nothing is allocated per permutation.
const cLo = new Int32Array(5);
const cHi = new Int32Array(5);
const bLo = new Int32Array(25);
const bHi = new Int32Array(25);

function keccakF(lo: Int32Array, hi: Int32Array): void {
  for (let round = 0; round < 24; round++) {
    // θ
    for (let x = 0; x < 5; x++) {
      cLo[x] = lo[x]! ^ lo[x + 5]! ^ lo[x + 10]! ^ lo[x + 15]! ^ lo[x + 20]!;
      cHi[x] = hi[x]! ^ hi[x + 5]! ^ hi[x + 10]! ^ hi[x + 15]! ^ hi[x + 20]!;
    }
    for (let x = 0; x < 5; x++) {
      const nLo = cLo[NEXT[x]!]!;
      const nHi = cHi[NEXT[x]!]!;
      // rotl 1 of the next column, xor the previous column
      const dLo = cLo[PREV[x]!]! ^ ((nLo << 1) | (nHi >>> 31));
      const dHi = cHi[PREV[x]!]! ^ ((nHi << 1) | (nLo >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lo[x + y] = lo[x + y]! ^ dLo;
        hi[x + y] = hi[x + y]! ^ dHi;
      }
    }
    // ρ and π
    for (let i = 0; i < 25; i++) {
      const n = ROT[i]!;
      const l = lo[i]!;
      const h = hi[i]!;
      let rl: number;
      let rh: number;
      if (n === 0) {
        rl = l;
        rh = h;
      } else if (n < 32) {
        rl = (l << n) | (h >>> (32 - n));
        rh = (h << n) | (l >>> (32 - n));
      } else if (n === 32) {
        rl = h;
        rh = l;
      } else {
        const m = n - 32;
        rl = (h << m) | (l >>> (32 - m));
        rh = (l << m) | (h >>> (32 - m));
      }
      const d = PI_DEST[i]!;
      bLo[d] = rl;
      bHi[d] = rh;
    }
    // χ
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const a = x + y;
        const b1 = NEXT[x]! + y;
        const b2 = NEXT2[x]! + y;
        lo[a] = bLo[a]! ^ (~bLo[b1]! & bLo[b2]!);
        hi[a] = bHi[a]! ^ (~bHi[b1]! & bHi[b2]!);
      }
    }
    // ι
    lo[0] = lo[0]! ^ RC_LO[round]!;
    hi[0] = hi[0]! ^ RC_HI[round]!;
  }
}

const utf8 = new TextEncoder();

/** SHA3-224 of the UTF-8 bytes of `text`: 28 bytes. */
export function sha3_224(text: string): Uint8Array {
  const rate = 144; // (1600 - 2 * 224) / 8 bytes
  const input = utf8.encode(text);
  const padded = new Uint8Array(Math.floor(input.length / rate) * rate + rate);
  padded.set(input);
  padded[input.length] = padded[input.length]! ^ 0x06;
  padded[padded.length - 1] = padded[padded.length - 1]! ^ 0x80;
  const lo = new Int32Array(25);
  const hi = new Int32Array(25);
  for (let block = 0; block < padded.length; block += rate) {
    for (let lane = 0; lane < rate / 8; lane++) {
      const o = block + lane * 8;
      lo[lane] =
        lo[lane]! ^
        (padded[o]! | (padded[o + 1]! << 8) | (padded[o + 2]! << 16) | (padded[o + 3]! << 24));
      hi[lane] =
        hi[lane]! ^
        (padded[o + 4]! | (padded[o + 5]! << 8) | (padded[o + 6]! << 16) | (padded[o + 7]! << 24));
    }
    keccakF(lo, hi);
  }
  const out = new Uint8Array(28);
  for (let i = 0; i < 28; i++) {
    const lane = i >> 3;
    const word = (i & 7) < 4 ? lo[lane]! : hi[lane]!;
    out[i] = (word >>> ((i & 3) * 8)) & 0xff;
  }
  return out;
}
