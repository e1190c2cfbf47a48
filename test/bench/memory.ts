// Memory: (1) RSS a connected idle client adds to its process (vs the same harness without
// the library), and its heap; (2) glowmq's heap while streaming QoS 1 messages through the
// broker to itself, at 50 points up to 1,000,000 messages: it must not grow with the count
// (a chart shows heap and RSS over the run).
//   tsx test/bench/memory.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { availableClients } from './lib/clients';
import { runIfMain } from './lib/main';
import { addChart, publish, sampleLoad } from './lib/report';
import { lineChart } from './lib/svg';
import { fmtNum, median, withSpread } from './lib/stats';
import { Worker } from './lib/worker';

const MIB = 1024 * 1024;
/** Heap and RSS samples over the soak run (the chart), and which of them the table shows. */
const SOAK_POINTS = 50;
const TABLE_POINTS = [1, 5, 10, 25, 50];
const mib = (bytes: number) => fmtNum(bytes / MIB, 1);
let seq = 0;

export interface IdleRow { client: string; rss: number[]; bare: number[]; heap: number[]; socket: number[] }
export interface SoakResult { client: string; heap: { at: number; heapUsed: number; rss: number }[]; msgsPerSec: number }

async function measure(label: string, cmd: string[], job: object): Promise<{ rss: number; heapUsed: number }> {
  const worker = new Worker(label, cmd, job as { role: string });
  try { const done = await worker.next('done', 30_000); return { rss: done.rss, heapUsed: done.heapUsed }; } finally { await worker.close(); }
}

export async function run(args: BenchArgs): Promise<{ idle: IdleRow[]; soak: SoakResult[] }> {
  const { clients, missing } = await availableClients();
  const broker = await mosquitto();
  const notes = missing.map((text) => `not measured: ${text}`);
  const idle: IdleRow[] = clients.map((client) => ({ client: client.name, rss: [], bare: [], heap: [], socket: [] }));
  const soak: SoakResult[] = [];
  const gcFlags = ['--expose-gc'];
  const isPy = (name: string) => name === 'paho';
  try {
    for (let repetition = 0; repetition < args.runs; repetition++) {
      sampleLoad();
      for (const row of idle) {
        const client = clients.find((candidate) => candidate.name === row.client)!;
        try {
          const base = await measure(`${client.name} bare`, client.bareCmd(gcFlags), { role: 'bare' });
          const connected = await measure(`${client.name} idle`, client.cmd(gcFlags), { role: 'idle', url: broker.url, clientId: `bidle-${process.pid}-${++seq}` });
          row.bare.push(base.rss); row.rss.push(connected.rss); row.heap.push(connected.heapUsed);
          if (!isPy(client.name)) row.socket.push((await measure(`${client.name} socket`, client.bareCmd(gcFlags), { role: 'socket', url: broker.url })).rss);
        } catch (err) { notes.push(`${client.name} idle: ${(err as Error).message}`); }
      }
    }
    const total = args.quick ? 10_000 : 1_000_000;
    const checkpoints = Array.from({ length: SOAK_POINTS }, (_, i) => (total / SOAK_POINTS) * (i + 1));
    for (const client of clients.filter((candidate) => candidate.name === 'glowmq')) {
      const runId = `${process.pid}-${++seq}`;
      const worker = new Worker(`${client.name} soak`, client.cmd(gcFlags), { role: 'soak', url: broker.url, clientId: `bsoak-${runId}`, topic: `soak/${runId}`, qos: 1, size: 16, count: total, window: 100, checkpoints });
      try {
        const done = await worker.next('done', 900_000);
        soak.push({ client: client.name, heap: done.heap, msgsPerSec: total / (done.ms / 1000) });
      } catch (err) { notes.push(`${client.name} soak: ${(err as Error).message}`); } finally { await worker.close(); }
    }
  } finally { await broker.stop(); }

  publish({
    title: `Memory of one idle connected client process (MiB; median of ${args.runs} run${args.runs > 1 ? "s" : ""}, min–max in brackets)`,
    columns: ['client', 'RSS connected', 'RSS without library', 'RSS added', 'RSS with a plain TCP socket', 'added over the socket', 'heap used'],
    rows: idle.map((row) => {
      const added = row.rss.map((rss, i) => rss - row.bare[i]);
      const overSocket = row.socket.map((socket, i) => row.rss[i] - socket);
      return [row.client, withSpread(row.rss, mib), withSpread(row.bare, mib), row.rss.length ? mib(median(added)) : 'failed',
        row.socket.length ? withSpread(row.socket, mib) : '–', row.socket.length ? mib(median(overSocket)) : '–', isPy(row.client) ? '–' : withSpread(row.heap, mib)];
    }),
    notes: [
      'connected: the bench worker with the library loaded, CONNACK received, 0.5 s idle, then gc() twice; without: the same harness, library not loaded, not connected',
      'plain TCP socket: the same harness with a node:net connection to the broker and no MQTT (Node loads its net module on first use: any TCP client pays that); added over the socket = what the library itself adds',
      'node workers are single esbuild bundles run with plain `node --expose-gc`; paho: /usr/bin/python3, baseline = same interpreter without importing paho',
      ...notes,
    ],
  });
  if (soak.length) {
    const soakRun = soak[0];
    const base = soakRun.heap[0];
    publish({
      title: `Heap while streaming QoS 1 messages (16 B) through mosquitto to its own subscription: ${soakRun.client}`,
      columns: ['messages', 'heap used MiB', 'vs first', 'RSS MiB'],
      rows: soakRun.heap.filter((_, i) => TABLE_POINTS.includes(i + 1)).map((sample) => [fmtNum(sample.at), fmtNum(sample.heapUsed / MIB, 2), `${sample.heapUsed >= base.heapUsed ? '+' : ''}${fmtNum((sample.heapUsed - base.heapUsed) / 1024, 0)} KiB`, mib(sample.rss)]),
      notes: [`${fmtNum(soakRun.msgsPerSec)} msgs/s round trip (publish + receive) with a window of 100; heap measured after gc() at ${SOAK_POINTS} points (chart), a few shown here`, ...notes.filter((note) => note.includes('soak'))],
    });
    addChart('memory.svg', 'Memory over a long run', lineChart({
      title: `Memory while ${fmtNum(soakRun.heap[soakRun.heap.length - 1].at)} QoS 1 messages stream through (MiB)`, xLabel: 'messages published and received', yLabel: 'MiB',
      series: [
        { name: 'heap used', points: soakRun.heap.map((sample): [number, number] => [sample.at, sample.heapUsed / MIB]) },
        { name: 'RSS', points: soakRun.heap.map((sample): [number, number] => [sample.at, sample.rss / MIB]), dashed: true },
      ],
      note: `${soakRun.client}, 16 B payloads through mosquitto to its own subscription, window 100; measured after gc()`,
    }));
  }
  return { idle, soak };
}

runIfMain(import.meta.url, run);
