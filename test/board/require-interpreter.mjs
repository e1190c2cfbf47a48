// `npm run test:board` runs the board bundles on the real Espruino interpreter (its Linux
// build), which no package registry ships: build it yourself outside this repository
// (github.com/espruino/Espruino, `make` for a Linux board file) and point the variables at it:
//   ESPRUINO_BIN        built with 5,000 variables (a Pico): the full device
//   ESPRUINO_BIN_SMALL  built with 1,600 variables (an ESP8266): the lite profile
import { existsSync } from 'node:fs';
for (const [name, what] of [['ESPRUINO_BIN', '5,000 variables'], ['ESPRUINO_BIN_SMALL', '1,600 variables']]) {
  const bin = process.env[name];
  if (!bin || !existsSync(bin)) {
    console.error(`test:board needs the Espruino interpreter: set ${name} to its Linux build with ${what} (${bin ? bin + ' does not exist' : name + ' is not set'})`);
    process.exit(1);
  }
}
