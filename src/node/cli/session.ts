// What pub and sub share: connect once, turn the first failure into one clear line
// (RunError, exit 1), and end cleanly.
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

export function openSession(cmd: string, target: BrokerTarget, extra: NodeClientOptions = {}, debug?: (s: string) => void): Session {
  let up = false;
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => {});
  const client = createNodeClient(target.url, {
    ...target.options, ...extra,
    // Before the first CONNACK a failure ends the command (below): a CLI reports an unreachable
    // broker instead of retrying forever. Once connected it reconnects, as mosquitto_sub does.
    reconnectMin: 500, reconnectMax: 5000,
    logLevel: (process.env.GLOWMQ_LOG as NodeClientOptions['logLevel']) ?? 'silent',
  });
  const connected = new Promise<void>((resolve, reject) => {
    const bail = (why: string) => {
      const e = new RunError(`glowmq ${cmd}: ${why}`);
      reject(e); fail(e);
      client.end(true);
    };
    client.on('connect', (c) => { up = true; debug?.(`glowmq ${cmd}: connected to ${target.url} as ${client.clientId}${c.sessionPresent ? ' (session resumed)' : ''}`); resolve(); });
    client.on('close', (reason) => { if (up && client.state !== 'closed') debug?.(`glowmq ${cmd}: connection lost${reason ? ': ' + reason.message : ''}`); });
    // Before CONNACK a link that could not open (also an 'error' now, as in MQTT.js) is left to
    // the 'close' below; a refusal or a protocol violation is reported here.
    const fatal = (message: string) => (up ? /refused|not authori[sz]ed|bad user name/i : /^(connection refused|protocol violation)/).test(message);
    client.on('error', (err) => { if (fatal(err.message)) bail(`${target.url}: ${err.message}`); });
    client.on('close', (reason) => { if (!up) bail(reason ? reason.message : `${target.url} closed the connection`); });
  });
  connected.catch(() => {});
  return {
    client, connected, failed,
    end: () => new Promise<void>((resolve) => { if (client.state === 'closed') resolve(); else client.end(false, () => resolve()); }),
  };
}
