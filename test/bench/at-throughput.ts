// The AT driver's sustained publish throughput through the modem emulator at a real baud
// rate, next to the lock-step ceiling of esp-at-tcp.md §8 (2048-byte CIPSEND at 115200 8N1:
// 11,213 B/s of payload). The core Client publishes QoS 0 as fast as the transport's
// back-pressure allows; a minimal MQTT sink on 127.0.0.1 counts PUBLISH payload bytes.
//   tsx test/bench/at-throughput.ts [--quick]
import net from 'node:net';
import mqttPacket from 'mqtt-packet';
import type { BenchArgs } from './lib/args';
import { runIfMain } from './lib/main';
import { publish } from './lib/report';
import { ModemSim, simStream } from '../../src/sim/modem/modem-sim';
import type { DialectName } from '../../src/sim/modem/dialects';
import { createAtTransport } from '../../src/transport/esp-at';
import { Client } from '../../src/core/client';
import { boardCodec } from '../../src/core/codec';
import { nodePlatform } from '../../src/node/platform';

/** §8: payload bytes per second of lock-step 2048-byte CIPSEND cycles (ESP-AT strings). */
export function lockStepCeiling(baud: number, chunk = 2048): number {
  const digits = String(chunk).length;
  const cycle = 13 + digits + 9 + chunk + 15 + digits + 11;
  return ((baud / 10) * chunk) / cycle;
}

/** A TCP peer that accepts one MQTT connection and counts PUBLISH payload bytes. */
function sink(): Promise<{ port: number; bytes: () => number; log: [number, number][]; close(): void }> {
  let bytes = 0;
  const log: [number, number][] = []; // (arrival time, payload bytes so far) per TCP read
  const conns: net.Socket[] = [];
  const srv = net.createServer((conn) => {
    conns.push(conn);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: any) => {
      if (packet.cmd === 'connect') conn.write(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false } as any));
      else if (packet.cmd === 'publish') bytes += packet.payload.length;
      else if (packet.cmd === 'pingreq') conn.write(mqttPacket.generate({ cmd: 'pingresp' } as any));
    });
    conn.on('data', (data) => { parser.parse(data); log.push([performance.now(), bytes]); });
    conn.on('error', () => {});
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    port: (srv.address() as net.AddressInfo).port,
    bytes: () => bytes,
    log,
    close() { for (const conn of conns) conn.destroy(); srv.close(); },
  })));
}

export interface AtRun { dialect: DialectName; baud: number; payload: number; seconds: number; bps: number; ceiling: number }

export async function measure(dialect: DialectName, baud: number, payload: number, seconds: number): Promise<AtRun> {
  const mqttSink = await sink();
  const sim = new ModemSim({ dialect, baud, bootMs: 5 });
  const platform = nodePlatform({ level: 'silent' });
  const client = new Client({ clientId: 'at-bench', keepalive: 0, reconnect: false }, {
    platform, codec: boardCodec,
    transport: createAtTransport(simStream(sim), platform, { host: '127.0.0.1', port: mqttSink.port }),
  });
  try {
    sim.start();
    await new Promise<void>((resolve, reject) => {
      client.on('connect', () => resolve());
      client.on('close', (err) => reject(err ?? new Error('closed')));
      client.connect();
    });
    const body = new Uint8Array(payload).fill(0x61);
    let running = true;
    // Next publish once the previous one was handed to the transport (QoS 0 callback),
    // so the client's queue, not this loop, is what the transport's back-pressure paces.
    const pump = () => { if (running) client.publish('b', body, { qos: 0 }, () => setImmediate(pump)); };
    pump();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // warm-up: queues full, steady state
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    // Rate between the first and the last arrival inside the window: whole send cycles only,
    // so a 2048-byte burst at either edge does not bias the figure.
    const arrivals = mqttSink.log.filter((entry) => entry[0] >= started);
    const first = arrivals[0], last = arrivals[arrivals.length - 1];
    const bps = ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
    running = false;
    return { dialect, baud, payload, seconds, bps, ceiling: lockStepCeiling(baud) };
  } finally {
    client.end(true);
    sim.close();
    mqttSink.close();
  }
}

export async function run(args: BenchArgs): Promise<AtRun[]> {
  const seconds = args.quick ? 4 : 10;
  const cases: [DialectName, number, number][] = args.quick
    ? [['esp32', 115200, 4096]]
    : [['esp32', 115200, 4096], ['esp8266', 115200, 4096], ['nonos', 115200, 4096], ['esp32', 115200, 1024], ['esp32', 115200, 128], ['esp32', 921600, 4096]];
  const runs: AtRun[] = [];
  for (const [d, b, p] of cases) runs.push(await measure(d, b, p, seconds));
  const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
  publish({
    title: 'AT driver: sustained QoS 0 publish payload through the modem emulator',
    columns: ['dialect', 'baud', 'payload', 'payload B/s', '§8 ceiling B/s', 'of ceiling'],
    rows: runs.map((run) => [run.dialect, String(run.baud), `${run.payload} B`, fmt(run.bps), fmt(run.ceiling), `${((100 * run.bps) / run.ceiling).toFixed(1)}%`]),
    notes: [
      `${seconds} s per row after 1.5 s warm-up; client → AT driver → emulator (8N1 throttle both directions) → TCP → MQTT sink.`,
      'Ceiling: lock-step 2048-byte AT+CIPSEND cycles (esp-at-tcp.md §8); goal ≥ 90%.',
    ],
  });
  return runs;
}

runIfMain(import.meta.url, run);
