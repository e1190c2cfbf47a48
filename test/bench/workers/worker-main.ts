// A bench worker process: one client library, one role, the workload from env BENCH_JOB.
import type { Connect, Job } from './adapter';
import { fail } from './io';
import { runPub } from './role-pub';
import { runSub } from './role-sub';
import { runEcho, runPing } from './role-latency';
import { runConnect, runIdle, runSoak } from './role-memory';

export function workerMain(connect: Connect): void {
  let job: Job;
  try { job = JSON.parse(process.env.BENCH_JOB ?? ''); } catch { fail('BENCH_JOB (JSON) is missing'); }
  process.on('uncaughtException', fail);
  connect(job.url, job.clientId, (client) => {
    switch (job.role) {
      case 'pub': return runPub(client, job);
      case 'sub': return runSub(client, job);
      case 'echo': return runEcho(client, job);
      case 'ping': return runPing(client, job);
      case 'idle': return runIdle(client);
      case 'connect': return runConnect();
      case 'soak': return runSoak(client, job);
    }
  }, fail, job);
}
