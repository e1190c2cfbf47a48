import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { FileStore } from '../../src/store/file-store';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'glowmq-fs-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('FileStore', () => {
  it('round-trips records with Uint8Array fields (also nested) across instances', () => {
    const f = join(dir, 's.json');
    const s = new FileStore(f);
    s.put('o1', { t: 'publish', topic: 'a/b', payload: new Uint8Array([0, 255, 10, 128]), qos: 1, retain: false });
    s.put('i7', { state: 'pubrel', nested: { parts: [new Uint8Array([1, 2]), 'x'] }, n: null });
    const back = new FileStore(f).all();
    expect(Object.keys(back)).toEqual(['o1', 'i7']);
    const p = back.o1.payload as Uint8Array;
    expect(p).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(p)).toBe(false);
    expect([...p]).toEqual([0, 255, 10, 128]);
    expect(back.o1).toMatchObject({ t: 'publish', topic: 'a/b', qos: 1, retain: false });
    const parts = (back.i7.nested as { parts: unknown[] }).parts;
    expect([...(parts[0] as Uint8Array)]).toEqual([1, 2]);
    expect(parts[1]).toBe('x');
    expect(back.i7.n).toBeNull();
  });

  it('keeps insertion order of first put, integer-like keys included; re-put keeps the place', () => {
    const f = join(dir, 's.json');
    const s = new FileStore(f);
    s.put('b', { v: 1 }); s.put('10', { v: 2 }); s.put('2', { v: 3 }); s.put('b', { v: 4 });
    s.put('a', { v: 5 });
    expect(Object.keys(s.all()).filter((k) => !/^\d+$/.test(k))).toEqual(['b', 'a']);
    // A plain object lists integer-like keys first whatever we do; the file keeps first-put order.
    const raw = JSON.parse(readFileSync(f, 'utf8'));
    expect(raw.records.map((r: [string]) => r[0])).toEqual(['b', '10', '2', 'a']);
    expect(new FileStore(f).all().b).toEqual({ v: 4 });
  });

  it('del removes durably; deleting a missing key is harmless', () => {
    const f = join(dir, 's.json');
    const s = new FileStore(f);
    s.put('a', { v: 1 }); s.put('b', { v: 2 });
    s.del('a'); s.del('nope');
    expect(new FileStore(f).all()).toEqual({ b: { v: 2 } });
  });

  it('a record changed by the caller after put is not changed in the store', () => {
    const s = new FileStore(join(dir, 's.json'));
    const rec = { state: 'publish', payload: new Uint8Array([1]) };
    s.put('a', rec);
    rec.state = 'pubrel'; rec.payload[0] = 9;
    expect(s.all().a.state).toBe('publish');
    expect([...(s.all().a.payload as Uint8Array)]).toEqual([1]);
  });

  it('a missing file is an empty store, and the file appears on the first put with owner-only permissions', () => {
    const f = join(dir, 'new.json');
    const s = new FileStore(f);
    expect(s.all()).toEqual({});
    expect(existsSync(f)).toBe(false);
    s.put('a', { v: 1 });
    expect(existsSync(f)).toBe(true);
  });

  it('a corrupt file is moved to .corrupt with a warning naming the file, and the store starts empty', () => {
    const f = join(dir, 's.json');
    writeFileSync(f, '{"format":"glowmq-store/1","records":[["a",{"v":1}]');
    const warnings: string[] = [];
    const s = new FileStore(f, { warn: (m) => warnings.push(m) });
    expect(s.all()).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`file store ${f} is corrupt`);
    expect(warnings[0]).toContain(`moved it to ${f}.corrupt and started empty`);
    expect(readFileSync(f + '.corrupt', 'utf8')).toContain('"records"');
    s.put('b', { v: 2 });
    expect(new FileStore(f).all()).toEqual({ b: { v: 2 } });
    // A second corruption keeps the first .corrupt file too.
    writeFileSync(f, 'garbage');
    new FileStore(f, { warn: (m) => warnings.push(m) });
    expect(readdirSync(dir).filter((n) => n.includes('.corrupt'))).toHaveLength(2);
  });

  it('a JSON file of the wrong shape is corrupt too; onCorrupt "throw" refuses with the file name', () => {
    const f = join(dir, 's.json');
    writeFileSync(f, '{"records":{}}');
    expect(() => new FileStore(f, { onCorrupt: 'throw' })).toThrow(`file store ${f} is corrupt: not a glowmq-store/1 file`);
    expect(existsSync(f)).toBe(true);
    writeFileSync(f, '{"format":"glowmq-store/1","records":[["a",3]]}');
    expect(() => new FileStore(f, { onCorrupt: 'throw' })).toThrow(/a record is not a \[key, object\] pair/);
  });

  it('a leftover temp file from an interrupted write is ignored and removed', () => {
    const f = join(dir, 's.json');
    new FileStore(f).put('a', { v: 1 });
    writeFileSync(f + '.tmp', '{"half');
    expect(new FileStore(f).all()).toEqual({ a: { v: 1 } });
    expect(existsSync(f + '.tmp')).toBe(false);
  });

  it('survives SIGKILL mid-stream: every put that returned is on disk, and the file parses', async () => {
    const f = join(dir, 'kill.json');
    const storeTs = resolve(__dirname, '../../src/store/file-store.ts');
    const child = join(dir, 'writer.mts');
    // The child puts records as fast as it can (deleting older ones, as acks would) and
    // reports each put only after it returned.
    writeFileSync(child, `
      import { FileStore } from ${JSON.stringify(storeTs)};
      const s = new FileStore(${JSON.stringify(f)}, { fsync: false }); // a killed process, not a power cut: the page cache survives
      for (let i = 0; ; i++) {
        s.put('m' + i, { seq: i, payload: new Uint8Array([i & 255, (i >> 8) & 255]) });
        if (i >= 5) s.del('m' + (i - 5));
        process.stdout.write(i + '\\n');
      }
    `);
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    await new Promise<void>((res, rej) => {
      let buf = '';
      proc.stdout.on('data', (d) => {
        buf += d;
        const lines = buf.split('\n'); buf = lines.pop()!;
        for (const l of lines) acked = Number(l);
        if (acked >= 80 && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
      });
      proc.on('close', () => (acked >= 80 ? res() : rej(new Error(`writer died early: ${err}`))));
    });
    const recs = new FileStore(f, { onCorrupt: 'throw' }).all();
    const seqs = Object.values(recs).map((r) => r.seq as number);
    // The last acknowledged put is there (and at most the put in progress after it).
    expect(seqs).toContain(acked);
    expect(Math.max(...seqs)).toBeLessThanOrEqual(acked + 1);
    for (const r of Object.values(recs)) {
      const s = r.seq as number;
      expect([...(r.payload as Uint8Array)]).toEqual([s & 255, (s >> 8) & 255]);
    }
    // Contiguous window of at most 5 (+1 in flight) records: no stale or missing one.
    expect(seqs).toEqual(seqs.slice().sort((a, b) => a - b));
    expect(seqs[seqs.length - 1] - seqs[0]).toBe(seqs.length - 1);
    expect(seqs.length).toBeGreaterThanOrEqual(5);
    expect(seqs.length).toBeLessThanOrEqual(6);
  });
});
