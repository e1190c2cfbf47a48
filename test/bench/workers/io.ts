// The worker's side of the runner protocol: JSON lines out, command lines in.
import { createInterface } from 'node:readline';

export function emit(msg: object): void { process.stdout.write(JSON.stringify(msg) + '\n'); }

export function fail(problem: unknown): never {
  emit({ ev: 'error', message: problem instanceof Error ? problem.message : String(problem) });
  process.exit(1);
}

/** Call `fn` for each command line on stdin ("go", "stop"); stdin closing means "stop". */
export function onCommand(handler: (cmd: string) => void): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => handler(line.trim()));
  lines.on('close', () => handler('stop'));
}

export function memory(): { rss: number; heapUsed: number } {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) { collect(); collect(); }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}
