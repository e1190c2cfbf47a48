// glowmq pub/sub flags refused at parse time (one line, exit 2, before anything connects) and
// the -F formatter's output for codes whose value does not depend on a broker.
import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import net from 'node:net';
import { main } from '../../src/node/cli/main';
import type { CliIo } from '../../src/node/cli/io';
import { messagePrinter, printOne } from '../../src/node/cli/sub-format';
import { topicNameError, topicFilterError } from '../../src/core/topic';

const SECRET = 'pw-Xy7-never-shown';

async function run(argv: string[]) {
  const out: string[] = [], err: string[] = [];
  const io: CliIo = {
    stdin: Readable.from(['']), env: {},
    out: (text) => out.push(text), write: (bytes) => out.push(String(bytes)), err: (line) => err.push(line),
  };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join('\n') };
}

describe('glowmq pub/sub refuse at parse time', () => {
  const long = 'x'.repeat(70_000);
  const cases: [string[], string][] = [
    [['pub', '-t', 'a', '-m', 'x', '-q', '0x1'], 'glowmq pub: bad value for -q: "0x1" (allowed: an integer from 0 to 2)'],
    [['pub', '-t', 'a', '-m', 'x', '-p', '1e3'], 'glowmq pub: bad value for -p: "1e3" (allowed: an integer from 1 to 65535)'],
    [['sub', '-t', 'a', '-k', ' 60'], 'glowmq sub: bad value for -k: " 60" (allowed: an integer from 0 to 65535)'],
    [['sub', '-L', 'mqtt://127.0.0.1:1883/a/%FF'], 'glowmq sub: bad value for -L: invalid broker URL "mqtt://127.0.0.1:1883/a/%FF": the topic has %-escapes that are not UTF-8 ("a/%FF")'],
    [['sub', '-t', 'a', '-i', long], `glowmq sub: bad value for -i: "${'x'.repeat(20)}"… is 70000 UTF-8 bytes (allowed: at most 65535)`],
    [['sub', '-t', 'a', '-i', '中'.repeat(22_000)], `glowmq sub: bad value for -i: "${'中'.repeat(20)}"… is 66000 UTF-8 bytes (allowed: at most 65535)`],
    [['pub', '-t', 'a', '-m', 'x', '-u', long], `glowmq pub: bad value for -u: "${'x'.repeat(20)}"… is 70000 UTF-8 bytes (allowed: at most 65535)`],
    [['pub', '-t', 'a', '-m', 'x', '-u', 'u', '-P', SECRET + long], 'glowmq pub: bad value for -P: the password is 70018 UTF-8 bytes (allowed: at most 65535)'],
    [['sub', '-t', 'a', '-V', '5'], 'glowmq sub: bad value for -V: "5" (allowed: mqttv311; glowmq speaks MQTT 3.1.1 only)'],
    [['sub', '-t', 'a', '-F', '%Z'], 'glowmq sub: bad value for -F: "%Z" (invalid format specifier \'Z\'; allowed: %t %p %q %r %l %m %x %X %j %J %I %U %%, @-time fields, \\\\ \\0 \\a \\e \\n \\r \\t \\v)'],
    [['sub', '-t', 'a', '-F', 'x%'], 'glowmq sub: bad value for -F: "x%" (incomplete format specifier; allowed: %t %p %q %r %l %m %x %X %j %J %I %U %%, @-time fields, \\\\ \\0 \\a \\e \\n \\r \\t \\v)'],
    [['sub', '-t', 'a', '-T', 'a/#/b'], `glowmq sub: bad value for -T: "a/#/b" (allowed: a topic filter; ${topicFilterError('a/#/b')})`],
    [['sub', '-t', 'a', '-R', '--retained-only'], 'glowmq sub: give -R or --retained-only, not both'],
    [['sub', '-t', 'a', '--max-packet-size', '1k'], 'glowmq sub: bad value for --max-packet-size: "1k" (allowed: an integer from 2 to 268435455)'],
    [['sub', '-t', 'a', '--will-payload', 'x'], 'glowmq sub: --will-payload needs --will-topic'],
    [['pub', '-t', 'a', '-m', 'x', '--will-topic', 'w/+'], `glowmq pub: bad value for --will-topic: "w/+" (allowed: a topic name; ${topicNameError('w/+')})`],
    [['pub', '-t', 'a', '-l', '--repeat', '2'], 'glowmq pub: --repeat works with -m, -f, -s or -n, not -l'],
    [['pub', '-t', 'a', '-m', 'x', '--repeat-delay', '-1'], 'glowmq pub: bad value for --repeat-delay: "-1" (allowed: a number from 0 to 2147483)'],
  ];
  for (const [argv, line] of cases) {
    it(`exit 2: glowmq ${argv.join(' ').slice(0, 80)}`, async () => {
      const r = await run(argv);
      expect(r.err).toBe(line);
      expect(r.code).toBe(2);
      expect(r.err).not.toContain(SECRET);
    });
  }
});

describe('--insecure', () => {
  it('warns, even without -d, and says when it has no effect', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const plain = await run(['pub', '-t', 'a', '-m', 'x', '--insecure', '-p', String(port)]);
    expect(plain.err.split('\n')[0]).toBe('glowmq pub: warning: --insecure has no effect without TLS (mqtts://, --cafile or --cert)');
    const tls = await run(['sub', '-t', 'a', '--insecure', '-L', `mqtts://127.0.0.1:${port}`]);
    expect(tls.err.split('\n')[0]).toBe("glowmq sub: warning: --insecure: the broker's certificate is not checked; anyone on the path can read and change this session");
    expect(tls.code).toBe(1);
  });
});

describe('sub -F', () => {
  const message = { topic: 'a/b', payload: Buffer.from('hé'), packet: { qos: 1 as const, retain: true, messageId: 7 }, receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678) };
  const print = (format: string, extra = {}) => printOne(messagePrinter({ verbose: false, noEol: false, pretty: false, format, ...extra }), message).toString('utf8');
  it('prints each code as mosquitto_sub does', () => {
    expect(print('%t|%p|%q|%r|%l|%m|%x|%X|%%|\\t|\\\\')).toBe('a/b|hé|1|1|3|7|68c3a9|68C3A9|%|\t|\\\n');
    expect(print('%5t|%-5t|%.1t|%05l|%-3m|%3q', { noEol: true })).toBe('  a/b|a/b  |a|00003|7  |1');
    expect(print('%j')).toMatch(/^\{"tst":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.678000Z[+-]\d{4}","topic":"a\/b","qos":1,"retain":1,"payloadlen":3,"mid":7,"payload":"hé"\}\n$/);
    expect(print('%U')).toBe(`${Math.floor(message.receivedAt / 1000)}.678000000\n`);
  });
  it('-v prints (null) for an empty payload; plain prints nothing for it', () => {
    const empty = { ...message, payload: Buffer.alloc(0) };
    expect(printOne(messagePrinter({ verbose: true, noEol: false, pretty: false }), empty).toString()).toBe('a/b (null)\n');
    expect(printOne(messagePrinter({ verbose: false, noEol: false, pretty: false }), empty).length).toBe(0);
  });
});
