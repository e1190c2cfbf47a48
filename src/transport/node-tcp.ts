// A Transport over Node's net (mqtt://) or tls (mqtts://) sockets. Bytes pass through
// untouched (a Buffer is a Uint8Array); write() returns the socket's back-pressure flag.
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
}

export class NodeTcpTransport implements Transport {
  private sock?: net.Socket;
  private h?: TransportHandlers;
  private done = false;
  private opened = false;
  private err?: NetError;
  constructor(private o: NodeTcpOptions) {}

  open(h: TransportHandlers): void {
    const o = this.o;
    this.h = h;
    let s: net.Socket;
    if (o.tls) {
      const sni = o.servername ?? (net.isIP(o.host) ? undefined : o.host);
      const to: TLS.ConnectionOptions = {
        host: o.host, port: o.port, ca: o.ca, cert: o.cert, key: o.key, servername: sni,
        rejectUnauthorized: o.rejectUnauthorized !== false,
      };
      // Node checks an IP host against the certificate's IP SANs; a servername makes it check that name instead.
      if (o.servername) to.checkServerIdentity = (_h, cert) => tlsModule().checkServerIdentity(o.servername!, cert);
      try {
        checkTlsOptions(o);
        s = tlsModule().connect(to);
      } catch (e) {
        // Bad TLS material: a failed open, reported like any other (once, not synchronously).
        process.nextTick(() => { if (!this.done) this.finish(e as Error); });
        return;
      }
      s.once('secureConnect', () => this.opens());
    } else {
      s = net.connect({ host: o.host, port: o.port });
      s.once('connect', () => this.opens());
    }
    this.sock = s;
    s.setNoDelay(true);
    s.on('data', (b: Buffer) => { if (!this.done) this.h!.onData(b); });
    s.on('drain', () => { if (!this.done) this.h!.onDrain(); });
    s.on('error', (e: NetError) => { if (!this.err) this.err = e; });
    s.on('close', () => this.closed());
  }

  write(bytes: Uint8Array): boolean {
    if (this.done || !this.sock) return false;
    return this.sock.write(bytes);
  }

  close(): void {
    const s = this.sock;
    if (this.done) return;
    this.finish(undefined);
    if (!s) return;
    // Not connected yet (a connect timeout): nothing to flush.
    if (!this.opened) { s.destroy(); return; }
    // end() flushes what was written (the DISCONNECT) and sends FIN; destroy() is the backstop.
    s.end();
    const t = setTimeout(() => s.destroy(), this.o.lingerMs ?? 1000);
    t.unref();
    s.once('close', () => clearTimeout(t));
  }

  private opens(): void {
    if (this.done) return;
    this.opened = true;
    this.h!.onOpen();
  }

  private closed(): void {
    if (this.done) return;
    const o = this.o;
    const where = `${o.host}:${o.port}`;
    const reason = this.err
      ? describeNetError(this.err, where, o.servername ?? o.host, !!o.tls, this.opened)
      : new Error(this.opened ? `connection closed by ${where}` : `cannot connect to ${where}: closed before the connection was set up`);
    this.finish(reason);
  }

  private finish(reason: Error | undefined): void {
    this.done = true;
    if (this.h) this.h.onClose(reason);
  }

  /** The underlying socket, for tests that cut the link without a DISCONNECT. */
  get socket(): net.Socket | undefined { return this.sock; }
}

export function nodeTcpTransport(o: NodeTcpOptions): TransportFactory {
  return () => new NodeTcpTransport(o);
}
