// The client as a board profile builds it: features.ts swapped for one with QoS 2 and the
// durable store left out (the build does it by replacing the file; here the module is mocked).
import { describe, it, expect, vi } from 'vitest';
import { harness, codecs, plain } from '../support/client-harness';
import { MemoryStore } from '../../src/core/memory-store';

vi.mock('../../src/core/features', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/core/features')>()),
  WITH_QOS2: false,
  WITH_STORE: false,
}));

describe.each(codecs)('client without QoS 2 and the store (%s)', (_name, codec) => {
  it('a QoS 2 publish fails with a clear error; nothing is sent', () => {
    const h = harness(codec);
    h.up();
    const errors: (Error | undefined)[] = [];
    h.client.publish('t', 'x', { qos: 2 }, (error) => errors.push(error));
    expect(errors.map((e) => e && e.message)).toEqual(['QoS 2 is not in this build']);
    expect(h.tr.take()).toEqual([]);
  });

  it('a QoS 2 subscription asks for QoS 1', () => {
    const h = harness(codec);
    h.up();
    h.client.subscribe(['a', 'b'], { qos: 2 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 1 }, { topic: 'b', qos: 1 }] }]);
  });

  it('an inbound QoS 2 message is still answered (PUBREC, PUBCOMP), at least once', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver({ cmd: 'publish', topic: 't', payload: Buffer.from('m'), qos: 2, retain: false, dup: false, messageId: 4 });
    h.tr.deliver({ cmd: 'pubrel', messageId: 4 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrec', messageId: 4 }, { cmd: 'pubcomp', messageId: 4 }]);
    expect(h.ev('message').length).toBe(1);
  });

  it('a store passed in is not used; QoS 1 is kept in memory and resent after a reconnect as before', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.up();
    h.client.publish('t', 'kept', { qos: 1 });
    expect(store.all()).toEqual({});
    h.tr.drop();
    h.platform.advance(1250);
    expect(h.handshake(true).map(plain)).toEqual([{ cmd: 'publish', topic: 't', payload: 'kept', qos: 1, retain: false, dup: true, messageId: 1 }]);
  });
});
