// Exhausted and hostile resources: every packet id in use, an oversized inbound PUBLISH that the
// codec skipped, a broker that cannot be reached, and QoS 0 piling up behind a stalled link.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, text, fullClient } from '../support/client-harness';
import type { Codec, SkippedPublish } from '../../src/core/types';

const outcomes = () => {
  const calls: (Error | undefined)[] = [];
  return { calls, callback: (error?: Error) => { calls.push(error); } };
};

/** A codec that keeps the client's onSkip, so a test can report a skipped PUBLISH as the codec would. */
function skippingCodec(codec: Codec) {
  const hook: { onSkip?: (skipped: SkippedPublish) => void; max?: number } = {};
  const wrapped: Codec = {
    encode: codec.encode,
    parser: (max, onPacket, onError, onSkip) => {
      hook.onSkip = onSkip;
      hook.max = max;
      return codec.parser(max, onPacket, onError);
    },
  };
  return { codec: wrapped, hook };
}

describe.each(codecs)('client limits (%s)', (_name, codec) => {
  it.runIf(fullClient(codec))('with all 65,535 packet ids unacknowledged, publish() returns and the next messages wait for a free id', () => {
    const h = harness(codec, { keepalive: 0 });
    h.up();
    const done = outcomes();
    const total = 65_535 + 5;
    for (let i = 1; i <= total; i++) h.client.publish('t', String(i), { qos: 1 }, done.callback);
    const sent = h.tr.take() as { messageId: number; payload: Uint8Array }[];
    expect(sent.length).toBe(65_535);
    expect(new Set(sent.map((p) => p.messageId)).size).toBe(65_535);
    expect(done.calls).toEqual([]);
    // Each acknowledgement frees an id, which the oldest waiting message takes.
    h.tr.deliver({ cmd: 'puback', messageId: 7 });
    const next = h.tr.take() as { messageId: number; payload: Uint8Array }[];
    expect(next.map((p) => [p.messageId, text(p.payload)])).toEqual([[7, String(65_536)]]);
    for (const id of [1, 2, 3, 4]) h.tr.deliver({ cmd: 'puback', messageId: id });
    expect((h.tr.take() as { payload: Uint8Array }[]).map((p) => text(p.payload))).toEqual(['65537', '65538', '65539', '65540']);
    expect(done.calls).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(h.ev('error')).toEqual([]);
  });

  it.runIf(fullClient(codec))('messages waiting for a packet id are bounded like the offline queue', () => {
    const h = harness(codec, { keepalive: 0, queueMax: 2 });
    h.up();
    const done = outcomes();
    for (let i = 1; i <= 65_535 + 3; i++) h.client.publish('t', 'x', { qos: 1 }, done.callback);
    expect(done.calls.map((e) => e && e.message)).toEqual(['queue full (2 messages / 65536 bytes)']);
  });

  it('an oversized PUBLISH the codec skipped: acknowledged at QoS 1, reported as oversize, never delivered, the link kept', () => {
    const { codec: wrapped, hook } = skippingCodec(codec);
    const h = harness(wrapped, { maxPacketSize: 1000 });
    h.up();
    expect(hook.max).toBe(1000);
    hook.onSkip!({ topic: 'lightChange', size: 2_000_000, qos: 1, messageId: 12 });
    expect(h.ev('oversize')).toEqual([['lightChange', 2_000_000, 1]]);
    expect(h.ev('message')).toEqual([]);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'puback', messageId: 12 }]);
    hook.onSkip!({ topic: 'big/zero', size: 5000, qos: 0 });
    expect(h.ev('oversize')[1]).toEqual(['big/zero', 5000, 0]);
    expect(h.tr.take()).toEqual([]);
    expect(h.client.connected).toBe(true);
    expect(h.ev('error')).toEqual([]);
    expect(h.ev('close')).toEqual([]);
  });

  it('an oversized QoS 2 PUBLISH goes through PUBREC / PUBREL / PUBCOMP and is reported once', () => {
    const { codec: wrapped, hook } = skippingCodec(codec);
    const h = harness(wrapped);
    h.up();
    hook.onSkip!({ topic: 't', size: 3_000_000, qos: 2, messageId: 5 });
    hook.onSkip!({ topic: 't', size: 3_000_000, qos: 2, messageId: 5 }); // resent before PUBREL
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrec', messageId: 5 }, { cmd: 'pubrec', messageId: 5 }]);
    h.tr.deliver({ cmd: 'pubrel', messageId: 5 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubcomp', messageId: 5 }]);
    expect(h.ev('oversize')).toEqual([['t', 3_000_000, 2]]);
    expect(h.client.connected).toBe(true);
  });

  it('an oversized message counts as progress: the backoff resets after that link', () => {
    const { codec: wrapped, hook } = skippingCodec(codec);
    const h = harness(wrapped, { keepalive: 0 });
    h.client.connect();
    h.tr.refuse();
    h.platform.advance(1250);
    h.handshake();
    hook.onSkip!({ topic: 't', size: 3_000_000, qos: 0 });
    h.tr.drop();
    expect(h.ev('reconnect').map((r) => r[0])).toEqual([1, 1]);
  });

  it("an unreachable broker: its error reaches 'error' as well as 'close', on every attempt, and the reconnect loop goes on", () => {
    const h = harness(codec);
    h.client.connect();
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1883');
    h.tr.refuse(refused);
    expect(h.ev('error')).toEqual([[refused]]);
    expect(h.ev('close')).toEqual([[refused]]);
    expect(h.client.state).toBe('reconnecting');
    h.platform.advance(1250);
    h.tr.refuse(refused);
    expect(h.ev('error').length).toBe(2);
    h.platform.advance(2500);
    h.handshake();
    expect(h.client.connected).toBe(true);
  });

  it("a link lost after it opened is a 'close' only; a refused CONNACK stays one 'error'", () => {
    const h = harness(codec);
    h.up();
    h.tr.drop(new Error('ECONNRESET'));
    expect(h.ev('error')).toEqual([]);
    h.platform.advance(1250);
    h.handshake(false, 5);
    expect(h.ev('error').map((e) => (e[0] as Error).message)).toEqual(['connection refused: not authorised']);
  });

  it.runIf(fullClient(codec))('QoS 0 behind a stalled link is bounded by sendQueueBytes: over it an error; QoS 1 waits; nothing accepted is lost', () => {
    const h = harness(codec, { sendQueueBytes: 10 });
    h.up();
    h.tr.writable = false;
    const done = outcomes();
    h.client.publish('t', 'first', {}, done.callback); // written: the transport then reports it is full
    h.client.publish('t', 'abcdef', {}, done.callback); // 6 bytes wait
    h.client.publish('t', 'ghijk', {}, done.callback); // 6 + 5 > 10
    h.client.publish('t', 'a QoS 1 message over the bound', { qos: 1 }, done.callback);
    expect(done.calls.map((e) => e && e.message)).toEqual([undefined, 'outbound queue full']);
    expect((h.tr.take() as { payload: Uint8Array }[]).map((p) => text(p.payload))).toEqual(['first']);
    h.tr.drain();
    expect((h.tr.take() as { payload: Uint8Array }[]).map((p) => text(p.payload))).toEqual(['abcdef', 'a QoS 1 message over the bound']);
    h.client.publish('t', 'ghijk', {}, done.callback); // room again
    expect(done.calls.map((e) => e && e.message)).toEqual([undefined, 'outbound queue full', undefined, undefined]);
  });
});
