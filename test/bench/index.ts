// `npm run bench` [-- --quick] [--runs N] [--only size,codec,startup,latency,device,memory,throughput,nodelay,cli,at]
// Builds the bundles, runs every bench section in turn (each prints its table as it
// finishes), checks the goals against this run's figures, then writes the report whole:
// BENCHMARKS.md and docs/benchmarks/*.svg for a complete run (every section, 3 or more
// repetitions, not --quick); test/bench/out/ (git-ignored) for anything less.
import { execFileSync } from 'node:child_process';
import { parseArgs } from './lib/args';
import { goalsTable, type Results } from './lib/goals';
import { ROOT } from './lib/paths';
import { load, publish, reportPlace, writeReport } from './lib/report';
import * as size from './size';
import * as codec from './codec';
import * as startup from './startup';
import * as latency from './latency';
import * as device from './device';
import * as memory from './memory';
import * as throughput from './throughput';
import * as nodelay from './nodelay';
import * as cli from './cli';
import * as atThroughput from './at-throughput';

const MIN_RUNS_FOR_REPORT = 3;

async function main(): Promise<void> {
  const args = parseArgs();
  const wanted = (name: string) => args.only.length === 0 || args.only.includes(name);
  const startedAt = new Date(), loadAtStart = load();
  try { execFileSync(process.execPath, ['esbuild.config.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' }); } catch { console.error('bench: the build reported a failure (above); measuring what was built'); }
  const results: Results = {};
  const step = async <T>(name: string, body: () => Promise<T>): Promise<T | undefined> => {
    if (!wanted(name)) return undefined;
    const began = Date.now();
    try { return await body(); } catch (err) { console.error(`bench ${name} failed: ${(err as Error).stack}`); return undefined; } finally { console.error(`  (${name}: ${((Date.now() - began) / 1000).toFixed(1)} s)`); }
  };
  await step('size', () => size.run(args));
  await step('codec', () => codec.run(args));
  results.startup = await step('startup', () => startup.run(args));
  results.latency = await step('latency', () => latency.run(args));
  await step('device', () => device.run(args));
  results.memory = await step('memory', () => memory.run(args));
  results.throughput = await step('throughput', () => throughput.run(args));
  await step('nodelay', () => nodelay.run(args));
  results.cli = await step('cli', () => cli.run(args));
  await step('at', () => atThroughput.run(args));
  if (results.throughput || results.latency || results.memory || results.startup || results.cli) publish(goalsTable(results, args.runs));
  const complete = !args.quick && args.only.length === 0 && args.runs >= MIN_RUNS_FOR_REPORT;
  const description = args.quick
    ? '`--quick`: small counts and one repetition, a smoke run of the scripts; its figures are not the committed ones'
    : complete ? 'a complete run: every section, full message counts' : `a partial run (${args.only.length ? `--only ${args.only.join(',')}` : `${args.runs} run${args.runs === 1 ? '' : 's'}`})`;
  const file = writeReport(reportPlace(complete, args.quick ? 'BENCHMARKS.quick' : 'BENCHMARKS.partial'), { runs: args.runs, startedAt, description, loadAtStart });
  console.log(`bench: report written to ${file} in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
