// Memory and start-up roles: "idle" (connected, doing nothing: RSS and heap), "connect"
// (report CONNACK and exit: start-up time), "soak" (QoS 1 loop through the broker to its own
// subscription, heap recorded at checkpoints: it must not grow with the message count).
import type { BenchClient, Job } from './adapter';
import { cpuMs, wall } from './clock';
import { emit, memory, onCommand } from './io';
import { makePayload, template } from './payload';

export function runIdle(client: BenchClient): void {
  // Let the connection settle (timers armed, buffers released) before measuring.
  setTimeout(() => { emit({ ev: 'done', ...memory() }); client.end(() => process.exit(0)); }, 500);
}

export function runConnect(): void {
  emit({ ev: 'connack', t: wall(), uptimeMs: process.uptime() * 1000 });
  process.exit(0);
}

export function runSoak(client: BenchClient, job: Job): void {
  const tpl = template(job.size);
  const win = job.window ?? 100;
  const marks = (job.checkpoints ?? [job.count]).slice().sort((left, right) => left - right);
  const heap: { at: number; heapUsed: number; rss: number }[] = [];
  let sent = 0, got = 0, pumping = false;
  const cpu0 = process.cpuUsage(), startedAt = wall();
  const pump = () => {
    if (pumping) return;
    pumping = true;
    while (sent < job.count && sent - got < win) { const i = sent++; client.publish(job.topic, makePayload(tpl, i), 1, () => {}); }
    pumping = false;
  };
  client.onMessage(() => {
    got++;
    if (got === marks[heap.length]) heap.push({ at: got, ...memory() });
    if (got === job.count) {
      emit({ ev: 'done', heap, cpuMs: cpuMs(cpu0), ms: wall() - startedAt });
      client.end(() => process.exit(0));
    } else pump();
  });
  client.subscribe(job.topic, 1, () => { emit({ ev: 'ready' }); pump(); });
  onCommand(() => {});
}
