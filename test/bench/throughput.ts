// Throughput end to end: 1 publisher + 1 subscriber process per client library, through
// mosquitto and aedes on 127.0.0.1, QoS 0/1/2 × 16 B / 1 KiB / 64 KiB. Each run has an
// untimed warm-up phase, then enough messages that what warm-up still costs is measured
// (the "warm-up share" column) and stays under 5%; runs are repeated and interleaved.
//   tsx test/bench/throughput.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { aedes, mosquitto, type Broker } from './lib/brokers';
import { availableClients, rawClient } from './lib/clients';
import { runIfMain } from './lib/main';
import { runPair, type PairResult } from './lib/pair';
import { addChart, publish, sampleLoad } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import { barChart, spreadOf } from './lib/svg';
import type { QoS } from './workers/adapter';

const SIZES = [16, 1024, 65536];
const QOS: QoS[] = [0, 1, 2];
/** Publishes outstanding at once, for every client alike. */
const WINDOW = 100;
const LARGE = 65536;
/** Above this share of a run's time spent still warming up, the table says so. */
const WARM_LIMIT = 0.05;
const QUICK_DIVISOR = 10;

/** Timed messages per run. */
export function messageCount(size: number, qos: QoS, quick: boolean): number {
  const full = size >= LARGE ? 3_000 : qos === 0 ? 100_000 : qos === 1 ? 50_000 : 20_000;
  return quick ? full / QUICK_DIVISOR : full;
}

/** Untimed warm-up messages before each run. */
export function warmupCount(size: number, quick: boolean): number {
  const full = size >= LARGE ? 300 : 5_000;
  return quick ? full / QUICK_DIVISOR : full;
}

export const sizeName = (size: number): string => (size >= 1024 ? `${size / 1024} KiB` : `${size} B`);

export interface ThroughputRow { broker: string; qos: QoS; size: number; client: string; runs: PairResult[] }

/** The raw hand-written floor is measured here: mosquitto, QoS 0 and 1, up to 1 KiB. */
const hasFloor = (broker: string, qos: QoS, size: number) => broker === 'mosquitto' && qos < 2 && size < LARGE;

function plannedRows(brokers: Broker[], clientNames: string[], quick: boolean): ThroughputRow[] {
  const rows: ThroughputRow[] = [];
  for (const broker of brokers) {
    for (const qos of QOS) for (const size of SIZES) {
      // --quick, and aedes: every QoS at 1 KiB, every size at QoS 1 (the full matrix runs on mosquitto).
      if ((quick || broker.name === 'aedes') && size !== 1024 && qos !== 1) continue;
      for (const client of clientNames) {
        if (client !== 'raw' || hasFloor(broker.name, qos, size)) rows.push({ broker: broker.name, qos, size, client, runs: [] });
      }
    }
  }
  return rows;
}

export async function run(args: BenchArgs): Promise<ThroughputRow[]> {
  const available = await availableClients();
  // --quick leaves paho out (the slowest to run); the full run has it.
  const clients = args.quick ? available.clients.filter((client) => client.name !== 'paho') : available.clients;
  const notes = available.missing.map((missing) => `not measured: ${missing}`);
  const floor = await rawClient();
  if (floor instanceof Error) notes.push(`raw floor not measured: ${floor.message}`); else clients.push(floor);
  const brokers: Broker[] = [await mosquitto()];
  if (!args.quick) {
    const second = await aedes();
    if (second instanceof Error) notes.push(`aedes not measured: ${second.message}`); else brokers.push(second);
  }
  const rows = plannedRows(brokers, clients.map((client) => client.name), args.quick);
  try {
    // Runs interleave the clients, so a slow minute on the machine hits every client alike.
    for (let repetition = 0; repetition < args.runs; repetition++) {
      sampleLoad();
      for (const row of rows) {
        const client = clients.find((candidate) => candidate.name === row.client)!;
        const broker = brokers.find((candidate) => candidate.name === row.broker)!;
        const count = messageCount(row.size, row.qos, args.quick);
        if (process.stderr.isTTY) process.stderr.write(`\r  throughput run ${repetition + 1}/${args.runs}: ${broker.name} ${client.name} QoS ${row.qos} ${sizeName(row.size)} × ${count}        `);
        try {
          row.runs.push(await runPair(client, broker.url, { qos: row.qos, size: row.size, count, window: WINDOW, warmup: warmupCount(row.size, args.quick) }));
        } catch (err) { notes.push(`${broker.name} ${client.name} QoS ${row.qos} ${sizeName(row.size)}: ${(err as Error).message}`); }
      }
    }
  } finally {
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (const broker of brokers) await broker.stop();
  }
  publish(table(rows, args, notes));
  charts(rows, clients.map((client) => client.name), args);
  return rows;
}

const med = (row: ThroughputRow | undefined, key: keyof PairResult) => (row && row.runs.length ? median(row.runs.map((result) => result[key])) : NaN);
const cpuBoth = (result: PairResult) => result.pubCpu10k + result.subCpu10k;

function table(rows: ThroughputRow[], args: BenchArgs, notes: string[]) {
  const out: string[][] = [];
  let worstWarm = 0;
  for (const row of rows) {
    const ref = rows.find((other) => other.broker === row.broker && other.qos === row.qos && other.size === row.size && other.client === 'MQTT.js');
    const floor = rows.find((other) => other.broker === row.broker && other.qos === row.qos && other.size === row.size && other.client === 'raw');
    const mine = row.client === 'glowmq';
    const spread = (key: keyof PairResult, digits = 0) => (row.runs.length ? withSpread(row.runs.map((result) => result[key]), (value) => fmtNum(value, digits)) : 'failed');
    const warm = Math.max(...row.runs.map((result) => result.warmShare).filter((share) => isFinite(share)), 0);
    worstWarm = Math.max(worstWarm, warm);
    out.push([
      row.broker, String(row.qos), sizeName(row.size), row.client,
      spread('e2eRate'), spread('mbps', 1), row.runs.length ? String(Math.max(...row.runs.map((result) => result.lost))) : '–',
      spread('pubRate'), spread('pubCpu10k'), spread('subCpu10k'), row.runs.length ? `${(warm * 100).toFixed(1)}%` : '–',
      mine ? ratio(med(row, 'e2eRate'), med(ref, 'e2eRate')) : '',
      mine && ref?.runs.length ? ratio(median(row.runs.map(cpuBoth)), median(ref.runs.map(cpuBoth))) : '',
      mine && floor?.runs.length ? ratio(median(row.runs.map(cpuBoth)), median(floor.runs.map(cpuBoth))) : '',
    ]);
  }
  const counts = `QoS 0 ${fmtNum(messageCount(16, 0, args.quick))}, QoS 1 ${fmtNum(messageCount(16, 1, args.quick))}, QoS 2 ${fmtNum(messageCount(16, 2, args.quick))}, 64 KiB ${fmtNum(messageCount(LARGE, 1, args.quick))}`;
  return {
    title: `Throughput, 1 publisher + 1 subscriber process each (median of ${args.runs} run${args.runs > 1 ? 's' : ''}, min–max in brackets)`,
    columns: ['broker', 'QoS', 'payload', 'client', 'e2e msg/s', 'MB/s', 'lost', 'pub msg/s', 'pub CPU ms/10k', 'sub CPU ms/10k', 'warm-up share', 'e2e ×MQTT.js', 'CPU ×MQTT.js', 'CPU ×raw'],
    rows: out,
    notes: [
      `timed messages per run: ${counts}; before each run ${fmtNum(warmupCount(16, args.quick))} untimed warm-up messages (64 KiB: ${fmtNum(warmupCount(LARGE, args.quick))}) through the same publisher, subscriber and broker`,
      `warm-up share = wall time the first fifth of the messages took beyond the typical (median) tenth, as a share of the run, worst run; ${worstWarm <= WARM_LIMIT ? `at most ${(worstWarm * 100).toFixed(1)}% in every row: under the 5% limit` : `**${(worstWarm * 100).toFixed(1)}% in the worst row: over the 5% limit, that row's rate is understated**`}`,
      `window: ${WINDOW} publishes outstanding per publisher`,
      'e2e = first timed publish → last timed message received; pub = first publish → last publish completed (QoS 0 written, 1 PUBACK, 2 PUBCOMP); lost = max over runs',
      args.quick ? '--quick: every QoS at 1 KiB, every payload size at QoS 1, mosquitto only, no paho' : 'aedes (in its own process): every QoS at 1 KiB, every payload size at QoS 1',
      'CPU = user+sys of that process during the timed messages, per 10,000 messages; CPU ×MQTT.js and ×raw are publisher+subscriber',
      'raw: the floor, a hand-written client straight on node:net (test/bench/workers/raw.ts: one Buffer and one write() per packet, no validation, no session), on mosquitto at QoS 0 and 1 up to 1 KiB',
      'mosquitto 2.0 with max_inflight_messages 0 and max_queued_messages 0 (no broker-side drops or disconnects at a 100-message window)',
      ...notes,
    ],
  };
}

/** Throughput by payload and QoS, and CPU per message, on mosquitto. */
function charts(rows: ThroughputRow[], clientNames: string[], args: BenchArgs): void {
  const onMosquitto = rows.filter((row) => row.broker === 'mosquitto');
  const cases: [QoS, number][] = [];
  for (const row of onMosquitto) if (!cases.some(([qos, size]) => qos === row.qos && size === row.size)) cases.push([row.qos, row.size]);
  const groups = cases.map(([qos, size]) => `QoS ${qos}, ${sizeName(size)}`);
  const seriesOf = (pick: (result: PairResult) => number) => clientNames.map((name) => ({
    name,
    values: cases.map(([qos, size]) => {
      const row = onMosquitto.find((candidate) => candidate.client === name && candidate.qos === qos && candidate.size === size);
      return row ? spreadOf(row.runs.map(pick)) : undefined;
    }),
  }));
  const runs = `median of ${args.runs} run${args.runs > 1 ? 's' : ''}, whiskers min–max; mosquitto on 127.0.0.1`;
  addChart('throughput.svg', 'Throughput by payload and QoS', barChart({
    title: 'End-to-end throughput by payload and QoS (messages/s, log scale)', yLabel: 'messages/s', groups,
    series: seriesOf((result) => result.e2eRate), logScale: true, note: runs,
  }));
  addChart('cpu-per-message.svg', 'CPU per message', barChart({
    title: 'CPU per message, publisher + subscriber (µs, user + system)', yLabel: 'µs per message', groups,
    series: seriesOf((result) => cpuBoth(result) / 10), note: runs,
  }));
}

runIfMain(import.meta.url, run);
