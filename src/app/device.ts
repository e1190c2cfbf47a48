// The device application (architecture.md, "The device contract"): keeps the LED in step
// with commands, publishes its state, sensor readings and its own status. Identical on
// every target; it sees only an MqttClient, a DigitalOut, Sensors and a Platform.
import type { ClientOptions, MqttClient } from '../core/client-options';
import type { Platform, QoS } from '../core/types';
import type { DigitalOut, Sensor } from '../hal/types';
import { topicMatches } from '../core/topic';
import { utf8Decode } from '../core/utf8';
import { parseCommand } from './command';
import type { DeviceConfig } from './config';

export interface Hardware { led: DigitalOut; sensors: Sensor[] }
export interface Device {
  /** Stops readings and handlers; publishes "offline" (retained) first when connected. */
  stop(cb?: () => void): void;
}

/** Client options the device needs: its id, credentials and the retained "offline" will. */
export function deviceClientOptions(cfg: DeviceConfig): ClientOptions {
  return {
    clientId: cfg.clientId, username: cfg.username, password: cfg.password,
    keepalive: cfg.keepalive, clean: cfg.clean, queueMax: cfg.queue,
    will: { topic: cfg.base + '/status', payload: 'offline', qos: 1, retain: true },
  };
}

const HELP = ' (expected on/off/toggle, 1/0, true/false, {"state":"on"} or a phrase)';

export function startDevice(client: MqttClient, hw: Hardware, cfg: DeviceConfig, platform: Platform): Device {
  const base = cfg.base;
  const seq = hw.sensors.map(() => 0);
  let timer: unknown;
  let stopped = false;
  const log = (level: 'info' | 'warn' | 'debug', m: string) => { if (platform.log) platform.log(level, m); };
  const pub = (topic: string, payload: string, qos: QoS, retain: boolean) =>
    client.publish(base + topic, payload, { qos: qos, retain: retain }, (e) => { if (e && !stopped) log('warn', 'publish to ' + base + topic + ' failed: ' + e.message); });
  const report = (m: string) => {
    log('warn', m);
    client.publish(base + '/errors', JSON.stringify({ error: m, ts: Date.now() }), { qos: 0 }, () => {});
  };
  const state = () => hw.led.read() ? 'on' : 'off';

  const onConnect = () => {
    pub('/status', 'online', 1, true);
    pub('/light/state', state(), 1, true);
  };
  const onMessage = (topic: string, payload: Uint8Array) => {
    if (!topicMatches(cfg.command, topic)) return;
    const text = utf8Decode(payload);
    const c = parseCommand(payload, cfg.phrases);
    const shown = text === null ? '(' + payload.length + ' bytes, not UTF-8)' : JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
    if (!c) { report('unknown command on ' + topic + ': ' + shown + HELP); return; }
    const v = c == 'toggle' ? (hw.led.read() ? 0 : 1) : c == 'on' ? 1 : 0;
    hw.led.write(v, (err) => {
      if (err) { report('LED: ' + err.message); return; }
      log('info', 'LED ' + (v ? 'on' : 'off') + ' <- ' + topic + ' ' + shown);
      pub('/light/state', v ? 'on' : 'off', 1, true);
    });
  };
  const tick = () => {
    timer = platform.setTimeout(tick, cfg.interval * 1000);
    hw.sensors.forEach((s, i) => s.read((err, value) => {
      if (stopped) return;
      if (err || typeof value != 'number' || !isFinite(value)) { report('sensor ' + s.name + ': ' + (err ? err.message : 'no value')); return; }
      const body = JSON.stringify({ value: value, unit: s.unit, ts: Date.now(), seq: seq[i]++ });
      log('debug', 'reading ' + s.name + ' ' + body);
      // QoS 1 by default: queued by the client while offline, in order.
      pub('/sensors/' + s.name, body, cfg.sensorQos, false);
    }));
  };

  client.on('connect', onConnect);
  client.on('message', onMessage);
  client.subscribe(cfg.command, { qos: cfg.commandQos }, (e) => {
    if (e) { if (!stopped) log('warn', 'subscribe ' + cfg.command + ' failed: ' + e.message); }
    else log('info', 'subscribed to ' + cfg.command + ' (QoS ' + cfg.commandQos + ')');
  });
  if (client.connected) onConnect();
  tick();

  return {
    stop: (cb) => {
      let called = false;
      let guard: unknown;
      const done = () => { if (!called) { called = true; platform.clearTimeout(guard); if (cb) cb(); } };
      if (stopped) { done(); return; }
      stopped = true;
      platform.clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('message', onMessage);
      // A graceful DISCONNECT suppresses the will, so say "offline" ourselves.
      if (client.connected) {
        client.publish(base + '/status', 'offline', { qos: 1, retain: true }, () => done());
        if (!called) guard = platform.setTimeout(done, 3000); // no PUBACK: stop anyway
      } else done();
    },
  };
}
