// Espruino's Serial speaks binary strings (one char per byte); the driver speaks
// Uint8Array. Convert here, at the edge, with the interpreter's own E.toString/E.toUint8Array.
import type { ByteStream } from './byte-stream';

declare const E: { toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array };
export interface EspruinoSerial { write(s: string): void; on(ev: 'data', fn: (s: string) => void): void }

export function espruinoSerialStream(serial: EspruinoSerial): ByteStream {
  return {
    write: (b) => serial.write(E.toString(b)),
    onData: (fn) => serial.on('data', (s) => fn(E.toUint8Array(s))),
  };
}
