// A small flag parser shared by the commands: each command declares its flags once, and
// the same table drives parsing, `--help` and error messages. Accepts "--name value",
// "--name=value", "-x value"; boolean flags take no value.
import { UsageError } from './usage-error';

export interface Flag {
  /** e.g. ['-t', '--topic'] */
  names: string[];
  /** Where the value lands in the result. */
  key: string;
  /** 'bool' takes no value; 'list' may repeat (and splits on commas when `split`). */
  type?: 'string' | 'bool' | 'list';
  split?: boolean;
  /** Placeholder in help, e.g. TOPIC. */
  arg?: string;
  help: string;
}

export interface Parsed {
  values: { [key: string]: string | boolean | string[] };
  /** key → the flag name the user typed (for messages naming the flag). */
  given: { [key: string]: string };
  positional: string[];
}

export function parseArgs(cmd: string, argv: string[], flags: Flag[]): Parsed {
  const out: Parsed = { values: {}, given: {}, positional: [] };
  const byName: { [n: string]: Flag } = {};
  for (const f of flags) for (const n of f.names) byName[n] = f;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.positional.push(...argv.slice(i + 1)); break; }
    if (a.charAt(0) !== '-' || a === '-') { out.positional.push(a); continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const f = byName[name];
    if (!f) throw new UsageError(`glowmq ${cmd}: unknown flag ${name} (see glowmq ${cmd} --help)`);
    out.given[f.key] = name;
    if (f.type === 'bool') {
      if (eq > 0) throw new UsageError(`glowmq ${cmd}: ${name} takes no value`);
      out.values[f.key] = true;
      continue;
    }
    let v: string;
    if (eq > 0) v = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`glowmq ${cmd}: ${name} needs a value (${f.arg ?? 'VALUE'})`);
      v = argv[++i];
    }
    if (f.type === 'list') {
      const prev = (out.values[f.key] as string[] | undefined) ?? [];
      out.values[f.key] = prev.concat(f.split ? v.split(',').map((s) => s.trim()).filter((s) => s) : [v]);
    } else out.values[f.key] = v;
  }
  return out;
}

/** Help text: usage line, description, then one line per flag. Never shows a value. */
export function helpText(usage: string, about: string, flags: Flag[], footer = ''): string {
  const left = flags.map((f) => f.names.join(', ') + (f.type === 'bool' ? '' : ' ' + (f.arg ?? 'VALUE')));
  const w = Math.min(34, Math.max(...left.map((l) => l.length)) + 2);
  const lines = flags.map((f, i) => '  ' + (left[i].length >= w ? left[i] + '\n  ' + ' '.repeat(w) : left[i].padEnd(w)) + f.help);
  return `Usage: ${usage}\n\n${about}\n\nOptions:\n${lines.join('\n')}\n${footer ? '\n' + footer + '\n' : ''}`;
}

/** A flag value as a number, or a UsageError naming the flag, value and what is allowed. */
export function numberFlag(cmd: string, p: Parsed, key: string, min: number, max: number, int = true): number | undefined {
  const v = p.values[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!(n >= min && n <= max) || (int && !Number.isInteger(n))) {
    throw new UsageError(`glowmq ${cmd}: bad value for ${p.given[key]}: ${JSON.stringify(v)} (allowed: ${int ? 'an integer' : 'a number'} from ${min} to ${max})`);
  }
  return n;
}
