// Round trips: "ping" publishes to topic A and waits for the echo on topic B; "echo"
// republishes everything from A to B. Sequential: one message in flight at a time.
import type { BenchClient, Job } from './adapter';
import { wall } from './clock';
import { emit, onCommand } from './io';
import { makePayload, template } from './payload';

export function runEcho(c: BenchClient, job: Job): void {
  c.onMessage((_t, p) => c.publish(job.topic2!, Buffer.from(p.buffer, p.byteOffset, p.byteLength), job.qos, () => {}));
  c.subscribe(job.topic, job.qos, () => emit({ ev: 'ready' }));
  onCommand((cmd) => { if (cmd === 'stop') c.end(() => process.exit(0)); });
}

export function runPing(c: BenchClient, job: Job): void {
  const tpl = template(job.size);
  const warm = job.warmup ?? 0, total = warm + job.count;
  const rtts: number[] = [];
  let i = 0, t = 0, started = false;
  const next = () => {
    if (i === total) {
      rtts.sort((left, right) => left - right);
      const at = (pct: number) => rtts[Math.min(rtts.length - 1, Math.max(0, Math.ceil(pct / 100 * rtts.length) - 1))];
      // The distribution: the round trip at every whole percentile, 0 (fastest) to 100 (slowest).
      const curve = Array.from({ length: 101 }, (_, pct) => at(pct));
      emit({ ev: 'done', n: rtts.length, p50: at(50), p99: at(99), max: rtts[rtts.length - 1], mean: rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length, curve });
      c.end(() => process.exit(0));
      return;
    }
    t = wall();
    c.publish(job.topic, makePayload(tpl, i), job.qos, () => {});
  };
  c.onMessage(() => {
    const rtt = wall() - t;
    if (i++ >= warm) rtts.push(rtt);
    next();
  });
  c.subscribe(job.topic2!, job.qos, () => emit({ ev: 'ready' }));
  onCommand((cmd) => { if (cmd === 'go' && !started) { started = true; next(); } });
}
