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
import { WITH_DISCOVERY } from '../core/features';
import { parseCommand } from './command';
import type { DeviceConfig } from './config';
import { discoveryMessages } from './discovery';

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
/** Home Assistant's advice: answer its restart after a random delay of up to 3 s. */
const ANNOUNCE_SPREAD_MS = 3000;
/** A status or state publish the client refused while connected is made again after this. */
const RESEND_MS = 1000;

/** Client options the device needs: its id, credentials and the retained "offline" will.
 * The config itself, given the two fields it lacks (queueMax, will): its clientId, username,
 * password, keepalive, clean and queueBytes are already named as ClientOptions, and on a
 * board a copy held by the client would cost memory. */
export function deviceClientOptions(cfg: DeviceConfig): ClientOptions {
  cfg.queueMax = cfg.queue;
  cfg.will = { topic: cfg.base + '/status', payload: 'offline', qos: 1, retain: true };
  return cfg as ClientOptions;
}

/** The group filter, the device's own <base>/light/set unless the group filter covers it (one
 * delivery per command), and Home Assistant's status; a warning when the group filter covers
 * the device's own topics. Its own function: the filters are not kept in the device's scope,
 * which on a board would hold them for as long as it runs. */
function subscribeCommands(client: MqttClient, cfg: DeviceConfig, log: (level: Level, text: string) => void, discovery: boolean) {
  const groupFilter = cfg.command, setTopic = cfg.base + '/light/set', filters = groupFilter ? [groupFilter] : [];
  // Its own reports (<base>/errors, and so the rest of <base>/…) under the group filter: a loop
  // if they were obeyed. They are ignored; say so.
  if (groupFilter && topicMatches(groupFilter, cfg.base + '/errors')) log('warn', 'command filter ' + groupFilter + ' also matches the device\'s own topics (' + cfg.base + '/...): messages there are ignored');
  if (!groupFilter || !topicMatches(groupFilter, setTopic)) filters.push(setTopic);
  if (discovery) filters.push(cfg.discoveryPrefix + '/status');
  client.subscribe(filters, { qos: cfg.commandQos }, (err) => {
    // One line either way, naming the filters and the QoS asked for.
    log(err ? 'warn' : 'info', (err ? 'subscribe failed: ' : 'subscribed to ') + filters.join(', ') + ' (QoS ' + cfg.commandQos + ')' + (err ? ': ' + err.message : ''));
  });
}

/** A command's payload as logs and reports show it: quoted, cut at SHOWN_CHARS; or its size. */
function shownPayload(payload: Uint8Array): string {
  const text = utf8Decode(payload);
  return text == null ? '(' + payload.length + ' bytes, not UTF-8)' : JSON.stringify(text.length > SHOWN_CHARS ? text.slice(0, SHOWN_CHARS) + '...' : text);
}

/** The device always logs: its platform has a log, called without `this` (every target's does). */
export type DevicePlatform = Platform & { log: NonNullable<Platform['log']> };

export function startDevice(client: MqttClient, hardware: Hardware, cfg: DeviceConfig, platform: Platform): Device {
  // Few names in this scope: on a board each one is held for as long as the device runs.
  const base = cfg.base, led = hardware.led, readingSeq: number[] = [], discovery = WITH_DISCOVERY && cfg.discovery;
  // resendTimer: announce, later (after CONNACK, Home Assistant's restart, a refused status or state).
  let readingTimer: unknown, resendTimer: unknown, stopped = 0; // 0/1 flags: fewer bytes on the board than booleans
  let dropped = 0; // readings the client refused (its queue full, or the board short of memory), reported when connected

  // The platform's own function, not a wrapper: on a board every function object costs memory.
  const log: (level: Level, text: string) => void = (platform as DevicePlatform).log;
  /** Announces (below) after `delayMs`, once however often it is asked. */
  const announceIn = (delayMs: number) => {
    platform.clearTimeout(resendTimer);
    resendTimer = platform.setTimeout(announce, delayMs);
  };
  /** A status, state or discovery publish's completion: a failure names its cause (the topic is not
   *  kept). One refused while connected (a board short of memory) is made again shortly: a stale
   *  retained "offline" or light state would mislead every subscriber. */
  const published = (err?: Error) => {
    if (err && !stopped) {
      log('warn', 'publish failed: ' + err.message);
      if (client.connected) announceIn(RESEND_MS);
    }
  };
  /** A reading's completion: one the client refused (its queue full, or short of memory) is counted. */
  const readingPublished = (err?: Error) => { if (err && !stopped) dropped++, log('warn', 'publish failed: ' + err.message); };
  /** An error report: logged, and on <base>/errors at QoS 0 when connected (offline, the log has
   *  it). `done`: the publish's completion (without one, a refusal is the client's 'error'). */
  const report = (text: string, done?: (err?: Error) => void) => {
    log('warn', text);
    if (client.connected) client.publish(base + '/errors', JSON.stringify({ error: text, ts: Math.floor(Date.now()) }), undefined, done);
  };

  /** The readings refused since the last report, on <base>/errors once connected. A report the
   *  client refuses too (a board short of memory) puts its count back, for the next reading's. */
  const reportDropped = () => {
    const count = dropped;
    if (!count || !client.connected) return;
    dropped = 0;
    report(count + ' readings dropped while offline or short of memory (queue full)', (err) => { if (err) dropped += count; });
  };

  const readSensors = () => {
    readingTimer = platform.setTimeout(readSensors, cfg.interval * MS_PER_SECOND);
    reportDropped();
    hardware.sensors.forEach((sensor, i) => sensor.read((err, value) => {
      if (stopped) return;
      if (err || typeof value != 'number' || !isFinite(value)) return report('sensor ' + sensor.name + ': ' + (err ? err.message : 'no value'));
      // ts in whole ms: a board's Date.now() has fractions (1795642691340.646).
      const body = JSON.stringify({ value: value, unit: sensor.unit, ts: Math.floor(Date.now()), seq: readingSeq[i] = (readingSeq[i] + 1) || 0 });
      log('debug', 'reading ' + sensor.name + ' ' + body);
      // QoS 1 by default: queued by the client while offline, in order.
      client.publish(base + '/sensors/' + sensor.name, body, { qos: cfg.sensorQos }, readingPublished);
    }));
  };

  /** A light state, retained. */
  const publishState = (level: number) => client.publish(base + '/light/state', level ? 'on' : 'off', RETAINED, published);

  /** Online, the light state and (with discovery) every Home Assistant config, retained; and
   *  what could not be queued. */
  const announce = () => {
    client.publish(base + '/status', 'online', RETAINED, published);
    publishState(led.read());
    if (discovery) discoveryMessages(cfg, hardware.sensors).forEach((message) => client.publish(message[0], message[1], RETAINED, published));
    reportDropped();
  };

  /** Connected: announce from a fresh stack (on a small board the CONNACK's receive holds ~200 variables). */
  const onConnect = () => announceIn(0);

  /** An inbound message over the size limit, skipped by the client unread. */
  const onOversize = (topic: string, size: number) => report('message on ' + topic + ' skipped: ' + size + ' bytes, over the size limit');

  /** A message: Home Assistant's status, or a command. */
  const onMessage = (topic: string, payload: Uint8Array) => {
    if (discovery && topic == cfg.discoveryPrefix + '/status') {
      // Home Assistant (re)started: the fleet answers spread over a few seconds, not at once.
      if (utf8Decode(payload) == 'online') announceIn(platform.random() * ANNOUNCE_SPREAD_MS);
      return;
    }
    // The device's own output topics never command it, whatever the group filter matches.
    if (topic != base + '/light/set' && (!cfg.command || !topicMatches(cfg.command, topic) || topic.indexOf(base + '/') == 0)) return;
    const command = parseCommand(payload, cfg.phrases), shown = shownPayload(payload);
    if (!command) return report('unknown command on ' + topic + ': ' + shown + ' (expected on/off/toggle/1/0/true/false, {"state":"on"} or a phrase)');
    const level = command == 'toggle' ? led.read() ^ 1 : +(command == 'on');
    led.write(level as 0 | 1, (err) => {
      if (err) return report('LED: ' + err.message);
      log('info', 'LED ' + (level ? 'on' : 'off') + ' <- ' + topic + ' ' + shown);
      // From a fresh stack too; each change its own state (two commands may come in one chunk).
      platform.setTimeout(() => publishState(level), 0);
    });
  };

  client.on('connect', onConnect);
  client.on('message', onMessage);
  client.on('oversize', onOversize);
  subscribeCommands(client, cfg, log, discovery);
  if (client.connected) announce();
  // The first readings now, from a fresh stack: refused at boot, deep in the boot code, a reading's
  // error ran a 1,600-variable board out of memory.
  readingTimer = platform.setTimeout(readSensors, 0);

  return {
    stop: (done) => {
      let called = 0, guard: unknown;
      const finish = () => { if (!called) { called = 1; platform.clearTimeout(guard); if (done) done(); } };
      if (stopped) return finish();
      stopped = 1;
      platform.clearTimeout(readingTimer);
      platform.clearTimeout(resendTimer);
      client.off('connect', onConnect);
      client.off('message', onMessage);
      client.off('oversize', onOversize);
      // A graceful DISCONNECT suppresses the will, so say "offline" ourselves.
      if (!client.connected) return finish();
      client.publish(base + '/status', 'offline', RETAINED, finish);
      if (!called) guard = platform.setTimeout(finish, STOP_WAIT_MS); // no PUBACK: stop anyway
    },
  };
}
