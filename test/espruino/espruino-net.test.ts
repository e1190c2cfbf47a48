// The Espruino `net` transport against an imitation of the board's socket interface
// (write() takes a binary string and returns false; 'data' gives binary strings; 'drain'
// when the send buffer empties; connect() throws when refused; a handler's `this` is the socket).
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { espruinoNetTransport, type EspruinoNet } from '../../src/transport/espruino/net';
import type { TransportHandlers } from '../../src/core/types';

const g = globalThis as { E?: unknown };
beforeEach(() => {
  g.E = {
    toString: (u: Uint8Array) => { if (!(u instanceof Uint8Array)) throw new Error('E.toString: not bytes'); return Buffer.from(u).toString('latin1'); },
    toUint8Array: (s: string) => new Uint8Array(Buffer.from(s, 'latin1')),
  };
});
afterEach(() => { delete g.E; });

function fakeNet(refuse = false) {
  const ev: { [k: string]: ((this: unknown, x?: unknown) => void)[] } = {};
  const sock = {
    written: [] as unknown[], ended: 0,
    write(s: unknown) { this.written.push(s); return false; },
    end() { this.ended++; },
    on(e: string, fn: (this: unknown, x?: unknown) => void) { (ev[e] = ev[e] || []).push(fn); },
    emit(e: string, x?: unknown) { (ev[e] || []).forEach((f) => f.call(sock, x)); },
  };
  let connectCb: (() => void) | undefined;
  const net: EspruinoNet = {
    connect: (o, cb) => {
      if (refuse) throw new Error('Unable to create socket');
      expect(o).toEqual({ host: '10.0.0.5', port: 1883 });
      connectCb = cb;
      return sock;
    },
  };
  return { net, sock, open: () => connectCb!() };
}

function handlers() {
  const log: string[] = [];
  const h: TransportHandlers = {
    onOpen: () => log.push('open'),
    onData: (b) => log.push('data ' + (b instanceof Uint8Array) + ' ' + Array.from(b).join(',')),
    onDrain: () => log.push('drain'),
    onClose: (e) => log.push('close ' + (e ? e.message : '-')),
  };
  return { h, log };
}

describe('espruinoNetTransport', () => {
  it('converts bytes to binary strings and back at the edge', () => {
    const f = fakeNet(), x = handlers();
    const t = espruinoNetTransport(f.net, '10.0.0.5', 1883)();
    t.open(x.h);
    f.open();
    expect(t.write(new Uint8Array([16, 12, 0, 255]))).toBe(true);
    expect(f.sock.written).toEqual(['\x10\x0c\x00\xff']);
    f.sock.emit('data', '\x20\x02\x00\x80');
    expect(x.log).toEqual(['open', 'data true 32,2,0,128']);
  });

  it('reports back-pressure after 1 KiB until the socket drains', () => {
    const f = fakeNet(), x = handlers();
    const t = espruinoNetTransport(f.net, '10.0.0.5', 1883)();
    t.open(x.h); f.open();
    expect(t.write(new Uint8Array(1000))).toBe(true);
    expect(t.write(new Uint8Array(100))).toBe(false);
    f.sock.emit('drain');
    expect(x.log).toContain('drain');
    expect(t.write(new Uint8Array(10))).toBe(true);
  });

  it('a refused connect (it throws) becomes one close with the reason, after open returns', async () => {
    const f = fakeNet(true), x = handlers();
    const t = espruinoNetTransport(f.net, '10.0.0.5', 1883)();
    t.open(x.h);
    expect(x.log).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    expect(x.log).toEqual(['close 10.0.0.5:1883: connect failed: Unable to create socket']);
    t.close();
    expect(x.log).toHaveLength(1);
  });

  it('error then close from the board: one close carrying the error; local close has no reason', () => {
    const f = fakeNet(), x = handlers();
    const t = espruinoNetTransport(f.net, '10.0.0.5', 1883)();
    t.open(x.h); f.open();
    f.sock.emit('error', { code: -11, message: 'Connection reset' });
    f.sock.emit('close');
    f.sock.emit('close');
    expect(x.log).toEqual(['open', 'close 10.0.0.5:1883: Connection reset']);
    expect(t.write(new Uint8Array(1))).toBe(false);

    const g2 = fakeNet(), y = handlers();
    const u = espruinoNetTransport(g2.net, '10.0.0.5', 1883)();
    u.open(y.h); g2.open();
    u.close(); u.close();
    g2.sock.emit('close');
    expect(y.log).toEqual(['open', 'close -']);
    expect(g2.sock.ended).toBe(1);
  });

  it('a close by the broker without an error still names what happened', () => {
    const f = fakeNet(), x = handlers();
    const t = espruinoNetTransport(f.net, '10.0.0.5', 1883)();
    t.open(x.h); f.open();
    f.sock.emit('data', 'x');
    f.sock.emit('close');
    f.sock.emit('data', 'y'); // nothing after close
    expect(x.log).toEqual(['open', 'data true 120', 'close 10.0.0.5:1883: closed by the broker']);
  });
});
