// The connection flags pub and sub share, mosquitto_pub/_sub style, and how they become a
// broker URL plus client options. Credentials never go into the URL we pass on or print:
// they travel as options, so no log line or error can carry them.
import { readFileSync } from 'node:fs';
import type { Flag, Parsed } from './args';
import { numberFlag, stringFlag } from './args';
import { UsageError } from './usage-error';
import { parseBrokerUrl, redactUrl, brokerUrlString } from '../url';
import { percentDecode } from '../../core/broker-url';
import type { QoS } from '../../core/types';
import { topicNameError } from '../../core/topic';

/** MQTT 3.1.1 §1.5.3: a UTF-8 string field holds at most 65,535 bytes. */
export const MAX_FIELD_BYTES = 65535;

/** The credential flags, one definition for every command that logs in (pub, sub, device). */
export const CREDENTIAL_FLAGS: Flag[] = [
  { names: ['-u', '--username'], key: 'username', arg: 'USER', help: 'user name (also $MQTT_USERNAME)' },
  { names: ['-P', '--pw', '--password'], key: 'password', arg: 'PASSWORD', help: 'password (prefer $MQTT_PASSWORD or --password-file: a flag is visible to ps)' },
  { names: ['--password-file'], key: 'passwordFile', arg: 'FILE', help: 'read the password from the first line of FILE' },
];

export const BROKER_FLAGS: Flag[] = [
  { names: ['-h', '--host'], key: 'host', arg: 'HOST', help: 'broker host (default 127.0.0.1, or from $MQTT_URL)' },
  { names: ['-p', '--port'], key: 'port', arg: 'PORT', help: 'broker port (default 1883; 8883 with mqtts)' },
  { names: ['-L', '--url'], key: 'url', arg: 'URL', help: 'mqtt[s]://[user[:password]@]host[:port][/topic] or ws[s]://…[/path] instead of -h/-p (also $MQTT_URL)' },
  ...CREDENTIAL_FLAGS,
  { names: ['-i', '--id'], key: 'id', arg: 'ID', help: 'client id (default: generated, glowmq_XXXXXXXX)' },
  { names: ['-k', '--keepalive'], key: 'keepalive', arg: 'SECONDS', help: 'keepalive interval (default 60; 0 disables)' },
  { names: ['-V', '--protocol-version'], key: 'protocol', arg: 'VERSION', help: 'MQTT version: only mqttv311 (3.1.1) is spoken' },
  { names: ['--will-topic'], key: 'willTopic', arg: 'TOPIC', help: 'the broker publishes the will on TOPIC if we vanish' },
  { names: ['--will-payload'], key: 'willPayload', arg: 'TEXT', help: 'the will message (default empty)' },
  { names: ['--will-qos'], key: 'willQos', arg: 'QOS', help: 'the will\'s QoS 0, 1 or 2 (default 0)' },
  { names: ['--will-retain'], key: 'willRetain', type: 'bool', help: 'the broker retains the will' },
  { names: ['--cafile'], key: 'cafile', arg: 'FILE', help: 'CA certificate(s) for mqtts (PEM)' },
  { names: ['--cert'], key: 'cert', arg: 'FILE', help: 'client certificate for mqtts (PEM)' },
  { names: ['--key'], key: 'key', arg: 'FILE', help: 'client private key for mqtts (PEM)' },
  { names: ['--insecure'], key: 'insecure', type: 'bool', help: 'mqtts: do not verify the server certificate (a warning is printed)' },
  { names: ['--quiet'], key: 'quiet', type: 'bool', help: 'print no error messages (the exit code still tells)' },
];

export interface BrokerTarget {
  /** Without credentials, safe to print. */
  url: string;
  /** Topic from a -L URL's path, if any. */
  topic?: string;
  options: {
    clientId?: string; username?: string; password?: string; keepalive?: number;
    ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean;
    will?: { topic: string; payload: string; qos: QoS; retain: boolean };
  };
}

/** A file named by a flag (a PEM certificate or key…), or a UsageError naming the flag and file, never the content. */
export function readPem(cmd: string, flag: string, file: string): Buffer {
  try { return readFileSync(file); } catch (err) {
    throw new UsageError(`glowmq ${cmd}: cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The password from the first line of a file. */
export function readPasswordFile(cmd: string, flag: string, file: string): string {
  return readPem(cmd, flag, file).toString('utf8').split(/\r?\n/)[0];
}

/** Splits "mqtt://u:p@host:1883/some/topic" into the broker URL and the topic. */
export function splitUrlTopic(url: string): { url: string; topic?: string } {
  const schemeEnd = url.indexOf('://');
  // A WebSocket URL's path is the HTTP path (default /mqtt), not a topic.
  if (schemeEnd < 0 || /^wss?:/i.test(url)) return { url };
  const atSign = url.lastIndexOf('@');
  const slash = url.indexOf('/', Math.max(schemeEnd + 3, atSign + 1));
  if (slash < 0 || slash === url.length - 1) return { url: slash < 0 ? url : url.slice(0, slash) };
  const fail = (why: string) => new Error(`invalid broker URL "${redactUrl(url)}": ${why}`);
  return { url: url.slice(0, slash), topic: percentDecode(url.slice(slash + 1), 'the topic', fail) };
}

/** Refuses a client id, user name or password longer than MQTT can carry, at parse time. */
function checkFieldBytes(cmd: string, flag: string, value: string | undefined, secret: boolean): void {
  if (value === undefined) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes <= MAX_FIELD_BYTES) return;
  const shown = secret ? 'the password' : `${JSON.stringify(value.slice(0, 20))}…`;
  throw new UsageError(`glowmq ${cmd}: bad value for ${flag}: ${shown} is ${bytes} UTF-8 bytes (allowed: at most ${MAX_FIELD_BYTES})`);
}

function willOption(cmd: string, parsed: Parsed): BrokerTarget['options']['will'] {
  const topic = stringFlag(parsed, 'willTopic');
  const given = ['willPayload', 'willQos', 'willRetain'].filter((key) => parsed.values[key] !== undefined);
  if (topic === undefined) {
    if (given.length) throw new UsageError(`glowmq ${cmd}: ${parsed.given[given[0]]} needs --will-topic`);
    return undefined;
  }
  const error = topicNameError(topic);
  if (error) throw new UsageError(`glowmq ${cmd}: bad value for --will-topic: ${JSON.stringify(topic)} (allowed: a topic name; ${error})`);
  return { topic, payload: stringFlag(parsed, 'willPayload') ?? '', qos: (numberFlag(cmd, parsed, 'willQos', 0, 2) ?? 0) as QoS, retain: !!parsed.values.willRetain };
}

const PROTOCOL_NAMES = ['mqttv311', 'v311', '311'];

function urlParts(cmd: string, parsed: Parsed, rawUrl: string, fromFlag: boolean) {
  const flag = fromFlag ? parsed.given.url : 'MQTT_URL';
  try {
    const split = splitUrlTopic(rawUrl);
    return { broker: parseBrokerUrl(split.url), topic: split.topic };
  } catch (err) {
    throw new UsageError(`glowmq ${cmd}: bad value for ${flag}: ${(err as Error).message}`);
  }
}

export function brokerTarget(cmd: string, parsed: Parsed, env: NodeJS.ProcessEnv): BrokerTarget {
  const host = stringFlag(parsed, 'host'), url = stringFlag(parsed, 'url');
  const protocol = stringFlag(parsed, 'protocol');
  if (protocol !== undefined && !PROTOCOL_NAMES.includes(protocol)) {
    throw new UsageError(`glowmq ${cmd}: bad value for ${parsed.given.protocol}: ${JSON.stringify(protocol)} (allowed: mqttv311; glowmq speaks MQTT 3.1.1 only)`);
  }
  const rawUrl = url ?? (host === undefined && parsed.values.port === undefined ? env.MQTT_URL : undefined);
  let tls = false, wsPath: string | undefined, hostName = host ?? '127.0.0.1', port = numberFlag(cmd, parsed, 'port', 1, 65535);
  let username = stringFlag(parsed, 'username'), password = stringFlag(parsed, 'password'), topic: string | undefined;
  if (rawUrl !== undefined) {
    if (host !== undefined && url !== undefined) throw new UsageError(`glowmq ${cmd}: give either -L or -h/-p, not both`);
    const parts = urlParts(cmd, parsed, rawUrl, url !== undefined);
    tls = parts.broker.tls; hostName = parts.broker.host; port = port ?? parts.broker.port; topic = parts.topic;
    wsPath = parts.broker.ws ? parts.broker.path : undefined;
    username = username ?? parts.broker.username; password = password ?? parts.broker.password;
  }
  const passwordFile = stringFlag(parsed, 'passwordFile');
  if (passwordFile !== undefined) password = readPasswordFile(cmd, '--password-file', passwordFile);
  username = username ?? env.MQTT_USERNAME;
  password = password ?? env.MQTT_PASSWORD;
  if (password !== undefined && username === undefined) throw new UsageError(`glowmq ${cmd}: a password was given without a user name (-u)`);
  checkFieldBytes(cmd, parsed.given.id ?? '-i', stringFlag(parsed, 'id'), false);
  checkFieldBytes(cmd, parsed.given.username ?? '-u', username, false);
  checkFieldBytes(cmd, parsed.given.password ?? '-P', password, true);
  const options: BrokerTarget['options'] = {
    clientId: stringFlag(parsed, 'id'), username, password, keepalive: numberFlag(cmd, parsed, 'keepalive', 0, 65535), will: willOption(cmd, parsed),
  };
  const pemFlags: [keyof BrokerTarget['options'] & ('ca' | 'cert' | 'key'), string][] = [['ca', 'cafile'], ['cert', 'cert'], ['key', 'key']];
  for (const [option, key] of pemFlags) {
    const file = stringFlag(parsed, key);
    if (file !== undefined) options[option] = readPem(cmd, `--${key}`, file);
  }
  if (parsed.values.insecure) options.rejectUnauthorized = false;
  if (options.ca || options.cert) tls = true; // as mosquitto: a CA or certificate means TLS
  for (const key of Object.keys(options) as (keyof typeof options)[]) if (options[key] === undefined) delete options[key];
  const webSocket = wsPath !== undefined ? true : undefined;
  const defaultPort = webSocket ? (tls ? 443 : 80) : tls ? 8883 : 1883;
  return { url: brokerUrlString({ tls, host: hostName, port: port ?? defaultPort, ws: webSocket, path: wsPath }), topic, options };
}

/** The socket options for a target (for callers that build their own transport). */

/** The warning --insecure earns, on stderr even without -d (unless --quiet). */
export function insecureWarning(cmd: string, target: BrokerTarget): string | undefined {
  if (target.options.rejectUnauthorized !== false) return undefined;
  return target.url.startsWith('mqtts:')
    ? `glowmq ${cmd}: warning: --insecure: the broker's certificate is not checked; anyone on the path can read and change this session`
    : `glowmq ${cmd}: warning: --insecure has no effect without TLS (mqtts://, --cafile or --cert)`;
}
