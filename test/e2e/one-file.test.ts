// The one-file build: dist/node/glowmq.cjs copied alone into an empty directory (no
// node_modules anywhere above it) runs the device against mosquitto.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, copyFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { CLI, glowmq, run, start, type Proc } from './cli-process';

describeWithPeers('one-file build', [peers.mosquitto()], () => {
  let m: Mosquitto;
  let dir: string;
  const procs: Proc[] = [];
  beforeAll(async () => {
    m = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'glowmq-onefile-'));
    copyFileSync(CLI, join(dir, 'glowmq.cjs'));
  }, 90_000);
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await m?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('runs `node glowmq.cjs device --broker …` from an empty directory', async () => {
    expect(readdirSync(dir)).toEqual(['glowmq.cjs']);
    for (let d = dir; d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), d).toBe(false);
    const auth = ['-p', String(m.port), '-u', 'admin', '-P', 'password'];
    const readings = glowmq(['sub', ...auth, '-t', 'glowmq/onefile/sensors/temperature', '-C', '2', '-q', '1', '-d']);
    procs.push(readings);
    await readings.line(/subscribed/);
    const dev = start(process.execPath, ['glowmq.cjs', 'device', '--broker', `mqtt://127.0.0.1:${m.port}`, '--id', 'onefile', '--interval', '0.2'],
      { cwd: dir, env: { MQTT_USERNAME: 'admin', MQTT_PASSWORD: 'password', NODE_PATH: '' } });
    procs.push(dev);
    await dev.line(/subscribed to lightChange/);
    expect(await readings.exited).toBe(0);
    const [a, b] = readings.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(b.seq).toBe(a.seq + 1);
    expect(a.unit).toBe('°C');
    expect(a.value).toBeGreaterThanOrEqual(18);
    expect(a.value).toBeLessThanOrEqual(28);
    expect((await run(['pub', ...auth, '-t', 'lightChange', '-m', 'on', '-q', '1'])).code).toBe(0);
    await dev.line(/LED on <- lightChange "on"/);
    expect((await run(['sub', ...auth, '-t', 'glowmq/onefile/light/state', '-C', '1'])).stdout).toBe('on\n');
    expect(await dev.kill('SIGTERM')).toBe(0);
    // Commands that need a package outside the one file say so.
    const d = start(process.execPath, ['glowmq.cjs', 'demo', '--count', '1', '--port', '0'], { cwd: dir });
    expect(await d.exited).toBe(1);
    expect(d.stderr()).toBe('glowmq demo: the demo needs the aedes package (npm install aedes), which is not inside the one-file build\n');
    const serial = start(process.execPath, ['glowmq.cjs', 'device', '--id', 'x', '--serial', '/dev/ttyNONE'], { cwd: dir });
    expect(await serial.exited).toBe(1);
    expect(serial.stderr()).toMatch(/glowmq device: the serialport package is needed for serial ports: npm install serialport next to glowmq\.cjs/);
  }, 90_000);
});
