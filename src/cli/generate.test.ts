import { describe, expect, it } from 'vitest';
import { generateCluster } from '../engine/generate';
import { loadManifests } from '../engine/parse/load';
import { runCli as run } from './testing';

describe('cli generate', () => {
  const sizes = ['--pods', '40', '--nodes', '2', '--namespaces', '4', '--policies', '30'];

  it('prints the generator’s YAML, which loads, the same for the options and their token', () => {
    const r = run(['generate', ...sizes, '--mix', '40-30-30', '--seed', '9']);
    expect(r.code).toBe(0);
    const options = {
      pods: 40,
      nodes: 2,
      namespaces: 4,
      policies: 30,
      mix: { k8s: 40, cilium: 30, calico: 30 },
      seed: 9,
    };
    expect(r.out + '\n').toBe(generateCluster(options));
    const { cluster, diagnostics } = loadManifests([{ name: 'g.yaml', text: r.out }]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(cluster.pods).toHaveLength(40);
    const token = run([
      'generate',
      '--token',
      'gen:pods:40,nodes:2,ns:4,pol:30,mix:40-30-30,seed:9',
    ]);
    expect(token.out).toBe(r.out);
  });

  it('exits 2 naming the flag of each bad option', () => {
    const r = run(['generate', '--pods', '900', '--nodes', '3', '--mix', '50-50-50']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^--nodes: 900 pods do not fit on 3 nodes/m);
    expect(r.err).toMatch(/^--mix: The dialect shares must add up to 100%/m);
    expect(run(['generate', '--pods', 'many']).err).toBe('--pods: "many" is not a whole number');
    expect(run(['generate', '--token', 'pods:1']).err).toMatch(/--token: .*missing/);
    expect(run(['generate', '--token', 'x', '--pods', '3']).err).toMatch(/--token stands alone/);
  });

  it('is listed in the usage', () => {
    expect(run(['--help']).out).toContain('cli generate [--pods N]');
  });
});
