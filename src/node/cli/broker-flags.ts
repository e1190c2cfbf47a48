// The connection flags pub and sub share, mosquitto_pub/_sub style, and how they become a
// broker URL plus client options. Credentials never go into the URL we pass on or print:
// they travel as options, so no log line or error can carry them.
import { readFileSync } from 'node:fs';
import type { Flag, Parsed } from './args';
import { numberFlag } from './args';
import { UsageError } from './usage-error';
import { parseBrokerUrl, redactUrl, brokerUrlString } from '../url';
import { percentDecode } from '../../core/broker-url';

export const BROKER_FLAGS: Flag[] = [
  { names: ['-h', '--host'], key: 'host', arg: 'HOST', help: 'broker host (default 127.0.0.1, or from $MQTT_URL)' },
  { names: ['-p', '--port'], key: 'port', arg: 'PORT', help: 'broker port (default 1883; 8883 with mqtts)' },
  { names: ['-L', '--url'], key: 'url', arg: 'URL', help: 'mqtt[s]://[user[:password]@]host[:port][/topic] or ws[s]://…[/path] instead of -h/-p (also $MQTT_URL)' },
  { names: ['-u', '--username'], key: 'username', arg: 'USER', help: 'user name (also $MQTT_USERNAME)' },
  { names: ['-P', '--pw', '--password'], key: 'password', arg: 'PASSWORD', help: 'password (prefer $MQTT_PASSWORD or --password-file: a flag is visible to ps)' },
  { names: ['--password-file'], key: 'passwordFile', arg: 'FILE', help: 'read the password from the first line of FILE' },
  { names: ['-i', '--id'], key: 'id', arg: 'ID', help: 'client id (default: generated, glowmq_XXXXXXXX)' },
  { names: ['-k', '--keepalive'], key: 'keepalive', arg: 'SECONDS', help: 'keepalive interval (default 60; 0 disables)' },
  { names: ['--cafile'], key: 'cafile', arg: 'FILE', help: 'CA certificate(s) for mqtts (PEM)' },
  { names: ['--cert'], key: 'cert', arg: 'FILE', help: 'client certificate for mqtts (PEM)' },
  { names: ['--key'], key: 'key', arg: 'FILE', help: 'client private key for mqtts (PEM)' },
  { names: ['--insecure'], key: 'insecure', type: 'bool', help: 'mqtts: do not verify the server certificate' },
];

export interface BrokerTarget {
  /** Without credentials, safe to print. */
  url: string;
  /** Topic from a -L URL's path, if any. */
  topic?: string;
  options: {
    clientId?: string; username?: string; password?: string; keepalive?: number;
    ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean;
  };
}

/** Reads the password from a file (first line), naming the file, never its content. */
export function readPasswordFile(cmd: string, flag: string, file: string): string {
  try { return readFileSync(file, 'utf8').split(/\r?\n/)[0]; } catch (e) {
    throw new UsageError(`glowmq ${cmd}: cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readPem(cmd: string, flag: string, file: string): Buffer {
  try { return readFileSync(file); } catch (e) {
    throw new UsageError(`glowmq ${cmd}: cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Splits "mqtt://u:p@host:1883/some/topic" into the broker URL and the topic. */
export function splitUrlTopic(url: string): { url: string; topic?: string } {
  const s = url.indexOf('://');
  // A WebSocket URL's path is the HTTP path (default /mqtt), not a topic.
  if (s < 0 || /^wss?:/i.test(url)) return { url };
  const at = url.lastIndexOf('@');
  const slash = url.indexOf('/', Math.max(s + 3, at + 1));
  if (slash < 0 || slash === url.length - 1) return { url: slash < 0 ? url : url.slice(0, slash) };
  const fail = (why: string) => new Error(`invalid broker URL "${redactUrl(url)}": ${why}`);
  return { url: url.slice(0, slash), topic: percentDecode(url.slice(slash + 1), 'the topic', fail) };
}

export function brokerTarget(cmd: string, p: Parsed, env: NodeJS.ProcessEnv): BrokerTarget {
  const v = p.values as { [k: string]: string | undefined };
  const rawUrl = v.url ?? (v.host === undefined && v.port === undefined ? env.MQTT_URL : undefined);
  let tls = false, wsPath: string | undefined, host = v.host ?? '127.0.0.1', port = numberFlag(cmd, p, 'port', 1, 65535);
  let username = v.username, password = v.password, topic: string | undefined;
  if (rawUrl !== undefined) {
    if (v.host !== undefined && v.url !== undefined) throw new UsageError(`glowmq ${cmd}: give either -L or -h/-p, not both`);
    let b, split;
    try { split = splitUrlTopic(rawUrl); b = parseBrokerUrl(split.url); } catch (e) {
      throw new UsageError(`glowmq ${cmd}: bad value for ${v.url !== undefined ? p.given.url : 'MQTT_URL'}: ${(e as Error).message}`);
    }
    tls = b.tls; host = b.host; wsPath = b.ws ? b.path : undefined; port = port ?? b.port; topic = split.topic;
    username = username ?? b.username; password = password ?? b.password;
  }
  if (v.passwordFile !== undefined) password = readPasswordFile(cmd, '--password-file', v.passwordFile);
  username = username ?? env.MQTT_USERNAME;
  password = password ?? env.MQTT_PASSWORD;
  if (password !== undefined && username === undefined) throw new UsageError(`glowmq ${cmd}: a password was given without a user name (-u)`);
  const options: BrokerTarget['options'] = {
    clientId: v.id, username, password, keepalive: numberFlag(cmd, p, 'keepalive', 0, 65535),
  };
  if (v.cafile !== undefined) options.ca = readPem(cmd, '--cafile', v.cafile);
  if (v.cert !== undefined) options.cert = readPem(cmd, '--cert', v.cert);
  if (v.key !== undefined) options.key = readPem(cmd, '--key', v.key);
  if (p.values.insecure) options.rejectUnauthorized = false;
  if (options.ca || options.cert) tls = true; // as mosquitto: a CA or certificate means TLS
  for (const k of Object.keys(options) as (keyof typeof options)[]) if (options[k] === undefined) delete options[k];
  const webSocket = wsPath !== undefined ? true : undefined;
  const defaultPort = webSocket ? (tls ? 443 : 80) : tls ? 8883 : 1883;
  return { url: brokerUrlString({ tls, host, port: port ?? defaultPort, ws: webSocket, path: wsPath }), topic, options };
}
