// Publisher: on "warm", publish `warmup` messages (sequence numbers from `count` up, which the
// subscriber sets aside) and report "warm" when all completed, so the JIT has compiled the
// hot paths before anything is timed; on "go", publish `count` messages keeping `window`
// outstanding and report when the last one has completed (QoS 0 written, QoS 1 PUBACK,
// QoS 2 PUBCOMP).
import type { BenchClient, Job } from './adapter';
import { cpuSplit, wall } from './clock';
import { emit, memory, onCommand } from './io';
import { makePayload, template } from './payload';

const DEFAULT_WINDOW = 100;

interface Phase { first: number; total: number; sent: number; done: number; finished: () => void }

export function runPub(client: BenchClient, job: Job): void {
  const tpl = template(job.size);
  const window = job.window ?? DEFAULT_WINDOW;
  let errors = 0, firstError = '', pumping = false, phase: Phase | undefined;
  let startedAt = 0, cpu0 = process.cpuUsage();
  const onDone = (err?: Error) => {
    if (err) { errors++; if (!firstError) firstError = err.message; }
    const current = phase!;
    if (++current.done === current.total) current.finished(); else pump();
  };
  // A synchronous completion re-enters here; the flag keeps that a loop, not a recursion.
  const pump = () => {
    const current = phase;
    if (pumping || !current) return;
    pumping = true;
    while (current.sent < current.total && current.sent - current.done < window) {
      const seq = current.first + current.sent++;
      client.publish(job.topic, makePayload(tpl, seq), job.qos, onDone);
    }
    pumping = false;
  };
  const start = (first: number, total: number, finished: () => void) => {
    phase = { first, total, sent: 0, done: 0, finished };
    if (total === 0) finished(); else pump();
  };
  const finish = () => {
    const endedAt = wall();
    emit({ ev: 'done', t0: startedAt, t1: endedAt, ...cpuSplit(cpu0), sent: job.count, completed: job.count - errors, errors, firstError, ...memory() });
    client.end(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  let warmed = false, started = false;
  onCommand((cmd) => {
    if (cmd === 'warm' && !warmed) {
      warmed = true;
      start(job.count, job.warmup ?? 0, () => { errors = 0; firstError = ''; emit({ ev: 'warm' }); });
    } else if (cmd === 'go' && !started) {
      started = true;
      startedAt = wall(); cpu0 = process.cpuUsage();
      start(0, job.count, finish);
    }
  });
  emit({ ev: 'ready' });
}
