// The Platform on a board: the interpreter's timers and clock. clearTimeout(undefined)
// THROWS on Espruino (and clearTimeout() clears every timer), so only real ids reach it.
// The built-ins themselves where they fit (they need no `this`): no function objects made.
import { LOG_LEVELS, type DevicePlatform } from '../../src/app/index';

declare const process: { memory(collectGarbage?: boolean): { free: number } };

// Variables kept free for the board's own work while messages queue: receiving and parsing a
// packet, reconnecting, the flush when the link is back, a command's handler. Measured on the
// interpreter (5,000 variables, 100 readings queued): a queued reading holds about 22
// variables, a variable about 12 bytes of payload, and the flush (the new link, CONNACK, then
// up to 1 KiB written before each drain) ran at most 472 variables below the free memory of
// the full queue: the reserve covers that.
const RESERVED_VARIABLES = 500;
const VARIABLES_PER_RECORD = 22;
const BYTES_PER_VARIABLE = 12;

/** Whether the board's free memory can hold a queued message of `bytes` and keep the reserve:
 *  the offline queue's bound follows memory, so an outage never runs the board out of it. */
function roomFor(bytes: number): boolean {
  const needed = RESERVED_VARIABLES + VARIABLES_PER_RECORD + bytes / BYTES_PER_VARIABLE;
  // Cheap first (no garbage collection); collect only when that says no.
  return process.memory(false).free > needed || process.memory().free > needed;
}

/** Logs at `logLevel` (the config's: debug, info, warn, error, silent) and above: the levels'
 * positions in LOG_LEVELS rank them. */
export function boardPlatform(logLevel: string): DevicePlatform {
  const lowest = LOG_LEVELS.indexOf(logLevel);
  return {
    now: Date.now,
    setTimeout: setTimeout as DevicePlatform['setTimeout'],
    clearTimeout: (timer) => { if (timer != null) clearTimeout(timer as number); },
    random: Math.random,
    roomFor: roomFor,
    log: (level, text) => { if (LOG_LEVELS.indexOf(level) >= lowest) console.log('glowmq ' + level + ': ' + text); },
  };
}
