// The one thing the AT driver needs from a serial port: bytes out, bytes in.
// Node's serialport (src/transport/serialport-stream.ts), Espruino's Serial
// (espruino-serial-stream.ts: binary strings converted at the edge) and the modem
// emulator all fit this shape.
export interface ByteStream {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
}
