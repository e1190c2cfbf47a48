// Device configuration on Node: file < environment < flags, and every flag, variable and
// file field refused with a message naming where it came from, the value and what is allowed
// (exit code 2). Passwords never appear in those messages.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { loadDeviceConfig, DEVICE_FLAGS, defaultId, describeSources, queueLimitNote } from '../../src/node/config';
import { parseArgs } from '../../src/node/cli/args';
import { UsageError } from '../../src/node/cli/usage-error';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'glowmq-cfg-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadDeviceConfig(parseArgs('device', argv, DEVICE_FLAGS), env).config;
function refused(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError {
  try { load(argv, env); } catch (e) { expect(e).toBeInstanceOf(UsageError); expect((e as UsageError).exitCode).toBe(2); return e as UsageError; }
  throw new Error('accepted ' + argv.join(' '));
}
const file = (name: string, content: string) => { const f = join(dir, name); writeFileSync(f, content); return f; };

describe('device configuration on Node', () => {
  it('defaults: the host name as id, glowmq/<id>, sim board, local broker', () => {
    const c = load([]);
    expect(c.id).toBe(defaultId());
    expect(defaultId()).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    expect(defaultId().slice(0, 3)).toBe(hostname().replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 3));
    expect(c).toMatchObject({ base: 'glowmq/' + defaultId(), broker: 'mqtt://127.0.0.1:1883', led: 'sim', sensors: ['sim'], baud: 115200, logLevel: 'info' });
  });

  it('flags win over the file, which wins over the environment (MQTT_URL does not override "broker")', () => {
    const f = file('a.json', JSON.stringify({ id: 'fromfile', broker: 'mqtt://file:1', interval: 3, username: 'fu', sensors: ['thermal'] }));
    const c = load(['--config', f, '--interval', '7', '--sensor', 'sim,ds18b20'], { MQTT_URL: 'mqtt://env:2', MQTT_USERNAME: 'eu', MQTT_PASSWORD: 'ep' });
    expect(c).toMatchObject({ id: 'fromfile', base: 'glowmq/fromfile', broker: 'mqtt://file:1', interval: 7, username: 'fu', password: 'ep', sensors: ['sim', 'ds18b20'] });
    expect(load([], { MQTT_URL: 'mqtt://env:2' }).broker).toBe('mqtt://env:2'); // the environment still counts without a file
    expect(load(['--config', f, '--broker', 'mqtt://flag:3', '-u', 'x', '-P', 'y'], { MQTT_URL: 'mqtt://env:2' })).toMatchObject({ broker: 'mqtt://flag:3', username: 'x', password: 'y' });
  });

  it('accepts the example file from --help; its phrases replace the seed\'s, --phrase adds', () => {
    const f = file('example.json', '{"broker": "mqtt://192.168.1.10", "username": "admin", "led": "gpiod:gpiochip0:17", "sensors": ["thermal"], "interval": 30, "phrases": {"lights on": "on"}}');
    expect(load(['--config', f])).toMatchObject({ broker: 'mqtt://192.168.1.10', led: 'gpiod:gpiochip0:17', sensors: ['thermal'], interval: 30, phrases: { 'lights on': 'on' } });
    expect(load(['--config', f, '--phrase', 'dark=off']).phrases).toEqual({ 'lights on': 'on', dark: 'off' });
  });

  it('maps every flag to its field', () => {
    const pw = file('pw', 's3cret\n');
    const c = load(['--id', 'pi', '--base', 'home/pi', '--client-id', 'cid', '--gpio', 'gpiod:gpiochip0:17', '--sensor', 'thermal',
      '--command-topic', 'cmd/+', '--command-qos', '2', '--sensor-qos', '0', '--phrase', '灯=toggle', '--queue', '5', '--keepalive', '30',
      '--persistent', '--store', '/tmp/s.json', '--serial', '/dev/ttyUSB0', '--baud', '9600', '--wifi-ssid', 'home', '--wifi-password', 'wp',
      '--log-level', 'debug', '-u', 'admin', '--password-file', pw]);
    expect(c).toMatchObject({ id: 'pi', base: 'home/pi', clientId: 'cid', led: 'gpiod:gpiochip0:17', sensors: ['thermal'], command: 'cmd/+',
      commandQos: 2, sensorQos: 0, queue: 5, keepalive: 30, clean: false, store: '/tmp/s.json', serial: '/dev/ttyUSB0', baud: 9600,
      wifiSsid: 'home', wifiPassword: 'wp', logLevel: 'debug', username: 'admin', password: 's3cret' });
    expect(c.phrases).toEqual({ '现在天黑了': 'on', '现在天亮了': 'off', '灯': 'toggle' });
  });

  it('a broker URL that fails validation is shown without its password (flag, MQTT_URL, config file)', () => {
    const secret = 'Sup3rS3cretPW';
    const cases: [string[], NodeJS.ProcessEnv][] = [
      [['--broker', `mqtt://admin2:${secret}@h/bad`], {}],
      [[], { MQTT_URL: `mqtt://admin2:${secret}@h/bad` }],
      [['--config', file('leak.json', JSON.stringify({ broker: `mqtt://admin2:${secret}@h/bad` }))], {}],
      [['--broker', `mqtt://admin2:${secret}@h:0`], {}],
      [['--broker', `mqtt://admin2:${secret}%FF@h`], {}],
    ];
    for (const [argv, env] of cases) {
      const message = refused(argv, env).message;
      expect(message).toMatch(/admin2:\*\*\*@h/);
      expect(message).not.toContain(secret);
    }
  });

  const badFlags: [string[], RegExp][] = [
    [['--interval', '0'], /^glowmq device: bad value for --interval: 0 \(allowed: a number from 0\.1 to 86400\)$/],
    [['--interval', 'soon'], /^glowmq device: bad value for --interval: "soon" \(allowed: a number from 0\.1 to 86400\)$/],
    [['--id', 'my/pi'], /bad value for --id: "my\/pi" \(allowed: 1-64 of A-Z a-z 0-9 \. _ -\)/],
    [['--base', 'a/+/b'], /bad value for --base: "a\/\+\/b" \(allowed: a topic name, no \+ #/],
    [['--broker', 'http://x'], /bad value for --broker: "http:\/\/x" \(allowed: mqtt\[s\]:\/\//],
    [['--broker', 'mqtt://host:99999'], /bad value for --broker: invalid broker URL "mqtt:\/\/host:99999": port 99999 is out of range/],
    [['--gpio', 'gpio17'], /bad value for --gpio: "gpio17" \(allowed: sim, gpiod:CHIP:LINE \(e\.g\. gpiod:gpiochip0:17\) or sysfs:LINE/],
    [['--sensor', 'dht22'], /bad value for --sensor: \["dht22"\] \(allowed: a list of distinct sensors from sim, thermal or ds18b20\)/],
    [['--command-topic', 'a/#/b'], /bad value for --command-topic: "a\/#\/b" \(allowed: a topic filter/],
    [['--command-qos', '3'], /bad value for --command-qos: 3 \(allowed: an integer from 0 to 2\)/],
    [['--sensor-qos', 'high'], /bad value for --sensor-qos: "high" \(allowed: an integer from 0 to 2\)/],
    [['--queue', '0'], /bad value for --queue: 0 \(allowed: an integer from 1 to 100000\)/],
    [['--keepalive', '-5'], /bad value for --keepalive: -5 \(allowed: an integer from 0 to 65535\)/],
    [['--baud', '12'], /bad value for --baud: 12 \(allowed: an integer from 300 to 4000000\)/],
    [['--log-level', 'loud'], /bad value for --log-level: "loud" \(allowed: debug, info, warn, error, silent\)/],
    [['--phrase', 'dark'], /bad value for --phrase: "dark" \(allowed: TEXT=on, TEXT=off or TEXT=toggle\)/],
    [['--phrase', 'dark=dim'], /bad value for --phrase: "dark=dim"/],
    [['-u', ''], /bad value for -u: "" \(allowed: a non-empty string of up to 65535 UTF-8 bytes\)/],
    [['--store', ''], /bad value for --store: ""/],
    [['--serial', ''], /bad value for --serial: ""/],
    [['--wifi-ssid', ''], /bad value for --wifi-ssid: ""/],
    [['--client-id', 'x'.repeat(70000)], /bad value for --client-id/],
    [['--config', '/nonexistent/glowmq.json'], /cannot read --config \/nonexistent\/glowmq\.json: ENOENT/],
    [['--password-file', '/nonexistent/pw'], /cannot read --password-file \/nonexistent\/pw: ENOENT/],
    [['--interval'], /--interval needs a value \(SECONDS\)/],
    [['--nope'], /unknown flag --nope \(see glowmq device --help\)/],
    [['-P', 'secret'], /a password was given \(-P\) without a user name/],
  ];
  for (const [argv, msg] of badFlags) {
    it(`refuses ${argv.join(' ').slice(0, 40)}`, () => expect(refused(argv).message).toMatch(msg));
  }

  it('names environment variables', () => {
    expect(refused([], { MQTT_URL: 'ws://x' }).message).toMatch(/^glowmq device: bad value for MQTT_URL: "ws:\/\/x" \(allowed: mqtt\[s\]:\/\//);
    expect(refused([], { MQTT_USERNAME: '' }).message).toMatch(/bad value for MQTT_USERNAME: ""/);
  });

  it('names file fields, unknown fields and bad JSON', () => {
    expect(refused(['--config', file('b.json', '{"interval": -2}')]).message).toMatch(/bad value for "interval" in .*b\.json: -2 \(allowed: a number from 0\.1 to 86400\)/);
    expect(refused(['--config', file('c.json', '{"intervall": 2}')]).message).toMatch(/unknown field "intervall" in .*c\.json; known fields: id, base, broker/);
    expect(refused(['--config', file('d.json', '{"interval": 2,}')]).message).toMatch(/d\.json is not valid JSON: /);
    expect(refused(['--config', file('e.json', '[1]')]).message).toMatch(/e\.json must hold a JSON object/);
    expect(refused(['--config', file('f.json', '{"phrases": {"dark": "dim"}}')]).message).toMatch(/bad value for "phrases" in .*: \{"dark":"dim"\} \(allowed: \{"phrase": "on\|off\|toggle"\}\)/);
    expect(refused(['--config', file('g.json', '{"sensors": "sim"}')]).message).toMatch(/bad value for "sensors" in/);
  });

  it('never repeats a password, wherever it came from', () => {
    const secret = 'hunter2-Zq9';
    const msgs = [
      refused(['--config', file('h.json', JSON.stringify({ password: 12345 }))]).message,
      refused(['--config', file('i.json', JSON.stringify({ wifiPassword: 9876 }))]).message,
      refused(['--broker', `mqtt://admin:${secret}@host:0`]).message,
      refused(['-P', secret]).message,
      refused(['--interval', 'x'], { MQTT_PASSWORD: secret }).message,
    ];
    expect(msgs[0]).toMatch(/bad value for "password" in .*: \(hidden\) \(allowed: a string of up to 65535 UTF-8 bytes\)/);
    expect(msgs[1]).toMatch(/bad value for "wifiPassword" in .*: \(hidden\)/);
    for (const m of msgs) { expect(m).not.toContain(secret); expect(m).not.toContain('12345'); expect(m).not.toContain('9876'); }
  });

  it('refuses "constructor", "toString" and "__proto__" as fields; {"__proto__": {...}} configures nothing', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const e = refused(['--config', file(`proto-${key}.json`, `{"${key}": {"id": "evil", "broker": "mqtt://evil:1"}}`)]);
      expect(e.message).toMatch(new RegExp(`^glowmq device: unknown field "${key}" in .*proto-${key}\\.json; known fields: id, base, broker, `));
    }
  });

  it('checks byte lengths: a client id, user name or password over 65,535 UTF-8 bytes is one line, exit 2', () => {
    expect(refused(['--client-id', '中'.repeat(22000)]).message).toMatch(/^glowmq device: bad value for --client-id: "中+\.\.\. \(allowed: a string of up to 65535 UTF-8 bytes\)$/);
    expect(refused(['-u', 'x'.repeat(70000)]).message).toMatch(/^glowmq device: bad value for -u: .*\(allowed: a non-empty string of up to 65535 UTF-8 bytes\)$/);
    const e = refused(['-u', 'admin', '-P', 'é'.repeat(33000)]);
    expect(e.message).toBe('glowmq device: bad value for -P: (hidden) (allowed: a string of up to 65535 UTF-8 bytes)');
    expect(load(['--client-id', '中'.repeat(21845)]).clientId.length).toBe(21845); // 65,535 bytes exactly
  });

  it('takes the board\'s old names with a warning, and store: true everywhere', () => {
    const f = file('board.json', JSON.stringify({ id: 'pico', serial: '/dev/ttyUSB0', ssid: 'home', debug: true, store: true }));
    const loaded = loadDeviceConfig(parseArgs('device', ['--config', f], DEVICE_FLAGS), {});
    expect(loaded.config).toMatchObject({ wifiSsid: 'home', logLevel: 'debug', store: 'glowmq.store' });
    expect(loaded.warnings).toEqual([`${f}: config "ssid" is now "wifiSsid"`, `${f}: config "debug" is now "logLevel"`]);
    expect(load(['--config', file('nostore.json', '{"store": false}')]).store).toBeUndefined();
  });

  it('says where each setting came from (logged under -d), secrets hidden', () => {
    const f = file('src.json', JSON.stringify({ interval: 3, broker: 'mqtt://u:pw1@file:1' }));
    const loaded = loadDeviceConfig(parseArgs('device', ['--config', f, '-d', '--queue-bytes', '200000', '-u', 'me', '-P', 'pw2'], DEVICE_FLAGS), { MQTT_URL: 'mqtt://env:2', MQTT_PASSWORD: 'pw3' });
    const lines = describeSources(loaded);
    expect(lines).toContain(`setting interval = 3 from "interval" in ${f}`);
    expect(lines).toContain(`setting broker = mqtt://u:***@file:1 from "broker" in ${f}`);
    expect(lines).toContain('setting queueBytes = 200000 from --queue-bytes');
    expect(lines).toContain('setting logLevel = "debug" from -d');
    expect(lines).toContain('setting password = (hidden) from -P');
    expect(lines.join('\n')).not.toMatch(/pw1|pw2|pw3/);
  });

  it('--queue-bytes, and the start line says which offline queue bound binds first', () => {
    expect(load(['--queue-bytes', '1000']).queueBytes).toBe(1000);
    expect(load([]).queueBytes).toBe(65536);
    expect(refused(['--queue-bytes', '0']).message).toMatch(/bad value for --queue-bytes: 0 \(allowed: an integer from 1 to 268435455\)/);
    expect(queueLimitNote(load(['--queue', '5000']), 60)).toBe('offline queue: up to 5000 messages and 65536 payload bytes; the byte bound binds first (about 1092 readings of ~60 B; raise --queue-bytes)');
    expect(queueLimitNote(load([]), 60)).toBe('offline queue: up to 100 messages and 65536 payload bytes; the message bound binds first (100 readings of ~60 B = ~6000 B)');
  });

  it('maps the TLS and discovery flags', () => {
    const [ca, crt, key] = ['ca.crt', 'c.crt', 'c.key'].map((name) => file(name, '-----BEGIN-----\n'));
    expect(load(['--broker', 'mqtts://h', '--cafile', ca, '--cert', crt, '--key', key, '--insecure', '--no-discovery', '--discovery-prefix', 'ha'])).toMatchObject({ cafile: ca, certfile: crt, keyfile: key, insecure: true, discovery: false, discoveryPrefix: 'ha' });
    expect(load([])).toMatchObject({ insecure: false, discovery: true, discoveryPrefix: 'homeassistant' });
    expect(load(['--command-topic', '']).command).toBe('');
  });

  it('certificate files: unreadable is one line naming the flag or field; with a plain mqtt:// URL refused', () => {
    expect(refused(['--broker', 'mqtts://h', '--cafile', join(dir, 'none.crt')]).message).toBe(`glowmq device: cannot read --cafile ${join(dir, 'none.crt')}: ENOENT`);
    const f = file('tls.json', JSON.stringify({ broker: 'mqtts://h', keyfile: join(dir, 'none.key') }));
    expect(refused(['--config', f]).message).toBe(`glowmq device: cannot read "keyfile" in ${f} ${join(dir, 'none.key')}: ENOENT`);
    const ca = file('ca.crt', '-----BEGIN CERTIFICATE-----\n');
    expect(refused(['--broker', 'mqtt://u:secret@h', '--cafile', ca]).message).toBe('glowmq device: --cafile given for a plain mqtt://u:***@h: use mqtts://');
    expect(load(['--broker', 'mqtts://h', '--cafile', ca]).cafile).toBe(ca);
  });
});
