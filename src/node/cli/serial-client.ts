// --serial: the client reaches the broker through an ESP8266/ESP32 running Espressif's AT
// firmware on a serial port (src/transport/esp-at). `serialport` is a native package kept
// out of the one-file build: openSerialLink loads it only when a port is really opened.
// A lost port (unplugged, or a module that stopped answering) fails the link at once; the
// same path is reopened, and the next link waits for it, so the device is online again
// within seconds of the port's return. With --serial-exit-on-loss it exits 1 instead.
import { existsSync, readFileSync } from 'node:fs';
import type { ClientOptions, MqttClient } from '../../core/client-options';
import type { Platform, Store, Transport, TransportHandlers } from '../../core/types';
import { Client } from '../../core/client';
import { createAtTransport, type AtTransportFactory } from '../../transport/esp-at/index';
import { openSerialLink, type SerialLink } from '../../transport/serialport-stream';
import { boardCodec } from '../../core/codec/index';
import type { BrokerUrl } from '../url';
import type { NodeDeviceConfig } from '../config';
import { RunError, UsageError } from './usage-error';

/** Exit status with --serial-exit-on-loss: a supervisor restarts the device. */
export const EXIT_SERIAL_LOST = 1;
/** Without a first byte from the broker this long after the module's link opened, the link
 * is dropped (the client's own connect timeout is off: it would count the wait for the port). */
const FIRST_BYTE_MS = 30000;

/** What to check, for the AT failures a user can fix ('' when there is nothing to add). */
export function atHint(message: string, broker: { host: string; port: number }): string {
  if (/no ip/.test(message)) return 'the module has no IP address: is it on Wi-Fi? Pass --wifi-ssid and --wifi-password to join a network';
  if (/DNS Fail/.test(message)) return `the module cannot resolve ${broker.host}: use the broker's IP address, or check the network's DNS`;
  if (/AT\+CIPSTART failed/.test(message)) return `is the broker ${broker.host}:${broker.port} reachable from the module's network (not only from this host)?`;
  if (/AT\+(SYSMFG|CIPSSLCCONF) failed/.test(message)) return 'this module cannot check certificates (that needs ESP-AT on ESP32); --insecure accepts an unauthenticated link';
  if (/Wi-Fi join: wrong password/.test(message)) return 'check --wifi-password';
  if (/Wi-Fi join: AP not found/.test(message)) return 'check --wifi-ssid: is that network in range?';
  if (/^AT(\+RST)? timed out/.test(message)) return 'no answer from the module: check the wiring (TX to RX), --baud and its power';
  return '';
}

/** One connection attempt: waits for the port, then runs the AT transport over it. */
function waitingTransport(link: SerialLink, atFactory: AtTransportFactory, platform: Platform, broker: BrokerUrl): Transport {
  let inner: Transport | null = null;
  let cancelWait: (() => void) | null = null;
  let guard: unknown;
  return {
    open(handlers: TransportHandlers) {
      cancelWait = link.whenOpen(() => {
        cancelWait = null;
        const transport = (inner = atFactory());
        transport.open({
          onOpen() {
            // (the AT link's close takes the reason, as its own failures do)
            guard = platform.setTimeout(() => (transport.close as (error: Error) => void)(new Error(`no answer from the broker within ${FIRST_BYTE_MS / 1000} s`)), FIRST_BYTE_MS);
            handlers.onOpen();
          },
          onData(bytes) { platform.clearTimeout(guard); handlers.onData(bytes); },
          onDrain: () => handlers.onDrain(),
          onClose(error) {
            platform.clearTimeout(guard);
            const hint = error ? atHint(error.message, broker) : '';
            if (hint) error!.message += ' — ' + hint;
            handlers.onClose(error);
          },
        });
      });
    },
    write: (bytes) => (inner ? inner.write(bytes) : false),
    close() {
      platform.clearTimeout(guard);
      if (cancelWait) cancelWait();
      if (inner) inner.close();
    },
  };
}

/** mqtts over an AT module: the module does the TLS (AT+CIPSTART "SSL"). With --cafile the CA
 * is written into the module, which then checks the broker's certificate (ESP-AT on ESP32:
 * AT+SYSMFG and AT+CIPSSLCCONF). Without one nothing is checked: refused unless --insecure,
 * which is then warned at every start. Returns the CA (PEM) for the driver. */
function tlsOverAt(cfg: NodeDeviceConfig & { cafile?: string }, broker: BrokerUrl, log: (level: 'warn', message: string) => void): string | undefined {
  if (!broker.tls) return undefined;
  if (cfg.cafile !== undefined) {
    try { return readFileSync(cfg.cafile, 'utf8'); } catch (error) {
      throw new UsageError(`glowmq device: cannot read --cafile ${cfg.cafile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (!cfg.insecure) throw new UsageError('glowmq device: mqtts over an AT module (--serial) checks the broker\'s certificate only with --cafile (ESP-AT on ESP32): pass --cafile, or --insecure to accept an encrypted but unauthenticated link');
  log('warn', 'mqtts over the AT module with --insecure: the link is encrypted but not authenticated (the broker\'s certificate is not checked)');
  return undefined;
}

export async function serialClient(cfg: NodeDeviceConfig, broker: BrokerUrl, options: ClientOptions, platform: Platform, store?: Store): Promise<MqttClient> {
  const log = (level: 'info' | 'warn' | 'error', message: string) => platform.log?.(level, message);
  const caPem = tlsOverAt(cfg, broker, log);
  let atFactory: AtTransportFactory | undefined;
  let waitingLogged = false;
  let link: SerialLink;
  try {
    link = await openSerialLink(cfg.serial!, cfg.baud, {
      waitAtStart: cfg.serialWait,
      onWaiting: (error) => {
        if (!waitingLogged) log('warn', `waiting for serial port ${cfg.serial} (--serial-wait): ${error.message}`);
        waitingLogged = true;
      },
      onLost: (error) => {
        if (cfg.serialExitOnLoss) {
          log('error', `${error.message}; exiting (--serial-exit-on-loss)`);
          process.exit(EXIT_SERIAL_LOST);
        }
        log('warn', `${error.message}; reopening it`);
        atFactory?.modem.lost(error);
      },
      onBack: () => log('info', `serial port ${cfg.serial} open again`),
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/npm install serialport/.test(message)) throw new RunError(`glowmq device: ${message} next to glowmq.cjs (it is native, so not inside the one file)`);
    if (!existsSync(cfg.serial!)) throw new UsageError(`glowmq device: --serial ${cfg.serial}: no such device (plug the adapter in, or add --serial-wait to wait for it)`);
    throw new UsageError(`glowmq device: --serial ${cfg.serial}: ${message.replace(/^cannot open serial port \S+: (Error: )?/, 'cannot open: ')}`);
  }
  atFactory = createAtTransport(link, platform, { host: broker.host, port: broker.port, ssl: broker.tls, ca: caPem, ssid: cfg.wifiSsid, password: cfg.wifiPassword });
  const factory = atFactory;
  const clientOptions: ClientOptions = { ...options };
  if (clientOptions.username === undefined) clientOptions.username = broker.username;
  if (clientOptions.password === undefined) clientOptions.password = broker.password;
  // The client's connect timeout would count the wait for a lost port; waitingTransport
  // bounds the wait for the broker instead (the AT driver bounds every module step).
  clientOptions.connectTimeout = 2 ** 31 - 1;
  const client = new Client(clientOptions, { platform, transport: () => waitingTransport(link, factory, platform, broker), codec: boardCodec, store });
  client.on('end', () => { void link.close(); });
  client.connect();
  return client;
}
