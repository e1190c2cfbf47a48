// The core's real-broker proof, written once and run against each broker harness
// (test/integration/core-aedes.test.ts, core-mosquitto.test.ts): round trips at every QoS,
// retained messages, the will, a refused password without a hot loop, persistent sessions,
// keepalive, reconnect after a broker restart, and mosquitto_pub/mosquitto_sub as foreign peers.
import { it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { createNodeClient, brokerTransport, type NodeClientOptions } from '../../src/node/connect';
import { nodePlatform } from '../../src/node/platform';
import { LiteClient } from '../../src/core/lite/client';
import { connected, publishAsync, subscribeAsync, endAsync } from '../../src/node/promise';
import { NodeTcpTransport } from '../../src/transport/node-tcp';
import type { Client } from '../../src/core/client';
import type { Codec, PublishPacket } from '../../src/core/types';
import type { BrokerHarness } from './broker-harness';
import { describeWithPeers, peers } from './peers';
import { until, nextEvent, sleep, text } from './wait';

interface Got { topic: string; text: string; packet: PublishPacket }

/** `codec`: the client's codec (mqtt-packet on Node, or the board's own codec proven on real brokers).
 *  `lite`: the lite profile's client (src/core/lite/client.ts) instead, without its QoS 2 cases. */
export function brokerCases(start: () => Promise<BrokerHarness>, codec: Codec, lite = false): void {
  let h: BrokerHarness;
  let clients: Client[] = [];
  let n = 0;
  const uid = () => `${process.pid}_${Date.now().toString(36)}_${n++}`;
  beforeAll(async () => { h = await start(); });
  afterAll(async () => { await h?.stop(); });
  afterEach(async () => {
    for (const c of clients) c.end(true);
    clients = [];
  });

  function mk(opts: NodeClientOptions = {}): Client {
    const all: NodeClientOptions = { reconnectMin: 100, reconnectMax: 1000, username: 'admin', password: 'password', ...opts };
    let c: Client;
    if (lite) {
      // As a board builds it: the options as given, a transport per attempt, the board codec.
      const { transport, autoConnect, ...options } = all;
      c = new LiteClient(options, { platform: nodePlatform({ level: 'silent' }), transport: transport ?? brokerTransport(h.url), codec }) as unknown as Client;
      if (autoConnect !== false) c.connect();
    } else c = createNodeClient(h.url, { logLevel: 'silent', codec, ...all });
    clients.push(c);
    return c;
  }
  function collect(c: Client): Got[] {
    const got: Got[] = [];
    c.on('message', (topic, payload, packet) => got.push({ topic, text: text(payload), packet }));
    return got;
  }

  for (const qos of lite ? [0, 1] as const : [0, 1, 2] as const) {
    it(`QoS ${qos}: 20 messages round-trip in order to the publisher's own subscription and to a second client`, async () => {
      const a = mk(), b = mk();
      const ga = collect(a), gb = collect(b);
      await Promise.all([connected(a), connected(b)]);
      const topic = `glowmq/test/${uid()}/q${qos}`;
      expect(await subscribeAsync(a, topic, { qos })).toEqual([{ topic, qos }]);
      expect(await subscribeAsync(b, topic, { qos })).toEqual([{ topic, qos }]);
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) sent.push(`m${i} qos${qos} ✓`);
      await Promise.all(sent.map((m) => publishAsync(a, topic, m, { qos })));
      await until(() => ga.length >= 20 && gb.length >= 20, '20 messages at both clients');
      if (qos === 2) await sleep(100); // a duplicate would arrive now: QoS 2 is exactly once
      for (const got of [ga, gb]) {
        expect(got.map((g) => g.text)).toEqual(sent);
        for (const g of got) { expect(g.topic).toBe(topic); expect(g.packet.qos).toBe(qos); expect(g.packet.retain).toBe(false); }
      }
    });
  }

  it('a retained message reaches a client that subscribes later, flagged retain; an empty retained message clears it', async () => {
    const topic = `glowmq/test/${uid()}/retained`;
    const a = mk();
    await connected(a);
    await publishAsync(a, topic, 'kept', { qos: 1, retain: true });
    const b = mk();
    const gb = collect(b);
    await connected(b);
    await subscribeAsync(b, topic, { qos: 1 });
    await until(() => gb.length === 1, 'the retained message');
    expect(gb[0].text).toBe('kept');
    expect(gb[0].packet.retain).toBe(true);
    await publishAsync(a, topic, '', { qos: 1, retain: true });
    const c = mk();
    const gc = collect(c);
    await connected(c);
    await subscribeAsync(c, topic, { qos: 1 });
    await publishAsync(a, topic, 'live', { qos: 1 });
    await until(() => gc.length === 1, 'the live message');
    expect(gc.map((g) => g.text)).toEqual(['live']);
  });

  it('the will is delivered when the client\'s socket is cut without DISCONNECT, and not after a clean end()', async () => {
    const topic = `glowmq/test/${uid()}/status`;
    const made: NodeTcpTransport[] = [];
    const factory = () => { const t = new NodeTcpTransport({ host: '127.0.0.1', port: h.port }); made.push(t); return t; };
    const will = { topic, payload: 'offline', qos: 1 as const, retain: false };
    const cut = mk({ will, transport: factory, reconnect: false });
    const polite = mk({ will: { ...will, payload: 'polite-offline' } });
    const watcher = mk();
    const got = collect(watcher);
    await Promise.all([connected(cut), connected(polite), connected(watcher)]);
    await subscribeAsync(watcher, topic, { qos: 1 });
    await endAsync(polite);
    made[made.length - 1].socket!.destroy();
    await until(() => got.length >= 1, 'the will');
    await sleep(100);
    expect(got.map((g) => g.text)).toEqual(['offline']);
  });

  // aedes (as configured in aedes.ts) answers a wrong password with CONNACK 4; Debian's
  // mosquitto 2.0.11 answers it with 5 (not authorised) for MQTT 3.1.1 clients.
  const refusedAs = () => (h.name === 'mosquitto' ? 'connection refused: not authorised' : 'connection refused: bad user name or password');
  it('a wrong password: the refused CONNACK becomes an error naming the cause, retried with backoff (no hot loop)', async () => {
    const c = mk({ password: 'wrong', reconnectMin: 400, reconnectMax: 800 });
    const errors: string[] = [];
    c.on('error', (e) => errors.push(e.message));
    const before = h.attempts();
    await expect(connected(c)).rejects.toThrow(refusedAs());
    await sleep(2000);
    const attempts = h.attempts() - before;
    c.end(true);
    // 2 s at 400-800 ms apart is at most ~5 attempts; a hot loop makes hundreds.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(6);
    // Every answered attempt became one error (the last CONNACK may still be on its way).
    expect(errors.length).toBeLessThanOrEqual(attempts);
    expect(errors.length).toBeGreaterThanOrEqual(attempts - 1);
    expect(new Set(errors)).toEqual(new Set([refusedAs()]));
    expect(c.connected).toBe(false);
  });

  it('a persistent session (clean=false, fixed clientId) receives the QoS 1 messages published while it was away', async () => {
    const id = `glowmq_p${uid()}`.slice(0, 23);
    const topic = `glowmq/test/${uid()}/persist`;
    const first = mk({ clientId: id, clean: false });
    await connected(first);
    await subscribeAsync(first, topic, { qos: 1 });
    await endAsync(first);
    const pub = mk();
    await connected(pub);
    for (const m of ['away-1', 'away-2', 'away-3']) await publishAsync(pub, topic, m, { qos: 1 });
    const back = mk({ clientId: id, clean: false, autoConnect: false });
    const got = collect(back);
    const ack = nextEvent(back, 'connect');
    back.connect();
    expect((await ack)[0]).toMatchObject({ cmd: 'connack', sessionPresent: true, returnCode: 0 });
    await until(() => got.length >= 3, 'the 3 queued messages');
    expect(got.map((g) => g.text)).toEqual(['away-1', 'away-2', 'away-3']);
    expect(got.every((g) => g.packet.qos === 1)).toBe(true);
    // Clean up the broker's session.
    await endAsync(back);
    const wipe = mk({ clientId: id, clean: true });
    await connected(wipe);
  });

  it('keepalive: an idle client sends PINGREQ, and the broker sees it', async () => {
    const id = `glowmq_k${uid()}`.slice(0, 23);
    const c = mk({ clientId: id, keepalive: 1 });
    await connected(c);
    await until(() => h.pings(id) >= 1, 'a PINGREQ at the broker');
    expect(c.connected).toBe(true);
  });

  it('reconnects after the broker restarts, restores its subscription, and QoS 1 flows again', async () => {
    const topic = `glowmq/test/${uid()}/restart`;
    const c = mk({ reconnectMin: 100, reconnectMax: 300 });
    const got = collect(c);
    await connected(c);
    await subscribeAsync(c, topic, { qos: 1 });
    const closed = nextEvent(c, 'close');
    const reconnected = new Promise<void>((r) => closed.then(() => c.on('connect', () => r())));
    await h.restart();
    await closed;
    await reconnected;
    await publishAsync(c, topic, 'after restart', { qos: 1 });
    await until(() => got.length >= 1, 'the message after the restart');
    expect(got.map((g) => g.text)).toEqual(['after restart']);
  });

  describeWithPeers('mosquitto_pub / mosquitto_sub as foreign peers', [peers.mosquittoClients()], () => {
    const phrase = '现在天黑了';
    // stdbuf: mosquitto_sub's -d lines must reach us as they are printed, not at exit.
    const cli = (bin: string, args: string[]) => {
      const p = spawn('stdbuf', ['-oL', bin, '-h', '127.0.0.1', '-p', String(h.port), '-u', 'admin', '-P', 'password', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { err += d; });
      const done = new Promise<number>((r) => p.on('close', (code) => r(code ?? -1)));
      return { p, done, out: () => out, err: () => err };
    };

    it('mosquitto_pub → glowmq: a UTF-8 payload arrives intact at QoS 1', async () => {
      const topic = `lightChange/${uid()}`;
      const c = mk();
      const got = collect(c);
      await connected(c);
      await subscribeAsync(c, topic, { qos: 1 });
      const pub = cli('mosquitto_pub', ['-t', topic, '-q', '1', '-m', phrase]);
      expect(await pub.done).toBe(0);
      await until(() => got.length === 1, 'the foreign message');
      expect(got[0].text).toBe(phrase);
      expect(got[0].packet.qos).toBe(1);
    });

    it.runIf(!lite)('glowmq → mosquitto_sub: a UTF-8 payload arrives intact at QoS 2', async () => {
      const topic = `lightChange/${uid()}`;
      const sub = cli('mosquitto_sub', ['-t', topic, '-q', '2', '-C', '1', '-d']);
      try {
        await until(() => /received SUBACK/i.test(sub.out()), 'mosquitto_sub to subscribe');
        const c = mk();
        await connected(c);
        await publishAsync(c, topic, phrase, { qos: 2 });
        expect(await sub.done).toBe(0);
        const lines = sub.out().split('\n').filter((l) => l.trim() !== '' && !/^Client |^Subscribed/.test(l));
        expect(lines).toEqual([phrase]);
      } finally { sub.p.kill(); }
    });
  });
}
