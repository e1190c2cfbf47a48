// The whole device on an Espruino board: the core client, the device app, and the board's
// I/O — `net` sockets, or an ESP8266/ESP32 AT module on a Serial port; digitalWrite for the
// LED; E.getTemperature(); optionally Storage for in-flight messages. Upload it after a
// `var glowmqConfig = {…};` line (README), or with glowmq.json in Storage.
// `glowmq` (client, device, config) is left global for the console. save() and power-up
// work too: E.on('kill') stops the device before a save()/reset(), E.on('init') starts it
// again after a save() and at every boot from the saved state.
import { Client, boardCodec } from '../../src/core/index';
import { startDevice, deviceClientOptions } from '../../src/app/index';
import type { Store, TransportFactory } from '../../src/core/types';
import { espruinoNetTransport } from '../../src/transport/espruino/net';
import { createModem, type EspAtOptions } from '../../src/transport/esp-at/modem';
import { espruinoSerialStream } from '../../src/transport/esp-at/espruino-serial-stream';
import { espruinoLed } from '../../src/hal/espruino/led';
import { espruinoSensor } from '../../src/hal/espruino/sensors';
import { espruinoStore } from '../../src/store/espruino/storage';
import { boardPlatform } from './platform';
import { loadConfig } from './config';
import { parseBroker } from './broker-url';

declare const global: { [name: string]: any; require(m: string): any };
declare const E: { on(ev: string, fn: () => void): void };

/** A port or pin by name ("Serial2", "A3", "LED1"). */
function need(name: string) {
  const x = global[name];
  if (x == null) throw new Error('no "' + name + '" on this board');
  return x;
}

function start() {
  const cfg = loadConfig(), P = boardPlatform(cfg.debug), log = P.log!, b = parseBroker(cfg.broker);
  let transport: TransportFactory, port;
  if (cfg.serial) {
    port = need(cfg.serial);
    port.setup(cfg.baud, { rx: cfg.rx && need(cfg.rx), tx: cfg.tx && need(cfg.tx) });
    // The modem's transport() needs no `this`: it is the factory itself.
    b.ssid = cfg.ssid;
    b.password = cfg.wifiPassword;
    const atOptions: EspAtOptions = b;
    atOptions.readChunk = 512; // passive reads are held whole: small ones keep the board's memory low
    transport = createModem(espruinoSerialStream(port), P, atOptions).transport;
  } else {
    if (b.ssl) throw new Error('mqtts needs an AT module (serial)');
    transport = espruinoNetTransport(global.require('net'), b.host, b.port);
  }
  const opts = deviceClientOptions(cfg);
  opts.username = opts.username || b.user; // a configured one is non-empty
  if (opts.password == null) opts.password = b.pass;
  const client = new Client(opts, {
    platform: P, transport: transport, codec: boardCodec,
    // Off: undefined or false, and the client keeps its store in memory.
    store: (cfg.store && espruinoStore(global.require('Storage'), 'glowmq.store', P, 0)) as Store | undefined,
  });
  client.on('error', (e) => log('warn', e.message));
  // 'connect' (the CONNACK packet) and 'close' (a reason or none): one function object.
  const note = (e?: any) => log('info', e && e.cmd ? 'connected to ' + b.host + ':' + b.port + ' as ' + client.clientId : 'connection closed' + (e ? ': ' + e.message : ''));
  client.on('close', note);
  client.on('connect', note);
  global.glowmq = { client: client, device: startDevice(client, { led: espruinoLed(need(cfg.led)), sensors: cfg.sensors.map(espruinoSensor) }, cfg, P), config: cfg };
  client.connect();
}

// Code flashed to .bootcde runs at boot and THEN the board emits 'init': start once.
function run() {
  if (global.glowmq) return;
  try { start(); } catch (e) { console.log('glowmq: ' + (e as Error).message); }
}
function stop() {
  const g = global.glowmq;
  global.glowmq = undefined;
  if (g) { g.device.stop(); g.client.end(true); }
}
run();
E.on('kill', stop);
E.on('init', run);
