// The device application (architecture.md, "The device contract"): keeps the LED in step
// with commands, publishes its state, sensor readings and its own status. Identical on
// every target; it sees only an MqttClient, a DigitalOut, Sensors and a Platform.
// Few closures, made once: on a board every function object costs memory (variables), and
// one per publish would pile up with the offline queue.
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

export function startDevice(client: MqttClient, hw: Hardware, cfg: DeviceConfig, platform: Platform): Device {
  const base = cfg.base, led = hw.led, seq: number[] = [];
  let timer: unknown, stopped = false;
  const log = (level: 'info' | 'warn' | 'debug', m: string) => { if (platform.log) platform.log(level, m); };
  // One callback for every publish (the failure names its cause; the topic is not kept).
  const done = (e?: Error) => { if (e && !stopped) log('warn', 'publish failed: ' + e.message); };
  /** qos -1: a report on <base>/errors (QoS 0, also logged). */
  const pub = (topic: string, payload: string, qos: number) => {
    if (qos < 0) {
      log('warn', payload);
      payload = JSON.stringify({ error: payload, ts: Date.now() });
      qos = 0;
    }
    client.publish(base + topic, payload, { qos: qos as QoS, retain: topic == '/status' || topic == '/light/state' }, done);
  };
  // 'connect' (no payload: say online and the light state) and 'message' in one handler,
  // one function object fewer on the board.
  const on = (topic?: unknown, payload?: Uint8Array) => {
    if (!payload) {
      pub('/status', 'online', 1);
      return pub('/light/state', led.read() ? 'on' : 'off', 1);
    }
    if (!topicMatches(cfg.command, topic as string)) return;
    const text = utf8Decode(payload), c = parseCommand(payload, cfg.phrases);
    const shown = text === null ? '(' + payload.length + ' bytes, not UTF-8)' : JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
    if (!c) return pub('/errors', 'unknown command on ' + topic + ': ' + shown + ' (expected on/off/toggle, 1/0, true/false, {"state":"on"} or a phrase)', -1);
    const v = c == 'toggle' ? led.read() ^ 1 : c == 'on' ? 1 : 0;
    led.write(v as 0 | 1, (err) => {
      if (err) return pub('/errors', 'LED: ' + err.message, -1);
      log('info', 'LED ' + (v ? 'on' : 'off') + ' <- ' + topic + ' ' + shown);
      pub('/light/state', v ? 'on' : 'off', 1);
    });
  };
  const tick = () => {
    timer = platform.setTimeout(tick, cfg.interval * 1000);
    hw.sensors.forEach((s, i) => s.read((err, value) => {
      if (stopped) return;
      if (err || typeof value != 'number' || !isFinite(value)) return pub('/errors', 'sensor ' + s.name + ': ' + (err ? err.message : 'no value'), -1);
      const body = JSON.stringify({ value: value, unit: s.unit, ts: Date.now(), seq: seq[i] = (seq[i] + 1) || 0 });
      log('debug', 'reading ' + s.name + ' ' + body);
      // QoS 1 by default: queued by the client while offline, in order.
      pub('/sensors/' + s.name, body, cfg.sensorQos);
    }));
  };

  client.on('connect', on);
  client.on('message', on);
  client.subscribe(cfg.command, { qos: cfg.commandQos }, (e) => {
    if (!e) log('info', 'subscribed to ' + cfg.command + ' (QoS ' + cfg.commandQos + ')');
    else if (!stopped) log('warn', 'subscribe ' + cfg.command + ' failed: ' + e.message);
  });
  if (client.connected) on();
  tick();

  return {
    stop: (cb) => {
      let called = false, guard: unknown;
      const fin = () => { if (!called) { called = true; platform.clearTimeout(guard); if (cb) cb(); } };
      if (stopped) return fin();
      stopped = true;
      platform.clearTimeout(timer);
      client.off('connect', on);
      client.off('message', on);
      // A graceful DISCONNECT suppresses the will, so say "offline" ourselves.
      if (!client.connected) return fin();
      client.publish(base + '/status', 'offline', { qos: 1, retain: true }, fin);
      if (!called) guard = platform.setTimeout(fin, 3000); // no PUBACK: stop anyway
    },
  };
}
