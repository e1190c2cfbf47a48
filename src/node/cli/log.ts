// Log lines labelled with who speaks ([device], [broker]…), filtered by level. The text
// comes from callers that never put secrets in it; URLs are redacted before they get here.
import type { Platform } from '../../core/types';

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: { [level: string]: number } = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

export type LogFn = NonNullable<Platform['log']>;

export function labelledLog(label: string, min: Level, write: (line: string) => void, clock = false): LogFn {
  return (level, msg) => {
    if (RANK[level] < RANK[min]) return;
    const time = clock ? new Date().toTimeString().slice(0, 8) + ' ' : '';
    write(`${time}${label} ${level === 'warn' ? 'warning: ' : level === 'error' ? 'error: ' : ''}${msg}`);
  };
}
