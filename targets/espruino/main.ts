// The whole device on an Espruino board: the core client, the device app, and the board's
// I/O — `net` sockets, or an ESP8266/ESP32 AT module on a Serial port; digitalWrite for the
// LED; E.getTemperature(); optionally Storage for in-flight messages. Upload it after a
// `var glowmqConfig = {…};` line (README), or with glowmq.json in Storage.
// `glowmq` (client, device, config) is left global for the console.
import { Client, boardCodec } from '../../src/core/index';
import { startDevice, deviceClientOptions } from '../../src/app/index';
import type { Sensor } from '../../src/hal/types';
import type { TransportFactory } from '../../src/core/types';
import { espruinoNetTransport } from '../../src/transport/espruino-net';
import { createAtTransport } from '../../src/transport/esp-at/index';
import { espruinoSerialStream } from '../../src/transport/esp-at/espruino-serial-stream';
import { espruinoLed } from '../../src/hal/espruino-led';
import { espruinoSensor } from '../../src/hal/espruino-sensors';
import { espruinoStore } from '../../src/store/espruino-storage';
import { boardPlatform } from './platform';
import { loadConfig } from './config';
import { parseBroker } from './broker-url';

declare const global: { [name: string]: any; require(m: string): any };

function start() {
  const cfg = loadConfig();
  const platform = boardPlatform(cfg.debug);
  const b = parseBroker(cfg.broker);
  let transport: TransportFactory;
  if (cfg.serial) {
    const port = global[cfg.serial];
    port.setup(cfg.baud, { rx: cfg.rx && global[cfg.rx], tx: cfg.tx && global[cfg.tx] });
    transport = createAtTransport(espruinoSerialStream(port), platform,
      { host: b.host, port: b.port, ssl: b.tls, ssid: cfg.ssid, password: cfg.wifiPassword, keepalive: 0 });
  } else {
    if (b.tls) throw new Error('mqtts:// needs an AT module (serial) on this target');
    transport = espruinoNetTransport(global.require('net'), b.host, b.port);
  }
  const opts = deviceClientOptions(cfg);
  if (opts.username === undefined) opts.username = b.user;
  if (opts.password === undefined) opts.password = b.pass;
  const client = new Client(opts, {
    platform: platform, transport: transport, codec: boardCodec,
    store: cfg.store ? espruinoStore(global.require('Storage'), 'glowmq.store', 0) : undefined,
  });
  const sensors: Sensor[] = cfg.sensors.map((n) => {
    const s = espruinoSensor(n);
    if (!s) throw new Error('bad config "sensors": unknown sensor "' + n + '" (allowed: temperature, free)');
    return s;
  });
  client.on('error', (e) => platform.log!('warn', e.message));
  client.on('close', (e) => platform.log!('info', 'connection closed' + (e ? ': ' + e.message : '')));
  client.on('connect', () => platform.log!('info', 'connected to ' + b.host + ':' + b.port + ' as ' + client.clientId));
  const device = startDevice(client, { led: espruinoLed(cfg.led), sensors: sensors }, cfg, platform);
  client.connect();
  global.glowmq = { client: client, device: device, config: cfg };
}

try { start(); } catch (e) { console.log('glowmq: ' + (e as Error).message); }
