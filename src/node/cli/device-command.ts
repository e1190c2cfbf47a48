// glowmq device: the device firmware on Node (a Raspberry Pi, a PC with a serial rig, or the
// simulated board), wired from the validated configuration.
import type { MqttClient } from '../../core/client-options';
import type { Platform } from '../../core/types';
import type { DigitalOut, Sensor } from '../../hal/types';
import { startDevice, deviceClientOptions, type Device } from '../../app/device';
import { createLed, createSensors } from '../../hal/node-hal';
import { GpiodOut } from '../../hal/gpiod-out';
import { createNodeClient } from '../connect';
import { nodePlatform } from '../platform';
import { redactUrl, parseBrokerUrl } from '../url';
import { DEVICE_FLAGS, loadDeviceConfig, nodeSchema, type NodeDeviceConfig } from '../config';
import { deviceSchema } from '../../app/config';
import { FileStore, StoreAccessError } from '../../store/file-store';
import { parseArgs, helpText } from './args';
import { labelledLog, type LogFn } from './log';
import { RunError, UsageError } from './usage-error';
import type { CliIo } from './io';
import { serialClient } from './serial-client';

const FLAGS = [...DEVICE_FLAGS, { names: ['--help'], key: 'help', type: 'bool' as const, help: 'show this help' }];

export const DEVICE_HELP = helpText('glowmq device [--config FILE] [--broker URL] [--id NAME] [options]',
  `Runs the glowmq device: keeps an LED in step with commands on lightChange (on/off/toggle,
1/0, true/false, {"state":"on"}, 现在天黑了/现在天亮了), publishes <base>/light/state
(retained), sensor readings to <base>/sensors/<name> and <base>/status (online; the will
says offline). <base> is glowmq/<id>. Stop it with Ctrl-C (or SIGTERM).`, FLAGS,
  `Config file fields (JSON): ${Object.keys({ ...deviceSchema, ...nodeSchema }).join(', ')}
  e.g. {"broker": "mqtt://192.168.1.10", "username": "admin", "led": "gpiod:gpiochip0:17",
        "sensors": ["thermal"], "interval": 30, "phrases": {"lights on": "on"}}
  ("phrases" replaces the built-in seed phrases; --phrase adds to the table)
Environment: MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, WIFI_PASSWORD (flags win).
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

/** Builds hardware and client from a validated config and starts the device app. */
export async function launchDevice(cfg: NodeDeviceConfig, o: LaunchOptions): Promise<Launched> {
  const log = o.log;
  let led: DigitalOut, sensors: Sensor[];
  try {
    led = o.led ?? createLed(cfg.led, { sysRoot: o.sysRoot, gpiosetBin: o.gpioset, onError: (e) => log('error', e.message) });
    sensors = o.sensors ?? createSensors(cfg.sensors, { sysRoot: o.sysRoot });
  } catch (e) { throw new RunError(`glowmq device: ${(e as Error).message}`); }
  const platform: Platform = { ...nodePlatform({ level: 'silent' }), log };
  let store: FileStore | undefined;
  try {
    store = cfg.store !== undefined ? new FileStore(cfg.store, { warn: (m) => log('warn', m) }) : undefined;
  } catch (err) {
    if (err instanceof StoreAccessError) throw new UsageError(`glowmq device: cannot use --store ${err.message}`);
    throw err;
  }
  const options = { ...deviceClientOptions(cfg), reconnectMin: 1000, reconnectMax: 30000 };
  const shownUrl = redactUrl(cfg.broker);
  let client: MqttClient;
  if (cfg.serial !== undefined) {
    const b = parseBrokerUrl(cfg.broker);
    client = await serialClient(cfg, b, options, platform, store);
    log('info', `serial ${cfg.serial} at ${cfg.baud} baud → ${b.host}:${b.port}`);
  } else {
    client = createNodeClient(cfg.broker, { ...options, platform, store });
  }
  client.on('connect', (c) => log('info', `connected to ${shownUrl} as ${client.clientId}${c.sessionPresent ? ' (session resumed)' : ''}`));
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
  log('info', `device ${cfg.id} via ${shownUrl}: base topic ${cfg.base}, commands on ${cfg.command}, readings every ${cfg.interval} s from ${sensors.map((s) => s.name).join(', ') || 'no sensors'}, LED ${cfg.led}`);
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

export async function runDevice(argv: string[], io: CliIo): Promise<number> {
  const p = parseArgs('device', argv, FLAGS);
  if (p.values.help) { io.out(DEVICE_HELP); return 0; }
  const loaded = loadDeviceConfig(p, io.env);
  const cfg = loaded.config;
  const log = labelledLog('[device]', cfg.logLevel, io.err, true);
  const d = await launchDevice(cfg, { log, sysRoot: loaded.sysRoot, gpioset: loaded.gpioset });
  return new Promise<number>((resolve) => {
    let stopping = 0;
    const onSignal = (sig: string) => {
      // A second signal (not the echo of the first that `timeout` or a shell group sends) forces.
      if (stopping) { if (Date.now() - stopping > 1000) { log('warn', `${sig} again: exiting at once`); resolve(130); } return; }
      stopping = Date.now();
      log('info', `${sig}: stopping (publishing offline, disconnecting)`);
      d.stop().then(() => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); log('info', 'stopped'); resolve(0); });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
