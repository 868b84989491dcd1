/**
 * `npm run bench`: a synthetic cluster with 1,000 pods and 10,000 policies (Kubernetes, Cilium and
 * Calico dialects mixed), loaded from YAML like any scenario. Prints JSON: load and compile time per
 * model, verdicts per second per path, a plain Map lookup over as many keys as the eBPF policy maps
 * hold as the baseline, and the average rules tested (iptables) vs map lookups (eBPF) per packet.
 * Figures only: no thresholds; they go in the closing notes.
 *
 * Options: --pods N --policies N --probes N --seed N
 */
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { calicoModelDecision, calicoStats, compileCalico } from '../src/engine/calico/iptables';
import { calicoReferenceDecision } from '../src/engine/calico/reference';
import { ciliumModelDecision, ciliumStats, compileCilium } from '../src/engine/cilium/ebpf';
import { ciliumReferenceDecision } from '../src/engine/cilium/reference';
import { podKey } from '../src/engine/cluster';
import type { ResolvedProbe } from '../src/engine/model';
import { resolveProbe } from '../src/engine/probe';
import { measureLoad } from './benchLoad';
import { matrixFigures } from './benchMatrix';
import { compileFigures, recompileFigures, verdictFigures } from './benchModels';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const PODS = arg('pods', 1000);
const POLICIES = arg('policies', 10000);
const PROBES = arg('probes', 5000);
let seed = arg('seed', 42);
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};

const NAMESPACES = 20;
const NODES = 10;
const APPS = 100;

function scenario(): string {
  const docs: unknown[] = [];
  for (let n = 0; n < NODES; n++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}` },
      spec: { podCIDR: `10.${100 + n}.0.0/16` },
      status: { addresses: [{ type: 'InternalIP', address: `192.168.0.${10 + n}` }] },
    });
  }
  for (let n = 0; n < NAMESPACES; n++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${n}`, labels: { team: `t${n % 5}` } },
    });
  }
  for (let p = 0; p < PODS; p++) {
    const node = p % NODES;
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${p}`,
        namespace: `ns-${p % NAMESPACES}`,
        labels: { app: `app-${p % APPS}`, tier: p % 3 === 0 ? 'front' : 'back' },
      },
      spec: {
        nodeName: `node-${node}`,
        containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }],
      },
      status: { podIP: `10.${100 + node}.${Math.floor(p / 250)}.${(p % 250) + 2}` },
    });
  }
  for (let i = 0; i < POLICIES; i++) {
    const ns = `ns-${rand(NAMESPACES)}`;
    const target = `app-${rand(APPS)}`;
    const peer = `app-${rand(APPS)}`;
    const port = 8000 + rand(200);
    switch (i % 4) {
      case 0:
      case 1:
        docs.push({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `knp-${i}`, namespace: ns },
          spec: {
            podSelector: { matchLabels: { app: target } },
            ingress: [
              { from: [{ podSelector: { matchLabels: { app: peer } } }], ports: [{ port }] },
            ],
          },
        });
        break;
      case 2:
        docs.push({
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: `cnp-${i}`, namespace: ns },
          spec: {
            endpointSelector: { matchLabels: { app: target } },
            ingress: [
              {
                fromEndpoints: [{ matchLabels: { app: peer } }],
                toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }],
              },
            ],
          },
        });
        break;
      default:
        docs.push({
          apiVersion: 'projectcalico.org/v3',
          kind: 'NetworkPolicy',
          metadata: { name: `cnp-${i}`, namespace: ns },
          spec: {
            order: rand(2000),
            selector: `app == '${target}'`,
            ingress: [
              {
                action: 'Allow',
                protocol: 'TCP',
                source: { selector: `app == '${peer}'` },
                destination: { ports: [port] },
              },
            ],
          },
        });
    }
  }
  return docs.map((d) => stringify(d)).join('---\n');
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

function perSecond(n: number, run: () => void): { perSecond: number; totalMs: number } {
  const t0 = performance.now();
  run();
  const elapsed = performance.now() - t0;
  return { perSecond: Math.round((n / elapsed) * 1000), totalMs: Math.round(elapsed) };
}

const t0 = performance.now();
const yaml = scenario();
const generateMs = ms(t0);
const { cluster, diagnostics, loadMs, figures: loadVsParse } = measureLoad(yaml);
const errors = diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0) throw new Error(`bench scenario invalid: ${errors[0]!.message}`);

const t2 = performance.now();
const calico = compileCalico(cluster);
const calicoCompileMs = ms(t2);
const t3 = performance.now();
const cilium = compileCilium(cluster);
const ciliumCompileMs = ms(t3);

const probes: ResolvedProbe[] = [];
while (probes.length < PROBES) {
  const from = cluster.pods[rand(cluster.pods.length)]!;
  const to = cluster.pods[rand(cluster.pods.length)]!;
  if (from === to) continue;
  const r = resolveProbe(cluster, {
    from: { pod: podKey(from) },
    to: { pod: podKey(to) },
    port: 8000 + rand(200),
    protocol: 'TCP',
  });
  if (r.ok) probes.push(r.probe);
}

let rules = 0;
let lookups = 0;
let allowedCalico = 0;
let allowedCilium = 0;
const iptables = perSecond(probes.length, () => {
  for (const p of probes) {
    const d = calicoModelDecision(calico, p);
    rules += d.cost;
    if (d.allowed) allowedCalico++;
  }
});
const ebpf = perSecond(probes.length, () => {
  for (const p of probes) {
    const d = ciliumModelDecision(cilium, p);
    lookups += d.cost;
    if (d.allowed) allowedCilium++;
  }
});
const calicoReference = perSecond(probes.length, () =>
  probes.forEach((p) => calicoReferenceDecision(cluster, p)),
);
const ciliumReference = perSecond(probes.length, () =>
  probes.forEach((p) => ciliumReferenceDecision(cluster, p)),
);

// Issue 15: the verdict-only paths against a bare Map.get, and the compile against the load.
const verdictPaths = verdictFigures(calico, cilium, probes);
const compileVsLoad = compileFigures(loadMs, calicoCompileMs, ciliumCompileMs, verdictPaths.index);
const oneEditRecompile = recompileFigures(cluster, calico, cilium, {
  iptables: calicoCompileMs,
  ebpf: ciliumCompileMs,
});

// Issue 15: the whole matrix, as the policy worker streams it.
const matrix = await matrixFigures(cluster, calico, cilium);

const mapKeys = Math.max(1, ciliumStats(cilium).policyMapEntries);
const baseline = new Map<string, number>();
for (let i = 0; i < mapKeys; i++) baseline.set(`${i}/ingress/6/${8000 + (i % 200)}`, i);
const keys = probes.map((_, i) => `${rand(mapKeys)}/ingress/6/${8000 + (i % 200)}`);
let hits = 0;
const mapLookup = perSecond(keys.length * 10, () => {
  for (let r = 0; r < 10; r++) for (const k of keys) if (baseline.has(k)) hits++;
});

console.log(
  JSON.stringify(
    {
      cluster: {
        pods: cluster.pods.length,
        policies: POLICIES,
        nodes: cluster.nodes.length,
        namespaces: cluster.namespaces.length,
        probes: probes.length,
      },
      timeMs: {
        generateYaml: generateMs,
        loadYaml: loadMs,
        compileIptables: calicoCompileMs,
        compileEbpf: ciliumCompileMs,
      },
      loadVsParse,
      verdictsPerSecond: {
        iptablesModel: iptables.perSecond,
        ebpfModel: ebpf.perSecond,
        calicoReference: calicoReference.perSecond,
        ciliumReference: ciliumReference.perSecond,
        mapLookupBaseline: mapLookup.perSecond,
      },
      verdictPaths,
      compileVsLoad,
      oneEditRecompile,
      matrix,
      perPacket: {
        iptablesRulesTested: Math.round((rules / probes.length) * 10) / 10,
        ebpfMapLookups: Math.round((lookups / probes.length) * 10) / 10,
      },
      allowedShare: {
        calico: allowedCalico / probes.length,
        cilium: allowedCilium / probes.length,
      },
      compiled: {
        calico: calicoStats(calico),
        cilium: ciliumStats(cilium),
        baselineMapKeys: mapKeys,
        baselineHits: hits,
      },
      node: process.version,
    },
    null,
    2,
  ),
);
