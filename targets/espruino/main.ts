// The whole device on an Espruino board: the core client, the device app, and the board's
// I/O — `net` sockets, or an ESP8266/ESP32 AT module on a Serial port; digitalWrite for the
// LED; E.getTemperature(); optionally Storage for in-flight messages. Upload it after a
// `var glowmqConfig = {…};` line (README), or with glowmq.json in Storage.
// `glowmq` (client, device, config) is left global for the console. save() and power-up
// work too: E.on('kill') stops the device before a save()/reset(), E.on('init') starts it
// again after a save() and at every boot from the saved state.
import { Client, LiteClient, boardCodec } from '../../src/core/index';
import { startDevice, deviceClientOptions } from '../../src/app/index';
import type { Store, TransportFactory } from '../../src/core/types';
import { netLink } from '../../src/transport/espruino/net';
import { createModem, type EspAtOptions } from '../../src/transport/esp-at/modem';
import { espruinoSerialStream } from '../../src/transport/esp-at/espruino-serial-stream';
import { espruinoLed } from '../../src/hal/espruino/led';
import { espruinoSensor } from '../../src/hal/espruino/sensors';
import { espruinoStore } from '../../src/store/espruino/storage';
import { boardPlatform, boardLog } from './platform';
import { WITH_AT, WITH_AT_PASSIVE, WITH_QOS2, WITH_STORE } from '../../src/core/features';
import { loadConfig } from './config';
import { parseBroker } from './broker-url';

declare const global: { [name: string]: any; require(module: string): any };
declare const E: { on(event: string, handler: () => void): void };

/** "host:port as client-id", for the log line on connect (set by start). */
let linkName = '';

/** The client's 'connect' (the CONNACK packet) and 'close' (a reason or none) events: one
 * module-level function, so start() leaves no closure (nor its scope) behind. */
function logLink(event?: any) {
  boardLog('info', event && event.cmd ? 'connected to ' + linkName : 'connection closed' + (event ? ': ' + event.message : ''));
}

function logError(err: Error) {
  boardLog('warn', err.message);
}

// Nothing made here outlives it but the objects it hands on (the client, the device and their
// parts make their own): on a board a closure left here would hold all of start's locals.
function start() {
  /** A port or pin by name ("Serial2", "A3", "LED1"). */
  const need = (name: string) => {
    const found = global[name];
    if (found == null) throw new Error('no "' + name + '" on this board');
    return found;
  };
  const cfg = loadConfig(), platform = boardPlatform(cfg.logLevel), broker = parseBroker(cfg.broker);
  let transport: TransportFactory, port;
  if (cfg.serial) {
    if (!WITH_AT) throw new Error('"serial": this build has no ESP-AT transport (build it with --with at)');
    port = need(cfg.serial);
    port.setup(cfg.baud, { rx: cfg.rx && need(cfg.rx), tx: cfg.tx && need(cfg.tx) });
    // The modem's transport() needs no `this`: it is the factory itself.
    broker.ssid = cfg.wifiSsid;
    broker.password = cfg.wifiPassword;
    const atOptions: EspAtOptions = broker;
    if (WITH_AT_PASSIVE) atOptions.readChunk = 512; // passive reads are held whole: small ones keep the board's memory low
    transport = createModem(espruinoSerialStream(port), platform, atOptions).transport;
  } else {
    if (broker.ssl) throw new Error('mqtts needs an AT module (serial)');
    // The factory is netLink bound to the broker: a closure made here would hold start's scope.
    transport = netLink.bind(null, global.require('net'), broker.host, broker.port);
  }
  const options = deviceClientOptions(cfg);
  options.username = options.username || broker.user; // a configured one is non-empty
  if (options.password == null) options.password = broker.pass;
  // Without QoS 2 and a store (the lite profile) the lite client, made for small boards.
  const client = new (WITH_QOS2 || WITH_STORE ? Client : LiteClient)(options, {
    platform: platform, transport: transport, codec: boardCodec,
    // Off: undefined or false, and the client keeps its store in memory. true: "glowmq.store".
    store: (WITH_STORE && cfg.store && espruinoStore(global.require('Storage'), cfg.store === true ? 'glowmq.store' : cfg.store, platform, 0)) as Store | undefined,
  });
  linkName = broker.host + ':' + broker.port + ' as ' + client.clientId;
  client.on('error', logError);
  client.on('close', logLink);
  client.on('connect', logLink);
  global.glowmq = { client: client, device: startDevice(client, { led: espruinoLed(need(cfg.led)), sensors: cfg.sensors.map(espruinoSensor) }, cfg, platform), config: cfg };
  client.connect();
}

// Code flashed to .bootcde runs at boot and THEN the board emits 'init': start once.
function run() {
  if (global.glowmq) return;
  try { start(); } catch (err) { console.log('glowmq: ' + (err as Error).message); }
}
function stop() {
  const running = global.glowmq;
  global.glowmq = undefined;
  if (running) { running.device.stop(); running.client.end(true); }
}
run();
E.on('kill', stop);
E.on('init', run);
