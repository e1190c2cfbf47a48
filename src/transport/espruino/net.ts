// A Transport on Espruino's `net` sockets. The board's sockets speak binary strings (one
// char per byte) and write() sends a Uint8Array as the text "16,12,0,…", so bytes are
// converted here, at the edge. A refused connection THROWS from connect() on the board:
// it becomes the same close-with-reason as everywhere else (reported after open returns).
// socket.write() always returns false on the board and 'drain' comes when its send buffer
// is empty, so back-pressure is counted here: up to 1 KiB between drains.
import type { Transport, TransportFactory, TransportHandlers } from '../../core/types';

declare const E: { toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array };

export interface EspruinoSocket {
  write(s: string): unknown;
  end(): void;
  on(ev: string, fn: (x?: any) => void): void;
}
export interface EspruinoNet { connect(o: { host: string; port: number }, cb: () => void): EspruinoSocket }

export function espruinoNetTransport(net: EspruinoNet, host: string, port: number): TransportFactory {
  const at = host + ':' + port + ': ';
  return (): Transport => {
    // done: 0/1, no initialiser (undefined): fewer bytes on the board.
    let h: TransportHandlers, sock: EspruinoSocket | null | undefined, done: number | undefined, why: string | undefined, n = 0;
    // Also the transport's close(): no reason then (a later socket event finds done set).
    const close = (e?: Error) => {
      if (done) return;
      done = 1;
      const s = sock;
      sock = null;
      if (s) try { s.end(); } catch { /* already gone */ }
      h.onClose(e);
    };
    return {
      open: (handlers) => {
        h = handlers;
        try {
          sock = net.connect({ host: host, port: port }, () => { if (!done) h.onOpen(); });
        } catch (e) {
          setTimeout(() => close(new Error(at + 'connect failed: ' + ((e as Error).message || e))), 0);
          return;
        }
        sock.on('data', (d: string) => { if (!done) h.onData(E.toUint8Array(d)); });
        sock.on('drain', () => { n = 0; if (!done) h.onDrain(); });
        sock.on('error', (e: any) => { why = at + ((e && e.message) || 'socket error ' + (e && e.code)); });
        sock.on('close', () => close(new Error(why || at + 'closed by the broker')));
      },
      write: (b) => {
        if (!sock) return false; // not open yet, or closed (sock null)
        sock.write(E.toString(b));
        return (n += b.length) < 1024;
      },
      close: close,
    };
  };
}
