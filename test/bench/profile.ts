// CPU profile of one throughput pair (publisher and subscriber processes run with
// `node --cpu-prof`), summarised as the functions with the most self time in each.
//   tsx test/bench/profile.ts [client=glowmq] [qos=1] [size=1024] [count=20000]
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
export function selfTimes(p: Profile): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/|src\/|test\/)/, '$1')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const [name = 'glowmq', qos = '1', size = '1024', count = '20000'] = process.argv.slice(2);
  const { clients } = await availableClients();
  const c = clients.find((x) => x.name === name);
  if (!c) throw new Error(`no client ${name}: ${clients.map((x) => x.name).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-prof-'));
  const prof: ClientKind = { ...c, cmd: () => c.cmd(['--cpu-prof', `--cpu-prof-dir=${dir}`]) };
  const b = await mosquitto();
  try {
    const r = await runPair(prof, b.url, { qos: Number(qos) as QoS, size: Number(size), count: Number(count), window: 100, warmup: 2000 });
    console.log(`${name} QoS ${qos} ${size} B × ${count}: pub CPU ${r.pubCpu10k.toFixed(0)} ms/10k, sub ${r.subCpu10k.toFixed(0)} ms/10k (profiling inflates both)`);
  } finally { await b.stop(); }
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
    const top = selfTimes(p);
    const total = top.reduce((s, [, v]) => s + v, 0);
    console.log(`\n${f} (the first started is the subscriber): total ${(total / 1000).toFixed(0)} ms`);
    for (const [k, v] of top.slice(0, 25)) console.log(`${(v / 1000).toFixed(1).padStart(8)} ms ${(v / total * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
  console.log(`\nprofiles: ${dir} (open in Chrome DevTools → Performance)`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
