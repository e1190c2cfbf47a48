// A focused throughput comparison for one change: the same publisher + subscriber pair as the
// throughput section, for a few clients at one QoS and payload size, repeated and interleaved,
// each figure a median with its min–max and the load average before each repetition (on a
// shared machine, read the ratios, not the absolute figures). Clients: glowmq, MQTT.js, raw
// (the hand-written floor, workers/raw.ts) and base: glowmq as committed at another checkout
// (GLOWMQ_BASE=/path/to/checkout), to measure a change against what it replaces.
//   tsx test/bench/focus.ts [--runs 5] [--qos 1] [--size 16] [--count 50000] [--window 100] [--warmup 5000]
//     [--clients glowmq,glowmq+nagle,base,MQTT.js,raw]
// (--window equal to --count: every message published at once, the burst; +nagle: glowmq's TCP
// transport with Nagle on, +nocoalesce: without write coalescing)
import * as esbuild from 'esbuild';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { availableClients, rawClient, type ClientKind } from './lib/clients';
import { mosquitto } from './lib/brokers';
import { runPair, type PairResult } from './lib/pair';
import { CACHE } from './lib/paths';
import { fmtNum, median, withSpread } from './lib/stats';
import type { QoS } from './workers/adapter';


function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

/** glowmq's worker bundled from another checkout of the repository (its node_modules linked or installed). */
async function baseClient(dir: string): Promise<ClientKind> {
  const outfile = join(CACHE, 'glowmq-base-worker.cjs');
  await esbuild.build({ entryPoints: [join(dir, 'test/bench/workers/glowmq.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', absWorkingDir: dir });
  return { name: 'glowmq', cmd: (flags = []) => [process.execPath, ...flags, outfile], roles: ['pub', 'sub'], bareCmd: () => [] };
}

/** glowmq's transport settings named after a '+' (the glowmq bench worker reads them from its job). */
function settingsOf(name: string): { noDelay?: boolean; coalesce?: boolean } {
  const settings = name.split('+').slice(1);
  return { ...(settings.includes('nagle') ? { noDelay: false } : {}), ...(settings.includes('nocoalesce') ? { coalesce: false } : {}) };
}

async function clientsWanted(names: string[]): Promise<Map<string, ClientKind>> {
  const { clients } = await availableClients();
  const out = new Map<string, ClientKind>();
  for (const fullName of names) {
    const name = fullName.split('+')[0]!;
    if (name === 'raw') { const raw = await rawClient(); if (raw instanceof Error) throw raw; out.set(fullName, raw); continue; }
    if (name === 'base') {
      const dir = process.env.GLOWMQ_BASE;
      if (!dir) throw new Error('client "base" needs GLOWMQ_BASE=/path/to/another/checkout');
      out.set(fullName, await baseClient(dir));
      continue;
    }
    const found = clients.find((client) => client.name === name);
    if (!found) throw new Error(`no client ${name}: ${clients.map((client) => client.name).join(', ')}, raw, base`);
    out.set(fullName, found);
  }
  return out;
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '5')), qos = Number(option('qos', '1')) as QoS, size = Number(option('size', '16'));
  const count = Number(option('count', '50000')), window = Number(option('window', '100')), warmup = Number(option('warmup', '5000'));
  const names = option('clients', 'glowmq,MQTT.js,raw').split(',');
  const clients = await clientsWanted(names);
  const results = new Map<string, PairResult[]>(names.map((name) => [name, []]));
  const loads: number[] = [];
  const broker = await mosquitto();
  try {
    for (let repetition = 0; repetition < runs; repetition++) {
      loads.push(loadavg()[0]!);
      // Each repetition starts with a different client, so none always runs first.
      const order = names.map((_name, i) => names[(i + repetition) % names.length]!);
      for (const name of order) {
        results.get(name)!.push(await runPair(clients.get(name)!, broker.url, { qos, size, count, window, warmup, extra: settingsOf(name) }));
        process.stderr.write('.');
      }
    }
  } finally { await broker.stop(); }
  process.stderr.write('\n');
  const both = (result: PairResult) => result.pubCpu10k + result.subCpu10k;
  const figures: [string, (result: PairResult) => number][] = [
    ['pub+sub CPU µs/msg', (result) => both(result) / 10], ['pub CPU µs/msg', (result) => result.pubCpu10k / 10],
    ['sub CPU µs/msg', (result) => result.subCpu10k / 10], ['pub sys µs/msg', (result) => result.pubSys10k / 10],
    ['sub sys µs/msg', (result) => result.subSys10k / 10], ['e2e msg/s', (result) => result.e2eRate], ['lost', (result) => result.lost],
  ];
  console.log(`QoS ${qos}, ${size} B, ${fmtNum(count)} timed messages after ${fmtNum(warmup)} warm-up, window ${fmtNum(window)}, mosquitto; ${runs} interleaved runs, median (min–max)`);
  console.log(`load average (1 min) before each repetition: ${loads.map((load) => load.toFixed(2)).join(', ')}`);
  for (const [title, pick] of figures) {
    console.log(`${title.padEnd(20)} ${names.map((name) => `${name}: ${withSpread(results.get(name)!.map(pick), (value) => fmtNum(value, value < 100 ? 2 : 0))}`).join('  ')}`);
  }
  const cpuOf = (name: string) => median(results.get(name)!.map(both));
  for (const name of names) {
    const ratios = names.filter((other) => other !== name).map((other) => `÷ ${other} ${(cpuOf(name) / cpuOf(other)).toFixed(2)}×`);
    console.log(`${name} pub+sub CPU ${ratios.join(', ')}`);
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
