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
  stop(done?: () => void): void;
}
type Level = 'debug' | 'info' | 'warn' | 'error';

const MS_PER_SECOND = 1000;
/** Status and light state: QoS 1, retained, so a subscriber learns them at once. */
const RETAINED = { qos: 1, retain: true } as const;
/** No PUBACK for the last "offline" within this: stop anyway. */
const STOP_WAIT_MS = 3000;
/** A command payload is shown up to this many characters in logs and error reports. */
const SHOWN_CHARS = 80;

/** Client options the device needs: its id, credentials and the retained "offline" will.
 * The config itself, given the two fields it lacks (queueMax, will): its clientId, username,
 * password, keepalive and clean are already named as ClientOptions, and on a
 * board a copy held by the client would cost memory. */
export function deviceClientOptions(cfg: DeviceConfig): ClientOptions {
  cfg.queueMax = cfg.queue;
  cfg.will = { topic: cfg.base + '/status', payload: 'offline', qos: 1, retain: true };
  return cfg as ClientOptions;
}

/** The device always logs: its platform has a log, called without `this` (every target's does). */
export type DevicePlatform = Platform & { log: NonNullable<Platform['log']> };

export function startDevice(client: MqttClient, hardware: Hardware, cfg: DeviceConfig, platform: Platform): Device {
  const base = cfg.base, led = hardware.led, readingSeq: number[] = [], commandFilter = cfg.command;
  let readingTimer: unknown, stopped = 0; // 0/1 flags: fewer bytes on the board than booleans

  // The platform's own function, not a wrapper: on a board every function object costs memory.
  const log: (level: Level, text: string) => void = (platform as DevicePlatform).log;
  /** Every publish's completion: a failure names its cause (the topic is not kept). */
  const published = (err?: Error) => { if (err && !stopped) log('warn', 'publish failed: ' + err.message); };
  /** An error report: logged, and on <base>/errors at QoS 0. */
  const report = (text: string) => {
    log('warn', text);
    client.publish(base + '/errors', JSON.stringify({ error: text, ts: Math.floor(Date.now()) }), {}, published); // QoS 0
  };

  const readSensors = () => {
    readingTimer = platform.setTimeout(readSensors, cfg.interval * MS_PER_SECOND);
    hardware.sensors.forEach((sensor, i) => sensor.read((err, value) => {
      if (stopped) return;
      if (err || typeof value != 'number' || !isFinite(value)) return report('sensor ' + sensor.name + ': ' + (err ? err.message : 'no value'));
      // ts in whole ms: a board's Date.now() has fractions (1795642691340.646).
      const body = JSON.stringify({ value: value, unit: sensor.unit, ts: Math.floor(Date.now()), seq: readingSeq[i] = (readingSeq[i] + 1) || 0 });
      log('debug', 'reading ' + sensor.name + ' ' + body);
      // QoS 1 by default: queued by the client while offline, in order.
      client.publish(base + '/sensors/' + sensor.name, body, { qos: cfg.sensorQos }, published);
    }));
  };

  const onConnect = () => {
    client.publish(base + '/status', 'online', RETAINED, published);
    client.publish(base + '/light/state', led.read() ? 'on' : 'off', RETAINED, published);
  };

  const onMessage = (topic: string, payload: Uint8Array) => {
    if (!topicMatches(commandFilter, topic)) return;
    const text = utf8Decode(payload), command = parseCommand(payload, cfg.phrases);
    const shown = text == null ? '(' + payload.length + ' bytes, not UTF-8)' : JSON.stringify(text.length > SHOWN_CHARS ? text.slice(0, SHOWN_CHARS) + '...' : text);
    if (!command) return report('unknown command on ' + topic + ': ' + shown + ' (expected on/off/toggle/1/0/true/false, {"state":"on"} or a phrase)');
    const level = command == 'toggle' ? led.read() ^ 1 : +(command == 'on');
    led.write(level as 0 | 1, (err) => {
      if (err) return report('LED: ' + err.message);
      const state = level ? 'on' : 'off';
      log('info', 'LED ' + state + ' <- ' + topic + ' ' + shown);
      client.publish(base + '/light/state', state, RETAINED, published);
    });
  };

  client.on('connect', onConnect);
  client.on('message', onMessage);
  client.subscribe(commandFilter, { qos: cfg.commandQos }, (err) => {
    if (!err) log('info', 'subscribed to ' + commandFilter + ' (QoS ' + cfg.commandQos + ')');
    else if (!stopped) log('warn', 'subscribe ' + commandFilter + ' failed: ' + err.message);
  });
  if (client.connected) onConnect();
  readSensors(); // the first readings now

  return {
    stop: (done) => {
      let called = 0, guard: unknown;
      const finish = () => { if (!called) { called = 1; platform.clearTimeout(guard); if (done) done(); } };
      if (stopped) return finish();
      stopped = 1;
      platform.clearTimeout(readingTimer);
      client.off('connect', onConnect);
      client.off('message', onMessage);
      // A graceful DISCONNECT suppresses the will, so say "offline" ourselves.
      if (!client.connected) return finish();
      client.publish(base + '/status', 'offline', RETAINED, finish);
      if (!called) guard = platform.setTimeout(finish, STOP_WAIT_MS); // no PUBACK: stop anyway
    },
  };
}

