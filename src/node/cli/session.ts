// What pub and sub share: connect once, turn the first failure into one clear line
// (RunError, exit 1), report later trouble on stderr while reconnecting, and end cleanly.
import type { MqttClient } from '../../core/client-options';
import { createNodeClient, type NodeClientOptions } from '../connect';
import { RunError } from './usage-error';
import type { BrokerTarget } from './broker-flags';

export interface Session {
  client: MqttClient;
  /** Resolves at the first CONNACK; rejects with a RunError when the broker is unreachable or refuses us. */
  connected: Promise<void>;
  /** Rejects (once) when the connection fails later for good. */
  failed: Promise<never>;
  end(): Promise<void>;
}

export interface SessionOptions {
  /** Client options beyond the broker flags (clean, will, transport…). */
  extra?: NodeClientOptions;
  /** -d: connection events. */
  debug?: (line: string) => void;
  /** Problems after connecting (protocol violations, a lost link): printed unless --quiet. */
  warn?: (line: string) => void;
}

// Refusals that a reconnect cannot cure: the command ends on them even after a first CONNACK.
const FOR_GOOD = /refused|not authori[sz]ed|bad user name/i;
const FATAL_BEFORE_CONNACK = /^(connection refused|protocol violation|not an MQTT broker)/;

export function openSession(cmd: string, target: BrokerTarget, options: SessionOptions = {}): Session {
  const { debug, warn } = options;
  let connectedOnce = false;
  let fail!: (err: Error) => void;
  const failed = new Promise<never>((_resolve, reject) => { fail = reject; });
  failed.catch(() => {});
  const client = createNodeClient(target.url, {
    ...target.options, ...options.extra,
    // Before the first CONNACK a failure ends the command (below): a CLI reports an unreachable
    // broker instead of retrying forever. Once connected it reconnects, as mosquitto_sub does.
    reconnectMin: 500, reconnectMax: 5000,
    logLevel: (process.env.GLOWMQ_LOG as NodeClientOptions['logLevel']) ?? 'silent',
  });
  const connected = new Promise<void>((resolve, reject) => {
    const bail = (why: string) => {
      const err = new RunError(`glowmq ${cmd}: ${why}`);
      reject(err); fail(err);
      client.end(true);
    };
    client.on('connect', (connack) => { connectedOnce = true; debug?.(`glowmq ${cmd}: connected to ${target.url} as ${client.clientId}${connack.sessionPresent ? ' (session resumed)' : ''}`); resolve(); });
    client.on('close', (reason) => { if (connectedOnce && client.state !== 'closed') debug?.(`glowmq ${cmd}: connection lost${reason ? ': ' + reason.message : ''}`); });
    // Before CONNACK a link that could not open (also an 'error', as in MQTT.js) is left to the
    // 'close' below; a refusal or a protocol violation is reported here.
    client.on('error', (err) => {
      if (connectedOnce ? FOR_GOOD.test(err.message) : FATAL_BEFORE_CONNACK.test(err.message)) bail(`${target.url}: ${err.message}`);
      // After the first CONNACK each problem once on stderr, even without -d; the client
      // reconnects as mosquitto_sub does.
      else if (connectedOnce) warn?.(`glowmq ${cmd}: ${target.url}: ${err.message} (reconnecting)`);
    });
    client.on('close', (reason) => { if (!connectedOnce) bail(reason ? reason.message : `${target.url} closed the connection`); });
  });
  connected.catch(() => {});
  return {
    client, connected, failed,
    end: () => new Promise<void>((resolve) => { if (client.state === 'closed') resolve(); else client.end(false, () => resolve()); }),
  };
}
