// Lets each bench script run on its own (`tsx test/bench/latency.ts`) as well as from index.ts.
// On its own, a script's report goes to test/bench/out/<script>.md, never BENCHMARKS.md.
import { fileURLToPath } from 'node:url';
import { basename, resolve } from 'node:path';
import { parseArgs, type BenchArgs } from './args';
import { load, reportPlace, writeReport } from './report';

export function runIfMain(metaUrl: string, run: (args: BenchArgs) => Promise<unknown>): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  const args = parseArgs();
  const startedAt = new Date(), loadAtStart = load();
  const name = basename(process.argv[1]).replace(/\.ts$/, '');
  run(args).then(() => {
    const file = writeReport(reportPlace(false, name), { runs: args.runs, startedAt, description: `one section (${name}) on its own`, loadAtStart });
    console.log(`bench: report in ${file}`);
    process.exit(0);
  }, (err) => { console.error(err); process.exit(1); });
}
