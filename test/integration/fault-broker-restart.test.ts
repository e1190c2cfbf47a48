// The broker is SIGKILLed and restarted (mosquitto, persistence on, same port and data
// directory) ten times while a glowmq client publishes numbered QoS 1 and QoS 2 messages and
// receives numbered QoS 1 / QoS 2 lightChange commands. A foreign observer (MQTT.js with a
// persistent session) must see every QoS 1 message at least once and every QoS 2 message
// exactly once, both in order; glowmq must receive the commands under the same rules; and
// after every restart glowmq must be serving again within its reconnect backoff maximum.
import { describe, it, expect, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import mqtt from 'mqtt';
import { createNodeClient } from '../../src/node/connect';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';
import { SeqTally, until, sleep } from '../support/seq-tally';
import { nextEvent, subscribeP, endP } from '../support/client-promises';
import { tapTransport } from '../support/tap-transport';
import { nodeTcpTransport } from '../../src/transport/node-tcp';

const RESTARTS = 10;
const RECONNECT_MAX = 400;
// Broker start + TCP + CONNECT/CONNACK on a loaded 2-core CI machine.
const HANDSHAKE_SLACK = 1000;
const dbg = (...a: unknown[]) => { if (process.env.FAULT_DEBUG) console.log('[dbg]', ...a); };

describeWithPeers('fault: broker SIGKILLed and restarted with persistence', [peers.mosquitto()], () => {
  let m: Mosquitto | undefined;
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) { try { await f(); } catch { /* best effort */ } }
    if (m) { await m.stop('SIGKILL'); rmSync(m.dir, { recursive: true, force: true }); }
  });

  it(`${RESTARTS} restarts: QoS 1 at least once, QoS 2 exactly once, in order, both directions`, async () => {
    // Save the database on every change, so a SIGKILL loses as little as mosquitto can.
    m = await startMosquitto({ persistence: true, extraConfig: 'autosave_on_changes true' });
    const base = `fault/restart/${process.pid}`;
    const T = { q1: `${base}/readings/q1`, q2: `${base}/readings/q2`, c1: `${base}/lightChange/q1`, c2: `${base}/lightChange/q2` };

    // The observer: also the sender of the commands.
    const seen = new SeqTally();
    const obs = mqtt.connect(`mqtt://127.0.0.1:${m.port}`, {
      username: 'admin', password: 'password', clientId: `obs-${process.pid}`, clean: false,
      reconnectPeriod: 50, connectTimeout: 2000, keepalive: 5,
    });
    cleanup.push(() => new Promise<void>((r) => obs.end(true, {}, () => r())));
    obs.on('error', () => { /* reconnects by itself */ });
    obs.on('message', (t, p) => seen.add(t, p));
    const obsConnects: number[] = [];
    obs.on('connect', () => obsConnects.push(Date.now()));
    await new Promise<void>((r) => obs.once('connect', () => r()));
    await obs.subscribeAsync(`${base}/readings/#`, { qos: 2 });

    // glowmq: persistent session too, so the broker keeps its QoS 2 state and its subscription.
    const got = new SeqTally();
    const tap = tapTransport(nodeTcpTransport({ host: '127.0.0.1', port: m.port }));
    const c = createNodeClient(m.url, {
      transport: tap.factory,
      clientId: `glow-${process.pid}`, clean: false, keepalive: 5, reconnectMin: 50, reconnectMax: RECONNECT_MAX,
      connectTimeout: 2000, queueMax: 10_000, queueBytes: 1 << 20, logLevel: 'silent',
    });
    cleanup.push(() => endP(c, true));
    const delays: number[] = [];
    c.on('reconnect', (_n, d) => delays.push(d));
    c.on('message', (t, p) => got.add(t, p));
    await nextEvent(c, 'connect');
    await subscribeP(c, `${base}/lightChange/#`, 2);
    await sleep(100); // let mosquitto save both subscriptions before the first kill

    // Producers: one message per topic every 15 ms, through every outage.
    let n = 0, k = 0, glowDone = 0, obsDone = 0;
    const errors: string[] = [];
    const tickGlow = setInterval(() => {
      const i = n++;
      c.publish(T.q1, String(i), { qos: 1 }, (e) => { if (e) errors.push(`q1 ${i}: ${e.message}`); glowDone++; });
      c.publish(T.q2, String(i), { qos: 2 }, (e) => { if (e) errors.push(`q2 ${i}: ${e.message}`); glowDone++; });
    }, 15);
    const tickObs = setInterval(() => {
      const i = k++;
      obs.publish(T.c1, String(i), { qos: 1 }, () => { obsDone++; });
      obs.publish(T.c2, String(i), { qos: 2 }, () => { obsDone++; });
    }, 15);
    cleanup.push(() => { clearInterval(tickGlow); clearInterval(tickObs); });

    const served: number[] = [];
    const kills: number[] = [];
    for (let r = 0; r < RESTARTS; r++) {
      await sleep(150 + (r % 3) * 40); // vary where in the stream the kill lands
      kills.push(Date.now());
      await m.stop('SIGKILL');
      m = await m.restart();
      const back = Date.now();
      if (!c.connected) await nextEvent(c, 'connect', RECONNECT_MAX + HANDSHAKE_SLACK + 5000);
      served.push(Date.now() - back);
      dbg('restart', r, 'served', served[r], 'n', n, 'done', glowDone, 'k', k, 'obsDone', obsDone);
    }
    await sleep(150);
    clearInterval(tickGlow); clearInterval(tickObs);
    const N = n, K = k;
    dbg('stopped producing', N, K);

    await until(() => glowDone === 2 * N, `glowmq's ${2 * N} publishes to complete (done ${glowDone})`, 20_000);
    await until(() => obsDone === 2 * K, `the observer's ${2 * K} publishes to complete`, 20_000);
    await until(() => seen.distinct(T.q1) === N && seen.distinct(T.q2) === N, 'the observer to see every reading', 20_000)
      .catch(() => { /* the verdicts below name what is missing */ });
    await until(() => got.distinct(T.c1) === K && got.distinct(T.c2) === K, 'glowmq to get every command', 20_000)
      .catch(() => { /* idem */ });
    await sleep(300); // late duplicates, if any, would land now

    if (process.env.FAULT_DEBUG) {
      const miss = seen.verdict(T.q1, 0, N).missing.slice(0, 8);
      for (const x of miss) dbg('missing', x, tap.log.filter((e) => (e.p.topic === T.q1 && String(e.p.payload) === String(x))).map((e) => JSON.stringify({ c: e.conn, d: e.dir, id: e.p.messageId, dup: e.p.dup, at: e.at })));
      for (const x of miss) { const ids = tap.log.filter((e) => e.p.topic === T.q1 && String(e.p.payload) === String(x)).map((e) => e.p.messageId); dbg('acks', x, tap.log.filter((e) => e.dir === 'in' && e.p.cmd === 'puback' && ids.includes(e.p.messageId)).map((e) => e.conn + '@' + e.at)); }
      dbg('conn opens', JSON.stringify([...new Set(tap.log.map((e) => e.conn))].map((cn) => cn + '@' + tap.log.find((e) => e.conn === cn)!.at)));
      dbg('kills', JSON.stringify(kills));
      dbg('obs connects', JSON.stringify(obsConnects));
    }
    const v = [seen.verdict(T.q1, 0, N), seen.verdict(T.q2, 0, N), got.verdict(T.c1, 0, K), got.verdict(T.c2, 0, K)];
    console.log(`[fault-restart] faults injected: ${RESTARTS} SIGKILL+restart; messages checked: ${2 * N} published by glowmq, ${2 * K} received by glowmq; ` +
      `QoS 1 duplicates: out ${v[0].duplicates.length}, in ${v[2].duplicates.length}; serving again after restart (ms): ${served.join(' ')}; ` +
      `largest backoff delay: ${Math.max(...delays)} ms`);
    expect(errors).toEqual([]);
    for (const x of v) {
      expect(x.missing, `${x.topic} missing`).toEqual([]);
      expect(x.outOfOrder, `${x.topic} out of order`).toEqual([]);
    }
    expect(v[1].duplicates, 'QoS 2 readings delivered twice').toEqual([]);
    expect(v[3].duplicates, 'QoS 2 commands delivered twice').toEqual([]);
    // Serving again within the backoff maximum: no scheduled delay above it, and each
    // restart answered within it (plus the handshake).
    expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT_MAX);
    for (const s of served) expect(s).toBeLessThanOrEqual(RECONNECT_MAX + HANDSHAKE_SLACK);
    expect(N).toBeGreaterThan(50);
  });
});
