// Runs the modem emulator on stdin/stdout via tsx, for socat EXEC in the serial tests
// (the same as `glowmq modem-sim`, without needing the built CLI).
import { runModemSim } from '../../src/node/modem-sim-command';

runModemSim(process.argv.slice(2)).then((code) => process.exit(code));
