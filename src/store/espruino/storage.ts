// A Store in Espruino's flash (require("Storage")): one JSON file holding every record as
// an object by key (an object keeps its keys in insertion order, on the board too),
// Uint8Array fields as {"$u8": binary string}.
// Writes are batched: put/del change memory and schedule one rewrite `delay` ms later
// (default 0: after the current task, so a burst of publishes costs one flash write); an
// E.on('kill') hook (reset(), load(), save()) flushes what is still pending, so a soft
// reset loses nothing accepted. A power cut can lose the last `delay` ms.
// Few function objects (each costs board memory): put and del are one function.
import type { Platform, Store, StoredRecord, Timer } from '../../core/types';

declare const E: { toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array; on(ev: string, fn: () => void): void };

export interface EspruinoStorage {
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
}

/** A deep copy that turns Uint8Array → {$u8} and {$u8} → Uint8Array: put() is given
 * Uint8Arrays only, and the records kept (and flashed) hold {$u8} only. */
function copy(v: any): any {
  if (v instanceof Uint8Array) return { $u8: E.toString(v) };
  if (v && typeof v == 'object') {
    if (v.$u8 != null) return E.toUint8Array(v.$u8);
    const o: any = v instanceof Array ? [] : {};
    for (const k in v) o[k] = copy(v[k]);
    return o;
  }
  return v;
}

export function espruinoStore(storage: EspruinoStorage, file: string, p: Platform, delay: number): Store {
  // File names are at most 28 characters on the board. An array is the older format
  // ([key, value] pairs): not read (a client would take its indices for keys).
  const got: any = storage.readJSON(file, true);
  const recs: { [k: string]: StoredRecord } = got instanceof Array ? {} : got || {};
  let timer: Timer;
  const flush = () => {
    if (timer == null) return;
    p.clearTimeout(timer);
    timer = undefined;
    if (Object.keys(recs).length) storage.writeJSON(file, recs);
    else storage.erase(file);
  };
  /** put (v given) or del (v undefined). Records are objects: never falsy. */
  const set = (k: string, v?: StoredRecord) => {
    if (v) recs[k] = copy(v);
    else if (recs[k]) delete recs[k];
    else return;
    if (timer == null) timer = p.setTimeout(flush, delay);
  };
  E.on('kill', flush);
  return { put: set, del: set, all: () => copy(recs) };
}
