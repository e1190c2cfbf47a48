// A scripted MQTT "broker" on 127.0.0.1 for hostile-input tests: it parses what the client
// sends (mqtt-packet) and lets the test answer each packet, or write any bytes at all —
// garbage, packets a server must never send, lies about lengths.
import net from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface ScriptedConn {
  index: number;
  sock: net.Socket;
  packets: any[];
  /** The client closed (or reset) the socket. */
  closedByPeer: boolean;
  closed: boolean;
  send(p: any): void;
  sendRaw(b: Uint8Array | number[]): void;
}

export type Script = (c: ScriptedConn, packet: any) => void;

export interface ScriptedBroker {
  port: number;
  url: string;
  conns: ScriptedConn[];
  close(): Promise<void>;
}

/** Answers like a well-behaved broker: CONNACK 0, PUBACK/PUBREC/PUBCOMP, SUBACK, PINGRESP. */
export function behave(c: ScriptedConn, p: any): void {
  switch (p.cmd) {
    case 'connect': c.send({ cmd: 'connack', returnCode: 0, sessionPresent: false }); break;
    case 'publish':
      if (p.qos === 1) c.send({ cmd: 'puback', messageId: p.messageId });
      if (p.qos === 2) c.send({ cmd: 'pubrec', messageId: p.messageId });
      break;
    case 'pubrel': c.send({ cmd: 'pubcomp', messageId: p.messageId }); break;
    case 'subscribe': c.send({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map((s: any) => s.qos) }); break;
    case 'unsubscribe': c.send({ cmd: 'unsuback', messageId: p.messageId }); break;
    case 'pingreq': c.send({ cmd: 'pingresp' }); break;
    case 'disconnect': c.sock.end(); break;
  }
}

export function startScriptedBroker(script: Script): Promise<ScriptedBroker> {
  const conns: ScriptedConn[] = [];
  const server = net.createServer((sock) => {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let serverClosing = false;
    const c: ScriptedConn = {
      index: conns.length, sock, packets: [], closedByPeer: false, closed: false,
      send(p) { if (!sock.destroyed) sock.write(mqttPacket.generate(p)); },
      sendRaw(b) { if (!sock.destroyed) sock.write(Uint8Array.from(b)); },
    };
    conns.push(c);
    parser.on('packet', (p: any) => { c.packets.push(p); script(c, p); });
    parser.on('error', () => { serverClosing = true; sock.destroy(); });
    sock.on('data', (d) => parser.parse(d));
    sock.on('end', () => { if (!serverClosing) c.closedByPeer = true; sock.end(); });
    sock.on('error', () => { if (!serverClosing) c.closedByPeer = true; });
    sock.on('close', () => { c.closed = true; });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port, url: `mqtt://admin:password@127.0.0.1:${port}`, conns,
        close: () => new Promise<void>((r) => { for (const c of conns) c.sock.destroy(); server.close(() => r()); }),
      });
    });
  });
}
