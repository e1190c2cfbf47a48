// createNodeClient, the Promise wrappers and nodePlatform against aedes and closed ports.
import { describe, it, expect, afterEach, beforeAll, afterAll } from 'vitest';
import { createNodeClient, type NodeClientOptions } from '../../src/node/connect';
import { connected, publishAsync, subscribeAsync, unsubscribeAsync, endAsync } from '../../src/node/promise';
import { nodePlatform } from '../../src/node/platform';
import type { Client } from '../../src/core/client';
import { startAedes, type AedesBroker } from '../support/aedes';
import { freePort } from '../support/mosquitto';
import { NodeTcpTransport } from '../../src/transport/node-tcp';
import { nextEvent, until, sleep, text } from '../support/wait';

let a: AedesBroker;
let clients: Client[] = [];
beforeAll(async () => { a = await startAedes(); });
afterAll(async () => { await a?.close(); });
afterEach(() => { for (const c of clients) c.end(true); clients = []; });
const mk = (url: string, o: NodeClientOptions = {}) => { const c = createNodeClient(url, { logLevel: 'silent', ...o }); clients.push(c); return c; };

describe('createNodeClient', () => {
  it('connects at once: state is "connecting" on return and handlers attached afterwards see the CONNACK', async () => {
    const c = mk(a.url);
    expect(c.state).toBe('connecting');
    const [ack] = await nextEvent(c, 'connect');
    expect(ack).toMatchObject({ cmd: 'connack', sessionPresent: false, returnCode: 0 });
    expect(c.connected).toBe(true);
  });

  it('autoConnect false waits for connect()', async () => {
    const c = mk(a.url, { autoConnect: false });
    await sleep(50);
    expect(c.state).toBe('closed');
    expect(a.connects.filter((x) => x.clientId === c.clientId)).toEqual([]);
    c.connect();
    await connected(c);
    expect(a.connects.filter((x) => x.clientId === c.clientId)).toHaveLength(1);
  });

  it('takes user and password from the URL; options win over the URL', async () => {
    const c = mk(`mqtt://admin:password@127.0.0.1:${a.port}`, { clientId: 'from-url' });
    await connected(c);
    expect(a.connects.find((x) => x.clientId === 'from-url')?.username).toBe('admin');
    const d = mk(`mqtt://nobody:wrong@127.0.0.1:${a.port}`, { username: 'admin', password: 'password' });
    await connected(d);
    const e = mk(`mqtt://admin:password@127.0.0.1:${a.port}`, { password: 'wrong', reconnect: false });
    await expect(connected(e)).rejects.toThrow('connection refused: bad user name or password');
  });

  it('a bad URL throws at once, naming the problem and not the password', () => {
    expect(() => createNodeClient('mqtt://admin:s3cret@127.0.0.1:99999')).toThrow('invalid broker URL "mqtt://admin:***@127.0.0.1:99999": port 99999 is out of range (1-65535)');
  });

  it('nothing listening: "close" says "cannot connect to 127.0.0.1:PORT: connection refused" and it retries with backoff', async () => {
    const port = await freePort();
    const c = mk(`mqtt://127.0.0.1:${port}`, { reconnectMin: 200, reconnectMax: 400 });
    const [reason] = await nextEvent(c, 'close');
    expect(reason?.message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused`);
    const [attempt, delay] = await nextEvent(c, 'reconnect');
    expect(attempt).toBeGreaterThanOrEqual(1);
    expect(delay).toBeGreaterThanOrEqual(200);
    expect(delay).toBeLessThanOrEqual(400);
  });
});

describe('back-pressure through a real socket', () => {
  it('8 MB of QoS 1 publishes written faster than the socket drains all arrive intact, in order', async () => {
    let full = 0, drains = 0;
    // The real TCP transport, watched: how often write() reported a full buffer, and drains.
    const factory = () => {
      const t = new NodeTcpTransport({ host: '127.0.0.1', port: a.port });
      const write = t.write.bind(t), open = t.open.bind(t);
      t.write = (b) => { const ok = write(b); if (!ok) full++; return ok; };
      t.open = (h) => open({ ...h, onDrain: () => { drains++; h.onDrain(); } });
      return t;
    };
    const pub = mk(a.url, { transport: factory, queueMax: 100 });
    const sub = mk(a.url);
    const got: Uint8Array[] = [];
    sub.on('message', (_t, p) => got.push(p));
    await Promise.all([connected(pub), connected(sub)]);
    await subscribeAsync(sub, 'bulk/#', { qos: 1 });
    const N = 32, size = 256 * 1024;
    const payload = (i: number) => new Uint8Array(size).fill(i);
    await Promise.all(Array.from({ length: N }, (_, i) => publishAsync(pub, 'bulk/' + i, payload(i), { qos: 1 })));
    await until(() => got.length === N, `${N} large messages`);
    expect(full).toBeGreaterThan(0);
    expect(drains).toBeGreaterThan(0);
    got.forEach((p, i) => { expect(p.length).toBe(size); expect(p[0]).toBe(i); expect(p[size - 1]).toBe(i); });
  });
});

describe('QoS 0 bursts on Node', () => {
  it("a hundred 64 KiB QoS 0 publishes at once all fit Node's default send queue and arrive; past it, 'outbound queue full'", async () => {
    const pub = mk(a.url);
    const sub = mk(a.url);
    const got: number[] = [];
    sub.on('message', (_t, p) => got.push(p[0]));
    await Promise.all([connected(pub), connected(sub)]);
    await subscribeAsync(sub, 'burst0/#', { qos: 0 });
    const N = 100, size = 64 * 1024, errors: string[] = [];
    for (let i = 0; i < N; i++) pub.publish('burst0/x', new Uint8Array(size).fill(i), { qos: 0 }, (err) => { if (err) errors.push(err.message); });
    await until(() => got.length === N, `${N} QoS 0 messages of 64 KiB`);
    expect(errors).toEqual([]);
    expect(got).toEqual(Array.from({ length: N }, (_, i) => i));
    // The bound is still there: a smaller one refuses what does not fit.
    const small = mk(a.url, { sendQueueBytes: 256 * 1024 });
    await connected(small);
    const refused: string[] = [];
    for (let i = 0; i < N; i++) small.publish('burst0/y', new Uint8Array(size), { qos: 0 }, (err) => { if (err) refused.push(err.message); });
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(['outbound queue full']));
  });
});

describe('Promise wrappers', () => {
  it('publishAsync / subscribeAsync / unsubscribeAsync / endAsync resolve with their results', async () => {
    const c = mk(a.url);
    const got: string[] = [];
    c.on('message', (_t, p) => got.push(text(p)));
    expect(await connected(c)).toMatchObject({ cmd: 'connack', sessionPresent: false, returnCode: 0 });
    expect(await connected(c)).toBeUndefined(); // already connected: at once
    expect(await subscribeAsync(c, ['w/a', 'w/b'], { qos: 2 })).toEqual([{ topic: 'w/a', qos: 2 }, { topic: 'w/b', qos: 2 }]);
    await publishAsync(c, 'w/a', 'one', { qos: 2 });
    await until(() => got.length === 1, 'the message');
    await unsubscribeAsync(c, 'w/a');
    await publishAsync(c, 'w/a', 'two', { qos: 1 });
    await publishAsync(c, 'w/b', 'three', { qos: 1 });
    await until(() => got.length === 2, 'the second message');
    expect(got).toEqual(['one', 'three']);
    await endAsync(c);
    expect(c.state).toBe('closed');
  });

  it('rejections carry the client\'s errors', async () => {
    const c = mk(a.url);
    await connected(c);
    await expect(publishAsync(c, 'bad/#', 'x')).rejects.toThrow(/#|wildcard/);
    await expect(subscribeAsync(c, 'a/#/b')).rejects.toThrow(/#/);
    await endAsync(c);
    await expect(publishAsync(c, 'ok', 'x', { qos: 1 })).rejects.toThrow('client ended');
  });

  it('connected() rejects when the client ends before connecting, or closes for good (reconnect false)', async () => {
    const port = await freePort();
    const c = mk(`mqtt://127.0.0.1:${port}`, { reconnectMin: 5000 });
    const p = connected(c);
    c.end(true);
    await expect(p).rejects.toThrow(/client (ended|closed) before it connected/);
    const d = mk(`mqtt://127.0.0.1:${port}`, { reconnect: false });
    await expect(connected(d)).rejects.toThrow(`cannot connect to 127.0.0.1:${port}: connection refused`);
  });
});

describe('nodePlatform', () => {
  it('filters log lines by level and never throws on the levels', () => {
    const lines: string[] = [];
    const p = nodePlatform({ level: 'info', write: (l) => lines.push(l) });
    p.log!('debug', 'd'); p.log!('info', 'i'); p.log!('warn', 'w'); p.log!('error', 'e');
    expect(lines).toEqual(['glowmq info: i', 'glowmq warn: w', 'glowmq error: e']);
    const quiet: string[] = [];
    nodePlatform({ level: 'silent', write: (l) => quiet.push(l) }).log!('error', 'x');
    expect(quiet).toEqual([]);
  });

  it('has a non-decreasing clock, random in [0, 1), and working timers', async () => {
    const p = nodePlatform({ level: 'silent' });
    let last = p.now();
    for (let i = 0; i < 1000; i++) { const t = p.now(); expect(t).toBeGreaterThanOrEqual(last); last = t; }
    const rs = Array.from({ length: 1000 }, () => p.random());
    expect(rs.every((r) => r >= 0 && r < 1)).toBe(true);
    expect(new Set(rs).size).toBeGreaterThan(990);
    let fired = 0;
    const t = p.setTimeout(() => { fired++; }, 5);
    p.clearTimeout(t);
    await new Promise<void>((r) => p.setTimeout(() => r(), 10));
    expect(fired).toBe(0);
  });
});
