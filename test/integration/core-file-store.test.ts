// The file store under the real client: a Node process queues QoS 1/2 publishes while its
// broker is unreachable, is killed with SIGKILL, and a new process on the same store file
// delivers every one of them once, in order per QoS; afterwards the file holds nothing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNodeClient } from '../../src/node/connect';
import { connected, subscribeAsync, endAsync } from '../../src/node/promise';
import { FileStore } from '../../src/store/file-store';
import { startAedes, type AedesBroker } from '../support/aedes';
import { freePort } from '../support/mosquitto';
import { until, sleep, text } from '../support/wait';

let a: AedesBroker;
let dir: string;
beforeAll(async () => { a = await startAedes(); dir = mkdtempSync(join(tmpdir(), 'glowmq-fsc-')); });
afterAll(async () => { await a?.close(); rmSync(dir, { recursive: true, force: true }); });

describe('FileStore with the client', () => {
  it('QoS 1/2 messages accepted while offline survive SIGKILL and are delivered after restart', async () => {
    const file = join(dir, 'device.store');
    const deadPort = await freePort();
    const child = join(dir, 'device.mts');
    const src = (p: string) => JSON.stringify(resolve(__dirname, '../../src', p));
    writeFileSync(child, `
      import { createNodeClient } from ${src('node/connect.ts')};
      import { FileStore } from ${src('store/file-store.ts')};
      const c = createNodeClient('mqtt://127.0.0.1:${deadPort}', { clientId: 'durable', store: new FileStore(${JSON.stringify(file)}, { fsync: false }), reconnectMin: 60000, logLevel: 'silent' });
      for (let i = 0; i < 20; i++) c.publish('durable/t', 'reading ' + i, { qos: i % 2 ? 2 : 1 }, (e) => { if (e) console.error(e.message); });
      process.stdout.write('accepted\\n');
      setInterval(() => {}, 1000);
    `);
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<NodeJS.Signals | null>((r) => proc.on('close', (_c, sig) => r(sig)));
    try { await until(() => out.includes('accepted') || proc.exitCode !== null, 'the device to accept 20 messages', 20_000); } finally { proc.kill('SIGKILL'); }
    expect(await exited).toBe('SIGKILL');
    expect(err).toBe('');
    expect(Object.keys(new FileStore(file, { onCorrupt: 'throw' }).all())).toHaveLength(20);

    const watcher = createNodeClient(a.url, { logLevel: 'silent' });
    const got: { text: string; qos: number }[] = [];
    watcher.on('message', (_t, p, pk) => got.push({ text: text(p), qos: pk.qos }));
    await connected(watcher);
    await subscribeAsync(watcher, 'durable/t', { qos: 2 });
    const store = new FileStore(file);
    const device = createNodeClient(a.url, { clientId: 'durable', store, logLevel: 'silent' });
    try {
      await connected(device);
      await until(() => got.length >= 20, '20 messages after the restart');
      await sleep(100); // a duplicate would show up now
      // MQTT orders messages per topic and QoS only (aedes interleaves QoS 1 and 2), so check each QoS's order.
      for (const qos of [1, 2]) {
        const want = Array.from({ length: 20 }, (_, i) => i).filter((i) => (i % 2 ? 2 : 1) === qos).map((i) => `reading ${i}`);
        expect(got.filter((g) => g.qos === qos).map((g) => g.text)).toEqual(want);
      }
      expect(got).toHaveLength(20);
      await until(() => Object.keys(store.all()).length === 0, 'the store to empty as acks arrive');
    } finally {
      await endAsync(device);
      await endAsync(watcher);
    }
    expect(new FileStore(file).all()).toEqual({});
  });
});
