// Home Assistant's MQTT discovery schema, as far as its documentation states it
// (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery, .../light.mqtt/ with the
// default schema, .../sensor.mqtt/): the config topic's form, required keys, the type of
// every key we may send, allowed values where they are listed, and no key outside the
// documented set (so a typo or an abbreviation mixed with its long form is caught).
// Returns the problems found, [] when the payload is valid.

type Type = 'string' | 'integer' | 'boolean' | 'object' | 'string|list';
interface KeySpec { type: Type; values?: readonly (string | number)[] }

/** Keys every MQTT entity takes. */
const COMMON: { [key: string]: KeySpec } = {
  name: { type: 'string' },
  unique_id: { type: 'string' },
  object_id: { type: 'string' },
  availability_topic: { type: 'string' },
  availability_mode: { type: 'string', values: ['all', 'any', 'latest'] },
  payload_available: { type: 'string' },
  payload_not_available: { type: 'string' },
  device: { type: 'object' },
  origin: { type: 'object' },
  entity_category: { type: 'string', values: ['config', 'diagnostic'] },
  enabled_by_default: { type: 'boolean' },
  icon: { type: 'string' },
  qos: { type: 'integer', values: [0, 1, 2] },
  json_attributes_topic: { type: 'string' },
};
const LIGHT: { [key: string]: KeySpec } = {
  ...COMMON,
  schema: { type: 'string', values: ['basic', 'json', 'template'] },
  command_topic: { type: 'string' },
  state_topic: { type: 'string' },
  state_value_template: { type: 'string' },
  payload_on: { type: 'string' },
  payload_off: { type: 'string' },
  optimistic: { type: 'boolean' },
  retain: { type: 'boolean' },
  brightness_command_topic: { type: 'string' },
};
/** Sensor device classes of Home Assistant's list that a glowmq sensor could have. */
const SENSOR_DEVICE_CLASSES = ['temperature', 'humidity', 'pressure', 'atmospheric_pressure', 'illuminance', 'voltage', 'data_size'];
const SENSOR: { [key: string]: KeySpec } = {
  ...COMMON,
  state_topic: { type: 'string' },
  value_template: { type: 'string' },
  unit_of_measurement: { type: 'string' },
  device_class: { type: 'string', values: SENSOR_DEVICE_CLASSES },
  state_class: { type: 'string', values: ['measurement', 'total', 'total_increasing'] },
  expire_after: { type: 'integer' },
  force_update: { type: 'boolean' },
  suggested_display_precision: { type: 'integer' },
};
const COMPONENTS: { [component: string]: { keys: { [key: string]: KeySpec }; required: string[] } } = {
  light: { keys: LIGHT, required: ['command_topic'] },
  sensor: { keys: SENSOR, required: ['state_topic'] },
};
const DEVICE_KEYS: { [key: string]: KeySpec } = {
  identifiers: { type: 'string|list' },
  connections: { type: 'object' },
  name: { type: 'string' },
  manufacturer: { type: 'string' },
  model: { type: 'string' },
  sw_version: { type: 'string' },
  hw_version: { type: 'string' },
  configuration_url: { type: 'string' },
  suggested_area: { type: 'string' },
  via_device: { type: 'string' },
};
/** node_id and object_id: Home Assistant's documented character set. */
const ID = /^[a-zA-Z0-9_-]+$/;

function typeProblem(where: string, value: unknown, spec: KeySpec): string[] {
  const ok = spec.type === 'integer' ? Number.isInteger(value)
    : spec.type === 'object' ? value !== null && typeof value === 'object' && !Array.isArray(value)
      : spec.type === 'string|list' ? typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
        : typeof value === spec.type;
  if (!ok) return [`${where}: ${JSON.stringify(value)} is not ${spec.type}`];
  if (spec.values && !spec.values.includes(value as string | number)) return [`${where}: ${JSON.stringify(value)} is not one of ${spec.values.join(', ')}`];
  return [];
}

function keysProblems(where: string, config: { [key: string]: unknown }, keys: { [key: string]: KeySpec }): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!Object.prototype.hasOwnProperty.call(keys, key)) problems.push(`${where}: unknown key ${key}`);
    else problems.push(...typeProblem(`${where}.${key}`, config[key], keys[key]));
  }
  return problems;
}

/** Problems with one discovery message: its config topic under `prefix` and its payload text. */
export function discoveryProblems(prefix: string, topic: string, payload: string): string[] {
  const levels = topic.slice(prefix.length + 1).split('/');
  if (!topic.startsWith(prefix + '/') || levels.at(-1) !== 'config' || (levels.length !== 3 && levels.length !== 4)) {
    return [`topic ${topic}: not <prefix>/<component>/[<node_id>/]<object_id>/config`];
  }
  const component = COMPONENTS[levels[0]];
  if (!component) return [`topic ${topic}: component ${levels[0]} is not light or sensor`];
  const problems = levels.slice(1, -1).filter((id) => !ID.test(id)).map((id) => `topic ${topic}: id ${id} is not [a-zA-Z0-9_-]+`);
  let config: unknown;
  try { config = JSON.parse(payload); } catch { return [...problems, `${topic}: payload is not JSON`]; }
  if (!config || typeof config !== 'object' || Array.isArray(config)) return [...problems, `${topic}: payload is not a JSON object`];
  const fields = config as { [key: string]: unknown };
  problems.push(...keysProblems(levels[0], fields, component.keys));
  for (const key of component.required) if (fields[key] === undefined) problems.push(`${levels[0]}: required key ${key} missing`);
  if (fields.device !== undefined && typeof fields.device === 'object' && fields.device !== null) {
    const device = fields.device as { [key: string]: unknown };
    problems.push(...keysProblems(`${levels[0]}.device`, device, DEVICE_KEYS));
    if (device.identifiers === undefined && device.connections === undefined) problems.push(`${levels[0]}.device: needs identifiers or connections`);
    // The device registry needs a unique_id on the entity.
    if (fields.unique_id === undefined) problems.push(`${levels[0]}: a device block needs unique_id`);
  }
  return problems;
}
