// Round-trip latency: a "ping" process publishes to A and waits; an "echo" process of the
// same library republishes A → B. Sequential round trips through mosquitto, after untimed
// warm-up round trips: p50/p99/max, and the whole distribution as a chart.
//   tsx test/bench/latency.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { availableClients, type ClientKind } from './lib/clients';
import { runIfMain } from './lib/main';
import { addChart, publish, sampleLoad } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import { lineChart } from './lib/svg';
import { Worker } from './lib/worker';
import type { QoS } from './workers/adapter';

export interface LatencyRun { p50: number; p99: number; max: number; mean: number; curve: number[] }
export interface LatencyRow { qos: QoS; client: string; runs: LatencyRun[] }

const PAHO_QOS1_LIMIT = 200;
const MS_TO_US = 1000;

let seq = 0;

async function once(client: ClientKind, url: string, qos: QoS, count: number, warmup: number): Promise<LatencyRun> {
  const runId = `${process.pid}-${++seq}`;
  const job = { url, topic: `lat/${runId}/a`, topic2: `lat/${runId}/b`, qos, size: 16, count, warmup };
  const echo = new Worker(`${client.name} echo`, client.cmd(), { ...job, role: 'echo', clientId: `becho-${runId}` });
  const ping = new Worker(`${client.name} ping`, client.cmd(), { ...job, role: 'ping', clientId: `bping-${runId}` });
  try {
    await echo.next('ready', 20_000);
    await ping.next('ready', 20_000);
    ping.send('go');
    const done = await ping.next('done', 300_000);
    return { p50: done.p50, p99: done.p99, max: done.max, mean: done.mean, curve: done.curve ?? [] };
  } finally {
    echo.send('stop');
    await Promise.all([echo.close(), ping.close()]);
  }
}

export async function run(args: BenchArgs): Promise<LatencyRow[]> {
  const { clients, missing } = await availableClients();
  const count = args.quick ? 500 : 5000;
  const warmup = args.quick ? 100 : 1000;
  const qosList: QoS[] = args.quick ? [0] : [0, 1];
  const broker = await mosquitto();
  const rows: LatencyRow[] = [];
  const notes = missing.map((text) => `not measured: ${text}`);
  try {
    for (const qos of qosList) for (const client of clients) rows.push({ qos, client: client.name, runs: [] });
    for (let repetition = 0; repetition < args.runs; repetition++) {
      sampleLoad();
      for (const row of rows) {
        const client = clients.find((candidate) => candidate.name === row.client)!;
        // paho 1.6 leaves Nagle on: at QoS 1 each round trip waits out a delayed ACK (~40 ms),
        // so it gets fewer round trips to keep the suite's time bounded.
        const slow = client.name === 'paho' && row.qos > 0;
        const trips = slow ? Math.min(count, PAHO_QOS1_LIMIT) : count;
        try { row.runs.push(await once(client, broker.url, row.qos, trips, slow ? Math.min(warmup, 20) : warmup)); } catch (err) { notes.push(`${client.name} QoS ${row.qos}: ${(err as Error).message}`); }
      }
    }
  } finally { await broker.stop(); }
  const micros = (millis: number) => fmtNum(millis * MS_TO_US);
  const med = (row: LatencyRow | undefined, key: 'p50' | 'p99') => (row?.runs.length ? median(row.runs.map((result) => result[key])) : NaN);
  publish({
    title: `Round-trip latency, ${fmtNum(count)} sequential round trips via mosquitto, 16 B (µs; median of ${args.runs} run${args.runs > 1 ? 's' : ''}, min–max in brackets)`,
    columns: ['QoS', 'client', 'p50 µs', 'p99 µs', 'max µs', 'mean µs', 'p50 ×MQTT.js', 'p99 ×MQTT.js'],
    rows: rows.map((row) => {
      const ref = rows.find((other) => other.qos === row.qos && other.client === 'MQTT.js');
      const mine = row.client === 'glowmq';
      const spread = (key: 'p50' | 'p99' | 'max' | 'mean') => (row.runs.length ? withSpread(row.runs.map((result) => result[key]), micros) : 'failed');
      return [String(row.qos), row.client, spread('p50'), spread('p99'), spread('max'), spread('mean'),
        mine ? ratio(med(row, 'p50'), med(ref, 'p50')) : '', mine ? ratio(med(row, 'p99'), med(ref, 'p99')) : ''];
    }),
    notes: [
      `round trip = publish to A by the ping process → echo process receives, republishes to B → ping process receives; ${fmtNum(warmup)} untimed warm-up round trips first`,
      `paho at QoS 1: ${PAHO_QOS1_LIMIT} round trips (paho 1.6 does not set TCP_NODELAY, so each QoS 1 round trip waits for a delayed ACK)`,
      ...notes,
    ],
  });
  chart(rows, args, count);
  return rows;
}

/** The latency distribution: round trip at each percentile, median over runs. */
function chart(rows: LatencyRow[], args: BenchArgs, count: number): void {
  const series = rows.filter((row) => row.runs.length && row.runs[0].curve.length).map((row) => ({
    name: `${row.client} QoS ${row.qos}`,
    dashed: row.qos > 0,
    points: row.runs[0].curve.map((_, pct): [number, number] => [pct, median(row.runs.map((result) => result.curve[pct])) * MS_TO_US]),
  }));
  if (!series.length) return;
  addChart('latency.svg', 'Round-trip latency distribution', lineChart({
    title: 'Round-trip latency distribution (µs at each percentile)', xLabel: 'percentile of round trips', yLabel: 'round trip, µs',
    // Log scale: the clients differ by up to three orders of magnitude (paho's QoS 1 round trip
    // waits out delayed ACKs), and on a linear axis the fast ones are a line along the bottom.
    series, logScale: true,
    note: `${fmtNum(count)} sequential round trips via mosquitto, 16 B; median of ${args.runs} run${args.runs > 1 ? 's' : ''} at each percentile; log scale`,
  }));
}

runIfMain(import.meta.url, run);
