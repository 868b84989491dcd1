import { describe, expect, it } from 'vitest';
import { cidrContains } from './cidr';
import {
  dialectCounts,
  generateCluster,
  generateClusterStream,
  GenerateCancelled,
  GenerateOptionsError,
  type GenerateOptions,
  encodeGenerateToken,
  parseGenerateToken,
} from './generate';
import { loadManifests } from './parse/load';

const small: GenerateOptions = {
  pods: 120,
  nodes: 3,
  namespaces: 6,
  policies: 200,
  mix: { k8s: 40, cilium: 30, calico: 30 },
  seed: 7,
};

const load = (text: string) => loadManifests([{ name: 'generated.yaml', text }]);

describe('generateCluster', () => {
  it('is deterministic per seed, and another seed gives another cluster', () => {
    const a = generateCluster(small);
    expect(generateCluster({ ...small })).toBe(a);
    const b = generateCluster({ ...small, seed: 8 });
    expect(b).not.toBe(a);
    // The seed moves the policies, not the pods.
    expect(load(b).cluster.pods.map((p) => p.ip)).toEqual(load(a).cluster.pods.map((p) => p.ip));
  });

  it('loads with the counts asked for, per kind and per dialect', () => {
    const { cluster, diagnostics } = load(generateCluster(small));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(cluster.pods).toHaveLength(120);
    expect(cluster.nodes).toHaveLength(3);
    expect(cluster.namespaces).toHaveLength(6);
    const counts = dialectCounts(200, small.mix);
    expect(counts).toEqual({ k8s: 80, cilium: 60, calico: 60 });
    expect(cluster.k8sPolicies).toHaveLength(80);
    expect(cluster.ciliumPolicies).toHaveLength(60);
    expect(cluster.calicoPolicies).toHaveLength(60);
    // One default deny per namespace, in some dialect.
    const denies = [
      ...cluster.k8sPolicies,
      ...cluster.ciliumPolicies,
      ...cluster.calicoPolicies,
    ].filter((p) => p.name.startsWith('default-deny-'));
    expect(denies.map((p) => p.namespace).sort()).toEqual(
      ['ns-0', 'ns-1', 'ns-2', 'ns-3', 'ns-4', 'ns-5'].sort(),
    );
  });

  it('warns only that each CNI ignores the other’s dialect; one dialect alone loads with no diagnostic', () => {
    const { diagnostics } = load(generateCluster(small));
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics)
      expect(d.message).toMatch(/only the (Cilium|Calico) panel uses it/);
    const k8sOnly = load(generateCluster({ ...small, mix: { k8s: 100, cilium: 0, calico: 0 } }));
    expect(k8sOnly.diagnostics).toEqual([]);
  });

  it('puts every pod IP inside its node’s pod CIDR, each IP once, each pod declaring a port', () => {
    const { cluster } = load(generateCluster({ ...small, pods: 759, nodes: 3 }));
    const cidrOf = new Map(cluster.nodes.map((n) => [n.name, n.podCIDR]));
    for (const node of cluster.nodes) expect(node.assigned).toEqual([]);
    for (const pod of cluster.pods) {
      expect(pod.assigned, pod.name).toEqual([]);
      expect(cidrContains(cidrOf.get(pod.nodeName)!, pod.ip), pod.name).toBe(true);
      expect(pod.ports.length).toBe(1);
    }
    expect(new Set(cluster.pods.map((p) => p.ip)).size).toBe(759);
  });

  it('writes Calico GlobalNetworkPolicies in tier platform, ending in a Pass, when there are enough', () => {
    const { cluster } = load(
      generateCluster({ ...small, policies: 2000, mix: { k8s: 0, cilium: 0, calico: 100 } }),
    );
    const guards = cluster.calicoPolicies.filter((p) => p.tier === 'platform');
    expect(guards.length).toBeGreaterThan(20);
    expect(cluster.calicoTiers.map((t) => t.name)).toContain('platform');
    for (const g of guards) expect(g.ingress.at(-1)?.action).toBe('Pass');
  });

  it('refuses bad options with a message per field', () => {
    const problems = (o: Partial<GenerateOptions>) => {
      try {
        generateCluster({ ...small, ...o });
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(GenerateOptionsError);
        return (e as GenerateOptionsError).problems;
      }
    };
    expect(problems({ pods: 0 })).toEqual([
      {
        field: 'pods',
        message: expect.stringMatching(/Pods must be a whole number from 1 to 5,000/),
      },
    ]);
    expect(problems({ pods: 5001 })[0]!.field).toBe('pods');
    expect(problems({ nodes: 0 })[0]!.field).toBe('nodes');
    expect(problems({ pods: 600, nodes: 2 })).toEqual([
      {
        field: 'nodes',
        message: expect.stringMatching(/600 pods do not fit on 2 nodes.*at least 3 nodes/),
      },
    ]);
    expect(problems({ namespaces: 121 })[0]!.field).toBe('namespaces');
    expect(problems({ policies: 1.5 })[0]!.field).toBe('policies');
    expect(problems({ mix: { k8s: 50, cilium: 30, calico: 30 } })).toEqual([
      { field: 'mix', message: expect.stringMatching(/add up to 100%.*= 110/) },
    ]);
    expect(problems({ seed: -1 })[0]!.field).toBe('seed');
  });
});

describe('generateClusterStream', () => {
  it('gives the same text as generateCluster, with progress up to the total', async () => {
    const reports: [number, number][] = [];
    const text = await generateClusterStream(small, (done, total) => {
      reports.push([done, total]);
      return true;
    });
    expect(text).toBe(generateCluster(small));
    const total = 3 + 6 + 120 + 200;
    expect(reports.at(-1)).toEqual([total, total]);
    expect(reports.length).toBeGreaterThan(0);
  });

  it('stops when the reader answers false', async () => {
    let calls = 0;
    await expect(
      generateClusterStream({ ...small, pods: 2000, nodes: 10 }, () => ++calls < 2),
    ).rejects.toBeInstanceOf(GenerateCancelled);
    expect(calls).toBe(2);
  });
});

describe('the generator token', () => {
  it('round-trips options and refuses bad tokens saying what is wrong', () => {
    const token = encodeGenerateToken(small);
    expect(token).toBe('pods:120,nodes:3,ns:6,pol:200,mix:40-30-30,seed:7');
    expect(parseGenerateToken(token)).toEqual({ ok: true, options: small });
    const error = (t: string) => {
      const r = parseGenerateToken(t);
      return r.ok ? '' : r.error;
    };
    expect(error('pods:120,nodes:3,ns:6,pol:200,mix:40-30-30')).toMatch(/seed is missing/);
    expect(error('pods:120,nodes:3,ns:6,pol:200,mix:40-30,seed:1')).toMatch(/three percentages/);
    expect(error('pods:x,nodes:3,ns:6,pol:200,mix:40-30-30,seed:1')).toMatch(/Pods must be/);
    expect(error('pods:9000,nodes:3,ns:6,pol:200,mix:40-30-30,seed:1')).toMatch(/to 5,000/);
    expect(error('pods:1,pods:2')).toMatch(/pods is given twice/);
    expect(error('color:red')).toMatch(/"color:red" is not one of/);
    expect(error('pods:120,nodes:3,ns:6,pol:200,mix:40-40-40,seed:1')).toMatch(/add up to 100%/);
  });
});
