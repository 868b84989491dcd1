import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1, sha224, sha256, toBase64Url, toHex } from './hash';

// Inputs cover the empty string, one block, the 55/56-byte padding edge, several blocks and UTF-8.
const INPUTS = [
  '',
  'abc',
  'a'.repeat(55),
  'a'.repeat(56),
  'a'.repeat(200),
  'prod.web-1',
  'naïve ✓',
];

describe('hash', () => {
  it.each(INPUTS)('matches Node crypto for %j', (input) => {
    expect(toHex(sha1(input))).toBe(createHash('sha1').update(input).digest('hex'));
    expect(toHex(sha224(input))).toBe(createHash('sha224').update(input).digest('hex'));
    expect(toHex(sha256(input))).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('matches the FIPS 180 test vector for "abc"', () => {
    expect(toHex(sha256('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each(INPUTS)('base64url matches Node for %j', (input) => {
    const bytes = sha224(input).subarray(0, input.length % 7);
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    expect(toBase64Url(sha256(input))).toBe(createHash('sha256').update(input).digest('base64url'));
  });
});
