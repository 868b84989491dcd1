/**
 * Felix's names, checked against hashes computed independently with node:crypto.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  calicoInterfaceName,
  endpointChainName,
  lengthLimitedId,
  policyChainName,
  policyGroupChainName,
  profileChainName,
} from './names';
import { sha3_224 } from './sha3';

const b64url = (buf: Buffer): string => buf.toString('base64url');

describe('veth names', () => {
  it('is cali + 11 hex digits of SHA-1("<namespace>.<pod>")', () => {
    const expected = 'cali' + createHash('sha1').update('shop.web').digest('hex').slice(0, 11);
    expect(calicoInterfaceName('shop', 'web')).toBe(expected);
    expect(expected).toHaveLength(15);
  });
});

describe('length-limited chain names (28 characters)', () => {
  it('keeps a name that fits', () => {
    expect(
      policyChainName('ingress', {
        kind: 'KubernetesNetworkPolicy',
        namespace: 'shop',
        name: 'deny',
      }),
    ).toBe('cali-pi-knp/shop/deny');
    expect(profileChainName('egress', 'kns.shop')).toBe('cali-pro-kns.shop');
    // Exactly 28 characters and not starting with "_": kept as is.
    expect(profileChainName('ingress', 'ksa.default.default')).toBe('cali-pri-ksa.default.default');
  });

  it('hashes a long ID: prefix, "_", then base64url(SHA-256(id)) cut to 28', () => {
    const id = 'np/production/allow-frontend-to-backend';
    const expected = 'cali-po-_' + b64url(createHash('sha256').update(id).digest()).slice(0, 19);
    const name = policyChainName('egress', {
      kind: 'NetworkPolicy',
      namespace: 'production',
      name: 'allow-frontend-to-backend',
    });
    expect(name).toBe(expected);
    expect(name).toHaveLength(28);
  });

  it('hashes an exact fit that starts with "_", and an empty suffix becomes "_"', () => {
    const suffix = '_' + 'x'.repeat(19);
    expect(lengthLimitedId('cali-pi-', suffix, 28)).toBe(
      'cali-pi-_' + b64url(createHash('sha256').update(suffix).digest()).slice(0, 19),
    );
    expect(lengthLimitedId('cali-pi-', '', 28)).toBe('cali-pi-_');
  });

  it('names endpoint chains cali-tw-/cali-fw- + the interface', () => {
    expect(endpointChainName('ingress', 'cali1234567890a')).toBe('cali-tw-cali1234567890a');
    expect(endpointChainName('egress', 'cali1234567890a')).toBe('cali-fw-cali1234567890a');
  });
});

describe('SHA3-224 and policy group chains', () => {
  it('matches node:crypto on short, block-sized and multi-block input', () => {
    for (const text of ['', 'abc', 'x'.repeat(143), 'x'.repeat(144), 'é'.repeat(200)]) {
      expect(Buffer.from(sha3_224(text)).toString('hex')).toBe(
        createHash('sha3-224').update(text).digest('hex'),
      );
    }
  });

  it('names a group cali-gi-/cali-go- + 20 characters of base64url(SHA3-224(selector, direction, count, IDs))', () => {
    const ids = [
      { kind: 'KubernetesNetworkPolicy' as const, namespace: 'shop', name: 'a' },
      { kind: 'KubernetesNetworkPolicy' as const, namespace: 'shop', name: 'b' },
    ];
    const text =
      'sel\ninbound\n2\n{Name: a, Namespace: shop, Kind: KubernetesNetworkPolicy}\n{Name: b, Namespace: shop, Kind: KubernetesNetworkPolicy}\n';
    const expected = 'cali-gi-' + b64url(createHash('sha3-224').update(text).digest()).slice(0, 20);
    expect(policyGroupChainName('ingress', 'sel', ids)).toBe(expected);
    expect(policyGroupChainName('egress', 'sel', ids)).toMatch(/^cali-go-[A-Za-z0-9_-]{20}$/);
  });
});
