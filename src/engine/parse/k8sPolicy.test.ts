import { describe, expect, it } from 'vitest';
import type { K8sNetworkPolicy, LoadResult } from '../model';
import { dedent, errorsOf, load, only, warningsOf } from './testing';

/** A NetworkPolicy in namespace shop whose spec is `spec` (YAML, indented by two). */
const np = (spec: string): LoadResult =>
  load(
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n${dedent(
      spec,
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
/** Spec lines start at line 5, column 3. */
const policy = (r: LoadResult): K8sNetworkPolicy => r.cluster.k8sPolicies[0]!;

describe('policyTypes', () => {
  it('is [Ingress] when absent and there are no egress rules, even with ingress rules', () => {
    const p = policy(np('podSelector: {}\ningress: [{}]'));
    expect(p.policyTypes).toEqual(['ingress']);
    expect(p.policyTypesInferred).toBe(true);
  });

  it('adds Egress when egress is non-empty, but not for an empty egress list', () => {
    expect(policy(np('podSelector: {}\negress: [{}]')).policyTypes).toEqual(['ingress', 'egress']);
    expect(policy(np('podSelector: {}\negress: []')).policyTypes).toEqual(['ingress']);
    expect(policy(np('podSelector: {}\npolicyTypes: []\negress: [{}]')).policyTypes).toEqual([
      'ingress',
      'egress',
    ]);
  });

  it('keeps explicit types and warns when they make rules dead', () => {
    const r = np('podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]');
    expect(policy(r)).toMatchObject({ policyTypes: ['egress'], policyTypesInferred: false });
    expect(only(warningsOf(r), 'spec.ingress').message).toBe(
      'policyTypes does not include Ingress, so these ingress rules have no effect',
    );
  });

  it('refuses unknown types and more than two', () => {
    const r = np('podSelector: {}\npolicyTypes: [Ingress, Egress, ingress]');
    expect(errorsOf(r).map((d) => `${d.field}: ${d.message}`)).toEqual([
      'spec.policyTypes: Invalid value: may not specify more than two policyTypes',
      'spec.policyTypes[2]: Unsupported value: "ingress": supported values: "Ingress", "Egress"',
    ]);
  });
});

describe('rules: absent and empty', () => {
  it('normalises absent and empty from/to and ports to null ("all")', () => {
    const p = policy(
      np(`
        podSelector: {}
        ingress:
        - {}
        - from: []
          ports: []
        egress: []
      `),
    );
    expect(p.ingress.map((r) => [r.peers, r.ports, r.index, r.pos.line])).toEqual([
      [null, null, 0, 7],
      [null, null, 1, 8],
    ]);
    expect(p.egress).toEqual([]);
  });

  it('treats an empty `-` entry as a rule that allows everything', () => {
    const p = policy(np('podSelector: {}\ningress:\n-\n'));
    expect(p.ingress).toHaveLength(1);
    expect(p.ingress[0]).toMatchObject({ peers: null, ports: null });
  });
});

describe('peers', () => {
  it('keeps podSelector + namespaceSelector in one peer (AND) apart from two peers (OR)', () => {
    const p = policy(
      np(`
        podSelector: {matchLabels: {app: db}}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {team: a}}
            podSelector: {matchLabels: {app: web}}
        - from:
          - namespaceSelector: {matchLabels: {team: a}}
          - podSelector: {matchLabels: {app: web}}
      `),
    );
    expect(p.ingress[0]!.peers).toEqual([
      {
        podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] },
        namespaceSelector: { matchLabels: { team: 'a' }, matchExpressions: [] },
      },
    ]);
    expect(p.ingress[1]!.peers).toEqual([
      { namespaceSelector: { matchLabels: { team: 'a' }, matchExpressions: [] } },
      { podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] } },
    ]);
  });

  it('refuses an empty peer and ipBlock mixed with a selector, as the API server does', () => {
    const r = np(`
      podSelector: {}
      ingress:
      - from:
        - {}
        - ipBlock: {cidr: 10.0.0.0/8}
          podSelector: {}
    `);
    expect(
      errorsOf(r).map((d) => `${d.pos.line}:${d.pos.column} ${d.field}: ${d.message}`),
    ).toEqual([
      '8:7 spec.ingress[0].from[0]: Required value: must specify a peer',
      '9:7 spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    ]);
  });

  it('reads an ipBlock with except and requires each except to be a strict subset', () => {
    const r = np(`
      podSelector: {}
      egress:
      - to:
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [10.1.0.0/16, 10.0.0.0/8, 192.168.0.0/24]
        - ipBlock: {cidr: 172.16.0.0/12, except: [172.16.5.0/24]}
    `);
    expect(errorsOf(r).map((d) => `${d.field}: ${d.message}`)).toEqual([
      'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr` (10.0.0.0/8)',
      'spec.egress[0].to[0].ipBlock.except[2]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr` (10.0.0.0/8)',
    ]);
    expect(policy(r).egress[0]!.peers).toEqual([
      {
        ipBlock: {
          cidr: { base: 0xac100000, prefix: 12, text: '172.16.0.0/12' },
          except: [{ base: 0xac100500, prefix: 24, text: '172.16.5.0/24' }],
        },
      },
    ]);
  });

  it('accepts a cidr with host bits as the API server does, masked, with a note', () => {
    const r = np(
      'podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 192.168.242.213/24, except: [192.168.242.77/28]}}]}]',
    );
    expect(errorsOf(r)).toEqual([]);
    expect(only(warningsOf(r), 'spec.ingress[0].from[0].ipBlock.cidr').message).toBe(
      '"192.168.242.213/24" means 192.168.242.0/24: its host bits are set and Kubernetes masks them (for the single address 192.168.242.213, write 192.168.242.213/32)',
    );
    expect(only(warningsOf(r), 'spec.ingress[0].from[0].ipBlock.except[0]').message).toMatch(
      /^"192\.168\.242\.77\/28" means 192\.168\.242\.64\/28/,
    );
    const peer = r.cluster.k8sPolicies[0]!.ingress[0]!.peers![0]!;
    expect(peer.ipBlock!.cidr.text).toBe('192.168.242.0/24');
    expect(peer.ipBlock!.except.map((e) => e.text)).toEqual(['192.168.242.64/28']);
  });

  it('drops a rule whose peers are all IPv6 blocks (it never matches IPv4), with a warning', () => {
    const r = np(`
      podSelector: {}
      ingress:
      - from: [{ipBlock: {cidr: "fd00::/8"}}]
      - from: [{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: "::/0"}}]
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(policy(r).ingress.map((x) => [x.index, x.peers!.length])).toEqual([[1, 1]]);
    expect(only(warningsOf(r), 'spec.ingress[0].from').message).toContain('matches nothing');
  });
});

describe('ports', () => {
  it('defaults the protocol to TCP and accepts numbers, names, SCTP/UDP and ranges', () => {
    const p = policy(
      np(`
        podSelector: {}
        ingress:
        - ports:
          - port: 80
          - {port: http, protocol: UDP}
          - {protocol: SCTP}
          - {port: 32000, endPort: 32768}
      `),
    );
    expect(p.ingress[0]!.ports).toEqual([
      { protocol: 'TCP', port: 80 },
      { protocol: 'UDP', port: 'http' },
      { protocol: 'SCTP' },
      { protocol: 'TCP', port: 32000, endPort: 32768 },
    ]);
  });

  it('applies the three endPort rules and the port checks of the API server', () => {
    const r = np(`
      podSelector: {}
      ingress:
      - ports:
        - {endPort: 90}
        - {port: http, endPort: 90}
        - {port: 100, endPort: 90}
        - {port: 0}
        - {port: "8080"}
        - {port: Web_Port}
        - {port: 80, protocol: ICMP}
    `);
    expect(errorsOf(r).map((d) => `${d.field}: ${d.message}`)).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`',
      'spec.ingress[0].ports[3].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[4].port: Invalid value: "8080": must contain at least one letter (a-z)',
      'spec.ingress[0].ports[5].port: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].ports[6].protocol: "ICMP" is not a supported protocol (TCP, UDP, SCTP)',
    ]);
  });
});

describe('spec fields', () => {
  it('warns about a misspelt field at its exact place, so a typo cannot silently allow traffic', () => {
    const r = np(`
      podselector: {matchLabels: {app: db}}
      ingress:
      - from: [{podSelector: {}}]
        port: [{port: 80}]
    `);
    const at = (ds: typeof r.diagnostics) =>
      ds.map((d) => `${d.pos.line}:${d.pos.column} ${d.field}`);
    expect(at(warningsOf(r).filter((d) => d.field?.startsWith('spec')))).toEqual([
      '5:3 spec.podselector',
      '8:5 spec.ingress[0].port',
    ]);
    expect(only(warningsOf(r), 'spec.podselector').message).toContain(
      'Did you mean `podSelector`?',
    );
    expect(only(warningsOf(r), 'spec.ingress[0].port').message).toContain('Did you mean `ports`?');
    // The API server drops both: podSelector is then missing, and the rule allows every port.
    expect(at(errorsOf(r))).toEqual(['4:1 spec.podSelector']);
    expect(r.cluster.k8sPolicies[0]!.ingress[0]!.ports).toBeNull();
  });

  it('validates matchExpressions like the API server', () => {
    const r = np(`
      podSelector:
        matchExpressions:
        - {key: app, operator: in, values: [a]}
        - {key: app, operator: In}
        - {key: app, operator: Exists, values: [a]}
    `);
    expect(errorsOf(r).map((d) => d.field)).toEqual([
      'spec.podSelector.matchExpressions[0].operator',
      'spec.podSelector.matchExpressions[1].values',
      'spec.podSelector.matchExpressions[2].values',
    ]);
  });
});

describe('StagedKubernetesNetworkPolicy', () => {
  it('loads as a staged Kubernetes policy, with the staged and ignored-by warnings', () => {
    const r = load(`
      apiVersion: projectcalico.org/v3
      kind: StagedKubernetesNetworkPolicy
      metadata: {name: trial, namespace: shop}
      spec:
        stagedAction: Set
        podSelector: {}
        policyTypes: [Ingress]
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.k8sPolicies[0]).toMatchObject({
      name: 'trial',
      staged: true,
      policyTypes: ['ingress'],
    });
    const messages = warningsOf(r)
      .filter((d) => d.object === 'StagedKubernetesNetworkPolicy shop/trial' && !d.field)
      .map((d) => [d.message.split(' (')[0], d.ignoredBy]);
    expect(messages).toEqual([
      ['staged: shown, never enforced', undefined],
      [
        "Cilium does not use Calico's StagedKubernetesNetworkPolicy; only the Calico panel uses it",
        'cilium',
      ],
    ]);
  });

  it('marks ordinary NetworkPolicies as not staged', () => {
    expect(policy(np('podSelector: {}')).staged).toBe(false);
  });
});
