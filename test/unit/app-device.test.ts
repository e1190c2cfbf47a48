// The device application against the real core Client over an in-memory transport, with a
// fake clock: subscription, status, LED + state, error reports, readings with seq, offline
// queueing in order across a reconnect, the will, and a graceful stop.
import { describe, it, expect } from 'vitest';
import { Client } from '../../src/core/client';
import { LiteClient } from '../../src/core/lite/client';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { startDevice, deviceClientOptions } from '../../src/app/device';
import { validateConfig, type DeviceConfig } from '../../src/app/config';
import { SimLed, SimTemperature } from '../../src/hal/sim-board';
import type { Sensor } from '../../src/hal/types';
import type { Packet, PublishPacket, SubscribePacket, ConnectPacket } from '../../src/core/types';
import { FakePlatform } from '../support/fake-platform';
import { memoryTransports } from '../support/memory-transport';

const td = new TextDecoder();
const text = (p: PublishPacket) => td.decode(p.payload);
const pubs = (ps: Packet[]) => ps.filter((p): p is PublishPacket => p.cmd === 'publish');
const enc = (s: string) => new TextEncoder().encode(s);

function setup(over: Partial<DeviceConfig> = {}, sensors?: Sensor[], ClientClass: typeof Client | typeof LiteClient = Client) {
  const cfg = validateConfig({ id: 'dev1', interval: 5, ...over });
  const platform = new FakePlatform(7);
  const mt = memoryTransports();
  const client = new ClientClass({ ...deviceClientOptions(cfg), reconnectMin: 1000, reconnectMax: 1000 }, { platform, transport: mt.factory, codec: mqttPacketCodec });
  const led = new SimLed();
  const device = startDevice(client, { led, sensors: sensors ?? [new SimTemperature('temperature', () => platform.random())] }, cfg, platform);
  let nextAck = true;
  const t = () => mt.last();
  // Bring the link up: accept, CONNACK, and answer SUBSCRIBE / QoS 1 publishes.
  const up = (sessionPresent = false) => {
    client.connect();
    t().accept();
    t().deliver({ cmd: 'connack', returnCode: 0, sessionPresent });
    platform.advance(0); // the device announces itself from a timer
  };
  /** Everything the client sent since last time; acks QoS 1 publishes and SUBSCRIBEs. */
  const sent = () => {
    const ps = t().take();
    if (nextAck) for (const p of ps) {
      if (p.cmd === 'subscribe') t().deliver({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map((s) => s.qos) });
      if (p.cmd === 'publish' && p.qos === 1) t().deliver({ cmd: 'puback', messageId: p.messageId! });
    }
    return ps;
  };
  /** A command from the broker; then the timers due now (the state is published from one). */
  const command = (payload: string | Uint8Array, topic = 'lightChange') => {
    t().deliver({ cmd: 'publish', topic, payload: typeof payload === 'string' ? enc(payload) : payload, qos: 1, retain: false, dup: false, messageId: 900 });
    platform.advance(0);
  };
  return { cfg, platform, mt, client, led, device, up, sent, command, t, noAck: () => { nextAck = false; } };
}

describe('device app', () => {
  it('connects with the retained offline will, subscribes lightChange at QoS 1, says online and its light state', () => {
    const s = setup();
    s.up();
    const ps = s.sent();
    const connect = ps[0] as ConnectPacket;
    expect(connect.cmd).toBe('connect');
    expect(connect.clientId).toBe('dev1');
    expect(connect.will).toMatchObject({ topic: 'glowmq/dev1/status', qos: 1, retain: true });
    expect(td.decode(connect.will!.payload)).toBe('offline');
    const sub = ps.find((p) => p.cmd === 'subscribe') as SubscribePacket;
    expect(sub.subscriptions).toEqual([{ topic: 'lightChange', qos: 1 }, { topic: 'glowmq/dev1/light/set', qos: 1 }, { topic: 'homeassistant/status', qos: 1 }]);
    const out = pubs(ps).map((p) => [p.topic, text(p), p.qos, p.retain]);
    expect(out).toContainEqual(['glowmq/dev1/status', 'online', 1, true]);
    expect(out).toContainEqual(['glowmq/dev1/light/state', 'off', 1, true]);
  });

  it('subscribes with the configured QoS and topic', () => {
    const s = setup({ commandQos: 2, command: 'home/+/light' });
    s.up();
    const sub = s.sent().find((p) => p.cmd === 'subscribe') as SubscribePacket;
    expect(sub.subscriptions).toEqual([{ topic: 'home/+/light', qos: 2 }, { topic: 'glowmq/dev1/light/set', qos: 2 }, { topic: 'homeassistant/status', qos: 2 }]);
    s.command('on', 'home/kitchen/light');
    expect(s.led.read()).toBe(1);
  });

  it('switches the LED on every command form and publishes the state, retained, QoS 1, after each', () => {
    const s = setup();
    s.up(); s.sent();
    const seq: [string, 0 | 1][] = [
      ['现在天黑了', 1], ['现在天亮了', 0], ['ON', 1], [' off ', 0], ['toggle', 1], ['toggle', 0],
      ['1', 1], ['0', 0], ['TRUE', 1], ['false', 0], ['{"state":"on"}', 1], ['{"state":"off"}', 0],
    ];
    for (const [cmd, want] of seq) {
      s.command(cmd);
      expect(s.led.read(), cmd).toBe(want);
      const st = pubs(s.sent()).filter((p) => p.topic === 'glowmq/dev1/light/state');
      expect(st.map((p) => [text(p), p.qos, p.retain]), cmd).toEqual([[want ? 'on' : 'off', 1, true]]);
    }
    expect(s.led.history).toEqual(seq.map((x) => x[1]));
  });

  it('two commands in one chunk of input publish two states, in order (each change its own)', () => {
    const s = setup({ discovery: false });
    s.up(); s.sent();
    for (const [payload, messageId] of [['on', 901], ['off', 902]] as const) s.t().deliver({ cmd: 'publish', topic: 'lightChange', payload: enc(payload), qos: 1, retain: false, dup: false, messageId });
    s.platform.advance(0);
    expect(pubs(s.sent()).filter((p) => p.topic === 'glowmq/dev1/light/state').map(text)).toEqual(['on', 'off']);
  });

  it('reports anything else on <base>/errors and in the log, and changes nothing', () => {
    const s = setup();
    s.up(); s.sent();
    s.command('on'); s.sent();
    for (const bad of ['onn', '2', '{"state":"dim"}', '', '现在天黑']) {
      s.command(bad);
      const ps = pubs(s.sent());
      expect(ps.filter((p) => p.topic.endsWith('/light/state')), bad).toEqual([]);
      const err = ps.filter((p) => p.topic === 'glowmq/dev1/errors');
      expect(err.length, bad).toBe(1);
      const body = JSON.parse(text(err[0]));
      expect(body.error).toContain(`unknown command on lightChange: ${JSON.stringify(bad)}`);
      expect(typeof body.ts).toBe('number');
      expect(s.platform.logs.at(-1)).toContain(`warn: unknown command on lightChange: ${JSON.stringify(bad)}`);
    }
    s.command(new Uint8Array([0xff, 0xfe, 0x41]));
    expect(text(pubs(s.sent())[0])).toContain('(3 bytes, not UTF-8)');
    expect(s.led.history).toEqual([1]);
  });

  it('ignores messages on other topics', () => {
    const s = setup();
    s.up(); s.sent();
    s.command('on', 'somethingElse');
    expect(s.led.history).toEqual([]);
    expect(pubs(s.sent())).toEqual([]);
  });

  it('publishes a reading per sensor every interval as JSON {value, unit, ts, seq}, seq from 0 per sensor', () => {
    const a = new SimTemperature('temperature', () => 0.5);
    let n = 0;
    const b: Sensor = { name: 'pressure', unit: 'hPa', read: (cb) => cb(undefined, 1000 + n++) };
    const s = setup({ sensorQos: 0 }, [a, b]);
    s.up(); s.sent();
    s.platform.advance(5000);
    s.platform.advance(5000);
    const r = pubs(s.sent()).filter((p) => p.topic.includes('/sensors/'));
    expect(r.map((p) => p.topic)).toEqual(['glowmq/dev1/sensors/temperature', 'glowmq/dev1/sensors/pressure', 'glowmq/dev1/sensors/temperature', 'glowmq/dev1/sensors/pressure']);
    const bodies = r.map((p) => JSON.parse(text(p)));
    expect(bodies.map((x) => x.seq)).toEqual([1, 1, 2, 2]); // 0 went out before the link was up (QoS 0: dropped)
    expect(bodies.map((x) => x.unit)).toEqual(['°C', 'hPa', '°C', 'hPa']);
    expect(bodies[1].value).toBe(1001);
    for (const x of bodies) { expect(Object.keys(x)).toEqual(['value', 'unit', 'ts', 'seq']); expect(typeof x.ts).toBe('number'); }
    expect(r.every((p) => p.qos === 0 && !p.retain)).toBe(true);
    for (const x of bodies.filter((x) => x.unit === '°C')) { expect(x.value).toBeGreaterThanOrEqual(18); expect(x.value).toBeLessThanOrEqual(28); }
  });

  it('reports a failing sensor instead of publishing a reading', () => {
    const bad: Sensor = { name: 'ds', unit: '°C', read: (cb) => cb(new Error('CRC check failed (NO)')) };
    const s = setup({}, [bad]);
    s.up(); s.sent();
    s.platform.advance(5000);
    const ps = pubs(s.sent());
    expect(ps.map((p) => p.topic)).toEqual(['glowmq/dev1/errors']);
    expect(JSON.parse(text(ps[0])).error).toBe('sensor ds: CRC check failed (NO)');
  });

  it('queues QoS 1 readings while offline and delivers them in order after the reconnect', () => {
    let v = 0;
    const sensor: Sensor = { name: 't', unit: '°C', read: (cb) => cb(undefined, v++) };
    const s = setup({}, [sensor]);
    s.up(); s.sent();
    s.t().drop(new Error('cable pulled'));
    expect(s.client.connected).toBe(false);
    for (let i = 0; i < 3; i++) s.platform.advance(5000); // reconnect attempts refused meanwhile
    // The link is refused while the backoff runs; readings pile up in the offline queue.
    for (const t of s.mt.made.slice(1)) if (t.state === 'opening') t.refuse();
    s.platform.advance(5000);
    const open = s.mt.last();
    expect(open.state).toBe('opening');
    open.accept();
    open.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    const readings = pubs(s.sent()).filter((p) => p.topic === 'glowmq/dev1/sensors/t').map((p) => JSON.parse(text(p)).seq);
    expect(readings.length).toBeGreaterThanOrEqual(4);
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
    expect(readings[0]).toBe(1); // seq 0 was delivered before the drop
    expect(readings.at(-1)).toBe(readings[0] + readings.length - 1); // no gap
  });

  it('logs a publish that fails, with its cause, and nothing for those that succeed', () => {
    let v = 0;
    const sensor: Sensor = { name: 't', unit: '°C', read: (cb) => cb(undefined, v++) };
    const s = setup({ queue: 1 }, [sensor]); // offline from the start: the queue holds one message
    expect(s.platform.logs.filter((l) => l.includes('publish failed'))).toEqual([]);
    s.platform.advance(5000); // a second reading: the queue is full
    const failed = s.platform.logs.filter((l) => l.includes('publish failed'));
    expect(failed.length).toBe(1);
    expect(failed[0]).toMatch(/^warn: publish failed: \S/);
    s.up();
    s.sent();
    expect(s.platform.logs.filter((l) => l.includes('publish failed')).length).toBe(1);
  });

  it('a status or light state refused while connected (a board short of memory, as just after CONNACK) is published again a second later, once', () => {
    const s = setup({ discovery: false }, undefined, LiteClient); // the lite client bounds what it holds when connected too
    const states = (ps: Packet[]) => pubs(ps).filter((p) => !p.topic.includes('/sensors/')).map((p) => [p.topic, text(p)]);
    s.platform.advance(0); // the first reading, queued
    s.platform.memoryError = () => 'short of memory: 150 variables free, 186 needed';
    s.up();
    expect(states(s.sent())).toEqual([]);
    expect(s.platform.logs.filter((l) => l.includes('publish failed'))).toEqual(['warn: publish failed: short of memory: 150 variables free, 186 needed', 'warn: publish failed: short of memory: 150 variables free, 186 needed']);
    s.platform.memoryError = () => '';
    s.platform.advance(1000);
    expect(states(s.sent())).toEqual([['glowmq/dev1/status', 'online'], ['glowmq/dev1/light/state', 'off']]);
    s.platform.memoryError = () => 'short of memory: 150 variables free, 186 needed';
    s.command('on');
    expect(s.led.read()).toBe(1);
    expect(states(s.sent())).toEqual([]);
    s.platform.memoryError = () => '';
    s.platform.advance(1000);
    expect(states(s.sent())).toEqual([['glowmq/dev1/status', 'online'], ['glowmq/dev1/light/state', 'on']]);
    s.platform.advance(4000);
    expect(states(s.sent())).toEqual([]); // once: nothing more was refused
  });

  it('stop() publishes offline (retained) when connected, stops the readings and timers', () => {
    const s = setup();
    s.up(); s.sent();
    let stopped = false;
    s.device.stop(() => { stopped = true; });
    const ps = pubs(s.sent());
    expect(ps.map((p) => [p.topic, text(p), p.retain])).toEqual([['glowmq/dev1/status', 'offline', true]]);
    expect(stopped).toBe(true);
    s.client.end(true);
    s.platform.advance(60000);
    expect(s.platform.pending).toBe(0);
  });

  it('stop() when offline finishes at once', () => {
    const s = setup();
    let stopped = false;
    s.device.stop(() => { stopped = true; });
    expect(stopped).toBe(true);
    expect(s.platform.pending).toBe(0);
  });

  it('obeys <base>/light/set as lightChange; an empty group topic leaves only <base>/light/set', () => {
    const s = setup();
    s.up(); s.sent();
    s.command('on', 'glowmq/dev1/light/set');
    expect(s.led.read()).toBe(1);
    s.command('现在天亮了', 'glowmq/dev1/light/set');
    expect(s.led.read()).toBe(0);
    s.command('on', 'glowmq/other/light/set'); // another device's topic
    expect(s.led.history).toEqual([1, 0]);
    const solo = setup({ command: '', discovery: false });
    solo.up();
    const sub = solo.sent().find((p) => p.cmd === 'subscribe') as SubscribePacket;
    expect(sub.subscriptions).toEqual([{ topic: 'glowmq/dev1/light/set', qos: 1 }]);
    solo.command('on', 'lightChange');
    expect(solo.led.history).toEqual([]);
    solo.command('toggle', 'glowmq/dev1/light/set');
    expect(solo.led.history).toEqual([1]);
  });

  it("with --command-topic '#' it ignores its own topics (no loop on /errors), warns at start and subscribes once", () => {
    const s = setup({ command: '#', discovery: false });
    expect(s.platform.logs).toContain("warn: command filter # also matches the device's own topics (glowmq/dev1/...): messages there are ignored");
    s.up();
    const sub = s.sent().find((p) => p.cmd === 'subscribe') as SubscribePacket;
    expect(sub.subscriptions).toEqual([{ topic: '#', qos: 1 }]); // covers <base>/light/set: one delivery per command
    s.command('bogus', 'anything');
    const errors = pubs(s.sent()).filter((p) => p.topic === 'glowmq/dev1/errors');
    expect(errors.length).toBe(1);
    // The broker echoes the report back under '#': ignored, no new report.
    for (const own of ['glowmq/dev1/errors', 'glowmq/dev1/status', 'glowmq/dev1/light/state', 'glowmq/dev1/sensors/temperature']) s.command(new TextDecoder().decode(errors[0].payload), own);
    s.command('on', 'glowmq/dev1/light/state');
    expect(pubs(s.sent())).toEqual([]);
    expect(s.led.history).toEqual([]);
    s.command('on', 'glowmq/dev1/light/set');
    expect(s.led.history).toEqual([1]);
    expect(setup({ command: 'lightChange' }).platform.logs.filter((l) => l.includes('also matches'))).toEqual([]);
  });

  it('counts readings the offline queue could not take and reports the count on <base>/errors when back online', () => {
    let v = 0;
    const sensor: Sensor = { name: 't', unit: '°C', read: (cb) => cb(undefined, v++) };
    const s = setup({ queue: 2, discovery: false }, [sensor]); // offline from the start
    for (let i = 0; i < 4; i++) s.platform.advance(5000); // 5 readings: 2 queued, 3 refused
    s.up();
    const ps = pubs(s.sent());
    expect(ps.filter((p) => p.topic === 'glowmq/dev1/sensors/t').map((p) => JSON.parse(text(p)).seq)).toEqual([0, 1]);
    const errors = ps.filter((p) => p.topic === 'glowmq/dev1/errors').map((p) => JSON.parse(text(p)).error);
    expect(errors).toEqual(['3 readings dropped while offline or short of memory (queue full)']);
    expect(s.platform.logs).toContain('warn: 3 readings dropped while offline or short of memory (queue full)');
    // Reported once: the next reconnect says nothing more.
    s.t().drop(new Error('cut'));
    s.platform.advance(1000);
    s.mt.last().accept();
    s.mt.last().deliver({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    s.platform.advance(0);
    const again = pubs(s.sent());
    expect(again.map((p) => p.topic)).toContain('glowmq/dev1/status'); // it did announce itself
    expect(again.filter((p) => p.topic === 'glowmq/dev1/errors')).toEqual([]);
  });

  it('a drop report the client refuses (a board short of memory) keeps its count for a later report', () => {
    let v = 0;
    const sensor: Sensor = { name: 't', unit: '°C', read: (cb) => cb(undefined, v++) };
    const s = setup({ discovery: false }, [sensor], LiteClient); // offline from the start
    s.platform.advance(0); // the first reading, queued
    s.platform.memoryError = () => 'short of memory: 150 variables free, 190 needed';
    for (let i = 0; i < 2; i++) s.platform.advance(5000); // 2 readings more (the first is queued), both refused
    s.up(); // the status, the state and the report refused too
    const errors = (ps: Packet[]) => pubs(ps).filter((p) => p.topic === 'glowmq/dev1/errors').map((p) => JSON.parse(text(p)).error);
    expect(errors(s.sent())).toEqual([]);
    expect(s.platform.logs.filter((l) => l.includes('readings dropped'))).toEqual(['warn: 2 readings dropped while offline or short of memory (queue full)']);
    s.platform.memoryError = () => '';
    s.platform.advance(1000); // the announcement again: the report with it
    expect(errors(s.sent())).toEqual(['2 readings dropped while offline or short of memory (queue full)']);
    s.platform.advance(4000);
    expect(errors(s.sent())).toEqual([]); // once
  });

  it("reports the client's 'oversize' event (a message skipped for its size) on <base>/errors and in the log", () => {
    const s = setup({ discovery: false });
    s.up(); s.sent();
    (s.client as unknown as { emit(event: string, ...args: unknown[]): void }).emit('oversize', 'lightChange', 2000000, 1);
    const errors = pubs(s.sent()).filter((p) => p.topic === 'glowmq/dev1/errors').map((p) => JSON.parse(text(p)).error);
    expect(errors).toEqual(['message on lightChange skipped: 2000000 bytes, over the size limit']);
    expect(s.platform.logs.at(-1)).toBe('warn: message on lightChange skipped: 2000000 bytes, over the size limit');
    expect(s.led.history).toEqual([]);
  });

  it('announces itself to Home Assistant on connect (retained, QoS 1), again 0-3 s after homeassistant/status says online, not at all with discovery off', () => {
    const s = setup();
    s.up();
    const configs = (ps: Packet[]) => pubs(ps).filter((p) => p.topic.endsWith('/config'));
    const first = configs(s.sent());
    expect(first.map((p) => [p.topic, p.qos, p.retain])).toEqual([['homeassistant/light/dev1/light/config', 1, true], ['homeassistant/sensor/dev1/temperature/config', 1, true]]);
    s.command('offline', 'homeassistant/status');
    s.command('online', 'homeassistant/status');
    expect(configs(s.sent())).toEqual([]); // not at once: after a random delay
    s.platform.advance(3000);
    expect(configs(s.sent()).map((p) => p.topic)).toEqual(first.map((p) => p.topic));
    expect(s.led.history).toEqual([]); // Home Assistant's status is no command
    expect(s.platform.logs.filter((l) => l.includes('unknown command'))).toEqual([]);
    const off = setup({ discovery: false });
    off.up();
    expect(configs(off.sent())).toEqual([]);
    off.command('online', 'homeassistant/status');
    off.platform.advance(3000);
    expect(configs(off.sent())).toEqual([]);
  });
});
