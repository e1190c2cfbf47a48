// Persistence: what a previous run left in the Store (a power cut) is resent after the first
// CONNACK, in order, and packet ids continue past it. MemoryStore's own contract too.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, text, fullClient } from '../support/client-harness';
import { MemoryStore } from '../../src/core/memory-store';

describe('MemoryStore', () => {
  it('put/del/all, in insertion order of the first put; a re-put keeps its place, a deleted key re-put goes last', () => {
    const s = new MemoryStore();
    s.put('o2', { a: 1 });
    s.put('o1', { a: 2 });
    s.put('i7', {});
    s.put('o2', { a: 3 });
    expect(Object.keys(s.all())).toEqual(['o2', 'o1', 'i7']);
    expect(s.all().o2).toEqual({ a: 3 });
    s.del('o1');
    s.del('missing');
    s.put('o1', { a: 4 });
    expect(Object.keys(s.all())).toEqual(['o2', 'i7', 'o1']);
  });
  it('all() is a snapshot: changing the store later does not change it', () => {
    const s = new MemoryStore();
    s.put('a', {});
    const snap = s.all();
    s.del('a');
    expect(Object.keys(snap)).toEqual(['a']);
  });
});

describe.each(codecs)('client persistence (%s)', (_name, codec) => {
  it.runIf(fullClient(codec))('a power cut mid-flight: the next run resends (after its first CONNACK) and completes it', () => {
    const store = new MemoryStore();
    const a = harness(codec, {}, store);
    a.up();
    a.client.publish('t', 'one', { qos: 1 });
    a.client.publish('t', 'two', { qos: 2 });
    a.client.publish('t', 'three', { qos: 2 });
    a.tr.deliver({ cmd: 'pubrec', messageId: 2 });
    // power cut: the first client simply vanishes; only the store remains
    const b = harness(codec, {}, store);
    b.client.connect();
    b.tr.accept();
    expect(b.tr.take().map((p) => p.cmd)).toEqual(['connect']);
    b.tr.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: true });
    expect(b.tr.take().map(plain)).toEqual([
      { cmd: 'publish', topic: 't', payload: 'one', qos: 1, retain: false, dup: true, messageId: 1 },
      { cmd: 'pubrel', messageId: 2 },
      { cmd: 'publish', topic: 't', payload: 'three', qos: 2, retain: false, dup: true, messageId: 3 },
    ]);
    b.tr.deliver({ cmd: 'puback', messageId: 1 });
    b.tr.deliver({ cmd: 'pubcomp', messageId: 2 });
    b.tr.deliver({ cmd: 'pubrec', messageId: 3 });
    b.tr.deliver({ cmd: 'pubcomp', messageId: 3 });
    expect(store.all()).toEqual({});
    expect(b.ev('error')).toEqual([]);
  });

  it.runIf(fullClient(codec))('messages queued offline survive a restart too, behind the in-flight ones', () => {
    const store = new MemoryStore();
    const a = harness(codec, {}, store);
    a.up();
    a.client.publish('t', 'sent', { qos: 1 });
    a.tr.drop();
    a.client.publish('t', 'queued', { qos: 1 });
    const b = harness(codec, {}, store);
    expect(b.up(true).map((p: any) => text(p.payload))).toEqual(['sent', 'queued']);
  });

  it.runIf(fullClient(codec))('packet ids continue past the loaded records', () => {
    const store = new MemoryStore();
    store.put('o40', { cmd: 'publish', topic: 't', payload: new Uint8Array([1]), qos: 1, retain: false, dup: false, messageId: 40 });
    store.put('o41', { cmd: 'pubrel', messageId: 41 });
    const h = harness(codec, {}, store);
    h.up(true);
    h.client.publish('t', 'new', { qos: 1 });
    expect((h.tr.take()[0] as any).messageId).toBe(42);
  });

  it('the store is read once, at construction; nothing is sent before connect() and CONNACK', () => {
    const store = new MemoryStore();
    store.put('o1', { cmd: 'publish', topic: 't', payload: new Uint8Array([1]), qos: 1, retain: false, dup: false, messageId: 1 });
    const h = harness(codec, {}, store);
    expect(h.t.made.length).toBe(0);
    h.client.connect();
    h.tr.accept();
    expect(h.tr.take().map((p) => p.cmd)).toEqual(['connect']);
  });
});
