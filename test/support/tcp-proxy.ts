// A TCP proxy on 127.0.0.1 for fault tests: it forwards client ⇄ upstream and can, on
// command, pause the flow (bytes held, delivered on resume), cut every connection after a
// given number of further bytes (so the cut lands mid-packet), or blackhole (sockets stay
// open, bytes vanish silently — a half-open link as the client sees it).
import net from 'node:net';

type Dir = 'up' | 'down'; // up: client → broker, down: broker → client

interface Pair { client: net.Socket; upstream: net.Socket; held: { dir: Dir; data: Buffer }[] }

export interface TcpProxy {
  port: number;
  url(user?: string, pass?: string): string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections currently open. */
  readonly open: number;
  /** Bytes forwarded per direction. */
  readonly forwarded: { up: number; down: number };
  /** Hold bytes (both directions, or only `dir`) until resume(); sockets stay open. */
  pause(dir?: Dir): void;
  resume(): void;
  /** Drop every byte (both directions) from now on, sockets stay open, until normal(). */
  blackhole(): void;
  /** Back to forwarding (ends pause/blackhole; held bytes are flushed). */
  normal(): void;
  /**
   * Forward `afterBytes` more bytes in direction `dir`, then destroy both sockets of every
   * connection — with a byte count inside a packet this cuts mid-packet. Resolves when cut.
   */
  cutAfter(dir: Dir, afterBytes: number): Promise<void>;
  /** Destroy every open connection now. */
  cutAll(): void;
  /** Refuse (accept and immediately destroy) new connections while true. */
  refuse: boolean;
  close(): Promise<void>;
}

export function startTcpProxy(upstreamPort: number, upstreamHost = '127.0.0.1', listenPort = 0): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: 'normal' | 'pause' | 'blackhole' = 'normal';
  let pausedDir: Dir | undefined; // with mode 'pause': only this direction (undefined: both)
  let accepted = 0;
  const forwarded = { up: 0, down: 0 };
  let cut: { dir: Dir; left: number; done: () => void } | undefined;

  const destroy = (p: Pair) => { p.client.destroy(); p.upstream.destroy(); pairs.delete(p); };

  const forward = (p: Pair, dir: Dir, data: Buffer) => {
    if (mode === 'blackhole') return;
    if (mode === 'pause' && (!pausedDir || pausedDir === dir)) { p.held.push({ dir, data }); return; }
    const to = dir === 'up' ? p.upstream : p.client;
    if (cut && cut.dir === dir) {
      const n = Math.min(cut.left, data.length);
      if (n > 0) { to.write(data.subarray(0, n)); forwarded[dir] += n; }
      cut.left -= n;
      if (cut.left === 0) {
        const c = cut; cut = undefined;
        // Let the partial write reach the kernel before the reset.
        to.write(Buffer.alloc(0), () => { for (const q of [...pairs]) destroy(q); c.done(); });
      }
      return;
    }
    to.write(data); forwarded[dir] += data.length;
  };

  const server = net.createServer((client) => {
    accepted++;
    if (proxy.refuse) { client.destroy(); return; }
    const upstream = net.connect(upstreamPort, upstreamHost);
    const p: Pair = { client, upstream, held: [] };
    pairs.add(p);
    client.setNoDelay(true); upstream.setNoDelay(true);
    client.on('data', (d) => forward(p, 'up', d));
    upstream.on('data', (d) => forward(p, 'down', d));
    const end = () => destroy(p);
    client.on('error', end); upstream.on('error', end);
    client.on('close', end); upstream.on('close', end);
  });

  const proxy: TcpProxy = {
    port: 0,
    url: (user = 'admin', pass = 'password') => `mqtt://${user}:${pass}@127.0.0.1:${proxy.port}`,
    get accepted() { return accepted; },
    get open() { return pairs.size; },
    forwarded,
    refuse: false,
    pause(dir) {
      mode = 'pause'; pausedDir = dir;
      // Switching the held direction releases what the other one held, in order.
      if (dir) for (const p of [...pairs]) { const h = p.held; p.held = []; for (const x of h) forward(p, x.dir, x.data); }
    },
    resume() { proxy.normal(); },
    blackhole() { mode = 'blackhole'; for (const p of pairs) p.held = []; },
    normal() {
      mode = 'normal'; pausedDir = undefined;
      for (const p of [...pairs]) { const h = p.held; p.held = []; for (const x of h) forward(p, x.dir, x.data); }
    },
    cutAfter(dir, afterBytes) {
      return new Promise<void>((resolve) => {
        if (afterBytes <= 0) { for (const q of [...pairs]) destroy(q); resolve(); return; }
        cut = { dir, left: afterBytes, done: resolve };
      });
    },
    cutAll() { cut = undefined; for (const p of [...pairs]) destroy(p); },
    close() {
      proxy.cutAll();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => { proxy.port = (server.address() as net.AddressInfo).port; resolve(proxy); });
  });
}
