import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const EXAMPLES = 'lessons/scenarios';

const run = runCli;

interface JsonProbe {
  from: string;
  to: string;
  port: number;
  protocol: string;
  calico: { allowed: boolean; reason: string; reference: boolean; iptables: boolean };
  cilium: { allowed: boolean; reason: string; reference: boolean; ebpf: boolean };
}

describe('cli verdict', () => {
  it('answers every ordered pod pair and declared port of the seed policies, per CNI', () => {
    const r = run(['verdict', `${EXAMPLES}/seed-policies.yaml`, '--json']);
    expect(r.code).toBe(0);
    const { probes } = JSON.parse(r.out) as { probes: JsonProbe[] };
    expect(probes.length).toBeGreaterThan(0);
    for (const p of probes) {
      expect(p.calico.reference).toBe(p.calico.iptables);
      expect(p.cilium.reference).toBe(p.cilium.ebpf);
      expect(p.calico.allowed).toBe(p.calico.reference);
      expect(typeof p.calico.reason).toBe('string');
    }
    expect(new Set(probes.map((p) => `${p.from}>${p.to}:${p.port}/${p.protocol}`)).size).toBe(
      probes.length,
    );
  });

  it('prints a readable matrix without --json', () => {
    const r = run(['verdict', `${EXAMPLES}/seed-policies.yaml`]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^FROM\s+TO\s+PORT\s+CALICO\s+CILIUM$/);
  });

  it('evaluates exactly the probes given, including outside addresses and HTTP', () => {
    const probes = JSON.stringify({
      probes: [
        { from: 'ip:8.8.8.8', to: 'shop/api', port: 8080, protocol: 'TCP' },
        {
          from: 'shop/frontend',
          to: 'shop/api',
          port: 8080,
          http: { method: 'DELETE', path: '/api/v1/orders' },
        },
      ],
    });
    const r = run(['verdict', `${EXAMPLES}/seed-policies.yaml`, '--probes', 'p.json', '--json'], {
      'p.json': probes,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { probes: JsonProbe[] };
    expect(out.probes).toHaveLength(2);
    expect(out.probes[0]).toMatchObject({
      from: 'ip:8.8.8.8',
      to: 'shop/api',
      port: 8080,
      protocol: 'TCP',
    });
  });

  it('takes ICMP probes with a type and code, prints them as ICMP T/C and refuses a port', () => {
    const files = {
      'icmp.yaml': `${readFileSync(`${EXAMPLES}/seed-policies.yaml`, 'utf8')}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: ping, namespace: shop}
spec:
  selector: app == 'api'
  types: [Ingress]
  ingress: [{action: Allow, protocol: ICMP, icmp: {type: 8}}]
`,
      'p.json': JSON.stringify({
        probes: [
          { from: 'shop/frontend', to: 'shop/api', protocol: 'ICMP', icmp: { type: 8, code: 0 } },
          { from: 'shop/frontend', to: 'shop/api', protocol: 'ICMP', icmp: { type: 13 } },
        ],
      }),
    };
    const r = run(['verdict', 'icmp.yaml', '--probes', 'p.json', '--json'], files);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      probes: (JsonProbe & { icmp?: unknown; calico: { allowed: boolean } })[];
    };
    expect(out.probes[0]).toMatchObject({ protocol: 'ICMP', icmp: { type: 8, code: 0 } });
    expect(out.probes[0]).not.toHaveProperty('port');
    expect(out.probes.map((p) => p.calico.allowed)).toEqual([true, false]);
    const text = run(['verdict', 'icmp.yaml', '--probes', 'p.json'], files);
    expect(text.out).toMatch(/shop\/frontend\s+shop\/api\s+ICMP 8\/0\s+allow/);
    expect(text.out).toContain('ICMP timestamp-request (type 13, code 0)');
    const bad = run(['verdict', 'icmp.yaml', '--probes', 'b.json'], {
      ...files,
      'b.json': JSON.stringify({
        probes: [{ from: 'shop/frontend', to: 'shop/api', protocol: 'ICMP', port: 80 }],
      }),
    });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/probes\[0\]\.port: an ICMP probe has no port/);
  });

  it('exits 2 naming file:line:column, object and field for bad manifests', () => {
    const bad =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\n  namespace: a\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/33\n';
    const r = run(['verdict', 'bad.yaml'], { 'bad.yaml': bad });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^bad\.yaml:11:9: error: NetworkPolicy a\/x: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: .*invalid prefix length/m,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on YAML syntax errors, unknown kinds and unknown pods in probes', () => {
    expect(run(['verdict', 'y.yaml'], { 'y.yaml': 'kind: [\n' }).code).toBe(2);
    const unknownKind = run(['verdict', 'k.yaml'], {
      'k.yaml': 'apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n',
    });
    expect(unknownKind.code).toBe(2);
    expect(unknownKind.err).toMatch(/^k\.yaml:\d+:\d+: error: .*Gizmo/m);
    const probes = JSON.stringify({ probes: [{ from: 'shop/nope', to: 'shop/api', port: 80 }] });
    const r = run(['verdict', `${EXAMPLES}/seed-policies.yaml`, '--probes', 'p.json'], {
      'p.json': probes,
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^p\.json:1:\d+: error: .*unknown pod "shop\/nope"/m);
  });

  it('exits 2 on a missing file and on bad options, never with a stack trace', () => {
    expect(run(['verdict', 'nowhere.yaml']).code).toBe(2);
    expect(run(['verdict', `${EXAMPLES}/seed-policies.yaml`, '--bogus']).err).toMatch(
      /unknown option --bogus/,
    );
    expect(run(['frobnicate']).code).toBe(2);
  });
});

describe('cli selector', () => {
  it('matches pods with a Calico selector and prints its canonical form', () => {
    const r = run([
      'selector',
      `app == "database" || app == 'api'`,
      `${EXAMPLES}/seed-policies.yaml`,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { selector: string; canonical: string; matches: string[] };
    expect(out.matches.sort()).toEqual(['shop/api', 'shop/database']);
    expect(out.canonical).toContain('app == "api"');
  });

  it('takes the kubectl -l form with --kind k8s', () => {
    const r = run([
      'selector',
      'app in (api,frontend)',
      `${EXAMPLES}/seed-policies.yaml`,
      '--kind',
      'k8s',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { matches: string[] }).matches.sort()).toEqual([
      'shop/api',
      'shop/frontend',
    ]);
  });

  it('exits 2 with the column of a selector error', () => {
    const r = run(['selector', 'app == ', `${EXAMPLES}/seed-policies.yaml`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^<selector>:1:\d+: error: invalid Calico selector/);
  });
});

interface Side {
  allowed: boolean;
  reason: string;
  notes?: string[];
}

describe('cli verdict on the shapes that surprise', () => {
  const r = run(['verdict', 'src/test/fixtures/surprises.yaml', '--json']);
  const probes = (JSON.parse(r.out) as { probes: (JsonProbe & { calico: Side; cilium: Side })[] })
    .probes;
  const probe = (ns: string) =>
    probes.find((p) => p.from === `${ns}/client` && p.to === `${ns}/server`)!;

  it('explains that a Cilium rule with no peers isolates the pod', () => {
    const p = probe('empty-rule');
    expect(p.calico.allowed).toBe(true);
    expect(p.cilium.allowed).toBe(false);
    expect(p.cilium.notes?.join(' ')).toMatch(/empty rule \{\}.*default deny/);
  });

  it('explains that a deny-only Cilium policy isolates the pod', () => {
    const p = probe('deny-only');
    expect(p.cilium.allowed).toBe(false);
    expect(p.cilium.notes?.join(' ')).toMatch(/only ingressDeny rules.*default deny/);
  });

  it('explains the end-of-tier drop in Calico', () => {
    const p = probe('tiers');
    expect(p.calico.allowed).toBe(false);
    expect(p.calico.reason).toMatch(/Tier security .* end-of-tier drop/);
    expect(p.cilium.allowed).toBe(true);
  });
});

describe('cli iptables-save and bpf-maps', () => {
  it('prints the Felix rules of one node in iptables-save form', () => {
    const r = run(['iptables-save', `${EXAMPLES}/seed-policies.yaml`, '--node', 'node-3']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\*filter$/m);
    expect(r.out).toMatch(/^:cali-FORWARD - \[0:0\]$/m);
    expect(r.out).toMatch(/^-A cali-tw-cali[0-9a-f]{11} /m);
    expect(r.out).toMatch(/^COMMIT$/m);
  });

  it('prints the eBPF maps of one endpoint', () => {
    const r = run(['bpf-maps', `${EXAMPLES}/seed-policies.yaml`, '--endpoint', 'shop/api']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cilium_policy_v2_\d{5}/);
    expect(r.out).toMatch(/^\$ cilium bpf ipcache list/m);
    expect(r.out).toMatch(/^Allow +Ingress +k8s:app=frontend +8080\/TCP +\d+/m);
  });

  it('exits 2 on an unknown node or endpoint', () => {
    expect(run(['iptables-save', `${EXAMPLES}/seed-policies.yaml`, '--node', 'nope']).code).toBe(2);
    expect(
      run(['bpf-maps', `${EXAMPLES}/seed-policies.yaml`, '--endpoint', 'shop/nope']).err,
    ).toMatch(/unknown pod/);
  });
});
