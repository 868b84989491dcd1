import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calicoVethName, ciliumVethName } from './naming';

describe('veth names', () => {
  it('derives the Calico name from SHA-1 of "<ns>.<pod>"', () => {
    const expected = 'cali' + createHash('sha1').update('demo.web-1').digest('hex').slice(0, 11);
    expect(calicoVethName('demo', 'web-1')).toBe(expected);
    expect(calicoVethName('demo', 'web-1')).toHaveLength(15);
  });

  it('joins namespace and pod with a dot, as Calico does', () => {
    expect(calicoVethName('a', 'b.c')).toBe(calicoVethName('a.b', 'c'));
    expect(calicoVethName('a', 'bc')).not.toBe(calicoVethName('ab', 'c'));
  });

  it('derives the Cilium name from SHA-256, 15 characters in all', () => {
    const name = ciliumVethName('demo/web-1');
    expect(name).toMatch(/^lxc[0-9a-f]{12}$/);
    expect(name.slice(3)).toBe(
      createHash('sha256').update('demo/web-1').digest('hex').slice(0, 12),
    );
  });
});
