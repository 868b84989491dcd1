import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMatrixChunk, computeMatrixRows, emptyMatrixData, planMatrix } from './matrix';
import {
  aggregate,
  groupKind,
  groupPods,
  namespaceTotals,
  streamTotals,
  type Aggregate,
  type GroupCounts,
} from './matrixAggregate';
import { loadManifests } from './parse/load';
import { createEngine } from './verdict';

/** Three namespaces, two workloads each (by label, by name), one deny-all and one allow rule. */
function scenario(): string {
  const docs: string[] = [
    'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {podCIDR: 10.1.0.0/16}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.1}]}',
  ];
  let ip = 2;
  for (const ns of ['a', 'b', 'c']) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`);
    for (const [name, labels] of [
      ['web-1', '{app: web}'],
      ['web-2', '{app: web}'],
      ['db-0', '{}'],
      ['db-1', '{}'],
    ] as const)
      docs.push(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}\nspec: {nodeName: n1, containers: [{name: c, image: x, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}]}\nstatus: {podIP: 10.1.0.${ip++}}`,
      );
  }
  // b denies all ingress; c lets in only web.
  docs.push(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: b}\nspec: {podSelector: {}, policyTypes: [Ingress]}',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-only, namespace: c}\nspec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}]}]}',
  );
  return docs.join('\n---\n');
}

const { cluster, diagnostics } = loadManifests([{ name: 'agg.yaml', text: scenario() }]);
const engine = createEngine(cluster);
const layout = planMatrix(cluster.pods);

function sum(agg: Aggregate): GroupCounts[] {
  const out: GroupCounts[] = [];
  agg.rows.forEach((_, r) => agg.cols.forEach((_, c) => out.push(agg.at(r, c))));
  return out;
}

describe('matrix aggregation', () => {
  it('groups by namespace, then workload, then pod', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ns = groupPods(layout, 'namespace');
    expect(ns.map((g) => g.label)).toEqual(['a', 'b', 'c']);
    const workloads = groupPods(layout, 'workload', ns[1]!.pods);
    expect(workloads.map((g) => [g.key, g.pods.length])).toEqual([
      ['b/web', 2],
      ['b/db', 2],
    ]);
    expect(groupPods(layout, 'pod', workloads[1]!.pods).map((g) => [g.key, g.label])).toEqual([
      ['b/db-0', 'db-0'],
      ['b/db-1', 'db-1'],
    ]);
  });

  it('counts add up at every level, and say what the policies do', () => {
    const data = emptyMatrixData(layout);
    applyMatrixChunk(data, computeMatrixRows(engine, layout, 0, layout.pods.length));
    const ns = groupPods(layout, 'namespace');
    const top = aggregate(data, ns, ns);
    // 12 pods, 2 ports each: 11 × 12 × 2 probes, all computed.
    expect(top.total.probes).toBe(layout.total);
    expect(top.total.probes).toBe(264);
    expect(top.total.pending).toBe(0);
    for (const cni of ['calico', 'cilium'] as const)
      expect(top.total[cni].allowed + top.total[cni].denied).toBe(264);
    expect(sum(top).reduce((s, c) => s + c.probes, 0)).toBe(264);
    // Into b: all denied; into a: all allowed; into c: only from web (half the pods).
    expect(groupKind(top.at(0, 1), 'calico')).toBe('denied');
    expect(groupKind(top.at(2, 0), 'cilium')).toBe('allowed');
    const intoC = top.at(0, 2);
    expect(groupKind(intoC, 'calico')).toBe('mixed');
    expect(intoC.calico).toEqual({ allowed: 16, denied: 16 });
    expect(intoC.cnisDiffer).toBe(0);
    // A namespace pair drilled down to workloads sums to its cell.
    const wa = groupPods(layout, 'workload', ns[0]!.pods);
    const wc = groupPods(layout, 'workload', ns[2]!.pods);
    const drilled = aggregate(data, wa, wc);
    expect(drilled.total).toEqual(intoC);
    expect(groupKind(drilled.at(0, 0), 'calico')).toBe('allowed'); // a/web -> c/web
    expect(groupKind(drilled.at(1, 1), 'calico')).toBe('denied'); // a/db -> c/db
    // And the pods of a workload pair sum to their workload cell.
    const pods = aggregate(
      data,
      groupPods(layout, 'pod', wa[0]!.pods),
      groupPods(layout, 'pod', wc[1]!.pods),
    );
    expect(pods.total).toEqual(drilled.at(0, 1));
  });

  it('counts rows not computed yet as pending while the matrix fills', () => {
    const data = emptyMatrixData(layout);
    applyMatrixChunk(data, computeMatrixRows(engine, layout, 0, 4)); // namespace a only
    const ns = groupPods(layout, 'namespace');
    const agg = aggregate(data, ns, ns);
    expect(agg.at(0, 1).pending).toBe(0);
    expect(agg.at(1, 0).pending).toBe(agg.at(1, 0).probes);
    expect(groupKind(agg.at(1, 0), 'calico')).toBe('pending');
    expect(agg.total.pending + agg.total.calico.allowed + agg.total.calico.denied).toBe(264);
    // A pod's own cell holds no probe.
    const one = groupPods(layout, 'pod', [0]);
    expect(groupKind(aggregate(data, one, one).at(0, 0), 'calico')).toBe('none');
  });
});

/** A synthetic matrix: pods in namespaces, 0–3 port slots each, random verdicts and flags. */
const arbMatrix = fc
  .array(
    fc.record({ ns: fc.constantFrom('a', 'b', 'c', 'd'), width: fc.integer({ min: 0, max: 3 }) }),
    {
      minLength: 1,
      maxLength: 14,
    },
  )
  .chain((pods) => {
    const offsets = new Int32Array(pods.length + 1);
    pods.forEach((p, j) => (offsets[j + 1] = offsets[j]! + p.width));
    const stride = offsets[pods.length]!;
    const size = pods.length * stride;
    const codes = fc.uint8Array({ min: 1, max: 2, minLength: size, maxLength: size });
    return fc.record({
      pods: fc.constant(pods),
      offsets: fc.constant(offsets),
      calico: codes,
      cilium: codes,
      flags: fc.uint8Array({ min: 0, max: 15, minLength: size, maxLength: size }),
      // Where the rows are cut into bands, and the order the bands arrive in.
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, pods.length - 1) }), {
        maxLength: pods.length,
      }),
      order: fc.array(fc.nat(), { minLength: pods.length + 1, maxLength: pods.length + 1 }),
    });
  });

function syntheticLayout(pods: readonly { ns: string; width: number }[], offsets: Int32Array) {
  const stride = offsets[pods.length]!;
  return {
    pods: pods.map((p, i) => `${p.ns}/p${i}`),
    namespaces: pods.map((p) => p.ns),
    workloads: pods.map((_, i) => `w${i % 2}`),
    offsets,
    ports: new Uint16Array(stride).fill(80),
    protocols: new Uint8Array(stride),
    stride,
    total: (pods.length - 1) * stride,
    referenceEvery: 1,
  };
}

describe('streamed matrix totals', () => {
  it('equal a full sum after every band, whatever the bands and their order', () => {
    fc.assert(
      fc.property(arbMatrix, (m) => {
        const layout = syntheticLayout(m.pods, m.offsets);
        const n = m.pods.length;
        const cuts = [0, ...[...m.cuts].filter((c) => c < n).sort((a, b) => a - b), n];
        const bands = cuts
          .slice(1)
          .map((end, b) => ({ start: cuts[b]!, end, key: m.order[b]! }))
          .sort((x, y) => x.key - y.key);
        const data = emptyMatrixData(layout);
        const ns = groupPods(layout, 'namespace');
        // One finds the arrived rows itself, the other is told each band.
        const found = streamTotals(data, ns, ns);
        const told = streamTotals(data, ns, ns);
        expect(sum(found.sum)).toEqual(sum(aggregate(data, ns, ns)));
        for (const { start, end } of bands) {
          const from = start * layout.stride;
          const to = end * layout.stride;
          applyMatrixChunk(data, {
            rowStart: start,
            rowEnd: end,
            calico: m.calico.subarray(from, to),
            cilium: m.cilium.subarray(from, to),
            flags: m.flags.subarray(from, to),
          });
          found.catchUp();
          told.addRows(start, end);
          const full = aggregate(data, ns, ns);
          expect(sum(found.sum)).toEqual(sum(full));
          expect(sum(told.sum)).toEqual(sum(full));
          expect(found.sum.total).toEqual(full.total);
          expect(told.sum.total).toEqual(full.total);
        }
        expect(found.sum.total.pending).toBe(0);
        expect(found.catchUp()).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a band added twice counts once, and a band out of range is refused', () => {
    const data = emptyMatrixData(layout);
    applyMatrixChunk(data, computeMatrixRows(engine, layout, 0, 4));
    const ns = groupPods(layout, 'namespace');
    const totals = streamTotals(data, ns, ns);
    totals.addRows(0, 4);
    totals.addRows(0, 4);
    expect(totals.catchUp()).toBe(0);
    expect(sum(totals.sum)).toEqual(sum(aggregate(data, ns, ns)));
    expect(() => totals.addRows(10, 13)).toThrow(/rows \[10, 13\) outside 0\.\.12/);
  });

  it('start again at zero for a restarted stream (a new port, or Compute again)', () => {
    const first = emptyMatrixData(layout);
    applyMatrixChunk(first, computeMatrixRows(engine, layout, 0, 8));
    const before = namespaceTotals(first);
    before.catchUp();
    expect(namespaceTotals(first)).toBe(before);
    expect(before.sum.total.pending).toBe(88); // 4 rows of 11 pods × 2 ports left
    // Compute again after a cancel: the same layout, a new matrix.
    const again = namespaceTotals(emptyMatrixData(layout));
    again.catchUp();
    expect(again.sum.total.pending).toBe(264);
    expect(again.sum.total.calico).toEqual({ allowed: 0, denied: 0 });
    // Another port: one slot per pod.
    const port80 = planMatrix(cluster.pods, { port: 80 });
    const next = emptyMatrixData(port80);
    const totals = namespaceTotals(next);
    expect(totals).not.toBe(before);
    applyMatrixChunk(next, computeMatrixRows(engine, port80, 4, 12));
    expect(totals.catchUp()).toBe(8);
    const ns = groupPods(port80, 'namespace');
    expect(totals.sum.total).toEqual(aggregate(next, ns, ns).total);
    expect(totals.sum.total.probes).toBe(132);
    expect(totals.sum.total.pending).toBe(44);
  });
});
