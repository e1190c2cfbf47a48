// Reconnect: exponential backoff with jitter (exact arithmetic on a fake clock), reset after
// a link that made progress (an ack, a PINGRESP or a message), the 'reconnect' event, and reconnect: false.
import { describe, it, expect } from 'vitest';
import { harness, codecs, fullClient } from '../support/client-harness';
import { FakePlatform } from '../support/fake-platform';
import { backoff } from '../../src/core/backoff';

/** A FakePlatform whose random() returns the given values in turn. */
function fixedRandom(...values: number[]): FakePlatform {
  const p = new FakePlatform();
  let i = 0;
  p.random = () => values[i++ % values.length];
  return p;
}

describe('backoff()', () => {
  it('is the base times 0.75–1.25 by jitter, never below min nor above max', () => {
    expect(backoff(1000, 1000, 30000, 0.5)).toBe(1000);
    expect(backoff(4000, 1000, 30000, 0)).toBe(3000);
    expect(backoff(4000, 1000, 30000, 0.999)).toBe(4998);
    expect(backoff(1000, 1000, 30000, 0)).toBe(1000); // 750 → min
    expect(backoff(30000, 1000, 30000, 0.99)).toBe(30000); // 37350 → max
    expect(backoff(30000, 1000, 30000, 0)).toBe(22500);
  });
});

describe.each(codecs)('client reconnect (%s)', (_name, codec) => {
  it('delays double from reconnectMin to reconnectMax, jittered by platform.random()', () => {
    const p = fixedRandom(0.5, 0, 1 - 1e-9, 0.5, 0.2, 0.5);
    const h = harness(codec, { reconnectMin: 500, reconnectMax: 8000 }, undefined, p);
    h.client.connect();
    const at: number[] = [];
    for (let i = 0; i < 6; i++) {
      h.tr.refuse();
      const n = h.t.made.length;
      while (h.t.made.length === n) p.advance(1);
      at.push(p.now());
    }
    // bases 500, 1000, 2000, 4000, 8000, 8000 × (0.75 + r/2), clamped to [500, 8000]
    expect(h.ev('reconnect')).toEqual([[1, 500], [2, 750], [3, 2500], [4, 4000], [5, 6800], [6, 8000]]);
    expect(at).toEqual([500, 1250, 3750, 7750, 14550, 22550]);
  });

  // A link that made progress: each way the broker can show it works.
  const progress: [string, (h: ReturnType<typeof harness>) => void][] = [
    ['a PUBACK', (h) => { h.client.publish('t', 'x', { qos: 1 }); h.tr.deliver({ cmd: 'puback', messageId: (h.tr.take()[0] as { messageId: number }).messageId }); }],
    ['a PUBREC', (h) => { h.client.publish('t', 'x', { qos: 2 }); h.tr.deliver({ cmd: 'pubrec', messageId: (h.tr.take()[0] as { messageId: number }).messageId }); }],
    ['a SUBACK', (h) => { h.client.subscribe('t', { qos: 1 }); h.tr.deliver({ cmd: 'suback', messageId: (h.tr.take()[0] as { messageId: number }).messageId, granted: [1] }); }],
    ['an UNSUBACK', (h) => { h.client.unsubscribe('t'); h.tr.deliver({ cmd: 'unsuback', messageId: (h.tr.take()[0] as { messageId: number }).messageId }); }],
    ['a PINGRESP', (h) => h.tr.deliver({ cmd: 'pingresp' })],
    ['a message delivered', (h) => h.tr.deliver({ cmd: 'publish', topic: 't', payload: Buffer.from('m'), qos: 0, retain: false, dup: false })],
  ];

  it.each(progress.filter((c) => fullClient(codec) || c[0] != 'a PUBREC'))('the backoff and attempt count reset after a link that made progress: %s', (_what, makeProgress) => {
    const p = fixedRandom(0.5);
    const h = harness(codec, { reconnectMin: 1000, reconnectMax: 8000, keepalive: 0 }, undefined, p);
    h.client.connect();
    h.tr.refuse();
    p.advance(1000);
    h.tr.refuse();
    p.advance(2000);
    h.handshake();
    p.advance(10); // a short-lived link: only its progress counts, not how long it lasted
    makeProgress(h);
    h.tr.drop();
    expect(h.ev('reconnect')).toEqual([[1, 1000], [2, 2000], [1, 1000]]);
  });

  it('a link that stayed up long but got nothing after CONNACK keeps the backoff climbing', () => {
    const p = fixedRandom(0.5);
    const h = harness(codec, { reconnectMin: 1000, reconnectMax: 8000, keepalive: 0 }, undefined, p);
    h.client.connect();
    h.tr.refuse();
    p.advance(1000);
    h.handshake();
    p.advance(60000);
    h.tr.drop();
    expect(h.ev('reconnect')).toEqual([[1, 1000], [2, 2000]]);
  });

  it('a link that made progress and then broke the protocol keeps the backoff climbing', () => {
    const p = fixedRandom(0.5);
    const h = harness(codec, { reconnectMin: 1000, reconnectMax: 8000, keepalive: 0 }, undefined, p);
    h.client.connect();
    h.tr.refuse();
    p.advance(1000);
    h.handshake();
    h.tr.deliver({ cmd: 'pingresp' });
    h.tr.deliver({ cmd: 'puback', messageId: 77 }); // nothing outstanding has that id
    expect(h.ev('reconnect')).toEqual([[1, 1000], [2, 2000]]);
  });

  it('a broker that closes each link soon after CONNACK (a message it will not take, resent every time) is not hot-looped', () => {
    const p = fixedRandom(0.5);
    const h = harness(codec, { reconnectMin: 1000, reconnectMax: 8000, keepalive: 0 }, undefined, p);
    h.client.connect();
    for (let i = 0; i < 5; i++) {
      const n = h.t.made.length;
      while (i && h.t.made.length === n) p.advance(1); // the backoff runs out
      h.handshake();
      p.advance(7999); // just short of reconnectMax
      h.tr.drop();
    }
    expect(h.ev('reconnect').map((r) => r[1])).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(h.ev('reconnect').map((r) => r[0])).toEqual([1, 2, 3, 4, 5]);
  });

  it('a connection lost after CONNACK: close (reason), reconnecting, reconnect event, resumes on CONNACK', () => {
    const h = harness(codec);
    h.up();
    h.tr.drop(new Error('ECONNRESET'));
    expect(h.client.state).toBe('reconnecting');
    expect(h.client.connected).toBe(false);
    expect(h.ev('close')).toEqual([[new Error('ECONNRESET')]]);
    expect(h.ev('reconnect').length).toBe(1);
    const delay = h.ev('reconnect')[0][1] as number;
    h.platform.advance(delay - 1);
    expect(h.t.made.length).toBe(1);
    h.platform.advance(1);
    expect(h.t.made.length).toBe(2);
    expect(h.client.state).toBe('reconnecting');
    h.handshake();
    expect(h.client.state).toBe('connected');
    expect(h.ev('connect').length).toBe(2);
  });

  it('a link closed by the broker without a reason still closes with an Error', () => {
    const h = harness(codec);
    h.up();
    h.tr.close();
    expect((h.ev('close')[0][0] as Error).message).toBe('connection closed');
  });

  it('events from an abandoned transport are ignored', () => {
    const h = harness(codec, { connectTimeout: 1000 });
    h.client.connect();
    const first = h.tr;
    h.platform.advance(1000); // timed out; closed by the client
    h.platform.advance(1250);
    expect(h.t.made.length).toBe(2);
    first.state = 'open';
    first.h!.onOpen();
    first.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    first.h!.onClose(new Error('late'));
    expect(h.client.state).toBe('reconnecting');
    expect(h.ev('connect')).toEqual([]);
    expect(h.ev('close').length).toBe(1);
  });

  it('reconnect: false — after a drop the client stays closed, no timer left; connect() starts again', () => {
    const h = harness(codec, { reconnect: false });
    h.up();
    h.tr.drop();
    expect(h.client.state).toBe('closed');
    expect(h.ev('reconnect')).toEqual([]);
    expect(h.platform.pending).toBe(0);
    h.client.connect();
    expect(h.t.made.length).toBe(2);
    h.handshake();
    expect(h.client.connected).toBe(true);
  });
});
