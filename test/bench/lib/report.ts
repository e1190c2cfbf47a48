// Printing a benchmark table and appending it, with its context, to BENCHMARKS.md.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';

export interface Table { title: string; columns: string[]; rows: string[][]; notes?: string[] }

function widths(t: Table): number[] {
  return t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
}

/** Fixed-width text for the terminal. */
export function renderText(t: Table): string {
  const w = widths(t);
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  const out = [t.title, line(t.columns), w.map((n) => '-'.repeat(n)).join('  '), ...t.rows.map(line)];
  for (const n of t.notes ?? []) out.push(`  ${n}`);
  return out.join('\n');
}

/** A Markdown table for BENCHMARKS.md. */
export function renderMarkdown(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    `| ${t.columns.map(esc).join(' | ')} |`,
    `| ${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

/** How this process was started, as a user would type it. */
export function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args ? ` -- ${args}` : ''}`;
  const script = process.argv[1] ? process.argv[1].replace(ROOT + '/', '') : '?';
  return `tsx ${script}${args ? ' ' + args : ''}`;
}

export function context(): string {
  const c = cpus();
  return `${new Date().toISOString()} · Node ${process.version} · ${c.length} CPU${c.length === 1 ? '' : 's'} (${c[0]?.model.trim() ?? '?'}), load average ${loadavg()[0].toFixed(1)} · \`${commandLine()}\``;
}

const FILE = join(ROOT, 'BENCHMARKS.md');

/** Print the table and append it to BENCHMARKS.md under a heading with the run's context. */
export function publish(t: Table): void {
  console.log('\n' + renderText(t) + '\n');
  if (process.env.GLOWMQ_BENCH_NO_APPEND) return;
  if (!existsSync(FILE)) writeFileSync(FILE, '# glowmq benchmarks\n\nAppended by `npm run bench` (test/bench/). Newest at the bottom.\n');
  appendFileSync(FILE, `\n### ${t.title}\n\n${context()}\n\n${renderMarkdown(t)}\n`);
}
