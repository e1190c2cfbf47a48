// A Store in memory: a plain object (string keys keep insertion order; a deleted and re-put
// key moves to the end, which is the order the client wants for resends). The client needs
// none (it keeps its session in memory anyway); this is for tests and for callers that want
// to look at the records.
import type { Store, StoredRecord } from './types';

export class MemoryStore implements Store {
  declare records_: { [key: string]: StoredRecord };
  constructor() { this.records_ = {}; }
  put(key: string, value: StoredRecord): void { this.records_[key] = value; }
  del(key: string): void { delete this.records_[key]; }
  all(): { [key: string]: StoredRecord } { return Object.assign({}, this.records_); }
}
