import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCluster, type GenerateOptions } from '../engine/generate';
import { createWorkerApi } from './api';
import { createEngineClient, type EngineJob, type WorkerHandle } from './client';

const options: GenerateOptions = {
  pods: 600,
  nodes: 4,
  namespaces: 10,
  policies: 1500,
  mix: { k8s: 40, cilium: 30, calico: 30 },
  seed: 3,
};

const clients: { dispose(): void }[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.dispose()));

/** The real worker API behind a MessageChannel (as matrixStream.test.ts does). */
function start() {
  const { port1, port2 } = new MessageChannel();
  expose(createWorkerApi(), port1);
  let terminated = 0;
  const handle: WorkerHandle = {
    endpoint: port2,
    onCrash: () => {},
    terminate: () => {
      terminated++;
      port1.close();
      port2.close();
    },
  };
  const jobs: EngineJob[] = [];
  const client = createEngineClient({
    startWorker: () => handle,
    loadFallback: () => Promise.reject(new Error('fallback not expected')),
    onJobs: (j) => j[0] && jobs.push({ ...j[0] }),
  });
  clients.push(client);
  return { client, jobs, terminated: () => terminated };
}

describe('generateCluster in the worker', () => {
  it('streams progress through Comlink and returns the text generateCluster writes', async () => {
    const { client, jobs } = start();
    const reports: number[] = [];
    const answer = await client.call('generateCluster', options, (done: number) => {
      reports.push(done);
      return true;
    });
    expect(answer.ok && answer.text).toBe(generateCluster(options));
    const total = 4 + 10 + 600 + 1500;
    expect(reports.at(-1)).toBe(total);
    expect(reports.length).toBeGreaterThan(3);
    // The client's busy indicator saw the job's progress.
    expect(jobs.some((j) => j.method === 'generateCluster' && j.total === total)).toBe(true);
    // The generated text loads in the same worker.
    const loaded = await client.call('load', [
      { name: 'g.yaml', text: answer.ok ? answer.text : '' },
    ]);
    expect(loaded.applied).toBe(true);
    expect(loaded.counts.pods).toBe(600);
  });

  it('stops when the reader answers false, without restarting the worker', async () => {
    const { client, terminated } = start();
    let reports = 0;
    const answer = await client.call('generateCluster', options, () => ++reports < 2);
    expect(answer).toEqual({ ok: false, cancelled: true });
    expect(reports).toBe(2);
    expect(terminated()).toBe(0);
  });

  it('answers bad options with the problems per field', async () => {
    const { client } = start();
    const answer = await client.call('generateCluster', { ...options, nodes: 2 }, () => true);
    expect(answer).toEqual({
      ok: false,
      problems: [
        { field: 'nodes', message: expect.stringMatching(/600 pods do not fit on 2 nodes/) },
      ],
    });
  });
});
