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

const MB = 1024 * 1024;
/** Heap and RSS samples over the soak run (the chart), and which of them the table shows. */
const SOAK_POINTS = 50;
const TABLE_POINTS = [1, 5, 10, 25, 50];
const mb = (x: number) => fmtNum(x / MB, 1);
let seq = 0;

export interface IdleRow { client: string; rss: number[]; bare: number[]; heap: number[] }
export interface SoakResult { client: string; heap: { at: number; heapUsed: number; rss: number }[]; msgsPerSec: number }

async function measure(label: string, cmd: string[], job: object): Promise<{ rss: number; heapUsed: number }> {
  const w = new Worker(label, cmd, job as { role: string });
  try { const d = await w.next('done', 30_000); return { rss: d.rss, heapUsed: d.heapUsed }; } finally { await w.close(); }
}

export async function run(a: BenchArgs): Promise<{ idle: IdleRow[]; soak: SoakResult[] }> {
  const { clients, missing } = await availableClients();
  const b = await mosquitto();
  const notes = missing.map((m) => `not measured: ${m}`);
  const idle: IdleRow[] = clients.map((c) => ({ client: c.name, rss: [], bare: [], heap: [] }));
  const soak: SoakResult[] = [];
  const gc = ['--expose-gc'];
  try {
    for (let r = 0; r < a.runs; r++) {
      sampleLoad();
      for (const row of idle) {
        const c = clients.find((x) => x.name === row.client)!;
        try {
          const base = await measure(`${c.name} bare`, c.bareCmd(gc), { role: 'bare' });
          const on = await measure(`${c.name} idle`, c.cmd(gc), { role: 'idle', url: b.url, clientId: `bidle-${process.pid}-${++seq}` });
          row.bare.push(base.rss); row.rss.push(on.rss); row.heap.push(on.heapUsed);
        } catch (e) { notes.push(`${c.name} idle: ${(e as Error).message}`); }
      }
    }
    const total = a.quick ? 10_000 : 1_000_000;
    const checkpoints = Array.from({ length: SOAK_POINTS }, (_, i) => (total / SOAK_POINTS) * (i + 1));
    for (const c of clients.filter((x) => x.name === 'glowmq')) {
      const id = `${process.pid}-${++seq}`;
      const w = new Worker(`${c.name} soak`, c.cmd(gc), { role: 'soak', url: b.url, clientId: `bsoak-${id}`, topic: `soak/${id}`, qos: 1, size: 16, count: total, window: 100, checkpoints });
      try {
        const d = await w.next('done', 900_000);
        soak.push({ client: c.name, heap: d.heap, msgsPerSec: total / (d.ms / 1000) });
      } catch (e) { notes.push(`${c.name} soak: ${(e as Error).message}`); } finally { await w.close(); }
    }
  } finally { await b.stop(); }

  const isPy = (n: string) => n === 'paho';
  publish({
    title: `Memory of one idle connected client process (MiB; median of ${a.runs} run${a.runs > 1 ? "s" : ""}, min–max in brackets)`,
    columns: ['client', 'RSS connected', 'RSS without library', 'RSS added', 'heap used'],
    rows: idle.map((r) => {
      const added = r.rss.map((x, i) => x - r.bare[i]);
      return [r.client, withSpread(r.rss, mb), withSpread(r.bare, mb), r.rss.length ? mb(median(added)) : 'failed', isPy(r.client) ? '–' : withSpread(r.heap, mb)];
    }),
    notes: [
      'connected: the bench worker with the library loaded, CONNACK received, 0.5 s idle, then gc() twice; without: the same harness, library not loaded, not connected',
      'node workers are single esbuild bundles run with plain `node --expose-gc`; paho: /usr/bin/python3, baseline = same interpreter without importing paho',
      ...notes,
    ],
  });
  if (soak.length) {
    const s = soak[0];
    const base = s.heap[0];
    publish({
      title: `Heap while streaming QoS 1 messages (16 B) through mosquitto to its own subscription: ${s.client}`,
      columns: ['messages', 'heap used MiB', 'vs first', 'RSS MiB'],
      rows: s.heap.filter((_, i) => TABLE_POINTS.includes(i + 1)).map((h) => [fmtNum(h.at), fmtNum(h.heapUsed / MB, 2), `${h.heapUsed >= base.heapUsed ? '+' : ''}${fmtNum((h.heapUsed - base.heapUsed) / 1024, 0)} KiB`, mb(h.rss)]),
      notes: [`${fmtNum(s.msgsPerSec)} msgs/s round trip (publish + receive) with a window of 100; heap measured after gc() at ${SOAK_POINTS} points (chart), a few shown here`, ...notes.filter((n) => n.includes('soak'))],
    });
    addChart('memory.svg', 'Memory over a long run', lineChart({
      title: `Memory while ${fmtNum(s.heap[s.heap.length - 1].at)} QoS 1 messages stream through (MiB)`, xLabel: 'messages published and received', yLabel: 'MiB',
      series: [
        { name: 'heap used', points: s.heap.map((h): [number, number] => [h.at, h.heapUsed / MB]) },
        { name: 'RSS', points: s.heap.map((h): [number, number] => [h.at, h.rss / MB]), dashed: true },
      ],
      note: `${s.client}, 16 B payloads through mosquitto to its own subscription, window 100; measured after gc()`,
    }));
  }
  return { idle, soak };
}

runIfMain(import.meta.url, run);
