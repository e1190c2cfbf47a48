// A Transport on Espruino's `net` sockets. The board's sockets speak binary strings (one
// char per byte) and write() sends a Uint8Array as the text "16,12,0,…", so bytes are
// converted here, at the edge. A refused connection THROWS from connect() on the board:
// it becomes the same close-with-reason as everywhere else (reported after open returns).
// socket.write() always returns false on the board and 'drain' comes when its send buffer
// is empty, so back-pressure is counted here: up to 1 KiB between drains.
import type { Transport, TransportFactory, TransportHandlers } from '../../core/types';

declare const E: { toString(bytes: Uint8Array): string; toUint8Array(text: string): Uint8Array };

export interface EspruinoSocket {
  write(text: string): unknown;
  end(): void;
  on(event: string, handler: (arg?: any) => void): void;
}
/** The board's send buffer: write() asks for a pause once this much is written since the last drain. */
const BYTES_BETWEEN_DRAINS = 1024;

export interface EspruinoNet { connect(options: { host: string; port: number }, onConnect: () => void): EspruinoSocket }

/** One connection's transport. Its factory is this function bound to the broker's address
 * (espruinoNetTransport), not a closure: a bound function holds its arguments only, where a
 * closure would hold every scope it was made in (the board keeps the whole chain). */
export function netLink(net: EspruinoNet, host: string, port: number): Transport {
  const where = host + ':' + port + ': ';
  // closed: 0/1, no initialiser (undefined): fewer bytes on the board. pending: bytes written since the last drain.
  let handlers: TransportHandlers, sock: EspruinoSocket | null | undefined, closed: number | undefined, why: string | undefined, pending = 0;
  // Also the transport's close(): no reason then (a later socket event finds it closed).
  const close = (error?: Error) => {
    if (closed) return;
    closed = 1;
    const closing = sock;
    sock = null;
    if (closing) try { closing.end(); } catch { /* already gone */ }
    handlers.onClose(error);
  };
  return {
    open: (given) => {
      handlers = given;
      try {
        // onOpen itself, not a guard closure: the client ignores events of a transport it left.
        sock = net.connect({ host: host, port: port }, handlers.onOpen);
      } catch (error) {
        setTimeout(() => close(new Error(where + 'connect failed: ' + ((error as Error).message || error))), 0);
        return;
      }
      sock.on('data', (data: string) => { if (!closed) handlers.onData(E.toUint8Array(data)); });
      sock.on('drain', () => { pending = 0; if (!closed) handlers.onDrain(); });
      sock.on('error', (error: any) => { why = where + ((error && error.message) || 'socket error ' + (error && error.code)); });
      sock.on('close', () => close(new Error(why || where + 'closed by the broker')));
    },
    write: (bytes) => {
      if (!sock) return false; // not open yet, or closed (sock null)
      sock.write(E.toString(bytes));
      return (pending += bytes.length) < BYTES_BETWEEN_DRAINS;
    },
    close: close,
  };
}

/** A new transport per connection attempt (the board's main binds netLink itself: one
 * function object fewer). */
export function espruinoNetTransport(net: EspruinoNet, host: string, port: number): TransportFactory {
  return netLink.bind(null, net, host, port);
}
