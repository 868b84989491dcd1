import { describe, expect, it } from 'vitest';
import { parseCalicoSelector } from '../calico/selector';
import type { CalicoPolicy, LoadResult } from '../model';
import { dedent, errorsOf, load, only, warningsOf } from './testing';

/** A Calico policy of `kind`; `spec` starts at line 5, column 3. */
const calico = (spec: string, kind = 'NetworkPolicy'): LoadResult =>
  load(
    `apiVersion: projectcalico.org/v3\nkind: ${kind}\nmetadata: {name: p, namespace: shop}\nspec:\n${dedent(
      spec,
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
const first = (r: LoadResult): CalicoPolicy => r.cluster.calicoPolicies[0]!;
const fieldErrors = (r: LoadResult) => errorsOf(r).map((d) => `${d.field}: ${d.message}`);

describe('selectors', () => {
  it('keeps the text, Calico canonical form and the position of the value', () => {
    const r = calico(`
      selector: app == 'db' && has(tier)
      serviceAccountSelector: role == "api"
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).selector).toEqual({
      text: "app == 'db' && has(tier)",
      canonical: '(app == "db" && has(tier))',
      pos: { file: 't.yaml', line: 5, column: 13 },
    });
    expect(first(r).serviceAccountSelector!.canonical).toBe('role == "api"');
  });

  it('treats an absent or empty policy selector as all()', () => {
    expect(first(calico('order: 1')).selector).toMatchObject({ text: '', canonical: 'all()' });
    expect(first(calico('selector: ""')).selector).toMatchObject({ text: '', canonical: 'all()' });
  });

  it("maps a selector error's column into the YAML, for plain and quoted values", () => {
    const text = 'app in {"a", "b"';
    const parsed = parseCalicoSelector(text);
    if (parsed.ok) throw new Error('the selector should be invalid');
    const plain = calico(`selector: ${text.replace(/"/g, "'")}`);
    const quoted = calico(`selector: "${text.replace(/"/g, "'")}"`);
    // Value starts at column 13 (plain) or 14 (after the opening quote).
    expect(only(errorsOf(plain), 'spec.selector').pos).toEqual({
      file: 't.yaml',
      line: 5,
      column: 13 + parsed.column - 1,
    });
    expect(only(errorsOf(quoted), 'spec.selector').pos.column).toBe(14 + parsed.column - 1);
    expect(only(errorsOf(plain), 'spec.selector').message).toMatch(/^invalid selector "app in/);
  });

  it('allows global() only alone, in a rule namespaceSelector', () => {
    const r = calico(`
      selector: global()
      ingress:
      - action: Allow
        source: {namespaceSelector: global()}
      - action: Allow
        source: {namespaceSelector: global() && team == "a"}
    `);
    expect(fieldErrors(r)).toEqual([
      'spec.selector: global() can only be used in an EntityRule namespaceSelector',
      'spec.ingress[1].source.namespaceSelector: global() cannot be combined with other selectors',
    ]);
  });
});

describe('types defaulting (defaultPolicyTypesField)', () => {
  const types = (spec: string) => {
    const p = first(calico(spec));
    return [p.types, p.typesInferred];
  };
  it('is Ingress with no rules at all, or ingress rules only', () => {
    expect(types('selector: all()')).toEqual([['ingress'], true]);
    expect(types('ingress: [{action: Allow}]')).toEqual([['ingress'], true]);
  });
  it('is Egress with egress rules only, and both with both', () => {
    expect(types('egress: [{action: Allow}]')).toEqual([['egress'], true]);
    expect(types('ingress: [{action: Deny}]\negress: [{action: Allow}]')).toEqual([
      ['ingress', 'egress'],
      true,
    ]);
  });
  it('keeps explicit types, warns about ignored rules and refuses repeats', () => {
    const r = calico('types: [Ingress]\negress: [{action: Allow}]');
    expect(first(r).types).toEqual(['ingress']);
    expect(first(r).egress).toHaveLength(1);
    expect(only(warningsOf(r), 'spec.egress').message).toBe(
      'types does not include Egress, so these egress rules are ignored',
    );
    expect(first(calico('types: [Ingress, Egress]')).types).toEqual(['ingress', 'egress']);
    expect(fieldErrors(calico('types: [Egress, Egress]'))).toEqual([
      "spec.types[1]: 'Egress' type specified more than once",
    ]);
  });
});

describe('rules', () => {
  it('reads actions, protocols (names and numbers), nets, ports and ranges', () => {
    const r = calico(`
      order: 10.5
      ingress:
      - action: Log
      - action: Pass
        protocol: 6
        source:
          nets: [10.0.0.0/8, 192.168.1.7]
          notNets: [10.1.0.0/16]
        destination:
          ports: [80, "8000:8080", http, "443"]
          notPorts: ["8081"]
      - action: Deny
        protocol: UDP
        notProtocol: "17"
    `);
    expect(errorsOf(r)).toEqual([]);
    const [log, pass, deny] = first(r).ingress;
    expect(first(r).order).toBe(10.5);
    expect(log).toEqual({
      action: 'Log',
      source: {},
      destination: {},
      index: 0,
      pos: expect.objectContaining({ line: 7, column: 5 }),
    });
    expect(pass).toMatchObject({
      action: 'Pass',
      protocol: 'TCP',
      source: {
        nets: [{ text: '10.0.0.0/8' }, { text: '192.168.1.7/32' }],
        notNets: [{ text: '10.1.0.0/16' }],
      },
      destination: {
        ports: [{ port: 80 }, { port: 8000, endPort: 8080 }, { port: 'http' }, { port: 443 }],
        notPorts: [{ port: 8081 }],
      },
    });
    expect(deny).toMatchObject({ protocol: 'UDP', notProtocol: 'UDP' });
  });

  it('refuses numeric ports without a protocol, and any port with a protocol that has none', () => {
    const r = calico(`
      ingress:
      - action: Allow
        destination: {ports: [http, 80, "8000:8080"]}
      - action: Allow
        protocol: ICMP
        source: {notPorts: [http]}
    `);
    expect(fieldErrors(r)).toEqual([
      'spec.ingress[0].destination.ports[1]: rules with numeric port or port range must set protocol to TCP or UDP or SCTP (a rule without a protocol may list only named ports)',
      'spec.ingress[0].destination.ports[2]: rules with numeric port or port range must set protocol to TCP or UDP or SCTP (a rule without a protocol may list only named ports)',
      'spec.ingress[1].source.notPorts: rules that specify ports must set protocol to TCP or UDP or SCTP',
    ]);
  });

  it('loads a rule without a protocol that lists only named ports (current validator)', () => {
    const r = calico(`
      ingress:
      - action: Allow
        destination: {ports: [http, dns]}
        source: {notPorts: [metrics]}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r).filter((d) => d.field?.startsWith('spec'))).toEqual([]);
    const rule = first(r).ingress[0]!;
    expect(rule.protocol).toBeUndefined();
    expect(rule.destination.ports).toEqual([{ port: 'http' }, { port: 'dns' }]);
    expect(rule.source.notPorts).toEqual([{ port: 'metrics' }]);
  });

  it('validates actions, protocol names, port values and nets', () => {
    const r = calico(`
      ingress:
      - action: Next-tier
      - action: Allow
        protocol: tcp
      - action: Allow
        protocol: 0
      - action: Allow
        protocol: TCP
        destination: {ports: [0, "90:80", "Bad_Name", 70000]}
      - action: Allow
        source: {nets: [10.0.0.1/8]}
    `);
    expect(fieldErrors(r)).toEqual([
      'spec.ingress[0].action: Unsupported value: "Next-tier": supported values: "Allow", "Deny", "Log", "Pass" ("next-tier" is the dataplane name; the v3 API spells it Pass)',
      'spec.ingress[1].protocol: protocol name invalid: "tcp" (names are case-sensitive: TCP)',
      'spec.ingress[2].protocol: protocol number invalid: 0 (1-255)',
      'spec.ingress[3].destination.ports[0]: port range invalid, port number must be between 1 and 65535',
      'spec.ingress[3].destination.ports[1]: minimum port number (90) is greater than maximum port number (80) in port range',
      'spec.ingress[3].destination.ports[2]: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[3].destination.ports[3]: port range invalid, port number must be between 1 and 65535',
      'spec.ingress[4].source.nets[0]: "10.0.0.1/8" has host bits set: did you mean 10.0.0.0/8? Calico\'s validator refuses host bits in rule nets (NetworkSet nets accept them)',
    ]);
  });

  it('reads serviceAccounts (names and selector) on source and destination', () => {
    const r = calico(`
      egress:
      - action: Allow
        destination:
          serviceAccounts: {names: [api, web], selector: team == "a"}
          namespaceSelector: projectcalico.org/name == "shop"
          notSelector: has(debug)
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).egress[0]!.destination).toMatchObject({
      serviceAccounts: { names: ['api', 'web'], selector: { canonical: 'team == "a"' } },
      namespaceSelector: { canonical: 'projectcalico.org/name == "shop"' },
      notSelector: { canonical: 'has(debug)' },
    });
  });

  it('loads a misspelt rule field as the API server stores it (dropped), warning at its place', () => {
    const r = calico(`
      ingress:
      - action: Allow
        destinaton: {ports: [80]}
    `);
    expect(errorsOf(r)).toEqual([]);
    const w = only(warningsOf(r), 'spec.ingress[0].destinaton');
    expect(w.pos).toEqual({ file: 't.yaml', line: 7, column: 5 });
    expect(w.object).toBe('NetworkPolicy shop/p');
    expect(w.message).toBe(
      'unknown field "destinaton" is ignored: the API server drops fields its schema does not know. Did you mean `destination`? Everything under "destinaton" is dropped with it.',
    );
    // Without its destination the rule allows every source and port.
    expect(first(r).ingress[0]!.destination).toEqual({});
  });

  it('keeps ICMP fields, and refuses them without protocol ICMP', () => {
    const ok = calico(
      'ingress: [{action: Allow, protocol: ICMP, icmp: {type: 8, code: 0}, notICMP: {type: 3}}]',
    );
    expect(errorsOf(ok)).toEqual([]);
    expect(warningsOf(ok).filter((d) => d.field?.startsWith('spec'))).toEqual([]);
    const rule = ok.cluster.calicoPolicies[0]!.ingress[0]!;
    expect(rule.icmp).toEqual({ type: 8, code: 0 });
    expect(rule.notICMP).toEqual({ type: 3 });
    // validator: type 0-254 (255 is iptables' "any"), code 0-255.
    expect(
      errorsOf(calico('ingress: [{action: Allow, protocol: ICMP, icmp: {type: 255}}]')),
    ).toHaveLength(1);
    expect(
      errorsOf(calico('ingress: [{action: Allow, protocol: ICMP, icmp: {type: 3, code: 256}}]')),
    ).toHaveLength(1);
    // notICMP needs no protocol (only icmp does), but Felix's `-m icmp` then has no `-p icmp`.
    const bare = calico('ingress: [{action: Allow, notICMP: {type: 8}}]');
    expect(errorsOf(bare)).toEqual([]);
    expect(only(warningsOf(bare), 'spec.ingress[0].notICMP').message).toContain(
      'ICMP packets only',
    );
    expect(fieldErrors(calico('ingress: [{action: Allow, icmp: {code: 0}}]'))).toEqual([
      'spec.ingress[0].icmp.code: ICMP code specified without an ICMP type',
      'spec.ingress[0].icmp: rules that specify ICMP fields must set protocol to ICMP',
    ]);
  });

  it('accepts an HTTP match on an Allow ingress rule with a warning that it is not modelled', () => {
    const r = calico(`
      ingress:
      - action: Allow
        protocol: TCP
        http: {methods: [GET], paths: [{prefix: /api}]}
      - action: Deny
        http: {methods: [GET]}
    `);
    expect(only(warningsOf(r), 'spec.ingress[0].http').message).toContain(
      'does not model Calico application-layer policy',
    );
    expect(fieldErrors(r)).toEqual(['spec.ingress[1].http: only valid for Allow rules']);
  });

  it('skips IPv6-only rules with a warning and refuses rules mixing IPv4 and IPv6', () => {
    const r = calico(`
      ingress:
      - {action: Allow, source: {nets: ["fd00::/8"]}}
      - {action: Allow, ipVersion: 6}
      - {action: Allow, source: {nets: [10.0.0.0/8]}, destination: {notNets: ["::/0"]}}
      - {action: Deny}
    `);
    expect(fieldErrors(r)).toEqual(['spec.ingress[2]: rule contains both IPv4 and IPv6 CIDRs']);
    const ok = calico('ingress: [{action: Allow, source: {nets: ["fd00::/8"]}}, {action: Deny}]');
    expect(first(ok).ingress.map((x) => [x.action, x.index])).toEqual([['Deny', 1]]);
    // The types were defaulted from the rules as written.
    expect(first(ok).types).toEqual(['ingress']);
  });

  it('refuses Service matches, which PacketWalk does not model', () => {
    const r = calico('egress: [{action: Allow, destination: {services: {name: api}}}]');
    expect(fieldErrors(r)[0]).toMatch(/^spec\.egress\[0\]\.destination\.services: Service matches/);
  });
});

describe('GlobalNetworkPolicy and staged kinds', () => {
  it('reads namespaceSelector and global scope', () => {
    const r = calico(
      'selector: app == "db"\nnamespaceSelector: team == "a"',
      'GlobalNetworkPolicy',
    );
    expect(first(r)).toMatchObject({
      global: true,
      namespaceSelector: { canonical: 'team == "a"' },
    });
    expect(first(r).namespace).toBeUndefined();
  });

  it('drops namespaceSelector from a namespaced NetworkPolicy (a GlobalNetworkPolicy field)', () => {
    const r = calico('namespaceSelector: all()');
    expect(errorsOf(r)).toEqual([]);
    expect(only(warningsOf(r), 'spec.namespaceSelector').message).toMatch(
      /^unknown field "namespaceSelector" is ignored/,
    );
    expect(first(r).namespaceSelector).toBeUndefined();
  });

  it('skips doNotTrack and preDNAT policies, which apply to host endpoints only', () => {
    const r = calico('doNotTrack: true\napplyOnForward: true', 'GlobalNetworkPolicy');
    expect(r.cluster.calicoPolicies).toEqual([]);
    expect(only(warningsOf(r), 'spec.doNotTrack').message).toContain('host endpoints only');
  });

  it('loads staged policies as staged, with a warning', () => {
    const r = calico('stagedAction: Set\nselector: all()', 'StagedGlobalNetworkPolicy');
    expect(first(r)).toMatchObject({ staged: true, global: true });
    expect(warningsOf(r).some((d) => d.message.startsWith('staged: shown, never enforced'))).toBe(
      true,
    );
    expect(first(calico('selector: all()', 'StagedNetworkPolicy'))).toMatchObject({
      staged: true,
      global: false,
      namespace: 'shop',
    });
  });

  it('warns once per object that Cilium ignores it', () => {
    expect(calico('selector: all()').diagnostics.filter((d) => d.ignoredBy)).toMatchObject([
      {
        ignoredBy: 'cilium',
        message: "Cilium does not use Calico's NetworkPolicy; only the Calico panel uses it",
      },
    ]);
  });
});

describe('tiers', () => {
  const tier = (name: string, spec: string) =>
    `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
  const gnp = (name: string, spec: string) =>
    `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

  it('adds the built-in tiers and sorts by order (unset last, ties by name)', () => {
    const r = load(
      [
        tier('zeta', '{order: 100}'),
        tier('alpha', '{order: 100, defaultAction: Pass}'),
        tier('last', '{}'),
        tier('early', '{order: 1}'),
      ].join('---\n'),
    );
    expect(errorsOf(r)).toEqual([]);
    expect(
      r.cluster.calicoTiers.map((t) => [t.name, t.order ?? null, t.defaultAction, t.builtIn]),
    ).toEqual([
      ['early', 1, 'Deny', false],
      ['alpha', 100, 'Pass', false],
      ['zeta', 100, 'Deny', false],
      ['kube-admin', 1000, 'Pass', true],
      ['default', 1_000_000, 'Deny', true],
      ['kube-baseline', 10_000_000, 'Pass', true],
      ['last', null, 'Deny', false],
    ]);
  });

  it('refuses a built-in tier with another order or default action', () => {
    const r = load(tier('default', '{order: 5}') + '---\n' + tier('kube-admin', '{order: 1000}'));
    expect(fieldErrors(r)).toEqual([
      'spec.order: default tier order must be 1000000',
      "spec.defaultAction: The 'kube-admin' tier must have default action 'Pass'",
    ]);
  });

  it('places a policy by spec.tier, and refuses a tier that does not exist', () => {
    const r = load(
      [
        tier('security', '{order: 10}'),
        gnp('security.block', '{tier: security, selector: all()}'),
        gnp('orphan', '{tier: nowhere, selector: all()}'),
      ].join('---\n'),
    );
    expect(r.cluster.calicoPolicies.map((p) => [p.name, p.tier])).toEqual([
      ['security.block', 'security'],
    ]);
    const e = only(errorsOf(r), 'spec.tier');
    expect(e).toMatchObject({ object: 'GlobalNetworkPolicy orphan', pos: { line: 14, column: 8 } });
    expect(e.message).toMatch(/^tier "nowhere" does not exist/);
  });

  it('warns about the old <tier>.<name> naming rule and about a prefix without spec.tier', () => {
    const r = load(
      [
        tier('security', '{order: 10}'),
        gnp('block', '{tier: security}'),
        gnp('security.allow', '{selector: all()}'),
      ].join('---\n'),
    );
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.calicoPolicies.map((p) => [p.name, p.tier])).toEqual([
      ['block', 'security'],
      ['security.allow', 'default'],
    ]);
    const w = warningsOf(r).filter((d) => !d.ignoredBy);
    expect(w.map((d) => [d.object, d.field])).toEqual([
      ['GlobalNetworkPolicy block', 'metadata.name'],
      ['GlobalNetworkPolicy security.allow', 'spec.tier'],
    ]);
    expect(w[0]!.message).toContain('named "security.block"');
  });
});

describe('network sets', () => {
  it('reads labels and nets (host bits masked) of namespaced and global sets', () => {
    const r = load(`
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata: {name: partners, namespace: shop, labels: {role: partner}}
      spec: {nets: [203.0.113.0/24, 198.51.100.7/24, "2001:db8::/32"]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkSet
      metadata: {name: threats, labels: {feed: bad}}
      spec: {nets: [192.0.2.66]}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(only(warningsOf(r), 'spec.nets[1]').message).toMatch(
      /^"198\.51\.100\.7\/24" means 198\.51\.100\.0\/24: its host bits are set and Calico masks them/,
    );
    expect(
      r.cluster.calicoNetworkSets.map((s) => [
        s.name,
        s.global,
        s.namespace,
        s.labels,
        s.nets.map((n) => n.text),
      ]),
    ).toEqual([
      ['partners', false, 'shop', { role: 'partner' }, ['203.0.113.0/24', '198.51.100.0/24']],
      ['threats', true, undefined, { feed: 'bad' }, ['192.0.2.66/32']],
    ]);
    expect(only(warningsOf(r), 'spec.nets').message).toContain('IPv6');
  });

  it('refuses the projectcalico.org/namespace label, which Calico sets itself', () => {
    const r = load(`
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata: {name: n, labels: {projectcalico.org/namespace: x}}
      spec: {nets: []}
    `);
    expect(only(errorsOf(r), 'metadata.labels.projectcalico.org/namespace').message).toContain(
      'not a valid label name',
    );
  });
});
