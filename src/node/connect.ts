// Node wiring: one call from a broker URL to a running client, like MQTT.js's mqtt.connect().
//
// createNodeClient() CONNECTS AT ONCE (call order is safe: nothing is reported before the
// caller's next tick, so handlers attached right after the call see every event). Pass
// `autoConnect: false` to call client.connect() yourself.
import { Client } from '../core/client';
import type { Callback, ClientOptions, PublishOptions } from '../core/client-options';
import type { Codec, Platform, Store, TransportFactory } from '../core/types';
import { nodeTcpTransport } from '../transport/node-tcp';
import { nodeWsTransport } from '../transport/node-ws';
import { checkTlsOptions } from '../transport/node-tls-check';
import { nodeCodec } from './node-codec';
import { refuseTextAnswers } from '../core/codec/text-answer';
import { nodePlatform, type LogLevel } from './platform';
import { parseBrokerUrl, type BrokerUrl } from './url';

/** TLS (mqtts://): trusted CA(s), client certificate and key, as PEM strings or Buffers. */
export interface NodeTlsOptions {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true. false accepts any server certificate: for tests only. */
  rejectUnauthorized?: boolean;
  /** The name the server certificate must carry, when it differs from the URL's host. */
  servername?: string;
}

export interface NodeClientOptions extends ClientOptions, NodeTlsOptions {
  /**
   * Default: glowmq's own codec (src/core/codec) with Node fast paths for PUBLISH and its acks
   * (src/node/node-codec.ts), chosen by `npm run bench`: it parses faster than mqtt-packet and
   * keeps a connected client ~23 MiB smaller. Pass mqttPacketCodec (src/node/mqtt-packet-codec.ts)
   * to use mqtt-packet; the codecs are held byte-for-byte equal.
   */
  codec?: Codec;
  /** Default: memory. A FileStore makes in-flight and queued QoS 1/2 messages survive a restart. */
  store?: Store;
  /** Default nodePlatform({ level: logLevel }). */
  platform?: Platform;
  /** Log level for the default platform. Default $GLOWMQ_LOG or 'warn'. */
  logLevel?: LogLevel;
  /** Default true: connect() is called before returning. */
  autoConnect?: boolean;
  /** Replaces the TCP/TLS/WebSocket transport (tests, proxies). */
  transport?: TransportFactory;
}

const TLS_OPTIONS = ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'];
const NODE_ONLY = ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername', 'codec', 'store', 'platform', 'logLevel', 'autoConnect', 'transport'];

/** The transport to the broker the URL names (TCP, TLS, WebSocket), with the TLS options checked first. */
export function brokerTransport(url: string | BrokerUrl, opts: NodeTlsOptions = {}): TransportFactory {
  const target = typeof url === 'string' ? parseBrokerUrl(url) : url;
  if (!target.tls && (opts.ca || opts.cert || opts.key)) {
    throw new Error(`TLS options (ca/cert/key) given for a plain ${target.ws ? 'ws:// URL: use wss://' : 'mqtt:// URL: use mqtts://'}`);
  }
  if (target.tls) checkTlsOptions(opts);
  // Only the TLS options given (undefined is not "given" for the socket's options).
  const given = Object.fromEntries(Object.entries(opts).filter(([name, value]) => TLS_OPTIONS.includes(name) && value !== undefined));
  const link = { host: target.host, port: target.port, tls: target.tls, ...given };
  return target.ws ? nodeWsTransport({ ...link, path: target.path ?? '/mqtt' }) : nodeTcpTransport(link);
}

/**
 * The core client, with a text payload made bytes by Node's native UTF-8 encoder before it is
 * queued: the core's own encoder is written for the board, code point by code point.
 */
class NodeClient extends Client {
  override publish(topic: string, payload: string | Uint8Array, options?: PublishOptions, callback?: Callback): void {
    super.publish(topic, typeof payload == 'string' ? Buffer.from(payload) : payload, options, callback);
  }
}

/** QoS 0 payload that may wait for a busy link on Node (the core's default, 1 MiB, is for a
 *  board's full profile): a hundred 64 KiB messages in flight, as a fast publisher has, fit. */
const NODE_SEND_QUEUE_BYTES = 16 * 1024 * 1024;

export function createNodeClient(url: string, opts: NodeClientOptions = {}): Client {
  const target = parseBrokerUrl(url);
  const coreOptions: { [name: string]: unknown } = {};
  for (const name of Object.keys(opts)) if (!NODE_ONLY.includes(name)) coreOptions[name] = (opts as { [name: string]: unknown })[name];
  const options = coreOptions as ClientOptions;
  // Credentials given as options win over the URL's.
  if (options.username === undefined && target.username !== undefined) options.username = target.username;
  if (options.password === undefined && target.password !== undefined) options.password = target.password;
  if (options.sendQueueBytes === undefined) options.sendQueueBytes = NODE_SEND_QUEUE_BYTES;
  const transport = opts.transport ?? brokerTransport(target, opts);
  const client = new NodeClient(options, {
    platform: opts.platform ?? nodePlatform(opts.logLevel === undefined ? {} : { level: opts.logLevel }),
    transport,
    // A server of another protocol on that port is named as such ("not an MQTT broker").
    codec: refuseTextAnswers(opts.codec ?? nodeCodec),
    ...(opts.store ? { store: opts.store } : {}),
  });
  if (opts.autoConnect !== false) client.connect();
  return client;
}
