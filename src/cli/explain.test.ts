import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const SEED = 'lessons/scenarios/seed-policies.yaml';

const run = runCli;

const BACKEND = ['--from', 'shop/debug', '--to', 'shop/backend', '--port', '8080'];

describe('cli explain', () => {
  it('prints each CNI’s verdict and why, naming the tier and the identity', () => {
    const r = run(['explain', SEED, ...BACKEND]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Calico: DENY');
    expect(lines[1]).toMatch(/selected for ingress by NetworkPolicy shop\/allow-frontend/);
    expect(lines[1]).toMatch(/end of tier default \(cali-tw-cali[0-9a-f]{11} rule \d+ on node-2/);
    expect(lines[2]).toBe('Cilium: DENY');
    expect(lines[3]).toMatch(/no entry for identity \d+ \(or ANY\) in cilium_policy_v2_\d{5}/);
  });

  it('answers --json with both explanations and the paragraph', () => {
    const r = run(['explain', SEED, ...BACKEND, '--json']);
    const x = JSON.parse(r.out) as {
      calico: { kind: string };
      cilium: { kind: string };
      text: string;
    };
    expect(x.calico.kind).toBe('end-of-tier');
    expect(x.cilium.kind).toBe('default-deny');
    expect(x.text).toMatch(/^shop\/backend is selected for ingress/);
  });

  it('exits 2 with file:line:column on a bad manifest, and on bad flags', () => {
    const bad = run(['explain', 'bad.yaml', ...BACKEND], {
      'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n',
    });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^bad\.yaml:\d+:\d+: error/m);
    const flags = run(['explain', SEED, '--from', 'shop/debug', '--port', 'x']);
    expect(flags.code).toBe(2);
    expect(flags.err).toContain('--to is required');
    expect(flags.err).toContain('--port: "x" is not an integer');
  });
});

describe('cli fix', () => {
  it('prints the fix on stdout, what else it opens on stderr, and writes the fixed scenario', () => {
    const files: Record<string, string> = {};
    const r = run(['fix', SEED, ...BACKEND, '--cni', 'calico', '--write', 'out.yaml'], files);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^apiVersion: networking\.k8s\.io\/v1\nkind: NetworkPolicy/);
    expect(r.out).toContain('app: debug');
    expect(r.err).toContain('opens under Cilium: shop/debug -> shop/backend 8080/TCP');
    expect(files['out.yaml']).toBeDefined();
    // The written scenario allows the connection under Calico.
    const after = run(['explain', 'out.yaml', ...BACKEND], files);
    expect(after.out.split('\n')[0]).toBe('Calico: allow');
  });

  it('says why there is no fix, with exit 2', () => {
    const r = run(['fix', SEED, ...BACKEND, '--cni', 'calico', '--dialect', 'cilium']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('does not read CiliumNetworkPolicy');
  });
});

describe('cli diff', () => {
  it('lists the connections whose verdict changed, per CNI', () => {
    const files: Record<string, string> = {};
    run(
      [
        'fix',
        SEED,
        '--from',
        'shop/backend',
        '--to',
        'shop/api',
        '--port',
        '8080',
        '--cni',
        'cilium',
        '--dialect',
        'k8s',
        '--write',
        'b.yaml',
      ],
      files,
    );
    const r = run(['diff', SEED, 'b.yaml'], files);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').slice(1);
    expect(rows).toContainEqual(
      expect.stringMatching(/^cilium\s+shop\/backend -> shop\/api\s+8080\/TCP\s+deny -> ALLOW$/),
    );
    expect(rows.filter((l) => l.startsWith('calico')).length).toBe(3);
    expect(run(['diff', SEED, SEED]).out).toBe(
      'No connection changes its verdict under either CNI.',
    );
  });
});
