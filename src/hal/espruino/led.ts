// The LED on an Espruino board: digitalWrite on a pin (LED1, D5, B3…). read() returns
// what was last written: digitalRead would switch the pin to an input on the board.
import type { DigitalOut } from '../types';

declare function digitalWrite(pin: unknown, level: number): void;

export function espruinoLed(pin: unknown): DigitalOut {
  let written: 0 | 1 = 0;
  digitalWrite(pin, 0);
  return {
    write: (level, done) => {
      let failure: Error | undefined;
      try { digitalWrite(pin, level); written = level; } catch (err) { failure = err as Error; }
      if (done) done(failure);
    },
    read: () => written,
  };
}
