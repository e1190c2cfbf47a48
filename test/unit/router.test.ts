// The router: every matching handler, '+' and '#', $-topics not matched by leading wildcards,
// onUnmatched, removal, and its use behind a Client's 'message' event.
import { describe, it, expect } from 'vitest';
import { Router } from '../../src/core/router';
import { harness, codecs, text } from '../support/client-harness';

const payload = new Uint8Array([104, 105]);

describe('Router', () => {
  it('calls every matching handler, in the order added, and returns how many', () => {
    const r = new Router();
    const got: string[] = [];
    r.add('home/+/light', (t) => got.push('plus ' + t));
    r.add('home/#', (t) => got.push('hash ' + t));
    r.add('home/kitchen/light', (t) => got.push('exact ' + t));
    r.add('other', () => got.push('other'));
    expect(r.dispatch('home/kitchen/light', payload)).toBe(3);
    expect(got).toEqual(['plus home/kitchen/light', 'hash home/kitchen/light', 'exact home/kitchen/light']);
  });

  it('passes topic, payload and packet through', () => {
    const r = new Router();
    const seen: unknown[] = [];
    const packet = { cmd: 'publish' as const, topic: 'a', payload, qos: 1 as const, retain: false, dup: false, messageId: 3 };
    r.add('a', (t, p, pk) => seen.push(t, p, pk));
    r.dispatch('a', payload, packet);
    expect(seen).toEqual(['a', payload, packet]);
  });

  it('"#" matches the parent level too; "+" exactly one level (also an empty one)', () => {
    const r = new Router();
    r.add('a/#', () => {});
    expect(r.dispatch('a', payload)).toBe(1);
    expect(r.dispatch('a/b/c', payload)).toBe(1);
    expect(r.dispatch('ab', payload)).toBe(0);
    const s = new Router();
    s.add('a/+', () => {});
    expect(s.dispatch('a/', payload)).toBe(1);
    expect(s.dispatch('a/b/c', payload)).toBe(0);
    expect(s.dispatch('a', payload)).toBe(0);
  });

  it('$-topics are not matched by a leading wildcard, but by an explicit $ filter', () => {
    const r = new Router();
    const got: string[] = [];
    r.add('#', () => got.push('#'));
    r.add('+/monitor/#', () => got.push('+'));
    r.add('$SYS/#', () => got.push('$SYS/#'));
    expect(r.dispatch('$SYS/monitor/clients', payload)).toBe(1);
    expect(got).toEqual(['$SYS/#']);
  });

  it('onUnmatched gets what no handler took (and only that)', () => {
    const r = new Router();
    const un: string[] = [];
    r.onUnmatched = (t) => un.push(t);
    r.add('known', () => {});
    expect(r.dispatch('unknown', payload)).toBe(0);
    expect(r.dispatch('known', payload)).toBe(1);
    expect(un).toEqual(['unknown']);
  });

  it('remove takes out exactly that filter+handler pair', () => {
    const r = new Router();
    const got: string[] = [];
    const f = () => got.push('f');
    const g = () => got.push('g');
    r.add('x', f);
    r.add('x', g);
    r.add('y', f);
    r.remove('x', f);
    r.dispatch('x', payload);
    r.dispatch('y', payload);
    expect(got).toEqual(['g', 'f']);
  });

  it('a handler removing itself during dispatch does not disturb that dispatch', () => {
    const r = new Router();
    const got: string[] = [];
    const once = () => { got.push('once'); r.remove('x', once); };
    r.add('x', once);
    r.add('x', () => got.push('always'));
    r.dispatch('x', payload);
    r.dispatch('x', payload);
    expect(got).toEqual(['once', 'always', 'always']);
  });

  it('an invalid filter is refused when added', () => {
    const r = new Router();
    expect(() => r.add('a/#/b', () => {})).toThrow(/whole level/);
    expect(() => r.add('', () => {})).toThrow(/empty/);
  });
});

describe.each(codecs)('Router behind a Client (%s)', (_name, codec) => {
  it('routes the messages a client receives', () => {
    const h = harness(codec);
    const r = new Router();
    const got: string[] = [];
    r.add('lightChange', (t, p) => got.push(t + '=' + text(p)));
    r.onUnmatched = (t) => got.push('unmatched ' + t);
    h.client.on('message', (t, p, pk) => r.dispatch(t, p, pk));
    h.up();
    h.tr.deliver({ cmd: 'publish', topic: 'lightChange', payload: Buffer.from('on'), qos: 1, retain: false, dup: false, messageId: 1 });
    h.tr.deliver({ cmd: 'publish', topic: 'else', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    expect(got).toEqual(['lightChange=on', 'unmatched else']);
  });
});
