// Start-up: wall time from spawning a process to (a) its CONNACK (bench worker "connect"
// role: one line printed at CONNACK, then exit) and (b) exit after publishing one message
// with the one-file CLI `node dist/node/glowmq.cjs pub` vs an equivalent MQTT.js script
// (and mosquitto_pub, for reference).
//   tsx test/bench/startup.ts [--quick] [--runs N]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { buildWorkers } from './lib/build';
import { availableClients } from './lib/clients';
import { runIfMain } from './lib/main';
import { BENCH, ROOT } from './lib/paths';
import { publish } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';

let seq = 0;

const RUSAGE = join(BENCH, 'workers/rusage.py');

/** Spawn → exit wall ms and the child's user+sys CPU ms; rejects on a non-zero exit. */
function timeExit(cmd: string[], env: { [k: string]: string } = {}): Promise<{ ms: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/python3', [RUSAGE, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '', err = '';
    p.stdout!.on('data', (d) => { out += d; });
    p.stderr!.on('data', (d) => { err += d; });
    p.on('exit', () => {
      const lines = out.trim().split('\n');
      try {
        const r = JSON.parse(lines[lines.length - 1]);
        if (r.code === 0 && (!env.BENCH_JOB || out.includes('"connack"'))) return resolve(r);
      } catch { /* reported below */ }
      reject(new Error(`${cmd.slice(0, 3).join(' ')} … failed: ${err.trim().slice(-300)}`));
    });
  });
}

export interface StartupRow { what: string; client: string; ms: number[]; cpu: number[] }

export async function run(a: BenchArgs): Promise<StartupRow[]> {
  const n = a.quick ? 3 : 10;
  const b = await mosquitto();
  const { clients, missing } = await availableClients();
  const built = await buildWorkers();
  const notes = missing.map((m) => `not measured: ${m}`);
  const u = new URL(b.url);
  const rows: StartupRow[] = [];
  const cli = join(ROOT, 'dist/node/glowmq.cjs');
  const pubs: [string, string[] | null][] = [
    ['glowmq', existsSync(cli) ? [process.execPath, cli, 'pub', '-h', u.hostname, '-p', u.port, '-u', 'admin', '-P', 'password', '-t', 'bench/start', '-m', 'x'] : null],
    ['MQTT.js', typeof built['mqttjs-pub'] === 'string' ? [process.execPath, built['mqttjs-pub'], b.url, 'bench/start', 'x'] : null],
    ['node -e 0', [process.execPath, '-e', '0']],
    ['mosquitto_pub', ['mosquitto_pub', '-h', u.hostname, '-p', u.port, '-u', 'admin', '-P', 'password', '-t', 'bench/start', '-m', 'x']],
  ];
  if (!pubs[0][1]) notes.push('glowmq pub: dist/node/glowmq.cjs missing (npm run build)');
  for (const c of clients) rows.push({ what: 'start → CONNACK', client: c.name, ms: [], cpu: [] });
  for (const [name, cmd] of pubs) if (cmd) rows.push({ what: name === 'node -e 0' ? 'empty node process (floor)' : 'pub 1 message: start → exit', client: name, ms: [], cpu: [] });
  const add = (row: StartupRow, r: { ms: number; cpu: number }) => { row.ms.push(r.ms); row.cpu.push(r.cpu); };
  try {
    for (let i = 0; i < n; i++) {
      for (const c of clients) {
        const job = JSON.stringify({ role: 'connect', url: b.url, clientId: `bstart-${process.pid}-${++seq}` });
        try { add(rows.find((r) => r.client === c.name && r.what.includes('CONNACK'))!, await timeExit(c.cmd(), { BENCH_JOB: job })); } catch (e) { notes.push((e as Error).message); }
      }
      for (const [name, cmd] of pubs) {
        if (!cmd) continue;
        try { add(rows.find((r) => r.client === name && !r.what.includes('CONNACK'))!, await timeExit(cmd)); } catch (e) { notes.push((e as Error).message); }
      }
    }
  } finally { await b.stop(); }
  const fmt = (x: number) => fmtNum(x, 1);
  publish({
    title: `Start-up, wall time from spawn (ms; median of ${n}, min–max in brackets)`,
    columns: ['measure', 'client', 'wall ms', 'CPU ms', 'wall ×MQTT.js', 'CPU ×MQTT.js'],
    rows: rows.map((r) => {
      const ref = rows.find((x) => x.what === r.what && x.client === 'MQTT.js');
      const mine = r.client.startsWith('glowmq') && ref;
      return [r.what, r.client, r.ms.length ? withSpread(r.ms, fmt) : 'failed', r.cpu.length ? withSpread(r.cpu, fmt) : 'failed',
        mine ? ratio(median(r.ms), median(ref.ms)) : '', mine ? ratio(median(r.cpu), median(ref.cpu)) : ''];
    }),
    notes: [
      'start → CONNACK: the bench worker (one esbuild bundle, plain node) exits at CONNACK; wall = fork → exit, CPU = the child\'s user+sys (os.wait4)',
      'pub: `node dist/node/glowmq.cjs pub -h … -t bench/start -m x` vs test/bench/workers/mqttjs-pub.ts (bundled, MQTT.js from node_modules) vs mosquitto_pub (C)',
      ...notes,
    ],
  });
  return rows;
}

runIfMain(import.meta.url, run);
