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

// ρ and π are unrolled below: lane i = x + 5y is rotated left by r[i] (FIPS 202 §3.2.2: 0, 1, 62,
// 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14) and moves to
// (y, 2x + 3y) (§3.2.3), named bL/bH (low/high half) after its new position.

// Column parities: a compile hashes hundreds of groups, so nothing is allocated per permutation.
const cLo = new Int32Array(5);
const cHi = new Int32Array(5);

function keccakF(lo: Int32Array, hi: Int32Array): void {
  for (let round = 0; round < 24; round++) {
    // θ
    for (let x = 0; x < 5; x++) {
      cLo[x] = lo[x]! ^ lo[x + 5]! ^ lo[x + 10]! ^ lo[x + 15]! ^ lo[x + 20]!;
      cHi[x] = hi[x]! ^ hi[x + 5]! ^ hi[x + 10]! ^ hi[x + 15]! ^ hi[x + 20]!;
    }
    for (let x = 0; x < 5; x++) {
      const next = x === 4 ? 0 : x + 1;
      const prev = x === 0 ? 4 : x - 1;
      const nLo = cLo[next]!;
      const nHi = cHi[next]!;
      // rotl 1 of the next column, xor the previous column
      const dLo = cLo[prev]! ^ ((nLo << 1) | (nHi >>> 31));
      const dHi = cHi[prev]! ^ ((nHi << 1) | (nLo >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lo[x + y] = lo[x + y]! ^ dLo;
        hi[x + y] = hi[x + y]! ^ dHi;
      }
    }
    // ρ and π
    const bL0 = lo[0]!;
    const bH0 = hi[0]!;
    const bL10 = (lo[1]! << 1) | (hi[1]! >>> 31);
    const bH10 = (hi[1]! << 1) | (lo[1]! >>> 31);
    const bL20 = (hi[2]! << 30) | (lo[2]! >>> 2);
    const bH20 = (lo[2]! << 30) | (hi[2]! >>> 2);
    const bL5 = (lo[3]! << 28) | (hi[3]! >>> 4);
    const bH5 = (hi[3]! << 28) | (lo[3]! >>> 4);
    const bL15 = (lo[4]! << 27) | (hi[4]! >>> 5);
    const bH15 = (hi[4]! << 27) | (lo[4]! >>> 5);
    const bL16 = (hi[5]! << 4) | (lo[5]! >>> 28);
    const bH16 = (lo[5]! << 4) | (hi[5]! >>> 28);
    const bL1 = (hi[6]! << 12) | (lo[6]! >>> 20);
    const bH1 = (lo[6]! << 12) | (hi[6]! >>> 20);
    const bL11 = (lo[7]! << 6) | (hi[7]! >>> 26);
    const bH11 = (hi[7]! << 6) | (lo[7]! >>> 26);
    const bL21 = (hi[8]! << 23) | (lo[8]! >>> 9);
    const bH21 = (lo[8]! << 23) | (hi[8]! >>> 9);
    const bL6 = (lo[9]! << 20) | (hi[9]! >>> 12);
    const bH6 = (hi[9]! << 20) | (lo[9]! >>> 12);
    const bL7 = (lo[10]! << 3) | (hi[10]! >>> 29);
    const bH7 = (hi[10]! << 3) | (lo[10]! >>> 29);
    const bL17 = (lo[11]! << 10) | (hi[11]! >>> 22);
    const bH17 = (hi[11]! << 10) | (lo[11]! >>> 22);
    const bL2 = (hi[12]! << 11) | (lo[12]! >>> 21);
    const bH2 = (lo[12]! << 11) | (hi[12]! >>> 21);
    const bL12 = (lo[13]! << 25) | (hi[13]! >>> 7);
    const bH12 = (hi[13]! << 25) | (lo[13]! >>> 7);
    const bL22 = (hi[14]! << 7) | (lo[14]! >>> 25);
    const bH22 = (lo[14]! << 7) | (hi[14]! >>> 25);
    const bL23 = (hi[15]! << 9) | (lo[15]! >>> 23);
    const bH23 = (lo[15]! << 9) | (hi[15]! >>> 23);
    const bL8 = (hi[16]! << 13) | (lo[16]! >>> 19);
    const bH8 = (lo[16]! << 13) | (hi[16]! >>> 19);
    const bL18 = (lo[17]! << 15) | (hi[17]! >>> 17);
    const bH18 = (hi[17]! << 15) | (lo[17]! >>> 17);
    const bL3 = (lo[18]! << 21) | (hi[18]! >>> 11);
    const bH3 = (hi[18]! << 21) | (lo[18]! >>> 11);
    const bL13 = (lo[19]! << 8) | (hi[19]! >>> 24);
    const bH13 = (hi[19]! << 8) | (lo[19]! >>> 24);
    const bL14 = (lo[20]! << 18) | (hi[20]! >>> 14);
    const bH14 = (hi[20]! << 18) | (lo[20]! >>> 14);
    const bL24 = (lo[21]! << 2) | (hi[21]! >>> 30);
    const bH24 = (hi[21]! << 2) | (lo[21]! >>> 30);
    const bL9 = (hi[22]! << 29) | (lo[22]! >>> 3);
    const bH9 = (lo[22]! << 29) | (hi[22]! >>> 3);
    const bL19 = (hi[23]! << 24) | (lo[23]! >>> 8);
    const bH19 = (lo[23]! << 24) | (hi[23]! >>> 8);
    const bL4 = (lo[24]! << 14) | (hi[24]! >>> 18);
    const bH4 = (hi[24]! << 14) | (lo[24]! >>> 18);
    // χ
    lo[0] = bL0 ^ (~bL1 & bL2);
    hi[0] = bH0 ^ (~bH1 & bH2);
    lo[1] = bL1 ^ (~bL2 & bL3);
    hi[1] = bH1 ^ (~bH2 & bH3);
    lo[2] = bL2 ^ (~bL3 & bL4);
    hi[2] = bH2 ^ (~bH3 & bH4);
    lo[3] = bL3 ^ (~bL4 & bL0);
    hi[3] = bH3 ^ (~bH4 & bH0);
    lo[4] = bL4 ^ (~bL0 & bL1);
    hi[4] = bH4 ^ (~bH0 & bH1);
    lo[5] = bL5 ^ (~bL6 & bL7);
    hi[5] = bH5 ^ (~bH6 & bH7);
    lo[6] = bL6 ^ (~bL7 & bL8);
    hi[6] = bH6 ^ (~bH7 & bH8);
    lo[7] = bL7 ^ (~bL8 & bL9);
    hi[7] = bH7 ^ (~bH8 & bH9);
    lo[8] = bL8 ^ (~bL9 & bL5);
    hi[8] = bH8 ^ (~bH9 & bH5);
    lo[9] = bL9 ^ (~bL5 & bL6);
    hi[9] = bH9 ^ (~bH5 & bH6);
    lo[10] = bL10 ^ (~bL11 & bL12);
    hi[10] = bH10 ^ (~bH11 & bH12);
    lo[11] = bL11 ^ (~bL12 & bL13);
    hi[11] = bH11 ^ (~bH12 & bH13);
    lo[12] = bL12 ^ (~bL13 & bL14);
    hi[12] = bH12 ^ (~bH13 & bH14);
    lo[13] = bL13 ^ (~bL14 & bL10);
    hi[13] = bH13 ^ (~bH14 & bH10);
    lo[14] = bL14 ^ (~bL10 & bL11);
    hi[14] = bH14 ^ (~bH10 & bH11);
    lo[15] = bL15 ^ (~bL16 & bL17);
    hi[15] = bH15 ^ (~bH16 & bH17);
    lo[16] = bL16 ^ (~bL17 & bL18);
    hi[16] = bH16 ^ (~bH17 & bH18);
    lo[17] = bL17 ^ (~bL18 & bL19);
    hi[17] = bH17 ^ (~bH18 & bH19);
    lo[18] = bL18 ^ (~bL19 & bL15);
    hi[18] = bH18 ^ (~bH19 & bH15);
    lo[19] = bL19 ^ (~bL15 & bL16);
    hi[19] = bH19 ^ (~bH15 & bH16);
    lo[20] = bL20 ^ (~bL21 & bL22);
    hi[20] = bH20 ^ (~bH21 & bH22);
    lo[21] = bL21 ^ (~bL22 & bL23);
    hi[21] = bH21 ^ (~bH22 & bH23);
    lo[22] = bL22 ^ (~bL23 & bL24);
    hi[22] = bH22 ^ (~bH23 & bH24);
    lo[23] = bL23 ^ (~bL24 & bL20);
    hi[23] = bH23 ^ (~bH24 & bH20);
    lo[24] = bL24 ^ (~bL20 & bL21);
    hi[24] = bH24 ^ (~bH20 & bH21);
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
