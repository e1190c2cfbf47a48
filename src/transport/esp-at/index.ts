// The AT-socket transport in one call: a module on a byte stream, and a TransportFactory
// that the core client calls once per connection attempt.
import type { Platform, TransportFactory } from '../../core/types';
import type { ByteStream } from './byte-stream';
import { createModem, type EspAtModem, type EspAtOptions } from './modem';

export type { ByteStream } from './byte-stream';
export type { EspAtModem, EspAtOptions } from './modem';
export { createModem } from './modem';

export type AtTransportFactory = TransportFactory & { modem: EspAtModem };

export function createAtTransport(stream: ByteStream, platform: Platform, opts: EspAtOptions): AtTransportFactory {
  const modem = createModem(stream, platform, opts);
  const factory = (() => modem.transport()) as AtTransportFactory;
  factory.modem = modem;
  return factory;
}
