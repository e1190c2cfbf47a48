// A Transport over a WebSocket (ws:// and wss://) on Node, with the `ws` package: the
// subprotocol `mqtt` and binary frames, as MQTT.js and mosquitto use them. Each frame's bytes
// are handed on untouched; MQTT packets may span frames or share one.
import type { NodeTcpOptions } from './node-tcp';
import type WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type * as TLS from 'node:tls';
import type { Transport, TransportFactory, TransportHandlers } from '../core/types';
import { describeNetError, type NetError } from './node-net-errors';
import { checkTlsOptions } from './node-tls-check';

/** The TCP transport's options (host, port, TLS, linger), plus the WebSocket's own. */
export interface NodeWsOptions extends Omit<NodeTcpOptions, 'noDelay' | 'coalesce'> {
  /** The HTTP path and query. Default /mqtt. */
  path?: string;
  /** Bytes sent but not yet handed to the socket above which write() reports back-pressure. Default 16 KiB, as a net.Socket. */
  highWaterMark?: number;
}

// Loaded on first use: `ws` loads Node's https and tls, ~1.4 MB more in every process (see node-tcp.ts).
let wsModule: Promise<typeof WebSocket> | undefined;
const loadWs = (): Promise<typeof WebSocket> => (wsModule ??= import('ws').then((mod) => mod.default));
const tlsModule = (): typeof TLS => process.getBuiltinModule('node:tls') as typeof TLS;

export const MQTT_SUBPROTOCOL = 'mqtt';
/** WebSocket.OPEN, without loading ws to read it. */
const WS_OPEN = 1;
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;
const DEFAULT_LINGER_MS = 1000;
const enum CloseCode { Normal = 1000, NoStatus = 1005, Abnormal = 1006 }

export class NodeWsTransport implements Transport {
  private socket_?: WebSocket;
  private handlers?: TransportHandlers;
  private done = false;
  private opened = false;
  private error?: NetError;
  /** Bytes given to send() whose callback has not come yet. */
  private pending = 0;
  private blocked = false;
  constructor(private options: NodeWsOptions) {}

  /** ws://host:port/path, for messages (never has credentials: they travel in CONNECT). */
  get address(): string {
    const opts = this.options;
    const host = opts.host.indexOf(':') >= 0 ? `[${opts.host}]` : opts.host;
    return `${opts.tls ? 'wss' : 'ws'}://${host}:${opts.port}${opts.path ?? '/mqtt'}`;
  }

  open(handlers: TransportHandlers): void {
    this.handlers = handlers;
    loadWs().then((wsClass) => { if (!this.done) this.start(wsClass); }, (err: Error) => { if (!this.done) this.finish(err); });
  }

  private start(wsClass: typeof WebSocket): void {
    const opts = this.options;
    let socket: WebSocket;
    try {
      if (opts.tls) checkTlsOptions(opts);
      const wsOptions: WebSocket.ClientOptions & TLS.ConnectionOptions = {
        ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized !== false,
        // No compression: MQTT packets are small, and mosquitto does not offer it.
        perMessageDeflate: false,
      };
      if (opts.servername) {
        // ws hands these to tls.connect(): SNI, and the name the certificate must carry.
        wsOptions.servername = opts.servername;
        (wsOptions as TLS.ConnectionOptions).checkServerIdentity = (_host, cert) => tlsModule().checkServerIdentity(opts.servername!, cert);
      }
      socket = new wsClass(this.address, MQTT_SUBPROTOCOL, wsOptions);
    } catch (err) {
      // Bad options or TLS material: a failed open, reported like any other (once).
      this.finish(err as Error);
      return;
    }
    this.socket_ = socket;
    socket.binaryType = 'nodebuffer';
    socket.on('open', () => this.opens());
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.done) return;
      if (!isBinary) { this.fail(new Error(`${this.address} sent a text frame (MQTT over WebSocket uses binary frames only)`)); return; }
      this.handlers!.onData(data);
    });
    socket.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      const hint = res.statusCode === 404 ? ` (is ${opts.path ?? '/mqtt'} the broker's WebSocket path?)` : '';
      this.fail(new Error(`cannot connect to ${this.address}: the server answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd() + hint));
      res.resume();
    });
    socket.on('error', (err: NetError) => { if (!this.error) this.error = err; });
    socket.on('close', (code: number, reason: Buffer) => this.closed(code, reason.toString('utf8')));
  }

  write(bytes: Uint8Array): boolean {
    const socket = this.socket_;
    if (this.done || !socket || socket.readyState !== WS_OPEN) return false;
    this.pending += bytes.length;
    socket.send(bytes, { binary: true }, () => this.sent(bytes.length));
    if (this.pending < (this.options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK)) return true;
    this.blocked = true;
    return false;
  }

  close(): void {
    const socket = this.socket_;
    if (this.done) return;
    this.finish(undefined);
    if (!socket) return;
    // Not connected yet (a connect timeout): nothing to flush.
    if (!this.opened) { socket.terminate(); return; }
    // close() sends the close frame after what was sent (the DISCONNECT); terminate() is the backstop.
    socket.close(CloseCode.Normal);
    const timer = setTimeout(() => socket.terminate(), this.options.lingerMs ?? DEFAULT_LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private sent(length: number): void {
    this.pending -= length;
    if (this.blocked && !this.done && this.pending < (this.options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK)) {
      this.blocked = false;
      this.handlers!.onDrain();
    }
  }

  private opens(): void {
    if (this.done) return;
    this.opened = true;
    this.handlers!.onOpen();
  }

  /** Ends the link for a reason found here (not by the socket). */
  private fail(reason: Error): void {
    if (this.done) return;
    const socket = this.socket_;
    this.finish(reason);
    socket?.terminate();
  }

  private closed(code: number, reason: string): void {
    if (this.done) return;
    const opts = this.options;
    const where = `${opts.host}:${opts.port}`;
    if (this.error) {
      const error = this.error;
      // ws's own handshake refusals carry no code: keep their words, with the address.
      if (!error.code) { this.finish(new Error(`cannot connect to ${this.address}: ${wsHandshakeMessage(error.message)}`)); return; }
      this.finish(describeNetError(error, where, opts.servername ?? opts.host, !!opts.tls, this.opened));
      return;
    }
    if (!this.opened) { this.finish(new Error(`cannot connect to ${this.address}: closed before the WebSocket was set up`)); return; }
    const why = code === CloseCode.Normal || code === CloseCode.NoStatus ? '' : code === CloseCode.Abnormal ? ' (no close frame)' : ` (WebSocket close code ${code}${reason ? ': ' + reason : ''})`;
    this.finish(new Error(`connection closed by ${where}${why}`));
  }

  private finish(reason: Error | undefined): void {
    this.done = true;
    if (this.handlers) this.handlers.onClose(reason);
  }

  /** The WebSocket, for tests that cut the link without a DISCONNECT. */
  get socket(): WebSocket | undefined { return this.socket_; }
}

/** ws's handshake errors, said for a user of MQTT. */
function wsHandshakeMessage(message: string): string {
  if (/no subprotocol|invalid subprotocol/i.test(message)) return `the server does not speak the WebSocket subprotocol "${MQTT_SUBPROTOCOL}" (${message})`;
  return message;
}

export function nodeWsTransport(options: NodeWsOptions): TransportFactory {
  return () => new NodeWsTransport(options);
}
