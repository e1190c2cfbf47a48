// The WebSocket transport (ws:// and wss://) alone against real servers, then through
// createNodeClient and the CLI: aedes over WebSocket (ws's createWebSocketStream), the
// subprotocol `mqtt` and the default path /mqtt, clear errors (refused, 404, no subprotocol,
// text frames, close codes, TLS), back-pressure and drain.
import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { NodeWsTransport } from '../../src/transport/node-ws';
import { createNodeClient } from '../../src/node/connect';
import { connected, publishAsync, subscribeAsync, endAsync } from '../../src/node/promise';
import { main } from '../../src/node/cli/main';
import type { CliIo } from '../../src/node/cli/io';
import { startAedesWs } from '../support/aedes-ws';
import { freePort } from '../support/mosquitto';
import { rawConnect } from '../support/raw-mqtt';
import { makeTlsCerts } from '../support/tls-certs';
import { nextEvent, until, text } from '../support/wait';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const undo of cleanup.reverse()) await undo(); cleanup = []; });

/** A bare WebSocket server on /mqtt (subprotocol mqtt) that hands each socket to `onSocket`. */
async function wsServer(onSocket: (webSocket: WebSocket) => void): Promise<number> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: () => 'mqtt' });
  wss.on('connection', onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanup.push(() => new Promise<void>((resolve) => { for (const client of wss.clients) client.terminate(); wss.close(); server.close(() => resolve()); }));
  return (server.address() as net.AddressInfo).port;
}

function events(transport: NodeWsTransport): { log: string[]; closed: Promise<Error | undefined> } {
  const log: string[] = [];
  const closed = new Promise<Error | undefined>((resolve) => transport.open({
    onOpen: () => log.push('open'), onData: () => log.push('data'), onDrain: () => log.push('drain'),
    onClose: (err) => { log.push('close'); resolve(err); },
  }));
  return { log, closed };
}

describe('NodeWsTransport', () => {
  it('connects to /mqtt with the subprotocol mqtt, gets CONNACK 0 from aedes, and one close without a reason after close()', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort }));
    expect(result.opened).toBe(true);
    expect(result.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    expect(result.closeReason).toBeUndefined();
    expect(broker.upgrades).toEqual([{ path: '/mqtt', protocols: 'mqtt' }]);
  });

  it('a refused connection: one onClose "cannot connect to 127.0.0.1:PORT: connection refused", no onOpen', async () => {
    const port = await freePort();
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port }));
    expect(result.opened).toBe(false);
    expect(result.closeReason?.message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused`);
    expect((result.closeReason as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('a wrong path: the HTTP status, and a hint about the path', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort, path: '/ws' }));
    expect(result.opened).toBe(false);
    expect(result.closeReason?.message).toBe(`cannot connect to ws://127.0.0.1:${broker.wsPort}/ws: the server answered HTTP 404 Not Found (is /ws the broker's WebSocket path?)`);
  });

  it('a server that does not choose the subprotocol mqtt is refused, saying so', async () => {
    const broker = await startAedesWs({ noSubprotocol: true }); cleanup.push(() => broker.close());
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort }));
    expect(result.opened).toBe(false);
    expect(result.closeReason?.message).toMatch(new RegExp(`^cannot connect to ws://127\\.0\\.0\\.1:${broker.wsPort}/mqtt: the server does not speak the WebSocket subprotocol "mqtt"`));
  });

  it('passes bytes through untouched in both directions, as binary frames; close() is idempotent', async () => {
    let got = Buffer.alloc(0), peer!: WebSocket, binary = true;
    const port = await wsServer((webSocket) => { peer = webSocket; webSocket.on('message', (data: Buffer, isBinary) => { binary &&= isBinary; got = Buffer.concat([got, data]); }); });
    const transport = new NodeWsTransport({ host: '127.0.0.1', port });
    const recv: Uint8Array[] = [];
    let closes = 0;
    await new Promise<void>((res) => transport.open({ onOpen: () => res(), onData: (bytes) => recv.push(bytes), onDrain() {}, onClose: () => { closes++; } }));
    const all = new Uint8Array(256).map((_value, i) => i);
    expect(transport.write(all.subarray(0, 100))).toBe(true);
    expect(transport.write(all.subarray(100))).toBe(true);
    await until(() => got.length >= 256, 'the server to get 256 bytes');
    expect([...got]).toEqual([...all]);
    expect(binary).toBe(true);
    peer.send(Buffer.from([0, 1, 2, 250, 255]));
    await until(() => recv.length > 0, 'bytes from the server');
    expect(recv[0]).toBeInstanceOf(Uint8Array);
    expect([...Buffer.concat(recv)]).toEqual([0, 1, 2, 250, 255]);
    transport.close(); transport.close();
    expect(closes).toBe(1);
    expect(transport.write(new Uint8Array([1]))).toBe(false);
  });

  it('a text frame from the server ends the link with a clear reason', async () => {
    const port = await wsServer((webSocket) => webSocket.send('hello'));
    const transport = new NodeWsTransport({ host: '127.0.0.1', port });
    const { log, closed } = events(transport);
    const reason = await closed;
    expect(reason?.message).toBe(`ws://127.0.0.1:${port}/mqtt sent a text frame (MQTT over WebSocket uses binary frames only)`);
    expect(log).toEqual(['open', 'close']);
  });

  it('a server that closes the link: its close code and reason; a dropped TCP link: no close frame', async () => {
    const port = await wsServer((webSocket) => setTimeout(() => webSocket.close(1011, 'broker overloaded'), 20));
    const closing = events(new NodeWsTransport({ host: '127.0.0.1', port }));
    expect((await closing.closed)?.message).toBe(`connection closed by 127.0.0.1:${port} (WebSocket close code 1011: broker overloaded)`);
    expect(closing.log).toEqual(['open', 'close']);
    const port2 = await wsServer((webSocket) => setTimeout(() => webSocket.terminate(), 20));
    const dropped = events(new NodeWsTransport({ host: '127.0.0.1', port: port2 }));
    expect((await dropped.closed)?.message).toMatch(new RegExp(`^(connection closed by 127\\.0\\.0\\.1:${port2} \\(no close frame\\)|connection to 127\\.0\\.0\\.1:${port2}: connection reset by the broker)$`));
  });

  it('reports back-pressure: write() returns false while the peer does not read, then onDrain once it does', async () => {
    let peer: net.Socket | undefined;
    const port = await wsServer((webSocket) => { peer = (webSocket as unknown as { _socket: net.Socket })._socket; peer.pause(); });
    const transport = new NodeWsTransport({ host: '127.0.0.1', port });
    let drained = 0;
    await new Promise<void>((res) => transport.open({ onOpen: () => res(), onData() {}, onDrain: () => { drained++; }, onClose() {} }));
    const chunk = new Uint8Array(64 * 1024);
    let writes = 0;
    while (transport.write(chunk)) { writes++; if (writes > 10_000) throw new Error('never saw back-pressure'); }
    // More than the kernel's socket buffers hold, so the sends cannot complete until the peer reads.
    for (let i = 0; i < 512; i++) expect(transport.write(chunk)).toBe(false);
    await until(() => peer !== undefined, 'the server side socket');
    // Until the peer reads, nothing drains.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(drained).toBe(0);
    peer!.resume();
    await until(() => drained > 0, 'onDrain');
    expect(drained).toBe(1);
    transport.close();
  });

  it('close() before the connection is set up reports once and opens nothing', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const transport = new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort });
    const { log } = events(transport);
    transport.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log).toEqual(['close']);
  });
});

describe('wss:// (TLS) with certificates made by openssl', () => {
  it('the right CA connects; an unknown CA and a wrong name are refused as over mqtts://', async () => {
    const certs = makeTlsCerts(); cleanup.push(() => certs.cleanup());
    const broker = await startAedesWs({ tls: { key: certs.pem['server.key'], cert: certs.pem['server.crt'] } }); cleanup.push(() => broker.close());
    const good = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort, tls: true, ca: certs.pem['ca.crt'] }));
    expect(good.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    const unknown = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort, tls: true, ca: certs.pem['other-ca.crt'] }));
    expect(unknown.opened).toBe(false);
    expect(unknown.closeReason?.message).toBe('TLS: certificate signed by an unknown CA');
    const wrongName = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: broker.wsPort, tls: true, ca: certs.pem['ca.crt'], servername: 'broker.example' }));
    expect(wrongName.closeReason?.message).toBe('TLS: host name broker.example does not match the certificate');
    const plainServer = await startAedesWs(); cleanup.push(() => plainServer.close());
    const plain = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: plainServer.wsPort, tls: true, ca: certs.pem['ca.crt'] }));
    expect(plain.closeReason?.message).toBe(`TLS: 127.0.0.1:${plainServer.wsPort} does not speak TLS (is it a plain mqtt:// port?)`);
  });
});

describe('ws:// through createNodeClient and the CLI', () => {
  it('createNodeClient("ws://admin:password@…"): a QoS 1 round trip through aedes over WebSocket', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const client = createNodeClient(broker.url, { clientId: 'ws-client', logLevel: 'silent' });
    cleanup.push(() => endAsync(client, true));
    await connected(client);
    await subscribeAsync(client, 'ws/test', { qos: 1 });
    const message = nextEvent(client, 'message');
    await publishAsync(client, 'ws/test', 'über WebSocket', { qos: 1 });
    const [topic, payload] = await message;
    expect(topic).toBe('ws/test');
    expect(text(payload)).toBe('über WebSocket');
    expect(broker.aedes.connects.map((client) => client.clientId)).toEqual(['ws-client']);
  });

  it('glowmq pub -L ws://… publishes over WebSocket; sub -L ws://… gets it', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const out: string[] = [], err: string[] = [];
    const cliIo: CliIo = { stdin: Readable.from(['']), env: {}, out: (socket) => out.push(socket), write: (chunk) => out.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), err: (socket) => err.push(socket) };
    const sub = main(['sub', '-L', broker.url + '/mqtt', '-t', 'cli/ws', '-C', '1', '-q', '1'], cliIo);
    await until(() => broker.aedes.connects.length > 0 && Object.keys(broker.aedes.broker.clients ?? {}).length > 0, 'sub to connect');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await main(['pub', '-L', broker.url, '-t', 'cli/ws', '-m', 'hello ws', '-q', '1'], cliIo)).toBe(0);
    expect(await sub).toBe(0);
    expect(out.join('')).toContain('hello ws');
    expect(err).toEqual([]);
    expect(broker.upgrades.map((user) => user.path)).toEqual(['/mqtt', '/mqtt']);
  });
});
