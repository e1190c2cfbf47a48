// The serial rig: `glowmq device --serial PTY` talks AT commands over a real pseudo-terminal
// (socat) to the ESP-AT module emulator (`glowmq modem-sim --stdio`), which opens the TCP
// connection to mosquitto. Commands switch the LED; readings arrive.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { CLI, glowmq, run, start, type Proc } from './cli-process';

describeWithPeers('glowmq device --serial through the modem emulator', [peers.mosquitto(), peers.socat()], () => {
  let m: Mosquitto;
  let dir: string;
  const procs: Proc[] = [];
  beforeAll(async () => {
    m = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'glowmq-rig-'));
  }, 90_000);
  afterAll(async () => {
    for (const p of procs.reverse()) await p.kill('SIGKILL');
    await m?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('readings arrive and lightChange switches the LED over AT commands', async () => {
    const tty = join(dir, 'ttyESP');
    const socat = start('socat', ['-d', '-d', `PTY,link=${tty},raw,echo=0`, `EXEC:"${process.execPath} ${CLI} modem-sim --stdio --baud 0 --local-only"`]);
    procs.push(socat);
    await socat.line(/starting data transfer loop|PTY is/);
    for (let i = 0; i < 500 && !existsSync(tty); i++) await new Promise((r) => setTimeout(r, 10));
    const auth = ['-p', String(m.port), '-u', 'admin', '-P', 'password'];
    const readings = glowmq(['sub', ...auth, '-t', 'glowmq/rig/sensors/+', '-C', '2', '-q', '1', '-d']);
    procs.push(readings);
    await readings.line(/subscribed/);
    const dev = glowmq(['device', '--serial', tty, '--baud', '115200', '--broker', `mqtt://127.0.0.1:${m.port}`, '--id', 'rig', '--interval', '0.3'],
      { env: { MQTT_USERNAME: 'admin', MQTT_PASSWORD: 'password' } });
    procs.push(dev);
    await dev.line(/subscribed to lightChange/);
    expect(dev.stderr()).toMatch(/serial .*ttyESP at 115200 baud → 127\.0\.0\.1:\d+/);
    expect(await readings.exited).toBe(0);
    const seqs = readings.stdout().trim().split('\n').map((l) => JSON.parse(l).seq);
    expect(seqs[1]).toBe(seqs[0] + 1);
    expect((await run(['pub', ...auth, '-t', 'lightChange', '-m', '现在天黑了', '-q', '1'])).code).toBe(0);
    await dev.line(/LED on <- lightChange "现在天黑了"/);
    expect((await run(['sub', ...auth, '-t', 'glowmq/rig/light/state', '-C', '1'])).stdout).toBe('on\n');
    expect(await dev.kill('SIGTERM')).toBe(0);
    expect((await run(['sub', ...auth, '-t', 'glowmq/rig/status', '-C', '1'])).stdout).toBe('offline\n');
  }, 90_000);
});
