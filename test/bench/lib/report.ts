// Benchmark tables and charts: printed as each section finishes, and collected into one
// report that is written whole at the end (never appended to). `npm run bench` (every
// section, every repetition) regenerates BENCHMARKS.md and the charts under
// docs/benchmarks/; anything less (--quick, --only, one script on its own) writes to the
// git-ignored test/bench/out/ instead, so a partial or noisy run never replaces the figures.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from './paths';

export interface Table { title: string; columns: string[]; rows: string[][]; notes?: string[] }

/** The committed report and charts (full runs only). */
export const FULL_REPORT = join(ROOT, 'BENCHMARKS.md');
export const FULL_CHARTS = join(ROOT, 'docs/benchmarks');
/** Everything else goes here (git-ignored). */
export const SCRATCH = join(ROOT, 'test/bench/out');

function widths(table: Table): number[] {
  return table.columns.map((col, i) => Math.max(col.length, ...table.rows.map((row) => (row[i] ?? '').length)));
}

/** Fixed-width text for the terminal. */
export function renderText(table: Table): string {
  const colWidths = widths(table);
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(colWidths[i]) : cell.padStart(colWidths[i]))).join('  ');
  const out = [table.title, line(table.columns), colWidths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

/** A Markdown table. */
export function renderMarkdown(table: Table): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [
    `| ${table.columns.map(esc).join(' | ')} |`,
    `| ${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
  ];
  if (table.notes?.length) out.push('', ...table.notes.map((note) => `- ${note}`));
  return out.join('\n');
}

/** How this process was started, as a user would type it. */
export function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const script = process.env.npm_lifecycle_event;
  if (script === 'bench' || script === 'bench:quick') return `npm run ${script}${args && script === 'bench' ? ` -- ${args}` : ''}`;
  const file = process.argv[1] ? relative(ROOT, process.argv[1]) : '?';
  return `tsx ${file}${args ? ' ' + args : ''}`;
}

/** One-minute load average now (what the machine was doing besides the bench). */
export const load = (): number => loadavg()[0];

interface Section { table: Table; at: string; loadMin: number; loadMax: number }
interface Chart { file: string; title: string; svg: string }

const sections: Section[] = [];
const charts: Chart[] = [];
const loadSamples: number[] = [];
let sectionLoads: number[] = [];

/** Record the load average (call at the start of every repetition). */
export function sampleLoad(): void {
  const now = load();
  loadSamples.push(now);
  sectionLoads.push(now);
}

/** Print the table and keep it for the report, with the load averages seen while it was measured. */
export function publish(table: Table): void {
  sampleLoad();
  console.log('\n' + renderText(table) + '\n');
  sections.push({ table, at: new Date().toISOString(), loadMin: Math.min(...sectionLoads), loadMax: Math.max(...sectionLoads) });
  sectionLoads = [];
}

/** Keep an SVG chart for the report (file: a bare name such as "throughput.svg"). */
export function addChart(file: string, title: string, svg: string): void {
  charts.push({ file, title, svg });
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} with uncommitted changes` : head;
  } catch { return 'unknown commit'; }
}

export interface ReportPlace { file: string; chartDir: string; full: boolean }

/** Where this run's report goes: the committed one only for a complete `npm run bench`. */
export function reportPlace(full: boolean, name = 'BENCHMARKS'): ReportPlace {
  return full
    ? { file: FULL_REPORT, chartDir: FULL_CHARTS, full }
    : { file: join(SCRATCH, `${name}.md`), chartDir: join(SCRATCH, `${name}-charts`), full };
}

/** Writes the report (whole) and its charts; returns the report's path. */
export function writeReport(place: ReportPlace, how: { runs: number; startedAt: Date; description: string; loadAtStart: number }): string {
  const cpuList = cpus();
  const loads = loadSamples.length ? loadSamples : [load()];
  const loadLow = Math.min(...loads), loadHigh = Math.max(...loads);
  // The samples include the bench's own processes (a publisher, a subscriber and a broker keep
  // two cores busy): the machine's other work shows in the load before the bench began.
  const busy = how.loadAtStart >= 1.5;
  const head = [
    '# glowmq benchmarks',
    '',
    `Regenerated whole by \`${commandLine()}\` (test/bench/); do not edit by hand.`,
    '',
    `- made ${how.startedAt.toISOString()} – ${new Date().toISOString()} at ${gitCommit()}; Node ${process.version}; ${cpuList.length} CPU${cpuList.length === 1 ? '' : 's'} (${cpuList[0]?.model.trim() ?? '?'})`,
    `- load average (1 min) when the bench began: ${how.loadAtStart.toFixed(1)}; over the run: ${loadLow.toFixed(1)}–${loadHigh.toFixed(1)}, sampled at every repetition, the bench's own processes included (each table gives its own range)`,
    busy
      ? '- **the machine was busy with other work when this run began (load average 1.5 or more): figures are noisy, and ratios between clients (measured interleaved) are more trustworthy than absolute rates**'
      : '- the machine was otherwise idle when the run began (load average below 1.5)',
    `- ${how.description}`,
    `- every figure is the median of ${how.runs} repetition${how.runs === 1 ? '' : 's'}, with min–max in brackets; repetitions are interleaved (run 1 of every case, then run 2…), so a slow minute hits every client alike`,
    how.runs < 3 ? '- fewer than 3 repetitions: verdicts are marked indicative' : '- verdicts compare medians of the repeated figures',
  ];
  const body: string[] = [];
  if (charts.length) {
    body.push('', '## Charts', '');
    for (const chart of charts) body.push(`![${chart.title}](${relative(join(place.file, '..'), join(place.chartDir, chart.file))})`, '');
  }
  for (const section of sections) {
    const range = section.loadMin === section.loadMax ? section.loadMin.toFixed(1) : `${section.loadMin.toFixed(1)}–${section.loadMax.toFixed(1)}`;
    body.push('', `## ${section.table.title}`, '', `${section.at} · load average ${range}`, '', renderMarkdown(section.table));
  }
  mkdirSync(join(place.file, '..'), { recursive: true });
  writeFileSync(place.file, head.join('\n') + '\n' + body.join('\n') + '\n');
  if (charts.length) {
    mkdirSync(place.chartDir, { recursive: true });
    // Charts of sections this run did not make must not linger beside the new ones.
    for (const old of readdirSync(place.chartDir)) if (old.endsWith('.svg')) rmSync(join(place.chartDir, old));
    for (const chart of charts) writeFileSync(join(place.chartDir, chart.file), chart.svg);
  }
  return place.file;
}
