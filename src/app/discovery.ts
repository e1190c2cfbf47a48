// Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery):
// one retained config per entity, a light and one sensor per reading, under
// <prefix>/<component>/<node_id>/<object_id>/config, with the long (unabbreviated) keys.
// Built when announced, not held: on a board the configs would cost memory all the time.
import type { Sensor } from '../hal/types';
import type { DeviceConfig } from './config';

const CELSIUS = '°C';
export const SOFTWARE_VERSION = '0.1.0';

/** Home Assistant's birth and last-will topic: "online" when it (re)starts. */
export function discoveryStatusTopic(cfg: DeviceConfig): string {
  return cfg.discoveryPrefix + '/status';
}

/** [config topic, retained JSON payload] for the light and for each sensor. */
export function discoveryMessages(cfg: DeviceConfig, sensors: Sensor[]): [string, string][] {
  // node_id allows [a-zA-Z0-9_-] only; the device id may also hold '.'.
  const node = cfg.id.replace(/\./g, '_'), base = cfg.base, prefix = cfg.discoveryPrefix + '/';
  const device = { identifiers: ['glowmq_' + node], name: cfg.id, manufacturer: 'glowmq', model: 'glowmq device', sw_version: SOFTWARE_VERSION };
  const entity = (name: string, extra: { [key: string]: unknown }) => JSON.stringify(Object.assign({
    name: name,
    unique_id: 'glowmq_' + node + '_' + name,
    availability_topic: base + '/status',
    payload_available: 'online',
    payload_not_available: 'offline',
    device: device,
  }, extra));
  const messages: [string, string][] = [[prefix + 'light/' + node + '/light/config', entity('light', {
    command_topic: base + '/light/set',
    state_topic: base + '/light/state',
    payload_on: 'on',
    payload_off: 'off',
    qos: cfg.commandQos,
  })]];
  sensors.forEach((sensor) => {
    const sensorConfig: { [key: string]: unknown } = {
      state_topic: base + '/sensors/' + sensor.name,
      value_template: '{{ value_json.value }}',
      unit_of_measurement: sensor.unit,
      state_class: 'measurement',
    };
    // The one unit Home Assistant knows a device class for among ours (free memory has none).
    if (sensor.unit == CELSIUS) sensorConfig.device_class = 'temperature';
    messages.push([prefix + 'sensor/' + node + '/' + sensor.name + '/config', entity(sensor.name, sensorConfig)]);
  });
  return messages;
}
