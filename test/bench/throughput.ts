// Throughput end to end: 1 publisher + 1 subscriber process per client library, through
// mosquitto and aedes on 127.0.0.1, QoS 0/1/2 × 16 B / 1 KiB / 64 KiB, median of N runs.
//   tsx test/bench/throughput.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { aedes, mosquitto, type Broker } from './lib/brokers';
import { availableClients } from './lib/clients';
import { runIfMain } from './lib/main';
import { runPair, type PairResult } from './lib/pair';
import { publish } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import type { QoS } from './workers/adapter';

const SIZES = [16, 1024, 65536];
const QOS: QoS[] = [0, 1, 2];
/** Publishes outstanding at once, for every client alike. */
const WINDOW = 100;

function count(size: number, qos: QoS, quick: boolean): number {
  const n = size >= 65536 ? 300 : qos === 0 ? 10_000 : qos === 1 ? 5_000 : 2_000;
  return quick ? n / 4 : n;
}

const sizeName = (s: number) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);

export interface ThroughputRow { broker: string; qos: QoS; size: number; client: string; runs: PairResult[] }

export async function run(a: BenchArgs): Promise<ThroughputRow[]> {
  const all = await availableClients(!a.quick);
  // --quick leaves paho out (the slowest to run); the full run has it.
  const clients = a.quick ? all.clients.filter((c) => c.name !== 'paho') : all.clients;
  const missing = all.missing;
  const brokers: Broker[] = [await mosquitto()];
  const notes = missing.map((m) => `not measured: ${m}`);
  if (!a.quick) {
    const b = await aedes();
    if (b instanceof Error) notes.push(`aedes not measured: ${b.message}`); else brokers.push(b);
  }
  const rows: ThroughputRow[] = [];
  try {
    for (const b of brokers) {
      for (const qos of QOS) for (const size of SIZES) {
        // --quick, and aedes: every QoS at 1 KiB, every size at QoS 1 (the full matrix runs on mosquitto).
        if ((a.quick || b.name === 'aedes') && size !== 1024 && qos !== 1) continue;
        // The board-codec variant only where it decides the Node codec: mosquitto.
        for (const c of clients) if (b.name === 'mosquitto' || c.name !== 'glowmq/board') rows.push({ broker: b.name, qos, size, client: c.name, runs: [] });
      }
      // Runs interleave the clients, so a slow minute on the machine hits every client alike.
      for (let r = 0; r < a.runs; r++) {
        for (const row of rows.filter((x) => x.broker === b.name)) {
          const c = clients.find((x) => x.name === row.client)!;
          const n = count(row.size, row.qos, a.quick);
          if (process.stderr.isTTY) process.stderr.write(`\r  throughput ${b.name} run ${r + 1}/${a.runs}: ${c.name} QoS ${row.qos} ${sizeName(row.size)} × ${n}        `);
          try { row.runs.push(await runPair(c, b.url, row.qos, row.size, n, WINDOW)); } catch (e) { notes.push(`${b.name} ${c.name} QoS ${row.qos} ${sizeName(row.size)}: ${(e as Error).message}`); }
        }
      }
    }
  } finally {
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (const b of brokers) await b.stop();
  }
  publish(table(rows, a, notes));
  return rows;
}

const med = (row: ThroughputRow | undefined, k: keyof PairResult) => (row && row.runs.length ? median(row.runs.map((x) => x[k])) : NaN);

function table(rows: ThroughputRow[], a: BenchArgs, notes: string[]) {
  const out: string[][] = [];
  for (const row of rows) {
    const ref = rows.find((x) => x.broker === row.broker && x.qos === row.qos && x.size === row.size && x.client === 'MQTT.js');
    const mine = row.client === 'glowmq';
    const cpu = (r: PairResult) => r.pubCpu10k + r.subCpu10k;
    const sp = (k: keyof PairResult, d = 0) => (row.runs.length ? withSpread(row.runs.map((x) => x[k]), (x) => fmtNum(x, d)) : 'failed');
    out.push([
      row.broker, String(row.qos), sizeName(row.size), row.client,
      sp('e2eRate'), sp('mbps', 1), row.runs.length ? String(Math.max(...row.runs.map((x) => x.lost))) : '–',
      sp('pubRate'), sp('pubCpu10k'), sp('subCpu10k'),
      mine ? ratio(med(row, 'e2eRate'), med(ref, 'e2eRate')) : '',
      mine ? ratio(med(row, 'pubRate'), med(ref, 'pubRate')) : '',
      mine && ref?.runs.length ? ratio(median(row.runs.map(cpu)), median(ref.runs.map(cpu))) : '',
    ]);
  }
  return {
    title: `Throughput, 1 publisher + 1 subscriber process each (median of ${a.runs} run${a.runs > 1 ? 's' : ''} ± half-range)`,
    columns: ['broker', 'QoS', 'payload', 'client', 'e2e msg/s', 'MB/s', 'lost', 'pub msg/s', 'pub CPU ms/10k', 'sub CPU ms/10k', 'e2e ×MQTT.js', 'pub ×MQTT.js', 'CPU ×MQTT.js'],
    rows: out,
    notes: [
      `window: ${WINDOW} publishes outstanding per publisher; counts per run: QoS 0 ${count(16, 0, a.quick)}, QoS 1 ${count(16, 1, a.quick)}, QoS 2 ${count(16, 2, a.quick)} (64 KiB: ${count(65536, 0, a.quick)})`,
      'e2e = first publish → last message received; pub = first publish → last publish completed (QoS 0 written, 1 PUBACK, 2 PUBCOMP); lost = max over runs',
      a.quick ? '--quick: every QoS at 1 KiB, every payload size at QoS 1, mosquitto only, no paho' : 'aedes (in its own process): every QoS at 1 KiB, every payload size at QoS 1',
      'glowmq/board = glowmq on Node with the board codec (src/core/codec) instead of mqtt-packet',
      'CPU = user+sys of that process during the workload, per 10,000 messages; CPU ×MQTT.js is publisher+subscriber',
      'mosquitto 2.0 with max_inflight_messages 0 and max_queued_messages 0 (no broker-side drops or disconnects at a 100-message window)',
      ...notes,
    ],
  };
}

runIfMain(import.meta.url, run);
