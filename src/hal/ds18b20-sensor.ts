// DS18B20 1-Wire thermometers through the kernel's w1-therm driver:
// /sys/bus/w1/devices/28-*/w1_slave holds two lines; the first ends in "YES" when the CRC
// matched (else "NO": a bad read, reported, never published), the second has t=millidegrees.
import { readFile, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Sensor } from './types';

/** Parses w1_slave text into °C (0.001 resolution kept), or throws naming the fault. */
export function parseW1Slave(text: string): number {
  const lines = text.split('\n');
  const crc = /crc=[0-9a-f]{2} (YES|NO)\s*$/i.exec(lines[0] ?? '');
  if (!crc) throw new Error(`unreadable w1_slave (no crc line): ${JSON.stringify(text.slice(0, 60))}`);
  if (crc[1].toUpperCase() !== 'YES') throw new Error('CRC check failed (NO): bad 1-Wire read, check wiring and the 4.7 kΩ pull-up');
  const millidegrees = /t=(-?\d+)\s*$/.exec(lines[1] ?? '');
  if (!millidegrees) throw new Error(`no t= value in w1_slave: ${JSON.stringify(lines[1] ?? '')}`);
  return Number(millidegrees[1]) / 1000;
}

/** Device ids (28-…) present on the bus. */
export function findDs18b20(sysRoot = '/sys'): string[] {
  const dir = join(sysRoot, 'bus/w1/devices');
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^28-[0-9a-f]+$/i.test(name)).sort() : [];
}

export class Ds18b20Sensor implements Sensor {
  readonly unit = '°C';
  private file: string;
  constructor(readonly name: string, readonly deviceId: string, sysRoot = '/sys') {
    this.file = join(sysRoot, 'bus/w1/devices', deviceId, 'w1_slave');
  }
  read(done: (err: Error | undefined, value?: number) => void): void {
    readFile(this.file, 'utf8', (err, text) => {
      if (err) return done(new Error(`DS18B20 ${this.deviceId}: ${err.code === 'ENOENT' ? 'gone from the 1-Wire bus' : err.message}`));
      let celsius: number;
      try { celsius = parseW1Slave(text); } catch (bad) { return done(new Error(`DS18B20 ${this.deviceId}: ${(bad as Error).message}`)); }
      done(undefined, Math.round(celsius * 100) / 100);
    });
  }
}

/** One sensor per thermometer found: "ds18b20" alone, else "ds18b20_<id>". */
export function ds18b20Sensors(sysRoot = '/sys'): Ds18b20Sensor[] {
  const ids = findDs18b20(sysRoot);
  if (ids.length === 0) throw new Error(`no DS18B20 under ${join(sysRoot, 'bus/w1/devices')} (enable dtoverlay=w1-gpio in /boot/config.txt and check the wiring)`);
  return ids.map((deviceId) => new Ds18b20Sensor(ids.length === 1 ? 'ds18b20' : 'ds18b20_' + deviceId, deviceId, sysRoot));
}
