// The glowmq command line in-process: dispatch, --help for every command listing every
// flag, usage mistakes (exit 2, one line naming flag, value and what is allowed), and
// secrets kept out of help and error output.
import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import net from 'node:net';
import { main } from '../../src/node/cli/main';
import type { CliIo } from '../../src/node/cli/io';
import { PUB_FLAGS } from '../../src/node/cli/pub-command';
import { SUB_FLAGS } from '../../src/node/cli/sub-command';
import { DEVICE_FLAGS } from '../../src/node/config';
import { DEMO_FLAGS } from '../../src/node/demo';
import { WEB_FLAGS } from '../../src/node/cli/web-command';
import type { Flag } from '../../src/node/cli/args';
import { topicNameError, topicFilterError } from '../../src/core/topic';

const SECRET = 'pw-Xy7-never-shown';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}, stdin = '') {
  const out: string[] = [], err: string[] = [];
  const io: CliIo = {
    stdin: Readable.from([stdin]), env,
    out: (s) => out.push(s), write: (b) => out.push(typeof b === 'string' ? b : Buffer.from(b).toString('utf8')), err: (s) => err.push(s),
  };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join('\n') };
}

/** A port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

describe('glowmq CLI', () => {
  it('lists the commands; no command is a usage error', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['device', 'pub', 'sub', 'demo', 'web', 'modem-sim']) expect(h.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect((await run([])).code).toBe(2);
    expect((await run(['--version'])).out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses an unknown command', async () => {
    const r = await run(['publish']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('glowmq: unknown command "publish" (commands: device, service, pub, sub, demo, web, modem-sim; see glowmq --help)');
  });

  const tables: [string, Flag[]][] = [['device', DEVICE_FLAGS], ['pub', PUB_FLAGS], ['sub', SUB_FLAGS], ['demo', DEMO_FLAGS], ['web', WEB_FLAGS]];
  for (const [cmd, flags] of tables) {
    it(`glowmq ${cmd} --help lists every flag and shows no secret`, async () => {
      const r = await run([cmd, '--help'], { MQTT_PASSWORD: SECRET, MQTT_URL: `mqtt://admin:${SECRET}@h:1` });
      expect(r.code).toBe(0);
      for (const f of flags) for (const n of f.names) expect(r.out, n).toContain(n);
      expect(r.out).toContain('--help');
      expect(r.out).not.toContain(SECRET);
      expect((await run(['help', cmd])).out).toBe(r.out);
    });
  }

  const usage: [string[], string][] = [
    [['pub', '-t', 'a/#', '-m', 'x'], `glowmq pub: bad value for -t: "a/#" (allowed: a topic name; ${topicNameError('a/#')})`],
    [['pub', '-t', '', '-m', 'x'], `glowmq pub: bad value for -t: "" (allowed: a topic name; ${topicNameError('')})`],
    [['pub', '-m', 'x'], 'glowmq pub: no topic: give -t TOPIC (see glowmq pub --help)'],
    [['pub', '-t', 'a', '-m', 'x', '-q', '3'], 'glowmq pub: bad value for -q: "3" (allowed: an integer from 0 to 2)'],
    [['pub', '-t', 'a', '-m', 'x', '-p', '70000'], 'glowmq pub: bad value for -p: "70000" (allowed: an integer from 1 to 65535)'],
    [['pub', '-t', 'a', '-m', 'x', '-k', 'x'], 'glowmq pub: bad value for -k: "x" (allowed: an integer from 0 to 65535)'],
    [['pub', '-t', 'a'], 'glowmq pub: give exactly one of -m, -f, -s, -l or -n (got none)'],
    [['pub', '-t', 'a', '-m', 'x', '-l'], 'glowmq pub: give exactly one of -m, -f, -s, -l or -n (got -m and -l)'],
    [['pub', '-t', 'a', '-f', '/nonexistent/msg'], 'glowmq pub: cannot read -f /nonexistent/msg: ENOENT'],
    [['pub', '-t', 'a', '-m'], 'glowmq pub: -m needs a value (TEXT)'],
    [['pub', '-t', 'a', '-m', 'x', '--bogus'], 'glowmq pub: unknown flag --bogus (see glowmq pub --help)'],
    [['pub', '-t', 'a', '-m', 'x', '-L', 'http://h'], 'glowmq pub: bad value for -L: invalid broker URL "http://h": scheme "http:" is not supported (use mqtt://, mqtts://, ws:// or wss://)'],
    [['sub', '-L', 'mqtt://u:pw@h/%FF'], 'glowmq sub: bad value for -L: invalid broker URL "mqtt://u:***@h/%FF": the topic has %-escapes that are not UTF-8 ("%FF")'],
    [['sub', '-L', 'mqtt://u:pw@h/a%2'], 'glowmq sub: bad value for -L: invalid broker URL "mqtt://u:***@h/a%2": the topic has a bad %-escape ("%2") (% must be followed by two hex digits)'],
    [['pub', '-t', 'a', '-m', 'x', '-L', 'mqtt://h', '-h', 'x'], 'glowmq pub: give either -L or -h/-p, not both'],
    [['pub', '-t', 'a', '-m', 'x', '-P', SECRET], 'glowmq pub: a password was given without a user name (-u)'],
    [['pub', '-t', 'a', '-m', 'x', '-u', 'u', '--password-file', '/nonexistent/pw'], 'glowmq pub: cannot read --password-file /nonexistent/pw: ENOENT'],
    [['pub', '-t', 'a', '-m', 'x', '--cafile', '/nonexistent/ca.pem'], 'glowmq pub: cannot read --cafile /nonexistent/ca.pem: ENOENT'],
    [['sub'], 'glowmq sub: no topic: give -t FILTER (see glowmq sub --help)'],
    [['sub', '-t', 'a/#/b'], `glowmq sub: bad value for -t: "a/#/b" (allowed: a topic filter; ${topicFilterError('a/#/b')})`],
    [['sub', '-t', 'a', '-C', '0'], 'glowmq sub: bad value for -C: "0" (allowed: an integer from 1 to 1000000000)'],
    [['sub', '-t', 'a', '-W', 'never'], 'glowmq sub: bad value for -W: "never" (allowed: a number from 0.001 to 2147483)'],
    [['sub', '-t', 'a', '-q', '-1'], 'glowmq sub: bad value for -q: "-1" (allowed: an integer from 0 to 2)'],
    [['sub', '-t', 'a', '-c'], 'glowmq sub: -c needs a fixed client id (-i ID) to find the session again'],
    [['sub', '-t', 'a', '-v=1'], 'glowmq sub: unknown flag -v=1 (see glowmq sub --help)'],
    [['demo', '--count', '0'], 'glowmq demo: bad value for --count: "0" (allowed: an integer from 1 to 1000000)'],
    [['demo', '--interval', 'x'], 'glowmq demo: bad value for --interval: "x" (allowed: a number from 0.1 to 3600)'],
    [['demo', '--port', '-1'], 'glowmq demo: bad value for --port: "-1" (allowed: an integer from 0 to 65535)'],
    [['demo', '--id', 'a/b', '--port', '0'], 'glowmq demo: bad value for --id: "a/b" (allowed: 1-64 of A-Z a-z 0-9 . _ -)'],
    [['device', '--interval', '-1'], 'glowmq device: bad value for --interval: -1 (allowed: a number from 0.1 to 86400)'],
    [['device', '--persistent=yes'], 'glowmq device: --persistent takes no value'],
    [['pub', '-t', 'a', '-m', 'x', '--retain=1'], 'glowmq pub: --retain takes no value'],
    [['pub', '-t', 'a', '-m', 'x', '-i'], 'glowmq pub: -i needs a value (ID)'],
    [['pub', '-t', 'a', '-m', 'x', '--cert', '/nonexistent/c.pem'], 'glowmq pub: cannot read --cert /nonexistent/c.pem: ENOENT'],
    [['pub', '-t', 'a', '-m', 'x', '--key', '/nonexistent/k.pem'], 'glowmq pub: cannot read --key /nonexistent/k.pem: ENOENT'],
    [['sub', '-t', ''], `glowmq sub: bad value for -t: "" (allowed: a topic filter; ${topicFilterError('')})`],
    [['web'], 'glowmq web: no broker: give --broker mqtt://HOST[:PORT] (see glowmq web --help)'],
    [['web', '--broker', `mqtt://admin:${SECRET}@h/x`], 'glowmq web: bad value for --broker: invalid broker URL "mqtt://admin:***@h/x": unexpected "/x" after host and port (MQTT URLs have no path, query or fragment)'],
    [['web', '--broker', 'ws://h'], 'glowmq web: bad value for --broker: "ws://h" (allowed: mqtt:// or mqtts://: the relay speaks to the broker\'s TCP port)'],
    [['web', '--broker', 'mqtt://h', '--listen', 'h:x'], 'glowmq web: bad value for --listen: "h:x" (not HOST:PORT; allowed: HOST:PORT, [IPv6]:PORT or PORT)'],
    [['web', '--broker', 'mqtt://h', '--listen', '127.0.0.1:70000'], 'glowmq web: bad value for --listen: "127.0.0.1:70000" (port out of range; allowed: HOST:PORT, [IPv6]:PORT or PORT)'],
    [['web', '--broker', 'mqtt://h', '--device', 'a/b'], 'glowmq web: bad value for --device: "a/b" (allowed: 1-64 of A-Z a-z 0-9 . _ -)'],
    [['web', '--broker', 'mqtt://h', '--insecure'], 'glowmq web: --cafile and --insecure are for an mqtts:// broker'],
    [['sub', '-t', 'a', '-L', 'mqtt://h:0'], 'glowmq sub: bad value for -L: invalid broker URL "mqtt://h:0": port 0 is out of range (1-65535)'],
  ];
  for (const [argv, msg] of usage) {
    it(`exit 2: glowmq ${argv.join(' ').slice(0, 50)}`, async () => {
      const r = await run(argv);
      expect(r.err).toBe(msg);
      expect(r.code).toBe(2);
    });
  }

  it('hardware that is not there: exit 1 with what is missing and how to get it', async () => {
    const cases: [string[], string][] = [
      [['--gpio', 'sysfs:17', '--sys-root', '/nonexistent'], 'glowmq device: /nonexistent/class/gpio does not exist: this kernel has no sysfs GPIO (use --gpio gpiod:CHIP:LINE)'],
      [['--sensor', 'thermal', '--sys-root', '/nonexistent'], 'glowmq device: no thermal zone with a temp file under /nonexistent/class/thermal (this machine exposes no CPU temperature)'],
      [['--sensor', 'ds18b20', '--sys-root', '/nonexistent'], 'glowmq device: no DS18B20 under /nonexistent/bus/w1/devices (enable dtoverlay=w1-gpio in /boot/config.txt and check the wiring)'],
      [['--gpio', 'gpiod:gpiochip0:17', '--gpioset', '/nonexistent/gpioset'], "glowmq device: /nonexistent/gpioset not found: install libgpiod's tools (apt-get install gpiod)"],
    ];
    for (const [argv, msg] of cases) {
      const r = await run(['device', '--id', 't', ...argv]);
      expect(r.err).toBe(msg);
      expect(r.code).toBe(1);
    }
  });

  it('MQTT_URL is checked too, and its password never shown', async () => {
    const r = await run(['pub', '-t', 'a', '-m', 'x'], { MQTT_URL: `mqtt://admin:${SECRET}@h:99999` });
    expect(r.code).toBe(2);
    expect(r.err).toBe('glowmq pub: bad value for MQTT_URL: invalid broker URL "mqtt://admin:***@h:99999": port 99999 is out of range (1-65535)');
  });

  it('an unreachable broker: exit 1, one line, no password', async () => {
    const port = await closedPort();
    for (const argv of [
      ['pub', '-p', String(port), '-t', 'a', '-m', 'x', '-u', 'admin', '-P', SECRET],
      ['sub', '-L', `mqtt://admin:${SECRET}@127.0.0.1:${port}`, '-t', 'a'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`glowmq ${argv[0]}: cannot connect to 127.0.0.1:${port}: connection refused`);
      expect(r.out).toBe('');
    }
    const r = await run(['pub', '-p', String(port), '-t', 'a', '-m', 'x', '-u', 'admin'], { MQTT_PASSWORD: SECRET });
    expect(r.err).not.toContain(SECRET);
  });
});
