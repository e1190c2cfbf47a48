// Brokers for the end-to-end benches: Debian's mosquitto (own process) and aedes (own
// process too, so the broker's CPU never competes with the runner's event loop).
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startMosquitto } from '../../support/mosquitto';
import { existsSync } from 'node:fs';
import { BENCH, ROOT } from './paths';

export interface Broker { name: string; url: string; stop(): Promise<void>; output?: string[] }

export async function mosquitto(): Promise<Broker> {
  // No per-client queue limit: a subscriber a little slower than its publisher must not
  // see QoS 1/2 messages dropped by the broker (default max_queued_messages 1000).
  const instance = await startMosquitto({ extraConfig: 'max_queued_messages 0\nmax_inflight_messages 0\nset_tcp_nodelay true' });
  return { name: 'mosquitto', url: instance.url, stop: () => instance.stop(), output: instance.output };
}

export async function aedes(): Promise<Broker | Error> {
  if (!existsSync(join(ROOT, 'test/support/aedes.ts'))) return new Error('test/support/aedes.ts does not exist yet');
  // The broker is not measured, so it runs from source through tsx.
  const proc = spawn(process.execPath, ['--import', 'tsx', join(BENCH, 'workers/aedes-broker.ts')], { stdio: ['pipe', 'pipe', 'inherit'], cwd: ROOT });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`aedes broker exited (${code})`)));
  }).catch((err: Error) => err);
  if (line instanceof Error) return line;
  const { url } = JSON.parse(line) as { url: string };
  return {
    name: 'aedes', url,
    stop: () => new Promise((resolve) => { if (proc.exitCode !== null) return resolve(); proc.once('exit', () => resolve()); proc.stdin!.end(); setTimeout(() => proc.kill('SIGKILL'), 3000).unref(); }),
  };
}
