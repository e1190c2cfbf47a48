// The glowmq side of the bench worker: createNodeClient (src/node/connect.ts) with a codec.
import { createNodeClient } from '../../../src/node/connect';
import type { Codec } from '../../../src/core/types';
import type { BenchClient, Connect } from './adapter';

export function glowmqConnect(codec?: Codec): Connect {
  return (url, clientId, onConnected, onError) => {
    const c = createNodeClient(url, { clientId, reconnect: false, codec });
    let up = false;
    c.on('connect', () => { if (!up) { up = true; onConnected(wrap); } });
    c.on('error', onError);
    c.on('close', (e) => { if (!up) onError(e ?? new Error('closed before CONNACK')); });
    const wrap: BenchClient = {
      publish: (topic, payload, qos, cb) => c.publish(topic, payload, { qos }, cb),
      subscribe: (topic, qos, cb) => c.subscribe(topic, { qos }, (e) => cb(e)),
      onMessage: (fn) => c.on('message', (t, p) => fn(t, p)),
      end: (cb) => c.end(false, cb),
    };
  };
}
