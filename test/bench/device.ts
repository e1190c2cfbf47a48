// The device's lightChange → LED-write latency (src/app on Node, through mosquitto).
//   tsx test/bench/device.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { buildWorkers } from './lib/build';
import { runIfMain } from './lib/main';
import { publish } from './lib/report';
import { fmtNum, withSpread } from './lib/stats';
import { Worker } from './lib/worker';

export interface DeviceRun { p50: number; p99: number; max: number }

export async function run(args: BenchArgs): Promise<DeviceRun[]> {
  const file = (await buildWorkers())['device-latency'];
  const count = args.quick ? 200 : 1000;
  const runs: DeviceRun[] = [];
  const notes: string[] = [];
  if (file instanceof Error) notes.push(`not measured: ${file.message}`);
  else {
    const broker = await mosquitto();
    try {
      for (let repetition = 0; repetition < args.runs; repetition++) {
        const worker = new Worker('device', [process.execPath, file], { role: 'device', url: broker.url, count, warmup: 50 });
        try { const done = await worker.next('done', 120_000); runs.push({ p50: done.p50, p99: done.p99, max: done.max }); } catch (err) { notes.push((err as Error).message); } finally { await worker.close(); }
      }
    } finally { await broker.stop(); }
  }
  const micros = (millis: number) => fmtNum(millis * 1000);
  const spread = (k: keyof DeviceRun) => (runs.length ? withSpread(runs.map((run) => run[k]), micros) : 'failed');
  publish({
    title: `Device: lightChange publish → LED write (µs; ${count} commands, median of ${args.runs} run${args.runs > 1 ? 's' : ''}, min–max in brackets)`,
    columns: ['path', 'p50 µs', 'p99 µs', 'max µs'],
    rows: [['glowmq client → mosquitto → glowmq device (startDevice) → DigitalOut.write', spread('p50'), spread('p99'), spread('max')]],
    notes: ['one Node process: a commander client publishes on/off at QoS 1, one at a time; the device parses the command and writes the LED; 50 warm-up commands not counted', ...notes],
  });
  return runs;
}

runIfMain(import.meta.url, run);
