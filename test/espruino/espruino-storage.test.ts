// The Storage store (src/store/espruino/storage.ts) with a fake clock and a Storage that
// counts flash writes: writes are batched, a reset (E.on('kill')) flushes, Uint8Array
// fields and insertion order survive, and a second store on the same flash sees it all.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FakePlatform } from '../support/fake-platform';
import { espruinoStore, type EspruinoStorage } from '../../src/store/espruino/storage';

class Flash implements EspruinoStorage {
  files: { [k: string]: string } = {};
  writes = 0;
  readJSON(n: string) { return this.files[n] === undefined ? undefined : JSON.parse(this.files[n]); }
  writeJSON(n: string, d: unknown) { if (n.length > 28) throw new Error('name too long'); this.files[n] = JSON.stringify(d); this.writes++; return true; }
  erase(n: string) { delete this.files[n]; this.writes++; }
}

let kill: (() => void)[] = [];
const g = globalThis as { E?: unknown };
beforeEach(() => {
  kill = [];
  // The board's E: binary strings in and out, and the 'kill' event reset() fires.
  g.E = {
    toString: (u: Uint8Array) => Buffer.from(u).toString('latin1'),
    toUint8Array: (s: string) => new Uint8Array(Buffer.from(s, 'latin1')),
    on: (ev: string, fn: () => void) => { if (ev === 'kill') kill.push(fn); },
  };
});
afterEach(() => { delete g.E; });

describe('espruinoStore', () => {
  it('batches a burst of puts and dels into one flash write', () => {
    const f = new Flash(), p = new FakePlatform();
    const s = espruinoStore(f, 'glowmq.store', p, 0);
    for (let i = 1; i <= 10; i++) s.put('o' + i, { cmd: 'publish', messageId: i });
    s.del('o3');
    expect(f.writes).toBe(0);
    p.advance(0);
    expect(f.writes).toBe(1);
    expect(Object.keys(JSON.parse(f.files['glowmq.store']))).toEqual(['o1', 'o2', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9', 'o10']);
  });

  it('keeps Uint8Array fields (all bytes 0..255) and order of first put across a restart', () => {
    const f = new Flash(), p = new FakePlatform();
    const s = espruinoStore(f, 'q', p, 50);
    const bytes = new Uint8Array(256).map((_, i) => i);
    s.put('o9', { payload: bytes, nested: { b: new Uint8Array([1, 2]) } });
    s.put('i4', {});
    s.put('o9', { payload: new Uint8Array([7]), topic: 't' }); // replaced in place
    p.advance(49);
    expect(f.writes).toBe(0);
    p.advance(1);
    const t = espruinoStore(f, 'q', new FakePlatform(), 50).all();
    expect(Object.keys(t)).toEqual(['o9', 'i4']);
    expect(t.o9.payload).toBeInstanceOf(Uint8Array);
    expect(Array.from(t.o9.payload as Uint8Array)).toEqual([7]);
    expect(t.o9.topic).toBe('t');
    s.put('o10', { payload: bytes });
    p.advance(50);
    expect(Array.from(espruinoStore(f, 'q', new FakePlatform(), 0).all().o10.payload as Uint8Array)).toEqual(Array.from(bytes));
  });

  it('flushes what is pending when the board is reset (E.on("kill"))', () => {
    const f = new Flash(), p = new FakePlatform();
    const s = espruinoStore(f, 'q', p, 10_000);
    s.put('o1', { payload: new Uint8Array([1]) });
    expect(f.files.q).toBeUndefined();
    kill.forEach((k) => k());
    expect(Object.keys(JSON.parse(f.files.q))).toEqual(['o1']);
    expect(p.pending).toBe(0);
  });

  it('erases the file when the last record goes, and all() returns copies', () => {
    const f = new Flash(), p = new FakePlatform();
    const s = espruinoStore(f, 'q', p, 0);
    s.put('o1', { n: 1 });
    p.advance(0);
    const a = s.all();
    (a.o1 as { n: number }).n = 99;
    expect((s.all().o1 as { n: number }).n).toBe(1);
    s.del('o1');
    s.del('nope');
    p.advance(0);
    expect(f.files.q).toBeUndefined();
    expect(s.all()).toEqual({});
  });

  it('does not read the older [key, value] pairs format (its indices are no keys)', () => {
    const f = new Flash();
    f.files.q = JSON.stringify([['o1', { n: 1 }]]);
    expect(espruinoStore(f, 'q', new FakePlatform(), 0).all()).toEqual({});
  });
});
