// One face for the two real brokers the core is proven against (aedes in-process, mosquitto
// as its own process), so integration cases run unchanged on both. Each harness can count
// what the broker saw: connection attempts and PINGREQs per client id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAedes, type AedesBroker } from './aedes';
import { startMosquitto, type Mosquitto } from './mosquitto';

export interface BrokerHarness {
  name: 'aedes' | 'mosquitto';
  port: number;
  /** mqtt://admin:password@127.0.0.1:port */
  url: string;
  /** CONNECTs the broker answered (accepted or refused) so far. */
  attempts(): number;
  pings(clientId: string): number;
  /** Stop the broker (its clients see the link drop) and start it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAedesHarness(): Promise<BrokerHarness> {
  let a: AedesBroker = await startAedes();
  let before = 0;
  const pingsBefore: { [id: string]: number } = {};
  const h: BrokerHarness = {
    name: 'aedes', port: a.port, url: a.url,
    attempts: () => before + a.connects.length,
    pings: (id) => (pingsBefore[id] ?? 0) + (a.pings[id] ?? 0),
    async restart() {
      before += a.connects.length;
      for (const id of Object.keys(a.pings)) pingsBefore[id] = (pingsBefore[id] ?? 0) + a.pings[id];
      await a.close();
      a = await startAedes({ port: h.port });
    },
    stop: () => a.close(),
  };
  return h;
}

export async function startMosquittoHarness(): Promise<BrokerHarness> {
  // Our own data dir, so a restart can reuse it (startMosquitto removes dirs it made itself).
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-mosqh-'));
  // Debug logging makes mosquitto print "Received PINGREQ from <id>".
  const opts = { dir, extraConfig: 'log_type debug' };
  let m: Mosquitto = await startMosquitto(opts);
  const lines = () => m.output.join('');
  let before = '';
  const count = (re: RegExp) => ((before + lines()).match(re) || []).length;
  const h: BrokerHarness = {
    name: 'mosquitto', port: m.port, url: m.url,
    attempts: () => count(/Sending CONNACK to /g),
    pings: (id) => count(new RegExp(`Received PINGREQ from ${id.replace(/[^\w]/g, '\\$&')}\\b`, 'g')),
    async restart() {
      await m.stop();
      before += lines();
      m = await startMosquitto({ ...opts, port: h.port });
    },
    async stop() { await m.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
  return h;
}
