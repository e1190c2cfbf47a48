// Home Assistant MQTT discovery against mosquitto, with MQTT.js standing in for Home
// Assistant: `glowmq device` announces a light and a sensor (retained, every field checked and
// validated against Home Assistant's schema), a command on the discovered command_topic and on
// lightChange switches the LED, homeassistant/status "online" brings a re-announcement, and
// `--remove-discovery` clears the retained configs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { discoveryProblems } from '../support/ha-discovery-schema';
import { glowmq, run, type Proc } from './cli-process';
import { waitFor } from '../support/wait';

describeWithPeers('Home Assistant discovery against mosquitto', [peers.mosquitto()], () => {
  let m: Mosquitto;
  let ha: MqttClient;
  let dev: Proc | undefined;
  const seen: { topic: string; text: string; retain: boolean }[] = [];
  const args = () => ['--broker', `mqtt://127.0.0.1:${m.port}`, '-u', 'admin', '-P', 'password', '--id', 'hadev', '--interval', '3600'];

  beforeAll(async () => {
    m = await startMosquitto();
    ha = await mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: 'home-assistant', username: 'admin', password: 'password', reconnectPeriod: 0 });
    ha.on('message', (topic, payload, packet) => seen.push({ topic, text: payload.toString(), retain: packet.retain }));
    await ha.subscribeAsync(['homeassistant/#', 'glowmq/hadev/#'], { qos: 1 });
  });
  afterAll(async () => {
    await dev?.kill('SIGKILL');
    await ha?.endAsync();
    await m?.stop();
  });

  const configs = () => seen.filter((x) => x.topic.endsWith('/config'));
  const lightTopic = 'homeassistant/light/hadev/light/config', sensorTopic = 'homeassistant/sensor/hadev/temperature/config';

  it('announces a light and a sensor with every field, retained, valid for Home Assistant', async () => {
    dev = glowmq(['device', ...args()]);
    await dev.line(/subscribed to lightChange, glowmq\/hadev\/light\/set, homeassistant\/status \(QoS 1\)/);
    await waitFor('both configs', () => configs().length >= 2);
    const light = configs().find((x) => x.topic === lightTopic)!, sensor = configs().find((x) => x.topic === sensorTopic)!;
    const device = { identifiers: ['glowmq_hadev'], name: 'hadev', manufacturer: 'glowmq', model: 'glowmq device', sw_version: '0.1.0' };
    const availability = { availability_topic: 'glowmq/hadev/status', payload_available: 'online', payload_not_available: 'offline' };
    expect(JSON.parse(light.text)).toEqual({
      name: 'light', unique_id: 'glowmq_hadev_light', ...availability, device,
      command_topic: 'glowmq/hadev/light/set', state_topic: 'glowmq/hadev/light/state', payload_on: 'on', payload_off: 'off', qos: 1,
    });
    expect(JSON.parse(sensor.text)).toEqual({
      name: 'temperature', unique_id: 'glowmq_hadev_temperature', ...availability, device,
      state_topic: 'glowmq/hadev/sensors/temperature', value_template: '{{ value_json.value }}', unit_of_measurement: '°C',
      device_class: 'temperature', state_class: 'measurement',
    });
    for (const x of [light, sensor]) expect(discoveryProblems('homeassistant', x.topic, x.text), x.topic).toEqual([]);
    // Retained: a Home Assistant that starts later still finds them.
    const late = await mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: 'late-ha', username: 'admin', password: 'password', reconnectPeriod: 0 });
    const retained: string[] = [];
    late.on('message', (topic, _payload, packet) => { if (packet.retain) retained.push(topic); });
    await late.subscribeAsync('homeassistant/#');
    await waitFor('retained configs', () => retained.length >= 2);
    expect(retained.sort()).toEqual([lightTopic, sensorTopic]);
    await late.endAsync();
    // The state the light config points at is there, and the sensor's value_template finds a value.
    await waitFor('state and a reading', () => seen.some((x) => x.topic === 'glowmq/hadev/light/state') && seen.some((x) => x.topic === 'glowmq/hadev/sensors/temperature'));
    expect(typeof JSON.parse(seen.find((x) => x.topic === 'glowmq/hadev/sensors/temperature')!.text).value).toBe('number');
  });

  it('a command on the discovered command_topic switches the LED; lightChange still does', async () => {
    const light = JSON.parse(configs().find((x) => x.topic === lightTopic)!.text);
    const states = () => seen.filter((x) => x.topic === light.state_topic).map((x) => x.text);
    await ha.publishAsync(light.command_topic, light.payload_on, { qos: 1 });
    await dev!.line(/LED on <- glowmq\/hadev\/light\/set "on"/);
    await waitFor('state on', () => states().at(-1) === 'on');
    await ha.publishAsync('lightChange', '现在天亮了', { qos: 1 });
    await dev!.line(/LED off <- lightChange "现在天亮了"/);
    await waitFor('state off', () => states().at(-1) === light.payload_off);
  });

  it('homeassistant/status "online" brings a re-announcement', async () => {
    const before = configs().length;
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await waitFor('configs again', () => configs().length >= before + 2, 10_000);
    expect(configs().slice(before).map((x) => x.topic).sort()).toEqual([lightTopic, sensorTopic]);
    expect(dev!.stderr()).not.toMatch(/unknown command/);
  });

  it('--remove-discovery clears the retained configs; --no-discovery announces nothing', async () => {
    expect(await dev!.kill('SIGTERM')).toBe(0);
    const removed = await run(['device', ...args(), '--remove-discovery']);
    expect(removed.stderr).toContain(`cleared ${lightTopic}`);
    expect(removed.stderr).toContain(`cleared ${sensorTopic}`);
    expect(removed.code).toBe(0);
    dev = glowmq(['device', ...args(), '--no-discovery']);
    await dev.line(/subscribed to lightChange, glowmq\/hadev\/light\/set \(QoS 1\)/);
    // A fresh subscriber gets every retained message before a message sent after its SUBACK.
    const late = await mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: 'late-ha2', username: 'admin', password: 'password', reconnectPeriod: 0 });
    const got: string[] = [];
    late.on('message', (topic) => got.push(topic));
    await late.subscribeAsync('homeassistant/#', { qos: 1 });
    await late.publishAsync('homeassistant/marker', 'x', { qos: 1 });
    await waitFor('marker', () => got.includes('homeassistant/marker'));
    expect(got).toEqual(['homeassistant/marker']);
    await late.endAsync();
    expect(await dev.kill('SIGTERM')).toBe(0);
  });
});
