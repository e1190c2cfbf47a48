// The device configuration: one schema for every target (Node and the board), so a bad
// value is refused the same way everywhere. Each check returns '' when the value is
// allowed, else a description of what is allowed; the error names field, value and that.
import { topicFilterError, topicNameError } from '../core/topic';
import type { QoS } from '../core/types';
import { utf8Decode, utf8Encode } from '../core/utf8';
import { word, type Command } from './command';
import { WITH_AT, WITH_DISCOVERY } from '../core/features';

export type { Command };
/** MQTT's string fields carry a 2-byte length. */
const MAX_FIELD_BYTES = 65535;
/** Log levels, lowest first. Text, not an array: on a board a string costs a few variables, an
 * array of five about a dozen; each name is found (and ranked) by its position in the text. */
export const LOG_LEVELS = 'debug, info, warn, error, silent';

export interface DeviceConfig {
  /** Device id: topic level and default client id. Node: the host name; board: the chip serial. */
  id: string;
  /** Base topic, default "glowmq/<id>". */
  base: string;
  /** mqtt://[user[:password]@]host[:port] or mqtts://… */
  broker: string;
  username?: string;
  password?: string;
  /** Default: the device id. */
  clientId: string;
  keepalive: number;
  clean: boolean;
  /** Group topic filter the commands also arrive on, default "lightChange"; '' turns it off.
   * Every device also obeys <base>/light/set. */
  command: string;
  commandQos: QoS;
  sensorQos: QoS;
  /** Seconds between sensor readings. */
  interval: number;
  /** Offline queue bounds: messages, and payload bytes (whichever is reached first). */
  queue: number;
  queueBytes: number;
  /** Home Assistant MQTT discovery, on by default, under this prefix. */
  discovery: boolean;
  discoveryPrefix: string;
  /** Extra command phrases, matched after trimming (and also lower-cased). */
  phrases: { [phrase: string]: Command };
  /** The LED: "sim", "gpiod:CHIP:LINE", "sysfs:N" on Node; a pin name on a board. */
  led: string;
  /** Sensor backends, e.g. ["sim"], ["thermal", "ds18b20"]. */
  sensors: string[];
  /** Reach the broker through an AT module on this serial port (Node: a path; board: "Serial2"). */
  serial?: string;
  baud: number;
  wifiSsid?: string;
  wifiPassword?: string;
  /** Keep in-flight QoS 1/2 and the offline queue: true (the file "glowmq.store") or a file name. */
  store?: string | boolean;
  logLevel: string;
  [extra: string]: unknown;
}

/** '' when allowed, else what is allowed. */
export type Check = (value: any) => string;
/** field → [default, check], or the check alone (optional, no default: fewer bytes). */
export interface Schema { [field: string]: [unknown, Check] | Check }

export interface Checks {
  str: Check;
  bool: Check;
  /** An integer, or any number when `real`. */
  num(min: number, max: number, real?: boolean): Check;
}
/** The basic checks, made per call and not held: on a board every standing function object
 * costs ~9 variables for as long as the program runs, and checks are needed only while a
 * config is validated (a board target builds its extra fields from these). */
export function checks(): Checks {
  return {
    str: (value) => typeof value == 'string' && value && value.length <= MAX_FIELD_BYTES ? '' : 'a non-empty string',
    bool: (value) => value === !!value ? '' : 'true or false', // only a boolean is its own !!
    num: (min, max, real) => (value) => typeof value == 'number' && value >= min && value <= max && (real || value % 1 == 0) ? '' : (real ? 'a number' : 'an integer') + ' from ' + min + ' to ' + max,
  };
}
// The same checks for schemas held elsewhere (Node's); unused ones are left out of a bundle.
export const str: Check = (value) => checks().str(value);
export const bool: Check = (value) => checks().bool(value);
export const num = (min: number, max: number, integer: boolean): Check => checks().num(min, max, !integer);

// The seed's 现在天黑了 (on) and 现在天亮了 (off), from their UTF-8 bytes (written in hex: half
// the bytes of \x escapes), which every Espruino build keeps as they are (a \u escape is cut to
// its low byte on a build without Unicode strings: Pico, ESP32), then decoded: text on Node and
// Unicode builds, the bytes elsewhere.
// Keys assigned, not written in a literal: the board's parser refuses non-ASCII identifiers.
function seedPhrases(): { [phrase: string]: Command } {
  const phrases: { [phrase: string]: Command } = {};
  // 现在天 + the one character that differs + 了
  const phrase = (middle: string) => utf8Decode(new Uint8Array(('e78eb0e59ca8e5a4a9' + middle + 'e4ba86').match(/../g)!.map((hex) => +('0x' + hex))))!;
  phrases[phrase('e9bb91')] = 'on';
  phrases[phrase('e4baae')] = 'off';
  return phrases;
}
export const SEED_PHRASES = /* @__PURE__ */ seedPhrases();

// Built per call, not held: on a board a standing table of checks costs ~150 variables.
function schema(basic: Checks): Schema {
  const str = basic.str, num = basic.num, isString = (value: any) => typeof value == 'string', qos = num(0, 2);
  // Any string MQTT can carry (a 2-byte length counts UTF-8 bytes), also empty: client ids, passwords.
  const field = (nonEmpty?: number): Check => (value) => isString(value) && (value || !nonEmpty) && utf8Encode(value).length <= MAX_FIELD_BYTES
    ? '' : 'a' + (nonEmpty ? ' non-empty' : '') + ' string of up to ' + MAX_FIELD_BYTES + ' UTF-8 bytes';
  const topicName = (value: any) => !topicNameError(value) && value.slice(-1) != '/' ? '' : 'a topic name, no + # or trailing /';
  return {
    id: (value) => isString(value) && value.length < 65 && /^[\w.-]+$/.test(value) ? '' : '1-64 of A-Z a-z 0-9 . _ -',
    // topicNameError and topicFilterError refuse a non-string themselves.
    base: topicName,
    broker: ['mqtt://127.0.0.1:1883', (value) => isString(value) && /^(mqtts|mqtt|tcp|ssl|tls):\/\/[^\s\/]+\/*$/.test(value) ? '' : 'mqtt[s]://[user[:password]@]host[:port]'],
    username: field(1),
    password: field(),
    clientId: field(),
    keepalive: [60, num(0, 65535)],
    clean: [true, basic.bool],
    command: ['lightChange', (value) => value === '' || !topicFilterError(value) ? '' : 'a topic filter (+ # as whole levels), or "" for none'],
    commandQos: [1, qos],
    sensorQos: [1, qos],
    interval: [10, num(0.1, 86400, true)],
    queue: [100, num(1, 100000)],
    queueBytes: [65536, num(1, 268435455)],
    // A board build without the module has none: asking for it is an error, not a silent no.
    // Nor does its config hold defaults only the module reads (on a board each field costs memory).
    discovery: WITH_DISCOVERY ? [true, basic.bool] : (value) => value === false ? '' : 'false (no discovery in this build: --with discovery)',
    discoveryPrefix: WITH_DISCOVERY ? ['homeassistant', topicName] : topicName,
    phrases: [SEED_PHRASES, (value) => {
      let allowed = value && typeof value == 'object' && !(value instanceof Array);
      for (const phrase in value) allowed = allowed && phrase.trim() && word('' + value[phrase]) == value[phrase]; // "on", "off" or "toggle" itself
      return allowed ? '' : '{"phrase": "on|off|toggle"}';
    }],
    led: ['sim', str],
    sensors: [['sim'], (value) => value instanceof Array && value.every((name: unknown) => !str(name)) ? '' : 'a list of sensors'],
    serial: str,
    baud: WITH_AT ? [115200, num(300, 4000000)] : num(300, 4000000), // the serial port's: none in a build without AT
    wifiSsid: str,
    wifiPassword: field(),
    store: (value) => value === true || value === false || !str(value) ? '' : 'true, false or a file name',
    logLevel: ['info', (value) => LOG_LEVELS.split(', ').indexOf(value) < 0 ? LOG_LEVELS : ''],
  };
}

/** Names used before every target shared one set (the board's), and their new names. Each is
 * renamed in `raw`; the returned lines warn about them. */
export function renameOldFields(raw: { [field: string]: unknown }): string[] {
  const warnings: string[] = [], renames = ['ssid', 'wifiSsid', 'debug', 'logLevel'];
  for (let i = 0; i < renames.length; i += 2) {
    const old = renames[i], current = renames[i + 1];
    if (raw[old] !== undefined) {
      if (raw[current] === undefined) raw[current] = old == 'debug' ? raw[old] ? 'debug' : 'info' : raw[old];
      delete raw[old];
      warnings.push('config "' + old + '" is now "' + current + '"');
    }
  }
  return warnings;
}
export const deviceSchema: Schema = /* @__PURE__ */ schema(/* @__PURE__ */ checks());

/** A refused value. Fields for callers that re-label it (e.g. as a CLI flag). */
export interface ConfigError extends Error { field: string; value: string; allowed: string }

export function configError(field: string, given: unknown, allowed: string): ConfigError {
  // The value as JSON (cut when long), never a secret.
  let value = JSON.stringify(given);
  value = /pass/i.test(field) ? '(hidden)' : value == null ? '' + given : value.length > 80 ? value.slice(0, 77) + '...' : value;
  const error = new Error('bad config "' + field + '": ' + value + ' (allowed: ' + allowed + ')') as ConfigError;
  error.field = field; error.value = value; error.allowed = allowed;
  return error;
}

/**
 * Checks every field of `raw` and returns a new config with defaults filled in; throws a
 * ConfigError for the first bad or unknown field. `extra`: fields a target adds (serial, pin…).
 */
export function validateConfig(raw: { [field: string]: unknown }, extra?: Schema | ((basic: Checks) => Schema)): DeviceConfig {
  const basic = checks(), all: Schema = Object.assign(schema(basic), typeof extra == 'function' ? extra(basic) : extra);
  const out: { [field: string]: unknown } = {};
  let field = '(config)', value: unknown = raw, entry: any;
  /** What is allowed for the first bad or unknown field (`field` and `value` name it), or ''.
   * One throw below, so a board bundle makes configError part of this call: not a function
   * held for as long as the program runs. */
  const problem = (): string => {
    let allowed: string;
    if (!raw || typeof raw != 'object') return 'an object';
    // Own fields only: "constructor", "toString" and "__proto__" are no config field.
    for (field in raw) {
      value = raw[field];
      if (!all.hasOwnProperty(field)) return 'a known field: ' + Object.keys(all).join(', ');
    }
    for (field in all) {
      value = raw.hasOwnProperty(field) ? raw[field] : undefined;
      entry = all[field]; // [default, check], or the check (whose [0] is undefined: no default)
      // Defaults from the id: checked first (the schema's first field), so it is valid here.
      if (value === undefined) value = field == 'base' ? 'glowmq/' + raw.id : field == 'clientId' ? raw.id : entry[0];
      if (value === undefined && field != 'id') continue; // optional, no default
      allowed = (entry[1] || entry)(value);
      if (allowed) return allowed;
      out[field] = value;
    }
    return '';
  };
  const allowed = problem();
  if (allowed) throw configError(field, value, allowed);
  return out as DeviceConfig;
}
