import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbScenario } from '../test/arbitraries';
import { createEngineApi } from './api';
import {
  applyMatrixChunk,
  computeMatrix,
  computeMatrixRows,
  emptyMatrixData,
  FLAG_CALICO_DISAGREES,
  FLAG_CILIUM_DISAGREES,
  FLAG_REFERENCE_CHECKED,
  FLAG_SELF,
  planMatrix,
  protocolOf,
  VERDICT_ALLOWED,
  VERDICT_DENIED,
  workloadOf,
} from './matrix';
import { formatDiagnostic, type Cluster } from './model';
import { loadManifests } from './parse/load';
import { createEngine, defaultProbes, evaluateProbe } from './verdict';

function load(yaml: string): Cluster {
  const { cluster, diagnostics } = loadManifests([{ name: 'gen.yaml', text: yaml }]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join('\n'));
  return cluster;
}

const clusters = fc.sample(arbScenario(), { seed: 15, numRuns: 25 }).map(load);

describe('compact matrix', () => {
  it('holds, cell for cell, what the explained verdicts say (every cell checked)', () => {
    let cells = 0;
    let denied = 0;
    for (const cluster of clusters) {
      const engine = createEngine(cluster);
      const { layout, chunk } = computeMatrix(engine, { referenceChecks: Infinity });
      const probes = defaultProbes(cluster);
      expect(layout.total).toBe(probes.length);
      const index = new Map(layout.pods.map((p, i) => [p, i]));
      for (const probe of probes) {
        const r = evaluateProbe(engine, probe);
        if (!r.ok) throw new Error(r.error);
        const i = index.get((probe.from as { pod: string }).pod)!;
        const j = index.get((probe.to as { pod: string }).pod)!;
        let at = -1;
        for (let s = layout.offsets[j]!; s < layout.offsets[j + 1]!; s++)
          if (layout.ports[s] === probe.port && protocolOf(layout, s) === probe.protocol)
            at = i * layout.stride + s;
        expect(at).toBeGreaterThanOrEqual(0);
        const { calico, cilium } = r.verdict;
        const code = (allowed: boolean) => (allowed ? VERDICT_ALLOWED : VERDICT_DENIED);
        expect(chunk.calico[at]).toBe(code(calico.model.allowed));
        expect(chunk.cilium[at]).toBe(code(cilium.model.allowed));
        const flags = chunk.flags[at]!;
        expect(flags & FLAG_REFERENCE_CHECKED).toBeTruthy();
        expect(Boolean(flags & FLAG_CALICO_DISAGREES)).toBe(!calico.agree);
        expect(Boolean(flags & FLAG_CILIUM_DISAGREES)).toBe(!cilium.agree);
        cells++;
        if (chunk.calico[at] === VERDICT_DENIED || chunk.cilium[at] === VERDICT_DENIED) denied++;
      }
      // Every slot is a probe or a pod's own column.
      const selfSlots = chunk.flags.filter((f) => f & FLAG_SELF).length;
      expect(selfSlots + layout.total).toBe(layout.pods.length * layout.stride);
    }
    // The sample is worth something: many cells, both verdicts.
    expect(cells).toBeGreaterThan(500);
    expect(denied).toBeGreaterThan(0);
    expect(denied).toBeLessThan(cells);
  });

  it('keeps only the probes of the chosen port', () => {
    const cluster = clusters.find((c) => c.pods.some((p) => p.ports.length > 0))!;
    const port = cluster.pods.find((p) => p.ports.length > 0)!.ports[0]!.port;
    const layout = planMatrix(cluster.pods, { port });
    expect([...layout.ports].every((p) => p === port)).toBe(true);
    expect(layout.total).toBe(defaultProbes(cluster).filter((p) => p.port === port).length);
  });

  it('checks a spread sample against the references when the matrix is large', () => {
    const cluster = clusters.reduce((a, b) =>
      planMatrix(b.pods).total > planMatrix(a.pods).total ? b : a,
    );
    const engine = createEngine(cluster);
    const { layout, chunk } = computeMatrix(engine, { referenceChecks: 10 });
    const checked = chunk.flags.filter((f) => f & FLAG_REFERENCE_CHECKED).length;
    expect(layout.total).toBeGreaterThan(20);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThan(layout.total);
    // Rows computed in bands are the rows computed at once.
    const data = emptyMatrixData(layout);
    for (let r = 0; r < layout.pods.length; r += 2)
      applyMatrixChunk(
        data,
        computeMatrixRows(engine, layout, r, Math.min(layout.pods.length, r + 2)),
      );
    expect(data.calico).toEqual(chunk.calico);
    expect(data.cilium).toEqual(chunk.cilium);
    expect(data.flags).toEqual(chunk.flags);
  });

  it('names workloads by label, else by the name a controller gave', () => {
    const pod = clusters[0]!.pods[0]!;
    expect(workloadOf({ ...pod, labels: { app: 'web' } })).toBe('web');
    expect(workloadOf({ ...pod, labels: {}, name: 'web-7d4b9c8f6-x2kqz' })).toBe('web');
    expect(workloadOf({ ...pod, labels: {}, name: 'db-0' })).toBe('db');
    expect(workloadOf({ ...pod, labels: {}, name: 'solo' })).toBe('solo');
  });
});

describe('streamed matrix (engine API)', () => {
  const yaml = fc.sample(arbScenario(), { seed: 7, numRuns: 30 }).find((y) => {
    const c = load(y);
    return c.pods.length >= 5 && planMatrix(c.pods).total > 0;
  })!;

  it('streams the layout, both compiles and every row once, and ends done', async () => {
    const api = createEngineApi();
    expect(api.load([{ name: 's.yaml', text: yaml }]).applied).toBe(true);
    const kinds: string[] = [];
    const rows: number[] = [];
    let last = 0;
    const summary = await api.matrixStream({}, (done, total, event) => {
      kinds.push(event.kind);
      expect(done).toBeGreaterThanOrEqual(last);
      expect(done).toBeLessThanOrEqual(total);
      last = done;
      if (event.kind === 'rows')
        for (let r = event.chunk.rowStart; r < event.chunk.rowEnd; r++) rows.push(r);
    });
    expect(kinds.slice(0, 3)).toEqual(['layout', 'compiled', 'compiled']);
    const n = load(yaml).pods.length;
    expect(rows).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(summary.status).toBe('done');
    expect(summary.probesDone).toBe(planMatrix(load(yaml).pods).total);
  });

  it('stops before the next band when the reader says so', async () => {
    const api = createEngineApi();
    api.load([{ name: 's.yaml', text: yaml }]);
    let bands = 0;
    const summary = await api.matrixStream({}, (_d, _t, event) => {
      if (event.kind !== 'rows') return true;
      bands++;
      return false;
    });
    expect(bands).toBe(1);
    expect(summary.status).toBe('cancelled');
    expect(summary.rowsDone).toBeLessThan(load(yaml).pods.length);
  });
});
