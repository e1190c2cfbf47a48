// MQTT.js's connect options, translated to glowmq's: the names MQTT.js users already write,
// glowmq's own under names that say what they are, MQTT.js options glowmq does not have
// warned about once, and anything else (a typo) refused with the nearest known name.
import type { ClientOptions } from '../core/client-options';
import type { Codec, Platform, QoS, Store, TransportFactory } from '../core/types';
import type { LogLevel } from './platform';

export type Pem = string | Buffer;

/** The will, as MQTT.js takes it. */
export interface WillOptions {
  topic: string;
  payload: string | Buffer | Uint8Array;
  qos?: QoS | undefined;
  retain?: boolean | undefined;
}

/** Options of connect(): MQTT.js's names, then glowmq's own. An option set to undefined is not given. */
export interface IClientOptions {
  // — as MQTT.js —
  /** Generated ("glowmq_" + 8 hex digits) when empty. */
  clientId?: string | undefined;
  username?: string | undefined;
  password?: string | Buffer | undefined;
  /** Seconds between PINGREQs when idle; 0 disables. Default 60. */
  keepalive?: number | undefined;
  /** Default true. false asks the broker to keep the session (subscriptions, queued QoS 1/2). */
  clean?: boolean | undefined;
  will?: WillOptions | undefined;
  /** ms before the first reconnect attempt; 0 turns reconnecting off. Default 1000. Later attempts back off (reconnectPeriodMax). */
  reconnectPeriod?: number | undefined;
  /** ms from opening the socket to CONNACK. Default 30000. */
  connectTimeout?: number | undefined;
  /** Queue QoS 0 publishes while offline (in the bounded offline queue). Default true, as MQTT.js. */
  queueQoSZero?: boolean | undefined;
  /** true: connect() returns a client that waits for client.connect(). Default false. */
  manualConnect?: boolean | undefined;
  /** Only 4 (MQTT 3.1.1). */
  protocolVersion?: 4 | undefined;
  protocolId?: 'MQTT' | undefined;
  /** Used when connect() is given options without a URL. */
  protocol?: 'mqtt' | 'mqtts' | 'tcp' | 'ssl' | 'tls' | undefined;
  host?: string | undefined;
  hostname?: string | undefined;
  port?: number | undefined;
  /** TLS (mqtts://): trusted CA(s), client certificate and key, as PEM contents. */
  ca?: Pem | Pem[] | undefined;
  cert?: Pem | undefined;
  key?: Pem | undefined;
  /** Default true. false accepts any server certificate: for tests only. */
  rejectUnauthorized?: boolean | undefined;
  /** The name the server certificate must carry, when it differs from the host. */
  servername?: string | undefined;

  // — glowmq's own —
  /** Upper bound of the reconnect backoff (doubles from reconnectPeriod, with jitter). Default 30000 ms. */
  reconnectPeriodMax?: number | undefined;
  /** Bounds of the offline queue: a full queue fails the publish with an error, never drops silently. Defaults 100 messages, 65536 payload bytes. */
  offlineQueueMax?: number | undefined;
  offlineQueueBytes?: number | undefined;
  /** QoS 0 payload bytes that may wait for a slow or stalled link while connected; over it a QoS 0 publish fails (QoS 1/2 wait in the session). Default 1 MiB. */
  sendQueueBytes?: number | undefined;
  /** Where in-flight QoS 1/2 and queued messages live. Default memory; a FileStore survives a restart. */
  store?: Store | undefined;
  /** Largest packet accepted from the broker (remaining length, bytes). Default 1 MiB. */
  maxPacketSize?: number | undefined;
  /** ms a graceful end() waits for in-flight QoS 1/2 before DISCONNECT. Default 5000. */
  endTimeout?: number | undefined;
  /** glowmq's log level on stderr. Default $GLOWMQ_LOG, else 'warn'. */
  logLevel?: LogLevel | undefined;
  /** Replaces the packet codec (default: glowmq's own). */
  codec?: Codec | undefined;
  /** Replaces clock, timers and log sink (tests). */
  platform?: Platform | undefined;
  /** Replaces the TCP/TLS transport (tests, proxies). */
  transport?: TransportFactory | undefined;
}

/** What the Node client is built from: the core's options plus the Node wiring. */
export interface TranslatedOptions {
  core: ClientOptions;
  tls: { ca?: Pem | Pem[]; cert?: Pem; key?: Pem; rejectUnauthorized?: boolean; servername?: string };
  manualConnect: boolean;
  url?: { protocol?: string; host?: string; port?: number };
  logLevel?: LogLevel;
  codec?: Codec;
  platform?: Platform;
  transport?: TransportFactory;
  store?: Store;
}

type Setter = (value: unknown, out: TranslatedOptions) => void;

const MS_DEFAULT_RECONNECT = 1000;

function check(valid: boolean, name: string, value: unknown, allowed: string): void {
  // A password is never printed, not even a wrong one: only its type.
  const shown = name === 'password' ? `a ${typeof value}` : JSON.stringify(value);
  if (!valid) throw new TypeError(`glowmq: option ${name} is ${shown}; allowed: ${allowed}`);
}
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** A core option copied as it is, after a type check. */
function coreCopy(name: string, test: (value: unknown) => boolean, allowed: string, field: keyof ClientOptions): Setter {
  return (value, out) => {
    check(test(value), name, value, allowed);
    (out.core as { [name: string]: unknown })[field] = value;
  };
}
const count = (name: string, field: keyof ClientOptions): Setter => coreCopy(name, isCount, 'a number >= 0', field);
const flag = (name: keyof ClientOptions): Setter => coreCopy(name, (value) => typeof value === 'boolean', 'true or false', name);
const text = (name: string): Setter => (value, out) => {
  check(typeof value === 'string', name, value, 'a string');
  (out.core as { [name: string]: unknown })[name] = value;
};
const tls = (name: 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'): Setter => (value, out) => { (out.tls as { [name: string]: unknown })[name] = value; };
const node = (name: 'codec' | 'platform' | 'transport' | 'store' | 'logLevel'): Setter => (value, out) => { (out as unknown as { [name: string]: unknown })[name] = value; };
const where = (name: 'protocol' | 'host' | 'port'): Setter => (value, out) => { out.url = { ...out.url, [name]: value }; };

const KNOWN: { [name: string]: Setter } = {
  clientId: text('clientId'),
  username: text('username'),
  password: coreCopy('password', (value) => typeof value === 'string' || value instanceof Uint8Array, 'a string or a Buffer', 'password'),
  keepalive: count('keepalive', 'keepalive'),
  clean: flag('clean'),
  will: (value, out) => {
    const will = value as WillOptions;
    check(!!will && typeof will.topic === 'string' && will.payload !== undefined, 'will', value, '{ topic, payload, qos?, retain? }');
    out.core.will = { topic: will.topic, payload: will.payload, qos: will.qos ?? 0, retain: !!will.retain };
  },
  reconnectPeriod: (value, out) => {
    check(isCount(value), 'reconnectPeriod', value, 'a number of ms >= 0 (0 turns reconnecting off)');
    if (value === 0) out.core.reconnect = false;
    else out.core.reconnectMin = value as number;
  },
  connectTimeout: count('connectTimeout', 'connectTimeout'),
  queueQoSZero: (value, out) => { check(typeof value === 'boolean', 'queueQoSZero', value, 'true or false'); out.core.queueQoS0 = value as boolean; },
  manualConnect: (value, out) => { out.manualConnect = value === true; },
  protocolVersion: (value) => check(value === 4, 'protocolVersion', value, '4 (glowmq speaks MQTT 3.1.1 only)'),
  protocolId: (value) => check(value === 'MQTT', 'protocolId', value, '"MQTT"'),
  protocol: where('protocol'),
  host: where('host'),
  hostname: where('host'),
  port: where('port'),
  ca: tls('ca'), cert: tls('cert'), key: tls('key'), rejectUnauthorized: tls('rejectUnauthorized'), servername: tls('servername'),
  reconnectPeriodMax: count('reconnectPeriodMax', 'reconnectMax'),
  offlineQueueMax: count('offlineQueueMax', 'queueMax'),
  offlineQueueBytes: count('offlineQueueBytes', 'queueBytes'),
  sendQueueBytes: count('sendQueueBytes', 'sendQueueBytes'),
  maxPacketSize: count('maxPacketSize', 'maxPacketSize'),
  endTimeout: count('endTimeout', 'endTimeout'),
  store: node('store'), logLevel: node('logLevel'), codec: node('codec'), platform: node('platform'), transport: node('transport'),
};

/** MQTT.js options glowmq has no equivalent for: accepted, warned about once per process. */
const UNSUPPORTED: { [name: string]: string } = {
  resubscribe: 'glowmq always restores its subscriptions when the broker lost the session',
  incomingStore: 'use the store option (one store for in-flight and queued messages)',
  outgoingStore: 'use the store option (one store for in-flight and queued messages)',
  properties: 'MQTT 5 properties do not exist in MQTT 3.1.1',
  customHandleAcks: 'glowmq acknowledges every accepted message itself',
  autoUseTopicAlias: 'MQTT 5 only', autoAssignTopicAlias: 'MQTT 5 only', authPacket: 'MQTT 5 only',
  reschedulePings: 'glowmq sends PINGREQ only when the link is idle anyway',
  messageIdProvider: 'glowmq allocates packet ids itself', timerVariant: 'glowmq uses Node timers',
  servers: 'give one broker URL', log: 'use logLevel (or GLOWMQ_LOG)', objectMode: 'not applicable',
  wsOptions: 'WebSockets are not supported by this entry', transformWsUrl: 'WebSockets are not supported by this entry',
  browserBufferSize: 'not applicable', forceNativeWebSocket: 'not applicable', createWebsocket: 'not applicable',
  unixSocket: 'TCP and TLS only', path: 'TCP and TLS only', query: 'TCP and TLS only', bridgeMode: 'not supported',
  reconnectOnConnackError: 'a refused CONNACK is retried only while reconnecting is on', writeCache: 'not applicable',
  encoding: 'payloads are Buffers', auth: 'give username and password',
  pfx: 'give cert and key as PEM', passphrase: 'give an unencrypted key', ciphers: 'Node defaults apply',
  secureProtocol: 'Node defaults apply', checkServerIdentity: 'use servername', ALPNProtocols: 'not supported',
};
const warned = new Set<string>();

function nearest(name: string): string | undefined {
  let best: string | undefined, bestCost = 3;
  for (const known of Object.keys(KNOWN).concat(Object.keys(UNSUPPORTED))) {
    const cost = editDistance(name.toLowerCase(), known.toLowerCase());
    if (cost < bestCost) { best = known; bestCost = cost; }
  }
  return best;
}

function editDistance(source: string, target: string): number {
  let row = Array.from({ length: target.length + 1 }, (_unused, i) => i);
  for (let i = 1; i <= source.length; i++) {
    const next = [i];
    for (let j = 1; j <= target.length; j++) {
      const replace = (row[j - 1] ?? 0) + (source[i - 1] === target[j - 1] ? 0 : 1);
      next.push(Math.min(replace, (row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1));
    }
    row = next;
  }
  return row[target.length] ?? 0;
}

/** Throws a TypeError on an unknown option or a bad value; warns once per unsupported MQTT.js option. */
export function translateOptions(opts: IClientOptions | undefined): TranslatedOptions {
  const out: TranslatedOptions = { core: { reconnectMin: MS_DEFAULT_RECONNECT, queueQoS0: true }, tls: {}, manualConnect: false };
  for (const [name, value] of Object.entries(opts ?? {})) {
    if (value === undefined) continue;
    const set = Object.prototype.hasOwnProperty.call(KNOWN, name) ? KNOWN[name] : undefined;
    if (set) { set(value, out); continue; }
    const why = Object.prototype.hasOwnProperty.call(UNSUPPORTED, name) ? UNSUPPORTED[name] : undefined;
    if (why === undefined) {
      const hint = nearest(name);
      throw new TypeError(`glowmq: unknown option "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
    if (!warned.has(name)) {
      warned.add(name);
      process.emitWarning(`MQTT.js option "${name}" is not supported by glowmq and is ignored: ${why}`, 'GlowmqWarning');
    }
  }
  return out;
}
