// The Platform on a board: the interpreter's timers and clock. clearTimeout(undefined)
// THROWS on Espruino (and clearTimeout() clears every timer), so only real ids reach it.
// The built-ins themselves where they fit (they need no `this`), and module-level functions
// elsewhere: a closure made per call would cost board memory for as long as the device runs.
import { LOG_LEVELS, type DevicePlatform } from '../../src/app/index';
import type { Timer } from '../../src/core/types';

declare const process: { memory(collectGarbage?: boolean): { free: number; total: number } };

// Variables kept free for the board's own work while messages queue: receiving and parsing a
// packet, reconnecting, the flush when the link is back, a command's handler. Measured on the
// interpreter (5,000 variables, 100 readings queued): a queued reading holds about 22
// variables, a variable about 12 bytes of payload, and the flush (the new link, CONNACK, then
// up to 1 KiB written before each drain) ran at most 472 variables below the free memory of
// the full queue: the reserve covers that. A smaller board keeps the same share, a tenth of its
// variables (160 of an ESP8266's 1,600): it runs the lite client, which holds each message as
// the packet it writes, so its flush makes nothing per message. (The check runs deep in a
// publish's call stack, with about 220 variables of it in use on top of the device's own.)
// Offline, a message also leaves room for the link that will carry it: the lite device on the
// 1,600-variable build went from 1,292 variables in use (the queue full) to over 1,570 between
// the new socket and the SUBSCRIBE that restores its subscriptions after CONNACK.
const RESERVED_VARIABLES = 500, RESERVED_SHARE = 1 / 10, RECONNECT_VARIABLES = 300;
const VARIABLES_PER_RECORD = 22;
const BYTES_PER_VARIABLE = 12;

/** Why the board's free memory cannot hold a queued message of `bytes` and keep the reserve
 *  (offline: and the link's); '' when it can. The offline queue's bound follows memory, so an
 *  outage never runs the board out of it. */
function memoryError(bytes: number, offline: boolean): string {
  let memory = process.memory(false);
  const needed = Math.ceil(Math.min(RESERVED_VARIABLES, memory.total * RESERVED_SHARE) + (offline ? RECONNECT_VARIABLES : 0) +
    VARIABLES_PER_RECORD + bytes / BYTES_PER_VARIABLE);
  // Cheap first (no garbage collection); collect only when that says no.
  if (memory.free <= needed) memory = process.memory();
  return memory.free > needed ? '' : 'short of memory: ' + memory.free + ' variables free, ' + needed + ' needed';
}

function clearTimer(timer: Timer) {
  if (timer != null) clearTimeout(timer as number);
}

/** The lowest level logged: its position in LOG_LEVELS (set by boardPlatform). */
let lowestLevel = 0;

/** Logs at the configured level and above: the levels' positions in LOG_LEVELS rank them. */
export function boardLog(level: string, text: string) {
  if (LOG_LEVELS.indexOf(level) >= lowestLevel) console.log('glowmq ' + level + ': ' + text);
}

/** The board's platform, logging at `logLevel` (the config's: debug, info, warn, error, silent)
 * and above. One board runs one device, so the level is the program's. */
export function boardPlatform(logLevel: string): DevicePlatform {
  lowestLevel = LOG_LEVELS.indexOf(logLevel);
  return {
    now: Date.now,
    setTimeout: setTimeout as DevicePlatform['setTimeout'],
    clearTimeout: clearTimer,
    random: Math.random,
    memoryError: memoryError,
    log: boardLog,
  };
}
