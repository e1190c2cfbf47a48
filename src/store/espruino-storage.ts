// A Store in Espruino's flash (require("Storage")): one JSON file holding every record as
// [key, value] pairs (insertion order kept), Uint8Array fields as {"$u8": binary string}.
// Writes are batched: put/del change memory and schedule one rewrite `delay` ms later
// (default 0: after the current task, so a burst of publishes costs one flash write); an
// E.on('kill') hook (reset(), load(), save()) flushes what is still pending, so a soft
// reset loses nothing accepted. A power cut can lose the last `delay` ms.
import type { Platform, Store, StoredRecord, Timer } from '../core/types';

declare const E: { toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array; on(ev: string, fn: () => void): void };

export interface EspruinoStorage {
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
}

function enc(v: any): any {
  if (v instanceof Uint8Array) return { $u8: E.toString(v) };
  if (v && typeof v == 'object') {
    const o: any = v instanceof Array ? [] : {};
    for (const k in v) o[k] = enc(v[k]);
    return o;
  }
  return v;
}
function dec(v: any): any {
  if (v && typeof v == 'object') {
    if (typeof v.$u8 == 'string') return E.toUint8Array(v.$u8);
    for (const k in v) v[k] = dec(v[k]);
  }
  return v;
}

export function espruinoStore(storage: EspruinoStorage, file: string, p: Platform, delay: number): Store {
  // File names are at most 28 characters on the board.
  const got = storage.readJSON(file, true);
  const recs: any[] = got instanceof Array ? got : [];
  let timer: Timer;
  const flush = () => {
    if (timer === undefined) return;
    p.clearTimeout(timer);
    timer = undefined;
    if (recs.length) storage.writeJSON(file, recs);
    else storage.erase(file);
  };
  const dirty = () => { if (timer === undefined) timer = p.setTimeout(flush, delay); };
  const find = (k: string) => recs.findIndex((r) => r[0] == k);
  E.on('kill', flush);
  return {
    put: (k, v) => {
      const i = find(k), r = [k, enc(v)];
      if (i < 0) recs.push(r); else recs[i] = r;
      dirty();
    },
    del: (k) => {
      const i = find(k);
      if (i >= 0) { recs.splice(i, 1); dirty(); }
    },
    all: () => {
      const o: { [k: string]: StoredRecord } = {};
      recs.forEach((r) => { o[r[0]] = dec(enc(r[1])); });
      return o;
    },
  };
}
