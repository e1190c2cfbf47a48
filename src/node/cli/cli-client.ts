// The client every glowmq command uses: the core Client over Node TCP/TLS with glowmq's own
// codec (src/core/codec, held byte-for-byte equal to mqtt-packet by the codec tests).
// Like createNodeClient (src/node/connect.ts) but without mqtt-packet, which with its
// stream dependencies is two thirds of the one-file build and of its start-up time.
import { Client } from '../../core/client';
import { boardCodec } from '../../core/codec/index';
import type { ClientOptions } from '../../core/client-options';
import type { Platform, Store } from '../../core/types';
import { nodeTcpTransport } from '../../transport/node-tcp';
import { nodePlatform, type LogLevel } from '../platform';
import { parseBrokerUrl } from '../url';

export interface CliClientOptions extends ClientOptions {
  ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean;
  store?: Store;
  platform?: Platform;
  logLevel?: LogLevel;
}

/** Parses the URL (its credentials fill username/password unless given) and connects at once. */
export function cliClient(url: string, o: CliClientOptions): Client {
  const u = parseBrokerUrl(url);
  const { ca, cert, key, rejectUnauthorized, store, platform, logLevel, ...options } = o;
  if (options.username === undefined) options.username = u.username;
  if (options.password === undefined) options.password = u.password;
  if ((cert === undefined) !== (key === undefined)) throw new Error('TLS: give both a client certificate and its key, or neither');
  const client = new Client(options, {
    platform: platform ?? nodePlatform({ level: logLevel }),
    transport: nodeTcpTransport({ host: u.host, port: u.port, tls: u.tls, ca, cert, key, rejectUnauthorized }),
    codec: boardCodec,
    store,
  });
  client.connect();
  return client;
}
