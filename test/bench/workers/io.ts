// The worker's side of the runner protocol: JSON lines out, command lines in.
import { createInterface } from 'node:readline';

export function emit(msg: object): void { process.stdout.write(JSON.stringify(msg) + '\n'); }

export function fail(e: unknown): never {
  emit({ ev: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

/** Call `fn` for each command line on stdin ("go", "stop"); stdin closing means "stop". */
export function onCommand(fn: (cmd: string) => void): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (l) => fn(l.trim()));
  rl.on('close', () => fn('stop'));
}

export function memory(): { rss: number; heapUsed: number } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) { g(); g(); }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}
