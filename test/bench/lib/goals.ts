// The goals, each checked against the figures measured in this run.
import type { Table } from './report';
import { median } from './stats';
import type { ThroughputRow } from '../throughput';
import type { LatencyRow } from '../latency';
import type { IdleRow, SoakResult } from '../memory';
import type { StartupRow } from '../startup';
import type { CliRow } from '../cli';

export interface Results {
  throughput?: ThroughputRow[];
  latency?: LatencyRow[];
  memory?: { idle: IdleRow[]; soak: SoakResult[] };
  startup?: StartupRow[];
  cli?: CliRow[];
}

const MB = 1024 * 1024;
const x = (v: number) => (isFinite(v) ? `${v.toFixed(2)}×` : '–');
/** Repetitions behind this run's figures: a verdict from fewer than 3 is only indicative. */
let repetitions = 3;
const MIN_RUNS_FOR_VERDICT = 3;
const verdict = (ok: boolean | undefined) => {
  if (ok === undefined) return 'not measured';
  const word = ok ? 'met' : 'MISSED';
  return repetitions >= MIN_RUNS_FOR_VERDICT ? word : `${word} (indicative: ${repetitions} run${repetitions === 1 ? '' : 's'})`;
};

type Pick = (r: ThroughputRow) => number;

/** glowmq/reference ratios of a throughput figure over every (broker, QoS, size) row. */
function ratios(t: ThroughputRow[], f: Pick, mine = 'glowmq', ref = 'MQTT.js', qos?: number): number[] {
  const out: number[] = [];
  for (const g of t.filter((r) => r.client === mine && r.runs.length && (qos === undefined || r.qos === qos))) {
    const m = t.find((r) => r.client === ref && r.broker === g.broker && r.qos === g.qos && r.size === g.size && r.runs.length);
    if (m) out.push(f(g) / f(m));
  }
  return out;
}

const med = (k: 'e2eRate' | 'pubRate' | 'pubCpu10k' | 'subCpu10k'): Pick => (r) => median(r.runs.map((p) => p[k]));
const cpu: Pick = (r) => median(r.runs.map((p) => p.pubCpu10k + p.subCpu10k));
const range = (v: number[]) => (v.length ? `${x(Math.min(...v))} … ${x(Math.max(...v))} (${v.length} rows)` : '–');

export function goalsTable(res: Results, runs: number): Table {
  repetitions = runs;
  const rows: string[][] = [];
  const t = res.throughput;
  if (t) {
    for (const q of [0, 1, 2]) {
      const v = ratios(t, cpu, 'glowmq', 'MQTT.js', q);
      rows.push([`CPU per message (pub+sub), QoS ${q}`, '≤ 0.50× MQTT.js', range(v), verdict(v.length ? Math.max(...v) <= 0.5 : undefined)]);
    }
    const e = ratios(t, med('e2eRate'));
    rows.push(['end-to-end throughput, every QoS and size', '≥ 1.00× MQTT.js', range(e), verdict(e.length ? Math.min(...e) >= 1 : undefined)]);
    const lost = t.filter((r) => r.qos > 0 && r.runs.some((q) => q.lost > 0)).map((r) => `${r.client} ${r.broker} QoS ${r.qos} ${r.size} B`);
    rows.push(['messages lost at QoS 1/2', '0 (every client)', lost.length ? lost.join('; ') : '0', verdict(lost.length === 0)]);
  }
  const m = res.memory;
  if (m) {
    const g = m.idle.find((r) => r.client === 'glowmq');
    const added = g?.rss.length ? median(g.rss.map((v, i) => v - g.bare[i])) / MB : NaN;
    const ref = m.idle.find((r) => r.client === 'MQTT.js');
    const refAdded = ref?.rss.length ? median(ref.rss.map((v, i) => v - ref.bare[i])) / MB : NaN;
    rows.push(['RSS a connected client adds', '≤ 2 MiB', `${added.toFixed(1)} MiB (MQTT.js ${refAdded.toFixed(1)} MiB)`, verdict(isFinite(added) ? added <= 2 : undefined)]);
    const s = m.soak[0];
    if (s && s.heap.length > 1) {
      const grow = (s.heap[s.heap.length - 1].heapUsed - s.heap[0].heapUsed) / 1024;
      rows.push([`heap after ${s.heap[s.heap.length - 1].at.toLocaleString('en-US')} vs ${s.heap[0].at.toLocaleString('en-US')} QoS 1 messages`, 'flat (< 512 KiB growth)', `${grow >= 0 ? '+' : ''}${grow.toFixed(0)} KiB`, verdict(grow < 512)]);
    }
  }
  const l = res.latency;
  if (l) {
    for (const k of ['p50', 'p99'] as const) {
      const v: number[] = [];
      for (const g of l.filter((r) => r.client === 'glowmq' && r.runs.length)) {
        const ref = l.find((r) => r.client === 'MQTT.js' && r.qos === g.qos && r.runs.length);
        if (ref) v.push(median(g.runs.map((r) => r[k])) / median(ref.runs.map((r) => r[k])));
      }
      // p50: level with MQTT.js; p99: the tail well below it.
      const limit = k === 'p50' ? 1 : 0.7;
      rows.push([`round-trip latency ${k}`, `≤ ${limit.toFixed(2)}× MQTT.js`, range(v), verdict(v.length ? Math.max(...v) <= limit : undefined)]);
    }
  }
  const st = res.startup;
  if (st) {
    for (const what of ['start → CONNACK', 'pub 1 message: start → exit']) {
      const g = st.find((r) => r.what === what && r.client === 'glowmq' && r.ms.length);
      const ref = st.find((r) => r.what === what && r.client === 'MQTT.js' && r.ms.length);
      const w = g && ref ? median(g.ms) / median(ref.ms) : NaN;
      const c = g && ref ? median(g.cpu) / median(ref.cpu) : NaN;
      rows.push([`start-up, ${what}`, '≤ 0.50× MQTT.js', `wall ${x(w)}, CPU ${x(c)}`, verdict(isFinite(w) ? w <= 0.5 : undefined)]);
    }
  }
    if (res.cli) rows.push(...cliGoals(res.cli));
  const notes = ['each ratio is glowmq ÷ MQTT.js of the medians of the repeated runs; a verdict needs 3 or more runs (else it is marked indicative)'];
  return { title: 'Goals, from the figures above', columns: ['goal', 'target', 'measured (glowmq ÷ MQTT.js)', 'verdict'], rows, notes };
}

/** The command-line goals: glowmq ÷ MQTT.js of the median figures of each case. */
function cliGoals(cli: CliRow[]): string[][] {
  const figure = (prefix: string, tool: string, key: 'cpu' | 'maxRss' | 'ms') => {
    const row = cli.find((candidate) => candidate.what.startsWith(prefix) && candidate.tool === tool && candidate.samples.length);
    return row ? median(row.samples.map((sample) => sample[key])) : NaN;
  };
  const share = (prefix: string, key: 'cpu' | 'maxRss' | 'ms') => figure(prefix, 'glowmq', key) / figure(prefix, 'MQTT.js', key);
  const goal = (name: string, prefix: string, key: 'cpu' | 'maxRss' | 'ms'): string[] => {
    const value = share(prefix, key);
    return [name, '≤ 0.50× MQTT.js', x(value), verdict(isFinite(value) ? value <= 0.5 : undefined)];
  };
  const pubRow = cli.find((candidate) => candidate.what.startsWith('pub -l') && candidate.tool === 'glowmq' && candidate.samples.length);
  const wanted = pubRow ? Number(/([\d,]+) QoS/.exec(pubRow.what)![1].replace(/,/g, '')) : NaN;
  const delivered = pubRow ? Math.min(...pubRow.samples.map((sample) => sample.delivered)) : NaN;
  return [
    goal('publisher CPU, QoS 1 without waiting (library)', 'library publisher', 'cpu'),
    goal('`sub` CLI receiving QoS 1: CPU', 'sub', 'cpu'),
    goal('`sub` CLI receiving QoS 1: peak RSS', 'sub', 'maxRss'),
    goal('`pub -l` QoS 1 lines: wall', 'pub -l', 'ms'),
    goal('`pub -l` QoS 1 lines: peak RSS', 'pub -l', 'maxRss'),
    ['`pub -l`: every line delivered', `all ${isFinite(wanted) ? wanted.toLocaleString('en-US') : ''}`, isFinite(delivered) ? delivered.toLocaleString('en-US') : '–', verdict(isFinite(delivered) ? delivered === wanted : undefined)],
  ];
}
