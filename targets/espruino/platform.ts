// The Platform on a board: the interpreter's timers and clock. clearTimeout(undefined)
// THROWS on Espruino (and clearTimeout() clears every timer), so only real ids reach it.
// The built-ins themselves where they fit (they need no `this`): no function objects made.
import type { DevicePlatform } from '../../src/app/index';

export function boardPlatform(debug?: boolean): DevicePlatform {
  return {
    now: Date.now,
    setTimeout: setTimeout as DevicePlatform['setTimeout'],
    clearTimeout: (timer) => { if (timer != null) clearTimeout(timer as number); },
    random: Math.random,
    log: (level, text) => { if (debug || level != 'debug') console.log('glowmq ' + level + ': ' + text); },
  };
}
