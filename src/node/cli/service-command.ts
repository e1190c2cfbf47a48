// glowmq service: a systemd unit that runs `glowmq device` at boot on a Pi, printed or
// installed. The device flags given here are checked as `glowmq device` would check them,
// then written to ExecStart; a password never goes into the unit (it is readable by every
// user: `systemctl cat`), so -P is refused in favour of --password-file or an EnvironmentFile.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs, helpText, type Flag } from './args';
import { DEVICE_FLAGS, loadDeviceConfig } from '../config';
import { UsageError, RunError } from './usage-error';
import type { CliIo } from './io';

/** Groups the device may need, where they exist: GPIO (Raspberry Pi OS) and serial ports (Debian). */
const WANTED_GROUPS: [string, string][] = [['gpio', 'GPIO lines, on Raspberry Pi OS'], ['dialout', 'serial ports, on Debian']];
export const UNIT_NAME = 'glowmq.service';
const DEFAULT_UNIT_DIR = '/etc/systemd/system';
/** Optional (the leading '-'): MQTT_PASSWORD, MQTT_URL… for the device, mode 600. */
export const ENVIRONMENT_FILE = '/etc/glowmq.env';
/** Flags whose value is a path: made absolute, since a unit has no working directory of the caller's. */
const PATH_FLAGS = ['--config', '--password-file', '--cafile', '--cert', '--key', '--store', '--serial', '--sys-root', '--gpioset'];
const SECRET_FLAGS = ['-P', '--password', '--wifi-password'];

const SERVICE_FLAGS: Flag[] = [
  { names: ['--install'], key: 'install', type: 'bool', help: `write the unit to ${DEFAULT_UNIT_DIR}/${UNIT_NAME} (or --unit-dir) instead of printing it` },
  { names: ['--unit-dir'], key: 'unitDir', arg: 'DIR', help: `where --install writes ${UNIT_NAME} (default ${DEFAULT_UNIT_DIR})` },
  { names: ['--user'], key: 'user', arg: 'NAME', help: 'the (non-root) user the device runs as (default: the invoking user, $SUDO_USER under sudo)' },
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const SERVICE_HELP = helpText('glowmq service [--install] [--unit-dir DIR] [--user NAME] [device flags]',
  `Makes a systemd unit that starts \`glowmq device\` at boot and restarts it whenever it stops
(Restart=always every 5 s, no start limit: a serial adapter that appears late is waited for).
The device flags (see glowmq device --help) go into the unit as given; prefer --config FILE.
Passwords never go into the unit: use --password-file FILE, or MQTT_PASSWORD in ${ENVIRONMENT_FILE}.`, SERVICE_FLAGS,
  `Examples:
  glowmq service --config /etc/glowmq.json
  sudo glowmq service --install --user pi --config /etc/glowmq.json --password-file /etc/glowmq.pw`);

export interface UnitOptions {
  /** The command line that runs the device (absolute program paths first). */
  execStart: string[];
  user: string;
  /** Supplementary groups that exist on this machine. */
  groups: string[];
}

/** systemd's quoting for one ExecStart word: "…" with C escapes when needed; % and $ doubled. */
function quoteWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : '"' + escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

export function serviceUnit(options: UnitOptions): string {
  return [
    '# Made by `glowmq service`. Install: glowmq service --install (or copy to /etc/systemd/system/),',
    '# then: systemctl daemon-reload; systemctl enable --now glowmq.service',
    '[Unit]',
    'Description=glowmq device (MQTT LED and sensors)',
    'After=network-online.target',
    'Wants=network-online.target',
    '# Keep restarting however often it stops (a serial adapter that appears late, a broker that is down).',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    `User=${options.user}`,
    '# The user\'s home: where relative paths such as "store": true (glowmq.store) land.',
    'WorkingDirectory=~',
    ...(options.groups.length ? [`SupplementaryGroups=${options.groups.join(' ')}`] : []),
    `# MQTT_PASSWORD (and MQTT_URL, MQTT_USERNAME) for the device: keep this file mode 600.`,
    `EnvironmentFile=-${ENVIRONMENT_FILE}`,
    `ExecStart=${options.execStart.map(quoteWord).join(' ')}`,
    'Restart=always',
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** The groups of /etc/group that exist among the wanted ones, and a note for each missing one. */
export function availableGroups(groupFile: string): { groups: string[]; missing: string[] } {
  let names: string[] = [];
  try { names = readFileSync(groupFile, 'utf8').split('\n').map((line) => line.split(':')[0]); } catch { /* none known: all missing */ }
  const groups: string[] = [], missing: string[] = [];
  for (const [group, what] of WANTED_GROUPS) {
    if (names.includes(group)) groups.push(group);
    else missing.push(`group ${group} (${what}) does not exist on this machine: not added`);
  }
  return { groups, missing };
}

/** The device flags for ExecStart: secrets refused, paths made absolute. */
function deviceArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i], equals = arg.startsWith('--') ? arg.indexOf('=') : -1, name = equals > 0 ? arg.slice(0, equals) : arg;
    if (SECRET_FLAGS.includes(name)) {
      throw new UsageError(`glowmq service: ${name} would put a password into the unit, which every user can read (systemctl cat): use --password-file FILE, or MQTT_PASSWORD${name === '--wifi-password' ? '/WIFI_PASSWORD' : ''} in ${ENVIRONMENT_FILE}`);
    }
    if (PATH_FLAGS.includes(name)) {
      const value = equals > 0 ? arg.slice(equals + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`glowmq service: ${name} needs a value`);
      out.push(name, /^\/dev\//.test(value) || isAbsolute(value) ? value : resolve(value));
    } else out.push(arg);
  }
  return out;
}

export async function runService(argv: string[], cliIo: CliIo, groupFile = '/etc/group'): Promise<number> {
  // Our own flags first; everything else is the device's.
  const own: string[] = [], rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].split('=')[0], flag = SERVICE_FLAGS.find((candidate) => candidate.names.includes(name));
    if (!flag) { rest.push(argv[i]); continue; }
    own.push(argv[i]);
    if (flag.type !== 'bool' && !argv[i].includes('=') && i + 1 < argv.length) own.push(argv[++i]);
  }
  const parsed = parseArgs('service', own, SERVICE_FLAGS);
  if (parsed.values.help) { cliIo.out(SERVICE_HELP); return 0; }
  const device = deviceArgs(rest);
  // Checked now, as `glowmq device` will check them at boot (without the environment of this shell).
  let loaded;
  try { loaded = loadDeviceConfig(parseArgs('device', device, DEVICE_FLAGS), {}); } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message.replace(/^glowmq device:/, 'glowmq service:'));
    throw err;
  }
  if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(loaded.config.broker)) {
    throw new UsageError(`glowmq service: the broker URL holds a password, which would go into the unit: give the user with -u and the password with --password-file FILE or MQTT_PASSWORD in ${ENVIRONMENT_FILE}`);
  }
  const user = (parsed.values.user as string | undefined) ?? cliIo.env.SUDO_USER ?? userInfo().username;
  if (!/^[a-z_][a-z0-9_-]*\$?$/i.test(user)) throw new UsageError(`glowmq service: bad value for --user: ${JSON.stringify(user)} (allowed: a user name)`);
  if (user === 'root') throw new UsageError('glowmq service: the device should not run as root: give a user with --user NAME (it gets the gpio/dialout groups it needs)');
  const found = availableGroups(groupFile);
  for (const note of found.missing) cliIo.err(`glowmq service: note: ${note}`);
  const unit = serviceUnit({ execStart: [process.execPath, resolve(process.argv[1] ?? 'glowmq'), 'device', ...device], user, groups: found.groups });
  if (!parsed.values.install) { cliIo.out(unit); return 0; }
  const dir = (parsed.values.unitDir as string | undefined) ?? DEFAULT_UNIT_DIR, path = join(dir, UNIT_NAME);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, unit, { mode: 0o644 });
  } catch (err) {
    throw new RunError(`glowmq service: cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${dir === DEFAULT_UNIT_DIR ? ' (run with sudo, or give --unit-dir)' : ''}`);
  }
  cliIo.out(`wrote ${path}\nnow run:\n  sudo systemctl daemon-reload\n  sudo systemctl enable --now ${UNIT_NAME}`);
  return 0;
}
