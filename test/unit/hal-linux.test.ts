// Node HAL backends against fixtures: a fake sysfs tree in a temp dir (GPIO chips numbered
// from 512 as on Pi OS, thermal zones, 1-Wire DS18B20 files) and a stand-in gpioset that
// records its arguments and, like the real one, holds the line until signalled.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SysfsGpioOut, globalGpio } from '../../src/hal/sysfs-gpio-out';
import { GpiodOut, gpiosetVersion } from '../../src/hal/gpiod-out';
import { ThermalSensor, findThermalZone } from '../../src/hal/thermal-sensor';
import { parseW1Slave, ds18b20Sensors } from '../../src/hal/ds18b20-sensor';
import { SimLed, SimTemperature } from '../../src/hal/sim-board';
import { createLed, createSensors, ledSpecError, sensorsSpecError } from '../../src/hal/node-hal';

let root: string;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'glowmq-sys-')); });
afterEach(() => { rmSync(root, { recursive: true, force: true }); });

const put = (rel: string, text: string) => { const path = join(root, rel); mkdirSync(join(path, '..'), { recursive: true }); writeFileSync(path, text); };
const read = (done: (callback: (err: Error | undefined, value?: number) => void) => void) => new Promise<number>((res, rej) => done((err, value) => err ? rej(err) : res(value!)));
const write = (led: { write: (value: 0 | 1, done?: (err?: Error) => void) => void }, value: 0 | 1) => new Promise<void>((res, rej) => led.write(value, (err) => err ? rej(err) : res()));

function piChips() {
  put('class/gpio/export', '');
  put('class/gpio/gpiochip512/base', '512\n'); put('class/gpio/gpiochip512/label', 'pinctrl-bcm2711\n'); put('class/gpio/gpiochip512/ngpio', '58\n');
  put('class/gpio/gpiochip570/base', '570\n'); put('class/gpio/gpiochip570/label', 'raspberrypi-exp-gpio\n'); put('class/gpio/gpiochip570/ngpio', '8\n');
  put('class/gpio/gpiochip0/base', '0\n'); put('class/gpio/gpiochip0/label', 'some-expander\n'); put('class/gpio/gpiochip0/ngpio', '16\n');
}

describe('sysfs GPIO', () => {
  it('finds the SoC chip by label and adds its base (Pi OS numbers from 512)', () => {
    piChips();
    const found = globalGpio(join(root, 'class/gpio'), 17);
    expect(found.number).toBe(529);
    expect(found.chip.label).toBe('pinctrl-bcm2711');
  });

  it('uses the lowest base when no chip is the Pi SoC', () => {
    put('class/gpio/gpiochip300/base', '300'); put('class/gpio/gpiochip300/label', 'x'); put('class/gpio/gpiochip300/ngpio', '32');
    put('class/gpio/gpiochip200/base', '200'); put('class/gpio/gpiochip200/label', 'y'); put('class/gpio/gpiochip200/ngpio', '32');
    expect(globalGpio(join(root, 'class/gpio'), 4).number).toBe(204);
  });

  it('refuses a line beyond the chip and a missing sysfs', () => {
    piChips();
    expect(() => globalGpio(join(root, 'class/gpio'), 58)).toThrow(/line 58 is beyond pinctrl-bcm2711 \(58 lines, base 512\)/);
    expect(() => globalGpio(join(root, 'nope'), 1)).toThrow(/has no sysfs GPIO/);
  });

  it('exports the line, waits for the kernel to create it, sets direction out and writes values', async () => {
    piChips();
    const led = new SysfsGpioOut(17, { root: join(root, 'class/gpio'), retryMs: 5 });
    const done = write(led, 1);
    expect(readFileSync(join(root, 'class/gpio/export'), 'utf8')).toBe('529');
    // The "kernel" creates the line directory a little later.
    put('class/gpio/gpio529/direction', 'in'); put('class/gpio/gpio529/value', '0');
    await done;
    expect(readFileSync(join(root, 'class/gpio/gpio529/direction'), 'utf8')).toBe('out');
    expect(readFileSync(join(root, 'class/gpio/gpio529/value'), 'utf8')).toBe('1');
    expect(led.read()).toBe(1);
    await write(led, 0);
    expect(readFileSync(join(root, 'class/gpio/gpio529/value'), 'utf8')).toBe('0');
    expect(led.read()).toBe(0);
  });

  it('does not export an already exported line', async () => {
    piChips();
    put('class/gpio/gpio529/direction', 'out'); put('class/gpio/gpio529/value', '0');
    await write(new SysfsGpioOut(17, { root: join(root, 'class/gpio') }), 1);
    expect(readFileSync(join(root, 'class/gpio/export'), 'utf8')).toBe('');
  });

  it('reports a line that never appears, naming it', async () => {
    piChips();
    const led = new SysfsGpioOut(17, { root: join(root, 'class/gpio'), retries: 2, retryMs: 1 });
    await expect(write(led, 1)).rejects.toThrow(/sysfs GPIO 529 \(line 17 of pinctrl-bcm2711\): .*gpio529 did not appear/);
  });
});

describe('gpiod (libgpiod tools)', () => {
  function standIn(version: string): { bin: string; log: string } {
    const log = join(root, 'calls.log');
    const bin = join(root, 'gpioset');
    writeFileSync(bin, `#!/bin/sh
if [ "$1" = "--version" ]; then echo "gpioset (libgpiod) ${version}"; exit 0; fi
case "$*" in *49=*) echo "gpioset: error setting the GPIO line values: Invalid argument" >&2; exit 1;; esac
trap 'echo "released $*" >> ${log}; exit 0' TERM
echo "$*" >> ${log}
while :; do sleep 0.05; done
`);
    chmodSync(bin, 0o755);
    // gpioinfo as libgpiod prints it: a chip with 54 lines; any other chip is not found.
    const info = join(root, 'gpioinfo');
    writeFileSync(info, `#!/bin/sh
[ "$1" = "-c" ] && shift  # v2 syntax
case "$1" in gpiochip0|gpiochip4) ;; *) echo "gpioinfo: looking up chip $1: No such file or directory" >&2; exit 1;; esac
echo "$1 - 54 lines:"
i=0; while [ $i -lt 54 ]; do printf '\\tline %3d:      unnamed       unused   input  active-high \\n' $i; i=$((i+1)); done
`);
    chmodSync(info, 0o755);
    return { bin, log };
  }
  const calls = (log: string) => existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  const until = async (condition: () => boolean) => { for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10)); };

  it('the real gpioset here is libgpiod v1 and the arguments follow its syntax', () => {
    // The contract is the real tool's syntax: check it is what the stand-in assumes.
    let help = '';
    try { help = execFileSync('gpioset', ['--help'], { encoding: 'utf8' }); } catch { return expect(existsSync('/usr/bin/gpioset')).toBe(false); }
    expect(help).toMatch(/Usage: gpioset \[OPTIONS\] <chip name\/number> <offset1>=<value1>/);
    expect(help).toMatch(/-m, --mode=\[exit\|wait\|time\|signal\]/);
    expect(gpiosetVersion('gpioset')).toBe(1);
  });

  it('v1: holds each value with gpioset --mode=signal CHIP LINE=V, replacing the previous holder', async () => {
    const stub = standIn('v1.6.3');
    const led = new GpiodOut('gpiochip0', 17, { bin: stub.bin });
    expect(led.version).toBe(1);
    await write(led, 1);
    await until(() => calls(stub.log).length >= 1);
    await write(led, 0);
    expect(led.read()).toBe(0);
    await until(() => calls(stub.log).length >= 3);
    await new Promise<void>((resolve) => led.release(resolve));
    expect(calls(stub.log)).toEqual([
      '--mode=signal gpiochip0 17=1', 'released --mode=signal gpiochip0 17=1',
      '--mode=signal gpiochip0 17=0', 'released --mode=signal gpiochip0 17=0',
    ]);
    expect(calls(stub.log).filter((call) => !call.startsWith('released'))).toEqual(['--mode=signal gpiochip0 17=1', '--mode=signal gpiochip0 17=0']);
  });

  it('v2: gpioset --chip CHIP LINE=V', async () => {
    const stub = standIn('v2.1');
    const led = new GpiodOut('gpiochip4', 5, { bin: stub.bin });
    expect(led.version).toBe(2);
    expect(led.args(1)).toEqual(['--chip', 'gpiochip4', '5=1']);
    await write(led, 1);
    await until(() => calls(stub.log).length >= 1);
    await new Promise<void>((resolve) => led.release(resolve));
    expect(calls(stub.log)).toEqual(['--chip gpiochip4 5=1', 'released --chip gpiochip4 5=1']);
  });

  it('checks the chip and line with gpioinfo at start-up', () => {
    const stub = standIn('v1.6.3');
    expect(() => new GpiodOut('gpiochip9', 17, { bin: stub.bin })).toThrow('GPIO chip gpiochip9: gpioinfo: looking up chip gpiochip9: No such file or directory');
    expect(() => new GpiodOut('gpiochip0', 54, { bin: stub.bin })).toThrow('GPIO chip gpiochip0 has 54 lines (0-53); there is no line 54');
    expect(new GpiodOut('gpiochip0', 53, { bin: stub.bin }).line).toBe(53);
  });

  it('reports a holder that fails, with gpioset\'s own message', async () => {
    const stub = standIn('v1.6.3');
    const errors: Error[] = [];
    const led = new GpiodOut('gpiochip0', 49, { bin: stub.bin, onError: (err) => errors.push(err) });
    await write(led, 1);
    await until(() => errors.length > 0);
    expect(errors[0].message).toMatch(/gpioset gpiochip0 49=1 failed \(exit 1\): gpioset: error setting the GPIO line values: Invalid argument/);
  });

  it('says how to install the tools when gpioset is missing', () => {
    expect(() => new GpiodOut('gpiochip0', 17, { bin: join(root, 'no-such-gpioset') })).toThrow(/not found: install libgpiod's tools \(apt-get install gpiod\)/);
  });
});

describe('thermal zone', () => {
  it('reads millidegrees from the CPU zone', async () => {
    put('class/thermal/thermal_zone0/type', 'acpitz\n'); put('class/thermal/thermal_zone0/temp', '27800\n');
    put('class/thermal/thermal_zone1/type', 'cpu-thermal\n'); put('class/thermal/thermal_zone1/temp', '48312\n');
    const sensor = new ThermalSensor('cpu_temperature', root);
    expect(sensor.zone).toBe(join(root, 'class/thermal/thermal_zone1'));
    expect(sensor.unit).toBe('°C');
    expect(await read((done) => sensor.read(done))).toBe(48.3);
    put('class/thermal/thermal_zone1/temp', '-1500\n');
    expect(await read((done) => sensor.read(done))).toBe(-1.5);
  });

  it('falls back to the first zone, and refuses garbage and absence', async () => {
    put('class/thermal/thermal_zone2/type', 'x'); put('class/thermal/thermal_zone2/temp', '1000');
    put('class/thermal/thermal_zone10/type', 'y'); put('class/thermal/thermal_zone10/temp', '2000');
    expect(findThermalZone(root)).toBe(join(root, 'class/thermal/thermal_zone2'));
    put('class/thermal/thermal_zone2/temp', 'hot');
    await expect(read((done) => new ThermalSensor('c', root).read(done))).rejects.toThrow(/not a millidegree number: "hot"/);
    rmSync(join(root, 'class'), { recursive: true });
    expect(() => new ThermalSensor('c', root)).toThrow(/no thermal zone with a temp file/);
  });
});

describe('DS18B20', () => {
  const good = '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n';
  it('parses the w1_slave lines and checks the CRC line', () => {
    expect(parseW1Slave(good)).toBe(23.125);
    expect(parseW1Slave('5e ff 4b 46 7f ff 02 10 8c : crc=8c YES\n5e ff 4b 46 7f ff 02 10 8c t=-10125\n')).toBe(-10.125);
    expect(() => parseW1Slave(good.replace('YES', 'NO'))).toThrow(/CRC check failed \(NO\)/);
    expect(() => parseW1Slave('')).toThrow(/no crc line/);
    expect(() => parseW1Slave('72 01 : crc=57 YES\n72 01 4b\n')).toThrow(/no t= value/);
  });

  it('finds every thermometer on the bus and reads it', async () => {
    put('bus/w1/devices/28-0316a2799a1c/w1_slave', good);
    put('bus/w1/devices/w1_bus_master1/uevent', '');
    let sensors = ds18b20Sensors(root);
    expect(sensors.map((sensor) => sensor.name)).toEqual(['ds18b20']);
    expect(await read((done) => sensors[0].read(done))).toBe(23.13);
    put('bus/w1/devices/28-0316a2799a1d/w1_slave', good.replace('YES', 'NO'));
    sensors = ds18b20Sensors(root);
    expect(sensors.map((sensor) => sensor.name)).toEqual(['ds18b20_28-0316a2799a1c', 'ds18b20_28-0316a2799a1d']);
    await expect(read((done) => sensors[1].read(done))).rejects.toThrow(/DS18B20 28-0316a2799a1d: CRC check failed/);
    rmSync(join(root, 'bus/w1/devices/28-0316a2799a1c'), { recursive: true });
    await expect(read((done) => sensors[0].read(done))).rejects.toThrow(/gone from the 1-Wire bus/);
  });

  it('says how to enable 1-Wire when none is present', () => {
    expect(() => ds18b20Sensors(root)).toThrow(/no DS18B20 under .*dtoverlay=w1-gpio/);
  });
});

describe('simulated board and specs', () => {
  it('the LED remembers and reports every write', () => {
    const seen: number[] = [];
    const led = new SimLed((level) => seen.push(level));
    led.write(1); led.write(0); led.write(1);
    expect(led.read()).toBe(1);
    expect(led.history).toEqual([1, 0, 1]);
    expect(seen).toEqual([1, 0, 1]);
  });

  it('the temperature wanders within 18–28 °C in 0.1 steps', async () => {
    let seed = 0;
    const sim = new SimTemperature('temperature', () => (seed = (seed * 16807 + 11) % 2147483647) / 2147483647);
    let prev: number | undefined;
    for (let i = 0; i < 2000; i++) {
      const reading = await read((done) => sim.read(done));
      expect(reading).toBeGreaterThanOrEqual(18); expect(reading).toBeLessThanOrEqual(28);
      expect(Math.round(reading * 10)).toBeCloseTo(reading * 10, 6);
      if (prev !== undefined) expect(Math.abs(reading - prev)).toBeLessThanOrEqual(0.41);
      prev = reading;
    }
  });

  it('validates LED and sensor specs and builds the backends', () => {
    for (const spec of ['sim', 'gpiod:gpiochip0:17', 'gpiod:0:4', 'sysfs:17']) expect(ledSpecError(spec), spec).toBe('');
    for (const bad of ['', 'gpio:17', 'gpiod:gpiochip0', 'sysfs:', 'sysfs:x', 'LED1', 3]) expect(ledSpecError(bad), String(bad)).toMatch(/sim, gpiod:CHIP:LINE/);
    expect(sensorsSpecError(['sim', 'thermal'])).toBe('');
    expect(sensorsSpecError(['sim', 'sim'])).toMatch(/distinct/);
    expect(sensorsSpecError(['dht22'])).toMatch(/sim, thermal or ds18b20/);
    expect(createLed('sim')).toBeInstanceOf(SimLed);
    piChips();
    expect(createLed('sysfs:17', { sysRoot: root })).toBeInstanceOf(SysfsGpioOut);
    put('class/thermal/thermal_zone0/temp', '40000');
    expect(createSensors(['sim', 'thermal'], { sysRoot: root }).map((sensor) => sensor.name)).toEqual(['temperature', 'cpu_temperature']);
  });
});
