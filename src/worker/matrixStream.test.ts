import { afterEach, describe, expect, it } from 'vitest';
import {
  applyMatrixChunk,
  computeMatrix,
  emptyMatrixData,
  type MatrixData,
  type MatrixStreamEvent,
} from '../engine/matrix';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import { createEngineClient } from './client';
import { inProcessWorker } from './inProcessWorker';

/** 60 pods in 3 namespaces; ns-1 denies all ingress: a matrix of 3,540 probes in many bands. */
function scenario(): string {
  const docs = [
    'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {podCIDR: 10.1.0.0/16}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.1}]}',
  ];
  for (let n = 0; n < 3; n++)
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${n}}`);
  for (let p = 0; p < 60; p++)
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${p}, namespace: ns-${p % 3}, labels: {app: a${p % 4}}}\nspec: {nodeName: n1, containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\nstatus: {podIP: 10.1.0.${p + 2}}`,
    );
  docs.push(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: ns-1}\nspec: {podSelector: {}, policyTypes: [Ingress]}',
  );
  return docs.join('\n---\n');
}

const clients: { dispose(): void }[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.dispose()));

function start() {
  const w = inProcessWorker();
  const jobs: { done?: number; total?: number }[] = [];
  const client = createEngineClient({
    startWorker: () => w.handle,
    loadFallback: () => Promise.reject(new Error('fallback not expected')),
    onJobs: (j) => j[0] && jobs.push({ ...j[0] }),
  });
  clients.push(client);
  return { client, w, jobs };
}

describe('streamed matrix through the worker', () => {
  it('streams bands that assemble into the whole matrix, with progress', async () => {
    const { client, jobs } = start();
    expect((await client.call('load', [{ name: 's.yaml', text: scenario() }])).applied).toBe(true);
    let data: MatrixData | null = null;
    const events: MatrixStreamEvent['kind'][] = [];
    const summary = await client.call('matrixStream', {}, (_d, _t, event) => {
      events.push(event.kind);
      if (event.kind === 'layout') data = emptyMatrixData(event.layout);
      if (event.kind === 'rows') applyMatrixChunk(data!, event.chunk);
      return true;
    });
    expect(summary.status).toBe('done');
    expect(summary.probesDone).toBe(60 * 59);
    // The same cells as computing it at once on the main thread.
    const { cluster } = loadManifests([{ name: 's.yaml', text: scenario() }]);
    const whole = computeMatrix(createEngine(cluster)).chunk;
    expect(data!.calico).toEqual(whole.calico);
    expect(data!.cilium).toEqual(whole.cilium);
    expect(events.filter((k) => k === 'rows').length).toBeGreaterThan(0);
    // The busy indicator saw the progress of the stream.
    expect(jobs.some((j) => j.total === 60 * 59 && (j.done ?? 0) > 0)).toBe(true);
  });

  it('stops when the reader says so, without restarting the worker, which answers the next call', async () => {
    const { client, w } = start();
    await client.call('load', [{ name: 's.yaml', text: scenario() }]);
    let bands = 0;
    const summary = await client.call('matrixStream', {}, (_d, _t, event) => {
      if (event.kind !== 'rows') return true;
      bands++;
      return false; // the Cancel arrives with the first band (always one row)
    });
    expect(summary.status).toBe('cancelled');
    expect(bands).toBe(1);
    expect(summary.rowsDone).toBeLessThan(60);
    expect(w.terminated()).toBe(0);
    // The scenario and its compiled models are still there.
    const next = await client.call('matrixStream', { port: 80 }, () => true);
    expect(next.status).toBe('done');
  });
});
