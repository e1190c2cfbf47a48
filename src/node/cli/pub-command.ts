// glowmq pub: publish like mosquitto_pub (-m, -f, -s, -l, -n), then disconnect cleanly.
// -l streams: standard input is read only as fast as the in-flight window and the socket
// take the lines, so memory stays flat whatever the input size (line-pump.ts).
import { readFileSync } from 'node:fs';
import type { QoS } from '../../core/types';
import { topicNameError } from '../../core/topic';
import { parseArgs, helpText, numberFlag, stringFlag, type Flag, type Parsed } from './args';
import { BROKER_FLAGS, brokerTarget, insecureWarning } from './broker-flags';
import { openSession, type Session } from './session';
import { publishLines } from './line-pump';
import { UsageError, RunError } from './usage-error';
import type { CliIo } from './io';

export const PUB_FLAGS: Flag[] = [
  { names: ['-t', '--topic'], key: 'topic', arg: 'TOPIC', help: 'topic to publish to (required; or in the -L URL)' },
  { names: ['-m', '--message'], key: 'message', arg: 'TEXT', help: 'the message (UTF-8)' },
  { names: ['-f', '--file'], key: 'file', arg: 'FILE', help: 'send the contents of FILE as one message' },
  { names: ['-s', '--stdin-file'], key: 'stdin', type: 'bool', help: 'send all of standard input as one message' },
  { names: ['-l', '--stdin-line'], key: 'lines', type: 'bool', help: 'send each line of standard input as a message (an empty line as an empty message)' },
  { names: ['-n', '--null-message'], key: 'null', type: 'bool', help: 'send a zero-length message (with -r: remove the retained message)' },
  { names: ['-q', '--qos'], key: 'qos', arg: 'QOS', help: 'quality of service 0, 1 or 2 (default 0)' },
  { names: ['-r', '--retain'], key: 'retain', type: 'bool', help: 'ask the broker to retain the message' },
  { names: ['--repeat'], key: 'repeat', arg: 'N', help: 'with -m, -f, -s or -n: publish the message N times' },
  { names: ['--repeat-delay'], key: 'repeatDelay', arg: 'SECONDS', help: 'with --repeat: wait SECONDS between publishes (default 0)' },
  { names: ['-M', '--max-inflight'], key: 'maxInflight', arg: 'N', help: 'messages published but not yet acknowledged (or written) at a time (default 20)' },
  { names: ['-d', '--debug'], key: 'debug', type: 'bool', help: 'report connection and delivery events on stderr' },
  ...BROKER_FLAGS,
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const PUB_HELP = helpText('glowmq pub -t TOPIC (-m TEXT | -f FILE | -s | -l | -n) [options]',
  'Publishes to an MQTT broker, like mosquitto_pub, and exits 0 once every message is\ndelivered at its QoS (non-zero with one line on failure).', PUB_FLAGS,
  'Examples:\n  glowmq pub -t lightChange -m 现在天黑了 -q 1 -u admin --password-file ~/.mqtt-pw\n  MQTT_PASSWORD=… glowmq pub -L mqtt://admin@127.0.0.1:1883/lightChange -m on\n  seq 1 100000 | glowmq pub -t numbers -l -q 1');

/** mosquitto_pub's default in-flight window (its -M). */
const DEFAULT_INFLIGHT = 20;
/** Packet ids 1..65535: more outstanding QoS 1/2 messages cannot exist. */
const MAX_INFLIGHT = 65535;
const MAX_REPEAT = 1e9;
const MAX_DELAY_SECONDS = 2147483;
/** Lost links in a row with nothing delivered before pub gives up. */
const MAX_LOSSES = 3;
const SOURCES = ['message', 'file', 'stdin', 'lines', 'null'];

interface PubOptions {
  topic: string;
  qos: QoS;
  retain: boolean;
  repeat: number;
  repeatDelayMs: number;
  window: number;
}

function pubOptions(parsed: Parsed, topicFromUrl: string | undefined): PubOptions {
  const topic = stringFlag(parsed, 'topic') ?? topicFromUrl;
  if (topic === undefined) throw new UsageError('glowmq pub: no topic: give -t TOPIC (see glowmq pub --help)');
  const error = topicNameError(topic);
  if (error) throw new UsageError(`glowmq pub: bad value for ${parsed.given.topic ?? '-L'}: ${JSON.stringify(topic)} (allowed: a topic name; ${error})`);
  const sources = SOURCES.filter((key) => parsed.values[key] !== undefined);
  if (sources.length !== 1) throw new UsageError(`glowmq pub: give exactly one of -m, -f, -s, -l or -n (${sources.length ? 'got ' + sources.map((key) => parsed.given[key]).join(' and ') : 'got none'})`);
  if (parsed.values.lines && parsed.values.repeat !== undefined) throw new UsageError('glowmq pub: --repeat works with -m, -f, -s or -n, not -l');
  return {
    topic,
    qos: (numberFlag('pub', parsed, 'qos', 0, 2) ?? 0) as QoS,
    retain: !!parsed.values.retain,
    repeat: numberFlag('pub', parsed, 'repeat', 1, MAX_REPEAT) ?? 1,
    repeatDelayMs: (numberFlag('pub', parsed, 'repeatDelay', 0, MAX_DELAY_SECONDS, false) ?? 0) * 1000,
    window: numberFlag('pub', parsed, 'maxInflight', 1, MAX_INFLIGHT) ?? DEFAULT_INFLIGHT,
  };
}

/** -m, -n, -f: the one message, read before connecting (so a bad -f fails fast). */
function fixedPayload(parsed: Parsed): Buffer | undefined {
  const message = stringFlag(parsed, 'message');
  if (message !== undefined) return Buffer.from(message, 'utf8');
  if (parsed.values.null) return Buffer.alloc(0);
  const file = stringFlag(parsed, 'file');
  if (file === undefined) return undefined;
  try { return readFileSync(file); } catch (err) {
    throw new UsageError(`glowmq pub: cannot read -f ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.on('end', () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

interface Publisher {
  publish(payload: Buffer, done: (err?: Error) => void): void;
  /** Rejects after MAX_LOSSES lost links in a row with nothing delivered. */
  lost: Promise<never>;
}

function publisherFor(session: Session, options: PubOptions, debug?: (line: string) => void): Publisher {
  const { topic, qos, retain } = options;
  // A broker that closes the link each time it gets the message (one over its max_packet_size,
  // say) would have it resent on every reconnect, forever. mosquitto_pub gives up at the first
  // loss; pub rides out a blip, but three losses in a row with nothing delivered end it.
  let losses = 0;
  const lost = new Promise<never>((_resolve, reject) => session.client.on('close', (why) => {
    if (session.client.state === 'reconnecting' && ++losses >= MAX_LOSSES) {
      reject(new RunError(`glowmq pub: connection lost ${losses} times in a row before delivery (last: ${why ? why.message : 'closed'}); the broker may be refusing the message, e.g. over its maximum packet size`));
    }
  }));
  lost.catch(() => {});
  const publishOptions = { qos, retain };
  const outcome = retain ? `QoS ${qos}, retained` : `QoS ${qos}`;
  return {
    lost,
    publish: (payload, done) => session.client.publish(topic, payload, publishOptions, (err) => {
      if (err) return done(new RunError(`glowmq pub: publish to ${topic} failed: ${err.message}`));
      losses = 0;
      // At QoS 0 nothing comes back: the bytes only reached our socket.
      debug?.(qos ? `glowmq pub: delivered ${payload.length} bytes to ${topic} (${outcome})` : `glowmq pub: sent ${payload.length} bytes to ${topic} (${outcome}: written to the socket, not acknowledged)`);
      done();
    }),
  };
}

const sleep = (delayMs: number) => new Promise<void>((resolve) => { setTimeout(resolve, delayMs); });

export async function runPub(argv: string[], streams: CliIo): Promise<number> {
  const parsed = parseArgs('pub', argv, PUB_FLAGS);
  if (parsed.values.help) { streams.out(PUB_HELP); return 0; }
  const target = brokerTarget('pub', parsed, streams.env);
  const options = pubOptions(parsed, target.topic);
  let payload = fixedPayload(parsed);
  if (parsed.values.stdin) payload = await readAll(streams.stdin);
  const quiet = !!parsed.values.quiet;
  const warn = quiet ? undefined : streams.err;
  const insecure = insecureWarning('pub', target);
  if (insecure) warn?.(insecure);
  const debug = parsed.values.debug ? streams.err : undefined;
  // QoS 0 lines wait in the (bounded) queue through a reconnect instead of failing.
  const session = openSession('pub', target, { extra: { queueQoS0: true }, debug, warn });
  const stopped = new Promise<number>((resolve) => { const remove = streams.onInterrupt?.(() => { remove?.(); resolve(0); }); });
  const publisher = publisherFor(session, options, debug);
  try {
    const work = (async () => {
      await session.connected;
      if (payload) {
        for (let i = 0; i < options.repeat; i++) {
          if (i > 0 && options.repeatDelayMs) await sleep(options.repeatDelayMs);
          await new Promise<void>((resolve, reject) => publisher.publish(payload!, (err) => err ? reject(err) : resolve()));
        }
      } else await publishLines(streams.stdin, publisher.publish, options.window);
      return 0;
    })();
    const code = await Promise.race([work, session.failed, publisher.lost, stopped]);
    await session.end();
    return code;
  } catch (err) {
    session.client.end(true);
    if (quiet && err instanceof RunError) return err.exitCode;
    throw err;
  }
}
