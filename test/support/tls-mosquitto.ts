// mosquitto with three TLS listeners made from tls-certs.ts: `good` (server cert for IP
// 127.0.0.1 from the test CA), `wrongName` (cert for broker.example from the same CA) and
// `clientCert` (good cert, require_certificate true). The admin/password file applies to all.
import { startMosquitto, freePort, waitForPort, type Mosquitto } from './mosquitto';
import { makeTlsCerts, type TlsCerts } from './tls-certs';

export interface TlsMosquitto {
  mosq: Mosquitto; certs: TlsCerts;
  ports: { good: number; wrongName: number; clientCert: number };
  stop(): Promise<void>;
}

export async function startTlsMosquitto(): Promise<TlsMosquitto> {
  const certs = makeTlsCerts();
  const f = certs.files;
  const ports = { good: await freePort(), wrongName: await freePort(), clientCert: await freePort() };
  const listener = (port: number, cert: string, key: string, requireCert: boolean) => [
    `listener ${port} 127.0.0.1`, `cafile ${f['ca.crt']}`, `certfile ${cert}`, `keyfile ${key}`,
    `require_certificate ${requireCert}`,
  ].join('\n');
  const mosq = await startMosquitto({
    extraConfig: [
      listener(ports.good, f['server.crt'], f['server.key'], false),
      listener(ports.wrongName, f['wrong-name.crt'], f['wrong-name.key'], false),
      listener(ports.clientCert, f['server.crt'], f['server.key'], true),
    ].join('\n'),
  });
  try { for (const p of Object.values(ports)) await waitForPort(p); } catch (e) { await mosq.stop(); certs.cleanup(); throw e; }
  return { mosq, certs, ports, async stop() { await mosq.stop(); certs.cleanup(); } };
}
