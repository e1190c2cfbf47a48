// Measures glowmq pub -l and glowmq sub against mosquitto_pub/_sub and MQTT.js's `mqtt`
// CLI, in one run against one mosquitto: `npx tsx test/e2e/cli-measure.ts [lines] [messages]`.
//  - pub: `seq 1 N | tool` at QoS 1 (mqtt pub -s -M): wall time, CPU, peak RSS;
//  - sub: N QoS 1 messages queued for a persistent session, then each tool receives them:
//    CPU (user + system) and peak RSS when the N-th line is out (read from /proc, then killed).
// Not a test: figures for the README and reports, printed as a table.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startMosquitto } from '../support/mosquitto';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const CLI = resolve(ROOT, 'dist/node/glowmq.cjs');
const MQTTJS = resolve(ROOT, 'node_modules/mqtt/build/bin/mqtt.js');
const CLOCK_TICKS = 100;

interface Figures { wallMs: number; cpuMs: number; peakMiB: number }

function procFigures(pid: number): { cpuMs: number; peakMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat (11 and 12 after the command name).
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 1000 / CLOCK_TICKS;
  const hwm = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((line) => line.startsWith('VmHWM:')) ?? '0';
  return { cpuMs, peakMiB: Number(hwm.replace(/\D+/g, '')) / 1024 };
}

/** Runs cmd with `seq 1 lines` on stdin; samples /proc until it exits. */
function timedPub(cmd: string, args: string[], lines: number): Promise<Figures> {
  const started = performance.now();
  const seq = spawn('seq', ['1', String(lines)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const child = spawn(cmd, args, { stdio: [seq.stdout!, 'ignore', 'inherit'] });
  let last = { cpuMs: 0, peakMiB: 0 };
  const timer = setInterval(() => {
    try {
      const now = procFigures(child.pid!);
      // A zombie's status has no VmHWM: keep the highest figures seen.
      last = { cpuMs: Math.max(last.cpuMs, now.cpuMs), peakMiB: Math.max(last.peakMiB, now.peakMiB) };
    } catch { /* gone */ }
  }, 10);
  return new Promise((done, fail) => child.on('exit', (code) => {
    clearInterval(timer);
    if (code !== 0) fail(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
    // The last sample before exit: CPU slightly under (its last 10 ms), peak RSS as sampled.
    done({ wallMs: performance.now() - started, ...last });
  }));
}

/** Starts a subscriber, waits for `count` lines on its stdout, reads /proc, kills it. */
function timedSub(cmd: string, args: string[], count: number): Promise<Figures> {
  const started = performance.now();
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let lines = 0;
  return new Promise((done) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
      if (lines >= count && !child.killed) {
        const figures = procFigures(child.pid!);
        child.kill('SIGKILL');
        done({ wallMs: performance.now() - started, ...figures });
      }
    });
  });
}

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 100_000);
  const messages = Number(process.argv[3] ?? 50_000);
  const broker = await startMosquitto({ anonymous: true, extraConfig: `max_queued_messages ${messages * 2}\nmax_inflight_messages 100` });
  const where = ['-h', '127.0.0.1', '-p', String(broker.port)];
  const rows: string[] = [];
  const row = (what: string, figures: Figures) => rows.push(`| ${what} | ${(figures.wallMs / 1000).toFixed(2)} s | ${(figures.cpuMs / 1000).toFixed(2)} s | ${figures.peakMiB.toFixed(0)} MiB |`);
  try {
    row(`glowmq pub -l -q 1, ${lines} lines`, await timedPub(process.execPath, [CLI, 'pub', ...where, '-t', 'measure/pub', '-q', '1', '-l'], lines));
    row(`mosquitto_pub -l -q 1, ${lines} lines`, await timedPub('mosquitto_pub', [...where, '-t', 'measure/pub', '-q', '1', '-l'], lines));
    row(`mqtt pub -s -M -q 1 (MQTT.js), ${lines} lines`, await timedPub(process.execPath, [MQTTJS, 'pub', ...where, '-t', 'measure/pub', '-q', '1', '-s', '-M'], lines));
    const tools: [string, string, string[]][] = [
      ['glowmq sub', process.execPath, [CLI, 'sub', ...where, '-q', '1', '-c']],
      ['mosquitto_sub', 'mosquitto_sub', [...where, '-q', '1', '-c']],
      ['mqtt sub (MQTT.js)', process.execPath, [MQTTJS, 'sub', ...where, '-q', '1', '--no-clean']],
    ];
    for (const [name, cmd, args] of tools) {
      const id = `measure-${name.split(' ')[0]}`;
      const topic = `measure/sub/${name.split(' ')[0]}`;
      // A persistent session, then the backlog published for it, then the timed receive.
      const prime = spawn(cmd, [...args, '-i', id, '-t', topic], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 1500));
      prime.kill('SIGINT');
      await new Promise((r) => prime.once('exit', r));
      await timedPub('mosquitto_pub', [...where, '-t', topic, '-q', '1', '-l'], messages);
      row(`${name} -q 1, ${messages} queued messages`, await timedSub(cmd, [...args, '-i', id, '-t', topic], messages));
    }
  } finally {
    await broker.stop();
  }
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
  console.log('| run | wall | CPU (user+sys) | peak RSS |\n| --- | --- | --- | --- |\n' + rows.join('\n'));
}

main().catch((err) => { console.error(err); process.exit(1); });
