// CPU profile of one throughput pair (publisher and subscriber processes run with
// `node --cpu-prof`), summarised as the functions with the most self time in each.
//   tsx test/bench/profile.ts [client=glowmq] [qos=1] [size=1024] [count=20000] [window=100] [warmup=2000]
// (a window equal to the count publishes every message at once: the QoS 1 burst)
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mosquitto } from './lib/brokers';
import { availableClients, type ClientKind } from './lib/clients';
import { runPair } from './lib/pair';
import type { QoS } from './workers/adapter';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Self time per function (µs), largest first. */
export function selfTimes(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((nodeId, i) => {
    const frame = byId.get(nodeId)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules\/|src\/|test\/)/, '$1')}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...self].sort((left, right) => right[1] - left[1]);
}

async function main(): Promise<void> {
  const [name = 'glowmq', qos = '1', size = '1024', count = '20000', window = '100', warmup = '2000'] = process.argv.slice(2);
  const { clients } = await availableClients();
  const client = clients.find((candidate) => candidate.name === name);
  if (!client) throw new Error(`no client ${name}: ${clients.map((candidate) => candidate.name).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-prof-'));
  const prof: ClientKind = { ...client, cmd: () => client.cmd(['--cpu-prof', `--cpu-prof-dir=${dir}`]) };
  const broker = await mosquitto();
  try {
    const result = await runPair(prof, broker.url, { qos: Number(qos) as QoS, size: Number(size), count: Number(count), window: Number(window), warmup: Number(warmup) });
    console.log(`${name} QoS ${qos} ${size} B × ${count}: pub CPU ${result.pubCpu10k.toFixed(0)} ms/10k, sub ${result.subCpu10k.toFixed(0)} ms/10k (profiling inflates both)`);
  } finally { await broker.stop(); }
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort()) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const top = selfTimes(profile);
    const total = top.reduce((sum, [, v]) => sum + v, 0);
    console.log(`\n${file} (the first started is the subscriber): total ${(total / 1000).toFixed(0)} ms`);
    for (const [k, v] of top.slice(0, 25)) console.log(`${(v / 1000).toFixed(1).padStart(8)} ms ${(v / total * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
  console.log(`\nprofiles: ${dir} (open in Chrome DevTools → Performance)`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
