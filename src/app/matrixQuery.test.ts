import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterView } from '../engine/clusterView';
import type { MatrixStreamCallback, MatrixStreamSummary } from '../engine/matrix';
import type { MatrixLayout } from '../engine/matrixData';
import { createAppStore } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient, type EngineClient } from '../worker/client';
import { matrixQuery, startQueries } from './queries';

/** 80 pods (over the 50 that switch to the streamed matrix), each declaring ports 80 and 443. */
function scenario(): string {
  const docs = [
    'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {podCIDR: 10.1.0.0/16}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.1}]}',
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}',
  ];
  for (let p = 0; p < 80; p++)
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${p}, namespace: a}\nspec: {nodeName: n1, containers: [{name: c, image: x, ports: [{containerPort: 80}, {containerPort: 443}]}]}\nstatus: {podIP: 10.1.0.${p + 2}}`,
    );
  return docs.join('\n---\n');
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

/** Runs `act` once, at the first streamed band written to the store (never after the last). */
function atFirstBand(store: ReturnType<typeof createAppStore>, act: () => void) {
  const stop = store.subscribe((state) => {
    if ((state.matrixScale?.done ?? 0) === 0) return;
    stop();
    act();
  });
}

/** The engine on the main thread, recording what each streamed matrix ended with. */
function start() {
  const real = createEngineClient({
    startWorker: () => null,
    loadFallback: async () => createWorkerApi(),
  });
  const ended: MatrixStreamSummary['status'][] = [];
  const client: EngineClient = {
    ...real,
    request: (method, args, options) => {
      const p = real.request(method, args, options);
      if (method === 'matrixStream')
        void p.then((s) => ended.push((s as MatrixStreamSummary).status));
      return p;
    },
  };
  const store = createAppStore();
  store.getState().setScenarioText(scenario());
  stops.push(startQueries(store, client), () => real.dispose());
  return { store, ended };
}

describe('matrix query at scale', () => {
  it('streams into the store, and a newer port stops the older computation', async () => {
    const { store, ended } = start();
    await expect.poll(() => store.getState().cluster?.pods.length, { timeout: 10_000 }).toBe(80);
    const partial: string[] = [];
    atFirstBand(store, () => {
      partial.push(store.getState().matrixScale!.status);
      store.getState().setMatrixPort(443);
    });
    store.getState().togglePanel('matrix');
    await expect.poll(() => ended, { timeout: 20_000 }).toEqual(['cancelled', 'done']);
    const scale = store.getState().matrixScale!;
    expect(scale.status).toBe('done');
    expect([...scale.data!.layout.ports].every((p) => p === 443)).toBe(true);
    expect(scale.done).toBe(80 * 79);
    // A partial answer was in the store while the first one computed.
    expect(partial).toEqual(['computing']);
  });

  it('stops on Cancel, keeps what it has, and computes again when asked', async () => {
    const { store, ended } = start();
    await expect.poll(() => store.getState().cluster?.pods.length, { timeout: 10_000 }).toBe(80);
    atFirstBand(store, () => store.getState().cancelMatrix());
    store.getState().togglePanel('matrix');
    await expect
      .poll(() => store.getState().matrixScale?.status, { timeout: 10_000 })
      .toBe('cancelled');
    const kept = store.getState().matrixScale!;
    expect(kept.done).toBeGreaterThan(0);
    expect(kept.done).toBeLessThan(kept.total);
    store.getState().recomputeMatrix();
    await expect.poll(() => store.getState().matrixScale?.status, { timeout: 20_000 }).toBe('done');
    expect(ended).toEqual(['cancelled', 'done']);
  });

  it('opens one cell’s explained verdict on demand', async () => {
    const { store } = start();
    await expect.poll(() => store.getState().cluster?.pods.length, { timeout: 10_000 }).toBe(80);
    store
      .getState()
      .openMatrixCell({ from: { pod: 'a/p0' }, to: { pod: 'a/p1' }, port: 80, protocol: 'TCP' });
    await expect.poll(() => store.getState().matrixCellVerdict?.ok, { timeout: 10_000 }).toBe(true);
    const v = store.getState().matrixCellVerdict!;
    expect(v.ok && v.verdict.calico.reason).toMatch(/./);
  });

  it('tells the store of the layout and the first band at once, then at most once a second', async () => {
    const rows = 80;
    const layout = {
      pods: Array.from({ length: rows }, (_, i) => `a/p${i}`),
      stride: rows,
      total: rows * (rows - 1),
    } as unknown as MatrixLayout;
    const band = (r: number) => ({
      rowStart: r,
      rowEnd: r + 1,
      calico: new Uint8Array(rows).fill(1),
      cilium: new Uint8Array(rows).fill(2),
      flags: new Uint8Array(rows),
    });
    // A worker that streams its 80 bands at once (well inside a second), then its summary.
    const client = {
      request: async (_method: string, [, onEvent]: [unknown, MatrixStreamCallback]) => {
        await onEvent(0, layout.total, { kind: 'layout', layout });
        for (let r = 0; r < rows; r++)
          await onEvent((r + 1) * (rows - 1), layout.total, { kind: 'rows', chunk: band(r) });
        return { status: 'done', rowsDone: rows, probesDone: layout.total, elapsedMs: 5 };
      },
    } as unknown as EngineClient;
    const cluster = { pods: layout.pods.map((name) => ({ name })) } as unknown as ClusterView;
    const written: number[] = [];
    const result = await matrixQuery.run(client, [cluster, null, true, 0], {
      signal: new AbortController().signal,
      partial: (r) => written.push(r.matrixScale!.done),
      store: createAppStore(),
    });
    expect(written).toEqual([0, rows - 1]);
    // The answer holds every band, filled in place, and the last count.
    expect(result.matrixScale!.done).toBe(layout.total);
    expect(result.matrixScale!.data!.calico.every((v) => v === 1)).toBe(true);
  });
});
