// glowmq pub: publish like mosquitto_pub (-m, -f, -s, -l, -n), then disconnect cleanly.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { QoS } from '../../core/types';
import { topicNameError } from '../../core/topic';
import { parseArgs, helpText, numberFlag, type Flag } from './args';
import { BROKER_FLAGS, brokerTarget } from './broker-flags';
import { openSession } from './session';
import { UsageError, RunError } from './usage-error';
import type { CliIo } from './io';

export const PUB_FLAGS: Flag[] = [
  { names: ['-t', '--topic'], key: 'topic', arg: 'TOPIC', help: 'topic to publish to (required; or in the -L URL)' },
  { names: ['-m', '--message'], key: 'message', arg: 'TEXT', help: 'the message (UTF-8)' },
  { names: ['-f', '--file'], key: 'file', arg: 'FILE', help: 'send the contents of FILE as one message' },
  { names: ['-s', '--stdin-file'], key: 'stdin', type: 'bool', help: 'send all of standard input as one message' },
  { names: ['-l', '--stdin-line'], key: 'lines', type: 'bool', help: 'send each line of standard input as a message (blank lines skipped)' },
  { names: ['-n', '--null-message'], key: 'null', type: 'bool', help: 'send a zero-length message' },
  { names: ['-q', '--qos'], key: 'qos', arg: 'QOS', help: 'quality of service 0, 1 or 2 (default 0)' },
  { names: ['-r', '--retain'], key: 'retain', type: 'bool', help: 'ask the broker to retain the message' },
  { names: ['-d', '--debug'], key: 'debug', type: 'bool', help: 'report connection and delivery events on stderr' },
  ...BROKER_FLAGS,
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const PUB_HELP = helpText('glowmq pub -t TOPIC (-m TEXT | -f FILE | -s | -l | -n) [options]',
  'Publishes to an MQTT broker, like mosquitto_pub, and exits 0 once every message is\ndelivered at its QoS (non-zero with one line on failure).', PUB_FLAGS,
  'Examples:\n  glowmq pub -t lightChange -m 现在天黑了 -q 1 -u admin --password-file ~/.mqtt-pw\n  MQTT_PASSWORD=… glowmq pub -L mqtt://admin@127.0.0.1:1883/lightChange -m on');

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

export async function runPub(argv: string[], io: CliIo): Promise<number> {
  const p = parseArgs('pub', argv, PUB_FLAGS);
  if (p.values.help) { io.out(PUB_HELP); return 0; }
  const target = brokerTarget('pub', p, io.env);
  const topic = (p.values.topic as string | undefined) ?? target.topic;
  if (topic === undefined) throw new UsageError('glowmq pub: no topic: give -t TOPIC (see glowmq pub --help)');
  const terr = topicNameError(topic);
  if (terr) throw new UsageError(`glowmq pub: bad value for ${p.given.topic ?? '-L'}: ${JSON.stringify(topic)} (allowed: a topic name; ${terr})`);
  const qos = (numberFlag('pub', p, 'qos', 0, 2) ?? 0) as QoS;
  const sources = ['message', 'file', 'stdin', 'lines', 'null'].filter((k) => p.values[k] !== undefined);
  if (sources.length !== 1) throw new UsageError(`glowmq pub: give exactly one of -m, -f, -s, -l or -n (${sources.length ? 'got ' + sources.map((k) => p.given[k]).join(' and ') : 'got none'})`);
  let single: Uint8Array | undefined;
  if (p.values.message !== undefined) single = new Uint8Array(Buffer.from(p.values.message as string, 'utf8'));
  if (p.values.null) single = new Uint8Array(0);
  if (p.values.file !== undefined) {
    try { single = new Uint8Array(readFileSync(p.values.file as string)); } catch (e) {
      throw new UsageError(`glowmq pub: cannot read -f ${p.values.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (p.values.stdin) single = new Uint8Array(await readAll(io.stdin));

  const debug = p.values.debug ? io.err : undefined;
  const s = openSession('pub', target, {}, debug);
  const opts = { qos, retain: !!p.values.retain };
  // A broker that closes the link each time it gets the message (one over its max_packet_size,
  // say) would have it resent on every reconnect, forever. mosquitto_pub gives up at the first
  // loss; pub rides out a blip, but three losses in a row with nothing delivered end it.
  let losses = 0;
  const lost = new Promise<never>((_, reject) => s.client.on('close', (why) => {
    if (s.client.state === 'reconnecting' && ++losses >= 3) {
      reject(new RunError(`glowmq pub: connection lost ${losses} times in a row before delivery (last: ${why ? why.message : 'closed'}); the broker may be refusing the message, e.g. over its maximum packet size`));
    }
  }));
  lost.catch(() => {});
  const send = (payload: Uint8Array) => new Promise<void>((resolve, reject) => {
    s.client.publish(topic, payload, opts, (err) => {
      if (err) return reject(new RunError(`glowmq pub: publish to ${topic} failed: ${err.message}`));
      losses = 0;
      debug?.(`glowmq pub: delivered ${payload.length} bytes to ${topic} (QoS ${qos}${opts.retain ? ', retained' : ''})`);
      resolve();
    });
  });
  try {
    await s.connected;
    if (single) await Promise.race([send(single), s.failed, lost]);
    else {
      // -l: each line as it arrives, in order; wait for all before disconnecting.
      const pending: Promise<void>[] = [];
      const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
      for await (const line of rl) if (line !== '') pending.push(send(new Uint8Array(Buffer.from(line, 'utf8'))));
      await Promise.race([Promise.all(pending), s.failed, lost]);
    }
  } catch (e) {
    s.client.end(true);
    throw e;
  }
  await s.end();
  return 0;
}
