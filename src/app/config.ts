// The device configuration: one schema for every target (Node and the board), so a bad
// value is refused the same way everywhere. Each check returns '' when the value is
// allowed, else a description of what is allowed; the error names field, value and that.
import { topicFilterError, topicNameError } from '../core/topic';
import type { QoS } from '../core/types';

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

const isS = (v: any) => typeof v == 'string';
export const str: Check = (v) => isS(v) && v.length > 0 && v.length < 65536 ? '' : 'a non-empty string';
/** Any string, also empty (passwords, client ids). */
export const anyStr: Check = (v) => isS(v) ? '' : 'a string';
export const bool: Check = (v) => typeof v == 'boolean' ? '' : 'true or false';
export function num(min: number, max: number, int: boolean): Check {
  return (v) => typeof v == 'number' && v >= min && v <= max && (!int || v % 1 == 0) ? '' : (int ? 'an integer' : 'a number') + ' from ' + min + ' to ' + max;
}

// Built from JSON text: minifiers turn quoted keys into bare identifiers, and the board's
// parser refuses non-ASCII identifiers ("Got ?[231] expected ID").
export const SEED_PHRASES: { [phrase: string]: Command } = JSON.parse('{"现在天黑了":"on","现在天亮了":"off"}');

// Built per call, not held: on a board a standing table of checks costs ~150 variables.
function schema(): Schema {
  const qos: Check = (v) => v === 0 || v === 1 || v === 2 ? '' : '0, 1 or 2';
  return {
    id: (v) => isS(v) && v.length < 65 && /^[A-Za-z0-9_.-]+$/.test(v) ? '' : "1 to 64 letters, digits, '.', '_' or '-'",
    base: (v) => isS(v) && !topicNameError(v) && v.slice(-1) != '/' ? '' : 'a topic name without + or # (and no trailing /)',
    broker: ['mqtt://127.0.0.1:1883', (v) => isS(v) && /^(mqtts|mqtt|tcp|ssl|tls):\/\/[^\s\/]+\/*$/.test(v) ? '' : 'a URL mqtt://[user[:password]@]host[:port] or mqtts://…'],
    username: str,
    password: anyStr,
    clientId: (v) => isS(v) && v.length < 65536 ? '' : 'a string of up to 65535 characters',
    keepalive: [60, num(0, 65535, true)],
    clean: [true, bool],
    command: ['lightChange', (v) => isS(v) && !topicFilterError(v) ? '' : 'a topic filter (+ and # only as whole levels)'],
    commandQos: [1, qos],
    sensorQos: [1, qos],
    interval: [10, num(0.1, 86400, false)],
    queue: [100, num(1, 100000, true)],
    phrases: [SEED_PHRASES, (v) => {
      let ok = v && typeof v == 'object' && !(v instanceof Array);
      for (const k in v) ok = ok && k.trim() && (v[k] == 'on' || v[k] == 'off' || v[k] == 'toggle');
      return ok ? '' : 'an object {"phrase": "on", "off" or "toggle"}';
    }],
    led: ['sim', str],
    sensors: [['sim'], (v) => v instanceof Array && v.every((s: unknown) => !str(s)) ? '' : 'a list of sensor names'],
  };
}
export const deviceSchema: Schema = /* @__PURE__ */ schema();

/** A refused value. Fields for callers that re-label it (e.g. as a CLI flag). */
export interface ConfigError extends Error { field: string; value: string; allowed: string }

export function configError(field: string, v: unknown, allowed: string): ConfigError {
  // The value as JSON (cut when long), never a secret.
  let value = JSON.stringify(v);
  value = /pass/i.test(field) ? '(hidden)' : value === undefined ? '' + v : value.length > 80 ? value.slice(0, 77) + '...' : value;
  const e = new Error('bad config "' + field + '": ' + value + ' (allowed: ' + allowed + ')') as ConfigError;
  e.field = field; e.value = value; e.allowed = allowed;
  return e;
}

/**
 * Checks every field of `raw` and returns a new config with defaults filled in; throws a
 * ConfigError for the first bad or unknown field. `extra`: fields a target adds (serial, pin…).
 */
export function validateConfig(raw: { [k: string]: unknown }, extra?: Schema): DeviceConfig {
  const all: Schema = Object.assign(schema(), extra || {});
  const out: { [k: string]: unknown } = {};
  let k: string, v: unknown, allowed: string, f: any;
  if (!raw || typeof raw != 'object') throw configError('(config)', raw, 'an object');
  for (k in raw) if (!all[k]) throw configError(k, raw[k], 'a known field: ' + Object.keys(all).join(', '));
  for (k in all) {
    v = raw[k];
    f = all[k]; // [default, check], or the check (whose [0] is undefined: no default)
    if (v === undefined) v = k == 'base' && raw.id !== undefined ? 'glowmq/' + raw.id : k == 'clientId' ? raw.id : f[0];
    if (v === undefined && k != 'id') continue; // optional, no default
    allowed = (f[1] || f)(v);
    if (allowed) throw configError(k, v, allowed);
    out[k] = v;
  }
  return out as DeviceConfig;
}
