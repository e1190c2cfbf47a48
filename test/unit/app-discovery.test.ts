// Home Assistant discovery configs as the device builds them: every field the issue lists,
// the long keys, and Home Assistant's documented schema (test/support/ha-discovery-schema.ts),
// which is itself shown to refuse what Home Assistant refuses.
import { describe, it, expect } from 'vitest';
import { discoveryMessages, discoveryStatusTopic } from '../../src/app/discovery';
import { validateConfig } from '../../src/app/config';
import type { Sensor } from '../../src/hal/types';
import { discoveryProblems } from '../support/ha-discovery-schema';

const sensor = (name: string, unit: string): Sensor => ({ name, unit, read: (cb) => cb(undefined, 1) });
const device = { identifiers: ['glowmq_pi_1'], name: 'pi.1', manufacturer: 'glowmq', model: 'glowmq device', sw_version: '0.1.0' };

describe('Home Assistant discovery configs', () => {
  const cfg = validateConfig({ id: 'pi.1', base: 'home/pi' });
  const messages = discoveryMessages(cfg, [sensor('temperature', '°C'), sensor('free', 'vars')]);

  it('a light: command and state topics, on/off payloads, availability, unique_id, device', () => {
    expect(messages[0][0]).toBe('homeassistant/light/pi_1/light/config');
    expect(JSON.parse(messages[0][1])).toEqual({
      name: 'light', unique_id: 'glowmq_pi_1_light',
      availability_topic: 'home/pi/status', payload_available: 'online', payload_not_available: 'offline',
      device,
      command_topic: 'home/pi/light/set', state_topic: 'home/pi/light/state', payload_on: 'on', payload_off: 'off', qos: 1,
    });
  });

  it('one sensor per reading: state topic, value template, unit, device class (°C only), state class', () => {
    expect(messages.map((message) => message[0])).toEqual([
      'homeassistant/light/pi_1/light/config', 'homeassistant/sensor/pi_1/temperature/config', 'homeassistant/sensor/pi_1/free/config',
    ]);
    expect(JSON.parse(messages[1][1])).toEqual({
      name: 'temperature', unique_id: 'glowmq_pi_1_temperature',
      availability_topic: 'home/pi/status', payload_available: 'online', payload_not_available: 'offline',
      device,
      state_topic: 'home/pi/sensors/temperature', value_template: '{{ value_json.value }}', unit_of_measurement: '°C',
      device_class: 'temperature', state_class: 'measurement',
    });
    expect(JSON.parse(messages[2][1])).not.toHaveProperty('device_class');
    expect(JSON.parse(messages[2][1]).unit_of_measurement).toBe('vars');
  });

  it('every config passes Home Assistant\'s schema; the prefix and status topic follow discoveryPrefix', () => {
    for (const [topic, payload] of messages) expect(discoveryProblems('homeassistant', topic, payload), topic).toEqual([]);
    const other = validateConfig({ id: 'd', discoveryPrefix: 'ha/disc' });
    expect(discoveryStatusTopic(other)).toBe('ha/disc/status');
    for (const [topic, payload] of discoveryMessages(other, [sensor('t', '°C')])) {
      expect(topic.startsWith('ha/disc/')).toBe(true);
      expect(discoveryProblems('ha/disc', topic, payload)).toEqual([]);
    }
  });

  it('the schema check refuses what Home Assistant refuses', () => {
    const light = JSON.parse(messages[0][1]);
    const bad = (change: object, topic = messages[0][0]) => discoveryProblems('homeassistant', topic, JSON.stringify({ ...light, ...change }));
    expect(bad({ command_topic: undefined })).toEqual(['light: required key command_topic missing']);
    expect(bad({ qos: '1' })).toEqual(['light.qos: "1" is not integer']);
    expect(bad({ qos: 3 })).toEqual(['light.qos: 3 is not one of 0, 1, 2']);
    expect(bad({ cmd_t: 'x/set' })).toEqual(['light: unknown key cmd_t']);
    expect(bad({ unique_id: undefined })).toEqual(['light: a device block needs unique_id']);
    expect(bad({ device: { name: 'x' } })).toEqual(['light.device: needs identifiers or connections']);
    expect(bad({}, 'homeassistant/light/pi.1/light/config')).toEqual(['topic homeassistant/light/pi.1/light/config: id pi.1 is not [a-zA-Z0-9_-]+']);
    expect(bad({}, 'homeassistant/switch/pi/light/config')).toEqual(['topic homeassistant/switch/pi/light/config: component switch is not light or sensor']);
    expect(discoveryProblems('homeassistant', messages[1][0], messages[1][1].replace('"measurement"', '"average"'))).toEqual(['sensor.state_class: "average" is not one of measurement, total, total_increasing']);
  });
});
