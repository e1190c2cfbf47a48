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

/** Help's left column stops growing here; longer flag names get a line of their own. */
const HELP_COLUMN_MAX = 34;

export function parseArgs(cmd: string, argv: string[], flags: Flag[]): Parsed {
  const out: Parsed = { values: {}, given: {}, positional: [] };
  const byName: { [name: string]: Flag } = {};
  for (const flag of flags) for (const name of flag.names) byName[name] = flag;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') { out.positional.push(...argv.slice(i + 1)); break; }
    if (word.charAt(0) !== '-' || word === '-') { out.positional.push(word); continue; }
    const equalsAt = word.startsWith('--') ? word.indexOf('=') : -1;
    const name = equalsAt > 0 ? word.slice(0, equalsAt) : word;
    const flag = byName[name];
    if (!flag) throw new UsageError(`glowmq ${cmd}: unknown flag ${name} (see glowmq ${cmd} --help)`);
    out.given[flag.key] = name;
    if (flag.type === 'bool') {
      if (equalsAt > 0) throw new UsageError(`glowmq ${cmd}: ${name} takes no value`);
      out.values[flag.key] = true;
      continue;
    }
    let value: string;
    if (equalsAt > 0) value = word.slice(equalsAt + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`glowmq ${cmd}: ${name} needs a value (${flag.arg ?? 'VALUE'})`);
      value = argv[++i];
    }
    if (flag.type === 'list') {
      const previous = (out.values[flag.key] as string[] | undefined) ?? [];
      out.values[flag.key] = previous.concat(flag.split ? value.split(',').map((part) => part.trim()).filter((part) => part) : [value]);
    } else out.values[flag.key] = value;
  }
  return out;
}

/** Help text: usage line, description, then one line per flag. Never shows a value. */
export function helpText(usage: string, about: string, flags: Flag[], footer = ''): string {
  const left = flags.map((flag) => flag.names.join(', ') + (flag.type === 'bool' ? '' : ' ' + (flag.arg ?? 'VALUE')));
  const column = Math.min(HELP_COLUMN_MAX, Math.max(...left.map((text) => text.length)) + 2);
  const lines = flags.map((flag, i) => '  ' + (left[i].length >= column ? left[i] + '\n  ' + ' '.repeat(column) : left[i].padEnd(column)) + flag.help);
  return `Usage: ${usage}\n\n${about}\n\nOptions:\n${lines.join('\n')}\n${footer ? '\n' + footer + '\n' : ''}`;
}

/** A string flag's value, if given. */
export function stringFlag(parsed: Parsed, key: string): string | undefined {
  const value = parsed.values[key];
  return typeof value === 'string' ? value : undefined;
}

// Plain decimal only: "0x1", "1e3", " 7" or "+2" are refused rather than guessed at.
const INTEGER = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** A flag value as a number, or a UsageError naming the flag, value and what is allowed. */
export function numberFlag(cmd: string, parsed: Parsed, key: string, min: number, max: number, integer = true): number | undefined {
  const value = parsed.values[key];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && (integer ? INTEGER : DECIMAL).test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) {
    throw new UsageError(`glowmq ${cmd}: bad value for ${parsed.given[key]}: ${JSON.stringify(value)} (allowed: ${integer ? 'an integer' : 'a number'} from ${min} to ${max})`);
  }
  return number;
}
