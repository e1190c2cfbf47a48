// Sensors every Espruino board has: the chip's temperature, and free memory (variables),
// which is worth watching on a board with a few thousand of them.
import type { Sensor } from './types';

declare const E: { getTemperature(): number };
declare const process: { memory(): { free: number } };

const sensor = (name: string, unit: string, f: () => number): Sensor => ({
  name: name, unit: unit,
  read: (cb) => {
    let v: number;
    try { v = f(); } catch (e) { cb(e as Error); return; }
    if (isNaN(v)) cb(new Error('no reading (this board has no ' + name + ' sensor)'));
    else cb(undefined, Math.round(v * 100) / 100);
  },
});

/** By config name; undefined for an unknown name. */
export function espruinoSensor(name: string): Sensor | undefined {
  if (name == 'temperature') return sensor(name, '°C', () => E.getTemperature());
  if (name == 'free') return sensor(name, 'vars', () => process.memory().free);
  return undefined;
}
