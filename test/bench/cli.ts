// The command-line tools as a user runs them, each as its own process measured by wait4
// (user+sys CPU, peak RSS), next to MQTT.js's `mqtt` CLI and Debian's mosquitto clients:
//   - a subscriber receiving N QoS 1 messages (printing each);
//   - a publisher sending N QoS 1 lines from stdin (`pub -l`), every line checked delivered;
//   - a library publisher sending 20,000 QoS 1 messages at once, without waiting for acks.
//   tsx test/bench/cli.ts [--quick] [--runs N]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { availableClients } from './lib/clients';
import { runIfMain } from './lib/main';
import { runPair } from './lib/pair';
import { BENCH, ROOT } from './lib/paths';
import { publish, sampleLoad } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import { createNodeClient } from '../../src/node/connect';
import type { MqttClient } from '../../src/core/client-options';

const RUSAGE = join(BENCH, 'workers/rusage.py');
const GLOWMQ_CLI = join(ROOT, 'dist/node/glowmq.cjs');
const MQTTJS_CLI = join(ROOT, 'node_modules/mqtt/build/bin/mqtt.js');
const MIB = 1024 * 1024;
const WINDOW = 100;
const PROBE_EVERY_MS = 100;
const TOOL_TIMEOUT_MS = 300_000;
/** Messages the burst publisher sends (all at once, acknowledged) before the measured burst: the JIT warm. */
const BURST_WARMUP = 2_000;

export interface Usage { ms: number; cpu: number; sys: number; maxRss: number; code: number }
export interface Sample extends Usage { delivered: number }
export interface CliRow { what: string; tool: string; samples: Sample[] }
type Row = CliRow;

export type Tool = { name: string; sub: (flags: string[]) => string[]; pub: (flags: string[]) => string[] };

export function tools(): Tool[] {
  return [
    { name: 'glowmq', sub: (flags) => [process.execPath, GLOWMQ_CLI, 'sub', ...flags], pub: (flags) => [process.execPath, GLOWMQ_CLI, 'pub', '-l', ...flags] },
    { name: 'MQTT.js', sub: (flags) => [process.execPath, MQTTJS_CLI, 'sub', ...flags], pub: (flags) => [process.execPath, MQTTJS_CLI, 'pub', '-s', '-M', ...flags] },
    { name: 'mosquitto', sub: (flags) => ['mosquitto_sub', ...flags], pub: (flags) => ['mosquitto_pub', '-l', ...flags] },
  ];
}

/** Runs `cmd` under rusage.py; onLine sees each stdout line; stop() sends SIGTERM. */
function measured(cmd: string[], stdinFile: string | undefined, onLine: (line: string, stop: () => void) => void): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/python3', [RUSAGE, ...cmd], { stdio: [stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let last = '', errText = '';
    const stop = () => { if (proc.exitCode === null) proc.kill('SIGTERM'); };
    const timer = setTimeout(stop, TOOL_TIMEOUT_MS);
    proc.stderr!.on('data', (chunk) => { errText += chunk; });
    createInterface({ input: proc.stdout! }).on('line', (line) => { last = line; onLine(line, stop); });
    if (stdinFile) {
      const input = spawn('cat', [stdinFile], { stdio: ['ignore', 'pipe', 'ignore'] });
      input.stdout.pipe(proc.stdin!);
    }
    proc.on('exit', () => {
      clearTimeout(timer);
      try { resolve(JSON.parse(last) as Usage); } catch { reject(new Error(`${cmd.slice(0, 3).join(' ')}: no figures (${errText.trim().slice(-200)})`)); }
    });
  });
}

function connectedClient(url: string): Promise<MqttClient> {
  const client = createNodeClient(url, { reconnect: false, logLevel: 'silent' });
  return new Promise((resolve, reject) => {
    client.on('connect', () => resolve(client));
    client.on('error', reject);
  });
}

/** A subscriber tool receives `count` QoS 1 messages; the runner publishes them (window 100) once a probe shows it subscribed. */
export async function subscriberRun(tool: Tool, url: string, count: number, topic: string): Promise<Sample> {
  const broker = new URL(url);
  const flags = ['-h', broker.hostname, '-p', broker.port, '-u', 'admin', '-P', 'password', '-t', topic, '-q', '1'];
  const publisher = await connectedClient(url);
  let received = 0, started = false;
  const probe = setInterval(() => publisher.publish(topic, 'probe', { qos: 0 }), PROBE_EVERY_MS);
  const startPublishing = () => {
    let sent = 0, done = 0;
    const pump = () => { while (sent < count && sent - done < WINDOW) publisher.publish(topic, 'm' + sent++, { qos: 1 }, () => { done++; pump(); }); };
    pump();
  };
  try {
    const usage = await measured(tool.sub(flags), undefined, (line, stop) => {
      if (line === 'probe') {
        if (!started) { started = true; clearInterval(probe); startPublishing(); }
      } else if (line.startsWith('m') && ++received === count) stop();
    });
    return { ...usage, delivered: received };
  } finally {
    clearInterval(probe);
    await new Promise<void>((resolve) => publisher.end(true, () => resolve()));
  }
}

/** A publisher tool sends `count` lines at QoS 1 from stdin; a subscriber here counts what arrived. */
async function publisherRun(tool: Tool, url: string, count: number, topic: string, linesFile: string): Promise<Sample> {
  const broker = new URL(url);
  const subscriber = await connectedClient(url);
  let received = 0;
  subscriber.on('message', () => { received++; });
  await new Promise<void>((resolve, reject) => subscriber.subscribe(topic, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
  try {
    const usage = await measured(tool.pub(['-h', broker.hostname, '-p', broker.port, '-u', 'admin', '-P', 'password', '-t', topic, '-q', '1']), linesFile, () => {});
    // What the tool acknowledged is at the broker; give the last deliveries time to arrive.
    const settleBy = Date.now() + 5_000;
    while (received < count && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...usage, delivered: received };
  } finally {
    await new Promise<void>((resolve) => subscriber.end(true, () => resolve()));
  }
}

export async function run(args: BenchArgs): Promise<Row[]> {
  const subCount = args.quick ? 5_000 : 50_000, lineCount = args.quick ? 10_000 : 100_000, burst = args.quick ? 5_000 : 20_000;
  const broker = await mosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-bench-cli-'));
  const linesFile = join(dir, 'lines.txt');
  writeFileSync(linesFile, Array.from({ length: lineCount }, (_, i) => `line ${i}`).join('\n') + '\n');
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const tool of tools()) rows.push({ what: `sub, ${fmtNum(subCount)} QoS 1 messages`, tool: tool.name, samples: [] });
  for (const tool of tools()) rows.push({ what: `pub -l, ${fmtNum(lineCount)} QoS 1 lines`, tool: tool.name, samples: [] });
  const { clients } = await availableClients();
  const libraries = clients.filter((client) => client.name !== 'paho');
  for (const client of libraries) rows.push({ what: `library publisher, ${fmtNum(burst)} QoS 1 without waiting`, tool: client.name, samples: [] });
  let seq = 0;
  try {
    for (let repetition = 0; repetition < args.runs; repetition++) {
      sampleLoad();
      for (const row of rows) {
        const topic = `cli/${process.pid}/${++seq}`;
        const tool = tools().find((candidate) => candidate.name === row.tool);
        try {
          if (row.what.startsWith('sub')) row.samples.push(await subscriberRun(tool!, broker.url, subCount, topic));
          else if (row.what.startsWith('pub')) row.samples.push(await publisherRun(tool!, broker.url, lineCount, topic, linesFile));
          else {
            const client = libraries.find((candidate) => candidate.name === row.tool)!;
            const pair = await runPair(client, broker.url, { qos: 1, size: 16, count: burst, window: burst, warmup: BURST_WARMUP });
            row.samples.push({ ms: burst / pair.pubRate * 1000, cpu: pair.pubCpu10k * burst / 10_000, sys: pair.pubSys10k * burst / 10_000, maxRss: NaN, code: 0, delivered: burst - pair.lost });
          }
        } catch (err) { notes.push(`${row.what}, ${row.tool}: ${(err as Error).message}`); }
      }
    }
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // mosquitto_pub -l (2.0.11) ends at the end of its input with QoS 1 messages still queued in
  // its library: only the first ~34,470 of 100,000 lines arrive (mosquitto_sub counts the same).
  const mosquittoPub = rows.find((row) => row.what.startsWith('pub -l') && row.tool === 'mosquitto' && row.samples.length);
  if (mosquittoPub && Math.min(...mosquittoPub.samples.map((sample) => sample.delivered)) < lineCount) {
    notes.push(`mosquitto_pub -l delivered fewer than the ${lineCount.toLocaleString('en-US')} lines: it exits at the end of its input with QoS 1 messages still queued (its own behaviour: a mosquitto_sub subscriber gets the same count, the first lines in order)`);
  }
  const med = (row: Row | undefined, key: keyof Sample) => (row?.samples.length ? median(row.samples.map((sample) => sample[key])) : NaN);
  const spread = (row: Row, key: keyof Sample, scale = 1, digits = 0) => (row.samples.length && isFinite(med(row, key)) ? withSpread(row.samples.map((sample) => sample[key] / scale), (value) => fmtNum(value, digits)) : '–');
  publish({
    title: `Command-line tools and a burst publisher, measured by wait4 (median of ${args.runs} run${args.runs > 1 ? 's' : ''}, min–max in brackets)`,
    columns: ['case', 'tool', 'wall ms', 'CPU ms', 'system CPU ms', 'peak RSS MiB', 'delivered', 'CPU ×MQTT.js', 'RSS ×MQTT.js', 'wall ×MQTT.js'],
    rows: rows.map((row) => {
      const ref = rows.find((other) => other.what === row.what && other.tool === 'MQTT.js');
      const mine = row.tool === 'glowmq';
      return [row.what, row.tool, spread(row, 'ms'), spread(row, 'cpu'), spread(row, 'sys'), spread(row, 'maxRss', MIB, 1),
        row.samples.length ? `${Math.min(...row.samples.map((sample) => sample.delivered))}` : 'failed',
        mine ? ratio(med(row, 'cpu'), med(ref, 'cpu')) : '', mine ? ratio(med(row, 'maxRss'), med(ref, 'maxRss')) : '', mine ? ratio(med(row, 'ms'), med(ref, 'ms')) : ''];
    }),
    notes: [
      'sub: the tool prints every message; a glowmq client in the runner publishes (window 100) once the tool has printed a QoS 0 probe, and the tool is stopped with SIGTERM after the last message; wall = spawn → exit',
      'pub -l: stdin from a file of numbered lines (MQTT.js: `mqtt pub -s -M`); delivered = messages a QoS 1 subscriber got (lowest over runs)',
      `library publisher: the bench worker publishing every message at once (window = count) to a subscriber of the same library, after a warm-up burst of ${BURST_WARMUP.toLocaleString('en-US')} the same way (steady state, as every other figure here); CPU is the publisher\'s; wall = first publish → last PUBACK`,
      ...notes,
    ],
  });
  return rows;
}

runIfMain(import.meta.url, run);
