// The default Store: a plain object (string keys keep insertion order; a deleted and re-put
// key moves to the end, which is the order the client wants for resends).
import type { Store, StoredRecord } from './types';

export class MemoryStore implements Store {
  declare m: { [key: string]: StoredRecord };
  constructor() { this.m = {}; }
  put(key: string, value: StoredRecord): void { this.m[key] = value; }
  del(key: string): void { delete this.m[key]; }
  all(): { [key: string]: StoredRecord } { return Object.assign({}, this.m); }
}
