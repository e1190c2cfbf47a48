// One end-to-end throughput run: a subscriber process and a publisher process of the same
// client library through one broker.
import type { ClientKind } from './clients';
import { Worker } from './worker';
import type { QoS } from '../workers/adapter';

export interface PairResult {
  e2eRate: number;      // msgs/s: first publish → last message at the subscriber
  pubRate: number;      // msgs/s: first publish → last publish completed
  mbps: number;         // payload MB/s end to end
  lost: number;
  dups: number;
  pubCpu10k: number;    // user+sys ms per 10,000 messages
  subCpu10k: number;
  errors: number;
}

let seq = 0;

export async function runPair(c: ClientKind, url: string, qos: QoS, size: number, count: number, window: number): Promise<PairResult> {
  const id = `${process.pid}-${++seq}`;
  const job = { url, topic: `bench/${id}`, qos, size, count, window };
  const sub = new Worker(`${c.name} subscriber`, c.cmd(), { ...job, role: 'sub', clientId: `bsub-${id}` });
  const pub = new Worker(`${c.name} publisher`, c.cmd(), { ...job, role: 'pub', clientId: `bpub-${id}` });
  try {
    await sub.next('ready', 20_000);
    await pub.next('ready', 20_000);
    pub.send('go');
    const p = await pub.next('done', 120_000);
    sub.send('stop');
    const s = await sub.next('done', 120_000);
    const e2eMs = s.last - p.t0;
    return {
      e2eRate: s.unique / (e2eMs / 1000),
      pubRate: count / ((p.t1 - p.t0) / 1000),
      mbps: s.bytes / 1e6 / (e2eMs / 1000),
      lost: count - s.unique,
      dups: s.dups,
      pubCpu10k: p.cpuMs / count * 10_000,
      subCpu10k: s.cpuMs / count * 10_000,
      errors: p.errors,
    };
  } finally {
    await Promise.all([pub.close(), sub.close()]);
  }
}
