// CONNECT contents, CONNACK outcomes, connect timeout and what may arrive before CONNACK.
import { describe, it, expect } from 'vitest';
import { harness, codecs, plain, cmds } from '../support/client-harness';
import { FakePlatform } from '../support/fake-platform';
import { Client } from '../../src/core/client';
import { refusal } from '../../src/core/connack';

describe('refusal', () => {
  it('names codes 1-5 and, for any other code, the number', () => {
    expect(refusal(4)).toBe('connection refused: bad user name or password');
    expect(refusal(77)).toBe('connection refused: return code 77');
  });
});

describe.each(codecs)('client connect (%s)', (_name, codec) => {
  it('starts closed, and connect() opens one transport in state connecting', () => {
    const h = harness(codec);
    expect(h.client.state).toBe('closed');
    expect(h.t.made.length).toBe(0);
    h.client.connect();
    expect(h.client.state).toBe('connecting');
    expect(h.client.connected).toBe(false);
    expect(h.t.made.length).toBe(1);
    h.client.connect(); // no second attempt while one runs
    expect(h.t.made.length).toBe(1);
  });

  it('sends CONNECT with every option, and nothing before CONNACK', () => {
    const h = harness(codec, {
      clientId: 'dev-1', username: 'admin', password: 'pässword', keepalive: 30, clean: false,
      will: { topic: 'glowmq/dev-1/status', payload: 'offline', qos: 1, retain: true },
    });
    h.client.connect();
    h.client.publish('a', 'x', { qos: 1 });
    h.tr.accept();
    const sent = h.tr.take();
    expect(sent.length).toBe(1);
    expect(plain(sent[0])).toMatchObject({
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'dev-1', clean: false, keepalive: 30,
      username: 'admin', password: 'pässword',
      will: { topic: 'glowmq/dev-1/status', payload: 'offline', qos: 1, retain: true },
    });
    h.tr.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: true });
    expect(h.client.state).toBe('connected');
    expect(h.client.connected).toBe(true);
    expect(cmds(h.tr.take())).toEqual(['publish']);
    expect(h.ev('connect')).toEqual([[expect.objectContaining({ cmd: 'connack', sessionPresent: true, returnCode: 0 })]]);
  });

  it('takes a will payload and password given as bytes', () => {
    const h = harness(codec, { username: 'u', password: new Uint8Array([0, 255, 1]), will: { topic: 'w', payload: new Uint8Array([7, 8]) } });
    h.client.connect();
    h.tr.accept();
    const c = h.tr.take()[0] as any;
    expect([...c.password]).toEqual([0, 255, 1]);
    expect([...c.will.payload]).toEqual([7, 8]);
    expect(c.will.qos).toBe(0);
    expect(c.will.retain).toBe(false);
  });

  it('defaults: keepalive 60, clean session, no credentials', () => {
    const h = harness(codec);
    h.client.connect();
    h.tr.accept();
    const c = plain(h.tr.take()[0]);
    expect(c).toMatchObject({ cmd: 'connect', clientId: 'c1', keepalive: 60, clean: true });
    expect(c.username).toBeUndefined();
    expect(c.password).toBeUndefined();
    expect(c.will).toBeUndefined();
  });

  it('generates "glowmq_" + 8 hex digits when the client id is empty, from platform.random()', () => {
    const ids = [1, 2, 3].map((seed) => harness(codec, { clientId: '' }, undefined, new FakePlatform(seed)).client.clientId);
    for (const id of ids) expect(id).toMatch(/^glowmq_[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(3);
    const p = new FakePlatform(1);
    p.random = () => 0.000001; // small numbers are zero-padded
    expect(harness(codec, { clientId: '' }, undefined, p).client.clientId).toBe('glowmq_000010c6');
    const h = harness(codec, { clientId: '' }, undefined, new FakePlatform(5));
    h.client.connect();
    h.tr.accept();
    expect((h.tr.take()[0] as any).clientId).toBe(h.client.clientId);
  });

  const causes: [number, string][] = [
    [1, 'unacceptable protocol version'], [2, 'identifier rejected'], [3, 'server unavailable'],
    [4, 'bad user name or password'], [5, 'not authorised'],
  ];
  it.each(causes)('CONNACK %i: an error naming the cause, the link closed, a backoff before retrying', (code, cause) => {
    const h = harness(codec, { reconnectMin: 1000 });
    h.client.connect();
    h.handshake(false, code);
    const errs = h.ev('error');
    expect(errs.length).toBe(1);
    expect((errs[0][0] as Error).message).toBe('connection refused: ' + cause);
    expect(h.tr.state).toBe('closed');
    expect(h.client.state).toBe('reconnecting');
    expect(h.ev('close')[0][0]).toBe(errs[0][0]);
    // never a hot loop: nothing new before reconnectMin
    h.platform.advance(999);
    expect(h.t.made.length).toBe(1);
  });


  it('repeated refusals back off doubling from reconnectMin to reconnectMax', () => {
    const p = new FakePlatform();
    p.random = () => 0.5; // jitter factor exactly 1
    const h = harness(codec, { reconnectMin: 1000, reconnectMax: 5000, password: 'x', username: 'u' }, undefined, p);
    h.client.connect();
    const opened: number[] = [];
    for (let i = 0; i < 6; i++) {
      h.handshake(false, 4);
      const before = h.t.made.length;
      while (h.t.made.length === before) p.advance(1);
      opened.push(p.now());
    }
    expect(opened).toEqual([1000, 3000, 7000, 12000, 17000, 22000]);
    expect(h.ev('reconnect')).toEqual([[1, 1000], [2, 2000], [3, 4000], [4, 5000], [5, 5000], [6, 5000]]);
  });

  it('connectTimeout: no CONNACK in time closes the attempt with an error and retries', () => {
    const h = harness(codec, { connectTimeout: 5000 });
    h.client.connect();
    h.tr.accept();
    h.platform.advance(4999);
    expect(h.tr.state).toBe('open');
    h.platform.advance(1);
    expect(h.tr.state).toBe('closed');
    expect((h.ev('close')[0][0] as Error).message).toBe('no CONNACK within 5000 ms');
    expect(h.client.state).toBe('reconnecting');
  });

  it('connectTimeout also covers a transport that never opens', () => {
    const h = harness(codec, { connectTimeout: 2000 });
    h.client.connect();
    h.platform.advance(2000);
    expect(h.t.made[0].state).toBe('closed');
    expect(h.ev('close').length).toBe(1);
  });

  it('a refused transport (onClose with a reason) goes to reconnecting with that reason', () => {
    const h = harness(codec);
    h.client.connect();
    h.tr.refuse(new Error('connect ECONNREFUSED 127.0.0.1:1883'));
    expect(h.ev('close')[0][0]).toEqual(new Error('connect ECONNREFUSED 127.0.0.1:1883'));
    expect(h.client.state).toBe('reconnecting');
  });

  it('a transport whose open() throws (as Espruino net does) is a failed attempt, not a crash', () => {
    const p = new FakePlatform();
    let n = 0;
    const made: any[] = [];
    const c = new Client({ clientId: 'x' }, {
      platform: p, codec, transport: (): any => {
        n++;
        const t = { open() { throw new Error('no route'); }, write: () => true, close() {} };
        made.push(t);
        return t;
      },
    });
    const closes: unknown[] = [];
    c.on('close', (e) => { closes.push(e!.message); });
    c.connect();
    expect(closes).toEqual(['no route']);
    expect(c.state).toBe('reconnecting');
    p.advance(60000);
    expect(n).toBeGreaterThan(1);
    c.end(true);
    expect(p.pending).toBe(0);
  });

  it('a packet other than CONNACK first is a protocol violation', () => {
    const h = harness(codec);
    h.client.connect();
    h.tr.accept();
    h.tr.deliver({ cmd: 'publish', topic: 'a', payload: new Uint8Array(0), qos: 0, retain: false, dup: false });
    expect((h.ev('error')[0][0] as Error).message).toBe('protocol violation: PUBLISH before CONNACK');
    expect(h.tr.state).toBe('closed');
    expect(h.ev('message')).toEqual([]);
    expect(h.client.state).toBe('reconnecting');
  });

  it('a second CONNACK is a protocol violation', () => {
    const h = harness(codec);
    h.up();
    h.tr.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    expect((h.ev('error')[0][0] as Error).message).toBe('protocol violation: unexpected CONNACK');
    expect(h.tr.state).toBe('closed');
  });
});
