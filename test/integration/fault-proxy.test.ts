// A link that stalls or drops bytes: the device reaches mosquitto through a TCP proxy that
// pauses, cuts connections in the middle of a packet (either direction) and blackholes.
// Numbered QoS 1 and QoS 2 traffic flows both ways throughout; no message accepted at
// QoS 1/2 may be lost, QoS 2 must arrive exactly once, and order must hold.
import { it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createNodeClient } from '../../src/node/connect';
import type { MqttClient } from '../../src/core/client-options';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';
import { sleep, until } from '../support/seq-tally';
import { nextEvent, endP } from '../support/client-promises';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startFlow, broken, MOSQUITTO_NO_INFLIGHT_LIMIT } from '../support/fault-flow';

interface Scenario {
  name: string;
  keepalive: number;
  /** Injects the faults; returns how many. */
  inject(px: TcpProxy, dev: MqttClient): Promise<number>;
}

const cutMid = (dir: 'up' | 'down', times: number): Scenario['inject'] => async (px, dev) => {
  for (let i = 0; i < times; i++) {
    await sleep(150);
    // 150 bytes into a stream of ~420-byte PUBLISH packets: always inside a packet.
    await px.cutAfter(dir, 150 + 37 * i);
    await nextEvent(dev, 'connect', 10_000);
  }
  return times;
};

const scenarios: Scenario[] = [
  {
    name: 'pause 800 ms (under the keepalive): the link survives',
    keepalive: 2,
    async inject(px) { await sleep(200); px.pause(); await sleep(800); px.resume(); return 1; },
  },
  {
    name: 'pause 2.5 s (over 1.5 × keepalive): declared dead, reconnects after resume',
    keepalive: 1,
    async inject(px, dev) {
      await sleep(200);
      const closed = nextEvent(dev, 'close', 5000);
      px.pause(); await closed; await sleep(1000); px.resume();
      await until(() => dev.connected, 'the reconnect', 10_000);
      return 1;
    },
  },
  { name: 'cut mid-packet, client → broker, 3 times', keepalive: 5, inject: cutMid('up', 3) },
  { name: 'cut mid-packet, broker → client, 3 times', keepalive: 5, inject: cutMid('down', 3) },
  {
    name: 'blackhole 2 s: declared dead, reconnect attempts vanish too, back after',
    keepalive: 1,
    async inject(px, dev) {
      await sleep(200);
      const closed = nextEvent(dev, 'close', 5000);
      px.blackhole(); await closed; await sleep(1200); px.normal();
      await until(() => dev.connected, 'the reconnect', 10_000);
      return 1;
    },
  },
];

describeWithPeers('fault: TCP proxy pauses, cuts mid-packet, blackholes', [peers.mosquitto()], () => {
  let m: Mosquitto;
  let px: TcpProxy | undefined;
  let clients: MqttClient[] = [];
  beforeAll(async () => { m = await startMosquitto({ extraConfig: MOSQUITTO_NO_INFLIGHT_LIMIT }); });
  afterAll(async () => { await m?.stop(); });
  afterEach(async () => {
    for (const c of clients) await endP(c, true);
    clients = [];
    await px?.close(); px = undefined;
  });

  scenarios.forEach((s, idx) => {
    it(s.name, async () => {
      px = await startTcpProxy(m.port);
      const opts = { clean: false, reconnectMin: 50, reconnectMax: 300, connectTimeout: 1000, queueMax: 10_000, queueBytes: 1 << 22, logLevel: 'silent' as const };
      const dev = createNodeClient(px.url(), { ...opts, clientId: `px-dev-${idx}-${process.pid}`, keepalive: s.keepalive });
      const obs = createNodeClient(m.url, { ...opts, clientId: `px-obs-${idx}-${process.pid}`, keepalive: 30 });
      clients.push(dev, obs);
      const errors: string[] = [];
      dev.on('error', (e) => errors.push(e.message));
      let drops = 0;
      dev.on('close', () => drops++);
      await Promise.all([nextEvent(dev, 'connect'), nextEvent(obs, 'connect')]);
      const flow = await startFlow(dev, obs, `fault/proxy/${process.pid}/${idx}`, 20, 400);
      const faults = await s.inject(px, dev);
      await sleep(200);
      const r = await flow.finish();
      console.log(`[fault-proxy] ${s.name}: faults injected ${faults}; messages checked ${r.sent} device→observer + ${r.received} observer→device; ` +
        `link drops seen by the device ${drops}; QoS 1 duplicates ${r.verdicts[0].duplicates.length}+${r.verdicts[2].duplicates.length}`);
      const bad = broken(r);
      if (bad.length) console.log('[fault-proxy] broken:', bad.join(' / ').slice(0, 2000));
      expect(bad).toEqual([]);
      expect(errors).toEqual([]);
      if (idx === 0) expect(drops).toBe(0);
      else expect(drops).toBeGreaterThanOrEqual(1);
      expect(r.sent).toBeGreaterThan(20);
    });
  });
});
