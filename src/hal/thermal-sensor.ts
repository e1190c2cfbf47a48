// CPU temperature from a Linux thermal zone: /sys/class/thermal/thermal_zone*/temp holds
// millidegrees Celsius. The zone is the CPU's when its type says so, else the first.
import { readFile, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Sensor } from './types';

const CPU = /cpu|x86_pkg|soc|package/i;

/** The thermal zone directory to read, or an Error naming what is missing. */
export function findThermalZone(sysRoot = '/sys'): string {
  const dir = join(sysRoot, 'class/thermal');
  const zoneNumber = (zone: string) => Number(zone.slice('thermal_zone'.length));
  const zones = existsSync(dir) ? readdirSync(dir).filter((name) => /^thermal_zone\d+$/.test(name)).sort((left, right) => zoneNumber(left) - zoneNumber(right)) : [];
  const withTemp = zones.filter((zone) => existsSync(join(dir, zone, 'temp')));
  if (withTemp.length === 0) throw new Error(`no thermal zone with a temp file under ${dir} (this machine exposes no CPU temperature)`);
  const type = (zone: string) => { try { return readFileSync(join(dir, zone, 'type'), 'utf8').trim(); } catch { return ''; } };
  return join(dir, withTemp.find((zone) => CPU.test(type(zone))) ?? withTemp[0]);
}

export class ThermalSensor implements Sensor {
  readonly unit = '°C';
  readonly zone: string;
  constructor(readonly name = 'cpu_temperature', sysRoot = '/sys') { this.zone = findThermalZone(sysRoot); }
  read(done: (err: Error | undefined, value?: number) => void): void {
    readFile(join(this.zone, 'temp'), 'utf8', (err, text) => {
      if (err) return done(new Error(`${this.zone}/temp: ${err.message}`));
      const millidegrees = /^\s*(-?\d+)\s*$/.exec(text);
      if (!millidegrees) return done(new Error(`${this.zone}/temp: not a millidegree number: ${JSON.stringify(text.slice(0, 40))}`));
      // Millidegrees to °C with one decimal.
      done(undefined, Math.round(Number(millidegrees[1]) / 100) / 10);
    });
  }
}
