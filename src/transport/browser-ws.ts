/// <reference lib="dom" />
// A Transport over the browser's own WebSocket: subprotocol `mqtt`, binary frames, as MQTT.js
// and mosquitto use them. Browsers give no drain event, so back-pressure is read from
// bufferedAmount: above the high-water mark write() returns false, and onDrain follows once
// the browser has sent enough (checked on a short timer while blocked).
import type { Transport, TransportFactory, TransportHandlers } from '../core/types';

export interface BrowserWsOptions {
  /** ws:// or wss:// URL, e.g. the page's own origin + /mqtt. */
  url: string;
  /** Unsent bytes above which write() reports back-pressure. Default 16 KiB. */
  highWaterMark?: number;
}

const MQTT_SUBPROTOCOL = 'mqtt';
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;
const DRAIN_POLL_MS = 20;
const enum CloseCode { Normal = 1000, NoStatus = 1005, Abnormal = 1006 }
const enum ReadyState { Open = 1 }

export class BrowserWsTransport implements Transport {
  private socket?: WebSocket;
  private handlers?: TransportHandlers;
  private done = false;
  private opened = false;
  private drainTimer?: ReturnType<typeof setTimeout>;
  constructor(private options: BrowserWsOptions) {}

  open(handlers: TransportHandlers): void {
    this.handlers = handlers;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url, MQTT_SUBPROTOCOL);
    } catch (err) {
      // A malformed URL: a failed open, reported like any other (once, not synchronously).
      setTimeout(() => { if (!this.done) this.finish(err as Error); }, 0);
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (this.done) return;
      if (socket.protocol !== MQTT_SUBPROTOCOL) { this.fail(new Error(`${this.options.url} does not speak the WebSocket subprotocol "mqtt"`)); return; }
      this.opened = true;
      this.handlers!.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.done) return;
      if (typeof event.data === 'string') { this.fail(new Error(`${this.options.url} sent a text frame (MQTT over WebSocket uses binary frames only)`)); return; }
      this.handlers!.onData(new Uint8Array(event.data as ArrayBuffer));
    };
    // The browser tells a page nothing about why a WebSocket failed (on purpose): an error is
    // always followed by the close event, which reports it.
    socket.onerror = () => {};
    socket.onclose = (event: CloseEvent) => this.closed(event.code, event.reason);
  }

  write(bytes: Uint8Array): boolean {
    const socket = this.socket;
    if (this.done || !socket || socket.readyState !== ReadyState.Open) return false;
    socket.send(bytes);
    if (socket.bufferedAmount < this.highWaterMark()) return true;
    if (this.drainTimer === undefined) this.drainTimer = setTimeout(() => this.checkDrain(), DRAIN_POLL_MS);
    return false;
  }

  close(): void {
    if (this.done) return;
    const socket = this.socket;
    this.finish(undefined);
    // close() lets what was sent (the DISCONNECT) go out first.
    if (socket) socket.close(CloseCode.Normal);
  }

  private highWaterMark(): number { return this.options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK; }

  private checkDrain(): void {
    this.drainTimer = undefined;
    if (this.done || !this.socket) return;
    if (this.socket.bufferedAmount >= this.highWaterMark()) { this.drainTimer = setTimeout(() => this.checkDrain(), DRAIN_POLL_MS); return; }
    this.handlers!.onDrain();
  }

  private fail(reason: Error): void {
    const socket = this.socket;
    this.finish(reason);
    if (socket) socket.close();
  }

  private closed(code: number, reason: string): void {
    if (this.done) return;
    const url = this.options.url;
    if (!this.opened) { this.finish(new Error(`cannot connect to ${url}`)); return; }
    const why = code === CloseCode.Normal || code === CloseCode.NoStatus ? '' : code === CloseCode.Abnormal ? ' (no close frame)' : ` (WebSocket close code ${code}${reason ? ': ' + reason : ''})`;
    this.finish(new Error(`connection closed by ${url}${why}`));
  }

  private finish(reason: Error | undefined): void {
    this.done = true;
    if (this.drainTimer !== undefined) { clearTimeout(this.drainTimer); this.drainTimer = undefined; }
    if (this.handlers) this.handlers.onClose(reason);
  }
}

export function browserWsTransport(options: BrowserWsOptions): TransportFactory {
  return () => new BrowserWsTransport(options);
}
