// Device configuration on Node: defaults < environment (MQTT_URL, MQTT_USERNAME,
// MQTT_PASSWORD, WIFI_PASSWORD) < JSON file (--config) < flags, as most tools do. Everything
// is validated by the app's schema (src/app/config.ts, the same field names as on the board)
// plus the Node-only fields below; a refused value is reported with where it came from
// (flag, variable or file field), the value and what is allowed. Under --log-level debug the
// device logs where each setting came from.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { validateConfig, renameOldFields, deviceSchema, num, str, bool, SEED_PHRASES, type DeviceConfig, type Schema, type ConfigError, type Command } from '../app/config';
import { ledSpecError, sensorsSpecError } from '../hal/node-hal';
import { parseBrokerUrl, redactUrl } from './url';
import type { Flag, Parsed } from './cli/args';
import { CREDENTIAL_FLAGS, readPasswordFile, readPem } from './cli/broker-flags';
import { UsageError } from './cli/usage-error';

export interface NodeDeviceConfig extends DeviceConfig {
  /** A file path, or true for "glowmq.store" in the working directory. */
  store?: string | boolean;
  /** With serial: wait for a port that does not exist yet; exit 1 when the port is lost. */
  serialWait: boolean;
  serialExitOnLoss: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** mqtts: PEM files (mosquitto's names), and whether to skip the server certificate check. */
  cafile?: string;
  certfile?: string;
  keyfile?: string;
  insecure: boolean;
}

/** The store file when `store` is true: the board's Storage name, in the working directory. */
export const DEFAULT_STORE_FILE = 'glowmq.store';

export const nodeSchema: Schema = {
  led: ['sim', ledSpecError],
  sensors: [['sim'], sensorsSpecError],
  cafile: str,
  certfile: str,
  keyfile: str,
  insecure: [false, bool],
  serialWait: [false, bool],
  serialExitOnLoss: [false, bool],
};

export const DEVICE_FLAGS: Flag[] = [
  { names: ['--config'], key: 'config', arg: 'FILE', help: 'JSON file with any of the fields below (flags win over it, it wins over the environment)' },
  { names: ['--broker', '-L'], key: 'broker', arg: 'URL', help: 'mqtt[s]://[user[:password]@]host[:port] (default mqtt://127.0.0.1:1883; also $MQTT_URL)' },
  ...CREDENTIAL_FLAGS,
  { names: ['--cafile'], key: 'cafile', arg: 'FILE', help: 'mqtts: CA certificate(s) to trust (PEM)' },
  { names: ['--cert'], key: 'certfile', arg: 'FILE', help: 'mqtts: client certificate (PEM)' },
  { names: ['--key'], key: 'keyfile', arg: 'FILE', help: 'mqtts: client private key (PEM)' },
  { names: ['--insecure'], key: 'insecure', type: 'bool', help: 'mqtts: do not verify the server certificate (warned at start)' },
  { names: ['--id'], key: 'id', arg: 'NAME', help: 'device id (default: this host name)' },
  { names: ['--base'], key: 'base', arg: 'TOPIC', help: 'base topic (default glowmq/<id>)' },
  { names: ['--client-id'], key: 'clientId', arg: 'ID', help: 'MQTT client id (default: the device id)' },
  { names: ['--interval'], key: 'interval', arg: 'SECONDS', help: 'seconds between sensor readings (default 10)' },
  { names: ['--gpio'], key: 'led', arg: 'SPEC', help: 'the LED: sim | gpiod:CHIP:LINE | sysfs:LINE (default sim)' },
  { names: ['--sensor'], key: 'sensors', type: 'list', split: true, arg: 'LIST', help: 'sensors, comma-separated or repeated: sim | thermal | ds18b20 (default sim)' },
  { names: ['--command-topic'], key: 'command', arg: 'FILTER', help: 'group topic the commands also arrive on (default lightChange; "" for none); <base>/light/set always works' },
  { names: ['--command-qos'], key: 'commandQos', arg: 'QOS', help: 'QoS of the command subscriptions, 0-2 (default 1)' },
  { names: ['--sensor-qos'], key: 'sensorQos', arg: 'QOS', help: 'QoS of readings, 0-2 (default 1: queued while offline)' },
  { names: ['--phrase'], key: 'phrases', type: 'list', arg: 'TEXT=on|off|toggle', help: 'add a command phrase (the seed\'s 现在天黑了/现在天亮了 are built in)' },
  { names: ['--queue'], key: 'queue', arg: 'N', help: 'offline queue bound in messages (default 100)' },
  { names: ['--queue-bytes'], key: 'queueBytes', arg: 'BYTES', help: 'offline queue bound in payload bytes (default 65536); the first bound reached refuses' },
  { names: ['--no-discovery'], key: 'noDiscovery', type: 'bool', help: 'do not announce the device to Home Assistant (MQTT discovery is on by default)' },
  { names: ['--discovery-prefix'], key: 'discoveryPrefix', arg: 'PREFIX', help: 'Home Assistant discovery prefix (default homeassistant)' },
  { names: ['--remove-discovery'], key: 'removeDiscovery', type: 'bool', help: 'clear this device\'s retained discovery configs, then exit' },
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
  { names: ['-d', '--debug'], key: 'debug', type: 'bool', help: 'the same as --log-level debug: also says where each setting came from' },
  { names: ['--sys-root'], key: 'sysRoot', arg: 'DIR', help: 'where /sys is (default /); for testing against a copy' },
  { names: ['--gpioset'], key: 'gpioset', arg: 'PATH', help: 'the gpioset program (default gpioset on PATH)' },
];

/** Flag-only keys: not config fields. */
const NOT_FIELDS = ['config', 'passwordFile', 'persistent', 'sysRoot', 'gpioset', 'noDiscovery', 'removeDiscovery', 'debug'];
const NUMERIC = ['interval', 'commandQos', 'sensorQos', 'queue', 'queueBytes', 'keepalive', 'baud'];
const ENVIRONMENT: [string, string][] = [['MQTT_URL', 'broker'], ['MQTT_USERNAME', 'username'], ['MQTT_PASSWORD', 'password'], ['WIFI_PASSWORD', 'wifiPassword']];

/** The host name made into a valid device id. */
export function defaultId(): string {
  return hostname().replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64) || 'glowmq-device';
}

export interface LoadedDevice {
  config: NodeDeviceConfig;
  sysRoot?: string;
  gpioset?: string;
  removeDiscovery: boolean;
  /** Where each given setting came from ("--interval", "MQTT_URL", "\"broker\" in FILE"). */
  sources: { [field: string]: string };
  /** Old field names and the like: logged at start. */
  warnings: string[];
}

/** The fields Node knows, own properties only: "__proto__" or "toString" is no field. */
const isField = (field: string) => Object.prototype.hasOwnProperty.call(deviceSchema, field) || Object.prototype.hasOwnProperty.call(nodeSchema, field);

function readConfigFile(file: string): { [field: string]: unknown } {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (err) {
    throw new UsageError(`glowmq device: cannot read --config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try { json = JSON.parse(text); } catch (err) { throw new UsageError(`glowmq device: ${file} is not valid JSON: ${(err as Error).message}`); }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`glowmq device: ${file} must hold a JSON object ({"broker": "mqtt://…", …})`);
  return json as { [field: string]: unknown };
}

/** The --phrase flags added to the configured table (or the seed's). */
function phraseTable(given: string[], configured: unknown): { [phrase: string]: Command } {
  const table: { [phrase: string]: Command } = Object.assign({}, (configured as { [phrase: string]: Command } | undefined) ?? SEED_PHRASES);
  for (const entry of given) {
    const match = /^(.+)=(on|off|toggle)$/.exec(entry);
    if (!match || !match[1].trim()) throw new UsageError(`glowmq device: bad value for --phrase: ${JSON.stringify(entry)} (allowed: TEXT=on, TEXT=off or TEXT=toggle)`);
    table[match[1].trim()] = match[2] as Command;
  }
  return table;
}

export function loadDeviceConfig(parsed: Parsed, env: NodeJS.ProcessEnv): LoadedDevice {
  const raw: { [field: string]: unknown } = {};
  const sources: { [field: string]: string } = {};
  const warnings: string[] = [];
  const set = (field: string, value: unknown, where: string) => { raw[field] = value; sources[field] = where; };
  for (const [variable, field] of ENVIRONMENT) if (env[variable] !== undefined) set(field, env[variable], variable);
  const file = parsed.values.config as string | undefined;
  if (file !== undefined) {
    const json = readConfigFile(file);
    for (const line of renameOldFields(json)) warnings.push(`${file}: ${line}`);
    for (const field of Object.keys(json)) {
      if (!isField(field)) throw new UsageError(`glowmq device: unknown field "${field}" in ${file}; known fields: ${Object.keys({ ...deviceSchema, ...nodeSchema }).join(', ')}`);
      set(field, json[field], `"${field}" in ${file}`);
    }
  }
  for (const key of Object.keys(parsed.values)) {
    if (NOT_FIELDS.includes(key)) continue;
    let value: unknown = parsed.values[key];
    if (NUMERIC.includes(key) && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) value = Number(value);
    if (key === 'phrases') value = phraseTable(value as string[], raw.phrases);
    set(key, value, parsed.given[key]);
  }
  if (parsed.values.persistent) set('clean', false, '--persistent');
  if (parsed.values.debug) set('logLevel', 'debug', parsed.given.debug);
  if (parsed.values.noDiscovery) set('discovery', false, '--no-discovery');
  if (parsed.values.passwordFile !== undefined) set('password', readPasswordFile('device', '--password-file', parsed.values.passwordFile as string), '--password-file');
  if (raw.id === undefined) set('id', defaultId(), 'the host name');
  let config: NodeDeviceConfig;
  try { config = validateConfig(raw, nodeSchema) as NodeDeviceConfig; } catch (err) {
    const refused = err as ConfigError;
    if (refused.field === undefined) throw err;
    const where = sources[refused.field] ?? `"${refused.field}"`;
    throw new UsageError(refused.allowed.startsWith('a known field')
      ? `glowmq device: unknown field ${where}; ${refused.allowed.replace('a known field: ', 'known fields: ')}`
      : `glowmq device: bad value for ${where}: ${refused.field === 'broker' ? redactUrl(refused.value) : refused.value} (allowed: ${refused.allowed})`);
  }
  // Settings only an AT module uses would be silently ignored without --serial: refuse them.
  // (WIFI_PASSWORD in the environment is left alone: it may be set for other programs.)
  const serialOnly = ['wifiSsid', 'wifiPassword', 'serialWait', 'serialExitOnLoss'];
  const orphan = config.serial === undefined && serialOnly.find((key) => raw[key] !== undefined && raw[key] !== false && sources[key] !== 'WIFI_PASSWORD');
  if (orphan) {
    throw new UsageError(`glowmq device: ${sources[orphan]} needs --serial (${/^wifi/.test(orphan) ? 'the AT module joins the Wi-Fi; without --serial this host\'s own network is used' : 'it is about the serial port'})`);
  }
  try { parseBrokerUrl(config.broker); } catch (err) { throw new UsageError(`glowmq device: bad value for ${sources.broker ?? 'broker'}: ${(err as Error).message}`); }
  if (config.password !== undefined && config.username === undefined && !/@/.test(config.broker)) {
    throw new UsageError(`glowmq device: a password was given (${sources.password}) without a user name (-u, MQTT_USERNAME or "username")`);
  }
  // Certificate files: readable now, one line naming the flag or field, before anything connects.
  const pemFields = (['cafile', 'certfile', 'keyfile'] as const).filter((field) => config[field] !== undefined);
  for (const field of pemFields) readPem('device', sources[field] ?? field, config[field]!);
  if (pemFields.length && !/^(mqtts|ssl|tls):/.test(config.broker)) {
    throw new UsageError(`glowmq device: ${pemFields.map((field) => sources[field] ?? field).join(', ')} given for a plain ${redactUrl(config.broker)}: use mqtts://`);
  }
  if (config.store === true) config.store = DEFAULT_STORE_FILE;
  if (config.store === false) delete config.store;
  return {
    config, sources, warnings,
    sysRoot: parsed.values.sysRoot as string | undefined,
    gpioset: parsed.values.gpioset as string | undefined,
    removeDiscovery: parsed.values.removeDiscovery === true,
  };
}

/** One line per setting that was given: where it came from, secrets hidden. */
export function describeSources(loaded: LoadedDevice): string[] {
  return Object.keys(loaded.sources).map((field) => {
    const value = (loaded.config as { [field: string]: unknown })[field];
    const shown = /pass/i.test(field) ? '(hidden)' : field === 'broker' ? redactUrl(String(value)) : JSON.stringify(value);
    return `setting ${field} = ${shown} from ${loaded.sources[field]}`;
  });
}

/** Which offline queue bound is reached first by readings of about `readingBytes`. */
export function queueLimitNote(config: DeviceConfig, readingBytes: number): string {
  const byBytes = Math.floor(config.queueBytes / readingBytes);
  return `offline queue: up to ${config.queue} messages and ${config.queueBytes} payload bytes; ` + (byBytes < config.queue
    ? `the byte bound binds first (about ${byBytes} readings of ~${readingBytes} B; raise --queue-bytes)`
    : `the message bound binds first (${config.queue} readings of ~${readingBytes} B = ~${config.queue * readingBytes} B)`);
}
