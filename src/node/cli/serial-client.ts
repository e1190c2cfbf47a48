// --serial: the client reaches the broker through an ESP8266/ESP32 running Espressif's AT
// firmware on a serial port (src/transport/esp-at). `serialport` is a native package kept
// out of the one-file build, so it is loaded only here, with a clear message when missing.
import type { ClientOptions, MqttClient } from '../../core/client-options';
import type { Platform, Store } from '../../core/types';
import { Client } from '../../core/client';
import { createAtTransport, type ByteStream } from '../../transport/esp-at/index';
import { mqttPacketCodec } from '../mqtt-packet-codec';
import type { BrokerUrl } from '../url';
import type { NodeDeviceConfig } from '../config';
import { RunError } from './usage-error';

async function openSerial(path: string, baud: number): Promise<ByteStream> {
  let mod: { SerialPort: new (o: { path: string; baudRate: number; autoOpen: boolean }) => any };
  try { mod = await import('serialport') as any; } catch {
    throw new RunError('glowmq device: --serial needs the serialport package: run `npm install serialport` next to glowmq.cjs (it is native, so not inside the one file)');
  }
  const port = new mod.SerialPort({ path, baudRate: baud, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err?: Error | null) => err ? reject(new RunError(`glowmq device: cannot open serial port ${path}: ${err.message}`)) : resolve()));
  const listeners: ((b: Uint8Array) => void)[] = [];
  port.on('data', (b: Buffer) => { for (const fn of listeners) fn(b); });
  port.on('error', () => { /* surfaces as AT command timeouts, which close the link with a reason */ });
  return { write: (b) => { port.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength)); }, onData: (fn) => { listeners.push(fn); } };
}

export async function serialClient(cfg: NodeDeviceConfig, b: BrokerUrl, options: ClientOptions, platform: Platform, store?: Store): Promise<MqttClient> {
  const stream = await openSerial(cfg.serial!, cfg.baud);
  const transport = createAtTransport(stream, platform, { host: b.host, port: b.port, ssl: b.tls, ssid: cfg.wifiSsid, password: cfg.wifiPassword });
  const o: ClientOptions = { ...options };
  if (o.username === undefined) o.username = b.username;
  if (o.password === undefined) o.password = b.password;
  const client = new Client(o, { platform, transport, codec: mqttPacketCodec, store });
  client.connect();
  return client;
}
