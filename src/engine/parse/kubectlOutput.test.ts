/**
 * What the real tools print loads as the cluster it describes. testdata/kubectl-get.yaml is
 * `kubectl get ns,nodes,pods,svc,networkpolicies -A -o yaml` of the cluster in testdata/clean.yaml,
 * written by hand in kubectl's shape (a v1 List, keys sorted, managedFields, status, uids); the
 * JSON variants are the same objects as `-o json` prints them (4-space indent).
 */
import { readFileSync } from 'node:fs';
import { load as parseYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Cluster, LoadResult } from '../model';
import { createEngine, defaultProbes, evaluateProbe } from '../verdict';
import { loadManifests } from './load';
import { joinScenarioFiles, splitScenarioText } from './multiFile';
import { errorsOf, warningsOf } from './testing';

const read = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const kubectlYaml = read('kubectl-get.yaml');
const clean = read('clean.yaml');

type Obj = Record<string, unknown> & { kind: string; items?: Obj[] };
const listOf = (): Obj => parseYaml(kubectlYaml) as Obj;
const asJson = (o: unknown) => `${JSON.stringify(o, null, 4)}\n`;
const loadOne = (name: string, text: string): LoadResult => loadManifests([{ name, text }]);

/** Every default probe's verdict under both CNIs, keyed by the probe. */
function verdicts(cluster: Cluster): Record<string, string> {
  const engine = createEngine(cluster);
  const out: Record<string, string> = {};
  for (const probe of defaultProbes(cluster)) {
    const r = evaluateProbe(engine, probe);
    if (!r.ok) throw new Error(r.error);
    const to = 'pod' in probe.to ? probe.to.pod : probe.to.ip;
    const from = 'pod' in probe.from ? probe.from.pod : probe.from.ip;
    out[`${from} -> ${to}:${probe.port}/${probe.protocol}`] =
      `calico ${r.verdict.calico.allowed}, cilium ${r.verdict.cilium.allowed}`;
  }
  return out;
}

const cleanResult = loadOne('clean.yaml', clean);
const fills = (r: LoadResult) =>
  warningsOf(r).filter((d) => /PacketWalk (assigned|took|created|placed)/.test(d.message));

describe('kubectl get -o yaml (a v1 List with managedFields and status)', () => {
  const r = loadOne('kubectl-get.yaml', kubectlYaml);

  it('loads without errors or warnings: the noise is what the API server keeps', () => {
    expect(errorsOf(cleanResult)).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it('takes nodes, addresses and pod IPs from what it says', () => {
    expect(r.cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR.text, n.assigned])).toEqual([
      ['worker-a', '172.18.0.3', '10.244.1.0/24', []],
      ['worker-b', '172.18.0.4', '10.244.2.0/24', []],
    ]);
    expect(r.cluster.pods.map((p) => [p.name, p.nodeName, p.ip, p.assigned])).toEqual([
      ['frontend', 'worker-a', '10.244.1.5', []],
      ['backend', 'worker-b', '10.244.2.7', []],
      ['debug', 'worker-a', '10.244.1.9', []],
    ]);
  });

  it('gives the verdicts of the clean manifests', () => {
    const expected = verdicts(cleanResult.cluster);
    // The list adds default/kubernetes (a Service without a selector), no pods or policies.
    expect(Object.keys(expected).length).toBeGreaterThan(3);
    expect(verdicts(r.cluster)).toEqual(expected);
  });
});

describe('kubectl get -o json', () => {
  const json = asJson(listOf());

  it('loads the same cluster as the YAML', () => {
    const r = loadOne('kubectl-get.json', json);
    expect(r.diagnostics).toEqual([]);
    expect(verdicts(r.cluster)).toEqual(verdicts(cleanResult.cluster));
  });

  it('points a problem at its line:column in the JSON', () => {
    const bad = json.replace('"containerPort": 8080', '"containerPort": 80800');
    const [error] = errorsOf(loadOne('kubectl-get.json', bad));
    const lines = bad.split('\n');
    const at = lines.findIndex((l) => l.includes('80800'));
    expect(error).toMatchObject({
      pos: {
        file: 'kubectl-get.json',
        line: at + 1,
        column: lines[at]!.indexOf('"containerPort"') + 1,
      },
      object: 'Pod shop/backend',
      field: 'spec.containers[0].ports[0].containerPort',
    });
  });
});

describe('kubectl get ns,pods,svc,networkpolicies (no Node objects)', () => {
  const list = listOf();
  list.items = list.items!.filter((i) => i.kind !== 'Node');
  const text = asJson(list);
  const r = loadOne('no-nodes.json', text);

  it("creates each node from the pods' spec.nodeName with its status.hostIP as InternalIP", () => {
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR.text, n.assigned])).toEqual([
      ['worker-a', '172.18.0.3', '10.244.1.0/24', ['node', 'podCIDR']],
      ['worker-b', '172.18.0.4', '10.244.2.0/24', ['node', 'podCIDR']],
    ]);
  });

  it('says every fill, with the object and the field', () => {
    expect(fills(r).map((d) => [d.object, d.field, d.message])).toEqual([
      [
        'Pod shop/frontend',
        'spec.nodeName',
        'Node "worker-a" is not defined: PacketWalk created it',
      ],
      [
        'Pod shop/backend',
        'spec.nodeName',
        'Node "worker-b" is not defined: PacketWalk created it',
      ],
      [
        'Node worker-a',
        'status.addresses',
        'no InternalIP address: PacketWalk took 172.18.0.3, the status.hostIP of Pod shop/frontend',
      ],
      [
        'Node worker-b',
        'status.addresses',
        'no InternalIP address: PacketWalk took 172.18.0.4, the status.hostIP of Pod shop/backend',
      ],
      ['Node worker-a', 'spec.podCIDR', 'no spec.podCIDR: PacketWalk assigned 10.244.1.0/24'],
      ['Node worker-b', 'spec.podCIDR', 'no spec.podCIDR: PacketWalk assigned 10.244.2.0/24'],
    ]);
    // Each warning points at where the value came from: the hostIP line of the pod.
    const lines = text.split('\n');
    const took = fills(r).find((d) => d.message.includes('172.18.0.4'))!;
    expect(lines[took.pos.line - 1]).toContain('"hostIP": "172.18.0.4"');
  });

  it('gives the verdicts of the clean manifests', () => {
    expect(verdicts(r.cluster)).toEqual(verdicts(cleanResult.cluster));
  });

  it('says when a pod disagrees with the address its node already has', () => {
    const moved = text.replace(
      '"hostIP": "172.18.0.3",\n                "hostIPs": [\n                    {\n                        "ip": "172.18.0.3"\n                    }\n                ],\n                "phase": "Running",\n                "podIP": "10.244.1.9"',
      '"hostIP": "172.18.0.9",\n                "phase": "Running",\n                "podIP": "10.244.1.9"',
    );
    expect(moved).not.toBe(text);
    const w = warningsOf(loadOne('moved.json', moved)).filter((d) => d.field === 'status.hostIP');
    expect(w.map((d) => [d.object, d.message])).toEqual([
      [
        'Pod shop/debug',
        "status.hostIP 172.18.0.9 is not worker-a's address 172.18.0.3 (the status.hostIP of Pod shop/frontend); PacketWalk uses 172.18.0.3",
      ],
    ]);
  });
});

describe('pods without IPs (Pending, or a list without status)', () => {
  const list = listOf();
  list.items = list.items!.filter((i) => i.kind !== 'Node');
  for (const item of list.items) if (item.kind === 'Pod') delete item.status;
  const r = loadOne('no-status.json', asJson(list));

  it('fills nodes, addresses and pod IPs deterministically and says each', () => {
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR.text])).toEqual([
      ['worker-a', '192.168.0.10', '10.244.0.0/24'],
      ['worker-b', '192.168.0.11', '10.244.1.0/24'],
    ]);
    expect(r.cluster.pods.map((p) => [p.name, p.ip, p.assigned])).toEqual([
      ['frontend', '10.244.0.1', ['ip']],
      ['backend', '10.244.1.1', ['ip']],
      ['debug', '10.244.0.2', ['ip']],
    ]);
    const fields = fills(r).map((d) => `${d.object} ${d.field}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Pod shop/frontend status.podIP',
        'Pod shop/backend status.podIP',
        'Pod shop/debug status.podIP',
        'Node worker-a status.addresses',
        'Node worker-b status.addresses',
      ]),
    );
    expect(loadOne('no-status.json', asJson(list)).cluster).toEqual(r.cluster);
  });

  it('gives the verdicts of the clean manifests (the policies select by label)', () => {
    expect(verdicts(r.cluster)).toEqual(verdicts(cleanResult.cluster));
  });
});

describe('typed lists and calicoctl output', () => {
  it('reads typed lists whose items carry no kind (PodList, NetworkPolicyList…)', () => {
    const list = listOf();
    const of = (kind: string) =>
      list
        .items!.filter((i) => i.kind === kind)
        .map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    const typed = [
      {
        apiVersion: 'v1',
        kind: 'NamespaceList',
        metadata: { resourceVersion: '9' },
        items: of('Namespace'),
      },
      { apiVersion: 'v1', kind: 'NodeList', metadata: { resourceVersion: '9' }, items: of('Node') },
      { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '9' }, items: of('Pod') },
      {
        apiVersion: 'v1',
        kind: 'ServiceList',
        metadata: { resourceVersion: '9' },
        items: of('Service'),
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicyList',
        metadata: { resourceVersion: '9' },
        items: of('NetworkPolicy'),
      },
    ];
    const r = loadManifests(typed.map((t) => ({ name: `${t.kind}.json`, text: asJson(t) })));
    expect(r.diagnostics).toEqual([]);
    expect(verdicts(r.cluster)).toEqual(verdicts(cleanResult.cluster));
  });

  it("reads calicoctl's sequence of lists (get networkpolicy,globalnetworkpolicy -o yaml)", () => {
    // calicoctl prints the slice of its results when there is more than one (printer.go FPrint).
    const text = `- apiVersion: projectcalico.org/v3
  items:
  - apiVersion: projectcalico.org/v3
    kind: NetworkPolicy
    metadata:
      creationTimestamp: "2026-11-30T09:30:00Z"
      name: allow-dns
      namespace: shop
      resourceVersion: "1500"
      uid: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
    spec:
      egress:
      - action: Allow
        destination:
          ports:
          - 53
        protocol: UDP
      selector: all()
      types:
      - Egress
  kind: NetworkPolicyList
  metadata:
    resourceVersion: "1600"
- apiVersion: projectcalico.org/v3
  items: []
  kind: GlobalNetworkPolicyList
  metadata:
    resourceVersion: "1600"
`;
    const r = loadOne('calicoctl.yaml', text);
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.calicoPolicies.map((p) => `${p.ref.namespace}/${p.name}`)).toEqual([
      'shop/allow-dns',
    ]);
    expect(r.cluster.calicoPolicies[0]!.ref.pos).toMatchObject({ file: 'calicoctl.yaml', line: 3 });
  });

  it('reads kubectl get cnp -A -o yaml (a List of CiliumNetworkPolicies with status)', () => {
    const text = `apiVersion: v1
items:
- apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata:
    creationTimestamp: "2026-11-30T09:40:00Z"
    generation: 1
    name: api-from-frontend
    namespace: shop
    resourceVersion: "1700"
    uid: 5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f
  spec:
    endpointSelector:
      matchLabels:
        app: backend
    ingress:
    - fromEndpoints:
      - matchLabels:
          app: frontend
  status:
    conditions:
    - lastTransitionTime: "2026-11-30T09:40:01Z"
      message: Policy validation succeeded
      status: "True"
      type: Valid
kind: List
metadata:
  resourceVersion: ""
`;
    const r = loadOne('cnp.yaml', text);
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.ciliumPolicies.map((p) => [p.ref.name, p.ref.pos.line])).toEqual([
      ['api-from-frontend', 3],
    ]);
  });

  it('refuses a list of an unknown kind with where it is', () => {
    const r = loadOne('x.yaml', 'apiVersion: apps/v1\nkind: DeploymentList\nitems: []\n');
    expect(errorsOf(r).map((d) => [d.pos.line, d.message])).toEqual([
      [2, expect.stringMatching(/^unknown kind "DeploymentList"/)],
    ]);
  });
});

describe('several real files joined', () => {
  it('loads as the files they were, each warning naming its own file and line', () => {
    const list = listOf();
    const noNodes = asJson({ ...list, items: list.items!.filter((i) => i.kind !== 'Node') });
    const joined = joinScenarioFiles([
      { name: 'pods.json', text: noNodes },
      {
        name: 'policy.yaml',
        text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n  bogus: 1\n',
      },
    ]);
    const r = loadManifests(splitScenarioText(joined, 'scenario.yaml'));
    const bogus = r.diagnostics.find((d) => d.field === 'metadata.bogus')!;
    expect(bogus.pos).toMatchObject({ file: 'policy.yaml', line: 5, column: 3 });
    const took = r.diagnostics.find((d) => d.message.includes('took 172.18.0.3'))!;
    expect(took.pos.file).toBe('pods.json');
    expect(noNodes.split('\n')[took.pos.line - 1]).toContain('"hostIP": "172.18.0.3"');
  });
});
