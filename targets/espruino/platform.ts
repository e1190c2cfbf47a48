// The Platform on a board: the interpreter's timers and clock. clearTimeout(undefined)
// THROWS on Espruino (and clearTimeout() clears every timer), so only real ids reach it.
// The built-ins themselves where they fit (they need no `this`): no function objects made.
import type { Platform } from '../../src/core/types';

export function boardPlatform(debug?: boolean): Platform {
  return {
    now: Date.now,
    setTimeout: setTimeout as Platform['setTimeout'],
    clearTimeout: (t) => { if (t != null) clearTimeout(t as number); },
    random: Math.random,
    log: (level, m) => { if (debug || level != 'debug') console.log('glowmq ' + level + ': ' + m); },
  };
}
