// Node's serialport as the AT driver's ByteStream. serialport is a native package kept
// outside the one-file build, so it is loaded only when a serial port is really opened.
// openSerialLink adds what a rig in the field needs: a port that is unplugged (its close or
// error event) or a module that stops answering is a loss; the same path is then reopened
// with a backoff, and whoever waits for the port (the next link) goes on when it is back.
import { existsSync } from 'node:fs';
import type { ByteStream } from './esp-at/byte-stream';

/** The part of serialport's SerialPort this adapter uses. */
export interface SerialPortLike {
  write(data: Buffer, done?: (error?: Error | null) => void): boolean;
  on(event: 'data', listener: (bytes: Buffer) => void): unknown;
  close(done?: (error?: Error | null) => void): void;
}

export function serialPortStream(port: SerialPortLike, onError?: (error: Error) => void): ByteStream {
  return {
    write(bytes) {
      // A failed write surfaces as the driver's command timeout; report it too.
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => { if (error && onError) onError(error); });
    },
    onData(listener) { port.on('data', (bytes: Buffer) => listener(bytes)); },
  };
}

export interface OpenSerial { stream: ByteStream; port: SerialPortLike; close(): Promise<void> }

type SerialPortModule = typeof import('serialport');
type SerialPortInstance = InstanceType<SerialPortModule['SerialPort']>;

async function loadSerialPort(): Promise<SerialPortModule> {
  try {
    return await import('serialport');
  } catch {
    throw new Error('the serialport package is needed for serial ports: npm install serialport');
  }
}

function openPort(mod: SerialPortModule, path: string, baudRate: number): Promise<SerialPortInstance> {
  return new Promise((resolve, reject) => {
    const port = new mod.SerialPort({ path, baudRate, autoOpen: true }, (error) => (error ? reject(new Error(`cannot open serial port ${path}: ${error.message}`)) : resolve(port)));
  });
}

/** Opens `path` at `baudRate` 8N1, no flow control. */
export async function openSerialStream(path: string, baudRate: number, onError?: (error: Error) => void): Promise<OpenSerial> {
  const port = await openPort(await loadSerialPort(), path, baudRate);
  if (onError) port.on('error', onError);
  return {
    stream: serialPortStream(port, onError),
    port,
    close: () => new Promise<void>((resolve) => { if (!port.isOpen) return resolve(); port.close(() => resolve()); }),
  };
}

export interface SerialLinkOptions {
  /** Wait for a path that does not exist yet (at start), instead of failing. */
  waitAtStart?: boolean;
  /** Reopen delays: from retryMinMs, doubling, up to retryMaxMs. Defaults 250 and 2000. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Bytes written and none read back for this long: the module stopped answering. Default 30 s
   * (above the driver's longest command timeout, 20 s). */
  silenceMs?: number;
  /** The port was lost (unplugged, closed, or a module that stopped answering). */
  onLost?: (error: Error) => void;
  /** The port is open again after a loss. */
  onBack?: () => void;
  /** A first open that fails: with waitAtStart, each retry is reported here. */
  onWaiting?: (error: Error) => void;
}

/** A serial port that outlives unplugging: a ByteStream over whichever port is open now. */
export interface SerialLink extends ByteStream {
  readonly path: string;
  /** action runs at once if the port is open, else when it opens; the returned function cancels. */
  whenOpen(action: () => void): () => void;
  isOpen(): boolean;
  close(): Promise<void>;
}

const enum Defaults { RetryMinMs = 250, RetryMaxMs = 2000, SilenceMs = 30000, WatchMs = 1000 }

/** Opens `path` (the first open's error is thrown, unless waitAtStart and the path is absent),
 * then keeps it open: reopened after every loss until close(). */
export async function openSerialLink(path: string, baudRate: number, options: SerialLinkOptions = {}): Promise<SerialLink> {
  const mod = await loadSerialPort();
  const retryMin = options.retryMinMs ?? Defaults.RetryMinMs;
  const retryMax = options.retryMaxMs ?? Defaults.RetryMaxMs;
  const silenceMs = options.silenceMs ?? Defaults.SilenceMs;
  let port: SerialPortInstance | null = null;
  let closed = false;
  let retryDelay = retryMin;
  let retryTimer: NodeJS.Timeout | undefined;
  let unansweredSince = 0; // when the first byte written since the last byte read went out
  const listeners: ((bytes: Uint8Array) => void)[] = [];
  let waiters: (() => void)[] = [];

  const attach = (opened: SerialPortInstance) => {
    port = opened;
    retryDelay = retryMin;
    unansweredSince = 0;
    opened.on('data', (bytes: Buffer) => { if (port === opened) { unansweredSince = 0; for (const listener of listeners) listener(bytes); } });
    opened.on('error', (error: Error) => lose(opened, error));
    opened.on('close', (error?: Error | null) => lose(opened, error ?? new Error('closed')));
    const ready = waiters;
    waiters = [];
    for (const waiter of ready) waiter();
  };
  const lose = (lost: SerialPortInstance, error: Error) => {
    if (port !== lost || closed) return;
    port = null;
    if (lost.isOpen) lost.close(() => {});
    options.onLost?.(new Error(`serial port ${path} lost: ${error.message}`));
    schedule();
  };
  const schedule = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(reopen, retryDelay);
    retryDelay = Math.min(retryMax, retryDelay * 2);
  };
  const reopen = () => {
    retryTimer = undefined;
    if (closed || port) return;
    // An absent path (the adapter is unplugged) is checked cheaply before serialport tries.
    if (!existsSync(path)) return schedule();
    openPort(mod, path, baudRate).then((opened) => {
      if (closed) { opened.close(() => {}); return; }
      attach(opened);
      options.onBack?.();
    }, (error: Error) => { options.onWaiting?.(error); schedule(); });
  };
  // The module stopped answering: bytes went out and nothing came back for silenceMs.
  const watch = setInterval(() => {
    if (port && unansweredSince && Date.now() - unansweredSince > silenceMs) {
      lose(port, new Error(`no answer from the module for ${Math.round(silenceMs / 1000)} s`));
    }
  }, Defaults.WatchMs);
  watch.unref();

  try {
    attach(await openPort(mod, path, baudRate));
  } catch (error) {
    if (!options.waitAtStart || existsSync(path)) { clearInterval(watch); throw error; }
    options.onWaiting?.(error as Error);
    schedule();
  }
  return {
    path,
    write(bytes) {
      const current = port;
      if (!current) return; // lost: the driver was told, and its next link waits for the port
      if (!unansweredSince) unansweredSince = Date.now();
      current.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => { if (error) lose(current, error); });
    },
    onData(listener) { listeners.push(listener); },
    whenOpen(action) {
      if (port) { action(); return () => {}; }
      waiters.push(action);
      return () => { waiters = waiters.filter((waiter) => waiter !== action); };
    },
    isOpen: () => !!port,
    close() {
      closed = true;
      clearInterval(watch);
      clearTimeout(retryTimer);
      const current = port;
      port = null;
      return new Promise<void>((resolve) => { if (!current || !current.isOpen) return resolve(); current.close(() => resolve()); });
    },
  };
}
