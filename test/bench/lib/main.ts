// Lets each bench script run on its own (`tsx test/bench/latency.ts`) as well as from index.ts.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs, type BenchArgs } from './args';

export function runIfMain(metaUrl: string, run: (a: BenchArgs) => Promise<unknown>): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  run(parseArgs()).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
