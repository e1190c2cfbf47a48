// The `sub` command-line case alone, for Node flag variants of the glowmq build against MQTT.js's
// CLI, interleaved: peak RSS and CPU by wait4 (see cli.ts).
//   [GLOWMQ_BASE=dir] tsx test/bench/cli-sub-variants.ts [runs=3] [messages=50000] [node flags, comma-separated]…
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { mosquitto } from './lib/brokers';
import { fmtNum, median, withSpread } from './lib/stats';
import { subscriberRun, tools, type Sample, type Tool } from './cli';

const MIB = 1024 * 1024;
const runs = Number(process.argv[2] || 3), count = Number(process.argv[3] || 50000);
const [glowmq, mqttjs] = tools();
const variant = (name: string, nodeFlags: string[]): Tool => ({ ...glowmq!, name, sub: (flags) => { const cmd = glowmq!.sub(flags); return [cmd[0]!, ...nodeFlags, ...cmd.slice(1)]; } });
// Each extra argument is a set of Node flags to try (comma-separated), e.g. --max-semi-space-size=1,--single-threaded-gc
const flagSets = process.argv.slice(4).map((set) => set.split(','));
// GLOWMQ_BASE=dir: also the one-file build of another checkout (built there first), as "base".
const base = process.env.GLOWMQ_BASE;
const baseTool: Tool[] = base ? [{ ...glowmq!, name: 'base', sub: (flags) => [process.execPath, join(base, 'dist/node/glowmq.cjs'), 'sub', ...flags] }] : [];
const variants: Tool[] = [glowmq!, ...baseTool, ...flagSets.map((flags) => variant(`glowmq ${flags.join(' ')}`, flags)), mqttjs!];
const samples = new Map<string, Sample[]>(variants.map((tool) => [tool.name, []]));
const loads: number[] = [];
const broker = await mosquitto();
let seq = 0;
try {
  for (let run = 0; run < runs; run++) {
    loads.push(loadavg()[0]!);
    for (const tool of variants) samples.get(tool.name)!.push(await subscriberRun(tool, broker.url, count, `clisub/${process.pid}/${++seq}`));
  }
} finally { await broker.stop(); }
console.log(`sub, ${fmtNum(count)} QoS 1 messages, ${runs} interleaved runs, median (min–max); load average before each: ${loads.map((load) => load.toFixed(2)).join(', ')}`);
for (const [name, list] of samples) {
  const show = (pick: (sample: Sample) => number, digits = 0) => withSpread(list.map(pick), (value) => fmtNum(value, digits));
  console.log(`${name.padEnd(34)} CPU ${show((sample) => sample.cpu)} ms, system ${show((sample) => sample.sys)} ms, peak RSS ${show((sample) => sample.maxRss / MIB, 1)} MiB, delivered ${Math.min(...list.map((sample) => sample.delivered))}`);
}
const ref = samples.get('MQTT.js')!;
for (const [name, list] of samples) {
  if (name === 'MQTT.js') continue;
  console.log(`${name.padEnd(34)} ÷ MQTT.js: CPU ${(median(list.map((sample) => sample.cpu)) / median(ref.map((sample) => sample.cpu))).toFixed(2)}×, peak RSS ${(median(list.map((sample) => sample.maxRss)) / median(ref.map((sample) => sample.maxRss))).toFixed(2)}×`);
}
process.exit(0);
