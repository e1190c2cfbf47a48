// Serial-only settings without --serial are refused (one line naming where each came from,
// exit 2), not silently ignored; with --serial they are accepted. A serial path that does not
// exist at start is one line naming --serial, exit 2, unless --serial-wait says to wait.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeviceConfig, DEVICE_FLAGS } from '../../src/node/config';
import { parseArgs } from '../../src/node/cli/args';
import { UsageError } from '../../src/node/cli/usage-error';
import { run } from '../e2e/cli-process';

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadDeviceConfig(parseArgs('device', argv, DEVICE_FLAGS), env).config;
function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try { load(argv, env); } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message; }
  throw new Error('accepted ' + argv.join(' '));
}

describe('serial-only settings', () => {
  it('are refused without --serial, naming the flag or file field', () => {
    expect(refusal(['--wifi-ssid', 'home'])).toBe("glowmq device: --wifi-ssid needs --serial (the AT module joins the Wi-Fi; without --serial this host's own network is used)");
    expect(refusal(['--wifi-password', 'pw'])).toMatch(/^glowmq device: --wifi-password needs --serial/);
    expect(refusal(['--wifi-password', 'pw'])).not.toMatch(/pw\b/);
    expect(refusal(['--serial-wait'])).toBe('glowmq device: --serial-wait needs --serial (it is about the serial port)');
    expect(refusal(['--serial-exit-on-loss'])).toMatch(/--serial-exit-on-loss needs --serial/);
    const dir = mkdtempSync(join(tmpdir(), 'glowmq-serial-flags-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(file, JSON.stringify({ wifiSsid: 'home' }));
      expect(refusal(['--config', file])).toMatch(/^glowmq device: "wifiSsid" in .*c\.json needs --serial/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
  it('WIFI_PASSWORD in the environment alone is left alone (it may be there for other programs)', () => {
    expect(load([], { WIFI_PASSWORD: 'x' }).serial).toBeUndefined();
  });
  it('are accepted with --serial', () => {
    const config = load(['--serial', '/dev/ttyUSB0', '--wifi-ssid', 'home', '--serial-wait', '--serial-exit-on-loss']);
    expect(config).toMatchObject({ serial: '/dev/ttyUSB0', wifiSsid: 'home', serialWait: true, serialExitOnLoss: true });
    expect(load(['--serial', '/dev/ttyUSB0'])).toMatchObject({ serialWait: false, serialExitOnLoss: false });
  });
  it('a serial path that does not exist: one line naming --serial, exit 2', async () => {
    const result = await run(['device', '--serial', '/nonexistent/ttyUSB9', '--broker', 'mqtt://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('glowmq device: --serial /nonexistent/ttyUSB9: no such device (plug the adapter in, or add --serial-wait to wait for it)\n');
  });
  it('mqtts over an AT module without --cafile is refused unless --insecure, which warns at every start', async () => {
    const refused = await run(['device', '--serial', '/nonexistent/ttyUSB9', '--broker', 'mqtts://127.0.0.1:8883']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^glowmq device: mqtts over an AT module \(--serial\) checks the broker's certificate only with --cafile/);
    const insecure = await run(['device', '--serial', '/nonexistent/ttyUSB9', '--broker', 'mqtts://127.0.0.1:8883', '--insecure']);
    expect(insecure.stderr).toMatch(/the link is encrypted but not authenticated/);
    expect(insecure.stderr).toMatch(/--serial \/nonexistent\/ttyUSB9: no such device/);
  });
});
