// Inbound PUBLISH at QoS 0/1/2 (acked with the packet's own QoS, QoS 2 delivered exactly once)
// and the broker's protocol violations.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, text, fullClient } from '../support/client-harness';
import { MemoryStore } from '../../src/core/memory-store';
import type { PublishPacket, QoS } from '../../src/core/types';

const pub = (qos: QoS, messageId?: number, dup = false, payload = 'hi'): PublishPacket =>
  ({ cmd: 'publish', topic: 'in/t', payload: Buffer.from(payload), qos, retain: false, dup, messageId });

describe.each(codecs)('client inbound (%s)', (_name, codec) => {
  it('QoS 0: delivered, not acked', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver(pub(0));
    const m = h.ev('message');
    expect(m.length).toBe(1);
    expect(m[0][0]).toBe('in/t');
    expect(text(m[0][1])).toBe('hi');
    expect((m[0][2] as PublishPacket).qos).toBe(0);
    expect(h.tr.take()).toEqual([]);
  });

  it('QoS 1: delivered, then PUBACK with the same id', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver(pub(1, 7));
    expect(h.ev('message').length).toBe(1);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'puback', messageId: 7 }]);
  });

  it('QoS 1 resent (dup) is delivered again: at-least-once', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver(pub(1, 7));
    h.tr.deliver(pub(1, 7, true));
    expect(h.ev('message').length).toBe(2);
  });

  it.runIf(fullClient(codec))('QoS 2: delivered once on the first PUBLISH, PUBREC; a resent PUBLISH is acked, not delivered; PUBREL → PUBCOMP', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.up();
    h.tr.deliver(pub(2, 9));
    expect(h.ev('message').length).toBe(1);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrec', messageId: 9 }]);
    expect(Object.keys(store.all())).toEqual(['i9']); // remembered durably
    h.tr.deliver(pub(2, 9, true));
    expect(h.ev('message').length).toBe(1);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrec', messageId: 9 }]);
    h.tr.deliver({ cmd: 'pubrel', messageId: 9 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubcomp', messageId: 9 }]);
    expect(store.all()).toEqual({});
    // the id is free again: a new message with it is new
    h.tr.deliver(pub(2, 9, false, 'next'));
    expect(h.ev('message').length).toBe(2);
  });

  it.runIf(fullClient(codec))('QoS 2 across a reconnect: the broker resends PUBLISH (dup), then PUBREL — delivered once', () => {
    const h = harness(codec, { clean: false });
    h.up();
    h.tr.deliver(pub(2, 4));
    h.tr.drop();
    h.platform.advance(60000);
    h.handshake(true);
    h.tr.deliver(pub(2, 4, true));
    h.tr.deliver({ cmd: 'pubrel', messageId: 4 });
    expect(h.ev('message').length).toBe(1);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrec', messageId: 4 }, { cmd: 'pubcomp', messageId: 4 }]);
  });

  it.runIf(fullClient(codec))('QoS 2 id remembered in the store survives a restart (a new Client on the same store)', () => {
    const store = new MemoryStore();
    const a = harness(codec, { clean: false }, store);
    a.up();
    a.tr.deliver(pub(2, 5));
    expect(a.ev('message').length).toBe(1);
    a.client.end(true);
    const b = harness(codec, { clean: false }, store);
    b.up(true);
    b.tr.deliver(pub(2, 5, true));
    expect(b.ev('message').length).toBe(0);
    expect(b.tr.take().map(plain)).toEqual([{ cmd: 'pubrec', messageId: 5 }]);
  });

  it.runIf(fullClient(codec))('QoS 2 ids are forgotten when the broker has no session (sessionPresent=0): the next message with that id is new', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.up();
    h.tr.deliver(pub(2, 6));
    expect(Object.keys(store.all())).toEqual(['i6']);
    h.tr.drop(); // before PUBREL
    h.platform.advance(1250);
    h.handshake(false);
    expect(store.all()).toEqual({});
    h.tr.deliver(pub(2, 6, false, 'new'));
    expect(h.ev('message').length).toBe(2);
  });

  it('a PUBREL for an unknown id still gets PUBCOMP', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver({ cmd: 'pubrel', messageId: 321 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubcomp', messageId: 321 }]);
    expect(h.ev('error')).toEqual([]);
  });

  it('PINGRESP is accepted silently', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver({ cmd: 'pingresp' });
    expect(h.ev('error')).toEqual([]);
    expect(h.client.connected).toBe(true);
  });

  it.runIf(fullClient(codec))('a PUBACK for a QoS 2 publish completes it with a warning (RabbitMQ downgrades QoS 2 to 1)', () => {
    const h = harness(codec);
    h.up();
    const done: unknown[] = [];
    h.client.publish('t', 'x', { qos: 2 }, (err) => done.push(err));
    h.tr.take();
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    expect(done).toEqual([undefined]);
    expect(h.ev('error')).toEqual([]);
    expect(h.client.connected).toBe(true);
    expect(h.platform.logs.some((l) => /warn: .*QoS 2.*PUBACK/.test(l))).toBe(true);
    h.tr.deliver({ cmd: 'puback', messageId: 1 }); // and it is done: a second one is a violation
    expect(h.ev('error').length).toBe(1);
  });

  it.runIf(fullClient(codec))('a repeated PUBREC is answered with PUBREL again, and PUBCOMP still completes', () => {
    const h = harness(codec);
    h.up();
    const done: unknown[] = [];
    h.client.publish('t', 'x', { qos: 2 }, (err) => done.push(err));
    h.tr.take();
    h.tr.deliver({ cmd: 'pubrec', messageId: 1 });
    h.tr.deliver({ cmd: 'pubrec', messageId: 1 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrel', messageId: 1 }, { cmd: 'pubrel', messageId: 1 }]);
    expect(done).toEqual([]);
    h.tr.deliver({ cmd: 'pubcomp', messageId: 1 });
    expect(done).toEqual([undefined]);
    expect(h.ev('error')).toEqual([]);
  });

  describe('protocol violations: an error naming it, the link closed, the normal reconnect path', () => {
    const cases: [string, (h: ReturnType<typeof harness>) => void, string][] = [
      ['PUBACK for an id never used', (h) => h.tr.deliver({ cmd: 'puback', messageId: 42 }), 'unexpected PUBACK for packet id 42'],
      ['PUBCOMP for an id never used', (h) => h.tr.deliver({ cmd: 'pubcomp', messageId: 3 }), 'unexpected PUBCOMP for packet id 3'],
      ['SUBACK for an id never used', (h) => h.tr.deliver({ cmd: 'suback', messageId: 3, granted: [0] }), 'unexpected SUBACK for packet id 3'],
      ['UNSUBACK for an id never used', (h) => h.tr.deliver({ cmd: 'unsuback', messageId: 3 }), 'unexpected UNSUBACK for packet id 3'],
      ['PUBCOMP before PUBREC', (h) => { h.client.publish('t', 'x', { qos: 2 }); h.tr.deliver({ cmd: 'pubcomp', messageId: 1 }); }, 'unexpected PUBCOMP for packet id 1'],
      ['PUBREC for a QoS 1 message', (h) => { h.client.publish('t', 'x', { qos: 1 }); h.tr.deliver({ cmd: 'pubrec', messageId: 1 }); }, 'unexpected PUBREC for packet id 1'],
      ['SUBACK answering a PUBLISH id', (h) => { h.client.publish('t', 'x', { qos: 1 }); h.tr.deliver({ cmd: 'suback', messageId: 1, granted: [1] }); }, 'unexpected SUBACK for packet id 1'],
      ['SUBSCRIBE from the broker', (h) => h.tr.deliver({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] }), 'unexpected SUBSCRIBE for packet id 1'],
      ['PINGREQ from the broker', (h) => h.tr.deliver({ cmd: 'pingreq' }), 'unexpected PINGREQ'],
      ['DISCONNECT from the broker', (h) => h.tr.deliver({ cmd: 'disconnect' }), 'unexpected DISCONNECT'],
      ['CONNECT from the broker', (h) => h.tr.deliver({ cmd: 'connect', clientId: 'x', clean: true, keepalive: 0, protocolId: 'MQTT', protocolVersion: 4 }), 'unexpected CONNECT'],
    ];
    // (QoS 2 cases: the full client only)
    it.each(cases.filter((c) => fullClient(codec) || !/PUBCOMP before PUBREC/.test(c[0])))('%s', (_what, act, message) => {
      const h = harness(codec);
      h.up();
      act(h);
      const errs = h.ev('error');
      expect(errs.length).toBe(1);
      // Packet types a broker never sends are refused by the board codec's parser already,
      // with its own wording; both name the type.
      const m = (errs[0][0] as Error).message;
      if (/for packet id/.test(message) && !/SUBSCRIBE/.test(message)) expect(m).toBe('protocol violation: ' + message);
      else expect(m.startsWith('protocol violation: ' + message.split(' ').slice(0, 2).join(' '))).toBe(true);
      expect(h.tr.state).toBe('closed');
      expect(h.ev('close')[0][0]).toBe(errs[0][0]);
      expect(h.client.state).toBe('reconnecting');
      expect(h.ev('reconnect').length).toBe(1);
    });

    it('a parser error (malformed bytes) is a violation too, and packets after it are ignored', () => {
      const h = harness(codec);
      h.up();
      // PUBLISH QoS 3 (reserved), then a valid QoS 0 PUBLISH in the same chunk
      h.tr.deliverBytes(new Uint8Array([0x36, 0x03, 0x00, 0x01, 0x61, 0x30, 0x03, 0x00, 0x01, 0x62]));
      const errs = h.ev('error');
      expect(errs.length).toBe(1);
      expect((errs[0][0] as Error).message).toMatch(/^protocol violation: /);
      expect(h.ev('message')).toEqual([]);
      expect(h.tr.state).toBe('closed');
      expect(h.client.state).toBe('reconnecting');
    });

    it('the next attempt starts clean: a fresh parser and transport', () => {
      const h = harness(codec);
      h.up();
      h.tr.deliver({ cmd: 'puback', messageId: 42 });
      h.platform.advance(1250); // reconnectMin 1000 × at most 1.25 jitter
      expect(h.t.made.length).toBe(2);
      h.handshake();
      h.tr.deliver(pub(0));
      expect(h.ev('message').length).toBe(1);
    });
  });
});
