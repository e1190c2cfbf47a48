// The demo's broker: aedes in-process on 127.0.0.1 with the seed's account (admin /
// password). aedes is a dev package kept out of the one-file build, so it is loaded here,
// lazily, with a clear message when it is missing.
import net from 'node:net';

export interface DemoBroker {
  port: number;
  /** The port asked for was taken and another was used. */
  moved: boolean;
  aedes: any;
  close(): Promise<void>;
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onErr = (err: Error) => { server.off('listening', onOk); reject(err); };
    const onOk = () => { server.off('error', onErr); resolve(); };
    server.once('error', onErr);
    server.once('listening', onOk);
    server.listen(port, '127.0.0.1');
  });
}

export async function startDemoBroker(port: number, users: { [user: string]: string }): Promise<DemoBroker> {
  let mod: any;
  try { mod = await import('aedes'); } catch {
    throw new Error('the demo needs the aedes package (npm install aedes), which is not inside the one-file build');
  }
  const Aedes = mod.Aedes ?? mod.default?.Aedes;
  const aedes = await Aedes.createBroker({ heartbeatInterval: 3_600_000 });
  aedes.authenticate = (_client: unknown, username: string | undefined, password: Buffer | undefined, callback: (err: Error | null, accepted: boolean | null) => void) => {
    if (username !== undefined && Object.prototype.hasOwnProperty.call(users, username) && password !== undefined && password.toString('utf8') === users[username]) return callback(null, true);
    callback(Object.assign(new Error('bad user name or password'), { returnCode: 4 }), null);
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); aedes.handle(socket); });
  let moved = false;
  try { await listen(server, port); } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    moved = true;
    await listen(server, 0);
  }
  return {
    port: (server.address() as net.AddressInfo).port, moved, aedes,
    close: () => new Promise<void>((resolve) => {
      for (const sock of sockets) sock.destroy();
      server.close(() => aedes.close(() => resolve()));
    }),
  };
}
