// The Storage store (src/store/espruino/storage.ts) with a fake clock and a Storage that
// counts flash writes: writes are batched, a reset (E.on('kill')) flushes, Uint8Array
// fields and insertion order survive, and a second store on the same flash sees it all.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FakePlatform } from '../support/fake-platform';
import { espruinoStore, type EspruinoStorage } from '../../src/store/espruino/storage';

class Flash implements EspruinoStorage {
  files: { [k: string]: string } = {};
  writes = 0;
  readJSON(name: string) { return this.files[name] === undefined ? undefined : JSON.parse(this.files[name]); }
  writeJSON(name: string, data: unknown) { if (name.length > 28) throw new Error('name too long'); this.files[name] = JSON.stringify(data); this.writes++; return true; }
  erase(name: string) { delete this.files[name]; this.writes++; }
}

let kill: (() => void)[] = [];
const scope = globalThis as { E?: unknown };
beforeEach(() => {
  kill = [];
  // The board's E: binary strings in and out, and the 'kill' event reset() fires.
  scope.E = {
    toString: (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1'),
    toUint8Array: (text: string) => new Uint8Array(Buffer.from(text, 'latin1')),
    on: (event: string, handler: () => void) => { if (event === 'kill') kill.push(handler); },
  };
});
afterEach(() => { delete scope.E; });

describe('espruinoStore', () => {
  it('batches a burst of puts and dels into one flash write', () => {
    const flash = new Flash(), platform = new FakePlatform();
    const store = espruinoStore(flash, 'glowmq.store', platform, 0);
    for (let i = 1; i <= 10; i++) store.put('o' + i, { cmd: 'publish', messageId: i });
    store.del('o3');
    expect(flash.writes).toBe(0);
    platform.advance(0);
    expect(flash.writes).toBe(1);
    expect(Object.keys(JSON.parse(flash.files['glowmq.store']))).toEqual(['o1', 'o2', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9', 'o10']);
  });

  it('keeps Uint8Array fields (all bytes 0..255) and order of first put across a restart', () => {
    const flash = new Flash(), platform = new FakePlatform();
    const store = espruinoStore(flash, 'q', platform, 50);
    const bytes = new Uint8Array(256).map((_, i) => i);
    store.put('o9', { payload: bytes, nested: { b: new Uint8Array([1, 2]) } });
    store.put('i4', {});
    store.put('o9', { payload: new Uint8Array([7]), topic: 't' }); // replaced in place
    platform.advance(49);
    expect(flash.writes).toBe(0);
    platform.advance(1);
    const again = espruinoStore(flash, 'q', new FakePlatform(), 50).all();
    expect(Object.keys(again)).toEqual(['o9', 'i4']);
    expect(again.o9.payload).toBeInstanceOf(Uint8Array);
    expect(Array.from(again.o9.payload as Uint8Array)).toEqual([7]);
    expect(again.o9.topic).toBe('t');
    store.put('o10', { payload: bytes });
    platform.advance(50);
    expect(Array.from(espruinoStore(flash, 'q', new FakePlatform(), 0).all().o10.payload as Uint8Array)).toEqual(Array.from(bytes));
  });

  it('flushes what is pending when the board is reset (E.on("kill"))', () => {
    const flash = new Flash(), platform = new FakePlatform();
    const store = espruinoStore(flash, 'q', platform, 10_000);
    store.put('o1', { payload: new Uint8Array([1]) });
    expect(flash.files.q).toBeUndefined();
    kill.forEach((k) => k());
    expect(Object.keys(JSON.parse(flash.files.q))).toEqual(['o1']);
    expect(platform.pending).toBe(0);
  });

  it('erases the file when the last record goes, and all() returns copies', () => {
    const flash = new Flash(), platform = new FakePlatform();
    const store = espruinoStore(flash, 'q', platform, 0);
    store.put('o1', { n: 1 });
    platform.advance(0);
    const snapshot = store.all();
    (snapshot.o1 as { n: number }).n = 99;
    expect((store.all().o1 as { n: number }).n).toBe(1);
    store.del('o1');
    store.del('nope');
    platform.advance(0);
    expect(flash.files.q).toBeUndefined();
    expect(store.all()).toEqual({});
  });

  it('does not read the older [key, value] pairs format (its indices are no keys)', () => {
    const flash = new Flash();
    flash.files.q = JSON.stringify([['o1', { n: 1 }]]);
    expect(espruinoStore(flash, 'q', new FakePlatform(), 0).all()).toEqual({});
  });
});
