// Outbound PUBLISH at QoS 0/1/2: completion callbacks, packet ids, the in-flight store,
// the PUBREC → PUBREL → PUBCOMP handshake, DUP on resends, resends only after CONNACK.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, cmds, fullClient } from '../support/client-harness';
import { MemoryStore } from '../../src/core/memory-store';
import type { Store, StoredRecord } from '../../src/core/types';

const done = () => { const calls: (Error | undefined)[] = []; const cb = (e?: Error) => { calls.push(e); }; return { calls, cb }; };

describe.each(codecs)('client publish (%s)', (_name, codec) => {
  it('QoS 0: written at once, callback when written, no packet id, nothing stored', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.up();
    const d = done();
    h.client.publish('a/b', 'hello', { retain: true }, d.cb);
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'publish', topic: 'a/b', payload: 'hello', qos: 0, retain: true, dup: false }]);
    expect(d.calls).toEqual([undefined]);
    expect(store.all()).toEqual({});
  });

  it.runIf(fullClient(codec))('QoS 1: callback only at PUBACK; the record leaves the store then', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.up();
    const d = done();
    h.client.publish('t', 'x', { qos: 1 }, d.cb);
    const [p] = h.tr.take().map(plain);
    expect(p).toEqual({ cmd: 'publish', topic: 't', payload: 'x', qos: 1, retain: false, dup: false, messageId: 1 });
    expect(Object.keys(store.all())).toEqual(['o1']);
    expect(d.calls).toEqual([]);
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    expect(d.calls).toEqual([undefined]);
    expect(store.all()).toEqual({});
  });

  it.runIf(fullClient(codec))('QoS 2: PUBREC → PUBREL (stored state pubrel) → PUBCOMP completes', () => {
    const store = new MemoryStore();
    const h = harness(codec, {}, store);
    h.up();
    const d = done();
    h.client.publish('t', 'x', { qos: 2 }, d.cb);
    expect(plain(h.tr.take()[0])).toMatchObject({ cmd: 'publish', qos: 2, messageId: 1 });
    h.tr.deliver({ cmd: 'pubrec', messageId: 1 });
    expect(h.tr.take().map(plain)).toEqual([{ cmd: 'pubrel', messageId: 1 }]);
    expect(store.all()).toEqual({ o1: { cmd: 'pubrel', messageId: 1 } });
    expect(d.calls).toEqual([]);
    h.tr.deliver({ cmd: 'pubcomp', messageId: 1 });
    expect(d.calls).toEqual([undefined]);
    expect(store.all()).toEqual({});
    expect(h.ev('error')).toEqual([]);
  });

  it('an invalid topic fails the callback and sends nothing', () => {
    const h = harness(codec);
    h.up();
    for (const topic of ['a/+/b', 'a/#', '', 'nul\u0000']) {
      const d = done();
      h.client.publish(topic, 'x', { qos: 1 }, d.cb);
      expect(d.calls.length).toBe(1);
      expect(d.calls[0]!.message).toMatch(/topic/);
    }
    expect(h.tr.take()).toEqual([]);
  });

  it('without a callback, a failed publish is an error event', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('a/#', 'x');
    expect((h.ev('error')[0][0] as Error).message).toMatch(/wildcard/);
  });

  it('a QoS above 2 is refused', () => {
    const h = harness(codec);
    h.up();
    const d = done();
    h.client.publish('t', 'x', { qos: 3 as never }, d.cb);
    expect(d.calls[0]!.message).toBe('QoS must be 0, 1 or 2');
    expect(h.tr.take()).toEqual([]);
  });

  it('payloads: strings as UTF-8, bytes as given', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('t', '现在天黑了');
    h.client.publish('t', new Uint8Array([0, 1, 254, 255]));
    const [a, b] = h.tr.take() as any[];
    expect(Buffer.from(a.payload).toString('utf8')).toBe('现在天黑了');
    expect([...b.payload]).toEqual([0, 1, 254, 255]);
  });

  it.runIf(fullClient(codec))('stores the message BEFORE writing it', () => {
    const log: string[] = [];
    const inner = new MemoryStore();
    const store: Store = {
      put(k: string, v: StoredRecord) { log.push('put ' + k); inner.put(k, v); },
      del(k: string) { log.push('del ' + k); inner.del(k); },
      all: () => inner.all(),
    };
    const h = harness(codec, {}, store);
    h.up();
    const write = h.tr.write.bind(h.tr);
    h.tr.write = (b: Uint8Array) => { log.push('write'); return write(b); };
    h.client.publish('t', 'x', { qos: 1 });
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    expect(log).toEqual(['put o1', 'write', 'del o1']);
  });

  it.runIf(fullClient(codec))('packet ids count up, wrap after 65535 and skip ids still in flight', () => {
    const rec = (id: number) => ({ cmd: 'publish', topic: 't', payload: new Uint8Array(0), qos: 1, retain: false, dup: false, messageId: id });
    const store = new MemoryStore();
    store.put('o1', rec(1));
    store.put('o3', rec(3));
    store.put('o65535', rec(65535)); // the last id used by the previous run
    const h = harness(codec, {}, store);
    h.up(true);
    h.tr.take();
    for (let i = 0; i < 3; i++) h.client.publish('t', 'x', { qos: 1 });
    expect(h.tr.take().map((p: any) => p.messageId)).toEqual([2, 4, 5]); // 65535 → 1 (held) → 2; 3 held → 4; 5
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    h.tr.deliver({ cmd: 'puback', messageId: 3 });
    h.client.publish('t', 'x', { qos: 1 });
    expect(h.tr.take().map((p: any) => p.messageId)).toEqual([6]);
  });

  it.runIf(fullClient(codec))('resends in-flight after the next CONNACK (never before), in order, DUP set, PUBREL for those past PUBREC', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('t', 'one', { qos: 1 });
    h.client.publish('t', 'two', { qos: 2 });
    h.client.publish('t', 'three', { qos: 2 });
    h.tr.take();
    h.tr.deliver({ cmd: 'pubrec', messageId: 2 });
    expect(cmds(h.tr.take())).toEqual(['pubrel']);
    h.tr.drop();
    h.platform.advance(60000);
    const tr = h.tr;
    tr.accept();
    expect(cmds(tr.take())).toEqual(['connect']); // nothing else before CONNACK
    tr.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: true });
    expect(tr.take().map(plain)).toEqual([
      { cmd: 'publish', topic: 't', payload: 'one', qos: 1, retain: false, dup: true, messageId: 1 },
      { cmd: 'pubrel', messageId: 2 },
      { cmd: 'publish', topic: 't', payload: 'three', qos: 2, retain: false, dup: true, messageId: 3 },
    ]);
    // and once more on a further reconnect: DUP stays set
    tr.drop();
    h.platform.advance(60000);
    expect(h.handshake(true).map(plain).map((p) => p.dup)).toEqual([true, undefined, true]);
  });

  it('with clean=true (no session) in-flight messages are resent anyway', () => {
    const h = harness(codec, { clean: true });
    h.up();
    const d = done();
    h.client.publish('t', 'x', { qos: 1 }, d.cb);
    h.tr.take();
    h.tr.drop();
    h.platform.advance(60000);
    expect(h.handshake(false).map(plain)).toEqual([{ cmd: 'publish', topic: 't', payload: 'x', qos: 1, retain: false, dup: true, messageId: 1 }]);
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    expect(d.calls).toEqual([undefined]);
  });

  it.runIf(fullClient(codec))('a QoS 0 publish not yet written when the link drops fails its callback', () => {
    const h = harness(codec);
    h.up();
    h.tr.writable = false;
    h.client.publish('t', 'first'); // written; the transport now reports back-pressure
    const d = done();
    h.client.publish('t', 'second', {}, d.cb); // waits for onDrain
    expect(d.calls).toEqual([]);
    h.tr.drop(new Error('reset'));
    expect(d.calls.length).toBe(1);
    expect(d.calls[0]!.message).toBe('reset');
  });
});
