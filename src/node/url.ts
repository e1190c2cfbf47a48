// Broker URLs for Node callers: mqtt://user:pass@host:port, mqtts://…, ws://…/path and wss://….
// The parsing is the portable parser's (src/core/broker-url.ts), shared with the board and the
// browser; this file gives it the option names Node callers use (MQTT.js's).
import { parseBrokerAddress, redactUrl } from '../core/broker-url';

export { redactUrl };

export interface BrokerUrl {
  tls: boolean;
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Set for ws:// and wss://: MQTT over a WebSocket to `path` (default /mqtt). */
  ws?: true;
  path?: string;
}

export function parseBrokerUrl(url: string): BrokerUrl {
  const parsed = parseBrokerAddress(url);
  const out: BrokerUrl = { tls: parsed.ssl, host: parsed.host, port: parsed.port };
  if (parsed.user !== undefined) out.username = parsed.user;
  if (parsed.pass !== undefined) out.password = parsed.pass;
  if (parsed.ws) { out.ws = true; out.path = parsed.path; }
  return out;
}

/** The URL a client connects to, rebuilt without credentials (safe to print). */
export function brokerUrlString(broker: BrokerUrl): string {
  const scheme = broker.ws ? (broker.tls ? 'wss' : 'ws') : broker.tls ? 'mqtts' : 'mqtt';
  const host = broker.host.indexOf(':') >= 0 ? `[${broker.host}]` : broker.host;
  return `${scheme}://${host}:${broker.port}${broker.ws ? broker.path : ''}`;
}
