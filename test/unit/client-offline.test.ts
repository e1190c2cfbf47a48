// The offline queue (bounded by count and bytes, QoS 0 refused by default, durable QoS 1/2,
// sent after CONNACK behind resent in-flight) and back-pressure on the transport.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, cmds, text, fullClient } from '../support/client-harness';
import { MemoryStore } from '../../src/core/memory-store';

const errs = () => { const calls: (Error | undefined)[] = []; return { calls, cb: (e?: Error) => { calls.push(e); } }; };

describe.each(codecs)('client offline queue (%s)', (_name, codec) => {
  it('QoS 0 while not connected fails with "not connected" (nothing queued)', () => {
    const h = harness(codec);
    const e = errs();
    h.client.publish('t', 'x', { qos: 0 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['not connected']);
    h.client.connect();
    expect(h.handshake()).toEqual([]);
  });

  it('queueQoS0: QoS 0 queued too, written after CONNACK, callback when written', () => {
    const h = harness(codec, { queueQoS0: true });
    const e = errs();
    h.client.publish('t', 'zero', {}, e.cb);
    expect(e.calls).toEqual([]);
    h.client.connect();
    expect(h.handshake().map(plain)).toEqual([{ cmd: 'publish', topic: 't', payload: 'zero', qos: 0, retain: false, dup: false }]);
    expect(e.calls).toEqual([undefined]);
    h.tr.drop(); // QoS 0 is not resent
    h.platform.advance(1250);
    expect(h.handshake()).toEqual([]);
  });

  it('full by count: a clear error, no growth, nothing dropped silently', () => {
    const h = harness(codec, { queueMax: 3 });
    const e = errs();
    for (let i = 0; i < 5; i++) h.client.publish('t', String(i), { qos: 1 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['queue full (3 messages / 65536 bytes)', 'queue full (3 messages / 65536 bytes)']);
    h.client.connect();
    expect(h.handshake().map((p: any) => text(p.payload))).toEqual(['0', '1', '2']);
  });

  it('subscriptions and PUBRELs waiting offline are not messages: they do not count', () => {
    const h = harness(codec, { queueMax: 1 });
    h.up();
    h.client.publish('t', 'q2', { qos: 2 });
    h.tr.deliver({ cmd: 'pubrec', messageId: 1 }); // the entry is now its PUBREL
    h.tr.drop();
    const e = errs();
    h.client.subscribe('s', { qos: 1 }, () => {});
    h.client.publish('t', 'a', { qos: 1 }, e.cb);
    expect(e.calls).toEqual([]);
    h.client.publish('t', 'b', { qos: 1 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['queue full (1 messages / 65536 bytes)']);
  });

  it('a platform whose memoryError() gives a reason refuses a queued publish with it; nothing accepted is dropped', () => {
    const h = harness(codec);
    let room = true;
    const asked: [number, boolean][] = [];
    h.platform.memoryError = (bytes: number, offline: boolean) => { asked.push([bytes, offline]); return room ? '' : 'short of memory: 150 variables free, 483 needed'; };
    const e = errs();
    h.client.publish('t', 'ok', { qos: 1 }, e.cb);
    room = false;
    h.client.publish('t', 'nope', { qos: 1 }, e.cb);
    expect(asked).toEqual([[2, true], [4, true]]); // (offline: its link is still to be made)
    expect(e.calls.map((x) => x!.message)).toEqual(['short of memory: 150 variables free, 483 needed']);
    h.client.connect();
    expect(h.handshake().map((p: any) => text(p.payload))).toEqual(['ok']);
  });

  it('full by payload bytes', () => {
    const h = harness(codec, { queueBytes: 10 });
    const e = errs();
    h.client.publish('t', '123456', { qos: 1 }, e.cb);
    h.client.publish('t', '12345', { qos: 1 }, e.cb);
    h.client.publish('t', '1234', { qos: 1 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['queue full (100 messages / 10 bytes)']);
  });

  it('defaults: 100 messages', () => {
    const h = harness(codec);
    const e = errs();
    for (let i = 0; i < 101; i++) h.client.publish('t', 'x', { qos: 1 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['queue full (100 messages / 65536 bytes)']);
  });

  it('without a callback, "queue full" is an error event', () => {
    const h = harness(codec, { queueMax: 1 });
    h.client.publish('t', 'a', { qos: 1 });
    h.client.publish('t', 'b', { qos: 1 });
    expect((h.ev('error')[0][0] as Error).message).toBe('queue full (1 messages / 65536 bytes)');
  });

  it('in-flight messages of a lost link count against the queue while offline', () => {
    const h = harness(codec, { queueMax: 2 });
    h.up();
    h.client.publish('t', 'a', { qos: 1 });
    h.client.publish('t', 'b', { qos: 1 }); // 2 in flight: not bounded while connected
    h.client.publish('t', 'c', { qos: 1 });
    h.tr.drop();
    const e = errs();
    h.client.publish('t', 'd', { qos: 1 }, e.cb);
    expect(e.calls[0]!.message).toBe('queue full (2 messages / 65536 bytes)');
  });

  it.runIf(fullClient(codec))('queued QoS 1/2 are durable: in the store from the moment they are accepted', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.client.publish('t', 'a', { qos: 1 });
    h.client.publish('t', 'b', { qos: 2 });
    expect(Object.keys(store.all())).toEqual(['o1', 'o2']);
    expect(text((store.all().o2 as any).payload)).toBe('b');
  });

  it.runIf(fullClient(codec))('after CONNACK: resent in-flight first (DUP), then the queued, in order (DUP clear)', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('t', 'inflight-1', { qos: 1 });
    h.client.publish('t', 'inflight-2', { qos: 2 });
    h.tr.drop();
    h.client.publish('t', 'queued-1', { qos: 1 });
    h.client.publish('t', 'queued-2', { qos: 2 });
    h.platform.advance(1250);
    expect(h.handshake(true).map((p: any) => [text(p.payload), p.dup, p.messageId])).toEqual([
      ['inflight-1', true, 1], ['inflight-2', true, 2], ['queued-1', false, 3], ['queued-2', false, 4],
    ]);
  });
});

describe.each(codecs)('client back-pressure (%s)', (_name, codec) => {
  it('after write() returns false nothing more is written until onDrain; then all, in order', () => {
    const h = harness(codec);
    h.up();
    h.tr.writable = false;
    h.client.publish('t', '1', { qos: 1 });
    h.client.publish('t', '2', { qos: 1 });
    h.client.publish('t', '3');
    expect(h.tr.take().map((p: any) => text(p.payload))).toEqual(['1']);
    h.tr.drain();
    expect(h.tr.take().map((p: any) => text(p.payload))).toEqual(['2', '3']);
  });

  it('acks and PINGREQ wait behind back-pressure as well', () => {
    const h = harness(codec, { keepalive: 10 });
    h.up();
    h.tr.writable = false;
    h.client.publish('t', 'x');
    h.tr.deliver({ cmd: 'publish', topic: 'in', payload: Buffer.from('y'), qos: 1, retain: false, dup: false, messageId: 5 });
    h.platform.advance(10000);
    expect(cmds(h.tr.take())).toEqual(['publish']);
    h.tr.writable = true;
    h.tr.drain();
    expect(cmds(h.tr.take())).toEqual(['puback', 'pingreq']);
  });

  it('the resend after CONNACK respects back-pressure too', () => {
    const h = harness(codec);
    for (let i = 0; i < 3; i++) h.client.publish('t', String(i), { qos: 1 });
    h.client.connect();
    h.tr.writable = false; // the CONNECT itself fills the transport's buffer
    h.tr.accept();
    expect(cmds(h.tr.take())).toEqual(['connect']);
    h.tr.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    expect(h.tr.take()).toEqual([]);
    h.tr.drain();
    expect(cmds(h.tr.take())).toEqual(['publish', 'publish', 'publish']);
  });
});
