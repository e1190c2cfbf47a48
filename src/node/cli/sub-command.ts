// glowmq sub: subscribe like mosquitto_sub and print each message (payload, or
// "topic payload" with -v); -C N exits 0 after N messages, -W S gives up after S seconds.
import type { QoS } from '../../core/types';
import { topicFilterError } from '../../core/topic';
import { parseArgs, helpText, numberFlag, type Flag } from './args';
import { BROKER_FLAGS, brokerTarget } from './broker-flags';
import { openSession } from './session';
import { UsageError, RunError } from './usage-error';
import type { CliIo } from './io';

export const SUB_FLAGS: Flag[] = [
  { names: ['-t', '--topic'], key: 'topic', type: 'list', arg: 'FILTER', help: 'topic filter to subscribe to (repeatable; + and # allowed)' },
  { names: ['-q', '--qos'], key: 'qos', arg: 'QOS', help: 'maximum quality of service 0, 1 or 2 (default 0)' },
  { names: ['-v', '--verbose'], key: 'verbose', type: 'bool', help: 'print "topic payload" instead of the payload alone' },
  { names: ['-C', '--count'], key: 'count', arg: 'N', help: 'exit after N messages' },
  { names: ['-W', '--timeout'], key: 'timeout', arg: 'SECONDS', help: 'give up after SECONDS in total (exit code 27, as mosquitto_sub)' },
  { names: ['-R', '--no-retained'], key: 'noRetained', type: 'bool', help: 'skip messages the broker replays as retained' },
  { names: ['-d', '--debug'], key: 'debug', type: 'bool', help: 'report connection and subscription events on stderr' },
  { names: ['-c', '--persistent'], key: 'persistent', type: 'bool', help: 'keep the session on the broker (clean session off; give -i)' },
  ...BROKER_FLAGS,
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const SUB_HELP = helpText('glowmq sub -t FILTER [-t FILTER…] [-v] [-C N] [options]',
  'Subscribes to an MQTT broker, like mosquitto_sub, and prints every message on its own\nline (the payload as UTF-8 text).', SUB_FLAGS,
  'Examples:\n  glowmq sub -t lightChange -v -u admin -P …\n  glowmq sub -L mqtt://admin@127.0.0.1/glowmq/+/sensors/# -C 5   (password from $MQTT_PASSWORD)');

export async function runSub(argv: string[], io: CliIo): Promise<number> {
  const p = parseArgs('sub', argv, SUB_FLAGS);
  if (p.values.help) { io.out(SUB_HELP); return 0; }
  const target = brokerTarget('sub', p, io.env);
  const topics = ((p.values.topic as string[] | undefined) ?? []).concat(target.topic !== undefined ? [target.topic] : []);
  if (topics.length === 0) throw new UsageError('glowmq sub: no topic: give -t FILTER (see glowmq sub --help)');
  for (const t of topics) {
    const e = topicFilterError(t);
    if (e) throw new UsageError(`glowmq sub: bad value for -t: ${JSON.stringify(t)} (allowed: a topic filter; ${e})`);
  }
  const qos = (numberFlag('sub', p, 'qos', 0, 2) ?? 0) as QoS;
  const count = numberFlag('sub', p, 'count', 1, 1e9);
  const timeout = numberFlag('sub', p, 'timeout', 0.001, 2147483, false);
  if (p.values.persistent && p.values.id === undefined) throw new UsageError('glowmq sub: -c needs a fixed client id (-i ID) to find the session again');

  const debug = p.values.debug ? io.err : undefined;
  const s = openSession('sub', target, { clean: !p.values.persistent }, debug);
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<number>((resolve, reject) => {
    s.failed.catch(reject);
    if (timeout !== undefined) timer = setTimeout(() => { io.err(`glowmq sub: timed out after ${timeout} s (${seen} message${seen === 1 ? '' : 's'})`); resolve(27); }, timeout * 1000);
    s.client.on('message', (topic, payload, packet) => {
      if (count !== undefined && seen >= count) return;
      if (p.values.noRetained && packet.retain) return;
      seen++;
      io.write(p.values.verbose ? Buffer.concat([Buffer.from(topic + ' ', 'utf8'), payload, Buffer.from('\n')]) : Buffer.concat([payload, Buffer.from('\n')]));
      if (count !== undefined && seen >= count) resolve(0);
    });
  });
  done.catch(() => {}); // a failure is reported through s.connected / s.failed below
  try {
    await s.connected;
    await new Promise<void>((resolve, reject) => {
      s.client.subscribe(topics, { qos }, (err, granted) => {
        if (err) return reject(new RunError(`glowmq sub: ${err.message}`));
        debug?.(`glowmq sub: subscribed to ${granted.map((g) => `${g.topic} (QoS ${g.qos})`).join(', ')}`);
        resolve();
      });
      s.failed.catch(reject);
    });
    const code = await done;
    if (timer) clearTimeout(timer);
    await s.end();
    return code;
  } catch (e) {
    if (timer) clearTimeout(timer);
    s.client.end(true);
    throw e;
  }
}
