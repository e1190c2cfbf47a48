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
    const proc = spawn('/usr/bin/python3', [RUSAGE, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '', err = '';
    proc.stdout!.on('data', (chunk) => { out += chunk; });
    proc.stderr!.on('data', (chunk) => { err += chunk; });
    proc.on('exit', () => {
      const lines = out.trim().split('\n');
      try {
        const result = JSON.parse(lines[lines.length - 1]);
        if (result.code === 0 && (!env.BENCH_JOB || out.includes('"connack"'))) return resolve(result);
      } catch { /* reported below */ }
      reject(new Error(`${cmd.slice(0, 3).join(' ')} … failed: ${err.trim().slice(-300)}`));
    });
  });
}

export interface StartupRow { what: string; client: string; ms: number[]; cpu: number[] }

export async function run(args: BenchArgs): Promise<StartupRow[]> {
  const repetitions = args.quick ? 3 : 10;
  const broker = await mosquitto();
  const { clients, missing } = await availableClients();
  const built = await buildWorkers();
  const notes = missing.map((text) => `not measured: ${text}`);
  const brokerUrl = new URL(broker.url);
  const rows: StartupRow[] = [];
  const cli = join(ROOT, 'dist/node/glowmq.cjs');
  const pubs: [string, string[] | null][] = [
    ['glowmq', existsSync(cli) ? [process.execPath, cli, 'pub', '-h', brokerUrl.hostname, '-p', brokerUrl.port, '-u', 'admin', '-P', 'password', '-t', 'bench/start', '-m', 'x'] : null],
    ['MQTT.js', typeof built['mqttjs-pub'] === 'string' ? [process.execPath, built['mqttjs-pub'], broker.url, 'bench/start', 'x'] : null],
    ['node -e 0', [process.execPath, '-e', '0']],
    ['mosquitto_pub', ['mosquitto_pub', '-h', brokerUrl.hostname, '-p', brokerUrl.port, '-u', 'admin', '-P', 'password', '-t', 'bench/start', '-m', 'x']],
  ];
  if (!pubs[0][1]) notes.push('glowmq pub: dist/node/glowmq.cjs missing (npm run build)');
  for (const client of clients) rows.push({ what: 'start → CONNACK', client: client.name, ms: [], cpu: [] });
  for (const [name, cmd] of pubs) if (cmd) rows.push({ what: name === 'node -e 0' ? 'empty node process (floor)' : 'pub 1 message: start → exit', client: name, ms: [], cpu: [] });
  const add = (row: StartupRow, result: { ms: number; cpu: number }) => { row.ms.push(result.ms); row.cpu.push(result.cpu); };
  try {
    for (let i = 0; i < repetitions; i++) {
      for (const client of clients) {
        const job = JSON.stringify({ role: 'connect', url: broker.url, clientId: `bstart-${process.pid}-${++seq}` });
        try { add(rows.find((row) => row.client === client.name && row.what.includes('CONNACK'))!, await timeExit(client.cmd(), { BENCH_JOB: job })); } catch (err) { notes.push((err as Error).message); }
      }
      for (const [name, cmd] of pubs) {
        if (!cmd) continue;
        try { add(rows.find((row) => row.client === name && !row.what.includes('CONNACK'))!, await timeExit(cmd)); } catch (err) { notes.push((err as Error).message); }
      }
    }
  } finally { await broker.stop(); }
  const fmt = (value: number) => fmtNum(value, 1);
  publish({
    title: `Start-up, wall time from spawn (ms; median of ${repetitions}, min–max in brackets)`,
    columns: ['measure', 'client', 'wall ms', 'CPU ms', 'wall ×MQTT.js', 'CPU ×MQTT.js'],
    rows: rows.map((row) => {
      const ref = rows.find((other) => other.what === row.what && other.client === 'MQTT.js');
      const mine = row.client.startsWith('glowmq') && ref;
      return [row.what, row.client, row.ms.length ? withSpread(row.ms, fmt) : 'failed', row.cpu.length ? withSpread(row.cpu, fmt) : 'failed',
        mine ? ratio(median(row.ms), median(ref.ms)) : '', mine ? ratio(median(row.cpu), median(ref.cpu)) : ''];
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
