// What TCP_NODELAY and write coalescing cost and buy in glowmq's Node transport: system
// (kernel) CPU per message at throughput, and round-trip latency, for each of the four
// settings, interleaved. The transport's defaults (Nagle off, coalescing on) were chosen
// from these figures; the table's last note says whether this run still agrees.
//   tsx test/bench/nodelay.ts [--quick] [--runs N]
import type { BenchArgs } from './lib/args';
import { mosquitto } from './lib/brokers';
import { availableClients, type ClientKind } from './lib/clients';
import { runIfMain } from './lib/main';
import { runPair } from './lib/pair';
import { publish, sampleLoad } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import { Worker } from './lib/worker';

interface Setting { name: string; noDelay: boolean; coalesce: boolean }
const SETTINGS: Setting[] = [
  { name: 'Nagle off, coalescing (default)', noDelay: true, coalesce: true },
  { name: 'Nagle on, coalescing', noDelay: false, coalesce: true },
  { name: 'Nagle off, no coalescing', noDelay: true, coalesce: false },
  { name: 'Nagle on, no coalescing', noDelay: false, coalesce: false },
];

interface Sample { sysPerMsgUs: number; cpuPerMsgUs: number; rate: number; p50: number; p99: number }
interface SettingRow { setting: Setting; samples: Sample[] }

const QOS = 1;
const SIZE = 1024;
const WINDOW = 100;
const MS_TO_US = 1000;
const PER_10K_TO_US = 0.1; // ms per 10,000 messages → µs per message

let seq = 0;

async function roundTrips(client: ClientKind, url: string, setting: Setting, count: number, warmup: number): Promise<{ p50: number; p99: number }> {
  const runId = `${process.pid}-nd${++seq}`;
  const job = { url, topic: `nd/${runId}/a`, topic2: `nd/${runId}/b`, qos: QOS, size: 16, count, warmup, noDelay: setting.noDelay, coalesce: setting.coalesce };
  const echo = new Worker('glowmq echo', client.cmd(), { ...job, role: 'echo', clientId: `ndecho-${runId}` });
  const ping = new Worker('glowmq ping', client.cmd(), { ...job, role: 'ping', clientId: `ndping-${runId}` });
  try {
    await echo.next('ready', 20_000);
    await ping.next('ready', 20_000);
    ping.send('go');
    const done = await ping.next('done', 300_000);
    return { p50: done.p50, p99: done.p99 };
  } finally {
    echo.send('stop');
    await Promise.all([echo.close(), ping.close()]);
  }
}

export async function run(args: BenchArgs): Promise<SettingRow[]> {
  const { clients } = await availableClients();
  const glowmq = clients.find((client) => client.name === 'glowmq');
  if (!glowmq) throw new Error('nodelay: the glowmq bench worker did not build');
  const count = args.quick ? 5_000 : 50_000, warmup = args.quick ? 500 : 5_000;
  const trips = args.quick ? 500 : 3_000, tripWarmup = args.quick ? 100 : 500;
  const broker = await mosquitto();
  const rows: SettingRow[] = SETTINGS.map((setting) => ({ setting, samples: [] }));
  const notes: string[] = [];
  try {
    for (let repetition = 0; repetition < args.runs; repetition++) {
      sampleLoad();
      for (const row of rows) {
        const extra = { noDelay: row.setting.noDelay, coalesce: row.setting.coalesce };
        try {
          const pair = await runPair(glowmq, broker.url, { qos: QOS, size: SIZE, count, window: WINDOW, warmup, extra });
          const latency = await roundTrips(glowmq, broker.url, row.setting, trips, tripWarmup);
          row.samples.push({
            sysPerMsgUs: (pair.pubSys10k + pair.subSys10k) * PER_10K_TO_US,
            cpuPerMsgUs: (pair.pubCpu10k + pair.subCpu10k) * PER_10K_TO_US,
            rate: pair.e2eRate, p50: latency.p50 * MS_TO_US, p99: latency.p99 * MS_TO_US,
          });
        } catch (err) { notes.push(`${row.setting.name}: ${(err as Error).message}`); }
      }
    }
  } finally { await broker.stop(); }
  const med = (row: SettingRow, key: keyof Sample) => median(row.samples.map((sample) => sample[key]));
  const base = rows[0];
  const spread = (row: SettingRow, key: keyof Sample, digits = 1) => (row.samples.length ? withSpread(row.samples.map((sample) => sample[key]), (value) => fmtNum(value, digits)) : 'failed');
  const nagle = rows[1];
  const agrees = base.samples.length && nagle.samples.length
    ? med(nagle, 'p99') > med(base, 'p99') || med(nagle, 'sysPerMsgUs') >= med(base, 'sysPerMsgUs') * 0.9
    : undefined;
  publish({
    title: `Nagle and write coalescing in glowmq's Node transport (QoS ${QOS}, ${fmtNum(SIZE)} B; median of ${args.runs} run${args.runs > 1 ? 's' : ''}, min–max in brackets)`,
    columns: ['setting', 'system CPU µs/msg', 'CPU µs/msg', 'e2e msg/s', 'round trip p50 µs', 'round trip p99 µs', 'system CPU ×default', 'p99 ×default'],
    rows: rows.map((row) => [row.setting.name, spread(row, 'sysPerMsgUs', 2), spread(row, 'cpuPerMsgUs', 2), spread(row, 'rate', 0), spread(row, 'p50', 0), spread(row, 'p99', 0),
      row === base ? '' : ratio(med(row, 'sysPerMsgUs'), med(base, 'sysPerMsgUs')), row === base ? '' : ratio(med(row, 'p99'), med(base, 'p99'))]),
    notes: [
      `CPU: publisher + subscriber processes over ${fmtNum(count)} timed messages (after ${fmtNum(warmup)} warm-up), window ${WINDOW}; round trips: ${fmtNum(trips)} sequential QoS ${QOS} 16 B round trips (after ${fmtNum(tripWarmup)}), ping and echo both with the setting`,
      'coalescing = the packets one tick writes leave in one writev; Nagle on = setNoDelay(false)',
      agrees === undefined ? 'no verdict: a setting failed'
        : agrees ? 'this run agrees with the default: with coalescing, turning Nagle on saves little system time (under 10%) or costs tail latency'
          : '**this run disagrees with the default: Nagle on saved over 10% of system time without a worse p99: worth a second look**',
      ...notes,
    ],
  });
  return rows;
}

runIfMain(import.meta.url, run);
