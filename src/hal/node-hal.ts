// Turns the CLI/config hardware specs into Node backends:
//   LED:     sim | gpiod:CHIP:LINE | sysfs:LINE
//   sensors: sim | thermal | ds18b20
import type { DigitalOut, Sensor } from './types';
import { SimLed, SimTemperature } from './sim-board';
import { GpiodOut } from './gpiod-out';
import { SysfsGpioOut } from './sysfs-gpio-out';
import { ThermalSensor } from './thermal-sensor';
import { ds18b20Sensors } from './ds18b20-sensor';

export const LED_ALLOWED = 'sim, gpiod:CHIP:LINE (e.g. gpiod:gpiochip0:17) or sysfs:LINE (e.g. sysfs:17)';
export const SENSOR_ALLOWED = 'sim, thermal or ds18b20';

/** '' when the LED spec is well-formed, else what is allowed (a config Check). */
export function ledSpecError(spec: unknown): string {
  return typeof spec === 'string' && /^(sim|gpiod:[A-Za-z0-9_./-]+:\d{1,4}|sysfs:\d{1,4})$/.test(spec) ? '' : LED_ALLOWED;
}
export function sensorsSpecError(v: unknown): string {
  return Array.isArray(v) && v.every((s) => s === 'sim' || s === 'thermal' || s === 'ds18b20') && new Set(v).size === v.length ? '' : `a list of distinct sensors from ${SENSOR_ALLOWED}`;
}

export interface HalOptions {
  /** Root of /sys (tests point it at a fake tree). */
  sysRoot?: string;
  gpiosetBin?: string;
  /** Called with every LED change of the simulated board. */
  onSimLed?: (v: 0 | 1) => void;
  onError?: (e: Error) => void;
  random?: () => number;
}

export function createLed(spec: string, o: HalOptions = {}): DigitalOut {
  const p = spec.split(':');
  if (p[0] === 'gpiod') return new GpiodOut(p[1], Number(p[2]), { bin: o.gpiosetBin, onError: o.onError });
  if (p[0] === 'sysfs') return new SysfsGpioOut(Number(p[1]), { root: (o.sysRoot ?? '/sys') + '/class/gpio' });
  return new SimLed(o.onSimLed);
}

export function createSensors(specs: string[], o: HalOptions = {}): Sensor[] {
  const out: Sensor[] = [];
  for (const s of specs) {
    if (s === 'thermal') out.push(new ThermalSensor('cpu_temperature', o.sysRoot));
    else if (s === 'ds18b20') out.push(...ds18b20Sensors(o.sysRoot));
    else out.push(new SimTemperature('temperature', o.random));
  }
  return out;
}
