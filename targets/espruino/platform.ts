// The Platform on a board: the interpreter's timers and clock. clearTimeout(undefined)
// THROWS on Espruino (and clearTimeout() clears every timer), so only real ids reach it.
// The built-ins themselves where they fit (they need no `this`): no function objects made.
import { LOG_LEVELS, type DevicePlatform } from '../../src/app/index';

/** Logs at `logLevel` (the config's: debug, info, warn, error, silent) and above: the levels'
 * positions in LOG_LEVELS rank them. */
export function boardPlatform(logLevel: string): DevicePlatform {
  const lowest = LOG_LEVELS.indexOf(logLevel);
  return {
    now: Date.now,
    setTimeout: setTimeout as DevicePlatform['setTimeout'],
    clearTimeout: (timer) => { if (timer != null) clearTimeout(timer as number); },
    random: Math.random,
    log: (level, text) => { if (LOG_LEVELS.indexOf(level) >= lowest) console.log('glowmq ' + level + ': ' + text); },
  };
}
