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

/** Client options the device needs: its id, credentials and the retained "offline" will.
 * The config itself, given the two fields it lacks (queueMax, will): its clientId, username,
 * password, keepalive and clean are already named as ClientOptions, and on a board a copy
 * held by the client would cost memory. */
export function deviceClientOptions(cfg: DeviceConfig): ClientOptions {
  cfg.queueMax = cfg.queue;
  cfg.will = { topic: cfg.base + '/status', payload: 'offline', qos: 1, retain: true };
  return cfg as ClientOptions;
}

export function startDevice(client: MqttClient, hw: Hardware, cfg: DeviceConfig, platform: Platform): Device {
  const base = cfg.base, led = hw.led, seq: number[] = [], cmd = cfg.command;
  // ts in whole ms: a board's Date.now() has fractions (1795642691340.646).
  const now = () => Math.floor(Date.now());
  let timer: unknown, stopped: number | undefined; // 0/1 flags: fewer bytes on the board
  // log(level, text), and also every publish's callback, log(error or nothing): the failure
  // names its cause (the topic is not kept). One function object for both on the board.
  const log = (level?: any, m?: string) => {
    if (!level) return; // a publish's callback: no error
    if (level.message) { // a publish's callback: its error (a level is a string: no message)
      if (stopped) return;
      m = 'publish failed: ' + level.message;
      level = 'warn';
    }
    if (platform.log) platform.log(level, m!);
  };
  /** No qos: an error report, on <base>/errors (QoS 0, also logged). cb: instead of log. */
  const pub = (payload: string, qos?: number, topic?: string, retain?: number, cb?: () => void) => {
    if (qos == null) {
      log('warn', payload);
      payload = JSON.stringify({ error: payload, ts: now() });
      qos = 0;
      topic = '/errors';
    }
    client.publish(base + topic, payload, { qos: qos as QoS, retain: !!retain }, cb || log);
  };
  // One handler, one function object on the board, for 'message' (topic, payload), 'connect'
  // (the CONNACK flags, no payload: say online and the light state) and the reading timer
  // (no arguments: read every sensor and publish).
  const on = (topic?: unknown, payload?: Uint8Array): unknown => {
    if (!topic) {
      timer = platform.setTimeout(on, cfg.interval * 1000);
      return hw.sensors.forEach((s, i) => s.read((err, value) => {
        if (stopped) return;
        if (err || typeof value != 'number' || !isFinite(value)) return pub('sensor ' + s.name + ': ' + (err ? err.message : 'no value'));
        const body = JSON.stringify({ value: value, unit: s.unit, ts: now(), seq: seq[i] = (seq[i] + 1) || 0 });
        log('debug', 'reading ' + s.name + ' ' + body);
        // QoS 1 by default: queued by the client while offline, in order.
        pub(body, cfg.sensorQos, '/sensors/' + s.name);
      }));
    }
    if (!payload) {
      pub('online', 1, '/status', 1);
      return pub(led.read() ? 'on' : 'off', 1, '/light/state', 1);
    }
    if (!topicMatches(cmd, topic as string)) return;
    const text = utf8Decode(payload), c = parseCommand(payload, cfg.phrases);
    const shown = text == null ? '(' + payload.length + ' bytes, not UTF-8)' : JSON.stringify(text.length > 80 ? text.slice(0, 80) + '...' : text);
    if (!c) return pub('unknown command on ' + topic + ': ' + shown + ' (expected on/off/toggle/1/0/true/false, {"state":"on"} or a phrase)');
    const v = c == 'toggle' ? led.read() ^ 1 : +(c == 'on');
    led.write(v as 0 | 1, (err) => {
      if (err) return pub('LED: ' + err.message);
      const st = v ? 'on' : 'off';
      log('info', 'LED ' + st + ' <- ' + topic + ' ' + shown);
      pub(st, 1, '/light/state', 1);
    });
  };

  client.on('connect', on);
  client.on('message', on);
  client.subscribe(cmd, { qos: cfg.commandQos }, (e) => {
    if (!e) log('info', 'subscribed to ' + cmd + ' (QoS ' + cfg.commandQos + ')');
    else if (!stopped) log('warn', 'subscribe ' + cmd + ' failed: ' + e.message);
  });
  if (client.connected) on(1);
  on(); // the first readings now

  return {
    stop: (cb) => {
      let called: number | undefined, guard: unknown;
      const fin = () => { if (!called) { called = 1; platform.clearTimeout(guard); if (cb) cb(); } };
      if (stopped) return fin();
      stopped = 1;
      platform.clearTimeout(timer);
      client.off('connect', on);
      client.off('message', on);
      // A graceful DISCONNECT suppresses the will, so say "offline" ourselves.
      if (!client.connected) return fin();
      pub('offline', 1, '/status', 1, fin);
      if (!called) guard = platform.setTimeout(fin, 3000); // no PUBACK: stop anyway
    },
  };
}
