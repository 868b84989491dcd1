/**
 * A model object's field positions are found when first read (engine/parse/fieldPos.ts): a
 * structured clone would carry one without its line and column. So nothing the worker answers may
 * hold one: every answer of its API, over the lessons' scenarios and a generated cluster with
 * warnings, is walked here for `FieldPos` objects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG, type WalkConfig } from '../datapath/config';
import { generateCluster } from '../engine/generate';
import type { ClusterNode as Node, Diagnostic, ServiceAccount } from '../engine/model';
import { FieldPos } from '../engine/parse/fieldPos';
import { createWorkerApi } from './api';

const SCENARIOS = 'lessons/scenarios';

/** The paths (within `value`) of every FieldPos in it. */
function lazyPositions(value: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown, path: string) => {
    if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v)) return;
    seen.add(v);
    if (v instanceof FieldPos) {
      found.push(path);
      return;
    }
    if (v instanceof Map) {
      for (const [k, item] of v) visit(item, `${path}.get(${String(k)})`);
    } else if (v instanceof Set) {
      for (const item of v) visit(item, `${path}.<item>`);
    } else {
      for (const [k, item] of Object.entries(v)) visit(item, `${path}.${k}`);
    }
  };
  visit(value, '');
  return found;
}

const WALK_CONFIGS: WalkConfig[] = [
  { cni: 'calico', calico: DEFAULT_CALICO_CONFIG },
  { cni: 'cilium', cilium: DEFAULT_CILIUM_CONFIG },
];

const generated = generateCluster({
  pods: 24,
  nodes: 3,
  namespaces: 3,
  policies: 40,
  mix: { k8s: 40, cilium: 30, calico: 30 },
  seed: 11,
});
// Positions of fields reach diagnostics from the cluster's assembly (an unknown node, an IP
// claimed twice): a pod on a node no manifest declares, a Service IP used twice.
const withWarnings = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: stray, namespace: default}',
  'spec: {nodeName: nowhere, containers: [{name: c, image: i}]}',
  'status: {podIP: 10.0.9.9}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: one, namespace: default}',
  'spec: {clusterIP: 10.96.0.50, ports: [{port: 80}]}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: two, namespace: default}',
  'spec: {clusterIP: 10.96.0.50, ports: [{port: 80}]}',
  '',
].join('\n');

// The same without the error: the cluster loads, with a Node and a ServiceAccount PacketWalk
// made at the pod's fields (their refs cross to the main thread in the cluster's view).
const created = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: stray, namespace: default, labels: {app: stray}}',
  'spec:',
  '  nodeName: nowhere',
  '  serviceAccountName: robot',
  '  containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]',
  'status: {podIP: 10.0.9.9}',
  '---',
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: peer, namespace: default}',
  'spec: {nodeName: nowhere, containers: [{name: c, image: i}]}',
  'status: {podIP: 10.0.9.10}',
  '',
].join('\n');

const scenarios = [
  ...readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: f, text: readFileSync(join(SCENARIOS, f), 'utf8') })),
  { name: 'generated.yaml', text: generated },
  { name: 'warnings.yaml', text: withWarnings },
  { name: 'created.yaml', text: created },
];

describe('the worker answers with plain positions only', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_, file) => {
    const api = createWorkerApi();
    const answers: Record<string, unknown> = {};
    const loaded = api.loadApart([file]);
    answers.loadApart = loaded;
    answers.load = api.load([file]);
    answers.diagnostics = api.loadDiagnostics(loaded.diagnosticsId);
    const cluster = api.load([file]).cluster;
    if (file.name === 'warnings.yaml') {
      // Each at the field the assembly took its position from, found when the load ended.
      const at = (answers.diagnostics as Diagnostic[]).map((d) => [
        d.field,
        d.pos.line,
        d.pos.column,
      ]);
      expect(at).toEqual([
        ['spec.nodeName', 4, 8],
        ['spec.podCIDR', 4, 8],
        ['spec.clusterIP', 15, 8],
        ['status.addresses', 4, 8],
      ]);
    }
    if (file.name === 'created.yaml') {
      const view = (
        answers.load as { cluster: { nodes: Node[]; serviceAccounts: ServiceAccount[] } }
      ).cluster;
      expect(view.nodes.map((n) => [n.name, n.ref.pos.line, n.ref.pos.column])).toEqual([
        ['nowhere', 5, 3],
      ]);
      expect(
        view.serviceAccounts
          .filter((a) => a.name === 'robot')
          .map((a) => [a.ref.pos.line, a.ref.pos.column]),
      ).toEqual([[6, 3]]);
    }
    if (!cluster) {
      expect(lazyPositions(answers)).toEqual([]);
      return;
    }
    answers.scenes = api.scenes(WALK_CONFIGS);
    const pods = cluster!.pods;
    for (const [i, from] of pods.slice(0, 4).entries()) {
      const to = pods[(i + 1) % pods.length]!;
      const packet = {
        from: `${from.namespace}/${from.name}`,
        to: `${to.namespace}/${to.name}`,
        port: to.ports[0]?.port ?? 80,
        protocol: 'TCP' as const,
      };
      answers[`walk ${i}`] = api.walk(WALK_CONFIGS, packet);
      answers[`verdict ${i}`] = api.verdict({
        from: { pod: packet.from },
        to: { pod: packet.to },
        port: packet.port,
        protocol: 'TCP',
      });
      for (const config of WALK_CONFIGS) {
        answers[`dataplane ${config.cni} ${i}`] = api.dataplane(config, from.nodeName, packet);
      }
    }
    answers.matrix = api.matrix();
    answers.flows = await api.runTraffic({
      configs: { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG },
      max: 40,
    });
    answers.sweep = await api.scaleSweep({ counts: [0, 10], seed: 1 });
    answers.stats = api.stats();
    // What the main thread receives is a structured clone: it must not lose a position.
    expect(lazyPositions(answers)).toEqual([]);
    expect(structuredClone(answers.diagnostics)).toStrictEqual(answers.diagnostics);
  });
});
