// aedes over WebSocket, as MQTT.js and mosquitto serve it: an HTTP (or HTTPS) server on a
// free 127.0.0.1 port whose /mqtt upgrades to a WebSocket with the subprotocol `mqtt`, each
// one piped to aedes with ws's createWebSocketStream. Any other path gets 404. Records the
// path and subprotocol of every upgrade so tests can check what the client asked for.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { startAedes, type AedesBroker, type AedesOptions } from './aedes';

export interface AedesWsOptions extends AedesOptions {
  /** HTTPS with this key and certificate (PEM): wss://. */
  tls?: { key: string; cert: string };
  /** Accept the upgrade without choosing a subprotocol (a server that does not speak `mqtt`). */
  noSubprotocol?: boolean;
}

export interface AedesWs {
  aedes: AedesBroker;
  /** The HTTP(S) port. */
  wsPort: number;
  /** ws[s]://admin:password@127.0.0.1:PORT (path left to the default /mqtt). */
  url: string;
  upgrades: { path: string; protocols: string }[];
  sockets: Set<WebSocket>;
  close(): Promise<void>;
}

export async function startAedesWs(opts: AedesWsOptions = {}): Promise<AedesWs> {
  const aedes = await startAedes(opts);
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }) : http.createServer();
  server.on('request', (_req, res) => { res.writeHead(404); res.end('not found'); });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (opts.noSubprotocol ? false : protocols.has('mqtt') ? 'mqtt' : false),
  });
  const upgrades: AedesWs['upgrades'] = [];
  const sockets = new Set<WebSocket>();
  const raw = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => { raw.add(socket); socket.on('close', () => raw.delete(socket)); });
  server.on('secureConnection', (socket: net.Socket) => { raw.add(socket); socket.on('close', () => raw.delete(socket)); });
  server.on('upgrade', (req, socket, head) => {
    upgrades.push({ path: req.url ?? '', protocols: String(req.headers['sec-websocket-protocol'] ?? '') });
    if (req.url !== '/mqtt') { socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'); return; }
    wss.handleUpgrade(req, socket, head, (webSocket) => {
      sockets.add(webSocket);
      webSocket.on('close', () => sockets.delete(webSocket));
      aedes.broker.handle(createWebSocketStream(webSocket));
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  const wsPort = (server.address() as net.AddressInfo).port;
  return {
    aedes, wsPort, upgrades, sockets,
    url: `${opts.tls ? 'wss' : 'ws'}://admin:password@127.0.0.1:${wsPort}`,
    async close() {
      for (const webSocket of sockets) webSocket.terminate();
      for (const socket of raw) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
      wss.close();
      await aedes.close();
    },
  };
}
