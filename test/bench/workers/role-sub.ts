// Subscriber: subscribe, report ready, count messages (unique / duplicates) until all
// `count` arrived or, after "stop", a grace period passed. Messages numbered `count` and up
// are the publisher's warm-up: set aside, and "warm" is reported once all arrived; "reset"
// then restarts the clocks, so only the timed messages count. The time at each tenth of
// the messages is reported too, to show how much of the run was still warming up.
import type { BenchClient, Job } from './adapter';
import { cpuSplit, wall } from './clock';
import { emit, memory, onCommand } from './io';
import { seqOf } from './payload';

const GRACE_MS = 1500;
const MARKS = 10;

export function runSub(client: BenchClient, job: Job): void {
  const seen = new Uint8Array(job.count);
  const warmup = job.warmup ?? 0;
  const tenths: number[] = [];
  let unique = 0, dups = 0, warmSeen = 0, bytes = 0, first = 0, last = 0, finished = false;
  let cpu0 = process.cpuUsage();
  const finish = () => {
    if (finished) return;
    finished = true;
    emit({ ev: 'done', unique, dups, outOfRange: Math.max(0, warmSeen - warmup), bytes, first, last, tenths, ...cpuSplit(cpu0), ...memory() });
    client.end(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  client.onMessage((_topic, payload) => {
    const seq = seqOf(payload);
    if (seq >= job.count) {
      if (++warmSeen === warmup) emit({ ev: 'warm' });
      return;
    }
    const now = wall();
    if (!first) first = now;
    last = now;
    bytes += payload.length;
    if (seen[seq]) { dups++; return; }
    seen[seq] = 1;
    unique++;
    if (unique * MARKS >= job.count * (tenths.length + 1)) tenths.push(now);
    if (unique === job.count) finish();
  });
  client.subscribe(job.topic, job.qos, (err) => {
    if (err) { emit({ ev: 'error', message: `subscribe: ${err.message}` }); process.exit(1); }
    cpu0 = process.cpuUsage();
    emit({ ev: 'ready' });
  });
  onCommand((cmd) => {
    if (cmd === 'reset') { cpu0 = process.cpuUsage(); emit({ ev: 'reset', warmSeen }); }
    if (cmd === 'stop') setTimeout(finish, GRACE_MS);
  });
}
