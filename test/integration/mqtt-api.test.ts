// The MQTT.js-shaped API (src/node/mqtt-client.ts) against aedes and closed ports: option
// names, warnings and typos, the event sequence MQTT.js users rely on, Buffer payloads, the
// *Async methods and connectAsync's settling rules.
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from 'vitest';
import net from 'node:net';
import { connect, connectAsync, type MqttClient, type IClientOptions } from '../../src/node/mqtt-client';
import { startAedes, type AedesBroker } from '../support/aedes';
import { freePort } from '../support/mosquitto';
import { until } from '../support/wait';
import { describeWithPeers, peers } from '../support/peers';
import { startTlsMosquitto, type TlsMosquitto } from '../support/tls-mosquitto';

let broker: AedesBroker;
let clients: MqttClient[] = [];
beforeAll(async () => { broker = await startAedes(); });
afterAll(async () => { await broker?.close(); });
afterEach(async () => {
  for (const client of clients) client.end(true);
  clients = [];
  vi.restoreAllMocks();
});
const quiet: IClientOptions = { logLevel: 'silent' };
const open = (opts: IClientOptions = {}, url = broker.url): MqttClient => {
  const client = connect(url, { ...quiet, ...opts });
  client.on('error', () => undefined); // tests that look at errors add their own listener
  clients.push(client);
  return client;
};
const once = <T extends unknown[]>(client: MqttClient, event: 'connect' | 'close' | 'offline' | 'reconnect' | 'end'): Promise<T> =>
  new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args as T)));

describe('options', () => {
  it('refuses an unknown option, naming the nearest known one', () => {
    expect(() => connect(broker.url, { reconectPeriod: 0 } as IClientOptions)).toThrow('glowmq: unknown option "reconectPeriod" (did you mean "reconnectPeriod"?)');
    expect(() => connect(broker.url, { colour: 'red' } as IClientOptions)).toThrow(/^glowmq: unknown option "colour"$/);
  });

  it('refuses a bad value with the option, the value and what is allowed', () => {
    expect(() => connect(broker.url, { keepalive: -1 })).toThrow('glowmq: option keepalive is -1; allowed: a number >= 0');
    expect(() => connect(broker.url, { protocolVersion: 5 as 4 })).toThrow('glowmq: option protocolVersion is 5; allowed: 4 (glowmq speaks MQTT 3.1.1 only)');
    expect(() => connect(broker.url, { password: 271828 as unknown as string })).toThrow('glowmq: option password is a number; allowed: a string or a Buffer');
  });

  it('warns once per process about an MQTT.js option glowmq does not have, and connects anyway', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const first = open({ resubscribe: false } as IClientOptions);
    open({ resubscribe: false } as IClientOptions);
    await once(first, 'connect');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^MQTT\.js option "resubscribe" is not supported by glowmq and is ignored: /);
  });

  it('takes clientId, clean, keepalive and the will under their MQTT.js names; manualConnect waits for connect()', async () => {
    const client = open({ clientId: 'api-names', clean: false, keepalive: 15, manualConnect: true, will: { topic: 'api/will', payload: 'gone' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(broker.connects.some((seen) => seen.clientId === 'api-names')).toBe(false);
    client.connect();
    const [connack] = await once<[{ sessionPresent: boolean; returnCode: number }]>(client, 'connect');
    expect(connack).toMatchObject({ cmd: 'connack', returnCode: 0 });
    expect(client.clientId).toBe('api-names');
  });

  it('connect(options) takes host, port and protocol instead of a URL', async () => {
    const client = open({ host: '127.0.0.1', port: broker.port, protocol: 'mqtt', username: 'admin', password: 'password' }, undefined as unknown as string);
    await once(client, 'connect');
    expect(client.connected).toBe(true);
  });

  it("options' port goes over the URL's, and the URL's user and password stay", async () => {
    const client = open({ port: broker.port }, 'mqtt://admin:password@127.0.0.1:1');
    await once(client, 'connect');
    expect(client.connected).toBe(true);
  });
});

describe('messages and the promise methods', () => {
  it('delivers Buffer payloads to "message" and to per-filter handlers; subscribe takes a { filter: { qos } } map', async () => {
    const client = open();
    await once(client, 'connect');
    const handled: string[] = [];
    const remove = client.handle('api/+/temp', (topic, payload) => handled.push(`${topic}=${payload.toString()}`));
    const granted = await client.subscribeAsync({ 'api/+/temp': { qos: 1 }, 'api/other': { qos: 0 } });
    expect(granted).toEqual([{ topic: 'api/+/temp', qos: 1 }, { topic: 'api/other', qos: 0 }]);
    const message = new Promise<[string, Buffer, { qos: number; payload: Buffer }]>((resolve) => client.once('message', (...args) => resolve(args)));
    await client.publishAsync('api/kitchen/temp', Buffer.from([0x32, 0x31]), { qos: 1 });
    const [topic, payload, packet] = await message;
    expect(topic).toBe('api/kitchen/temp');
    expect(Buffer.isBuffer(payload)).toBe(true);
    expect(Buffer.isBuffer(packet.payload)).toBe(true);
    expect(packet.qos).toBe(1);
    expect(handled).toEqual(['api/kitchen/temp=21']);
    remove();
    await client.unsubscribeAsync(['api/+/temp', 'api/other']);
    await client.publishAsync('api/kitchen/temp', 'x', { qos: 1 });
    expect(handled).toEqual(['api/kitchen/temp=21']);
  });

  it('publish takes the callback in place of the options, and queues QoS 0 while offline (MQTT.js default)', async () => {
    const client = open({ manualConnect: true });
    const done = new Promise<Error | undefined>((resolve) => client.publish('api/queued', 'later', (error) => resolve(error)));
    client.connect();
    expect(await done).toBeUndefined();
  });

  it("a failed publish or subscribe without a callback reaches 'error'; the *Async forms reject", async () => {
    const client = open();
    await once(client, 'connect');
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.message));
    client.publish('api/#', 'wildcards are not topic names');
    client.subscribe('api/#/bad');
    await expect(client.subscribeAsync([])).rejects.toThrow('no topic filter');
    await expect(client.publishAsync('api/+', 'x', { qos: 1 })).rejects.toThrow(/api\/\+/);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/api\/#/);
    expect(errors[1]).toMatch(/api\/#\/bad/);
  });

  it('endAsync closes gracefully: "close" then "end", and no "offline"', async () => {
    const client = open();
    await once(client, 'connect');
    const events: string[] = [];
    for (const event of ['close', 'offline', 'end'] as const) client.on(event, () => events.push(event));
    await client.endAsync();
    expect(events).toEqual(['close', 'end']);
    expect(client.connected).toBe(false);
  });
});

describe('events when the link fails', () => {
  it('a dropped link: "close", "offline", then "reconnect" as the attempt starts, then "connect"', async () => {
    const client = open({ reconnectPeriod: 20 });
    await once(client, 'connect');
    const events: string[] = [];
    for (const event of ['close', 'offline', 'reconnect', 'connect'] as const) client.on(event, () => events.push(event));
    broker.dropClients();
    await until(() => events.includes('connect'), 'reconnected');
    expect(events).toEqual(['close', 'offline', 'reconnect', 'connect']);
  });

  it("an unreachable broker's reason reaches 'error' (with Node's code) before 'close'", async () => {
    const client = connect(`mqtt://127.0.0.1:${await freePort()}`, { ...quiet, reconnectPeriod: 0 });
    clients.push(client);
    const events: string[] = [];
    client.on('error', (error) => events.push(`error ${(error as Error & { code?: string }).code}`));
    client.on('close', () => events.push('close'));
    await until(() => events.includes('close'), 'closed');
    expect(events).toEqual(['error ECONNREFUSED', 'close']);
  });
});

describe('connectAsync', () => {
  it('resolves with the connected client', async () => {
    const client = await connectAsync(broker.url, quiet);
    clients.push(client);
    expect(client.connected).toBe(true);
  });

  it('rejects a wrong password with the refusal, and ends the client', async () => {
    await expect(connectAsync(`mqtt://admin:wrong@127.0.0.1:${broker.port}`, quiet)).rejects.toThrow('connection refused: bad user name or password');
  });

  it('rejects on the first failed attempt with reconnectPeriod 0', async () => {
    await expect(connectAsync(`mqtt://127.0.0.1:${await freePort()}`, { ...quiet, reconnectPeriod: 0 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('with allowRetries false, rejects when the link closes before CONNACK', async () => {
    // A server that accepts and hangs up at once: no socket error, just a closed link.
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(connectAsync(`mqtt://127.0.0.1:${port}`, quiet, false)).rejects.toThrow(/127\.0\.0\.1/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describeWithPeers("TLS under MQTT.js's option names, against mosquitto", [peers.mosquitto(), peers.openssl()], () => {
  let tls: TlsMosquitto;
  beforeAll(async () => { tls = await startTlsMosquitto(); });
  afterAll(async () => { await tls?.stop(); });
  const account = { ...quiet, username: 'admin', password: 'password', reconnectPeriod: 0 };

  it('ca, cert and key as PEM contents: a client certificate the broker requires', async () => {
    const pem = tls.certs.pem;
    const client = await connectAsync(`mqtts://127.0.0.1:${tls.ports.clientCert}`, { ...account, ca: pem['ca.crt'], cert: pem['client.crt'], key: pem['client.key'] });
    clients.push(client);
    await client.subscribeAsync('api/tls', { qos: 1 });
    const received = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString())));
    await client.publishAsync('api/tls', 'over TLS', { qos: 1 });
    expect(await received).toBe('over TLS');
  });

  it('an untrusted server certificate rejects connectAsync; rejectUnauthorized false accepts it', async () => {
    const url = `mqtts://127.0.0.1:${tls.ports.good}`;
    await expect(connectAsync(url, { ...account, ca: tls.certs.pem['other-ca.crt'] })).rejects.toThrow('TLS: certificate signed by an unknown CA');
    const client = await connectAsync(url, { ...account, rejectUnauthorized: false });
    clients.push(client);
    expect(client.connected).toBe(true);
  });
});
