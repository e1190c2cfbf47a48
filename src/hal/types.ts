// Hardware the device app drives. Backends: simulated board, Linux GPIO (gpiod tools or
// sysfs), Linux thermal zone / DS18B20, Espruino pins and E.getTemperature().

/** One digital output (the LED). read() returns what was last written, or the pin's level. */
export interface DigitalOut {
  write(value: 0 | 1, done?: (err?: Error) => void): void;
  read(): 0 | 1;
}

/** One sensor. read() is callback-shaped because real sensors take time (a DS18B20: 750 ms). */
export interface Sensor {
  readonly name: string; // topic level: <base>/sensors/<name>
  readonly unit: string; // e.g. "°C"
  read(done: (err: Error | undefined, value?: number) => void): void;
}
