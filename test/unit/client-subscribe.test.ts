// SUBSCRIBE/UNSUBSCRIBE: validation, SUBACK results (0x80 per filter), remembered
// subscriptions restored when the broker has no session, requests queued while offline.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, cmds, fullClient } from '../support/client-harness';

const rec = () => {
  const calls: [Error | undefined, { topic: string; qos: number }[]][] = [];
  return { calls, cb: (e: Error | undefined, g: { topic: string; qos: number }[]) => { calls.push([e, g]); } };
};

describe.each(codecs)('client subscribe (%s)', (_name, codec) => {
  it.runIf(fullClient(codec))('SUBSCRIBE with the requested QoS; the callback gets the granted list at SUBACK', () => {
    const h = harness(codec);
    h.up();
    const r = rec();
    h.client.subscribe(['a/+', 'b/#'], { qos: 2 }, r.cb);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/+', qos: 2 }, { topic: 'b/#', qos: 2 }] }]);
    expect(r.calls).toEqual([]);
    h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1, 2] });
    expect(r.calls).toEqual([[undefined, [{ topic: 'a/+', qos: 1 }, { topic: 'b/#', qos: 2 }]]]);
  });

  it('a single filter as a string, QoS 0 by default', () => {
    const h = harness(codec);
    h.up();
    h.client.subscribe('lightChange');
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'lightChange', qos: 0 }] }]);
  });

  it('0x80 for a filter: the callback error names the refused filters, granted still given', () => {
    const h = harness(codec);
    h.up();
    const r = rec();
    h.client.subscribe(['ok', 'denied/1', 'denied/2'], { qos: 1 }, r.cb);
    h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1, 128, 128] });
    expect(r.calls.length).toBe(1);
    expect(r.calls[0][0]!.message).toBe('subscription refused: denied/1, denied/2');
    expect(r.calls[0][1]).toEqual([{ topic: 'ok', qos: 1 }, { topic: 'denied/1', qos: 128 }, { topic: 'denied/2', qos: 128 }]);
    // only the granted one is restored after a reconnect without session
    h.tr.drop();
    h.platform.advance(1250);
    expect(h.handshake(false).map(plain)).toEqual([{ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'ok', qos: 1 }] }]);
  });

  it('invalid filters: callback error, nothing sent', () => {
    const h = harness(codec);
    h.up();
    for (const f of [['a/#/b'], ['a+'], [''], ['ok', 'x#'], []]) {
      const r = rec();
      h.client.subscribe(f, {}, r.cb);
      expect(r.calls.length).toBe(1);
      expect(r.calls[0][0]).toBeInstanceOf(Error);
      expect(r.calls[0][1]).toEqual([]);
    }
    const r = rec();
    h.client.unsubscribe('a/#/b', (e) => r.calls.push([e, []]));
    expect(r.calls[0][0]!.message).toMatch(/whole level/);
    expect(h.tr.take()).toEqual([]);
  });

  it('UNSUBSCRIBE: callback at UNSUBACK, and the filter is no longer restored', () => {
    const h = harness(codec);
    h.up();
    h.client.subscribe(['a', 'b'], { qos: 1 });
    h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1, 1] });
    h.tr.take();
    const done: unknown[] = [];
    h.client.unsubscribe('a', (e) => done.push(e));
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a'] }]);
    expect(done).toEqual([]);
    h.tr.deliver({ cmd: 'unsuback', messageId: 2 });
    expect(done).toEqual([undefined]);
    h.tr.drop();
    h.platform.advance(1250);
    expect(h.handshake(false).map(plain)).toEqual([{ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'b', qos: 1 }] }]);
  });

  it('after CONNACK with sessionPresent=0 the subscriptions are restored (also with clean=false); with 1 not', () => {
    for (const clean of [true, false]) {
      const h = harness(codec, { clean });
      h.up();
      h.client.subscribe('x/+', { qos: 1 });
      h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1] });
      h.tr.take();
      h.tr.drop();
      h.platform.advance(1250);
      const sent = h.handshake(false);
      expect(sent.map(plain)).toEqual([{ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'x/+', qos: 1 }] }]);
      h.tr.deliver({ cmd: 'suback', messageId: 2, granted: [1] });
      h.tr.drop();
      h.platform.advance(2500); // past the next attempt, whatever the backoff
      expect(h.handshake(true)).toEqual([]);
      expect(h.ev('error')).toEqual([]);
    }
  });

  it('a refused restore (0x80 in the SUBACK of the resubscription) is an error event', () => {
    const h = harness(codec);
    h.up();
    h.client.subscribe('x', { qos: 1 });
    h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1] });
    h.tr.drop();
    h.platform.advance(1250);
    h.handshake(false);
    h.tr.deliver({ cmd: 'suback', messageId: 2, granted: [128] });
    expect((h.ev('error')[0][0] as Error).message).toBe('subscription refused: x');
  });

  it('an unanswered restore is not resent twice: each CONNACK without session makes one', () => {
    const h = harness(codec);
    h.up();
    h.client.subscribe('x', { qos: 1 });
    h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1] });
    h.tr.drop();
    h.platform.advance(1250);
    expect(cmds(h.handshake(false))).toEqual(['subscribe']);
    h.tr.drop(); // before its SUBACK
    h.platform.advance(2500);
    expect(cmds(h.handshake(false))).toEqual(['subscribe']);
  });

  it('subscribe while offline: queued, sent after CONNACK (after in-flight publishes, in call order)', () => {
    const h = harness(codec);
    const r = rec();
    h.client.publish('p', '1', { qos: 1 });
    h.client.subscribe('s', { qos: 1 }, r.cb);
    h.client.connect();
    const sent = h.handshake(false);
    expect(sent.map(plain)).toEqual([
      { cmd: 'publish', topic: 'p', payload: '1', qos: 1, retain: false, dup: false, messageId: 1 },
      { cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 's', qos: 1 }] },
    ]);
    h.tr.deliver({ cmd: 'suback', messageId: 2, granted: [1] });
    expect(r.calls).toEqual([[undefined, [{ topic: 's', qos: 1 }]]]);
  });

  it('a SUBSCRIBE unanswered when the link drops is sent again after the next CONNACK', () => {
    const h = harness(codec);
    h.up();
    const r = rec();
    h.client.subscribe('s', { qos: 1 }, r.cb);
    h.tr.take();
    h.tr.drop();
    h.platform.advance(1250);
    expect(h.handshake(true).map(plain)).toEqual([{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 's', qos: 1 }] }]);
    h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [0] });
    expect(r.calls).toEqual([[undefined, [{ topic: 's', qos: 0 }]]]);
  });
});
