// The LED on an Espruino board: digitalWrite on a pin (LED1, D5, B3…). read() returns
// what was last written: digitalRead would switch the pin to an input on the board.
import type { DigitalOut } from '../types';

declare function digitalWrite(pin: unknown, v: number): void;

export function espruinoLed(pin: unknown): DigitalOut {
  let v: 0 | 1 = 0;
  digitalWrite(pin, 0);
  return {
    write: (x, cb) => {
      let err: Error | undefined;
      try { digitalWrite(pin, x); v = x; } catch (e) { err = e as Error; }
      if (cb) cb(err);
    },
    read: () => v,
  };
}
