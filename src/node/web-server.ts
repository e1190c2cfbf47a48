// The phone page's HTTP server: GET / serves the page (src/node/web-page.ts), /mqtt upgrades
// to a WebSocket with the subprotocol `mqtt` and hands it on as a byte stream (to the demo's
// embedded broker, or relayed to a real broker's TCP port by `glowmq web`). Everything else
// is 404. It listens on loopback unless told otherwise.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { renderPage, type PageOptions } from './web-page';

export interface WebServerOptions {
  host: string;
  port: number;
  /** When `port` is taken, listen on a free one instead (the demo's 8080). */
  anyPortIfTaken?: boolean;
  page: PageOptions;
  /** Each /mqtt WebSocket, as a Duplex of its binary frames' bytes. */
  onMqttStream(stream: Duplex, remote: string): void;
}

export interface WebServer {
  url: string;
  port: number;
  /** The port asked for was taken and another was used. */
  moved: boolean;
  close(): Promise<void>;
}

export const MQTT_PATH = '/mqtt';
/** WebSocket close code 1002: protocol error (here, no subprotocol mqtt). */
const CLOSE_PROTOCOL_ERROR = 1002;

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => { server.off('listening', onListening); reject(err); };
    const onListening = () => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function answer(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { WebSocketServer: Server, createWebSocketStream } = await import('ws');
  const page = renderPage(options.page);
  // Compressed once: a phone on a slow link gets ~10 KB instead of ~24 KB.
  const gzipped = gzipSync(page.html);
  const wss: WebSocketServer = new Server({
    noServer: true, perMessageDeflate: false,
    // MQTT over WebSocket: only the subprotocol `mqtt` (MQTT.js and mosquitto ask for it).
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') { answer(res, 405, 'method not allowed'); return; }
    if (path !== '/' && path !== '/index.html') { answer(res, 404, 'not found'); return; }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8', 'content-security-policy': page.contentSecurityPolicy,
      'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      vary: 'accept-encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : gzip ? gzipped : page.html);
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== MQTT_PATH) { socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'); return; }
    wss.handleUpgrade(req, socket, head, (webSocket: WebSocket) => {
      if (webSocket.protocol !== 'mqtt') { webSocket.close(CLOSE_PROTOCOL_ERROR, 'subprotocol mqtt required'); return; }
      options.onMqttStream(createWebSocketStream(webSocket), `${req.socket.remoteAddress}:${req.socket.remotePort}`);
    });
  });
  let moved = false;
  try { await listen(server, options.port, options.host); } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.anyPortIfTaken || options.port === 0) throw err;
    moved = true;
    await listen(server, 0, options.host);
  }
  const port = (server.address() as net.AddressInfo).port;
  const host = options.host.indexOf(':') >= 0 ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`, port, moved,
    close: () => new Promise<void>((resolve) => {
      for (const wsSocket of wss.clients) wsSocket.terminate();
      for (const socket of sockets) socket.destroy();
      wss.close();
      server.close(() => resolve());
    }),
  };
}
