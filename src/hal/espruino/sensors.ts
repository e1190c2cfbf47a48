// Sensors every Espruino board has: the chip's temperature, and free memory (variables),
// which is worth watching on a board with a few thousand of them.
import type { Sensor } from '../types';
import { configError } from '../../app/config';

declare const E: { getTemperature(): number };
declare const process: { memory(): { free: number } };

/** By config name; throws for a name the board does not have. */
export function espruinoSensor(name: string): Sensor {
  const free = name == 'free';
  if (!free && name != 'temperature') throw configError('sensors', name, 'temperature, free');
  return {
    name: name, unit: free ? 'vars' : '°C',
    // A throw is passed on; NaN goes as it is (the device reports a non-finite value).
    read: (cb) => {
      let v: number;
      try { v = free ? process.memory().free : E.getTemperature(); } catch (e) { return cb(e as Error); }
      cb(undefined, Math.round(v * 100) / 100);
    },
  };
}
