// Keepalive with exact fake-clock arithmetic: PINGREQ only when idle, liveness from the last
// bytes received, a dead link declared at 1.5 × keepalive, one timer per connection.
import { describe, it, expect } from 'vitest';
import { harness, codecs, cmds } from '../support/client-harness';
import { keepalive } from '../../src/core/keepalive';

describe('keepalive()', () => {
  const K = 60000;
  it('waits until keepalive after the last send', () => {
    expect(keepalive(0, K, 0, 0, 0)).toBe(60000);
    expect(keepalive(30000, K, 30000, 30000, 0)).toBe(60000);
    expect(keepalive(59999, K, 0, 59999, 0)).toBe(1);
  });
  it('0 (ping now) when nothing was sent for keepalive', () => {
    expect(keepalive(60000, K, 0, 50000, 0)).toBe(0);
  });
  it('0 (ping now) when nothing was received for keepalive, even with recent sends', () => {
    expect(keepalive(60000, K, 59000, 0, 0)).toBe(0);
  });
  it('after a PINGREQ, the next check is the dead line at 1.5 × keepalive from the last receive', () => {
    expect(keepalive(60000, K, 60000, 0, 60000)).toBe(30000);
  });
  it('-1 (dead) at 1.5 × keepalive without bytes received', () => {
    expect(keepalive(90000, K, 60000, 0, 60000)).toBe(-1);
    expect(keepalive(89999, K, 60000, 0, 60000)).toBe(1);
  });
});

describe.each(codecs)('client keepalive (%s)', (_name, codec) => {
  it('PINGREQ at exactly keepalive after the last send; PINGRESP keeps the link', () => {
    const h = harness(codec, { keepalive: 60 });
    h.up();
    expect(h.platform.pending).toBe(1); // one timer for the connection
    h.platform.advance(59999);
    expect(h.tr.take()).toEqual([]);
    h.platform.advance(1);
    expect(cmds(h.tr.take())).toEqual(['pingreq']);
    h.platform.advance(10);
    h.tr.deliver({ cmd: 'pingresp' });
    h.platform.advance(59990); // t = 120000: next ping
    expect(cmds(h.tr.take())).toEqual(['pingreq']);
    h.tr.deliver({ cmd: 'pingresp' });
    expect(h.client.connected).toBe(true);
    expect(h.platform.pending).toBe(1);
  });

  it('no PINGREQ while the client keeps sending and the broker answers', () => {
    const h = harness(codec, { keepalive: 60 });
    h.up();
    for (let i = 1; i <= 10; i++) {
      h.platform.advance(30000);
      h.client.publish('t', 'x', { qos: 1 });
      h.tr.deliver({ cmd: 'puback', messageId: i });
    }
    expect(cmds(h.tr.take())).toEqual(Array(10).fill('publish'));
  });

  it('a QoS 0 publisher with a silent broker still probes: PINGREQ when nothing was received for keepalive', () => {
    const h = harness(codec, { keepalive: 60 });
    h.up();
    for (let i = 0; i < 6; i++) { h.platform.advance(10000); h.client.publish('t', 'x'); }
    // t = 60000: sent 10 s ago, received 60 s ago (the tick runs before the 6th publish)
    expect(cmds(h.tr.take())).toEqual(['publish', 'publish', 'publish', 'publish', 'publish', 'pingreq', 'publish']);
    h.tr.deliver({ cmd: 'pingresp' });
    h.platform.advance(89999);
    expect(h.client.connected).toBe(true);
  });

  it('no bytes for 1.5 × keepalive: the link is declared dead, closed and reconnected', () => {
    const h = harness(codec, { keepalive: 60 });
    h.up();
    h.platform.advance(60000);
    expect(cmds(h.tr.take())).toEqual(['pingreq']);
    h.platform.advance(29999);
    expect(h.tr.state).toBe('open');
    h.platform.advance(1);
    expect(h.tr.state).toBe('closed');
    const close = h.ev('close');
    expect((close[0][0] as Error).message).toBe('no answer from the broker for 90 s (keepalive 60 s)');
    expect(h.client.state).toBe('reconnecting');
    expect(h.ev('reconnect').length).toBe(1);
  });

  it('liveness counts any bytes received, even part of a packet', () => {
    const h = harness(codec, { keepalive: 10 });
    h.up();
    h.platform.advance(10000); // ping
    h.tr.take();
    h.platform.advance(4000);
    h.tr.deliverBytes(new Uint8Array([0x30])); // the first byte of a PUBLISH
    h.platform.advance(10999); // 15 s after t=0 but only 11 s after those bytes
    expect(h.client.connected).toBe(true);
  });

  it('keepalive 0: no timer at all while connected, no PINGREQ ever', () => {
    const h = harness(codec, { keepalive: 0 });
    h.up();
    expect(h.platform.pending).toBe(0);
    h.platform.advance(3600000);
    expect(h.tr.take()).toEqual([]);
    expect(h.client.connected).toBe(true);
  });
});
