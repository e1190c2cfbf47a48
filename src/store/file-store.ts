// A Store on one JSON file. Every put/del rewrites the file whole: write a temp file,
// fsync it, rename it over the old one (atomic on POSIX), fsync the directory. Nothing is
// batched: when put() returns, the record survives a killed process (and, with fsync, a
// power cut). Uint8Array fields are written as {"$b64": "..."}.
import { openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync, existsSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store, StoredRecord } from '../core/types';

export interface FileStoreOptions {
  /** fsync file and directory on every write. Default true; false survives a killed process but not a power cut. */
  fsync?: boolean;
  /** A corrupt file: 'recover' (default) renames it to <file>.corrupt, starts empty and warns; 'throw' refuses to start. */
  onCorrupt?: 'recover' | 'throw';
  /** Where the recovery warning goes. Default: stderr. */
  warn?: (msg: string) => void;
}

const FORMAT = 'glowmq-store/1';

function encode(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') {
    const o: { [k: string]: unknown } = {};
    for (const k of Object.keys(v)) o[k] = encode((v as { [k: string]: unknown })[k]);
    return o;
  }
  return v;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as { [k: string]: unknown };
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$b64' && typeof o.$b64 === 'string') {
      const b = Buffer.from(o.$b64, 'base64');
      return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); // a plain Uint8Array, not a Buffer
    }
    const r: { [k: string]: unknown } = {};
    for (const k of keys) r[k] = decode(o[k]);
    return r;
  }
  return v;
}

export class FileStore implements Store {
  readonly file: string;
  private tmp: string;
  // A Map keeps insertion order for every key, including integer-like ones.
  private recs = new Map<string, StoredRecord>();
  private sync: boolean;

  constructor(file: string, opts: FileStoreOptions = {}) {
    this.file = file;
    this.tmp = file + '.tmp';
    this.sync = opts.fsync !== false;
    // A leftover temp file is a write that never got renamed: the main file is the truth.
    if (existsSync(this.tmp)) unlinkSync(this.tmp);
    if (!existsSync(file)) return;
    try {
      this.load(readFileSync(file, 'utf8'));
    } catch (e) {
      const why = (e as Error).message;
      if (opts.onCorrupt === 'throw') throw new Error(`file store ${file} is corrupt: ${why}`);
      let moved = file + '.corrupt';
      if (existsSync(moved)) moved += '-' + Date.now(); // keep an earlier one for inspection too
      renameSync(file, moved);
      this.recs.clear();
      const msg = `file store ${file} is corrupt (${why}); moved it to ${moved} and started empty`;
      (opts.warn ?? ((m: string) => process.stderr.write('glowmq warn: ' + m + '\n')))(msg);
    }
  }

  private load(text: string): void {
    const doc = JSON.parse(text);
    if (!doc || doc.format !== FORMAT || !Array.isArray(doc.records)) throw new Error(`not a ${FORMAT} file`);
    for (const entry of doc.records) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !entry[1] || typeof entry[1] !== 'object') {
        throw new Error('a record is not a [key, object] pair');
      }
      this.recs.set(entry[0], decode(entry[1]) as StoredRecord);
    }
  }

  put(key: string, value: StoredRecord): void {
    // Store a decoded copy so later changes to the caller's object do not leak in unsaved.
    this.recs.set(key, decode(encode(value)) as StoredRecord);
    this.save();
  }

  del(key: string): void {
    if (this.recs.delete(key)) this.save();
  }

  all(): { [key: string]: StoredRecord } {
    const o: { [key: string]: StoredRecord } = {};
    for (const [k, v] of this.recs) o[k] = v;
    return o;
  }

  private save(): void {
    const records: unknown[] = [];
    for (const [k, v] of this.recs) records.push([k, encode(v)]);
    const data = JSON.stringify({ format: FORMAT, records });
    const fd = openSync(this.tmp, 'w', 0o600);
    try {
      writeSync(fd, data);
      if (this.sync) fsyncSync(fd);
    } finally { closeSync(fd); }
    renameSync(this.tmp, this.file);
    if (this.sync) {
      // The rename itself is durable only once the directory is synced.
      const d = openSync(dirname(this.file), 'r');
      try { fsyncSync(d); } finally { closeSync(d); }
    }
  }
}
