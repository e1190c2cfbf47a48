// The browser's WebSocket transport (src/transport/browser-ws.ts) outside a browser: ws's
// WebSocket class has the browser's API (onopen/onmessage/onclose, binaryType 'arraybuffer',
// bufferedAmount, protocol), so it stands in for window.WebSocket here. The page's run in
// real Chromium is test/e2e/web-page.test.ts.
import { describe, it, expect, afterEach, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { BrowserWsTransport } from '../../src/transport/browser-ws';
import { Client } from '../../src/core/client';
import { boardCodec } from '../../src/core/codec/index';
import { nodePlatform } from '../../src/node/platform';
import { startAedesWs } from '../support/aedes-ws';
import { freePort } from '../support/mosquitto';
import { rawConnect } from '../support/raw-mqtt';
import { until, text } from '../support/wait';

const globals = globalThis as { WebSocket?: unknown };
let saved: unknown;
beforeAll(() => { saved = globals.WebSocket; globals.WebSocket = WebSocket; });
afterAll(() => { globals.WebSocket = saved; });

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const undo of cleanup.reverse()) await undo(); cleanup = []; });

async function wsServer(onSocket: (webSocket: WebSocket) => void, protocol: string | false = 'mqtt'): Promise<number> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: () => protocol });
  wss.on('connection', onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanup.push(() => new Promise<void>((done) => { for (const client of wss.clients) client.terminate(); wss.close(); server.close(() => done()); }));
  return (server.address() as net.AddressInfo).port;
}

describe('BrowserWsTransport', () => {
  it('connects to aedes over WebSocket with the subprotocol mqtt: CONNACK 0, one close without a reason', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const result = await rawConnect(new BrowserWsTransport({ url: `ws://127.0.0.1:${broker.wsPort}/mqtt` }));
    expect(result.opened).toBe(true);
    expect(result.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    expect(result.closeReason).toBeUndefined();
    expect(broker.upgrades).toEqual([{ path: '/mqtt', protocols: 'mqtt' }]);
  });

  it('the core client over it: a QoS 1 round trip with a UTF-8 payload', async () => {
    const broker = await startAedesWs(); cleanup.push(() => broker.close());
    const client = new Client({ clientId: 'browser-ws', username: 'admin', password: 'password' }, {
      platform: nodePlatform({ level: 'silent' }), codec: boardCodec,
      transport: () => new BrowserWsTransport({ url: `ws://127.0.0.1:${broker.wsPort}/mqtt` }),
    });
    cleanup.push(() => new Promise<void>((finish) => client.end(true, () => finish())));
    const got: string[] = [];
    client.on('message', (_topic, payload) => got.push(text(payload)));
    client.connect();
    await until(() => client.connected, 'connect');
    await new Promise<void>((resolve, j) => client.subscribe('b/t', { qos: 1 }, (err) => (err ? j(err) : resolve())));
    await new Promise<void>((resolve, j) => client.publish('b/t', '现在天黑了', { qos: 1 }, (err) => (err ? j(err) : resolve())));
    await until(() => got.length > 0, 'the message back');
    expect(got).toEqual(['现在天黑了']);
  });

  it('nothing listening: one onClose "cannot connect to URL", no onOpen', async () => {
    const port = await freePort();
    const result = await rawConnect(new BrowserWsTransport({ url: `ws://127.0.0.1:${port}/mqtt` }));
    expect(result.opened).toBe(false);
    expect(result.closeReason?.message).toBe(`cannot connect to ws://127.0.0.1:${port}/mqtt`);
  });

  it('a server that does not choose the subprotocol mqtt is refused, saying so', async () => {
    const port = await wsServer(() => {}, false);
    const result = await rawConnect(new BrowserWsTransport({ url: `ws://127.0.0.1:${port}/mqtt` }));
    expect(result.opened).toBe(false);
    expect(result.closeReason?.message).toMatch(/does not speak the WebSocket subprotocol "mqtt"|^cannot connect to/);
  });

  it('a text frame ends the link; a close code and reason are reported', async () => {
    const textPort = await wsServer((webSocket) => webSocket.send('hello'));
    const textFrame = await rawConnect(new BrowserWsTransport({ url: `ws://127.0.0.1:${textPort}/mqtt` }));
    expect(textFrame.closeReason?.message).toBe(`ws://127.0.0.1:${textPort}/mqtt sent a text frame (MQTT over WebSocket uses binary frames only)`);
    const closePort = await wsServer((webSocket) => setTimeout(() => webSocket.close(1011, 'overloaded'), 20));
    const closed = await rawConnect(new BrowserWsTransport({ url: `ws://127.0.0.1:${closePort}/mqtt` }));
    expect(closed.closeReason?.message).toBe(`connection closed by ws://127.0.0.1:${closePort}/mqtt (WebSocket close code 1011: overloaded)`);
  });

  it('back-pressure from bufferedAmount: write() false past the mark, onDrain once the peer reads', async () => {
    let peer: net.Socket | undefined;
    const port = await wsServer((webSocket) => { peer = (webSocket as unknown as { _socket: net.Socket })._socket; peer.pause(); });
    const transport = new BrowserWsTransport({ url: `ws://127.0.0.1:${port}/mqtt` });
    let drained = 0;
    await new Promise<void>((res) => transport.open({ onOpen: () => res(), onData() {}, onDrain: () => { drained++; }, onClose() {} }));
    const chunk = new Uint8Array(64 * 1024);
    let writes = 0;
    while (transport.write(chunk)) { writes++; if (writes > 10_000) throw new Error('never saw back-pressure'); }
    for (let i = 0; i < 512; i++) transport.write(chunk);
    await until(() => peer !== undefined, 'the server side socket');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(drained).toBe(0);
    peer!.resume();
    await until(() => drained > 0, 'onDrain');
    expect(drained).toBe(1);
    transport.close();
  });
});
