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

export async function run(a: BenchArgs): Promise<DeviceRun[]> {
  const file = (await buildWorkers())['device-latency'];
  const count = a.quick ? 200 : 1000;
  const runs: DeviceRun[] = [];
  const notes: string[] = [];
  if (file instanceof Error) notes.push(`not measured: ${file.message}`);
  else {
    const b = await mosquitto();
    try {
      for (let r = 0; r < a.runs; r++) {
        const w = new Worker('device', [process.execPath, file], { role: 'device', url: b.url, count, warmup: 50 });
        try { const d = await w.next('done', 120_000); runs.push({ p50: d.p50, p99: d.p99, max: d.max }); } catch (e) { notes.push((e as Error).message); } finally { await w.close(); }
      }
    } finally { await b.stop(); }
  }
  const us = (x: number) => fmtNum(x * 1000);
  const sp = (k: keyof DeviceRun) => (runs.length ? withSpread(runs.map((x) => x[k]), us) : 'failed');
  publish({
    title: `Device: lightChange publish → LED write (µs; ${count} commands, median of ${a.runs} run${a.runs > 1 ? 's' : ''}, min–max in brackets)`,
    columns: ['path', 'p50 µs', 'p99 µs', 'max µs'],
    rows: [['glowmq client → mosquitto → glowmq device (startDevice) → DigitalOut.write', sp('p50'), sp('p99'), sp('max')]],
    notes: ['one Node process: a commander client publishes on/off at QoS 1, one at a time; the device parses the command and writes the LED; 50 warm-up commands not counted', ...notes],
  });
  return runs;
}

runIfMain(import.meta.url, run);
