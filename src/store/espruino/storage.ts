// A Store in Espruino's flash (require("Storage")): one JSON file holding every record as
// an object by key (an object keeps its keys in insertion order, on the board too),
// Uint8Array fields as {"$u8": binary string}.
// Writes are batched: put/del change memory and schedule one rewrite `delay` ms later
// (default 0: after the current task, so a burst of publishes costs one flash write); an
// E.on('kill') hook (reset(), load(), save()) flushes what is still pending, so a soft
// reset loses nothing accepted. A power cut can lose the last `delay` ms.
import type { Platform, Store, StoredRecord, Timer } from '../../core/types';

declare const E: {
  toString(bytes: Uint8Array): string;
  toUint8Array(text: string): Uint8Array;
  on(event: string, handler: () => void): void;
};

export interface EspruinoStorage {
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
}

/** A deep copy that turns Uint8Array → {$u8} and {$u8} → Uint8Array: put() is given
 * Uint8Arrays only, and the records kept (and flashed) hold {$u8} only. */
function copy(value: any): any {
  if (value instanceof Uint8Array) return { $u8: E.toString(value) };
  if (value && typeof value == 'object') {
    if (value.$u8 != null) return E.toUint8Array(value.$u8);
    const out: any = value instanceof Array ? [] : {};
    for (const key in value) out[key] = copy(value[key]);
    return out;
  }
  return value;
}

export function espruinoStore(storage: EspruinoStorage, file: string, platform: Platform, delay: number): Store {
  // File names are at most 28 characters on the board. An array is the older format
  // ([key, value] pairs): not read (a client would take its indices for keys).
  const saved: any = storage.readJSON(file, true);
  const records: { [key: string]: StoredRecord } = saved instanceof Array ? {} : saved || {};
  let timer: Timer;
  const flush = () => {
    if (timer == null) return;
    platform.clearTimeout(timer);
    timer = undefined;
    if (Object.keys(records).length) storage.writeJSON(file, records);
    else storage.erase(file);
  };
  E.on('kill', flush);
  // Each function object costs board variables: put and del schedule the flush themselves.
  return {
    put: (key: string, value: StoredRecord) => {
      records[key] = copy(value);
      if (timer == null) timer = platform.setTimeout(flush, delay);
    },
    del: (key: string) => {
      // Records are objects: never falsy. Deleting a missing key writes nothing.
      if (!records[key]) return;
      delete records[key];
      if (timer == null) timer = platform.setTimeout(flush, delay);
    },
    all: () => copy(records),
  };
}
