// glowmq modem-sim: the ESP-AT module emulator (src/node/modem-sim-command.ts, by the serial
// rig's owner); loaded only when asked for.
import type { CliIo } from './io';
import { RunError } from './usage-error';

export async function runModemSimCommand(argv: string[], io: CliIo): Promise<number> {
  void argv; void io;
  // TODO(device): switch to `(await import('../modem-sim-command')).runModemSim(argv)` once that file exists.
  throw new RunError('glowmq modem-sim: not in this build yet');
}
