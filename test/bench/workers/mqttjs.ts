// Bench worker entry for MQTT.js 5 (loaded from node_modules as a user would).
import { connect as mqttConnect } from 'mqtt';
import type { BenchClient, Connect } from './adapter';
import { workerMain } from './worker-main';

const connect: Connect = (url, clientId, onConnected, onError) => {
  const c = mqttConnect(url, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  c.once('connect', () => onConnected(wrap));
  c.on('error', onError);
  const wrap: BenchClient = {
    publish: (topic, payload, qos, cb) => { c.publish(topic, payload, { qos }, (e) => cb(e ?? undefined)); },
    subscribe: (topic, qos, cb) => { c.subscribe(topic, { qos }, (e) => cb(e ?? undefined)); },
    onMessage: (fn) => { c.on('message', (t, p) => fn(t, p)); },
    end: (cb) => { c.end(false, {}, () => cb()); },
  };
};

workerMain(connect);
