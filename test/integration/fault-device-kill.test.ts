// The device process is killed (SIGKILL) with the file store on (`glowmq device --store
// FILE`) while it has QoS 1/2 readings in flight and queued: its link to the broker is
// blackholed first, so nothing it sends is acked. After a restart with the same store, every
// reading the first run stored must reach a subscriber: none lost, in order, and at QoS 2
// exactly once. Readings of the first run are told apart by their timestamp (`seq` restarts
// from 0 in every run).
import { it, expect, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeClient } from '../../src/node/connect';
import type { MqttClient } from '../../src/core/client-options';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';
import { until, sleep } from '../support/seq-tally';
import { nextEvent, subscribeP, endP } from '../support/client-promises';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { MOSQUITTO_NO_INFLIGHT_LIMIT } from '../support/fault-flow';

const CLI = join(process.cwd(), 'dist/node/glowmq.cjs');

interface Reading { topic: string; seq: number; ts: number }

/** The seq numbers of stored (unacked or queued) sensor readings in a glowmq file store. */
function storedReadings(file: string): { topic: string; seq: number }[] {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const out: { topic: string; seq: number }[] = [];
  // Walk every record: publish packets carry topic and a base64 payload.
  const walk = (v: any) => {
    if (!v || typeof v !== 'object') return;
    if (typeof v.topic === 'string' && v.payload && typeof v.payload.$b64 === 'string' && v.topic.includes('/sensors/')) {
      out.push({ topic: v.topic, seq: JSON.parse(Buffer.from(v.payload.$b64, 'base64').toString()).seq });
      return;
    }
    for (const k of Object.keys(v)) walk(v[k]);
  };
  walk(raw);
  return out;
}

describeWithPeers('fault: device process SIGKILLed with the file store', [peers.mosquitto()], () => {
  let m: Mosquitto | undefined;
  let px: TcpProxy | undefined;
  let obs: MqttClient | undefined;
  let procs: ChildProcess[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    procs = [];
    if (obs) await endP(obs, true);
    await px?.close();
    await m?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    obs = undefined; px = undefined; m = undefined; dir = undefined;
  });

  for (const qos of [1, 2] as const) {
    it(`QoS ${qos}: in-flight and queued readings stored by the killed run are all sent after the restart`, async () => {
      expect(existsSync(CLI), `${CLI} (npm run build)`).toBe(true);
      m = await startMosquitto({ extraConfig: MOSQUITTO_NO_INFLIGHT_LIMIT });
      px = await startTcpProxy(m.port);
      dir = mkdtempSync(join(tmpdir(), 'glowmq-kill-'));
      const store = join(dir, 'store.json');
      const id = `kill${qos}-${process.pid}`;
      const readings: Reading[] = [];
      obs = createNodeClient(m.url, { clientId: `kill-obs-${id}`, keepalive: 30, logLevel: 'silent' });
      obs.on('message', (t, p) => { if (t.includes('/sensors/')) { const j = JSON.parse(Buffer.from(p).toString()); readings.push({ topic: t, seq: j.seq, ts: j.ts }); } });
      await nextEvent(obs, 'connect');
      await subscribeP(obs, `glowmq/${id}/sensors/#`, 2);

      const args = ['device', '--broker', px.url(), '--id', id, '--interval', '0.1', '--sensor-qos', String(qos),
        '--store', store, '--queue', '1000', '--keepalive', '30', '--log-level', 'warn'];
      const run = () => {
        const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        procs.push(p);
        let out = '';
        p.stdout!.on('data', (d) => { out += d; });
        p.stderr!.on('data', (d) => { out += d; });
        return { p, output: () => out };
      };

      const first = run();
      await until(() => readings.length >= 5, 'five readings from the first run', 15_000);
      px.blackhole(); // from now on nothing the device sends is acked
      await sleep(1200); // ~12 readings stored in flight / queued
      first.p.kill('SIGKILL');
      await new Promise((r) => first.p.once('exit', r));
      const killedAt = Date.now();
      const stored = storedReadings(store);
      px.cutAll(); px.normal();

      const second = run();
      await until(() => readings.some((r) => r.ts > killedAt), 'a reading from the second run', 15_000);
      await sleep(500);
      second.p.kill('SIGTERM');

      const firstRun = readings.filter((r) => r.ts <= killedAt);
      const topics = [...new Set(stored.map((s) => s.topic))];
      let checked = 0;
      for (const topic of topics) {
        const maxStored = Math.max(...stored.filter((s) => s.topic === topic).map((s) => s.seq));
        const seqs = firstRun.filter((r) => r.topic === topic).map((r) => r.seq);
        const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i);
        const missing: number[] = [];
        for (let s = 0; s <= maxStored; s++) if (!seqs.includes(s)) missing.push(s);
        checked += maxStored + 1;
        expect(missing, `${topic}: first-run readings lost`).toEqual([]);
        expect(firsts, `${topic}: order`).toEqual([...firsts].sort((a, b) => a - b));
        if (qos === 2) expect(seqs.length, `${topic}: QoS 2 duplicates`).toBe(firsts.length);
      }
      console.log(`[fault-device-kill] QoS ${qos}: faults injected 1 blackhole + 1 SIGKILL of the device; messages checked ${checked} ` +
        `(${stored.length} were in the store at the kill); first-run readings received ${firstRun.length}`);
      expect(stored.length).toBeGreaterThanOrEqual(5);
    });
  }
});
