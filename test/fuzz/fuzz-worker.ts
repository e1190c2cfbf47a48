// Runs the fuzzer inside a worker thread so parser-fuzz.ts can watch it for a hang: before
// each frame it publishes the frame's index and bytes in shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fuzz } from './fuzz-core';

setFlagsFromString('--expose-gc');
(globalThis as any).gc = runInNewContext('gc');

const { frames, seed, shared } = workerData as { frames: number; seed: number; shared: SharedArrayBuffer };
const index = new Int32Array(shared, 0, 2); // [frame index, frame length]
const bytes = new Uint8Array(shared, 8);
const stats = fuzz(frames, seed, (i, f) => {
  const n = Math.min(f.length, bytes.length);
  bytes.set(f.subarray(0, n));
  Atomics.store(index, 1, f.length);
  Atomics.store(index, 0, i + 1);
});
parentPort!.postMessage(stats);
