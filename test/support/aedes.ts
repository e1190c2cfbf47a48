// aedes 1.x in-process on a free 127.0.0.1 port, accepting only the seed's account
// (admin / password; anything else gets CONNACK 4). Records what the broker saw, so tests
// can count connection attempts and PINGREQs without touching the client under test.
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface AedesOptions {
  port?: number;
  users?: { [user: string]: string }; // default { admin: 'password' }
  anonymous?: boolean;                // default false
}

export interface AedesBroker {
  port: number;
  url: string;             // with the admin credentials
  broker: any;             // the Aedes instance
  server: net.Server;
  /** Every CONNECT seen (accepted or not), in order. */
  connects: { clientId: string; username?: string; at: number }[];
  /** PINGREQs per client id. */
  pings: { [clientId: string]: number };
  /** Destroy every client socket without a DISCONNECT from the broker side. */
  dropClients(): void;
  close(): Promise<void>;
}

export async function startAedes(opts: AedesOptions = {}): Promise<AedesBroker> {
  const { Aedes } = require('aedes');
  const users = opts.users ?? { admin: 'password' };
  const broker = await Aedes.createBroker({ heartbeatInterval: 3_600_000 });
  const connects: AedesBroker['connects'] = [];
  const pings: { [id: string]: number } = {};
  broker.preConnect = (client: any, packet: any, cb: (e: Error | null, ok: boolean) => void) => {
    connects.push({ clientId: packet.clientId, username: packet.username, at: Date.now() });
    cb(null, true);
  };
  broker.authenticate = (_c: any, username: string | undefined, password: Buffer | undefined, cb: (e: any, ok: boolean | null) => void) => {
    if (username === undefined && opts.anonymous) return cb(null, true);
    if (username !== undefined && username in users && password !== undefined && password.toString('utf8') === users[username]) return cb(null, true);
    const e: any = new Error('bad user name or password');
    e.returnCode = 4;
    cb(e, null);
  };
  broker.on('ping', (_p: any, client: any) => { pings[client.id] = (pings[client.id] ?? 0) + 1; });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    broker.handle(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port, url: `mqtt://admin:password@127.0.0.1:${port}`, broker, server, connects, pings,
    dropClients() { for (const s of sockets) s.destroy(); },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
