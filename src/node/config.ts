// Device configuration on Node: defaults < JSON file (--config) < environment (MQTT_URL,
// MQTT_USERNAME, MQTT_PASSWORD) < flags. Everything is validated by the app's schema
// (src/app/config.ts) plus the Node-only fields below; a refused value is reported with
// where it came from (flag, variable or file field), the value and what is allowed.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { validateConfig, num, str, bool, SEED_PHRASES, type DeviceConfig, type Schema, type ConfigError, type Command } from '../app/config';
import { ledSpecError, sensorsSpecError } from '../hal/node-hal';
import { parseBrokerUrl } from './url';
import type { Flag, Parsed } from './cli/args';
import { readPasswordFile } from './cli/broker-flags';
import { UsageError } from './cli/usage-error';

export interface NodeDeviceConfig extends DeviceConfig {
  serial?: string;
  baud: number;
  wifiSsid?: string;
  wifiPassword?: string;
  /** With serial: wait for a port that does not exist yet; exit 1 when the port is lost. */
  serialWait: boolean;
  serialExitOnLoss: boolean;
  /** mqtts: skip the server certificate check (over an AT module: the only way to use mqtts). */
  insecure: boolean;
  store?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
export const nodeSchema: Schema = {
  led: ['sim', ledSpecError],
  sensors: [['sim'], sensorsSpecError],
  serial: [undefined, str],
  baud: [115200, num(300, 4000000, true)],
  wifiSsid: [undefined, str],
  wifiPassword: [undefined, (v) => typeof v === 'string' ? '' : 'a string'],
  serialWait: [false, bool],
  serialExitOnLoss: [false, bool],
  insecure: [false, bool],
  store: [undefined, str],
  logLevel: ['info', (v) => LEVELS.includes(v) ? '' : LEVELS.join(', ')],
};

export const DEVICE_FLAGS: Flag[] = [
  { names: ['--config'], key: 'config', arg: 'FILE', help: 'JSON file with any of the fields below (flags win over it)' },
  { names: ['--broker', '-L'], key: 'broker', arg: 'URL', help: 'mqtt[s]://[user[:password]@]host[:port] (default mqtt://127.0.0.1:1883; also $MQTT_URL)' },
  { names: ['-u', '--username'], key: 'username', arg: 'USER', help: 'user name (also $MQTT_USERNAME)' },
  { names: ['-P', '--password'], key: 'password', arg: 'PASSWORD', help: 'password (prefer $MQTT_PASSWORD or --password-file)' },
  { names: ['--password-file'], key: 'passwordFile', arg: 'FILE', help: 'read the password from the first line of FILE' },
  { names: ['--id'], key: 'id', arg: 'NAME', help: 'device id (default: this host name)' },
  { names: ['--base'], key: 'base', arg: 'TOPIC', help: 'base topic (default glowmq/<id>)' },
  { names: ['--client-id'], key: 'clientId', arg: 'ID', help: 'MQTT client id (default: the device id)' },
  { names: ['--interval'], key: 'interval', arg: 'SECONDS', help: 'seconds between sensor readings (default 10)' },
  { names: ['--gpio'], key: 'led', arg: 'SPEC', help: 'the LED: sim | gpiod:CHIP:LINE | sysfs:LINE (default sim)' },
  { names: ['--sensor'], key: 'sensors', type: 'list', split: true, arg: 'LIST', help: 'sensors, comma-separated or repeated: sim | thermal | ds18b20 (default sim)' },
  { names: ['--command-topic'], key: 'command', arg: 'FILTER', help: 'topic the commands arrive on (default lightChange)' },
  { names: ['--command-qos'], key: 'commandQos', arg: 'QOS', help: 'QoS of the command subscription, 0-2 (default 1)' },
  { names: ['--sensor-qos'], key: 'sensorQos', arg: 'QOS', help: 'QoS of readings, 0-2 (default 1: queued while offline)' },
  { names: ['--phrase'], key: 'phrases', type: 'list', arg: 'TEXT=on|off|toggle', help: 'add a command phrase (the seed\'s 现在天黑了/现在天亮了 are built in)' },
  { names: ['--queue'], key: 'queue', arg: 'N', help: 'offline queue bound in messages (default 100)' },
  { names: ['--keepalive'], key: 'keepalive', arg: 'SECONDS', help: 'MQTT keepalive (default 60; 0 disables)' },
  { names: ['--persistent'], key: 'persistent', type: 'bool', help: 'ask the broker to keep the session (clean session off)' },
  { names: ['--store'], key: 'store', arg: 'FILE', help: 'keep in-flight and queued QoS 1/2 messages in FILE (survives a restart)' },
  { names: ['--serial'], key: 'serial', arg: 'PATH', help: 'reach the broker through an ESP8266/ESP32 AT module on this serial port' },
  { names: ['--baud'], key: 'baud', arg: 'N', help: 'serial speed (default 115200)' },
  { names: ['--insecure'], key: 'insecure', type: 'bool', help: 'mqtts: do not verify the server certificate (warned at start)' },
  { names: ['--serial-wait'], key: 'serialWait', type: 'bool', help: 'with --serial: wait for a port that is not there yet (default: exit 2)' },
  { names: ['--serial-exit-on-loss'], key: 'serialExitOnLoss', type: 'bool', help: 'with --serial: exit 1 when the port is lost, for a supervisor to restart (default: reopen it)' },
  { names: ['--wifi-ssid'], key: 'wifiSsid', arg: 'SSID', help: 'with --serial: Wi-Fi network the module joins' },
  { names: ['--wifi-password'], key: 'wifiPassword', arg: 'PASSWORD', help: 'with --serial: Wi-Fi password (also $WIFI_PASSWORD)' },
  { names: ['--log-level'], key: 'logLevel', arg: 'LEVEL', help: 'debug | info | warn | error | silent (default info)' },
  { names: ['--sys-root'], key: 'sysRoot', arg: 'DIR', help: 'where /sys is (default /); for testing against a copy' },
  { names: ['--gpioset'], key: 'gpioset', arg: 'PATH', help: 'the gpioset program (default gpioset on PATH)' },
];

/** Flag-only keys: not config fields. */
const NOT_FIELDS = ['config', 'passwordFile', 'persistent', 'sysRoot', 'gpioset'];
const NUMERIC = ['interval', 'commandQos', 'sensorQos', 'queue', 'keepalive', 'baud'];

/** The host name made into a valid device id. */
export function defaultId(): string {
  return hostname().replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64) || 'glowmq-device';
}

export interface LoadedDevice { config: NodeDeviceConfig; sysRoot?: string; gpioset?: string }

export function loadDeviceConfig(p: Parsed, env: NodeJS.ProcessEnv): LoadedDevice {
  const raw: { [k: string]: unknown } = {};
  const from: { [field: string]: string } = {};
  const set = (k: string, v: unknown, where: string) => { raw[k] = v; from[k] = where; };
  const file = p.values.config as string | undefined;
  if (file !== undefined) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch (e) {
      throw new UsageError(`glowmq device: cannot read --config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let json: unknown;
    try { json = JSON.parse(text); } catch (e) { throw new UsageError(`glowmq device: ${file} is not valid JSON: ${(e as Error).message}`); }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`glowmq device: ${file} must hold a JSON object ({"broker": "mqtt://…", …})`);
    for (const k of Object.keys(json)) set(k, (json as { [k: string]: unknown })[k], `"${k}" in ${file}`);
  }
  if (env.MQTT_URL !== undefined) set('broker', env.MQTT_URL, 'MQTT_URL');
  if (env.MQTT_USERNAME !== undefined) set('username', env.MQTT_USERNAME, 'MQTT_USERNAME');
  if (env.MQTT_PASSWORD !== undefined) set('password', env.MQTT_PASSWORD, 'MQTT_PASSWORD');
  if (env.WIFI_PASSWORD !== undefined) set('wifiPassword', env.WIFI_PASSWORD, 'WIFI_PASSWORD');
  for (const key of Object.keys(p.values)) {
    if (NOT_FIELDS.includes(key)) continue;
    let v: unknown = p.values[key];
    const flag = p.given[key];
    if (NUMERIC.includes(key) && typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) v = Number(v);
    if (key === 'phrases') {
      const table: { [k: string]: Command } = Object.assign({}, (raw.phrases as { [k: string]: Command } | undefined) ?? SEED_PHRASES);
      for (const s of v as string[]) {
        const m = /^(.+)=(on|off|toggle)$/.exec(s);
        if (!m || !m[1].trim()) throw new UsageError(`glowmq device: bad value for --phrase: ${JSON.stringify(s)} (allowed: TEXT=on, TEXT=off or TEXT=toggle)`);
        table[m[1].trim()] = m[2] as Command;
      }
      v = table;
    }
    set(key, v, flag);
  }
  if (p.values.persistent) set('clean', false, '--persistent');
  if (p.values.passwordFile !== undefined) set('password', readPasswordFile('device', '--password-file', p.values.passwordFile as string), '--password-file');
  if (raw.id === undefined) set('id', defaultId(), 'the host name');
  let config: NodeDeviceConfig;
  try { config = validateConfig(raw, nodeSchema) as NodeDeviceConfig; } catch (e) {
    const ce = e as ConfigError;
    if (ce.field === undefined) throw e;
    const where = from[ce.field] ?? `"${ce.field}"`;
    throw new UsageError(ce.allowed.startsWith('a known field')
      ? `glowmq device: unknown field ${where}; ${ce.allowed.replace('a known field: ', 'known fields: ')}`
      : `glowmq device: bad value for ${where}: ${ce.value} (allowed: ${ce.allowed})`);
  }
  // Settings only an AT module uses would be silently ignored without --serial: refuse them.
  // (WIFI_PASSWORD in the environment is left alone: it may be set for other programs.)
  const serialOnly = ['wifiSsid', 'wifiPassword', 'serialWait', 'serialExitOnLoss'];
  const orphan = config.serial === undefined && serialOnly.find((key) => raw[key] !== undefined && raw[key] !== false && from[key] !== 'WIFI_PASSWORD');
  if (orphan) {
    throw new UsageError(`glowmq device: ${from[orphan]} needs --serial (${/^wifi/.test(orphan) ? 'the AT module joins the Wi-Fi; without --serial this host\'s own network is used' : 'it is about the serial port'})`);
  }
  try { parseBrokerUrl(config.broker); } catch (e) { throw new UsageError(`glowmq device: bad value for ${from.broker ?? 'broker'}: ${(e as Error).message}`); }
  if (config.password !== undefined && config.username === undefined && !/@/.test(config.broker)) {
    throw new UsageError(`glowmq device: a password was given (${from.password}) without a user name (-u, MQTT_USERNAME or "username")`);
  }
  return { config, sysRoot: p.values.sysRoot as string | undefined, gpioset: p.values.gpioset as string | undefined };
}
