// Bench worker entry for MQTT.js 5 (loaded from node_modules as a user would).
import { connect as mqttConnect } from 'mqtt';
import type { BenchClient, Connect } from './adapter';
import { workerMain } from './worker-main';

const connect: Connect = (url, clientId, onConnected, onError) => {
  const client = mqttConnect(url, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  client.once('connect', () => onConnected(wrap));
  client.on('error', onError);
  const wrap: BenchClient = {
    publish: (topic, payload, qos, done) => { client.publish(topic, payload, { qos }, (err) => done(err ?? undefined)); },
    subscribe: (topic, qos, done) => { client.subscribe(topic, { qos }, (err) => done(err ?? undefined)); },
    onMessage: (handler) => { client.on('message', (topic, payload) => handler(topic, payload)); },
    end: (done) => { client.end(false, {}, () => done()); },
  };
};

workerMain(connect);
