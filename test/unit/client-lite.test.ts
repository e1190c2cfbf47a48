// Where the lite profile's client (src/core/lite/client.ts) differs from the full one by
// design. Everything they share runs against both in the client-*.test.ts suites (their
// 'lite client' entries); here: QoS 2 left out, every held message bounded whether connected
// or not, QoS 0 waiting for the link kept across a reconnect, DUP set on the held bytes.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, cmds, text, fullClient } from '../support/client-harness';
import { LiteClient } from '../../src/core/lite/client';

const lite = codecs.find((entry) => !fullClient(entry[1]))![1];
const errs = () => { const calls: (Error | undefined)[] = []; return { calls, cb: (e?: Error) => { calls.push(e); } }; };

describe('lite client', () => {
  it('is the harness\'s client for its entry', () => {
    expect(harness(lite).client).toBeInstanceOf(LiteClient);
  });

  it('a QoS 2 publish is refused with a clear error; a QoS 2 subscription asks for QoS 1', () => {
    const h = harness(lite);
    h.up();
    const e = errs();
    h.client.publish('t', 'x', { qos: 2 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['QoS 2 is not in this build']);
    h.client.subscribe('cmd', { qos: 2 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'cmd', qos: 1 }] }]);
  });

  it('connected too, unacknowledged publishes count against the queue\'s bound: a board cannot hold an unbounded window', () => {
    const h = harness(lite, { queueMax: 2 });
    h.up();
    const e = errs();
    for (let i = 0; i < 3; i++) h.client.publish('t', String(i), { qos: 1 }, e.cb);
    expect(e.calls.map((x) => x!.message)).toEqual(['queue full (2 messages / 65536 bytes)']);
    expect(h.tr.take().map((p: any) => text(p.payload))).toEqual(['0', '1']);
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    h.client.publish('t', '3', { qos: 1 }, e.cb);
    expect(h.tr.take().map((p: any) => [text(p.payload), p.messageId])).toEqual([['3', 3]]);
  });

  it('a QoS 0 publish waiting for the link\'s drain is sent after the next CONNACK if the link drops first', () => {
    const h = harness(lite);
    h.up();
    h.tr.writable = false;
    h.client.publish('t', 'first', { qos: 1 });
    const e = errs();
    h.client.publish('t', 'zero', {}, e.cb);
    expect(h.tr.take().map((p: any) => text(p.payload))).toEqual(['first']);
    h.tr.drop();
    h.platform.advance(1250);
    expect(h.handshake().map((p: any) => [text(p.payload), p.qos, p.dup])).toEqual([['first', 1, true], ['zero', 0, false]]);
    expect(e.calls).toEqual([undefined]);
  });

  it('a resent PUBLISH carries DUP, and its PUBACK still completes it; the next one does not', () => {
    const h = harness(lite);
    h.up();
    const e = errs();
    h.client.publish('t', 'x', { qos: 1 }, e.cb);
    expect(h.tr.take().map((p: any) => p.dup)).toEqual([false]);
    h.tr.drop();
    h.platform.advance(1250);
    expect(h.handshake(true).map((p: any) => [p.messageId, p.dup])).toEqual([[1, true]]);
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    expect(e.calls).toEqual([undefined]);
    h.client.publish('t', 'y', { qos: 1 });
    expect(h.tr.take().map((p: any) => [p.messageId, p.dup])).toEqual([[2, false]]);
    expect(h.ev('error')).toEqual([]);
  });

  it('an inbound PUBREC or PUBCOMP (no QoS 2 publish is ever sent) is a protocol violation', () => {
    for (const cmd of ['pubrec', 'pubcomp'] as const) {
      const h = harness(lite);
      h.up();
      h.client.publish('t', 'x', { qos: 1 });
      h.tr.deliver({ cmd, messageId: 1 });
      expect(h.ev('error').map((a) => (a[0] as Error).message)).toEqual([`protocol violation: unexpected ${cmd.toUpperCase()} for packet id 1`]);
      expect(cmds(h.tr.take())).toEqual(['publish']);
      expect(h.client.connected).toBe(false);
    }
  });
  it('restoring subscriptions of both QoS levels: one SUBSCRIBE per level per CONNACK without a session, an unanswered one not sent again', () => {
    const h = harness(lite);
    h.up();
    h.client.subscribe('zero', { qos: 0 });
    h.client.subscribe('one', { qos: 1 });
    for (const p of h.tr.take() as any[]) h.tr.deliver({ cmd: 'suback', messageId: p.messageId, granted: [p.subscriptions[0].qos] });
    for (let i = 0; i < 2; i++) {
      h.tr.drop();
      h.platform.advance(30000);
      expect(h.handshake().map((p: any) => p.subscriptions.map((sub: any) => [sub.topic, sub.qos]))).toEqual([[['zero', 0]], [['one', 1]]]);
    }
  });
});
