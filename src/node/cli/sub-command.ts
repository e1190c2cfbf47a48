// glowmq sub: subscribe like mosquitto_sub and print each message (payload, "topic payload"
// with -v, or mosquitto's -F format). Stdout sets the pace: a message is acknowledged only
// once its line is written, and the broker is not read while stdout is full (paced-link.ts).
import { Writable } from 'node:stream';
import type { QoS } from '../../core/types';
import { topicFilterError, topicMatches } from '../../core/topic';
import { parseArgs, helpText, numberFlag, stringFlag, type Flag, type Parsed } from './args';
import { BROKER_FLAGS, brokerTarget, insecureWarning, type BrokerTarget } from './broker-flags';
import { brokerTransport } from '../connect';
import { openSession, type Session } from './session';
import { PacedLink, type PausableLink } from './paced-link';
import { messagePrinter, type Printer, type Received } from './sub-format';
import { UsageError, RunError } from './usage-error';
import type { CliIo } from './io';

export const SUB_FLAGS: Flag[] = [
  { names: ['-t', '--topic'], key: 'topic', type: 'list', arg: 'FILTER', help: 'topic filter to subscribe to (repeatable; + and # allowed)' },
  { names: ['-T', '--filter-out'], key: 'filterOut', type: 'list', arg: 'FILTER', help: 'do not print messages whose topic matches FILTER (repeatable)' },
  { names: ['-U', '--unsubscribe'], key: 'unsubscribe', type: 'list', arg: 'FILTER', help: 'unsubscribe from FILTER (a persistent session\'s old subscription; repeatable)' },
  { names: ['-q', '--qos'], key: 'qos', arg: 'QOS', help: 'maximum quality of service 0, 1 or 2 (default 0)' },
  { names: ['-v', '--verbose'], key: 'verbose', type: 'bool', help: 'print "topic payload" ("topic (null)" for an empty payload)' },
  { names: ['-F', '--format'], key: 'format', arg: 'FORMAT', help: 'print with mosquitto_sub\'s format codes: %t %p %q %r %l %m %x %X %j %J %I %U, @strftime, \\n \\t' },
  { names: ['-N', '--no-eol'], key: 'noEol', type: 'bool', help: 'no newline after each message' },
  { names: ['--pretty'], key: 'pretty', type: 'bool', help: 'print %j and %J as indented JSON' },
  { names: ['-C', '--count'], key: 'count', arg: 'N', help: 'exit after N messages (the rest stay unacknowledged for a persistent session)' },
  { names: ['-W', '--timeout'], key: 'timeout', arg: 'SECONDS', help: 'give up after SECONDS in total, connecting included (exit code 27, as mosquitto_sub)' },
  { names: ['-E', '--exit-after-sub'], key: 'exitAfterSub', type: 'bool', help: 'exit once subscribed (to create a persistent session)' },
  { names: ['-R', '--no-retained'], key: 'noRetained', type: 'bool', help: 'skip messages the broker replays as retained' },
  { names: ['--retained-only'], key: 'retainedOnly', type: 'bool', help: 'print only retained messages; exit at the first live one' },
  { names: ['--remove-retained'], key: 'removeRetained', type: 'bool', help: 'clear each retained message received (publishes an empty retained message)' },
  { names: ['--max-packet-size'], key: 'maxPacketSize', arg: 'BYTES', help: 'largest message accepted (default 1048576); larger ones are skipped with a line on stderr' },
  { names: ['-d', '--debug'], key: 'debug', type: 'bool', help: 'report connection and subscription events on stderr' },
  { names: ['-c', '--disable-clean-session', '--persistent'], key: 'persistent', type: 'bool', help: 'keep the session on the broker (clean session off; give -i)' },
  ...BROKER_FLAGS,
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const SUB_HELP = helpText('glowmq sub -t FILTER [-t FILTER…] [-v] [-C N] [options]',
  'Subscribes to an MQTT broker, like mosquitto_sub, and prints every message on its own\nline (the payload as UTF-8 text). Ctrl-C exits 0.', SUB_FLAGS,
  'Examples:\n  glowmq sub -t lightChange -v -u admin -P …\n  glowmq sub -L mqtt://admin@127.0.0.1/glowmq/+/sensors/# -C 5   (password from $MQTT_PASSWORD)\n  glowmq sub -t \'glowmq/#\' -F \'%I %t %p\'');

/** mosquitto_sub's exit code when -W runs out. */
export const TIMEOUT_EXIT = 27;
const MAX_COUNT = 1e9;
const MAX_TIMEOUT_SECONDS = 2147483;
/** The client's default limit on an inbound packet (MQTT allows 268,435,455). */
const DEFAULT_MAX_PACKET = 1048576;
const MQTT_MAX_PACKET = 268435455;
/** After DISCONNECT, how long the socket may take to close before we exit anyway. */
const CLOSE_WAIT_MS = 1000;

interface SubOptions {
  target: BrokerTarget;
  topics: string[];
  unsubscribe: string[];
  filterOut: string[];
  qos: QoS;
  count?: number;
  timeout?: number;
  maxPacketSize?: number;
  flags: Parsed['values'];
  print: Printer;
  needsTime: boolean;
}

function checkFilters(flag: string, filters: string[]): void {
  for (const filter of filters) {
    const error = topicFilterError(filter);
    if (error) throw new UsageError(`glowmq sub: bad value for ${flag}: ${JSON.stringify(filter)} (allowed: a topic filter; ${error})`);
  }
}

function subOptions(parsed: Parsed, streams: CliIo): SubOptions {
  const target = brokerTarget('sub', parsed, streams.env);
  const list = (key: string) => (parsed.values[key] as string[] | undefined) ?? [];
  const topics = list('topic').concat(target.topic !== undefined ? [target.topic] : []);
  const unsubscribe = list('unsubscribe');
  if (topics.length === 0 && unsubscribe.length === 0) throw new UsageError('glowmq sub: no topic: give -t FILTER (see glowmq sub --help)');
  checkFilters('-t', topics);
  checkFilters('-T', list('filterOut'));
  checkFilters('-U', unsubscribe);
  if (parsed.values.persistent && parsed.values.id === undefined) throw new UsageError('glowmq sub: -c needs a fixed client id (-i ID) to find the session again');
  if (parsed.values.noRetained && parsed.values.retainedOnly) throw new UsageError('glowmq sub: give -R or --retained-only, not both');
  const format = stringFlag(parsed, 'format');
  let print;
  try {
    print = messagePrinter({ verbose: !!parsed.values.verbose, noEol: !!parsed.values.noEol, format, pretty: !!parsed.values.pretty });
  } catch (err) {
    throw new UsageError(`glowmq sub: bad value for ${parsed.given.format}: ${JSON.stringify(format)} (${(err as Error).message}; allowed: %t %p %q %r %l %m %x %X %j %J %I %U %%, @-time fields, \\\\ \\0 \\a \\e \\n \\r \\t \\v)`);
  }
  return {
    target, topics, unsubscribe, filterOut: list('filterOut'), flags: parsed.values, print,
    needsTime: format !== undefined && /[%@]/.test(format),
    qos: (numberFlag('sub', parsed, 'qos', 0, 2) ?? 0) as QoS,
    count: numberFlag('sub', parsed, 'count', 1, MAX_COUNT),
    timeout: numberFlag('sub', parsed, 'timeout', 0.001, MAX_TIMEOUT_SECONDS, false),
    maxPacketSize: numberFlag('sub', parsed, 'maxPacketSize', 2, MQTT_MAX_PACKET),
  };
}

export async function runSub(argv: string[], streams: CliIo): Promise<number> {
  const parsed = parseArgs('sub', argv, SUB_FLAGS);
  if (parsed.values.help) { streams.out(SUB_HELP); return 0; }
  const options = subOptions(parsed, streams);
  const quiet = !!parsed.values.quiet;
  const warn = quiet ? undefined : streams.err;
  const insecure = insecureWarning('sub', options.target);
  if (insecure) warn?.(insecure);
  try {
    return await subscribeAndPrint(options, streams, warn);
  } catch (err) {
    // --quiet: no error line, as mosquitto_sub; the exit code still tells.
    if (quiet && err instanceof RunError) return err.exitCode;
    throw err;
  }
}

type OversizeListener = (topic: string, size: number, qos: number) => void;

/** Connects, subscribes, prints until -C, -W, -E, --retained-only, Ctrl-C or a closed stdout ends it. */
async function subscribeAndPrint(options: SubOptions, streams: CliIo, warn?: (line: string) => void): Promise<number> {
  const flags = options.flags;
  const debug = flags.debug ? streams.err : undefined;
  let finish!: (code: number) => void;
  let abort!: (err: Error) => void;
  const done = new Promise<number>((resolve, reject) => { finish = resolve; abort = reject; });
  let finished = false;
  const end = (code: number) => { if (!finished) { finished = true; finish(code); } };
  const link = new PacedLink(streams.stdout ?? stdoutOf(streams), (err) => {
    // A reader that went away (`sub | head -1`) ends us quietly, as it ends mosquitto_sub.
    if (err.code === 'EPIPE') end(0); else abort(new RunError(`glowmq sub: cannot write to stdout: ${err.code ?? err.message}`));
  });
  const session = openSession('sub', options.target, {
    extra: {
      clean: !flags.persistent, transport: link.factory(brokerTransport(options.target.url, options.target.options) as () => PausableLink),
      maxPacketSize: options.maxPacketSize ?? DEFAULT_MAX_PACKET,
      // Ending, wait this long for what is owed (--remove-retained's publishes, a SUBACK).
      endTimeout: CLOSE_WAIT_MS,
    },
    debug, warn,
  });
  const client = session.client;
  let seen = 0;
  const timer = options.timeout === undefined ? undefined : setTimeout(() => {
    warn?.(`glowmq sub: timed out after ${options.timeout} s (${seen} message${seen === 1 ? '' : 's'})`);
    end(TIMEOUT_EXIT);
  }, options.timeout * 1000);
  const removeInterrupt = streams.onInterrupt?.(() => end(0));
  // The client reports a message over --max-packet-size that it skipped (and acknowledged).
  (client.on as unknown as (event: 'oversize', listener: OversizeListener) => void)('oversize', (topic, size, qos) => {
    warn?.(`glowmq sub: skipped a message on ${topic}: ${size} bytes is over the ${options.maxPacketSize ?? DEFAULT_MAX_PACKET}-byte limit (QoS ${qos}; raise it with --max-packet-size)`);
  });
  client.on('message', (topic, payload, packet) => {
    if (finished) return;
    if (flags.removeRetained && packet.retain) client.publish(topic, EMPTY, { qos: 1, retain: true });
    if (flags.retainedOnly && !packet.retain) { link.stopAcknowledging(false); return end(0); }
    if (flags.noRetained && packet.retain) return;
    if (options.filterOut.some((filter) => topicMatches(filter, topic))) return;
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const received: Received = { topic, payload: bytes, packet, receivedAt: options.needsTime ? performance.timeOrigin + performance.now() : 0 };
    link.print((parts) => options.print(received, parts));
    if (options.count !== undefined && ++seen >= options.count) { link.stopAcknowledging(packet.qos > 0); end(0); }
  });
  session.failed.catch(abort);
  const started = connectAndSubscribe(session, options, debug).then(() => { if (flags.exitAfterSub) end(0); }, abort);
  started.catch(() => {});
  try {
    return await done;
  } finally {
    if (timer) clearTimeout(timer);
    removeInterrupt?.();
    await closeSession(session, link);
  }
}

const EMPTY = new Uint8Array(0);

async function connectAndSubscribe(session: Session, options: SubOptions, debug?: (line: string) => void): Promise<void> {
  await session.connected;
  const client = session.client;
  if (options.topics.length) {
    await new Promise<void>((resolve, reject) => {
      client.subscribe(options.topics, { qos: options.qos }, (err, granted) => {
        if (err) return reject(new RunError(`glowmq sub: ${err.message}`));
        debug?.(`glowmq sub: subscribed to ${granted.map((grant) => `${grant.topic} (QoS ${grant.qos})`).join(', ')}`);
        resolve();
      });
    });
  }
  if (options.unsubscribe.length) {
    await new Promise<void>((resolve, reject) => {
      client.unsubscribe(options.unsubscribe, (err) => err ? reject(new RunError(`glowmq sub: ${err.message}`)) : resolve());
    });
    debug?.(`glowmq sub: unsubscribed from ${options.unsubscribe.join(', ')}`);
  }
}

/** DISCONNECT (after what is owed, e.g. --remove-retained's publishes), then wait for the socket to close. */
async function closeSession(session: Session, link: PacedLink): Promise<void> {
  if (session.client.state === 'connected') await session.end();
  else session.client.end(true);
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([link.closed(), new Promise<void>((resolve) => { waited = setTimeout(resolve, CLOSE_WAIT_MS); })]);
  clearTimeout(waited);
}

/** In-process callers (tests) without a stdout stream: a minimal one over streams.write. */
function stdoutOf(streams: CliIo): NodeJS.WritableStream {
  return new Writable({ write(chunk: Buffer, _encoding, callback) { streams.write(chunk); callback(); } });
}
