// The Node TCP transport alone against real sockets: open/data/close reporting, clear
// errors, back-pressure and drain.
import { describe, it, expect, afterEach, vi } from 'vitest';
import net from 'node:net';
import { NodeTcpTransport } from '../../src/transport/node-tcp';
import { startAedes, type AedesBroker } from '../support/aedes';
import { freePort } from '../support/mosquitto';
import { rawConnect } from '../support/raw-mqtt';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const undo of cleanup.reverse()) await undo(); cleanup = []; });

describe('NodeTcpTransport', () => {
  it('connects, sends CONNECT, receives CONNACK 0 from aedes, and reports one close without a reason after close()', async () => {
    const broker = await startAedes(); cleanup.push(() => broker.close());
    const result = await rawConnect(new NodeTcpTransport({ host: '127.0.0.1', port: broker.port }));
    expect(result.opened).toBe(true);
    expect(result.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    expect(result.closeReason).toBeUndefined();
  });

  it('a refused connection gives one onClose with "cannot connect to 127.0.0.1:PORT: connection refused" and no onOpen', async () => {
    const port = await freePort();
    const result = await rawConnect(new NodeTcpTransport({ host: '127.0.0.1', port }));
    expect(result.opened).toBe(false);
    expect(result.closeReason?.message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused`);
    expect((result.closeReason as any).code).toBe('ECONNREFUSED');
  });

  it('an unknown host name is named as such', async () => {
    const result = await rawConnect(new NodeTcpTransport({ host: 'no-such-host.invalid', port: 1883 }));
    expect(result.closeReason?.message).toMatch(/^cannot connect to no-such-host\.invalid:1883: host name (not found|lookup failed)/);
  });

  it('a broker that closes the link is reported with a reason; setNoDelay is on', async () => {
    const server = net.createServer((sock) => { setTimeout(() => sock.destroy(), 20); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    cleanup.push(() => spy.mockRestore());
    const transport = new NodeTcpTransport({ host: '127.0.0.1', port });
    const events: string[] = [];
    const done = new Promise<Error | undefined>((res) => transport.open({
      onOpen: () => events.push('open'), onData: () => events.push('data'), onDrain: () => events.push('drain'),
      onClose: (err) => { events.push('close'); res(err); },
    }));
    const reason = await done;
    expect(events).toEqual(['open', 'close']);
    expect(reason?.message).toMatch(new RegExp(`^(connection closed by 127\\.0\\.0\\.1:${port}|connection to 127\\.0\\.0\\.1:${port}: connection reset by the broker)$`));
    expect(spy).toHaveBeenCalledWith(true);
  });

  it('passes bytes through untouched in both directions (any split), and close() is idempotent', async () => {
    let got = Buffer.alloc(0);
    let serverSock!: net.Socket;
    const server = net.createServer((sock) => { serverSock = sock; sock.on('data', (chunk) => { got = Buffer.concat([got, chunk]); }); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => { serverSock?.destroy(); server.close(() => resolve()); }));
    const port = (server.address() as net.AddressInfo).port;
    const transport = new NodeTcpTransport({ host: '127.0.0.1', port });
    const recv: Uint8Array[] = [];
    let closes = 0;
    await new Promise<void>((res) => transport.open({ onOpen: () => res(), onData: (chunk) => recv.push(chunk), onDrain() {}, onClose: () => { closes++; } }));
    const all = new Uint8Array(256).map((_, i) => i);
    expect(transport.write(all.subarray(0, 100))).toBe(true);
    expect(transport.write(all.subarray(100))).toBe(true);
    await new Promise<void>((resolve) => { const check = () => (got.length >= 256 ? resolve() : setTimeout(check, 5)); check(); });
    expect([...got]).toEqual([...all]);
    serverSock.write(Buffer.from([0, 1, 2, 250, 255]));
    await new Promise<void>((resolve) => { const check = () => (recv.length ? resolve() : setTimeout(check, 5)); check(); });
    expect(recv[0]).toBeInstanceOf(Uint8Array);
    expect([...Buffer.concat(recv)]).toEqual([0, 1, 2, 250, 255]);
    transport.close(); transport.close();
    expect(closes).toBe(1);
    expect(transport.write(new Uint8Array([1]))).toBe(false);
  });

  it('reports back-pressure: write() returns false when the socket buffer is full, then onDrain once the peer reads', async () => {
    let serverSock!: net.Socket;
    const server = net.createServer((sock) => { serverSock = sock; sock.pause(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => { serverSock?.destroy(); server.close(() => resolve()); }));
    const port = (server.address() as net.AddressInfo).port;
    const transport = new NodeTcpTransport({ host: '127.0.0.1', port });
    let drained = 0;
    await new Promise<void>((res) => transport.open({ onOpen: () => res(), onData() {}, onDrain: () => { drained++; }, onClose() {} }));
    const chunk = new Uint8Array(64 * 1024);
    let writes = 0;
    while (transport.write(chunk)) { writes++; if (writes > 10_000) throw new Error('never saw back-pressure'); }
    expect(drained).toBe(0);
    await new Promise<void>((resolve) => { const check = () => (serverSock ? resolve() : setTimeout(check, 5)); check(); });
    serverSock.resume();
    await new Promise<void>((resolve) => { const check = () => (drained > 0 ? resolve() : setTimeout(check, 5)); check(); });
    expect(drained).toBe(1);
    transport.close();
  });

  it('coalesces the writes of one tick into one writev, in order; coalesce: false writes each at once', async () => {
    let got = Buffer.alloc(0);
    const server = net.createServer((sock) => { sock.on('data', (chunk) => { got = Buffer.concat([got, chunk]); }); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const sockets: net.Socket[] = [];
    server.on('connection', (sock) => sockets.push(sock));
    cleanup.push(() => new Promise<void>((resolve) => { sockets.forEach((sock) => sock.destroy()); server.close(() => resolve()); }));
    const port = (server.address() as net.AddressInfo).port;
    const writev = vi.spyOn(net.Socket.prototype as unknown as { _writev: () => void }, '_writev');
    const single = vi.spyOn(net.Socket.prototype as unknown as { _write: () => void }, '_write');
    cleanup.push(() => { writev.mockRestore(); single.mockRestore(); });
    for (const coalesce of [true, false]) {
      got = Buffer.alloc(0);
      const transport = new NodeTcpTransport({ host: '127.0.0.1', port, coalesce });
      await new Promise<void>((res) => transport.open({ onOpen: () => res(), onData() {}, onDrain() {}, onClose() {} }));
      writev.mockClear(); single.mockClear();
      for (let i = 0; i < 5; i++) expect(transport.write(new Uint8Array([i, i, i]))).toBe(true);
      await new Promise<void>((resolve) => { const check = () => (got.length >= 15 ? resolve() : setTimeout(check, 5)); check(); });
      expect([...got]).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
      if (coalesce) {
        expect(writev).toHaveBeenCalledTimes(1);
        expect((writev.mock.calls[0] as unknown as [unknown[]])[0]).toHaveLength(5);
        expect(single).not.toHaveBeenCalled();
      } else {
        // The first write goes out at once; the four behind it queue and leave together.
        expect(single.mock.calls.length + writev.mock.calls.length).toBeGreaterThan(1);
      }
      transport.close();
    }
  });

  it('close() before the connection is set up reports once and opens nothing', async () => {
    const broker: AedesBroker = await startAedes(); cleanup.push(() => broker.close());
    const transport = new NodeTcpTransport({ host: '127.0.0.1', port: broker.port });
    const events: string[] = [];
    transport.open({ onOpen: () => events.push('open'), onData() {}, onDrain() {}, onClose: (err) => events.push('close:' + (err ? err.message : '')) });
    transport.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual(['close:']);
  });
});
