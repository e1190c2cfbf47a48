// end(): graceful (waits, bounded, for in-flight QoS 1/2, then DISCONNECT) and forced;
// afterwards no timer is left, 'end' is emitted and publish fails.
import { describe, it, expect } from 'vitest';
import { harness, codecs, cmds, fullClient } from '../support/client-harness';
import { MemoryStore } from '../../src/core/memory-store';

describe.each(codecs)('client end (%s)', (_name, codec) => {
  it('graceful with nothing in flight: DISCONNECT, close, end; no timer left', () => {
    const h = harness(codec);
    h.up();
    let called = 0;
    h.client.end(false, () => { called++; });
    expect(cmds(h.tr.take())).toEqual(['disconnect']);
    expect(h.tr.state).toBe('closed');
    expect(h.client.state).toBe('closed');
    expect(h.client.connected).toBe(false);
    expect(called).toBe(1);
    expect(h.events.map((e) => e[0])).toEqual(['connect', 'close', 'end']);
    expect(h.ev('close')).toEqual([[]]); // a requested close has no error
    expect(h.platform.pending).toBe(0);
    h.platform.advance(600000);
    expect(h.t.made.length).toBe(1); // no reconnect
  });

  it.runIf(fullClient(codec))('graceful waits for in-flight QoS 1 and 2 to complete, then DISCONNECT', () => {
    const h = harness(codec);
    h.up();
    const done: unknown[] = [];
    h.client.publish('t', 'a', { qos: 1 }, (e) => done.push(['a', e]));
    h.client.publish('t', 'b', { qos: 2 }, (e) => done.push(['b', e]));
    h.tr.take();
    let ended = 0;
    h.client.end(false, () => { ended++; });
    expect(h.tr.take()).toEqual([]);
    expect(h.client.state).toBe('connected');
    h.client.publish('t', 'late', { qos: 1 }, (e) => done.push(['late', e!.message]));
    h.tr.deliver({ cmd: 'puback', messageId: 1 });
    h.tr.deliver({ cmd: 'pubrec', messageId: 2 });
    expect(cmds(h.tr.take())).toEqual(['pubrel']);
    expect(ended).toBe(0);
    h.tr.deliver({ cmd: 'pubcomp', messageId: 2 });
    expect(cmds(h.tr.take())).toEqual(['disconnect']);
    expect(done).toEqual([['late', 'client ended'], ['a', undefined], ['b', undefined]]);
    expect(ended).toBe(1);
    expect(h.client.state).toBe('closed');
    expect(h.platform.pending).toBe(0);
  });

  it.runIf(fullClient(codec))('graceful wait is bounded (default 5 s): then DISCONNECT anyway, the callbacks fail, the record stays stored', () => {
    const store = new MemoryStore();
    const h = harness(codec, { keepalive: 3 }, store);
    h.up();
    const done: unknown[] = [];
    h.client.publish('t', 'a', { qos: 1 }, (e) => done.push(e && e.message));
    h.tr.take();
    h.client.end();
    h.platform.advance(3000);
    expect(cmds(h.tr.take())).toEqual(['pingreq']); // keepalive still runs while waiting
    h.tr.deliver({ cmd: 'pingresp' });
    h.platform.advance(1999);
    expect(h.client.state).toBe('connected');
    h.platform.advance(1);
    expect(cmds(h.tr.take())).toEqual(['disconnect']);
    expect(h.client.state).toBe('closed');
    expect(done).toEqual(['client ended']);
    expect(Object.keys(store.all())).toEqual(['o1']); // still owed to the broker: resent by the next run
    expect(h.platform.pending).toBe(0);
  });

  it('endTimeout sets the bound', () => {
    const h = harness(codec, { endTimeout: 100 });
    h.up();
    h.client.publish('t', 'a', { qos: 1 });
    h.client.end();
    h.platform.advance(99);
    expect(h.client.state).toBe('connected');
    h.platform.advance(1);
    expect(h.client.state).toBe('closed');
  });

  it('the link dropping during a graceful wait ends the client, no reconnect', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('t', 'a', { qos: 1 });
    h.client.end();
    h.tr.drop();
    expect(h.client.state).toBe('closed');
    expect(h.ev('end').length).toBe(1);
    expect(h.platform.pending).toBe(0);
  });

  it('force: closes at once without waiting; no timer left', () => {
    const h = harness(codec);
    h.up();
    const done: unknown[] = [];
    h.client.publish('t', 'a', { qos: 1 }, (e) => done.push(e && e.message));
    h.client.subscribe('s', {}, (e) => done.push(e && e.message));
    h.tr.take();
    h.client.end(true);
    expect(cmds(h.tr.take())).toEqual(['disconnect']);
    expect(h.tr.state).toBe('closed');
    expect(done).toEqual(['client ended', 'client ended']);
    expect(h.ev('end').length).toBe(1);
    expect(h.platform.pending).toBe(0);
  });

  it('force during a graceful wait (the first callback still runs, once)', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('t', 'a', { qos: 1 });
    let called = 0;
    h.client.end(false, () => { called++; });
    h.client.end(true);
    expect(h.client.state).toBe('closed');
    expect(called).toBe(1);
    expect(h.ev('end').length).toBe(1);
    expect(h.platform.pending).toBe(0);
  });

  it('while reconnecting (backoff timer running): stops it, ends, no timer left', () => {
    const h = harness(codec);
    h.up();
    h.tr.drop();
    expect(h.platform.pending).toBe(1);
    h.client.end();
    expect(h.client.state).toBe('closed');
    expect(h.ev('end').length).toBe(1);
    expect(h.platform.pending).toBe(0);
    h.platform.advance(600000);
    expect(h.t.made.length).toBe(1);
  });

  it('while connecting: the transport is closed, no CONNECT written later', () => {
    const h = harness(codec);
    h.client.connect();
    h.client.end();
    expect(h.tr.state).toBe('closed');
    expect(h.client.state).toBe('closed');
    expect(h.platform.pending).toBe(0);
    expect(h.events.map((e) => e[0])).toEqual(['close', 'end']);
  });

  it('before connect(): just ends', () => {
    const h = harness(codec);
    h.client.end();
    expect(h.ev('end').length).toBe(1);
    expect(h.t.made.length).toBe(0);
    expect(h.platform.pending).toBe(0);
  });

  it('after end: publish, subscribe and unsubscribe fail with "client ended"', () => {
    const h = harness(codec);
    h.up();
    h.client.end();
    const got: string[] = [];
    h.client.publish('t', 'x', { qos: 1 }, (e) => got.push(e!.message));
    h.client.publish('t', 'x', {}, (e) => got.push(e!.message));
    h.client.subscribe('t', {}, (e) => got.push(e!.message));
    h.client.unsubscribe('t', (e) => got.push(e!.message));
    expect(got).toEqual(['client ended', 'client ended', 'client ended', 'client ended']);
    expect(h.platform.pending).toBe(0);
  });

  it('a close listener may call end(): one end event, no reconnect', () => {
    const h = harness(codec);
    h.up();
    h.client.on('close', () => h.client.end());
    h.tr.drop();
    expect(h.ev('end').length).toBe(1);
    expect(h.ev('reconnect')).toEqual([]);
    expect(h.client.state).toBe('closed');
    expect(h.platform.pending).toBe(0);
  });

  it.runIf(fullClient(codec))('a callback of an unwritten QoS 0 publish that fails as the link drops may call end(): no reconnect', () => {
    const h = harness(codec);
    h.up();
    h.tr.writable = false;
    h.client.publish('t', 'first'); // written; the transport now reports back-pressure
    h.client.publish('t', 'second', {}, () => h.client.end()); // waits for the link, fails when it drops
    h.tr.drop(new Error('reset'));
    expect(h.ev('end').length).toBe(1);
    expect(h.client.state).toBe('closed');
    expect(h.platform.pending).toBe(0);
    h.platform.advance(600000);
    expect(h.t.made.length).toBe(1); // no reconnect
  });

  it('connect() after end() starts a new session and resends what is still owed', () => {
    const h = harness(codec);
    h.up();
    h.client.publish('t', 'a', { qos: 1 });
    h.client.end(true);
    h.client.connect();
    const sent = h.handshake();
    expect(sent.map((p: any) => [p.cmd, p.messageId, p.dup])).toEqual([['publish', 1, true]]);
  });
});
