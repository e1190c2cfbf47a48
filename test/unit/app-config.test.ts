// The device configuration schema (portable, used on Node and the board): defaults, and a
// refused value for every field, each naming the field, the value and what is allowed.
import { describe, it, expect } from 'vitest';
import { validateConfig, renameOldFields, SEED_PHRASES, type ConfigError } from '../../src/app/config';

function refused(raw: { [k: string]: unknown }): ConfigError {
  try { validateConfig(raw); } catch (e) { return e as ConfigError; }
  throw new Error('accepted: ' + JSON.stringify(raw));
}

describe('validateConfig', () => {
  it('fills the contract defaults from the id', () => {
    const c = validateConfig({ id: 'pi-1' });
    expect(c).toMatchObject({
      id: 'pi-1', base: 'glowmq/pi-1', clientId: 'pi-1', broker: 'mqtt://127.0.0.1:1883', keepalive: 60, clean: true,
      command: 'lightChange', commandQos: 1, sensorQos: 1, interval: 10, queue: 100, led: 'sim', sensors: ['sim'],
    });
    expect(c.phrases).toEqual(SEED_PHRASES);
    expect(c.phrases['现在天黑了']).toBe('on');
    expect(SEED_PHRASES).toEqual({ '现在天黑了': 'on', '现在天亮了': 'off' }); // decoded from their UTF-8 bytes
    expect(c.password).toBeUndefined();
  });

  it('keeps given values and does not alias the input', () => {
    const raw = { id: 'a', base: 'home/lamp', commandQos: 2, sensorQos: 0, interval: 0.5, phrases: { lights: 'on' as const }, clean: false };
    const c = validateConfig(raw);
    expect(c).toMatchObject(raw);
    expect(c).not.toBe(raw);
  });

  const bad: [string, unknown, RegExp][] = [
    ['id', '', /^1-64 of A-Z a-z 0-9 \. _ -$/],
    ['id', 'a/b', /A-Z a-z 0-9 \. _ -/],
    ['id', 'x'.repeat(65), /1-64/],
    ['base', 'a/#', /no \+ #/],
    ['base', 'a/', /no .*trailing \//],
    ['base', '', /topic name/],
    ['base', 42, /topic name/], // not a string: refused by topicNameError itself
    ['broker', 'http://x', /^mqtt\[s\]:\/\/\[user\[:password\]@\]host\[:port\]$/],
    ['broker', 'mqtt://', /mqtt\[s\]:\/\//],
    ['broker', 42, /mqtt\[s\]:\/\//],
    ['username', '', /non-empty string of up to 65535 UTF-8 bytes/],
    ['username', 7, /non-empty string/],
    ['clientId', 5, /a string/],
    ['clientId', 'x'.repeat(65536), /up to 65535 UTF-8 bytes/],
    ['clientId', '中'.repeat(22000), /^a string of up to 65535 UTF-8 bytes$/], // 22,000 chars, 66,000 bytes
    ['username', 'é'.repeat(40000), /^a non-empty string of up to 65535 UTF-8 bytes$/],
    ['queueBytes', 0, /integer from 1/],
    ['discovery', 'no', /true or false/],
    ['discoveryPrefix', 'ha/#', /topic name/],
    ['store', 3, /true, false or a file name/],
    ['logLevel', 'loud', /^debug, info, warn, error, silent$/],
    ['keepalive', -1, /integer from 0 to 65535/],
    ['keepalive', 1.5, /integer/],
    ['keepalive', '60', /integer/],
    ['clean', 'yes', /true or false/],
    ['command', 'a/#/b', /topic filter \(\+ # as whole levels\)/],
    ['command', ['a'], /topic filter/],
    ['commandQos', 3, /^an integer from 0 to 2$/],
    ['sensorQos', '1', /integer from 0 to 2/],
    ['interval', 0, /number from 0.1 to 86400/],
    ['interval', 'fast', /number from 0.1/],
    ['interval', 86401, /86400/],
    ['queue', 0, /integer from 1/],
    ['phrases', ['on'], /^\{"phrase": "on\|off\|toggle"\}$/],
    ['phrases', { dark: 'lights' }, /"on\|off\|toggle"/],
    ['phrases', { ' ': 'on' }, /"phrase"/],
    ['led', '', /non-empty/],
    ['sensors', 'sim', /list/],
    ['sensors', [1], /list/],
  ];
  for (const [field, value, allowed] of bad) {
    it(`refuses ${field} = ${JSON.stringify(value).slice(0, 40)}`, () => {
      const e = refused({ id: 'dev', [field]: value });
      expect(e.field).toBe(field);
      const json = JSON.stringify(value);
      expect(e.value).toBe(json.length > 80 ? json.slice(0, 77) + '...' : json); // long values are cut
      expect(e.allowed).toMatch(allowed);
      expect(e.message).toBe(`bad config "${field}": ${e.value} (allowed: ${e.allowed})`);
    });
  }

  it('requires an id', () => {
    const e = refused({});
    expect(e.field).toBe('id');
    expect(e.message).toMatch(/bad config "id": undefined/);
  });

  it('names an unknown field and lists the known ones', () => {
    const e = refused({ id: 'd', intervall: 5 });
    expect(e.field).toBe('intervall');
    expect(e.allowed).toMatch(/^a known field: id, base, broker, .*interval/);
  });

  it('never shows a password, even a malformed one', () => {
    const e = refused({ id: 'd', password: 12345678 });
    expect(e.message).toBe('bad config "password": (hidden) (allowed: a string of up to 65535 UTF-8 bytes)');
    expect(e.message).not.toMatch(/12345678/);
  });

  it('takes extra fields from a target schema', () => {
    const extra = { pin: ['LED1', (v: unknown) => v === 'LED1' || v === 'LED2' ? '' : 'LED1 or LED2'] as [unknown, (v: unknown) => string] };
    expect(validateConfig({ id: 'd' }, extra).pin).toBe('LED1');
    expect(() => validateConfig({ id: 'd', pin: 'B3' }, extra)).toThrow('bad config "pin": "B3" (allowed: LED1 or LED2)');
  });

  it('refuses "constructor", "toString" and "__proto__": only the schema\'s own fields are fields', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const e = refused(JSON.parse(`{"id": "d", "${key}": 1}`));
      expect(e.field).toBe(key);
      expect(e.allowed).toMatch(/^a known field: id, base, /);
    }
    const e = refused(JSON.parse('{"id": "d", "__proto__": {"broker": "mqtt://evil:1"}}'));
    expect(e.field).toBe('__proto__');
    // Inherited values are never taken: an object whose prototype holds an id has none.
    expect(refused(Object.create({ id: 'evil' })).field).toBe('id');
  });

  it('renames the board\'s old field names, with a warning each', () => {
    const raw: { [field: string]: unknown } = { id: 'd', ssid: 'home', debug: true };
    expect(renameOldFields(raw)).toEqual(['config "ssid" is now "wifiSsid"', 'config "debug" is now "logLevel"']);
    expect(validateConfig(raw)).toMatchObject({ wifiSsid: 'home', logLevel: 'debug' });
    expect(renameOldFields({ id: 'd', debug: false, logLevel: 'warn' })).toEqual(['config "debug" is now "logLevel"']);
    expect(renameOldFields({ id: 'd' })).toEqual([]);
  });
});
