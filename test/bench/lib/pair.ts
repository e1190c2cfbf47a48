// One end-to-end throughput run: a subscriber process and a publisher process of the same
// client library through one broker. A warm-up phase (untimed) comes first, so the timed
// messages measure the steady state, not the JIT compiling the hot paths.
import type { ClientKind } from './clients';
import { median } from './stats';
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
  pubSys10k: number;    // the system (kernel) part alone
  subSys10k: number;
  /** Share of the timed run's wall time the first fifth took beyond the steady pace: what warm-up still cost. */
  warmShare: number;
  errors: number;
}

export interface PairJob { qos: QoS; size: number; count: number; window: number; warmup: number; extra?: { [key: string]: unknown } }

/** How long the subscriber may take to report the warm-up messages (QoS 0 may lose some: then go on). */
const WARM_WAIT_MS = 10_000;
let seq = 0;

/** Tenths of the run where warm-up would show (the first fifth); the typical tenth is the median of the others. */
const WARM_TENTHS = 2;

/**
 * Wall time the first fifth of the run took beyond a typical tenth, as a share of the whole
 * run (0 = none). The median of the later tenths is the steady pace, so a stall late in the
 * run (another process on the machine) does not count; one early in the run still does.
 */
export function warmShare(startedAt: number, tenths: number[] | undefined): number {
  if (!tenths || tenths.length < 10) return NaN;
  const durations = tenths.map((at, i) => at - (i ? tenths[i - 1] : startedAt));
  const typical = median(durations.slice(WARM_TENTHS));
  const excess = durations.slice(0, WARM_TENTHS).reduce((sum, took) => sum + Math.max(0, took - typical), 0);
  const total = tenths[tenths.length - 1] - startedAt;
  return total > 0 ? excess / total : NaN;
}

export async function runPair(client: ClientKind, url: string, pairJob: PairJob): Promise<PairResult> {
  const runId = `${process.pid}-${++seq}`;
  const { count } = pairJob;
  const job = { url, topic: `bench/${runId}`, qos: pairJob.qos, size: pairJob.size, count, window: pairJob.window, warmup: pairJob.warmup, ...pairJob.extra };
  const sub = new Worker(`${client.name} subscriber`, client.cmd(), { ...job, role: 'sub', clientId: `bsub-${runId}` });
  const pub = new Worker(`${client.name} publisher`, client.cmd(), { ...job, role: 'pub', clientId: `bpub-${runId}` });
  try {
    await sub.next('ready', 20_000);
    await pub.next('ready', 20_000);
    if (pairJob.warmup > 0) {
      pub.send('warm');
      await pub.next('warm', 120_000);
      await sub.next('warm', WARM_WAIT_MS).catch(() => undefined);
      sub.send('reset');
      await sub.next('reset', 20_000);
    }
    pub.send('go');
    const pubDone = await pub.next('done', 300_000);
    sub.send('stop');
    const subDone = await sub.next('done', 300_000);
    const e2eMs = subDone.last - pubDone.t0;
    const per10k = (cpuMs: number | undefined) => (cpuMs === undefined ? NaN : cpuMs / count * 10_000);
    return {
      e2eRate: subDone.unique / (e2eMs / 1000),
      pubRate: count / ((pubDone.t1 - pubDone.t0) / 1000),
      mbps: subDone.bytes / 1e6 / (e2eMs / 1000),
      lost: count - subDone.unique,
      dups: subDone.dups,
      pubCpu10k: per10k(pubDone.cpuMs),
      subCpu10k: per10k(subDone.cpuMs),
      pubSys10k: per10k(pubDone.sysMs),
      subSys10k: per10k(subDone.sysMs),
      warmShare: warmShare(pubDone.t0, subDone.tenths),
      errors: pubDone.errors,
    };
  } finally {
    await Promise.all([pub.close(), sub.close()]);
  }
}
