// The glowmq side of the bench worker: createNodeClient (src/node/connect.ts), as a Node user
// gets it; a job may switch the TCP transport's Nagle and write coalescing (nodelay section).
import { createNodeClient } from '../../../src/node/connect';
import { nodeTcpTransport } from '../../../src/transport/node-tcp';
import type { BenchClient, Connect, Job } from './adapter';

function transportFor(url: string, job: Job | undefined) {
  if (!job || (job.noDelay === undefined && job.coalesce === undefined)) return undefined;
  const parsed = new URL(url);
  return nodeTcpTransport({ host: parsed.hostname, port: Number(parsed.port || 1883), noDelay: job.noDelay, coalesce: job.coalesce });
}

export function glowmqConnect(): Connect {
  return (url, clientId, onConnected, onError, job) => {
    const client = createNodeClient(url, { clientId, reconnect: false, transport: transportFor(url, job) });
    let connected = false;
    client.on('connect', () => { if (!connected) { connected = true; onConnected(wrap); } });
    client.on('error', onError);
    client.on('close', (err) => { if (!connected) onError(err ?? new Error('closed before CONNACK')); });
    const wrap: BenchClient = {
      publish: (topic, payload, qos, done) => client.publish(topic, payload, { qos }, done),
      subscribe: (topic, qos, done) => client.subscribe(topic, { qos }, (err) => done(err)),
      onMessage: (handler) => client.on('message', (topic, payload) => handler(topic, payload)),
      end: (done) => client.end(false, done),
    };
  };
}
