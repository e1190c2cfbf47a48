// A Store on one JSON file. Every put/del rewrites the file whole: write a temp file,
// fsync it, rename it over the old one (atomic on POSIX), fsync the directory. Nothing is
// batched: when put() returns, the record survives a killed process (and, with fsync, a
// power cut). Uint8Array fields are written as {"$b64": "..."}.
// A write that fails or comes up short (a full disk) never replaces the file: the previous
// one stays as it was, the failure is logged, and put() throws so the client fails that
// publish instead of accepting a message it could lose.
import {
  openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync, existsSync, unlinkSync, statSync, accessSync,
  constants as fsConstants,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Store, StoredRecord } from '../core/types';
import { recordError } from './record-check';

/** Writes bytes at the file position, returns how many were written (as fs.writeSync). */
export type WriteFn = (descriptor: number, data: Uint8Array, offset: number, length: number) => number;

export interface FileStoreOptions {
  /** fsync file and directory on every write. Default true; false survives a killed process but not a power cut. */
  fsync?: boolean;
  /** A corrupt file: 'recover' (default) renames it to <file>.corrupt, starts empty and warns; 'throw' refuses to start. */
  onCorrupt?: 'recover' | 'throw';
  /** Where warnings go (a corrupt file, invalid records, a failed write). Default: stderr. */
  warn?: (msg: string) => void;
  /** The write call, replaceable so a test can fake a short write. Default: fs.writeSync. */
  write?: WriteFn;
}

/** The store's file or folder cannot be used at all (missing folder, no permission): a configuration problem. */
export class StoreAccessError extends Error {}

const FORMAT = 'glowmq-store/1';
const OWNER_ONLY = 0o600;

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    const out: { [key: string]: unknown } = {};
    for (const key of Object.keys(value)) out[key] = encode((value as { [key: string]: unknown })[key]);
    return out;
  }
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** JSON → record; a malformed {"$b64"} value throws (it is not an empty payload). */
function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const obj = value as { [key: string]: unknown };
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$b64') {
      const text = obj.$b64;
      if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) throw new Error('a $b64 value is not base64');
      const bytes = Buffer.from(text, 'base64');
      return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)); // a plain Uint8Array, not a Buffer
    }
    const out: { [key: string]: unknown } = {};
    for (const key of keys) {
      if (key === '__proto__') throw new Error('a field is named __proto__');
      out[key] = decode(obj[key]);
    }
    return out;
  }
  return value;
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** Throws StoreAccessError when the folder is missing or the file/folder may not be used. */
function checkAccess(file: string): void {
  const dir = dirname(file);
  let isDir = false;
  try { isDir = statSync(dir).isDirectory(); } catch (err) {
    throw new StoreAccessError(`${file}: folder ${dir} does not exist (${errorCode(err)})`);
  }
  if (!isDir) throw new StoreAccessError(`${file}: ${dir} is not a folder`);
  try { accessSync(dir, fsConstants.W_OK | fsConstants.X_OK); } catch (err) {
    throw new StoreAccessError(`${file}: permission denied writing in folder ${dir} (${errorCode(err)})`);
  }
  if (!existsSync(file)) return;
  try { accessSync(file, fsConstants.R_OK | fsConstants.W_OK); } catch (err) {
    throw new StoreAccessError(`${file}: permission denied reading or writing it (${errorCode(err)})`);
  }
}

export class FileStore implements Store {
  readonly file: string;
  private tmpFile: string;
  // A Map keeps insertion order for every key, including integer-like ones.
  private records = new Map<string, StoredRecord>();
  private durable: boolean;
  private warn: (msg: string) => void;
  private write: WriteFn;
  /** The last save failed: the next good one says the file is writable again. */
  private failing = false;

  constructor(file: string, opts: FileStoreOptions = {}) {
    this.file = file;
    this.tmpFile = file + '.tmp';
    this.durable = opts.fsync !== false;
    this.warn = opts.warn ?? ((msg: string) => process.stderr.write('glowmq warn: ' + msg + '\n'));
    this.write = opts.write ?? writeSync;
    checkAccess(file);
    // A leftover temp file is a write that never got renamed: the main file is the truth.
    if (existsSync(this.tmpFile)) unlinkSync(this.tmpFile);
    if (!existsSync(file)) return;
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch (err) {
      const code = errorCode(err);
      if (code === 'EACCES' || code === 'EPERM') throw new StoreAccessError(`${file}: permission denied reading it (${code})`);
      throw err;
    }
    try {
      this.load(text);
    } catch (err) {
      const why = (err as Error).message;
      if (opts.onCorrupt === 'throw') throw new Error(`file store ${file} is corrupt: ${why}`);
      let moved = file + '.corrupt';
      if (existsSync(moved)) moved += '-' + Date.now(); // keep an earlier one for inspection too
      renameSync(file, moved);
      this.records.clear();
      this.warn(`file store ${file} is corrupt (${why}); moved it to ${moved} and started empty`);
    }
  }

  /** A file that is not a store throws; records that are wrong one by one are set aside. */
  private load(text: string): void {
    const doc = JSON.parse(text);
    if (!doc || doc.format !== FORMAT || !Array.isArray(doc.records)) throw new Error(`not a ${FORMAT} file`);
    const setAside: unknown[] = [];
    for (const entry of doc.records) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !entry[1] || typeof entry[1] !== 'object') {
        throw new Error('a record is not a [key, object] pair');
      }
      const key = entry[0];
      let why: string;
      try {
        const record = decode(entry[1]) as StoredRecord;
        why = recordError(key, record);
        if (!why && this.records.has(key)) why = 'the key is there twice';
        if (!why) this.records.set(key, record);
      } catch (err) { why = (err as Error).message; }
      if (why) {
        setAside.push(entry);
        this.warn(`file store ${this.file}: record ${JSON.stringify(key)} set aside: ${why}`);
      }
    }
    if (setAside.length) this.setAside(setAside);
  }

  /** Invalid records go to <file>.invalid for inspection; the file keeps the valid ones. */
  private setAside(entries: unknown[]): void {
    let target = this.file + '.invalid';
    if (existsSync(target)) target += '-' + Date.now();
    this.writeWhole(target + '.tmp', JSON.stringify({ format: FORMAT, records: entries }));
    renameSync(target + '.tmp', target);
    this.warn(`file store ${this.file}: ${entries.length} invalid record(s) moved to ${target}; the other ${this.records.size} kept`);
    this.save();
  }

  put(key: string, value: StoredRecord): void {
    const had = this.records.has(key), previous = this.records.get(key);
    // Store a decoded copy so later changes to the caller's object do not leak in unsaved.
    this.records.set(key, decode(encode(value)) as StoredRecord);
    const failure = this.trySave();
    // Only a message being accepted is refused. A new state of a record already on disk
    // (PUBLISH → PUBREL), or an inbound QoS 2 marker, is kept in memory: the file still holds
    // what a restart needs to lose nothing, and the next good save catches up.
    if (!failure || had || value.cmd !== 'publish') return;
    this.records.delete(key);
    if (previous !== undefined) this.records.set(key, previous);
    throw new Error(`file store ${this.file}: cannot save (${failure}); message not accepted`);
  }

  del(key: string): void {
    // A failed delete leaves an extra record in the file: at worst a duplicate after a restart.
    if (this.records.delete(key)) this.trySave();
  }

  all(): { [key: string]: StoredRecord } {
    const out: { [key: string]: StoredRecord } = {};
    for (const [key, value] of this.records) out[key] = value;
    return out;
  }

  /** '' when saved; else the reason, logged once per run of failures. */
  private trySave(): string {
    try {
      this.save();
    } catch (err) {
      const why = errorCode(err) === 'ENOSPC' ? 'no space left on device (ENOSPC)' : (err as Error).message;
      if (!this.failing) this.warn(`file store ${this.file}: write failed: ${why}; the previous file is kept, new QoS 1/2 messages are refused`);
      this.failing = true;
      return why;
    }
    if (this.failing) this.warn(`file store ${this.file}: writable again`);
    this.failing = false;
    return '';
  }

  private save(): void {
    const records: unknown[] = [];
    for (const [key, value] of this.records) records.push([key, encode(value)]);
    this.writeWhole(this.tmpFile, JSON.stringify({ format: FORMAT, records }));
    renameSync(this.tmpFile, this.file);
    if (this.durable) {
      // The rename itself is durable only once the directory is synced.
      const dirFd = openSync(dirname(this.file), 'r');
      try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
    }
  }

  /** Writes `text` to `path` completely (and fsyncs it), or removes it and throws. */
  private writeWhole(path: string, text: string): void {
    const data = Buffer.from(text, 'utf8');
    const descriptor = openSync(path, 'w', OWNER_ONLY);
    try {
      let done = 0;
      while (done < data.length) {
        const wrote = this.write(descriptor, data, done, data.length - done);
        // A write of 0 bytes would loop forever: the disk is full in all but name.
        if (!(wrote > 0)) throw new Error(`short write: ${done + Math.max(wrote, 0)} of ${data.length} bytes`);
        done += wrote;
      }
      if (this.durable) fsyncSync(descriptor);
    } catch (err) {
      closeSync(descriptor);
      try { unlinkSync(path); } catch { /* already gone: nothing to clean */ }
      throw err;
    }
    closeSync(descriptor);
  }
}
