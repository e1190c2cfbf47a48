// `npm run bench` [-- --quick] [--runs N] [--only size,codec,startup,latency,device,memory,throughput,at]
// Builds the bundles, runs every bench script in turn (each prints its table and appends
// it to BENCHMARKS.md), then checks the goals against this run's figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './lib/args';
import { goalsTable, type Results } from './lib/goals';
import { BENCH, ROOT } from './lib/paths';
import { publish } from './lib/report';
import * as size from './size';
import * as codec from './codec';
import * as startup from './startup';
import * as latency from './latency';
import * as device from './device';
import * as memory from './memory';
import * as throughput from './throughput';

async function main(): Promise<void> {
  const a = parseArgs();
  const want = (s: string) => a.only.length === 0 || a.only.includes(s);
  const t0 = Date.now();
  try { execFileSync(process.execPath, ['esbuild.config.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' }); } catch { console.error('bench: the build reported a failure (above); measuring what was built'); }
  const res: Results = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!want(name)) return undefined;
    const s = Date.now();
    try { return await fn(); } catch (e) { console.error(`bench ${name} failed: ${(e as Error).stack}`); return undefined; } finally { console.error(`  (${name}: ${((Date.now() - s) / 1000).toFixed(1)} s)`); }
  };
  await step('size', () => size.run(a));
  await step('codec', () => codec.run(a));
  res.startup = await step('startup', () => startup.run(a));
  res.latency = await step('latency', () => latency.run(a));
  await step('device', () => device.run(a));
  res.memory = await step('memory', () => memory.run(a));
  res.throughput = await step('throughput', () => throughput.run(a));
  const at = join(BENCH, 'at-throughput.ts');
  await step('at', async () => {
    if (!existsSync(at)) { console.log('\n(at-throughput: test/bench/at-throughput.ts not written yet)'); return; }
    const r = spawnSync(process.execPath, ['--import', 'tsx', at, ...(a.quick ? ['--quick'] : [])], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
    if (r.status !== 0) console.error(`at-throughput exited ${r.status ?? r.signal}`);
  });
  if (res.throughput || res.latency || res.memory || res.startup) publish(goalsTable(res));
  console.log(`bench: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
