// A Transport over Node's net (mqtt://) or tls (mqtts://) sockets. Bytes pass through
// untouched (a Buffer is a Uint8Array); write() returns the socket's back-pressure flag.
// Write coalescing: the first write of a tick corks the socket and the next tick uncorks it,
// so the packets of one tick (a burst of publishes, the acks for one chunk of input) leave
// in one writev system call instead of one write each. Corking changes neither what write()
// returns (the socket still compares its buffered bytes with its high-water mark) nor when
// 'drain' comes, and end() uncorks before it flushes.
// Nagle stays off (setNoDelay): with coalescing it saves no system calls a tick would not,
// and it would hold a lone PUBACK or PINGREQ back for up to one round trip
// (`npm run bench -- --only nodelay` measures both settings).
import net from 'node:net';
import type * as TLS from 'node:tls';

// Loaded on first use: only mqtts:// needs it, and it adds ~1.4 MB to every process that loads it.
const tlsModule = (): typeof TLS => process.getBuiltinModule('node:tls') as typeof TLS;
import type { Transport, TransportFactory, TransportHandlers } from '../core/types';
import { describeNetError, type NetError } from './node-net-errors';
import { checkTlsOptions } from './node-tls-check';

export interface NodeTcpOptions {
  host: string;
  port: number;
  tls?: boolean;
  /** PEM strings or Buffers. */
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true. false accepts any certificate: for tests only. */
  rejectUnauthorized?: boolean;
  /** SNI and the name checked against the certificate. Default: host (when not an IP address). */
  servername?: string;
  /** After close(), how long the DISCONNECT may take to flush before the socket is destroyed. Default 1000 ms. */
  lingerMs?: number;
  /** TCP_NODELAY (Nagle off). Default true; the bench turns it off to compare. */
  noDelay?: boolean;
  /** Coalesce the writes of one tick into one system call. Default true; the bench turns it off to compare. */
  coalesce?: boolean;
}

const DEFAULT_LINGER_MS = 1000;

export class NodeTcpTransport implements Transport {
  private sock?: net.Socket;
  private handlers?: TransportHandlers;
  private done = false;
  private opened = false;
  private corked = false;
  private netError?: NetError;
  private readonly uncork = () => {
    this.corked = false;
    this.sock?.uncork();
  };
  constructor(private opts: NodeTcpOptions) {}

  open(handlers: TransportHandlers): void {
    const opts = this.opts;
    this.handlers = handlers;
    let sock: net.Socket;
    if (opts.tls) {
      try {
        checkTlsOptions(opts);
        sock = tlsModule().connect(this.tlsOptions());
      } catch (err) {
        // Bad TLS material: a failed open, reported like any other (once, not synchronously).
        process.nextTick(() => { if (!this.done) this.finish(err as Error); });
        return;
      }
      sock.once('secureConnect', () => this.opens());
    } else {
      sock = net.connect({ host: opts.host, port: opts.port });
      sock.once('connect', () => this.opens());
    }
    this.sock = sock;
    sock.setNoDelay(opts.noDelay !== false);
    sock.on('data', (chunk: Buffer) => { if (!this.done) this.handlers!.onData(chunk); });
    sock.on('drain', () => { if (!this.done) this.handlers!.onDrain(); });
    sock.on('error', (err: NetError) => { if (!this.netError) this.netError = err; });
    sock.on('close', () => this.closed());
  }

  private tlsOptions(): TLS.ConnectionOptions {
    const opts = this.opts;
    const sni = opts.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
    const tlsOpts: TLS.ConnectionOptions = {
      host: opts.host, port: opts.port, ca: opts.ca, cert: opts.cert, key: opts.key, servername: sni,
      rejectUnauthorized: opts.rejectUnauthorized !== false,
    };
    // Node checks an IP host against the certificate's IP SANs; a servername makes it check that name instead.
    if (opts.servername) tlsOpts.checkServerIdentity = (_host, cert) => tlsModule().checkServerIdentity(opts.servername!, cert);
    return tlsOpts;
  }

  write(bytes: Uint8Array): boolean {
    const sock = this.sock;
    if (this.done || !sock) return false;
    if (!this.corked && this.opts.coalesce !== false) {
      this.corked = true;
      sock.cork();
      process.nextTick(this.uncork);
    }
    return sock.write(bytes);
  }

  close(): void {
    const sock = this.sock;
    if (this.done) return;
    this.finish(undefined);
    if (!sock) return;
    // Not connected yet (a connect timeout): nothing to flush.
    if (!this.opened) { sock.destroy(); return; }
    // end() uncorks, flushes what was written (the DISCONNECT) and sends FIN; destroy() is the backstop.
    sock.end();
    const linger = setTimeout(() => sock.destroy(), this.opts.lingerMs ?? DEFAULT_LINGER_MS);
    linger.unref();
    sock.once('close', () => clearTimeout(linger));
  }

  private opens(): void {
    if (this.done) return;
    this.opened = true;
    this.handlers!.onOpen();
  }

  private closed(): void {
    if (this.done) return;
    const opts = this.opts;
    const where = `${opts.host}:${opts.port}`;
    const reason = this.netError
      ? describeNetError(this.netError, where, opts.servername ?? opts.host, !!opts.tls, this.opened)
      : new Error(this.opened ? `connection closed by ${where}` : `cannot connect to ${where}: closed before the connection was set up`);
    this.finish(reason);
  }

  private finish(reason: Error | undefined): void {
    this.done = true;
    if (this.handlers) this.handlers.onClose(reason);
  }

  /** The underlying socket, for tests that cut the link without a DISCONNECT. */
  get socket(): net.Socket | undefined { return this.sock; }
}

export function nodeTcpTransport(opts: NodeTcpOptions): TransportFactory {
  return () => new NodeTcpTransport(opts);
}
