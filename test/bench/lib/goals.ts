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

const MIB = 1024 * 1024;
const times = (value: number) => (isFinite(value) ? `${value.toFixed(2)}×` : '–');
/** Repetitions behind this run's figures: a verdict from fewer than 3 is only indicative. */
let repetitions = 3;
const MIN_RUNS_FOR_VERDICT = 3;
const verdict = (met: boolean | undefined) => {
  if (met === undefined) return 'not measured';
  const word = met ? 'met' : 'MISSED';
  return repetitions >= MIN_RUNS_FOR_VERDICT ? word : `${word} (indicative: ${repetitions} run${repetitions === 1 ? '' : 's'})`;
};

type Pick = (row: ThroughputRow) => number;

/** glowmq/reference ratios of a throughput figure over every (broker, QoS, size) row. */
function ratios(table: ThroughputRow[], pick: Pick, mine = 'glowmq', ref = 'MQTT.js', qos?: number): number[] {
  const out: number[] = [];
  for (const mineRow of table.filter((row) => row.client === mine && row.runs.length && (qos === undefined || row.qos === qos))) {
    const refRow = table.find((row) => row.client === ref && row.broker === mineRow.broker && row.qos === mineRow.qos && row.size === mineRow.size && row.runs.length);
    if (refRow) out.push(pick(mineRow) / pick(refRow));
  }
  return out;
}

const med = (k: 'e2eRate' | 'pubRate' | 'pubCpu10k' | 'subCpu10k'): Pick => (row) => median(row.runs.map((result) => result[k]));
const cpu: Pick = (row) => median(row.runs.map((result) => result.pubCpu10k + result.subCpu10k));
const range = (values: number[]) => (values.length ? `${times(Math.min(...values))} … ${times(Math.max(...values))} (${values.length} rows)` : '–');

export function goalsTable(res: Results, runs: number): Table {
  repetitions = runs;
  const rows: string[][] = [];
  const throughput = res.throughput;
  if (throughput) {
    for (const qos of [0, 1, 2]) {
      const cpuRatios = ratios(throughput, cpu, 'glowmq', 'MQTT.js', qos);
      rows.push([`CPU per message (pub+sub), QoS ${qos}`, '≤ 0.50× MQTT.js', range(cpuRatios), verdict(cpuRatios.length ? Math.max(...cpuRatios) <= 0.5 : undefined)]);
    }
    const floorRatios = ratios(throughput, cpu, 'glowmq', 'raw', 1);
    rows.push(['CPU per message (pub+sub), QoS 1, vs the raw hand-written floor', '≤ 1.15× raw', range(floorRatios), verdict(floorRatios.length ? Math.max(...floorRatios) <= 1.15 : undefined)]);
    const e2eRatios = ratios(throughput, med('e2eRate'));
    rows.push(['end-to-end throughput, every QoS and size', '≥ 1.00× MQTT.js', range(e2eRatios), verdict(e2eRatios.length ? Math.min(...e2eRatios) >= 1 : undefined)]);
    const lost = throughput.filter((row) => row.qos > 0 && row.runs.some((result) => result.lost > 0)).map((row) => `${row.client} ${row.broker} QoS ${row.qos} ${row.size} B`);
    rows.push(['messages lost at QoS 1/2', '0 (every client)', lost.length ? lost.join('; ') : '0', verdict(lost.length === 0)]);
  }
  const memory = res.memory;
  if (memory) {
    const mine = memory.idle.find((row) => row.client === 'glowmq');
    const added = mine?.rss.length ? median(mine.rss.map((rss, i) => rss - mine.bare[i])) / MIB : NaN;
    const ref = memory.idle.find((row) => row.client === 'MQTT.js');
    const refAdded = ref?.rss.length ? median(ref.rss.map((rss, i) => rss - ref.bare[i])) / MIB : NaN;
    const overSocket = mine?.socket.length ? median(mine.socket.map((socket, i) => mine.rss[i] - socket)) / MIB : NaN;
    rows.push(['RSS a connected client adds', '≤ 2 MiB', `${added.toFixed(1)} MiB (MQTT.js ${refAdded.toFixed(1)} MiB; over a plain node:net socket ${overSocket.toFixed(1)} MiB)`, verdict(isFinite(added) ? added <= 2 : undefined)]);
    const soak = memory.soak[0];
    if (soak && soak.heap.length > 1) {
      const grow = (soak.heap[soak.heap.length - 1].heapUsed - soak.heap[0].heapUsed) / 1024;
      rows.push([`heap after ${soak.heap[soak.heap.length - 1].at.toLocaleString('en-US')} vs ${soak.heap[0].at.toLocaleString('en-US')} QoS 1 messages`, 'flat (< 512 KiB growth)', `${grow >= 0 ? '+' : ''}${grow.toFixed(0)} KiB`, verdict(grow < 512)]);
    }
  }
  const latency = res.latency;
  if (latency) {
    for (const k of ['p50', 'p99'] as const) {
      const latencyRatios: number[] = [];
      for (const mine of latency.filter((row) => row.client === 'glowmq' && row.runs.length)) {
        const ref = latency.find((row) => row.client === 'MQTT.js' && row.qos === mine.qos && row.runs.length);
        if (ref) latencyRatios.push(median(mine.runs.map((run) => run[k])) / median(ref.runs.map((run) => run[k])));
      }
      // p50: level with MQTT.js; p99: the tail well below it.
      const limit = k === 'p50' ? 1 : 0.7;
      rows.push([`round-trip latency ${k}`, `≤ ${limit.toFixed(2)}× MQTT.js`, range(latencyRatios), verdict(latencyRatios.length ? Math.max(...latencyRatios) <= limit : undefined)]);
    }
  }
  const startup = res.startup;
  if (startup) {
    for (const what of ['start → CONNACK', 'pub 1 message: start → exit']) {
      const mine = startup.find((row) => row.what === what && row.client === 'glowmq' && row.ms.length);
      const ref = startup.find((row) => row.what === what && row.client === 'MQTT.js' && row.ms.length);
      const wallRatio = mine && ref ? median(mine.ms) / median(ref.ms) : NaN;
      const cpuRatio = mine && ref ? median(mine.cpu) / median(ref.cpu) : NaN;
      rows.push([`start-up, ${what}`, '≤ 0.50× MQTT.js', `wall ${times(wallRatio)}, CPU ${times(cpuRatio)}`, verdict(isFinite(wallRatio) ? wallRatio <= 0.5 : undefined)]);
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
    return [name, '≤ 0.50× MQTT.js', times(value), verdict(isFinite(value) ? value <= 0.5 : undefined)];
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
