// `npm run test:board` runs the board bundles on the real Espruino interpreter (its Linux
// build), which no package registry ships: build it yourself outside this repository
// (github.com/espruino/Espruino, `make` for the Linux board) and point ESPRUINO_BIN at it.
import { existsSync } from 'node:fs';
const bin = process.env.ESPRUINO_BIN;
if (!bin || !existsSync(bin)) {
  console.error(`test:board needs the Espruino interpreter: set ESPRUINO_BIN to its Linux build (${bin ? bin + ' does not exist' : 'ESPRUINO_BIN is not set'})`);
  process.exit(1);
}
