/**
 * For tests: the real worker API behind a MessageChannel, as the client sees a Web Worker (calls and
 * progress callbacks cross through Comlink), counting terminations (a client's cancel or restart).
 */
import { expose } from 'comlink';
import { createWorkerApi } from './api';
import type { WorkerHandle } from './client';

export function inProcessWorker() {
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
  return { handle, terminated: () => terminated };
}
