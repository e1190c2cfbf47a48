// glowmq modem-sim: the ESP-AT module emulator (src/node/modem-sim-command.ts, by the serial
// rig's owner); loaded only when asked for.
import type { CliIo } from './io';

export async function runModemSimCommand(argv: string[], cliIo: CliIo): Promise<number> {
  void cliIo; // it talks on the real stdin/stdout: that is the serial line
  return (await import('../modem-sim-command')).runModemSim(argv);
}
