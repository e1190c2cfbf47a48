// The LED on an Espruino board: digitalWrite on a named pin (LED1, D5, B3…). read() returns
// what was last written: digitalRead would switch the pin to an input on the board.
import type { DigitalOut } from './types';

declare function digitalWrite(pin: unknown, v: number): void;
declare const global: { [name: string]: unknown };

export function espruinoLed(name: string): DigitalOut {
  const pin = global[name];
  if (pin === undefined) throw new Error('no pin named "' + name + '" on this board');
  let v: 0 | 1 = 0;
  digitalWrite(pin, 0);
  return {
    write: (x, cb) => {
      // Errors (a pin that cannot be an output) go to cb, like every other backend.
      let err: Error | undefined;
      try { digitalWrite(pin, x); v = x; } catch (e) { err = e as Error; }
      if (cb) cb(err);
    },
    read: () => v,
  };
}
