// The board's configuration: the object `glowmqConfig` defined at the top of the uploaded
// file, else the JSON file "glowmq.json" in Storage. Board defaults (LED1, the chip's
// temperature, the chip serial as id) are filled in, then it is validated by the same
// schema as on Node (the same field names everywhere: an old board name such as "ssid" is
// refused with the list of known ones), plus the pins only a board has.
import { validateConfig } from '../../src/app/index';
import type { DeviceConfig } from '../../src/app/index';

declare const glowmqConfig: { [field: string]: unknown } | undefined;
declare const global: { require(module: string): any };
declare function getSerial(): string;

export interface BoardConfig extends DeviceConfig {
  /** Pins for the serial port, e.g. "A3" / "A2" on a Pico. */
  rx?: string;
  tx?: string;
}
/** The chip serial's last characters make the default id. */
const SERIAL_ID_CHARS = 24;

export function loadConfig(): BoardConfig {
  const raw = typeof glowmqConfig != 'undefined' ? glowmqConfig : global.require('Storage').readJSON('glowmq.json', true);
  if (!raw) throw new Error('no glowmqConfig or Storage glowmq.json');
  const config = Object.assign({ led: 'LED1', sensors: ['temperature'] }, raw);
  if (config.id === undefined) config.id = getSerial().replace(/[^\w.-]/g, '').slice(-SERIAL_ID_CHARS);
  // Names of ports and pins are checked where they are used (global[name]). The checks come
  // from validateConfig, made for this call: standing functions would cost board memory.
  return validateConfig(config, (basic) => ({ rx: basic.str, tx: basic.str })) as BoardConfig;
}
