import { afterEach, describe, expect, it } from 'vitest';
import { generateCluster, type GenerateOptions } from '../engine/generate';
import { createEngineClient, type EngineJob } from './client';
import { inProcessWorker } from './inProcessWorker';

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

/** A client of the real worker API behind a MessageChannel, recording its jobs. */
function start() {
  const { handle, terminated } = inProcessWorker();
  const jobs: EngineJob[] = [];
  const client = createEngineClient({
    startWorker: () => handle,
    loadFallback: () => Promise.reject(new Error('fallback not expected')),
    onJobs: (j) => j[0] && jobs.push({ ...j[0] }),
  });
  clients.push(client);
  return { client, jobs, terminated };
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
