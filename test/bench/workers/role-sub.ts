// Subscriber: subscribe, report ready, count messages (unique / duplicates) until all
// `count` arrived or, after "stop", a grace period passed.
import type { BenchClient, Job } from './adapter';
import { cpuMs, wall } from './clock';
import { emit, memory, onCommand } from './io';
import { seqOf } from './payload';

const GRACE_MS = 1500;

export function runSub(c: BenchClient, job: Job): void {
  const seen = new Uint8Array(job.count);
  let unique = 0, dups = 0, outOfRange = 0, bytes = 0, first = 0, last = 0, finished = false;
  let cpu0 = process.cpuUsage();
  const finish = () => {
    if (finished) return;
    finished = true;
    emit({ ev: 'done', unique, dups, outOfRange, bytes, first, last, cpuMs: cpuMs(cpu0), ...memory() });
    c.end(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  c.onMessage((_topic, payload) => {
    const t = wall();
    if (!first) first = t;
    last = t;
    bytes += payload.length;
    const s = seqOf(payload);
    if (s >= job.count) { outOfRange++; return; }
    if (seen[s]) { dups++; return; }
    seen[s] = 1;
    if (++unique === job.count) finish();
  });
  c.subscribe(job.topic, job.qos, (err) => {
    if (err) { emit({ ev: 'error', message: `subscribe: ${err.message}` }); process.exit(1); }
    cpu0 = process.cpuUsage();
    emit({ ev: 'ready' });
  });
  onCommand((cmd) => { if (cmd === 'stop') setTimeout(finish, GRACE_MS); });
}
