// Unplugging the serial adapter, on real pseudo-terminals: socat (the "adapter") is stopped,
// so the port closes and its path disappears, then started again at the same path with a
// freshly booted module emulator. The device reopens the port and is online again within
// 10 s of its return with no QoS 1 reading lost; with --serial-exit-on-loss it exits 1 at
// once, and a restart with the same --store delivers what the first run had accepted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describeWithPeers, peers } from '../support/peers';
import { freePort, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { waitFor } from '../support/wait';
import { CLI, glowmq, start, type Proc } from './cli-process';

interface Reading { seq: number; ts: number }

describeWithPeers('glowmq device --serial: the adapter unplugged and plugged back', [peers.mosquitto(), peers.socat()], () => {
  let broker: Mosquitto;
  let dir: string;
  const procs: Proc[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'glowmq-unplug-'));
  }, 90_000);
  afterAll(async () => {
    for (const proc of procs.reverse()) await proc.kill('SIGKILL');
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  /** The "adapter": a pty at `tty` with a module emulator behind it (it boots joined to Wi-Fi). */
  async function plugIn(tty: string): Promise<Proc> {
    const socat = start('socat', ['-d', '-d', `PTY,link=${tty},raw,echo=0`, `EXEC:"${process.execPath} ${CLI} modem-sim --stdio --baud 0 --local-only"`]);
    procs.push(socat);
    await socat.line(/starting data transfer loop|PTY is/);
    await waitFor(`${tty} to appear`, () => existsSync(tty), 10_000);
    return socat;
  }
  async function unplug(socat: Proc, tty: string) {
    await socat.kill('SIGTERM'); // socat closes the pty and removes its link, as udev does
    await waitFor(`${tty} to disappear`, () => !existsSync(tty), 10_000);
  }
  /** A QoS 1 observer of the device's readings, connected throughout. */
  async function observe(id: string) {
    const readings: Reading[] = [];
    const observer = await mqtt.connectAsync(broker.url, { username: 'admin', password: 'password', clientId: `observer-${id}` });
    observer.on('message', (_topic, payload) => readings.push(JSON.parse(String(payload)) as Reading));
    await observer.subscribeAsync(`glowmq/${id}/sensors/+`, { qos: 1 });
    return { observer, readings };
  }
  const count = (proc: Proc, pattern: RegExp) => proc.stderr().split('\n').filter((line) => pattern.test(line)).length;
  /** Sorted distinct seqs; duplicates are allowed (at least once), gaps are not. */
  const gaps = (seqs: number[]) => {
    const distinct = [...new Set(seqs)].sort((a, b) => a - b);
    const missing: number[] = [];
    for (let seq = 0; seq <= distinct[distinct.length - 1]; seq++) if (!distinct.includes(seq)) missing.push(seq);
    return missing;
  };
  const device = (tty: string, id: string, extra: string[] = []) => {
    const proc = glowmq(['device', '--serial', tty, '--broker', `mqtt://127.0.0.1:${broker.port}`, '--id', id, '--interval', '0.3', '--queue', '500', ...extra],
      { env: { MQTT_USERNAME: 'admin', MQTT_PASSWORD: 'password' } });
    procs.push(proc);
    return proc;
  };

  it('reopens the same path and is online again within 10 s of its return, no reading lost', async () => {
    const tty = join(dir, 'ttyUSB-reopen');
    let socat = await plugIn(tty);
    const { observer, readings } = await observe('unplug');
    try {
      const dev = device(tty, 'unplug');
      await dev.line(/subscribed to lightChange/);
      await waitFor('3 readings', () => readings.length >= 3);
      await unplug(socat, tty);
      await dev.line(/serial port .* lost: /);
      const lastBefore = Math.max(...readings.map((r) => r.seq));
      // Readings go on into the offline queue while the port is away.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const connectsBefore = count(dev, /connected to /);
      socat = await plugIn(tty);
      const back = Date.now();
      await waitFor('the device online again', () => count(dev, /connected to /) > connectsBefore, 10_000)
        .catch((e) => { throw new Error(`${(e as Error).message}\n${dev.stderr().slice(-2000)}`); });
      console.log(`[serial-unplug] online again ${Date.now() - back} ms after the port's return`);
      expect(dev.stderr()).toMatch(/serial port .* open again/);
      await waitFor('readings made after the return', () => readings.some((r) => r.seq > lastBefore + 15), 20_000);
      expect(gaps(readings.map((r) => r.seq))).toEqual([]);
      expect(await dev.kill('SIGTERM')).toBe(0);
    } finally {
      await observer.endAsync(true);
      await socat.kill('SIGKILL');
    }
  }, 90_000);

  it('--serial-exit-on-loss exits 1 when the port goes; a restart with the same --store delivers the rest', async () => {
    const tty = join(dir, 'ttyUSB-exit');
    const store = join(dir, 'exit.store');
    let socat = await plugIn(tty);
    const { observer, readings } = await observe('unplugexit');
    try {
      const first = device(tty, 'unplugexit', ['--serial-exit-on-loss', '--store', store]);
      await first.line(/subscribed to lightChange/);
      await waitFor('3 readings', () => readings.length >= 3);
      await unplug(socat, tty);
      expect(await first.exited).toBe(1);
      expect(first.stderr()).toMatch(/serial port .* lost: .*; exiting \(--serial-exit-on-loss\)/);
      const seenBefore = Math.max(...readings.map((r) => r.seq));
      socat = await plugIn(tty);
      // The second run's readings count from 0 again: the runs are told apart by time.
      const secondStart = Date.now();
      const second = device(tty, 'unplugexit', ['--serial-exit-on-loss', '--store', store]);
      await second.line(/subscribed to lightChange/);
      await waitFor('readings of the second run', () => readings.filter((r) => r.ts >= secondStart).length >= 3, 20_000);
      const ofFirst = readings.filter((r) => r.ts < secondStart).map((r) => r.seq);
      expect(Math.max(...ofFirst)).toBeGreaterThanOrEqual(seenBefore);
      expect(gaps(ofFirst)).toEqual([]);
      expect(await second.kill('SIGTERM')).toBe(0);
    } finally {
      await observer.endAsync(true);
      await socat.kill('SIGKILL');
    }
  }, 90_000);

  it('--serial-wait: a port that is not there at start is waited for', async () => {
    const tty = join(dir, 'ttyUSB-late');
    const dev = device(tty, 'late', ['--serial-wait']);
    await dev.line(/waiting for serial port .*ttyUSB-late \(--serial-wait\)/);
    const socat = await plugIn(tty);
    try {
      await dev.line(/subscribed to lightChange/);
      expect(await dev.kill('SIGTERM')).toBe(0);
    } finally {
      await socat.kill('SIGKILL');
    }
  }, 90_000);

  it('AT errors say what to check: no Wi-Fi, no broker', async () => {
    const tty = join(dir, 'ttyUSB-hints');
    const socat = start('socat', ['-d', '-d', `PTY,link=${tty},raw,echo=0`, `EXEC:"${process.execPath} ${CLI} modem-sim --stdio --baud 0 --local-only --no-autoconnect"`]);
    procs.push(socat);
    try {
      await socat.line(/starting data transfer loop|PTY is/);
      await waitFor(`${tty} to appear`, () => existsSync(tty), 10_000);
      const noWifi = device(tty, 'hints');
      await noWifi.line(/AT\+CIPSTART failed: ERROR \(no ip\) — the module has no IP address: is it on Wi-Fi\? Pass --wifi-ssid and --wifi-password/);
      expect(await noWifi.kill('SIGTERM')).toBe(0);
      const closedPort = await freePort(); // nothing listens there
      const noBroker = glowmq(['device', '--serial', tty, '--wifi-ssid', 'lab', '--broker', `mqtt://127.0.0.1:${closedPort}`, '--id', 'hints2'], { env: { WIFI_PASSWORD: 'pw' } });
      procs.push(noBroker);
      await noBroker.line(new RegExp(`AT\\+CIPSTART failed: ERROR — is the broker 127\\.0\\.0\\.1:${closedPort} reachable from the module's network`));
      expect(await noBroker.kill('SIGTERM')).toBe(0);
    } finally {
      await socat.kill('SIGKILL');
    }
  }, 90_000);
});
