// CPU temperature from a Linux thermal zone: /sys/class/thermal/thermal_zone*/temp holds
// millidegrees Celsius. The zone is the CPU's when its type says so, else the first.
import { readFile, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Sensor } from './types';

const CPU = /cpu|x86_pkg|soc|package/i;

/** The thermal zone directory to read, or an Error naming what is missing. */
export function findThermalZone(sysRoot = '/sys'): string {
  const dir = join(sysRoot, 'class/thermal');
  const zones = existsSync(dir) ? readdirSync(dir).filter((d) => /^thermal_zone\d+$/.test(d)).sort((a, b) => Number(a.slice(12)) - Number(b.slice(12))) : [];
  const withTemp = zones.filter((z) => existsSync(join(dir, z, 'temp')));
  if (withTemp.length === 0) throw new Error(`no thermal zone with a temp file under ${dir} (this machine exposes no CPU temperature)`);
  const type = (z: string) => { try { return readFileSync(join(dir, z, 'type'), 'utf8').trim(); } catch { return ''; } };
  return join(dir, withTemp.find((z) => CPU.test(type(z))) ?? withTemp[0]);
}

export class ThermalSensor implements Sensor {
  readonly unit = '°C';
  readonly zone: string;
  constructor(readonly name = 'cpu_temperature', sysRoot = '/sys') { this.zone = findThermalZone(sysRoot); }
  read(cb: (err: Error | undefined, value?: number) => void): void {
    readFile(join(this.zone, 'temp'), 'utf8', (err, text) => {
      if (err) return cb(new Error(`${this.zone}/temp: ${err.message}`));
      const m = /^\s*(-?\d+)\s*$/.exec(text);
      if (!m) return cb(new Error(`${this.zone}/temp: not a millidegree number: ${JSON.stringify(text.slice(0, 40))}`));
      cb(undefined, Math.round(Number(m[1]) / 100) / 10);
    });
  }
}
