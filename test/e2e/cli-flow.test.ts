// glowmq pub/sub under pressure, as processes against mosquitto: nothing beyond -C is
// acknowledged (a second run gets the rest), a closed stdout ends sub quietly with exit 0, a
// stdout nobody reads stops sub reading the broker instead of growing its memory, and pub -l
// streams its input: every line delivered in order, memory flat, and a stalled broker neither
// grows memory nor earns a "delivered".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { startScriptedBroker, type ScriptedBroker } from '../support/hostile-broker';
import { until } from '../support/wait';
import { CLI, glowmq, run, start } from './cli-process';

/** The peak resident set (VmHWM, KiB) of a running process, or 0 once it is gone. */
function peakKiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) : 0;
  } catch { return 0; }
}

/** Samples a process's peak RSS until it exits; resolves to the last (highest) figure, in MiB. */
function watchPeak(pid: number, exited: Promise<unknown>): Promise<number> {
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, peakKiB(pid)); }, 20);
  return exited.then(() => { clearInterval(timer); return peak / 1024; });
}

describeWithPeers('glowmq pub/sub flow control', [peers.mosquitto(), peers.mosquittoClients()], () => {
  let broker: Mosquitto;
  let auth: string[];
  beforeAll(async () => {
    broker = await startMosquitto({ extraConfig: 'max_queued_messages 100000' });
    auth = ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', '-P', 'password'];
  }, 90_000);
  afterAll(async () => { await broker?.stop(); });

  const mosquittoPub = (args: string[], stdin?: string) => start('mosquitto_pub', [...auth, ...args], { stdin }).exited;

  it('sub -c -q 1 -C N acknowledges only what it printed: the next run gets the rest', async () => {
    expect((await run(['sub', ...auth, '-c', '-i', 'flow-count', '-q', '1', '-t', 'flow/count', '-E'])).code).toBe(0);
    expect(await mosquittoPub(['-t', 'flow/count', '-q', '1', '-l'], 'm1\nm2\nm3\nm4\nm5\nm6\nm7\nm8\nm9\nm10\n')).toBe(0);
    const first = await run(['sub', ...auth, '-c', '-i', 'flow-count', '-q', '1', '-t', 'flow/count', '-C', '1']);
    expect(first).toEqual({ code: 0, stdout: 'm1\n', stderr: '' });
    const second = await run(['sub', ...auth, '-c', '-i', 'flow-count', '-q', '1', '-t', 'flow/count', '-C', '3']);
    expect(second).toEqual({ code: 0, stdout: 'm2\nm3\nm4\n', stderr: '' });
    const rest = await run(['sub', ...auth, '-c', '-i', 'flow-count', '-q', '1', '-t', 'flow/count', '-C', '6']);
    expect(rest).toEqual({ code: 0, stdout: 'm5\nm6\nm7\nm8\nm9\nm10\n', stderr: '' });
  }, 120_000);

  it('sub | head -1: the closed pipe ends sub quietly with exit 0', async () => {
    const pipeline = start('bash', ['-c', `"${process.execPath}" "${CLI}" sub ${auth.join(' ')} -i flow-head -q 1 -t flow/head | head -1; echo "glowmq exit \${PIPESTATUS[0]}"`]);
    await until(() => broker.output.join('').includes('as flow-head '), 'sub connected');
    // Once head has its line and is gone, later messages meet a closed pipe.
    for (let i = 1; !pipeline.stdout().includes('glowmq exit') && i < 200; i++) {
      expect(await mosquittoPub(['-t', 'flow/head', '-q', '1', '-m', `line ${i}`])).toBe(0);
    }
    expect(await pipeline.exited).toBe(0);
    expect(pipeline.stdout()).toBe('line 1\nglowmq exit 0\n');
    expect(pipeline.stderr()).toBe('');
  }, 120_000);

  it('a stdout nobody reads: sub stops reading the broker (memory stays flat), then catches up', async () => {
    const sub = glowmq(['sub', ...auth, '-i', 'flow-slow', '-q', '0', '-t', 'flow/slow']);
    sub.proc.stdout!.pause();
    sub.proc.stdout!.removeAllListeners('data');
    await until(() => broker.output.join('').includes('as flow-slow '), 'sub connected');
    const before = peakKiB(sub.proc.pid!) / 1024;
    // 60 MiB of QoS 0 messages while stdout is stuck.
    const line = 'x'.repeat(1023) + '\n';
    const feed = spawn('mosquitto_pub', [...auth, '-t', 'flow/slow', '-q', '0', '-l'], { stdio: ['pipe', 'ignore', 'ignore'] });
    for (let i = 0; i < 60 * 1024; i++) if (!feed.stdin.write(line)) await new Promise((r) => feed.stdin.once('drain', r));
    feed.stdin.end();
    await new Promise((r) => feed.once('close', r));
    const peak = peakKiB(sub.proc.pid!) / 1024;
    expect(peak - before).toBeLessThan(40);
    // Reading again, it carries on: a later message arrives.
    let seen = '';
    sub.proc.stdout!.on('data', (d: Buffer) => { seen = (seen + d.toString('latin1')).slice(-64); });
    sub.proc.stdout!.resume();
    await until(() => seen.includes('x\n'), 'output resumed');
    for (let i = 0; !seen.includes('the end') && i < 100; i++) await mosquittoPub(['-t', 'flow/slow', '-m', 'the end']);
    expect(seen).toContain('the end\n');
    expect(await sub.kill('SIGINT')).toBe(0);
  }, 180_000);

  it('pub -l streams 70,000 QoS 1 lines (packet ids wrap past 65,535): all delivered in order, peak RSS flat', async () => {
    const count = 70_000;
    expect((await run(['sub', ...auth, '-c', '-i', 'flow-lines', '-q', '1', '-t', 'flow/lines', '-E'])).code).toBe(0);
    const seq = spawn('seq', ['1', String(count)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pub = spawn(process.execPath, [CLI, 'pub', ...auth, '-t', 'flow/lines', '-q', '1', '-l'], { stdio: [seq.stdout, 'ignore', 'pipe'] });
    let stderr = '';
    pub.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<number>((r) => pub.on('close', (code) => r(code ?? -1)));
    const peak = await watchPeak(pub.pid!, exited);
    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
    const got = await run(['sub', ...auth, '-c', '-i', 'flow-lines', '-q', '1', '-t', 'flow/lines', '-C', String(count)]);
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(Array.from({ length: count }, (_, i) => `${i + 1}\n`).join(''));
    expect(peak).toBeLessThan(120);
  }, 180_000);
});

describeWithPeers('glowmq pub -l against a broker that stops reading', [peers.mosquitto()], () => {
  let stalled: ScriptedBroker;
  beforeAll(async () => {
    stalled = await startScriptedBroker((conn, packet) => {
      if (packet.cmd !== 'connect') return;
      conn.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
      conn.sock.pause(); // never reads again: our socket buffer fills, then the kernel's
    });
  });
  afterAll(async () => { await stalled?.close(); });

  it('QoS 0: input is not read ahead, memory stays flat, no "delivered"; the dead link ends it with one line', async () => {
    const seq = spawn('seq', ['1', '3000000'], { stdio: ['ignore', 'pipe', 'ignore'] });
    // stderr to a file: -d writes a line per message, and a pipe this test is slow to read would
    // make the child's memory measure our reading, not its own.
    const errFile = join(mkdtempSync(join(tmpdir(), 'glowmq-flow-')), 'stderr');
    const errFd = openSync(errFile, 'w');
    const pub = spawn(process.execPath, [CLI, 'pub', '-p', String(stalled.port), '-t', 'flood', '-q', '0', '-l', '-k', '2', '-d'], { stdio: [seq.stdout, 'ignore', errFd] });
    closeSync(errFd);
    const exited = new Promise<number>((r) => pub.on('exit', (code) => r(code ?? -1)));
    const peak = await watchPeak(pub.pid!, exited);
    seq.kill();
    const code = await exited;
    const stderr = readFileSync(errFile, 'utf8');
    const tail = stderr.trim().split('\n').slice(-3).join('\n');
    expect({ code, tail }).toMatchObject({ code: 1 });
    expect(stderr).not.toMatch(/delivered|\n\s+at /);
    expect(tail.split('\n').pop()).toMatch(/^glowmq pub: .*(no answer from the broker|lost|failed)/);
    expect(peak).toBeLessThan(150);
  }, 180_000);
});
