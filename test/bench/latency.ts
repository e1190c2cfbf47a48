// Round-trip latency: a "ping" process publishes to A and waits; an "echo" process of the
// same library republishes A → B. Sequential round trips through mosquitto, p50/p99/max.
//   tsx test/bench/latency.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { availableClients, type ClientKind } from './lib/clients';
import { runIfMain } from './lib/main';
import { publish } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import { Worker } from './lib/worker';
import type { QoS } from './workers/adapter';

export interface LatencyRun { p50: number; p99: number; max: number; mean: number }
export interface LatencyRow { qos: QoS; client: string; runs: LatencyRun[] }

let seq = 0;

async function once(c: ClientKind, url: string, qos: QoS, count: number): Promise<LatencyRun> {
  const id = `${process.pid}-${++seq}`;
  const job = { url, topic: `lat/${id}/a`, topic2: `lat/${id}/b`, qos, size: 16, count, warmup: Math.min(200, Math.ceil(count / 10)) };
  const echo = new Worker(`${c.name} echo`, c.cmd(), { ...job, role: 'echo', clientId: `becho-${id}` });
  const ping = new Worker(`${c.name} ping`, c.cmd(), { ...job, role: 'ping', clientId: `bping-${id}` });
  try {
    await echo.next('ready', 20_000);
    await ping.next('ready', 20_000);
    ping.send('go');
    const d = await ping.next('done', 120_000);
    return { p50: d.p50, p99: d.p99, max: d.max, mean: d.mean };
  } finally {
    echo.send('stop');
    await Promise.all([echo.close(), ping.close()]);
  }
}

export async function run(a: BenchArgs): Promise<LatencyRow[]> {
  const { clients, missing } = await availableClients();
  const count = a.quick ? 500 : 2000;
  const qoss: QoS[] = a.quick ? [0] : [0, 1];
  const b = await mosquitto();
  const rows: LatencyRow[] = [];
  const notes = missing.map((m) => `not measured: ${m}`);
  try {
    for (const qos of qoss) for (const c of clients) rows.push({ qos, client: c.name, runs: [] });
    for (let r = 0; r < a.runs; r++) {
      for (const row of rows) {
        const c = clients.find((x) => x.name === row.client)!;
        // paho 1.6 leaves Nagle on: at QoS 1 each round trip waits out a delayed ACK (~40 ms),
        // so it gets fewer round trips to keep the suite's time bounded.
        const n = c.name === 'paho' && row.qos > 0 ? Math.min(count, 200) : count;
        try { row.runs.push(await once(c, b.url, row.qos, n)); } catch (e) { notes.push(`${c.name} QoS ${row.qos}: ${(e as Error).message}`); }
      }
    }
  } finally { await b.stop(); }
  const us = (x: number) => fmtNum(x * 1000);
  const med = (row: LatencyRow | undefined, k: keyof LatencyRun) => (row?.runs.length ? median(row.runs.map((x) => x[k])) : NaN);
  publish({
    title: `Round-trip latency, ${count} sequential round trips via mosquitto, 16 B (µs; median of ${a.runs} run${a.runs > 1 ? 's' : ''} ± half-range)`,
    columns: ['QoS', 'client', 'p50 µs', 'p99 µs', 'max µs', 'mean µs', 'p50 ×MQTT.js', 'p99 ×MQTT.js'],
    rows: rows.map((row) => {
      const ref = rows.find((x) => x.qos === row.qos && x.client === 'MQTT.js');
      const mine = row.client.startsWith('glowmq');
      const sp = (k: keyof LatencyRun) => (row.runs.length ? withSpread(row.runs.map((x) => x[k]), us) : 'failed');
      return [String(row.qos), row.client, sp('p50'), sp('p99'), sp('max'), sp('mean'),
        mine ? ratio(med(row, 'p50'), med(ref, 'p50')) : '', mine ? ratio(med(row, 'p99'), med(ref, 'p99')) : ''];
    }),
    notes: [
      'round trip = publish to A by the ping process → echo process receives, republishes to B → ping process receives; warm-up round trips (a tenth of the count, at most 200) not counted',
      'paho at QoS 1: 200 round trips (paho 1.6 does not set TCP_NODELAY, so each QoS 1 round trip waits for a delayed ACK)',
      ...notes,
    ],
  });
  return rows;
}

runIfMain(import.meta.url, run);
