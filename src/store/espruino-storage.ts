// A Store in Espruino's flash (require("Storage")): one JSON file holding every record as
// [key, value] pairs (insertion order kept), Uint8Array fields as {"$u8": binary string}.
// Writes are batched: put/del change memory and schedule one rewrite `delay` ms later
// (default 0: after the current task, so a burst of publishes costs one flash write); an
// E.on('kill') hook (reset(), load(), save()) flushes what is still pending, so a soft
// reset loses nothing accepted. A power cut can lose the last `delay` ms.
// Few function objects (each costs board memory): put and del are one function.
import type { Platform, Store, StoredRecord, Timer } from '../core/types';

declare const E: { toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array; on(ev: string, fn: () => void): void };

export interface EspruinoStorage {
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
}

/** A deep copy; Uint8Array → {$u8} (to flash), or back when `back`. */
function copy(v: any, back?: number): any {
  if (!back && v instanceof Uint8Array) return { $u8: E.toString(v) };
  if (v && typeof v == 'object') {
    if (back && typeof v.$u8 == 'string') return E.toUint8Array(v.$u8);
    const o: any = v instanceof Array ? [] : {};
    for (const k in v) o[k] = copy(v[k], back);
    return o;
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
  /** put (v given) or del (v undefined). */
  const set = (k: string, v?: StoredRecord) => {
    let i = 0;
    while (i < recs.length && recs[i][0] != k) i++;
    if (v) recs[i] = [k, copy(v)];
    else if (i < recs.length) recs.splice(i, 1);
    else return;
    if (timer === undefined) timer = p.setTimeout(flush, delay);
  };
  E.on('kill', flush);
  return {
    put: set,
    del: set,
    all: () => {
      const o: { [k: string]: StoredRecord } = {};
      for (let i = 0; i < recs.length; i++) o[recs[i][0]] = copy(recs[i][1], 1);
      return o;
    },
  };
}
