// glowmq device: the device firmware on Node (a Raspberry Pi, a PC with a serial rig, or the
// simulated board), wired from the validated configuration.
import type { MqttClient } from '../../core/client-options';
import type { Platform } from '../../core/types';
import type { DigitalOut, Sensor } from '../../hal/types';
import { startDevice, deviceClientOptions, type Device, type DevicePlatform } from '../../app/device';
import { createLed, createSensors } from '../../hal/node-hal';
import { GpiodOut } from '../../hal/gpiod-out';
import { createNodeClient } from '../connect';
import { nodePlatform } from '../platform';
import { redactUrl, parseBrokerUrl } from '../url';
import { DEVICE_FLAGS, loadDeviceConfig, nodeSchema, describeSources, queueLimitNote, type NodeDeviceConfig } from '../config';
import { deviceSchema } from '../../app/config';
import { discoveryMessages } from '../../app/discovery';
import { readPem } from './broker-flags';
import type { NodeClientOptions } from '../connect';
import { FileStore, StoreAccessError } from '../../store/file-store';
import { parseArgs, helpText } from './args';
import { labelledLog, type LogFn } from './log';
import { RunError, UsageError } from './usage-error';
import type { CliIo } from './io';
import { serialClient } from './serial-client';

const FLAGS = [...DEVICE_FLAGS, { names: ['--help'], key: 'help', type: 'bool' as const, help: 'show this help' }];

export const DEVICE_HELP = helpText('glowmq device [--config FILE] [--broker URL] [--id NAME] [options]',
  `Runs the glowmq device: keeps an LED in step with commands on <base>/light/set and the
group topic lightChange (on/off/toggle, 1/0, true/false, {"state":"on"}, 现在天黑了/现在天亮了),
publishes <base>/light/state (retained), sensor readings to <base>/sensors/<name> and
<base>/status (online; the will says offline), and announces itself to Home Assistant (MQTT
discovery under homeassistant/). <base> is glowmq/<id>. Stop it with Ctrl-C (or SIGTERM).`, FLAGS,
  `Config file fields (JSON): ${Object.keys({ ...deviceSchema, ...nodeSchema }).join(', ')}
  e.g. {"broker": "mqtt://192.168.1.10", "username": "admin", "led": "gpiod:gpiochip0:17",
        "sensors": ["thermal"], "interval": 30, "phrases": {"lights on": "on"}}
  ("phrases" replaces the built-in seed phrases; --phrase adds to the table)
Precedence: flags > config file > environment (MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD,
WIFI_PASSWORD); -d logs where each setting came from.
Examples:
  glowmq device --broker mqtt://192.168.1.10 -u admin --password-file ~/.mqtt-pw --gpio gpiod:gpiochip0:17
  glowmq device --config /etc/glowmq.json --sensor thermal,ds18b20
  glowmq device --serial /dev/ttyUSB0 --baud 115200 --wifi-ssid home --broker mqtt://192.168.1.10`);

export interface Launched {
  client: MqttClient;
  device: Device;
  led: DigitalOut;
  sensors: Sensor[];
  /** Graceful: "offline" published, DISCONNECT sent, LED line released. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  log: LogFn;
  sysRoot?: string;
  gpioset?: string;
  /** Replaces the configured LED / sensors (the demo passes its own simulated board). */
  led?: DigitalOut;
  sensors?: Sensor[];
}

/** mqtts: the PEM files' contents for the client (checked readable when the config was loaded). */
function tlsOptions(cfg: NodeDeviceConfig): NodeClientOptions {
  const options: NodeClientOptions = {};
  if (cfg.cafile !== undefined) options.ca = readPem('device', 'cafile', cfg.cafile);
  if (cfg.certfile !== undefined) options.cert = readPem('device', 'certfile', cfg.certfile);
  if (cfg.keyfile !== undefined) options.key = readPem('device', 'keyfile', cfg.keyfile);
  if (cfg.insecure) options.rejectUnauthorized = false;
  return options;
}

/** A reading's JSON, about: {"value":21.5,"unit":"°C","ts":1795642691340,"seq":12345}. */
const READING_BYTES = 60;

/** Builds hardware and client from a validated config and starts the device app. */
export async function launchDevice(cfg: NodeDeviceConfig, launch: LaunchOptions): Promise<Launched> {
  const log = launch.log;
  let led: DigitalOut, sensors: Sensor[];
  try {
    led = launch.led ?? createLed(cfg.led, { sysRoot: launch.sysRoot, gpiosetBin: launch.gpioset, onError: (err) => log('error', err.message) });
    sensors = launch.sensors ?? createSensors(cfg.sensors, { sysRoot: launch.sysRoot });
  } catch (err) { throw new RunError(`glowmq device: ${(err as Error).message}`); }
  const platform: DevicePlatform = { ...nodePlatform({ level: 'silent' }), log };
  let store: FileStore | undefined;
  try {
    store = typeof cfg.store === 'string' ? new FileStore(cfg.store, { warn: (text) => log('warn', text) }) : undefined;
  } catch (err) {
    if (err instanceof StoreAccessError) throw new UsageError(`glowmq device: cannot use --store ${err.message}`);
    throw err;
  }
  const options = { ...deviceClientOptions(cfg), reconnectMin: 1000, reconnectMax: 30000 };
  if (cfg.insecure) log('warn', '--insecure: the broker\'s certificate is not verified (any CA, any name, expired too): anyone on the path can read and forge the traffic, password included');
  const shownUrl = redactUrl(cfg.broker);
  let client: MqttClient;
  if (cfg.serial !== undefined) {
    const broker = parseBrokerUrl(cfg.broker);
    client = await serialClient(cfg, broker, options, platform, store);
    log('info', `serial ${cfg.serial} at ${cfg.baud} baud → ${broker.host}:${broker.port}`);
  } else {
    client = createNodeClient(cfg.broker, { ...options, ...tlsOptions(cfg), platform, store });
  }
  client.on('connect', (connack) => log('info', `connected to ${shownUrl} as ${client.clientId}${connack.sessionPresent ? ' (session resumed)' : ''}`));
  // One line per failed attempt: a refused CONNACK is reported as the error, not again as the close.
  let linkUp = false, lastError = '';
  client.on('connect', () => { linkUp = true; lastError = ''; });
  client.on('error', (err) => { lastError = err.message; log('error', err.message); });
  client.on('close', (reason) => {
    const why = reason ? reason.message : 'closed';
    if (client.state !== 'closed' && why !== lastError) log('warn', linkUp ? `connection to ${shownUrl} lost: ${why}` : why);
    linkUp = false;
  });
  client.on('reconnect', (attempt, delay) => log('info', `reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt})`));
  log('info', `device ${cfg.id} via ${shownUrl}: base topic ${cfg.base}, commands on ${cfg.base}/light/set${cfg.command ? ' and ' + cfg.command : ''}, readings every ${cfg.interval} s from ${sensors.map((sensor) => sensor.name).join(', ') || 'no sensors'}, LED ${cfg.led}${cfg.discovery ? ', Home Assistant discovery under ' + cfg.discoveryPrefix + '/' : ''}`);
  log('info', queueLimitNote(cfg, READING_BYTES));
  const device = startDevice(client, { led, sensors }, cfg, platform);
  return {
    client, device, led, sensors,
    stop: () => new Promise<void>((resolve) => {
      device.stop(() => client.end(false, () => {
        if (led instanceof GpiodOut) led.release(resolve);
        else resolve();
      }));
    }),
  };
}

export async function runDevice(argv: string[], cliIo: CliIo): Promise<number> {
  const parsed = parseArgs('device', argv, FLAGS);
  if (parsed.values.help) { cliIo.out(DEVICE_HELP); return 0; }
  const loaded = loadDeviceConfig(parsed, cliIo.env);
  const cfg = loaded.config;
  const log = labelledLog('[device]', cfg.logLevel, cliIo.err, true);
  for (const warning of loaded.warnings) log('warn', warning);
  for (const line of describeSources(loaded)) log('debug', line);
  if (loaded.removeDiscovery) return removeDiscovery(cfg, log);
  const launched = await launchDevice(cfg, { log, sysRoot: loaded.sysRoot, gpioset: loaded.gpioset });
  return new Promise<number>((resolve) => {
    let stopping = 0;
    const onSignal = (sig: string) => {
      // A second signal (not the echo of the first that `timeout` or a shell group sends) forces.
      if (stopping) { if (Date.now() - stopping > 1000) { log('warn', `${sig} again: exiting at once`); resolve(130); } return; }
      stopping = Date.now();
      log('info', `${sig}: stopping (publishing offline, disconnecting)`);
      launched.stop().then(() => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); log('info', 'stopped'); resolve(0); });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** --remove-discovery: an empty retained message on every config topic clears it in Home
 * Assistant and on the broker; then the device exits without running. */
async function removeDiscovery(cfg: NodeDeviceConfig, log: LogFn): Promise<number> {
  const sensors = createSensors(cfg.sensors, {});
  const topics = discoveryMessages(cfg, sensors).map((message) => message[0]);
  const client = createNodeClient(cfg.broker, { ...deviceClientOptions(cfg), ...tlsOptions(cfg), will: undefined, reconnectMin: 1000, reconnectMax: 5000, platform: { ...nodePlatform({ level: 'silent' }), log } });
  client.on('error', (err) => log('error', err.message));
  return new Promise<number>((resolve) => {
    client.on('connect', () => {
      let left = topics.length;
      for (const topic of topics) client.publish(topic, '', { qos: 1, retain: true }, (err) => {
        if (err) log('error', `clearing ${topic}: ${err.message}`);
        else log('info', `cleared ${topic}`);
        if (--left === 0) client.end(false, () => resolve(0));
      });
    });
  });
}
