// An output line through the legacy sysfs GPIO interface. Numbers there are global: the
// chip's base plus the line offset, and Raspberry Pi OS kernels put the main chip at 512 or
// higher, so "GPIO 17" is found from /sys/class/gpio/gpiochip*/base and label, not assumed.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DigitalOut } from './types';

export interface GpioChip { dir: string; base: number; ngpio: number; label: string }

const PI_CHIP = /pinctrl-bcm|pinctrl-rp1|bcm2835|raspberrypi/i;

export function listChips(gpioRoot: string): GpioChip[] {
  if (!existsSync(gpioRoot)) throw new Error(`${gpioRoot} does not exist: this kernel has no sysfs GPIO (use --gpio gpiod:CHIP:LINE)`);
  const readField = (dir: string, field: string) => { try { return readFileSync(join(gpioRoot, dir, field), 'utf8').trim(); } catch { return ''; } };
  return readdirSync(gpioRoot).filter((name) => /^gpiochip\d+$/.test(name))
    .map((dir) => ({ dir, base: Number(readField(dir, 'base')), ngpio: Number(readField(dir, 'ngpio')), label: readField(dir, 'label') }))
    .filter((chip) => Number.isInteger(chip.base))
    .sort((left, right) => left.base - right.base);
}

/** The global sysfs number of line `offset`: on the Pi's SoC chip when present, else the lowest-based chip. */
export function globalGpio(gpioRoot: string, offset: number): { number: number; chip: GpioChip } {
  const chips = listChips(gpioRoot);
  if (chips.length === 0) throw new Error(`no gpiochip* under ${gpioRoot}`);
  const chip = chips.find((candidate) => PI_CHIP.test(candidate.label)) ?? chips[0];
  if (chip.ngpio > 0 && offset >= chip.ngpio) throw new Error(`line ${offset} is beyond ${chip.label || chip.dir} (${chip.ngpio} lines, base ${chip.base})`);
  return { number: chip.base + offset, chip };
}

export interface SysfsOptions {
  /** Default /sys/class/gpio. */
  root?: string;
  /** After export the kernel (and udev's permissions) may lag: retries, this many ms apart. Defaults 40 × 50 ms. */
  retries?: number;
  retryMs?: number;
}

export class SysfsGpioOut implements DigitalOut {
  private value: 0 | 1 = 0;
  readonly number: number;
  readonly chip: GpioChip;
  private root: string;
  private ready = false;
  constructor(readonly offset: number, private opts: SysfsOptions = {}) {
    this.root = opts.root ?? '/sys/class/gpio';
    const found = globalGpio(this.root, offset);
    this.number = found.number;
    this.chip = found.chip;
  }
  write(level: 0 | 1, done?: (err?: Error) => void): void {
    this.value = level;
    const dir = join(this.root, 'gpio' + this.number);
    let tries = this.opts.retries ?? 40;
    const attempt = () => {
      try {
        if (!this.ready) {
          if (!existsSync(dir)) throw Object.assign(new Error(`${dir} did not appear after export`), { code: 'ENOENT' });
          writeFileSync(join(dir, 'direction'), 'out');
          this.ready = true;
        }
        writeFileSync(join(dir, 'value'), String(this.value));
        done?.();
      } catch (thrown) {
        const err = thrown as NodeJS.ErrnoException;
        if ((err.code === 'ENOENT' || err.code === 'EACCES') && tries-- > 0) { setTimeout(attempt, this.opts.retryMs ?? 50); return; }
        done?.(new Error(`sysfs GPIO ${this.number} (line ${this.offset} of ${this.chip.label || this.chip.dir}): ${err.message}`));
      }
    };
    if (!this.ready && !existsSync(dir)) {
      try { writeFileSync(join(this.root, 'export'), String(this.number)); } catch (err) {
        done?.(new Error(`cannot export GPIO ${this.number} via ${join(this.root, 'export')}: ${(err as Error).message}`));
        return;
      }
    }
    attempt();
  }
  read(): 0 | 1 { return this.value; }
}
