/// <reference lib="webworker" />
/**
 * The policy engine in a Web Worker. It only exposes the engine's API; everything else (queueing,
 * restart after a crash, the main-thread fallback) lives in the client.
 */
import { expose } from 'comlink';
import { createWorkerApi } from './api';

expose(createWorkerApi());
