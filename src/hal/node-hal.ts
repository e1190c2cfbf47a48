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
export function sensorsSpecError(specs: unknown): string {
  return Array.isArray(specs) && specs.every((spec) => spec === 'sim' || spec === 'thermal' || spec === 'ds18b20') && new Set(specs).size === specs.length ? '' : `a list of distinct sensors from ${SENSOR_ALLOWED}`;
}

export interface HalOptions {
  /** Root of /sys (tests point it at a fake tree). */
  sysRoot?: string;
  gpiosetBin?: string;
  /** Called with every LED change of the simulated board. */
  onSimLed?: (level: 0 | 1) => void;
  onError?: (err: Error) => void;
  random?: () => number;
}

export function createLed(spec: string, opts: HalOptions = {}): DigitalOut {
  const [kind, first, second] = spec.split(':');
  if (kind === 'gpiod') return new GpiodOut(first, Number(second), { bin: opts.gpiosetBin, onError: opts.onError });
  if (kind === 'sysfs') return new SysfsGpioOut(Number(first), { root: (opts.sysRoot ?? '/sys') + '/class/gpio' });
  return new SimLed(opts.onSimLed);
}

export function createSensors(specs: string[], opts: HalOptions = {}): Sensor[] {
  const out: Sensor[] = [];
  for (const spec of specs) {
    if (spec === 'thermal') out.push(new ThermalSensor('cpu_temperature', opts.sysRoot));
    else if (spec === 'ds18b20') out.push(...ds18b20Sensors(opts.sysRoot));
    else out.push(new SimTemperature('temperature', opts.random));
  }
  return out;
}
