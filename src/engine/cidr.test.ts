import { describe, expect, it } from 'vitest';
import {
  cidr,
  cidrContains,
  cidrCovers,
  cidrOverlaps,
  nthAddress,
  parseCidr,
  parseIPv4,
} from './cidr';

describe('cidr', () => {
  it('parses addresses strictly', () => {
    expect(parseIPv4('10.244.1.5')).toBe(0x0af40105);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.1.1', '10.1.1.256', '01.1.1.1', 'a.b.c.d', '1.2.3.4.5', '']) {
      expect(parseIPv4(bad)).toBeNull();
    }
  });

  it('parses CIDRs and rejects bad ones with a reason', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({
      ok: true,
      cidr: { base: 0x0a000000, prefix: 8, text: '10.0.0.0/8' },
      hostBits: false,
    });
    expect(parseCidr('192.168.1.7')).toMatchObject({ ok: true, cidr: { prefix: 32 } });
    expect(parseCidr('10.0.0.0/33')).toMatchObject({
      ok: false,
      error: expect.stringContaining('prefix'),
    });
    expect(parseCidr('10.0.0.1/8')).toMatchObject({
      ok: false,
      error: expect.stringContaining('10.0.0.0/8'),
    });
    expect(parseCidr('10.0.0.1/8', { allowHostBits: true })).toMatchObject({
      ok: true,
      cidr: { text: '10.0.0.0/8' },
      hostBits: true,
    });
    expect(parseCidr('fd00::/8')).toMatchObject({
      ok: false,
      error: expect.stringContaining('IPv6'),
    });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ ok: true, cidr: { base: 0, prefix: 0 } });
  });

  it('answers containment', () => {
    expect(cidrContains(cidr('10.244.0.0/16'), '10.244.3.9')).toBe(true);
    expect(cidrContains(cidr('10.244.0.0/16'), '10.245.0.1')).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), '8.8.8.8')).toBe(true);
    expect(cidrCovers(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(cidrCovers(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrOverlaps(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(true);
    expect(nthAddress(cidr('10.244.1.0/24'), 10)).toBe('10.244.1.10');
  });
});
