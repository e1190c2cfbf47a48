// Espruino's Serial speaks binary strings (one char per byte); the driver speaks
// Uint8Array. Convert here, at the edge, with the interpreter's own E.toString/E.toUint8Array.
import type { ByteStream } from './byte-stream';

declare const E: { toString(bytes: Uint8Array): string; toUint8Array(text: string): Uint8Array };
export interface EspruinoSerial { write(text: string): void; on(event: 'data', listener: (text: string) => void): void }

export function espruinoSerialStream(serial: EspruinoSerial): ByteStream {
  return {
    write: (bytes) => serial.write(E.toString(bytes)),
    onData: (listener) => serial.on('data', (text) => listener(E.toUint8Array(text))),
  };
}
