// The Platform for Node: a monotonic clock (performance.now, so keepalive survives wall-clock
// jumps), real timers, Math.random (only backoff jitter and generated client ids use it: no
// secret depends on it, and loading crypto costs every process memory), and a log sink on
// stderr filtered by level.
import { performance } from 'node:perf_hooks';
import type { Platform } from '../core/types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: { [level: string]: number } = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

export interface NodePlatformOptions {
  /** Lowest level written. Default: $GLOWMQ_LOG, else 'warn'. */
  level?: LogLevel;
  /** Where lines go. Default: process.stderr. */
  write?: (line: string) => void;
}

export function nodePlatform(opts: NodePlatformOptions = {}): Platform {
  const env = process.env.GLOWMQ_LOG;
  const level = opts.level ?? (env && env in RANK ? (env as LogLevel) : 'warn');
  const min = RANK[level] ?? RANK.warn!;
  const write = opts.write ?? ((line: string) => { process.stderr.write(line + '\n'); });
  return {
    now: () => performance.now(),
    setTimeout: (handler, delayMs) => setTimeout(handler, delayMs),
    clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
    random: Math.random,
    log(lvl, msg) { if ((RANK[lvl] ?? RANK.debug!) >= min) write(`glowmq ${lvl}: ${msg}`); },
  };
}
