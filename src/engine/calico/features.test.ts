/**
 * Calico's policy semantics, feature by feature. Every case runs both paths, the reference
 * evaluator and the iptables model, asserts they agree, and asserts the verdict Calico's documented
 * semantics give (reasoned in each test, not copied from the implementation).
 */
import { describe, expect, it } from 'vitest';
import { compileCalico, iptablesSave } from './iptables';
import { calicoPolicy, k8sPolicy, networkSet, serviceAccount, tier } from './testkit';
import { check, fromWeb, world } from './featureWorld';

describe('no policy: the namespace profile allows', () => {
  it('allows pod to pod, naming the kns. profile', () => {
    const { allowed, ref, model } = check(world(), 'shop/web', 'shop/db', 5432);
    expect(allowed).toBe(true);
    expect(ref.reason).toContain('kns.shop');
    expect(model.reason).toContain('cali-pri-kns.shop');
  });
});

describe('types defaulting', () => {
  it('a policy with only egress rules is egress-only: ingress to its pods stays open', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/db-out', {
          selector: "app == 'db'",
          egress: [{ action: 'Allow', protocol: 'TCP', destination: { selector: "app == 'web'" } }],
        }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/db', 'shop/web', 80).allowed).toBe(true);
    expect(check(c, 'shop/db', 'shop/api', 8080).allowed).toBe(false);
  });

  it('types [Ingress] ignores the egress rules the policy has', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/db', {
          selector: "app == 'db'",
          types: ['ingress'],
          ingress: [{ action: 'Allow' }],
          egress: [{ action: 'Deny' }],
        }),
      ],
    });
    const { allowed, ref } = check(c, 'shop/db', 'shop/web', 80);
    expect(allowed).toBe(true);
    expect(ref.notes.join(' ')).toContain('types leave out egress');
  });

  it('explicit [Ingress, Egress] without egress rules denies all egress', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/db', {
          selector: "app == 'db'",
          types: ['ingress', 'egress'],
          ingress: [{ action: 'Allow' }],
        }),
      ],
    });
    const out = check(c, 'shop/db', 'shop/web', 80);
    expect(out.allowed).toBe(false);
    expect(out.ref.notes.join(' ')).toContain('a rule-less policy denies');
    expect(out.model.notes.join(' ')).toContain('a rule-less policy denies');
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
  });

  it('a policy with no rules at all defaults to Ingress and denies all ingress', () => {
    const c = world({
      calicoPolicies: [calicoPolicy('shop/lockdown', { selector: "app == 'db'" })],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
    expect(check(c, 'shop/db', 'shop/web', 80).allowed).toBe(true);
  });
});

describe('tiers, Pass and the end of a tier', () => {
  const security = tier('security', 100);
  const passWeb = calicoPolicy('security.pass-web', {
    tier: 'security',
    selector: "app == 'db'",
    ingress: [{ action: 'Pass', source: { selector: "app == 'web'" } }],
  });

  it('Pass hands over to the next tier, which decides', () => {
    const allowInDefault = calicoPolicy('shop/allow-web', {
      selector: "app == 'db'",
      ingress: [fromWeb],
    });
    const c = world({ tiers: [security], calicoPolicies: [passWeb, allowInDefault] });
    const out = check(c, 'shop/web', 'shop/db', 5432);
    expect(out.allowed).toBe(true);
    expect(out.ref.notes.join(' ')).toContain('skipped the rest of tier security');
    expect(out.model.notes.join(' ')).toContain('skipped the rest of tier security');
    const denyInDefault = calicoPolicy('shop/deny', {
      selector: "app == 'db'",
      ingress: [{ action: 'Deny' }],
    });
    expect(
      check(
        world({ tiers: [security], calicoPolicies: [passWeb, denyInDefault] }),
        'shop/web',
        'shop/db',
        5432,
      ).allowed,
    ).toBe(false);
  });

  it('after a Pass, tiers with no policy for the pod are skipped and the profile allows', () => {
    const c = world({ tiers: [security], calicoPolicies: [passWeb] });
    const out = check(c, 'shop/web', 'shop/db', 5432);
    expect(out.allowed).toBe(true);
    expect(out.ref.reason).toContain('kns.shop');
  });

  it('no rule matched in a tier with policies for the pod: the end-of-tier drop', () => {
    const c = world({ tiers: [security], calicoPolicies: [passWeb] });
    const out = check(c, 'shop/api', 'shop/db', 5432);
    expect(out.allowed).toBe(false);
    expect(out.model.decidedAt).toContain(
      'End of tier security. Drop if no policies passed packet',
    );
  });

  it('a tier whose defaultAction is Pass sends the unmatched packet on', () => {
    const noMatch = calicoPolicy('security.nobody', {
      tier: 'security',
      selector: "app == 'db'",
      ingress: [{ action: 'Deny', source: { selector: "app == 'nobody'" } }],
    });
    const passing = world({ tiers: [tier('security', 100, 'Pass')], calicoPolicies: [noMatch] });
    const out = check(passing, 'shop/web', 'shop/db', 5432);
    expect(out.allowed).toBe(true);
    expect(out.ref.notes.join(' ')).toContain('defaultAction is Pass');
    expect(out.model.notes.join(' ')).toContain('defaultAction is Pass');
    expect(iptablesSave(compileCalico(passing))).not.toContain('End of tier security');
    const denying = world({ tiers: [tier('security', 100, 'Deny')], calicoPolicies: [noMatch] });
    expect(check(denying, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });

  it('tiers apply by order, lowest first', () => {
    const deny = calicoPolicy('late.deny', {
      tier: 'late',
      selector: "app == 'db'",
      ingress: [{ action: 'Deny' }],
    });
    const allow = calicoPolicy('early.allow', {
      tier: 'early',
      selector: "app == 'db'",
      ingress: [{ action: 'Allow' }],
    });
    const c = (early: number, late: number) =>
      world({ tiers: [tier('early', early), tier('late', late)], calicoPolicies: [deny, allow] });
    expect(check(c(10, 20), 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c(30, 20), 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });
});

describe('Log and Deny', () => {
  it('Log does not end evaluation; the Deny after it does', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/log-then-deny', {
          selector: "app == 'db'",
          ingress: [{ action: 'Log', source: { selector: "app == 'web'" } }, { action: 'Deny' }],
        }),
      ],
    });
    const out = check(c, 'shop/web', 'shop/db', 5432);
    expect(out.allowed).toBe(false);
    expect(out.ref.notes.join(' ')).toContain('Log does not end evaluation');
    expect(out.model.notes.join(' ')).toContain('Log does not end evaluation');
    expect(
      out.model.trace.some(
        (e) =>
          e.kind === 'rule' &&
          e.action === 'log' &&
          e.rule.includes('-j LOG --log-prefix "calico-packet: "') &&
          e.result === 'match',
      ),
    ).toBe(true);
  });

  it('after a Log, a later policy can still allow', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/a-log', {
          order: 1,
          selector: "app == 'db'",
          ingress: [{ action: 'Log' }],
        }),
        calicoPolicy('shop/b-allow', { order: 2, selector: "app == 'db'", ingress: [fromWeb] }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/api', 'shop/db', 5432).allowed).toBe(false);
  });
});

describe('network sets', () => {
  const partners = networkSet('shop/partners', { role: 'partner' }, ['8.8.8.0/24']);
  const otherPartners = networkSet('other/partners', { role: 'partner' }, ['9.9.9.0/24']);
  const corp = networkSet('corp', { role: 'partner' }, ['172.16.0.0/12']);
  const sets = [partners, otherPartners, corp];
  const fromPartners = (extra = {}) =>
    calicoPolicy('shop/partners', {
      selector: "app == 'db'",
      ingress: [{ action: 'Allow', source: { selector: "role == 'partner'", ...extra } }],
    });

  it("a namespaced policy's rule selector matches NetworkSets of its own namespace only", () => {
    const c = world({ networkSets: sets, calicoPolicies: [fromPartners()] });
    expect(check(c, 'ip:8.8.8.8', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'ip:9.9.9.9', 'shop/db', 5432).allowed).toBe(false);
    expect(check(c, 'ip:172.16.0.9', 'shop/db', 5432).allowed).toBe(false);
    expect(check(c, 'ip:1.1.1.1', 'shop/db', 5432).allowed).toBe(false);
  });

  it('a namespaceSelector reaches NetworkSets of other namespaces; global() the GlobalNetworkSets', () => {
    const other = world({
      networkSets: sets,
      calicoPolicies: [fromPartners({ namespaceSelector: "team == 'other'" })],
    });
    expect(check(other, 'ip:9.9.9.9', 'shop/db', 5432).allowed).toBe(true);
    expect(check(other, 'ip:8.8.8.8', 'shop/db', 5432).allowed).toBe(false);
    const global = world({
      networkSets: sets,
      calicoPolicies: [fromPartners({ namespaceSelector: 'global()' })],
    });
    expect(check(global, 'ip:172.16.0.9', 'shop/db', 5432).allowed).toBe(true);
    expect(check(global, 'ip:8.8.8.8', 'shop/db', 5432).allowed).toBe(false);
  });

  it("a GlobalNetworkPolicy's rule selector matches GlobalNetworkSets and every NetworkSet", () => {
    const gnp = calicoPolicy('partners', {
      selector: "app == 'db'",
      ingress: [{ action: 'Allow', source: { selector: "role == 'partner'" } }],
    });
    const c = world({ networkSets: sets, calicoPolicies: [gnp] });
    for (const ip of ['8.8.8.8', '9.9.9.9', '172.16.0.9'])
      expect(check(c, `ip:${ip}`, 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'ip:1.1.1.1', 'shop/db', 5432).allowed).toBe(false);
  });

  it('a pod address inside a network set matches that set’s labels too', () => {
    const podRange = networkSet('pods', { role: 'inside' }, ['10.244.0.0/16']);
    const gnp = calicoPolicy('inside', {
      selector: "app == 'db'",
      ingress: [{ action: 'Allow', source: { selector: "role == 'inside'" } }],
    });
    expect(
      check(world({ networkSets: [podRange], calicoPolicies: [gnp] }), 'shop/web', 'shop/db', 5432)
        .allowed,
    ).toBe(true);
  });

  it('egress to a network set', () => {
    const c = world({
      networkSets: sets,
      calicoPolicies: [
        calicoPolicy('shop/out', {
          selector: "app == 'web'",
          egress: [{ action: 'Allow', destination: { selector: "role == 'partner'" } }],
        }),
      ],
    });
    expect(check(c, 'shop/web', 'ip:8.8.8.8', 443).allowed).toBe(true);
    expect(check(c, 'shop/web', 'ip:1.1.1.1', 443).allowed).toBe(false);
  });
});

describe('service accounts', () => {
  const policy = (serviceAccounts: { names?: string[]; selector?: string }) =>
    calicoPolicy('shop/by-sa', {
      selector: "app == 'db'",
      ingress: [{ action: 'Allow', source: { serviceAccounts } }],
    });

  it('matches by name; a pod without serviceAccountName runs as "default"', () => {
    const c = world({ calicoPolicies: [policy({ names: ['frontend'] })] });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/api', 'shop/db', 5432).allowed).toBe(false);
    const d = world({ calicoPolicies: [policy({ names: ['default'] })] });
    expect(check(d, 'shop/api', 'shop/db', 5432).allowed).toBe(true);
  });

  it("matches by the ServiceAccount's labels", () => {
    const c = world({
      serviceAccounts: [serviceAccount('shop/frontend', { tier: 'gold' })],
      calicoPolicies: [policy({ selector: "tier == 'gold'" })],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/api', 'shop/db', 5432).allowed).toBe(false);
  });

  it("a namespaced policy's serviceAccounts match pods of its namespace only", () => {
    const c = world({ calicoPolicies: [policy({ names: ['frontend'] })] });
    expect(check(c, 'other/client', 'shop/db', 5432).allowed).toBe(false);
  });
});

describe('named ports carry their protocol', () => {
  const toApi = (protocol: string, ports: (number | string)[]) =>
    calicoPolicy('shop/api-in', {
      selector: "app == 'api'",
      ingress: [{ action: 'Allow', protocol, destination: { ports } }],
    });

  it('a TCP rule naming a UDP port matches nothing; the UDP rule matches', () => {
    expect(
      check(world({ calicoPolicies: [toApi('TCP', ['dns'])] }), 'shop/web', 'shop/api', 53, 'TCP')
        .allowed,
    ).toBe(false);
    expect(
      check(world({ calicoPolicies: [toApi('TCP', ['dns'])] }), 'shop/web', 'shop/api', 53, 'UDP')
        .allowed,
    ).toBe(false);
    expect(
      check(world({ calicoPolicies: [toApi('UDP', ['dns'])] }), 'shop/web', 'shop/api', 53, 'UDP')
        .allowed,
    ).toBe(true);
  });

  it('a named port resolves against the destination pod', () => {
    const c = world({
      calicoPolicies: [
        toApi('TCP', ['http']),
        calicoPolicy('shop/web-in', {
          selector: "app == 'web'",
          ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: ['http'] } }],
        }),
      ],
    });
    expect(check(c, 'shop/db', 'shop/api', 8080).allowed).toBe(true);
    expect(check(c, 'shop/db', 'shop/api', 80).allowed).toBe(false);
    expect(check(c, 'shop/db', 'shop/web', 80).allowed).toBe(true);
  });

  describe('a rule without a protocol may list only named ports', () => {
    // validator.go `validateRule` (numorstring.AllPortsAreNamed) accepts it; Felix looks the
    // names up with ProtocolAny, so each port matches with its own protocol (felix FV
    // named_ports_test.go "policy with nil protocol and named ports only").
    const noProto = (destination: { ports?: (number | string)[]; notPorts?: string[] }) =>
      calicoPolicy('shop/api-named', {
        selector: "app == 'api'",
        ingress: [{ action: 'Allow', destination }],
      });

    it('each named port matches with the protocol the pod gives it', () => {
      const c = world({ calicoPolicies: [noProto({ ports: ['http', 'dns'] })] });
      expect(check(c, 'shop/web', 'shop/api', 8080, 'TCP').allowed).toBe(true);
      expect(check(c, 'shop/web', 'shop/api', 53, 'UDP').allowed).toBe(true);
      // The port number alone is not enough: dns is UDP, http is TCP.
      expect(check(c, 'shop/web', 'shop/api', 53, 'TCP').allowed).toBe(false);
      expect(check(c, 'shop/web', 'shop/api', 8080, 'UDP').allowed).toBe(false);
      expect(check(c, 'shop/web', 'shop/api', 5432, 'TCP').allowed).toBe(false);
    });

    it('Felix renders no -p match and a named-port set whose members carry their own protocol', () => {
      const c = world({ calicoPolicies: [noProto({ ports: ['http', 'dns'] })] });
      const dp = compileCalico(c);
      const sets = Object.values(dp.ipsets).filter((s) => s.namedPort);
      const dns = sets.find((s) => s.namedPort!.name === 'dns')!;
      const http = sets.find((s) => s.namedPort!.name === 'http')!;
      expect(dns.namedPort!.protocol).toBe('any');
      expect(dns.members).toEqual(['10.244.1.6,udp:53']);
      // No selector in the rule: the set spans every endpoint with a port named http (all()).
      expect([...http.members].sort()).toEqual(['10.244.1.5,tcp:80', '10.244.1.6,tcp:8080']);
      const save = iptablesSave(dp);
      const line = save
        .split('\n')
        .find((l) => l.includes(dns.name) && l.startsWith('-A cali-pi-'));
      expect(line).toBeDefined();
      expect(line).not.toMatch(/ -p /);
    });

    it('a named notPort without a protocol excludes that port with its protocol', () => {
      const c = world({ calicoPolicies: [noProto({ notPorts: ['dns'] })] });
      expect(check(c, 'shop/web', 'shop/api', 53, 'UDP').allowed).toBe(false);
      expect(check(c, 'shop/web', 'shop/api', 53, 'TCP').allowed).toBe(true);
      expect(check(c, 'shop/web', 'shop/api', 8080, 'TCP').allowed).toBe(true);
    });

    it('a numeric port without a protocol is refused by the validator: the rule never matches', () => {
      const c = world({ calicoPolicies: [noProto({ ports: ['http', 8080] })] });
      expect(check(c, 'shop/web', 'shop/api', 8080, 'TCP').allowed).toBe(false);
      expect(iptablesSave(compileCalico(c))).not.toMatch(/cali-pi-.*--match-set cali40n:/);
    });
  });

  it('a named port in a Kubernetes NetworkPolicy', () => {
    const knp = k8sPolicy('shop/api-http', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
    });
    const c = world({ k8sPolicies: [knp] });
    expect(check(c, 'shop/web', 'shop/api', 8080).allowed).toBe(true);
    expect(check(c, 'shop/web', 'shop/api', 80).allowed).toBe(false);
  });
});

describe('notPorts and notNets win', () => {
  it('notPorts beats ports', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/ports', {
          selector: "app == 'db'",
          ingress: [
            {
              action: 'Allow',
              protocol: 'TCP',
              destination: { ports: ['5000:5500'], notPorts: [5432] },
            },
          ],
        }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
    expect(check(c, 'shop/web', 'shop/db', 5433).allowed).toBe(true);
  });

  it('notNets beats nets', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/nets', {
          selector: "app == 'db'",
          ingress: [
            { action: 'Allow', source: { nets: ['10.0.0.0/8'], notNets: ['10.244.0.0/16'] } },
          ],
        }),
      ],
    });
    expect(check(c, 'ip:10.0.5.5', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });

  it('a named notPort excludes what the destination pod names', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/not-pg', {
          selector: "app == 'db'",
          ingress: [{ action: 'Allow', protocol: 'TCP', destination: { notPorts: ['pg'] } }],
        }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
    expect(check(c, 'shop/web', 'shop/db', 22).allowed).toBe(true);
  });
});

describe('staged policies are never enforced', () => {
  it('a staged Deny and a staged Kubernetes deny-all change nothing', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/staged-deny', {
          staged: true,
          selector: "app == 'db'",
          ingress: [{ action: 'Deny' }],
        }),
      ],
      k8sPolicies: [
        k8sPolicy('shop/staged-knp', { staged: true, podSelector: { matchLabels: { app: 'db' } } }),
      ],
    });
    const out = check(c, 'shop/web', 'shop/db', 5432);
    expect(out.allowed).toBe(true);
    expect(out.ref.notes.join(' ')).toContain('never enforced');
    const save = iptablesSave(compileCalico(c));
    expect(save).not.toContain('staged-deny');
    expect(save).not.toContain('staged-knp');
  });
});

describe("traffic from a pod's own node", () => {
  const c = world({ k8sPolicies: [k8sPolicy('shop/deny-all', {})] });

  it('is allowed whatever the ingress policy: Felix does not police host to local workload', () => {
    const out = check(c, 'ip:192.168.1.10', 'shop/web', 80);
    expect(out.allowed).toBe(true);
    expect(out.ref.reason).toContain('cali-OUTPUT');
    expect(out.model.decidedAt).toContain('cali-OUTPUT rule 2: -o cali+ -j RETURN');
  });

  it("from another node's address, the ingress policy applies", () => {
    expect(check(c, 'ip:192.168.1.11', 'shop/web', 80).allowed).toBe(false);
  });
});

describe('rule details', () => {
  it('a pod may not send UDP to the VXLAN port, whatever the policy', () => {
    const out = check(world(), 'shop/web', 'shop/db', 4789, 'UDP');
    expect(out.allowed).toBe(false);
    expect(out.model.decidedAt).toContain('Drop VXLAN encapped packets originating in workloads');
    expect(check(world(), 'shop/web', 'shop/db', 4789, 'TCP').allowed).toBe(true);
  });

  it('ports without a protocol that has ports never match (Calico rejects such rules)', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/bad', {
          selector: "app == 'db'",
          ingress: [{ action: 'Allow', destination: { ports: [5432] } }],
        }),
      ],
    });
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });

  it('protocol by number, notProtocol, and ICMP never matching a TCP probe', () => {
    const one = (rule: { action: 'Allow'; protocol?: string; notProtocol?: string }) =>
      world({
        calicoPolicies: [calicoPolicy('shop/p', { selector: "app == 'db'", ingress: [rule] })],
      });
    expect(
      check(one({ action: 'Allow', protocol: '6' }), 'shop/web', 'shop/db', 5432).allowed,
    ).toBe(true);
    expect(
      check(one({ action: 'Allow', notProtocol: 'UDP' }), 'shop/web', 'shop/db', 5432).allowed,
    ).toBe(true);
    expect(
      check(one({ action: 'Allow', notProtocol: 'TCP' }), 'shop/web', 'shop/db', 5432).allowed,
    ).toBe(false);
    expect(
      check(one({ action: 'Allow', protocol: 'ICMP' }), 'shop/web', 'shop/db', 5432).allowed,
    ).toBe(false);
  });

  it("in a namespaced policy a notSelector alone still limits the rule to the policy's namespace", () => {
    const rule = { action: 'Allow' as const, source: { notSelector: "app == 'api'" } };
    const namespaced = world({
      calicoPolicies: [calicoPolicy('shop/not-api', { selector: "app == 'db'", ingress: [rule] })],
    });
    expect(check(namespaced, 'shop/web', 'shop/db', 5432).allowed).toBe(true);
    expect(check(namespaced, 'shop/api', 'shop/db', 5432).allowed).toBe(false);
    expect(check(namespaced, 'ip:8.8.8.8', 'shop/db', 5432).allowed).toBe(false);
    expect(check(namespaced, 'other/client', 'shop/db', 5432).allowed).toBe(false);
    const global = world({
      calicoPolicies: [calicoPolicy('not-api', { selector: "app == 'db'", ingress: [rule] })],
    });
    expect(check(global, 'ip:8.8.8.8', 'shop/db', 5432).allowed).toBe(true);
    expect(check(global, 'other/client', 'shop/db', 5432).allowed).toBe(true);
    expect(check(global, 'shop/api', 'shop/db', 5432).allowed).toBe(false);
  });

  it("Calico's own labels are usable in selectors", () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('db-from-other', {
          selector: "projectcalico.org/orchestrator == 'k8s' && app == 'db'",
          ingress: [
            {
              action: 'Allow',
              source: {
                selector:
                  "projectcalico.org/namespace == 'other' && projectcalico.org/serviceaccount == 'frontend'",
              },
            },
          ],
        }),
      ],
    });
    expect(check(c, 'other/client', 'shop/db', 5432).allowed).toBe(true);
    expect(check(c, 'shop/web', 'shop/db', 5432).allowed).toBe(false);
  });

  it("a GlobalNetworkPolicy's namespaceSelector narrows the endpoints it applies to", () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('lock-other', {
          selector: 'all()',
          namespaceSelector: "team == 'other'",
          ingress: [{ action: 'Deny' }],
        }),
      ],
    });
    expect(check(c, 'shop/web', 'other/client', 80).allowed).toBe(false);
    expect(check(c, 'other/client', 'shop/web', 80).allowed).toBe(true);
  });

  it('a rule needing three match blocks gets the documented verdict, with a note on Felix’s scratch bit', () => {
    // Destination ports (a number and a name), two source nets and two destination nets: three
    // positive match blocks. The source nets match web, the ports match 5432 on db, but db's
    // address is in neither destination net, so the rule must not match.
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/blocks', {
          selector: "app == 'db'",
          ingress: [
            {
              action: 'Allow',
              protocol: 'TCP',
              source: { nets: ['10.244.1.0/24', '10.244.3.0/24'] },
              destination: { ports: [80, 'pg'], nets: ['8.0.0.0/8', '9.0.0.0/8'] },
            },
          ],
        }),
      ],
    });
    const out = check(c, 'shop/web', 'shop/db', 5432);
    expect(out.allowed).toBe(false);
    expect(out.model.notes.join(' ')).toContain('scratch mark bit');
  });
});

describe('egress and ingress both count', () => {
  it('a pod-to-pod connection needs egress at the source and ingress at the destination', () => {
    const c = world({
      calicoPolicies: [
        calicoPolicy('shop/web-out', {
          selector: "app == 'web'",
          egress: [{ action: 'Allow', destination: { selector: "app == 'api'" } }],
        }),
        calicoPolicy('shop/db-in', {
          selector: "app == 'db'",
          ingress: [{ action: 'Allow', source: { selector: "app == 'api'" } }],
        }),
      ],
    });
    const webToDb = check(c, 'shop/web', 'shop/db', 5432);
    expect(webToDb.allowed).toBe(false);
    expect(webToDb.ref.egress?.allowed).toBe(false);
    expect(webToDb.model.egress?.allowed).toBe(false);
    expect(check(c, 'shop/web', 'shop/api', 8080).allowed).toBe(true);
    expect(check(c, 'shop/api', 'shop/db', 5432).allowed).toBe(true);
    const outside = check(c, 'ip:8.8.8.8', 'shop/db', 5432);
    expect(outside.allowed).toBe(false);
    expect(outside.ref.egress).toBeUndefined();
  });
});
