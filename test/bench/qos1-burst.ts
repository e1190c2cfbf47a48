// Publisher CPU for a burst of QoS 1 messages published without waiting (every publish()
// called at once, then wait for every PUBACK), glowmq against MQTT.js, against one mosquitto
// process, each run in its own Node process, interleaved. The cost measured is the session
// bookkeeping of many unacknowledged messages: a reconnect that flushes a full offline queue.
//   npx tsx test/bench/qos1-burst.ts [messages=20000] [runs=3]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../support/mosquitto';

const self = fileURLToPath(import.meta.url);

/** The same calls on both libraries: publish, a callback per acknowledgement, end. */
interface BurstClient {
  on(event: 'connect', listener: () => void): unknown;
  publish(topic: string, payload: string, options: { qos: 1 }, callback: () => void): unknown;
  end(force: boolean): unknown;
}

async function connectClient(lib: string, url: string, count: number): Promise<BurstClient> {
  if (lib === 'glowmq') {
    const { createNodeClient } = await import('../../src/node/connect');
    return createNodeClient(url, { clientId: 'burst-glowmq', logLevel: 'silent', queueMax: count, queueBytes: count * 64 }) as unknown as BurstClient;
  }
  const mqtt = await import('mqtt');
  return mqtt.connect(url, { clientId: 'burst-mqttjs', reconnectPeriod: 0 }) as unknown as BurstClient;
}

async function publishAll(lib: string, url: string, count: number): Promise<number> {
  const payload = 'x'.repeat(32);
  const client = await connectClient(lib, url, count);
  await new Promise<void>((resolve) => client.on('connect', () => resolve()));
  const start = process.cpuUsage();
  await new Promise<void>((resolve) => {
    let acked = 0;
    for (let i = 0; i < count; i++) client.publish('burst', payload, { qos: 1 }, () => { if (++acked === count) resolve(); });
  });
  const used = process.cpuUsage(start);
  client.end(true);
  return (used.user + used.system) / 1000;
}

if (process.env.BURST_CHILD) {
  const [lib, url, count] = process.env.BURST_CHILD.split(' ');
  publishAll(lib, url, Number(count)).then((cpuMs) => { process.send!(cpuMs); process.exit(0); });
} else {
  const count = Number(process.argv[2] || 20000), runs = Number(process.argv[3] || 3);
  const broker = await startMosquitto({ extraConfig: 'max_inflight_messages 0\nmax_queued_messages 0\n' });
  const results: { [lib: string]: number[] } = { glowmq: [], 'MQTT.js': [] };
  try {
    for (let run = 0; run < runs; run++) {
      for (const lib of ['glowmq', 'MQTT.js']) {
        const child = fork(self, [], { env: { ...process.env, BURST_CHILD: `${lib === 'glowmq' ? 'glowmq' : 'mqtt'} ${broker.url} ${count}` }, execArgv: ['--import', 'tsx'] });
        results[lib].push(await new Promise<number>((resolve, reject) => { child.on('message', (message) => resolve(Number(message))); child.on('exit', (code) => code && reject(new Error(`${lib} exited ${code}`))); }));
      }
    }
  } finally { await broker.stop(); }
  const median = (values: number[]) => [...values].sort((left, right) => left - right)[values.length >> 1];
  for (const lib of Object.keys(results)) console.log(`${lib.padEnd(8)} ${count} QoS 1 without waiting: publisher CPU median ${Math.round(median(results[lib]))} ms (runs ${results[lib].map(Math.round).join(', ')})`);
  console.log(`glowmq ÷ MQTT.js: ${(median(results.glowmq) / median(results['MQTT.js'])).toFixed(2)}×`);
}
