// The simulated board, one HAL backend among the others: an LED whose state is printed and
// readable, and a temperature sensor that wanders like a room does (random walk, bounded
// 18–28 °C, 0.1 °C steps). The demo, the tests and `--gpio sim` use it.
import type { DigitalOut, Sensor } from './types';

const STEP_RANGE = 0.6; // °C: a reading moves at most ±0.3 from the last

export class SimLed implements DigitalOut {
  value: 0 | 1 = 0;
  /** Every value written, in order (tests read it). */
  history: (0 | 1)[] = [];
  constructor(private onChange?: (level: 0 | 1) => void) {}
  write(level: 0 | 1, done?: (err?: Error) => void): void {
    this.value = level;
    this.history.push(level);
    this.onChange?.(level);
    done?.();
  }
  read(): 0 | 1 { return this.value; }
}

export class SimTemperature implements Sensor {
  readonly unit = '°C';
  private celsius: number;
  constructor(readonly name = 'temperature', private random: () => number = Math.random, private min = 18, private max = 28) {
    // Start somewhere in the middle 40% of the range.
    this.celsius = min + (max - min) * (0.3 + 0.4 * random());
  }
  read(done: (err: Error | undefined, value?: number) => void): void {
    const step = (this.random() - 0.5) * STEP_RANGE;
    this.celsius = Math.min(this.max, Math.max(this.min, this.celsius + step));
    done(undefined, Math.round(this.celsius * 10) / 10);
  }
}
