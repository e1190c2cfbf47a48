// The file store on a real full disk (a 16 KiB tmpfs) and a real permission problem (the
// store read by an unprivileged user): both need root, to mount and to drop privileges.
// Without root the suite is skipped loudly, and under CI=true it fails naming what is missing.
import { it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/store/file-store';
import { describeWithPeers, hasCommand, type Peer } from '../support/peers';
import { freePort } from '../support/mosquitto';
import { CLI, start } from '../e2e/cli-process';
import type { StoredRecord } from '../../src/core/types';

const DISK_BYTES = 16 * 1024;
const PAYLOAD_BYTES = 700;

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'glowmq-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch { return false; } finally { rmSync(probe, { recursive: true, force: true }); }
}

const root: Peer = {
  name: 'root with mount and setpriv (a tmpfs for the full disk; an unprivileged user for EACCES)',
  install: 'run the tests as root, as CI does',
  present: canMount() && hasCommand('setpriv'),
};

function publish(packetId: number): StoredRecord {
  return { cmd: 'publish', topic: 'full/disk', payload: new Uint8Array(PAYLOAD_BYTES).fill(packetId & 255), qos: 1, retain: false, dup: false, messageId: packetId };
}

describeWithPeers('file store on a full disk and an unreadable file', [root], () => {
  let mnt: string;
  beforeAll(() => {
    mnt = mkdtempSync(join(tmpdir(), 'glowmq-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES}`, 'tmpfs', mnt]);
  });
  afterAll(() => {
    if (!mnt) return;
    try { execFileSync('umount', [mnt]); } finally { rmSync(mnt, { recursive: true, force: true }); }
  });

  it('puts until the disk is full: the refused put throws ENOSPC, the file holds every accepted record, and space freed by acks is used again', () => {
    const file = join(mnt, 'lib.store');
    const warnings: string[] = [];
    const store = new FileStore(file, { warn: (msg) => warnings.push(msg) });
    let accepted = 0, refusal = '';
    for (let packetId = 1; packetId < 100 && !refusal; packetId++) {
      try { store.put('o' + packetId, publish(packetId)); accepted = packetId; } catch (err) { refusal = (err as Error).message; }
    }
    expect(refusal).toBe(`file store ${file}: cannot save (no space left on device (ENOSPC)); message not accepted`);
    expect(accepted).toBeGreaterThan(3);
    expect(warnings).toEqual([`file store ${file}: write failed: no space left on device (ENOSPC); the previous file is kept, new QoS 1/2 messages are refused`]);
    const onDisk = new FileStore(file, { onCorrupt: 'throw' }).all();
    expect(Object.keys(onDisk)).toEqual(Array.from({ length: accepted }, (_, i) => 'o' + (i + 1)));
    // Acks free space (a failed delete is only logged); then new messages are accepted again.
    for (let packetId = 1; packetId <= accepted; packetId++) store.del('o' + packetId);
    store.put('o' + (accepted + 1), publish(accepted + 1));
    expect(warnings[warnings.length - 1]).toBe(`file store ${file}: writable again`);
    expect(Object.keys(new FileStore(file, { onCorrupt: 'throw' }).all())).toEqual(['o' + (accepted + 1)]);
    rmSync(file);
  });

  it('glowmq device with --store on the full disk and no broker: readings are refused loudly, and after kill -9 the store loads intact', async () => {
    const file = join(mnt, 'device.store');
    const port = await freePort(); // nothing listens there
    const args = ['device', '--broker', `mqtt://127.0.0.1:${port}`, '--id', 'full', '--interval', '0.1', '--store', file];
    const device = start(process.execPath, [CLI, ...args]);
    try {
      await device.line(/write failed: no space left on device/);
      await device.line(/publish failed: file store .* cannot save/);
    } finally { await device.kill('SIGKILL'); }
    const warnings: string[] = [];
    const records = new FileStore(file, { warn: (msg) => warnings.push(msg) }).all();
    expect(warnings).toEqual([]);
    const seqs = Object.values(records).map((record) => JSON.parse(Buffer.from(record.payload as Uint8Array).toString()).seq as number);
    expect(seqs.length).toBeGreaterThan(5);
    // Every reading the store accepted is there, from the first: no gap.
    expect(seqs).toEqual(seqs.map((_, i) => i));
    rmSync(file);
  });

  it('a store the user may not read is a permission problem: one line naming --store, exit 2, and the file left where it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glowmq-perm-'));
    try {
      chmodSync(dir, 0o777);
      const file = join(dir, 'secret.store');
      writeFileSync(file, '{"format":"glowmq-store/1","records":[["i1",{}]]}', { mode: 0o600 }); // root's, unreadable to nobody
      const port = await freePort();
      const device = start('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI,
        'device', '--broker', `mqtt://127.0.0.1:${port}`, '--id', 'perm', '--store', file]);
      expect(await device.exited).toBe(2);
      expect(device.stderr().trim()).toBe(`glowmq device: cannot use --store ${file}: permission denied reading or writing it (EACCES)`);
      expect(readFileSync(file, 'utf8')).toContain('"i1"');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

it('glowmq device --store in a folder that does not exist: one line naming --store, exit 2, before anything connects', async () => {
  const file = join(tmpdir(), 'glowmq-no-such-dir-' + process.pid, 'x.json');
  // A listener where the broker would be: the device must not even connect.
  let connections = 0;
  const listener = createServer((sock) => { connections++; sock.destroy(); });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  try {
    const port = (listener.address() as AddressInfo).port;
    const device = start(process.execPath, [CLI, 'device', '--broker', `mqtt://127.0.0.1:${port}`, '--id', 'nodir', '--store', file]);
    expect(await device.exited).toBe(2);
    expect(device.stderr()).toBe(`glowmq device: cannot use --store ${file}: folder ${join(file, '..')} does not exist (ENOENT)\n`);
    expect(device.stdout()).toBe('');
    expect(connections).toBe(0);
  } finally { await new Promise<void>((resolve) => listener.close(() => resolve())); }
});
