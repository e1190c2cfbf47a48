// npm run fuzz [-- --frames N --seed S]: at least 1,000,000 generated and mutated frames
// through both parsers (ours is the one that matters). Prints frames, packets, errors by
// kind, escaped exceptions, split-dependent outcomes, heap growth after GC and elapsed
// time. Exits 1 on an exception escaping our parser, more than one error from one
// parser, a split-dependent outcome, a buffer above the maximum packet size, or a hang (no progress for 10 s: the frame is shown).
import { Worker } from 'node:worker_threads';
import type { FuzzStats, ParserStats } from './fuzz-core';
import { MAX } from './fuzz-core';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const frames = arg('--frames', 1_000_000);
const seed = arg('--seed', Date.now() % 2147483647);
const shared = new SharedArrayBuffer(8 + 65536);
const index = new Int32Array(shared, 0, 2);

console.log(`parser fuzz: ${frames} frames, seed ${seed}, max packet size ${MAX}`);
// tsx does not reach into worker threads by itself: the worker loads it, then the TS file.
const workerUrl = new URL('./fuzz-worker.ts', import.meta.url).href;
const worker = new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(import.meta.url)}))`,
  { eval: true, workerData: { frames, seed, shared } });

let last = -1, stalled = 0;
const watchdog = setInterval(() => {
  const now = Atomics.load(index, 0);
  if (now !== last) { last = now; stalled = 0; return; }
  // 10 s without a frame is a hang; the worker's start-up (loading tsx) gets 120 s.
  if (++stalled < (now === 0 ? 120 : 10)) return;
  const len = Atomics.load(index, 1);
  const bytes = Buffer.from(new Uint8Array(shared, 8, Math.min(len, 65536)));
  console.error(`HANG: no progress for 10 s on frame ${now - 1} (${len} bytes): ${bytes.toString('hex')}`);
  void worker.terminate();
  process.exit(1);
}, 1000);

function print(name: string, p: ParserStats): void {
  const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  console.log(`\n${name}: ${total(p.packets)} packets, ${total(p.errors)} errors, ${p.escaped} escaped exceptions, ${p.multipleErrors} frames with more than one error`);
  console.log('  packets: ' + Object.entries(p.packets).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));
  console.log('  errors by kind:');
  for (const [k, v] of Object.entries(p.errors).sort((a, b) => b[1] - a[1])) console.log(`    ${String(v).padStart(8)}  ${k}`);
  for (const s of p.samples) console.log('  ! ' + s);
}

worker.on('message', (s: FuzzStats) => {
  clearInterval(watchdog);
  console.log(`frames ${s.frames} (${Object.entries(s.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}), ${s.bytes} bytes`);
  print('ours (boardCodec)', s.ours);
  print('mqtt-packet (Node adapter)', s.mqttPacket);
  console.log(`\nsplit-dependent outcomes (ours): ${s.splitMismatches}`);
  console.log(`largest buffer our parser allocated: ${s.largestAllocation} B (maximum packet size ${MAX} B)`);
  console.log(`max heap growth after GC: ${(s.maxHeapGrowth / 1024).toFixed(0)} KiB (max packet size ${MAX} B); ` +
    `samples every 50,000 frames (KiB): ${s.heapGrowth.map((g) => (g / 1024).toFixed(0)).join(' ')}`);
  console.log(`elapsed: ${(s.elapsedMs / 1000).toFixed(1)} s (${Math.round(s.frames / (s.elapsedMs / 1000))} frames/s, both parsers)`);
  const failed = s.ours.escaped > 0 || s.ours.multipleErrors > 0 || s.splitMismatches > 0 || s.largestAllocation > MAX;
  console.log(failed ? 'FAIL' : 'OK: no exception escaped, no hang, at most one error per frame, no allocation above the maximum');
  process.exit(failed ? 1 : 0);
});
worker.on('error', (e) => { clearInterval(watchdog); console.error('fuzz worker crashed:', e); process.exit(1); });
