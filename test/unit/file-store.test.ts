import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { FileStore, StoreAccessError } from '../../src/store/file-store';
import { harness } from '../support/client-harness';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { StoredRecord } from '../../src/core/types';

/** A QoS 1 PUBLISH record as the client stores it under 'o<id>'. */
function publish(packetId: number, payload: number[]): StoredRecord {
  return { cmd: 'publish', topic: 'a/b', payload: new Uint8Array(payload), qos: 1, retain: false, dup: false, messageId: packetId };
}

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'glowmq-fs-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('FileStore', () => {
  it('round-trips records with Uint8Array fields (also nested) across instances', () => {
    const file = join(dir, 's.json');
    const store = new FileStore(file);
    store.put('o1', publish(1, [0, 255, 10, 128]));
    store.put('i7', {});
    store.put('o2', { cmd: 'pubrel', messageId: 2 });
    const back = new FileStore(file).all();
    expect(Object.keys(back)).toEqual(['o1', 'i7', 'o2']);
    const payload = back.o1.payload as Uint8Array;
    expect(payload).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(payload)).toBe(false);
    expect([...payload]).toEqual([0, 255, 10, 128]);
    expect(back.o1).toMatchObject({ cmd: 'publish', topic: 'a/b', qos: 1, retain: false, messageId: 1 });
    expect(back.i7).toEqual({});
    expect(back.o2).toEqual({ cmd: 'pubrel', messageId: 2 });
  });

  it('keeps insertion order of first put, integer-like keys included; re-put keeps the place', () => {
    const file = join(dir, 's.json');
    const store = new FileStore(file);
    store.put('o9', publish(9, [1])); store.put('o10', publish(10, [2])); store.put('o2', publish(2, [3])); store.put('o9', { cmd: 'pubrel', messageId: 9 });
    store.put('i5', {});
    expect(Object.keys(store.all())).toEqual(['o9', 'o10', 'o2', 'i5']);
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    expect(raw.records.map((entry: [string]) => entry[0])).toEqual(['o9', 'o10', 'o2', 'i5']);
    expect(new FileStore(file).all().o9).toEqual({ cmd: 'pubrel', messageId: 9 });
  });

  it('del removes durably; deleting a missing key is harmless', () => {
    const file = join(dir, 's.json');
    const store = new FileStore(file);
    store.put('o1', publish(1, [1])); store.put('o2', publish(2, [2]));
    store.del('o1'); store.del('nope');
    expect(Object.keys(new FileStore(file).all())).toEqual(['o2']);
  });

  it('a record changed by the caller after put is not changed in the store', () => {
    const store = new FileStore(join(dir, 's.json'));
    const rec = publish(1, [1]);
    store.put('o1', rec);
    rec.cmd = 'pubrel'; (rec.payload as Uint8Array)[0] = 9;
    expect(store.all().o1.cmd).toBe('publish');
    expect([...(store.all().o1.payload as Uint8Array)]).toEqual([1]);
  });

  it('a missing file is an empty store, and the file appears on the first put with owner-only permissions', () => {
    const file = join(dir, 'new.json');
    const store = new FileStore(file);
    expect(store.all()).toEqual({});
    expect(existsSync(file)).toBe(false);
    store.put('o1', publish(1, [1]));
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a corrupt file is moved to .corrupt with a warning naming the file, and the store starts empty', () => {
    const file = join(dir, 's.json');
    writeFileSync(file, '{"format":"glowmq-store/1","records":[["i1",{}]');
    const warnings: string[] = [];
    const store = new FileStore(file, { warn: (msg) => warnings.push(msg) });
    expect(store.all()).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`file store ${file} is corrupt`);
    expect(warnings[0]).toContain(`moved it to ${file}.corrupt and started empty`);
    expect(readFileSync(file + '.corrupt', 'utf8')).toContain('"records"');
    store.put('i2', {});
    expect(new FileStore(file).all()).toEqual({ i2: {} });
    // A second corruption keeps the first .corrupt file too.
    writeFileSync(file, 'garbage');
    new FileStore(file, { warn: (msg) => warnings.push(msg) });
    expect(readdirSync(dir).filter((name) => name.includes('.corrupt'))).toHaveLength(2);
  });

  it('a JSON file of the wrong shape is corrupt too; onCorrupt "throw" refuses with the file name', () => {
    const file = join(dir, 's.json');
    writeFileSync(file, '{"records":{}}');
    expect(() => new FileStore(file, { onCorrupt: 'throw' })).toThrow(`file store ${file} is corrupt: not a glowmq-store/1 file`);
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, '{"format":"glowmq-store/1","records":[["a",3]]}');
    expect(() => new FileStore(file, { onCorrupt: 'throw' })).toThrow(/a record is not a \[key, object\] pair/);
  });

  it('a leftover temp file from an interrupted write is ignored and removed', () => {
    const file = join(dir, 's.json');
    new FileStore(file).put('i1', {});
    writeFileSync(file + '.tmp', '{"half');
    expect(new FileStore(file).all()).toEqual({ i1: {} });
    expect(existsSync(file + '.tmp')).toBe(false);
  });

  it('survives SIGKILL mid-stream: every put that returned is on disk, and the file parses', async () => {
    const file = join(dir, 'kill.json');
    const storeTs = resolve(__dirname, '../../src/store/file-store.ts');
    const child = join(dir, 'writer.mts');
    // The child puts records as fast as it can (deleting older ones, as acks would) and
    // reports each put only after it returned.
    writeFileSync(child, `
      import { FileStore } from ${JSON.stringify(storeTs)};
      const s = new FileStore(${JSON.stringify(file)}, { fsync: false }); // a killed process, not a power cut: the page cache survives
      for (let i = 0; ; i++) {
        s.put('o' + (i + 1), { cmd: 'publish', topic: 'seq', qos: 1, messageId: i + 1, payload: new Uint8Array([i & 255, (i >> 8) & 255]) });
        if (i >= 5) s.del('o' + (i - 4));
        process.stdout.write(i + '\\n');
      }
    `);
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let err = '';
    proc.stderr.on('data', (chunk) => { err += chunk; });
    await new Promise<void>((res, rej) => {
      let buf = '';
      proc.stdout.on('data', (chunk) => {
        buf += chunk;
        const lines = buf.split('\n'); buf = lines.pop()!;
        for (const line of lines) acked = Number(line);
        if (acked >= 80 && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
      });
      proc.on('close', () => (acked >= 80 ? res() : rej(new Error(`writer died early: ${err}`))));
    });
    const recs = new FileStore(file, { onCorrupt: 'throw' }).all();
    const seqs = Object.values(recs).map((record) => (record.messageId as number) - 1);
    // The last acknowledged put is there (and at most the put in progress after it).
    expect(seqs).toContain(acked);
    expect(Math.max(...seqs)).toBeLessThanOrEqual(acked + 1);
    for (const record of Object.values(recs)) {
      const seq = (record.messageId as number) - 1;
      expect([...(record.payload as Uint8Array)]).toEqual([seq & 255, (seq >> 8) & 255]);
    }
    // Contiguous window of at most 5 (+1 in flight) records: no stale or missing one.
    expect(seqs).toEqual(seqs.slice().sort((left, right) => left - right));
    expect(seqs[seqs.length - 1] - seqs[0]).toBe(seqs.length - 1);
    expect(seqs.length).toBeGreaterThanOrEqual(5);
    expect(seqs.length).toBeLessThanOrEqual(6);
  });
});

describe('FileStore when a write fails', () => {
  /** fs.writeSync that writes only `budget` bytes in all, then reports 0 written (a full disk). */
  function shortWrites(budget: number) {
    return (descriptor: number, data: Uint8Array, offset: number, length: number) => {
      const now = Math.min(length, budget);
      budget -= now;
      return now ? writeSync(descriptor, data, offset, now) : 0;
    };
  }

  it('a short write never replaces the file: put throws, the previous records stay, the failure is logged once', () => {
    const file = join(dir, 's.json');
    const good = new FileStore(file);
    good.put('o1', publish(1, [1]));
    good.put('o2', publish(2, [2]));
    const before = readFileSync(file, 'utf8');
    const warnings: string[] = [];
    const store = new FileStore(file, { warn: (msg) => warnings.push(msg), write: shortWrites(40) });
    expect(() => store.put('o3', publish(3, [3]))).toThrow(`file store ${file}: cannot save (short write: 40 of `);
    expect(() => store.put('o4', publish(4, [4]))).toThrow(/message not accepted/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(file + '.tmp')).toBe(false);
    expect(Object.keys(store.all())).toEqual(['o1', 'o2']); // the refused ones are not kept in memory either
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^file store ${file}: write failed: short write: 40 of \\d+ bytes; the previous file is kept, new QoS 1/2 messages are refused$`));
    expect(Object.keys(new FileStore(file, { onCorrupt: 'throw' }).all())).toEqual(['o1', 'o2']);
  });

  it('a failed update of a record already on disk (PUBLISH → PUBREL), inbound QoS 2 marker or delete does not throw: the older file still holds the message', () => {
    const file = join(dir, 's.json');
    new FileStore(file).put('o1', publish(1, [1]));
    const warnings: string[] = [];
    const store = new FileStore(file, { warn: (msg) => warnings.push(msg), write: shortWrites(0) });
    store.put('o1', { cmd: 'pubrel', messageId: 1 });
    store.put('i7', {});
    expect(Object.keys(store.all())).toEqual(['o1', 'i7']); // held in memory for this run
    store.del('o1');
    expect(warnings).toHaveLength(1);
    expect(Object.keys(new FileStore(file).all())).toEqual(['o1']);
    expect(new FileStore(file).all().o1).toMatchObject({ cmd: 'publish', messageId: 1 });
  });

  it('after a failure, a write that succeeds again says so and saves everything held', () => {
    const file = join(dir, 's.json');
    const warnings: string[] = [];
    let full = true;
    const store = new FileStore(file, { warn: (msg) => warnings.push(msg), write: (descriptor, data, offset, length) => (full ? 0 : writeSync(descriptor, data, offset, length)) });
    expect(() => store.put('o1', publish(1, [1]))).toThrow(/cannot save/);
    full = false;
    store.put('o2', publish(2, [2]));
    expect(warnings[1]).toBe(`file store ${file}: writable again`);
    expect(Object.keys(new FileStore(file).all())).toEqual(['o2']);
  });

  it('a throwing put is the publish\'s error in the client; nothing is queued for it', () => {
    const file = join(dir, 's.json');
    const store = new FileStore(file, { warn: () => {}, write: shortWrites(0) });
    const rig = harness(mqttPacketCodec, {}, store);
    rig.up();
    const results: unknown[] = [];
    rig.client.publish('a/b', 'x', { qos: 1 }, (err) => results.push(err?.message));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatch(new RegExp(`^file store ${file}: cannot save \\(short write: 0 of \\d+ bytes\\); message not accepted$`));
    expect(rig.tr.take()).toEqual([]);
    rig.client.publish('a/b', 'y', { qos: 0 }, (err) => results.push(err ?? 'sent'));
    expect(results[1]).toBe('sent');
  });
  it('an inbound QoS 2 message on a full disk is still received and acknowledged (nothing of ours to refuse)', () => {
    const store = new FileStore(join(dir, 's.json'), { warn: () => {}, write: shortWrites(0) });
    const rig = harness(mqttPacketCodec, {}, store);
    rig.up();
    rig.tr.deliver({ cmd: 'publish', topic: 'cmd', payload: Buffer.from('on'), qos: 2, messageId: 9, retain: false, dup: false });
    expect(rig.tr.take().map((packet) => [packet.cmd, (packet as { messageId?: number }).messageId])).toEqual([['pubrec', 9]]);
    rig.tr.deliver({ cmd: 'pubrel', messageId: 9 });
    expect(rig.tr.take().map((packet) => [packet.cmd, (packet as { messageId?: number }).messageId])).toEqual([['pubcomp', 9]]);
    expect(rig.ev('message')).toHaveLength(1);
    expect(rig.ev('error')).toEqual([]);
  });
});

describe('FileStore checks every record on load', () => {
  const cases: [string, string, RegExp][] = [
    ['qos 9', '["o1",{"cmd":"publish","topic":"t","payload":{"$b64":"AQ=="},"qos":9,"messageId":1}]', /qos 9 is not allowed/],
    ['cmd connect', '["o1",{"cmd":"connect","messageId":1}]', /cmd "connect" is not a stored packet/],
    ['messageId 0', '["o0",{"cmd":"pubrel","messageId":0}]', /key is not o<packet id>/],
    ['messageId 99999999', '["o1",{"cmd":"pubrel","messageId":99999999}]', /messageId 99999999 is not a packet id/],
    ['no cmd', '["o1",{"messageId":1}]', /cmd undefined is not a stored packet/],
    ['key __proto__', '["__proto__",{"cmd":"pubrel","messageId":1}]', /the key is named __proto__/],
    ['field __proto__', '["o1",{"cmd":"pubrel","messageId":1,"__proto__":{"x":1}}]', /a field is named __proto__/],
    ['bad $b64', '["o1",{"cmd":"publish","topic":"t","payload":{"$b64":"%%%"},"qos":1,"messageId":1}]', /a \$b64 value is not base64/],
    ['no payload', '["o1",{"cmd":"publish","topic":"t","qos":1,"messageId":1}]', /payload is not bytes/],
    ['wildcard topic', '["o1",{"cmd":"publish","topic":"a/#","payload":{"$b64":""},"qos":1,"messageId":1}]', /has a wildcard/],
    ['id mismatch', '["o1",{"cmd":"pubrel","messageId":2}]', /differs from the key's packet id 1/],
  ];
  it.each(cases)('%s: set aside with a warning naming the key and the reason; the valid records are kept', (_name, bad, why) => {
    const file = join(dir, 's.json');
    const good = '["o5",{"cmd":"publish","topic":"ok","payload":{"$b64":"aGk="},"qos":2,"retain":true,"dup":false,"messageId":5}]';
    writeFileSync(file, `{"format":"glowmq-store/1","records":[${good},${bad},["i9",{}]]}`);
    const warnings: string[] = [];
    const store = new FileStore(file, { warn: (msg) => warnings.push(msg) });
    expect(Object.keys(store.all())).toEqual(['o5', 'i9']);
    expect(Buffer.from(store.all().o5.payload as Uint8Array).toString()).toBe('hi');
    const key = JSON.parse(bad)[0];
    expect(warnings[0].startsWith(`file store ${file}: record ${JSON.stringify(key)} set aside: `)).toBe(true);
    expect(warnings[0]).toMatch(why);
    expect(warnings[1]).toBe(`file store ${file}: 1 invalid record(s) moved to ${file}.invalid; the other 2 kept`);
    expect(readFileSync(file + '.invalid', 'utf8')).toContain(JSON.stringify(JSON.parse(bad)[1]).slice(0, 12));
    // The file now holds only the valid ones: the next start warns no more.
    const again: string[] = [];
    expect(Object.keys(new FileStore(file, { warn: (msg) => again.push(msg) }).all())).toEqual(['o5', 'i9']);
    expect(again).toEqual([]);
    expect(Object.getPrototypeOf(store.all())).toBe(Object.prototype);
  });
});

describe('FileStore refuses a store it cannot use', () => {
  it('a missing folder is a StoreAccessError naming the folder, and nothing is created', () => {
    const file = join(dir, 'nonexistent', 'x.json');
    expect(() => new FileStore(file)).toThrow(StoreAccessError);
    expect(() => new FileStore(file)).toThrow(`${file}: folder ${join(dir, 'nonexistent')} does not exist (ENOENT)`);
    expect(readdirSync(dir)).toEqual([]);
  });
  it('a folder path that is a file is refused', () => {
    writeFileSync(join(dir, 'plain'), '');
    expect(() => new FileStore(join(dir, 'plain', 'x.json'))).toThrow(/is not a folder/);
  });
});
