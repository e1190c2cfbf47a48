// Round trips: "ping" publishes to topic A and waits for the echo on topic B; "echo"
// republishes everything from A to B. Sequential: one message in flight at a time.
import type { BenchClient, Job } from './adapter';
import { wall } from './clock';
import { emit, onCommand } from './io';
import { makePayload, template } from './payload';

export function runEcho(client: BenchClient, job: Job): void {
  client.onMessage((_topic, payload) => client.publish(job.topic2!, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), job.qos, () => {}));
  client.subscribe(job.topic, job.qos, () => emit({ ev: 'ready' }));
  onCommand((cmd) => { if (cmd === 'stop') client.end(() => process.exit(0)); });
}

export function runPing(client: BenchClient, job: Job): void {
  const tpl = template(job.size);
  const warm = job.warmup ?? 0, total = warm + job.count;
  const rtts: number[] = [];
  let i = 0, sentAt = 0, started = false;
  const next = () => {
    if (i === total) {
      rtts.sort((left, right) => left - right);
      const atPercentile = (pct: number) => rtts[Math.min(rtts.length - 1, Math.max(0, Math.ceil(pct / 100 * rtts.length) - 1))];
      // The distribution: the round trip at every whole percentile, 0 (fastest) to 100 (slowest).
      const curve = Array.from({ length: 101 }, (_, pct) => atPercentile(pct));
      emit({ ev: 'done', n: rtts.length, p50: atPercentile(50), p99: atPercentile(99), max: rtts[rtts.length - 1], mean: rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length, curve });
      client.end(() => process.exit(0));
      return;
    }
    sentAt = wall();
    client.publish(job.topic, makePayload(tpl, i), job.qos, () => {});
  };
  client.onMessage(() => {
    const rtt = wall() - sentAt;
    if (i++ >= warm) rtts.push(rtt);
    next();
  });
  client.subscribe(job.topic2!, job.qos, () => emit({ ev: 'ready' }));
  onCommand((cmd) => { if (cmd === 'go' && !started) { started = true; next(); } });
}
