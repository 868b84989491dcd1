/**
 * Calico's order of policies: within a tier by order then by Felix's tie-break key, and Kubernetes
 * NetworkPolicies at order 1000 in tier default. Both paths run and must agree (featureWorld.check).
 */
import { describe, expect, it } from 'vitest';
import { calicoPolicy, k8sPolicy, tier } from './testkit';
import { check, fromWeb, world } from './featureWorld';

describe('order within a tier', () => {
  const allowAll = { selector: "app == 'db'", ingress: [{ action: 'Allow' as const }] };
  const denyAll = { selector: "app == 'db'", ingress: [{ action: 'Deny' as const }] };

  it('equal orders are broken by name', () => {
    const denyFirst = world({
      calicoPolicies: [
        calicoPolicy('shop/b-allow', { order: 100, ...allowAll }),
        calicoPolicy('shop/a-deny', { order: 100, ...denyAll }),
      ],
    });
    expect(check(denyFirst, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
    const allowFirst = world({
      calicoPolicies: [
        calicoPolicy('shop/b-deny', { order: 100, ...denyAll }),
        calicoPolicy('shop/a-allow', { order: 100, ...allowAll }),
      ],
    });
    expect(check(allowFirst, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
  });

  it('equal orders compare the name before the namespace (v3.32 `<name>/<namespace>/<kind>`)', () => {
    // policy_sorter.go PolKVLess: "a-allow/shop/NetworkPolicy" < "b-deny//GlobalNetworkPolicy", so
    // the namespaced allow comes first. The pre-3.32 key put the global "b-deny" before "shop/a-allow".
    const c = world({
      calicoPolicies: [
        calicoPolicy('b-deny', { order: 100, ...denyAll }),
        calicoPolicy('shop/a-allow', { order: 100, ...allowAll }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    // And a Kubernetes policy (order 1000) keys on its own name, not knp.default.<name>: the Calico
    // deny "b-deny" at order 1000 sorts after the Kubernetes "a-allow" ("a-allow/shop/…" first),
    // where the old key ("shop/knp.default.a-allow" vs "b-deny") put the deny first.
    const k8sFirst = world({
      calicoPolicies: [calicoPolicy('b-deny', { order: 1000, ...denyAll })],
      k8sPolicies: [
        k8sPolicy('shop/a-allow', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] }),
      ],
    });
    expect(check(k8sFirst, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
  });

  it('an unset order sorts after every set order', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/a-unordered', allowAll),
        calicoPolicy('shop/z-ordered', { order: 5000, ...denyAll }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });

  it('orders compare as numbers, fractions included', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/a', { order: 100.5, ...allowAll }),
        calicoPolicy('shop/b', { order: 100.25, ...denyAll }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });
});

describe('Kubernetes NetworkPolicies sit at order 1000 in tier default', () => {
  const denyAll = k8sPolicy('shop/deny-all', { podSelector: { matchLabels: { app: 'db' } } });
  const allowWeb = (order: number) =>
    calicoPolicy('shop/allow-web', { order, selector: "app == 'db'", ingress: [fromWeb] });

  it('a Calico allow before order 1000 lets traffic through a Kubernetes deny-all', () => {
    const c = world({ k8sPolicies: [denyAll], calicoPolicies: [allowWeb(500)] });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/api', 'shop/db', 5432).allowed).toBe(false);
  });

  it('a rule-less deny-all only drops at the end of the tier, so a later Calico allow still allows', () => {
    const c = world({ k8sPolicies: [denyAll], calicoPolicies: [allowWeb(2000)] });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
  });

  it('a Kubernetes allow at 1000 beats a Calico deny at 2000, not one at 500', () => {
    const allow = k8sPolicy('shop/knp-web', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [
        {
          peers: [{ podSelector: { matchLabels: { app: 'web' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    });
    const deny = (order: number) =>
      calicoPolicy('shop/deny-web', {
        order,
        selector: "app == 'db'",
        ingress: [{ action: 'Deny', source: { selector: "app == 'web'" } }],
      });
    expect(
      check(
        world({ k8sPolicies: [allow], calicoPolicies: [deny(2000)] }),
        'shop/web',
        'shop/db',
        5432,
      ).allowed,
    ).toBe(true);
    expect(
      check(
        world({ k8sPolicies: [allow], calicoPolicies: [deny(500)] }),
        'shop/web',
        'shop/db',
        5432,
      ).allowed,
    ).toBe(false);
  });

  it('an allow in an earlier tier wins over a Kubernetes deny-all', () => {
    const early = calicoPolicy('security.allow', {
      tier: 'security',
      selector: "app == 'db'",
      ingress: [{ action: 'Allow' }],
    });
    const c = world({
      tiers: [tier('security', 100)],
      k8sPolicies: [denyAll],
      calicoPolicies: [early],
    });
    expect(check(c, 'shop/api', 'shop/db', 5432).allowed).toBe(true);
  });
});
