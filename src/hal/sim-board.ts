// The simulated board: an LED whose state is printed and readable, and a temperature
// sensor that wanders like a room does (random walk, bounded 18–28 °C, 0.1 °C steps).
import type { DigitalOut, Sensor } from './types';

export class SimLed implements DigitalOut {
  value: 0 | 1 = 0;
  /** Every value written, in order (tests read it). */
  history: (0 | 1)[] = [];
  constructor(private onChange?: (v: 0 | 1) => void) {}
  write(v: 0 | 1, cb?: (err?: Error) => void): void {
    this.value = v;
    this.history.push(v);
    this.onChange?.(v);
    cb?.();
  }
  read(): 0 | 1 { return this.value; }
}

export class SimTemperature implements Sensor {
  readonly unit = '°C';
  private t: number;
  constructor(readonly name = 'temperature', private random: () => number = Math.random, private min = 18, private max = 28) {
    this.t = min + (max - min) * (0.3 + 0.4 * random());
  }
  read(cb: (err: Error | undefined, value?: number) => void): void {
    const step = (this.random() - 0.5) * 0.6;
    this.t = Math.min(this.max, Math.max(this.min, this.t + step));
    cb(undefined, Math.round(this.t * 10) / 10);
  }
}
