// Node's serialport as the AT driver's ByteStream. serialport is a native package kept
// outside the one-file build, so it is loaded only when a serial port is really opened.
import type { ByteStream } from './esp-at/byte-stream';

/** The part of serialport's SerialPort this adapter uses. */
export interface SerialPortLike {
  write(data: Buffer, cb?: (err?: Error | null) => void): boolean;
  on(ev: 'data', fn: (b: Buffer) => void): unknown;
  close(cb?: (err?: Error | null) => void): void;
}

export function serialPortStream(port: SerialPortLike, onError?: (e: Error) => void): ByteStream {
  return {
    write(b) {
      // A failed write surfaces as the driver's command timeout; report it too.
      port.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength), (e) => { if (e && onError) onError(e); });
    },
    onData(fn) { port.on('data', (b: Buffer) => fn(b)); },
  };
}

export interface OpenSerial { stream: ByteStream; port: SerialPortLike; close(): Promise<void> }

/** Opens `path` at `baudRate` 8N1, no flow control. */
export async function openSerialStream(path: string, baudRate: number, onError?: (e: Error) => void): Promise<OpenSerial> {
  let mod: typeof import('serialport');
  try {
    mod = await import('serialport');
  } catch {
    throw new Error('the serialport package is needed for serial ports: npm install serialport');
  }
  const port = await new Promise<InstanceType<typeof mod.SerialPort>>((resolve, reject) => {
    const p = new mod.SerialPort({ path, baudRate, autoOpen: true }, (e) => (e ? reject(new Error(`cannot open serial port ${path}: ${e.message}`)) : resolve(p)));
  });
  if (onError) port.on('error', onError);
  return {
    stream: serialPortStream(port, onError),
    port,
    close: () => new Promise<void>((r) => { if (!port.isOpen) return r(); port.close(() => r()); }),
  };
}
