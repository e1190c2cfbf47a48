// `glowmq service`: the systemd unit it prints and installs (restart policy, network-online
// ordering, a non-root user with the groups that exist, the device flags with absolute paths,
// no password anywhere), -P and its relatives refused with a line that says why, and the unit
// checked by `systemd-analyze verify` where systemd is present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { run, CLI } from './cli-process';
import { availableGroups, serviceUnit } from '../../src/node/cli/service-command';
import { hasCommand } from '../support/peers';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'glowmq-service-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };

describe('glowmq service', () => {
  it('prints a unit: restart always every 5 s, no start limit, after network-online, non-root user, config by file', async () => {
    const config = file('device.json', JSON.stringify({ broker: 'mqtt://192.168.1.10', id: 'pi1', username: 'admin' }));
    const password = file('pw', 's3cret\n');
    const result = await run(['service', '--config', config, '--password-file', password, '--user', 'pi', '--gpio', 'gpiod:gpiochip0:17', '--interval', '30']);
    expect(result.code).toBe(0);
    const unit = result.stdout;
    const lines = unit.split('\n');
    for (const line of ['[Unit]', 'After=network-online.target', 'Wants=network-online.target', 'StartLimitIntervalSec=0', '[Service]', 'User=pi', 'WorkingDirectory=~',
      'Restart=always', 'RestartSec=5', 'EnvironmentFile=-/etc/glowmq.env', '[Install]', 'WantedBy=multi-user.target']) expect(lines, line).toContain(line);
    expect(lines.indexOf('StartLimitIntervalSec=0')).toBeLessThan(lines.indexOf('[Service]')); // a [Unit] setting since systemd 230
    expect(lines).toContain(`ExecStart=${process.execPath} ${CLI} device --config ${config} --password-file ${password} --gpio gpiod:gpiochip0:17 --interval 30`);
    expect(unit).not.toContain('s3cret');
    // Only groups that exist here; a missing one is named.
    const groups = availableGroups('/etc/group');
    if (groups.groups.length) expect(lines).toContain(`SupplementaryGroups=${groups.groups.join(' ')}`);
    else expect(unit).not.toContain('SupplementaryGroups');
    for (const note of groups.missing) expect(result.stderr).toContain(`glowmq service: note: ${note}`);
  });

  it('makes relative paths absolute and quotes words systemd would split or expand', async () => {
    const config = file('with space.json', '{"id": "pi1"}');
    const result = await run(['service', '--config', 'with space.json', '--user', 'pi', '--base', 'home/100%'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`device --config "${config}" --base home/100%%`);
  });

  it('groups: gpio and dialout where they exist, none named when absent', () => {
    const both = availableGroups(file('group-both', 'root:x:0:\ngpio:x:997:pi\ndialout:x:20:pi\n'));
    expect(both).toEqual({ groups: ['gpio', 'dialout'], missing: [] });
    const none = availableGroups(file('group-none', 'root:x:0:\n'));
    expect(none.groups).toEqual([]);
    expect(none.missing).toEqual(['group gpio (GPIO lines, on Raspberry Pi OS) does not exist on this machine: not added', 'group dialout (serial ports, on Debian) does not exist on this machine: not added']);
    expect(serviceUnit({ execStart: ['/usr/bin/node', '/opt/glowmq.cjs', 'device'], user: 'pi', groups: both.groups })).toContain('\nSupplementaryGroups=gpio dialout\n');
    expect(serviceUnit({ execStart: ['/usr/bin/node'], user: 'pi', groups: [] })).not.toContain('SupplementaryGroups');
  });

  it('refuses -P (and every way to put a secret into the unit) with a line that says why', async () => {
    const cases: [string[], RegExp][] = [
      [['-u', 'admin', '-P', 'hunter2'], /^glowmq service: -P would put a password into the unit, which every user can read \(systemctl cat\): use --password-file FILE, or MQTT_PASSWORD in \/etc\/glowmq\.env$/],
      [['--password=hunter2'], /^glowmq service: --password would put a password into the unit/],
      [['--wifi-password', 'hunter2'], /^glowmq service: --wifi-password would put a password into the unit.*MQTT_PASSWORD\/WIFI_PASSWORD in \/etc\/glowmq\.env$/],
      [['--broker', 'mqtt://admin:hunter2@host'], /^glowmq service: the broker URL holds a password, which would go into the unit: give the user with -u and the password with --password-file FILE/],
    ];
    for (const [args, message] of cases) {
      const result = await run(['service', '--user', 'pi', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr).not.toContain('hunter2');
    }
  });

  it('refuses root and bad device flags, naming them', async () => {
    expect((await run(['service', '--user', 'root'])).stderr.trim()).toBe('glowmq service: the device should not run as root: give a user with --user NAME (it gets the gpio/dialout groups it needs)');
    const bad = await run(['service', '--user', 'pi', '--interval', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toBe('glowmq service: bad value for --interval: 0 (allowed: a number from 0.1 to 86400)');
  });

  it('--install writes the unit to --unit-dir and says the two systemctl commands; systemd-analyze verify accepts it', async () => {
    const unitDir = join(dir, 'units');
    const config = file('install.json', '{"id": "pi1"}');
    const result = await run(['service', '--install', '--unit-dir', unitDir, '--user', 'pi', '--config', config]);
    expect(result.code).toBe(0);
    const path = join(unitDir, 'glowmq.service');
    expect(result.stdout).toBe(`wrote ${path}\nnow run:\n  sudo systemctl daemon-reload\n  sudo systemctl enable --now glowmq.service\n`);
    const unit = readFileSync(path, 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} ${CLI} device --config ${config}`);
    if (!hasCommand('systemd-analyze')) {
      expect(process.env.CI, 'systemd-analyze (apt-get install systemd) is needed to verify the unit under CI').not.toBe('true');
      return;
    }
    const verify = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    // Lines about our unit are problems in it (the host's own units may warn about themselves).
    expect((verify.stdout + verify.stderr).split('\n').filter((line) => line.includes('glowmq.service'))).toEqual([]);
  });
});
