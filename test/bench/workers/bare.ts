// The memory baselines: the same worker harness with no MQTT library loaded, reporting RSS and
// heap after the same settling time as the "idle" role. Role "bare": no connection; role
// "socket" (a job with a url): a plain node:net connection to the broker, no MQTT, so what
// Node's own TCP stack costs (its net module is loaded on first use) is told from what a
// library adds on top of it.
import type * as Net from 'node:net';
import { emit, memory } from './io';

const SETTLE_MS = 500;
const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as { role?: string; url?: string };
const report = () => { emit({ ev: 'done', ...memory() }); process.exit(0); };

if (job.role === 'socket' && job.url) {
  const target = new URL(job.url);
  // Loaded only here: the "bare" baseline has no net module.
  const net = process.getBuiltinModule('node:net') as typeof Net;
  const socket = net.connect({ host: target.hostname, port: Number(target.port || 1883) });
  socket.once('connect', () => setTimeout(report, SETTLE_MS));
  socket.on('error', (error) => { emit({ ev: 'error', message: error.message }); process.exit(1); });
} else setTimeout(report, SETTLE_MS);
