// --serial: the client reaches the broker through an ESP8266/ESP32 running Espressif's AT
// firmware on a serial port (src/transport/esp-at). `serialport` is a native package kept
// out of the one-file build: openSerialStream loads it only when a port is really opened.
import type { ClientOptions, MqttClient } from '../../core/client-options';
import type { Platform, Store } from '../../core/types';
import { Client } from '../../core/client';
import { createAtTransport } from '../../transport/esp-at/index';
import { openSerialStream } from '../../transport/serialport-stream';
import { boardCodec } from '../../core/codec/index';
import type { BrokerUrl } from '../url';
import type { NodeDeviceConfig } from '../config';
import { RunError } from './usage-error';

export async function serialClient(cfg: NodeDeviceConfig, b: BrokerUrl, options: ClientOptions, platform: Platform, store?: Store): Promise<MqttClient> {
  let stream;
  try { stream = (await openSerialStream(cfg.serial!, cfg.baud)).stream; } catch (e) {
    const m = (e as Error).message;
    throw new RunError(`glowmq device: ${/npm install serialport/.test(m) ? m + ' next to glowmq.cjs (it is native, so not inside the one file)' : m}`);
  }
  const transport = createAtTransport(stream, platform, { host: b.host, port: b.port, ssl: b.tls, ssid: cfg.wifiSsid, password: cfg.wifiPassword });
  const o: ClientOptions = { ...options };
  if (o.username === undefined) o.username = b.username;
  if (o.password === undefined) o.password = b.password;
  const client = new Client(o, { platform, transport, codec: boardCodec, store });
  client.connect();
  return client;
}
