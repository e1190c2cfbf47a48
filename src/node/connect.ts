// Node wiring: one call from a broker URL to a running client, like MQTT.js's mqtt.connect().
//
// createNodeClient() CONNECTS AT ONCE (call order is safe: nothing is reported before the
// caller's next tick, so handlers attached right after the call see every event). Pass
// `autoConnect: false` to call client.connect() yourself.
import { Client } from '../core/client';
import type { ClientOptions } from '../core/client-options';
import type { Codec, Platform, Store, TransportFactory } from '../core/types';
import { nodeTcpTransport } from '../transport/node-tcp';
import { nodeWsTransport } from '../transport/node-ws';
import { checkTlsOptions } from '../transport/node-tls-check';
import { boardCodec } from '../core/codec/index';
import { nodePlatform, type LogLevel } from './platform';
import { parseBrokerUrl } from './url';

export interface NodeClientOptions extends ClientOptions {
  /** TLS (mqtts://): trusted CA(s), client certificate and key, as PEM strings or Buffers. */
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true. false accepts any server certificate: for tests only. */
  rejectUnauthorized?: boolean;
  /** The name the server certificate must carry, when it differs from the URL's host. */
  servername?: string;
  /**
   * Default: glowmq's own codec (src/core/codec), chosen by `npm run bench`: it parses faster than
   * mqtt-packet and keeps a connected client ~23 MiB smaller. Pass mqttPacketCodec
   * (src/node/mqtt-packet-codec.ts) to use mqtt-packet; the two are held byte-for-byte equal.
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

const NODE_ONLY = ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername', 'codec', 'store', 'platform', 'logLevel', 'autoConnect', 'transport'];

export function createNodeClient(url: string, opts: NodeClientOptions = {}): Client {
  const u = parseBrokerUrl(url);
  const o: { [k: string]: unknown } = {};
  for (const k of Object.keys(opts)) if (!NODE_ONLY.includes(k)) o[k] = (opts as { [k: string]: unknown })[k];
  const options = o as ClientOptions;
  // Credentials given as options win over the URL's.
  if (options.username === undefined && u.username !== undefined) options.username = u.username;
  if (options.password === undefined && u.password !== undefined) options.password = u.password;
  if (!u.tls && (opts.ca || opts.cert || opts.key)) throw new Error(`TLS options (ca/cert/key) given for a plain ${u.ws ? 'ws:// URL: use wss://' : 'mqtt:// URL: use mqtts://'}`);
  if (u.tls) checkTlsOptions(opts);
  const link = {
    host: u.host, port: u.port, tls: u.tls, ca: opts.ca, cert: opts.cert, key: opts.key,
    rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername,
  };
  const transport = opts.transport ?? (u.ws ? nodeWsTransport({ ...link, path: u.path }) : nodeTcpTransport(link));
  const client = new Client(options, {
    platform: opts.platform ?? nodePlatform({ level: opts.logLevel }),
    transport,
    codec: opts.codec ?? boardCodec,
    store: opts.store,
  });
  if (opts.autoConnect !== false) client.connect();
  return client;
}
