import { describe, expect, it } from 'vitest';
import type { CiliumPolicy, LoadResult } from '../model';
import { dedent, errorsOf, load, only, warningsOf } from './testing';

/** A CiliumNetworkPolicy in namespace shop; `spec` starts at line 5, column 3. */
const cnp = (spec: string, kind = 'CiliumNetworkPolicy'): LoadResult =>
  load(
    `apiVersion: cilium.io/v2\nkind: ${kind}\nmetadata: {name: p, namespace: shop}\nspec:\n${dedent(
      spec,
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
const first = (r: LoadResult): CiliumPolicy => r.cluster.ciliumPolicies[0]!;
const fieldErrors = (r: LoadResult) => errorsOf(r).map((d) => `${d.field}: ${d.message}`);

describe('spec and specs', () => {
  it('makes one policy per spec entry, spec first, with its index', () => {
    const r = load(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: shop}
      specs:
      - {endpointSelector: {matchLabels: {app: a}}, ingress: [{}]}
      - {endpointSelector: {matchLabels: {app: b}}, egress: [{}]}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(
      r.cluster.ciliumPolicies.map((p) => [p.name, p.namespace, p.specIndex, p.clusterwide]),
    ).toEqual([
      ['p', 'shop', 0, false],
      ['p', 'shop', 1, false],
    ]);
    expect(r.cluster.ciliumPolicies[1]).toMatchObject({
      ingress: null,
      egress: [expect.anything()],
    });
  });

  it('requires spec or specs, one of endpointSelector/nodeSelector, and at least one rule section', () => {
    const r = load(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: a}
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: b}
      spec: {ingress: [{}]}
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: c}
      spec: {endpointSelector: {}, ingress: [], egress: []}
    `);
    expect(
      errorsOf(r).map((d) => `${d.object} ${d.pos.line}:${d.pos.column} ${d.message}`),
    ).toEqual([
      'CiliumNetworkPolicy default/a 1:1 spec or specs must be provided',
      'CiliumNetworkPolicy default/b 8:1 rule must have one of endpointSelector or nodeSelector',
      'CiliumNetworkPolicy default/c 13:1 rule must have at least one of ingress, ingressDeny, egress, egressDeny (Cilium 1.17+ rejects it; an empty list counts as none)',
    ]);
  });

  it('accepts nodeSelector only in a clusterwide policy, and never with endpointSelector', () => {
    const bad = cnp('nodeSelector: {}\ningress: [{}]');
    expect(fieldErrors(bad)).toEqual([
      'spec.nodeSelector: rule cannot have NodeSelector (only a CiliumClusterwideNetworkPolicy can select nodes)',
    ]);
    const ok = cnp(
      'nodeSelector: {matchLabels: {role: edge}}\ningress: [{}]',
      'CiliumClusterwideNetworkPolicy',
    );
    expect(errorsOf(ok)).toEqual([]);
    expect(first(ok)).toMatchObject({
      clusterwide: true,
      nodeSelector: { matchLabels: { role: 'edge' } },
    });
    expect(first(ok).namespace).toBeUndefined();
    const both = cnp(
      'endpointSelector: {}\nnodeSelector: {}\ningress: [{}]',
      'CiliumClusterwideNetworkPolicy',
    );
    expect(fieldErrors(both)).toEqual([
      'spec.nodeSelector: rule cannot have both endpointSelector and nodeSelector',
    ]);
  });

  it('reads enableDefaultDeny and drops unknown fields in it, with a warning', () => {
    const r = cnp(
      'endpointSelector: {}\ningress: [{}]\nenableDefaultDeny: {ingress: false, egres: true}',
    );
    expect(fieldErrors(r)).toEqual([]);
    expect(only(warningsOf(r), 'spec.enableDefaultDeny.egres').message).toContain(
      'Did you mean `egress`?',
    );
    expect(first(r).enableDefaultDeny).toEqual({ ingress: false });
  });
});

describe('rules: absent vs empty', () => {
  it('keeps null (absent) apart from [] (present, empty) at every level', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - {}
      - fromEndpoints: []
      - toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      - toPorts: []
      egressDeny: []
    `);
    const p = first(r);
    expect(errorsOf(r)).toEqual([]);
    expect(p.egress).toBeNull();
    expect(p.egressDeny).toEqual([]);
    expect(p.ingressDeny).toBeNull();
    expect(
      p.ingress!.map((x) => [x.endpoints, x.cidrs, x.entities, x.toPorts?.length ?? null]),
    ).toEqual([
      [null, null, null, null],
      [[], null, null, null],
      [null, null, null, 1],
      // An empty toPorts restricts nothing, exactly like an absent one.
      [null, null, null, null],
    ]);
    expect(p.ingress!.map((x) => [x.index, x.pos.line])).toEqual([
      [0, 7],
      [1, 8],
      [2, 9],
      [3, 10],
    ]);
  });
});

describe('L3 peers', () => {
  it('accepts k8s:/any:/reserved: prefixes in selector keys and still checks the key', () => {
    const r = cnp(`
      endpointSelector: {matchLabels: {"k8s:app": web}}
      ingress:
      - fromEndpoints:
        - matchLabels: {"k8s:io.kubernetes.pod.namespace": shop, "any:team": a}
        - matchExpressions: [{key: "reserved:host", operator: Exists}]
        - matchLabels: {"bad key": x}
    `);
    expect(fieldErrors(r)).toEqual([
      "spec.ingress[0].fromEndpoints[2].matchLabels.bad key: label key \"bad key\" is not valid (1-63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
    ]);
  });

  it('refuses two kinds of L3 peer in one rule, as Cilium does', () => {
    const r = cnp(`
      endpointSelector: {}
      egress:
      - toEndpoints: [{}]
        toCIDR: [10.0.0.0/8]
    `);
    const e = only(errorsOf(r), 'spec.egress[0].toCIDR');
    expect(e.pos).toEqual({ file: 't.yaml', line: 8, column: 5 });
    expect(e.message).toMatch(/^combining toEndpoints and toCIDR is not supported yet/);
  });

  it('reads CIDRs and CIDR sets; an except must lie inside its cidr (equal is allowed)', () => {
    const r = cnp(`
      endpointSelector: {}
      egress:
      - toCIDR: [10.1.2.3, 10.0.0.5/8]
      - toCIDRSet:
        - {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 0.0.0.0/0]}
        - {cidr: 192.168.0.0/16, except: [10.0.0.0/8]}
    `);
    expect(fieldErrors(r)).toEqual([
      'spec.egress[1].toCIDRSet[1].except[0]: allow CIDR prefix 192.168.0.0/16 does not contain exclude CIDR prefix 10.0.0.0/8',
    ]);
    // Host bits are accepted and masked, with a note at the entry.
    expect(only(warningsOf(r), 'spec.egress[0].toCIDR[1]').message).toMatch(
      /^"10\.0\.0\.5\/8" means 10\.0\.0\.0\/8: its host bits are set and Cilium masks them/,
    );
    expect(
      first(
        load(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p}
      spec:
        endpointSelector: {}
        egress:
        - toCIDR: [10.1.2.3, 10.0.0.5/8]
        - toCIDRSet: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]
    `),
      ).egress!.map((x) =>
        x.cidrs!.map((c) => `${c.cidr.text}-${c.except.map((e) => e.text).join('+')}`),
      ),
    ).toEqual([['10.1.2.3/32-', '10.0.0.0/8-'], ['0.0.0.0/0-10.0.0.0/8']]);
  });

  it('skips IPv6 CIDRs and CIDR group references with a warning; nothing left selects nothing', () => {
    const r = cnp(`
      endpointSelector: {}
      egress:
      - toCIDR: ["::/0"]
      - toCIDRSet: [{cidrGroupRef: office}]
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).egress!.map((x) => x.cidrs)).toEqual([[], []]);
    expect(warningsOf(r).map((d) => d.field)).toEqual(
      expect.arrayContaining(['spec.egress[0]', 'spec.egress[1].toCIDRSet[0].cidrGroupRef']),
    );
  });

  it('validates entity names and drops `none`, which selects nothing', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - fromEntities: [world, remote-node, none]
      - fromEntities: [internet]
    `);
    expect(
      first(cnp('endpointSelector: {}\ningress: [{fromEntities: [world, remote-node, none]}]'))
        .ingress![0]!.entities,
    ).toEqual(['world', 'remote-node']);
    const e = only(errorsOf(r), 'spec.ingress[1].fromEntities[0]');
    expect(e.message).toMatch(/^unsupported entity: internet \(supported: all, world, /);
  });

  it('keeps rules with unmodelled peers (toFQDNs) but makes them select nothing, with a warning', () => {
    const r = cnp(`
      endpointSelector: {}
      egress:
      - toFQDNs: [{matchName: api.example.com}]
        toPorts: [{ports: [{port: "443", protocol: TCP}]}]
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).egress![0]).toMatchObject({ endpoints: [], cidrs: null, entities: null });
    expect(only(warningsOf(r), 'spec.egress[0].toFQDNs').message).toContain('DNS names (toFQDNs)');
  });

  it('refuses ICMP rules mixed with toPorts, and keeps the IPv4 types of ICMP rules', () => {
    const mixed = cnp(`
      endpointSelector: {}
      ingress:
      - icmps: [{fields: [{type: 8}]}]
        toPorts: [{ports: [{port: "80"}]}]
    `);
    expect(fieldErrors(mixed)[0]).toBe(
      'spec.ingress[0].icmps: the ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts',
    );
    const alone = cnp(
      'endpointSelector: {}\ningress: [{fromEndpoints: [{}], icmps: [{fields: [{type: 8}]}]}]',
    );
    expect(first(alone).ingress![0]!.endpoints).toEqual([
      { matchLabels: {}, matchExpressions: [] },
    ]);
    expect(first(alone).ingress![0]!.icmps).toEqual([8]);
    // pkg/policy/api/icmp.go: names per family; IPv6 fields are dropped (IPv4 only).
    const named = cnp(`
      endpointSelector: {}
      ingress:
      - icmps:
        - fields: [{type: EchoRequest}, {type: "0", family: IPv4}, {type: EchoRequest, family: IPv6}]
    `);
    expect(errorsOf(named)).toEqual([]);
    expect(first(named).ingress![0]!.icmps).toEqual([8, 0]);
    expect(
      warningsOf(named)
        .map((d) => d.field)
        .filter((f) => f?.startsWith('spec')),
    ).toEqual(['spec.ingress[0].icmps[0].fields[2]']);
    expect(
      fieldErrors(
        cnp('endpointSelector: {}\ningress: [{icmps: [{fields: [{type: PacketTooBig}]}]}]'),
      ),
    ).toEqual([
      'spec.ingress[0].icmps[0].fields[0].type: ICMP type PacketTooBig not found in IPv4 (0-255 or one of EchoReply, DestinationUnreachable, Redirect, Echo, EchoRequest, RouterAdvertisement, RouterSelection, TimeExceeded, ParameterProblem, Timestamp, TimestampReply, Photuris, ExtendedEchoRequest, ExtendedEchoReply)',
    ]);
  });
});

describe('toPorts', () => {
  it('reads ports as strings: numbers, "0" for all, names (lower-cased), ranges; protocol defaults to ANY', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports:
          - {port: "80", protocol: TCP}
          - {port: "0"}
          - {port: HTTP-Alt, protocol: UDP}
          - {port: "8000", endPort: 8080, protocol: SCTP}
          - {port: "010"}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).ingress![0]!.toPorts![0]!.ports).toEqual([
      { port: 80, protocol: 'TCP' },
      { port: 0, protocol: 'ANY' },
      { port: 'http-alt', protocol: 'UDP' },
      { port: 8000, endPort: 8080, protocol: 'SCTP' },
      // strconv.ParseUint(s, 0, 16): a leading zero is octal.
      { port: 8, protocol: 'ANY' },
    ]);
  });

  it('refuses an unquoted port, a missing port and unknown protocols', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports:
          - {port: 80}
          - {protocol: TCP}
          - {port: "53", protocol: tcp}
          - {port: "99999"}
    `);
    expect(fieldErrors(r)).toEqual([
      'spec.ingress[0].toPorts[0].ports[0].port: must be a string: quote it (port: "80")',
      'spec.ingress[0].toPorts[0].ports[1].port: port must be specified (use "0" for every port)',
      'spec.ingress[0].toPorts[0].ports[2].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP", "ANY"',
      'spec.ingress[0].toPorts[0].ports[3].port: unable to parse port: "99999" is not a port number (0-65535)',
    ]);
  });

  it('reads HTTP rules (method, path, host, headers, headerMatches) and keeps absent apart from []', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports: [{port: "80", protocol: TCP}]
          rules:
            http:
            - {method: GET, path: "/api/.*", host: "shop\\\\.example\\\\.com", headers: ["X-Team: a"]}
            - headerMatches: [{name: X-Token, value: s3cret}, {name: X-Debug}]
        - ports: [{port: "81", protocol: TCP}]
          rules: {http: []}
        - ports: [{port: "82", protocol: TCP}]
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).ingress![0]!.toPorts!.map((p) => p.http)).toEqual([
      [
        { method: 'GET', path: '/api/.*', host: 'shop\\.example\\.com', headers: ['X-Team: a'] },
        { headerMatches: [{ name: 'X-Token', value: 's3cret' }, { name: 'X-Debug' }] },
      ],
      [],
      null,
    ]);
  });

  it('requires protocol TCP and a non-zero port for L7 rules, as Cilium validates them', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports: [{port: "80"}, {port: "0", protocol: TCP}]
          rules: {http: [{method: GET}]}
    `);
    expect(fieldErrors(r)).toEqual([
      'spec.ingress[0].toPorts[0].ports[0].protocol: L7 rules can only apply to TCP (not ANY) except for DNS rules: write protocol: TCP',
      'spec.ingress[0].toPorts[0].ports[1].port: L7 rules can not be used when a port is 0',
    ]);
  });

  it('drops L7 rules from deny rules (a PortDenyRule has only ports): the deny covers the port', () => {
    const r = cnp(`
      endpointSelector: {}
      ingressDeny:
      - toPorts:
        - ports: [{port: "80", protocol: TCP}]
          rules: {http: [{method: GET}]}
    `);
    expect(errorsOf(r)).toEqual([]);
    const w = only(warningsOf(r), 'spec.ingressDeny[0].toPorts[0].rules');
    expect(w.pos).toEqual({ file: 't.yaml', line: 9, column: 7 });
    expect(w.message).toContain("Cilium's PortDenyRule has only `ports`");
    expect(w.message).toContain('applies to every request on these ports');
    expect(first(r).ingressDeny![0]!.toPorts).toEqual([
      { ports: [{ port: 80, protocol: 'TCP' }], http: null },
    ]);
  });

  it('checks HTTP regular expressions compile, refusing what RE2 does not support', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports: [{port: "80", protocol: TCP}]
          rules:
            http:
            - {path: "/api/(v1"}
            - {method: "(?!DELETE).*"}
    `);
    expect(fieldErrors(r).map((m) => m.split(': ').slice(0, 2).join(': '))).toEqual([
      'spec.ingress[0].toPorts[0].rules.http[0].path: "/api/(v1" is not a valid regular expression',
      'spec.ingress[0].toPorts[0].rules.http[1].method: "(?!DELETE).*" is not a valid regular expression',
    ]);
    expect(errorsOf(r)[1]!.message).toContain('RE2');
  });

  it('applies DNS and Kafka rules at L4 only, with a warning, and refuses DNS on ingress', () => {
    const r = cnp(`
      endpointSelector: {}
      egress:
      - toPorts:
        - ports: [{port: "53", protocol: ANY}]
          rules: {dns: [{matchPattern: "*"}]}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(first(r).egress![0]!.toPorts![0]).toEqual({
      ports: [{ port: 53, protocol: 'ANY' }],
      http: null,
    });
    expect(only(warningsOf(r), 'spec.egress[0].toPorts[0].rules').message).toContain(
      'only HTTP rules are modelled',
    );
    const ingress = cnp(
      'endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: "53"}], rules: {dns: [{matchName: x}]}}]}]',
    );
    expect(fieldErrors(ingress)).toEqual([
      'spec.ingress[0].toPorts[0].rules.dns: DNS rules are not allowed on ingress',
    ]);
  });

  it('warns about misspelt rule fields, naming the field meant, and drops them', () => {
    const r = cnp('endpointSelector: {}\ningress: [{fromEndpoint: [{}]}]');
    expect(fieldErrors(r)).toEqual([]);
    expect(only(warningsOf(r), 'spec.ingress[0].fromEndpoint').message).toBe(
      'unknown field "fromEndpoint" is ignored: the API server drops fields its schema does not know. Did you mean `fromEndpoints`? Everything under "fromEndpoint" is dropped with it.',
    );
    // What is left is `ingress: [{}]`: a rule with no peer, which selects nothing in Cilium.
    expect(first(r).ingress).toMatchObject([{ endpoints: null, cidrs: null, entities: null }]);
  });

  it('loads a CNP with a top-level description (old docs), saying where it lives now', () => {
    const r = load(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      description: "L3-L4 policy to restrict deathstar access to empire ships only"
      metadata: {name: rule1, namespace: default}
      spec:
        endpointSelector: {matchLabels: {org: empire}}
        ingress: [{fromEndpoints: [{matchLabels: {org: empire}}]}]
    `);
    expect(errorsOf(r)).toEqual([]);
    const w = only(warningsOf(r), 'description');
    expect(w).toMatchObject({
      severity: 'warning',
      object: 'CiliumNetworkPolicy default/rule1',
      pos: { file: 't.yaml', line: 3, column: 1 },
    });
    expect(w.message).toContain('spec.description');
    expect(r.cluster.ciliumPolicies).toHaveLength(1);
  });

  it('warns about a misspelt section (ingres) and, with no section left, reports the empty rule', () => {
    const r = cnp('endpointSelector: {}\ningres: [{}]');
    expect(only(warningsOf(r), 'spec.ingres').message).toContain('Did you mean `ingress`?');
    expect(fieldErrors(r)[0]).toMatch(/^spec: rule must have at least one of ingress/);
  });
});

describe('which CNI uses it', () => {
  it('gives each Cilium policy object one warning that Calico ignores it', () => {
    const r = cnp('endpointSelector: {}\ningress: [{}]', 'CiliumClusterwideNetworkPolicy');
    expect(r.diagnostics.filter((d) => d.ignoredBy)).toMatchObject([
      {
        ignoredBy: 'calico',
        object: 'CiliumClusterwideNetworkPolicy p',
        message:
          'Calico does not enforce CiliumClusterwideNetworkPolicy; only the Cilium panel uses it',
      },
    ]);
  });
});

describe('HTTP rule regular expressions (RE2, issue 13)', () => {
  it('refuses what RE2 refuses, at the field, naming the reason', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports: [{port: "80", protocol: TCP}]
          rules:
            http:
            - {path: "/public)|(?:.*"}
            - {method: "(G)\\\\1"}
            - {host: "a++"}
            - {path: "(?<=x)y"}
    `);
    const errors = errorsOf(r);
    expect(errors.map((d) => [d.field, d.pos.line])).toEqual([
      ['spec.ingress[0].toPorts[0].rules.http[0].path', 11],
      ['spec.ingress[0].toPorts[0].rules.http[1].method', 12],
      ['spec.ingress[0].toPorts[0].rules.http[2].host', 13],
      ['spec.ingress[0].toPorts[0].rules.http[3].path', 14],
    ]);
    expect(errors[0]!.message).toMatch(/unexpected \)/);
    expect(errors[1]!.message).toMatch(/invalid escape sequence/);
    expect(errors[2]!.message).toMatch(/invalid nested repetition operator/);
    // The refused rules are not kept: nothing can allow /admin/secret through them.
    expect(JSON.stringify(r.cluster.ciliumPolicies)).not.toContain('/public)');
  });

  it('accepts the ReDoS shapes (RE2 matches them in linear time)', () => {
    const r = cnp(`
      endpointSelector: {}
      ingress:
      - toPorts:
        - ports: [{port: "80", protocol: TCP}]
          rules:
            http:
            - {path: "/(a+)+", method: "(G+)+"}
            - {path: "/(a|a)*"}
    `);
    expect(errorsOf(r)).toEqual([]);
  });
});
