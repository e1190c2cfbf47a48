// Publisher: on "go", publish `count` messages keeping `window` outstanding; report when
// the last one has completed (QoS 0 written, QoS 1 PUBACK, QoS 2 PUBCOMP).
import type { BenchClient, Job } from './adapter';
import { cpuMs, wall } from './clock';
import { emit, memory, onCommand } from './io';
import { makePayload, template } from './payload';

export function runPub(c: BenchClient, job: Job): void {
  const tpl = template(job.size);
  const win = job.window ?? 100;
  let sent = 0, done = 0, errors = 0, pumping = false, started = false;
  let t0 = 0, cpu0 = process.cpuUsage();
  let firstError = '';
  const finish = () => {
    const t1 = wall();
    const cpu = cpuMs(cpu0);
    emit({ ev: 'done', t0, t1, cpuMs: cpu, sent, completed: done - errors, errors, firstError, ...memory() });
    c.end(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  const onDone = (err?: Error) => {
    if (err) { errors++; if (!firstError) firstError = err.message; }
    done++;
    if (done === job.count) finish(); else pump();
  };
  // A synchronous completion re-enters here; the flag keeps that a loop, not a recursion.
  const pump = () => {
    if (pumping) return;
    pumping = true;
    while (sent < job.count && sent - done < win) { const i = sent++; c.publish(job.topic, makePayload(tpl, i), job.qos, onDone); }
    pumping = false;
  };
  onCommand((cmd) => {
    if (cmd !== 'go' || started) return;
    started = true;
    t0 = wall(); cpu0 = process.cpuUsage();
    pump();
  });
  emit({ ev: 'ready' });
}
