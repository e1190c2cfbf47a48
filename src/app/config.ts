// The device configuration: one schema for every target (Node and the board), so a bad
// value is refused the same way everywhere. Each check returns '' when the value is
// allowed, else a description of what is allowed; the error names field, value and that.
import { topicFilterError, topicNameError } from '../core/topic';
import type { QoS } from '../core/types';
import { utf8Decode } from '../core/utf8';
import { word } from './command';

export type Command = 'on' | 'off' | 'toggle';

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
  /** Topic filter the commands arrive on, default "lightChange". */
  command: string;
  commandQos: QoS;
  sensorQos: QoS;
  /** Seconds between sensor readings. */
  interval: number;
  /** Offline queue bound (messages). */
  queue: number;
  /** Extra command phrases, matched after trimming (and also lower-cased). */
  phrases: { [phrase: string]: Command };
  /** The LED: "sim", "gpiod:CHIP:LINE", "sysfs:N" on Node; a pin name on a board. */
  led: string;
  /** Sensor backends, e.g. ["sim"], ["thermal", "ds18b20"]. */
  sensors: string[];
  [extra: string]: unknown;
}

/** '' when allowed, else what is allowed. */
export type Check = (v: any) => string;
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
    str: (v) => typeof v == 'string' && v && v.length < 65536 ? '' : 'a non-empty string',
    bool: (v) => v === !!v ? '' : 'true or false', // only a boolean is its own !!
    num: (min, max, real) => (v) => typeof v == 'number' && v >= min && v <= max && (real || v % 1 == 0) ? '' : (real ? 'a number' : 'an integer') + ' from ' + min + ' to ' + max,
  };
}
// The same checks for schemas held elsewhere (Node's); unused ones are left out of a bundle.
export const str: Check = (v) => checks().str(v);
/** Any string, also empty (passwords, client ids). */
export const anyStr: Check = (v) => typeof v == 'string' ? '' : 'a string';
export const bool: Check = (v) => checks().bool(v);
export const num = (min: number, max: number, int: boolean): Check => checks().num(min, max, !int);

// The seed's 现在天黑了 (on) and 现在天亮了 (off), from their UTF-8 bytes (written in hex: half
// the bytes of \x escapes), which every Espruino build keeps as they are (a \u escape is cut to
// its low byte on a build without Unicode strings: Pico, ESP32), then decoded: text on Node and
// Unicode builds, the bytes elsewhere.
// Keys assigned, not written in a literal: the board's parser refuses non-ASCII identifiers.
function seedPhrases(): { [phrase: string]: Command } {
  const o: { [phrase: string]: Command } = {};
  const t = (s: string) => utf8Decode(new Uint8Array(('e78eb0e59ca8e5a4a9' + s + 'e4ba86').match(/../g)!.map((h) => +('0x' + h))))!;
  o[t('e9bb91')] = 'on';
  o[t('e4baae')] = 'off';
  return o;
}
export const SEED_PHRASES = /* @__PURE__ */ seedPhrases();

// Built per call, not held: on a board a standing table of checks costs ~150 variables.
function schema(c: Checks): Schema {
  const str = c.str, num = c.num, isS = (v: any) => typeof v == 'string', qos = num(0, 2);
  // Any string MQTT can carry (2-byte length), also empty: client ids, passwords.
  const s64k: Check = (v) => isS(v) && v.length < 65536 ? '' : 'a string of up to 65535 chars';
  return {
    id: (v) => isS(v) && v.length < 65 && /^[\w.-]+$/.test(v) ? '' : '1-64 of A-Z a-z 0-9 . _ -',
    // topicNameError and topicFilterError refuse a non-string themselves.
    base: (v) => !topicNameError(v) && v.slice(-1) != '/' ? '' : 'a topic name, no + # or trailing /',
    broker: ['mqtt://127.0.0.1:1883', (v) => isS(v) && /^(mqtts|mqtt|tcp|ssl|tls):\/\/[^\s\/]+\/*$/.test(v) ? '' : 'mqtt[s]://[user[:password]@]host[:port]'],
    username: str,
    password: s64k,
    clientId: s64k,
    keepalive: [60, num(0, 65535)],
    clean: [true, c.bool],
    command: ['lightChange', (v) => !topicFilterError(v) ? '' : 'a topic filter (+ # as whole levels)'],
    commandQos: [1, qos],
    sensorQos: [1, qos],
    interval: [10, num(0.1, 86400, true)],
    queue: [100, num(1, 100000)],
    phrases: [SEED_PHRASES, (v) => {
      let ok = v && typeof v == 'object' && !(v instanceof Array);
      for (const k in v) ok = ok && k.trim() && word('' + v[k]) == v[k]; // "on", "off" or "toggle" itself
      return ok ? '' : '{"phrase": "on|off|toggle"}';
    }],
    led: ['sim', str],
    sensors: [['sim'], (v) => v instanceof Array && v.every((s: unknown) => !str(s)) ? '' : 'a list of sensors'],
  };
}
export const deviceSchema: Schema = /* @__PURE__ */ schema(/* @__PURE__ */ checks());

/** A refused value. Fields for callers that re-label it (e.g. as a CLI flag). */
export interface ConfigError extends Error { field: string; value: string; allowed: string }

export function configError(field: string, v: unknown, allowed: string): ConfigError {
  // The value as JSON (cut when long), never a secret.
  let value = JSON.stringify(v);
  value = /pass/i.test(field) ? '(hidden)' : value == null ? '' + v : value.length > 80 ? value.slice(0, 77) + '...' : value;
  const e = new Error('bad config "' + field + '": ' + value + ' (allowed: ' + allowed + ')') as ConfigError;
  e.field = field; e.value = value; e.allowed = allowed;
  return e;
}

/**
 * Checks every field of `raw` and returns a new config with defaults filled in; throws a
 * ConfigError for the first bad or unknown field. `extra`: fields a target adds (serial, pin…).
 */
export function validateConfig(raw: { [k: string]: unknown }, extra?: Schema | ((c: Checks) => Schema)): DeviceConfig {
  const c = checks(), all: Schema = Object.assign(schema(c), typeof extra == 'function' ? extra(c) : extra);
  const out: { [k: string]: unknown } = {};
  let k: string, v: unknown, allowed: string, f: any;
  if (!raw || typeof raw != 'object') throw configError('(config)', raw, 'an object');
  for (k in raw) if (!all[k]) throw configError(k, raw[k], 'a known field: ' + Object.keys(all).join(', '));
  for (k in all) {
    v = raw[k];
    f = all[k]; // [default, check], or the check (whose [0] is undefined: no default)
    // Defaults from the id: checked first (the schema's first field), so it is valid here.
    if (v === undefined) v = k == 'base' ? 'glowmq/' + raw.id : k == 'clientId' ? raw.id : f[0];
    if (v === undefined && k != 'id') continue; // optional, no default
    allowed = (f[1] || f)(v);
    if (allowed) throw configError(k, v, allowed);
    out[k] = v;
  }
  return out as DeviceConfig;
}
