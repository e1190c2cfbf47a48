// An output line through libgpiod's command-line tools (Debian `gpiod`). A line set over the
// character device reverts when the process holding it exits, so each value is held by a
// long-running gpioset that the next write replaces:
//   v1 (libgpiod 1.x): gpioset --mode=signal CHIP LINE=V   (held until SIGTERM)
//   v2 (libgpiod 2.x): gpioset --chip CHIP LINE=V           (held until killed, the default)
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { DigitalOut } from './types';

export interface GpiodOptions {
  /** The gpioset executable. Default "gpioset" on PATH. */
  bin?: string;
  /** Told when a holder dies on its own (e.g. line busy). */
  onError?: (err: Error) => void;
}

/** libgpiod major version of `bin`, from `gpioset --version`. */
export function gpiosetVersion(bin: string): 1 | 2 {
  let out: string;
  try { out = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }); } catch (thrown) {
    const err = thrown as NodeJS.ErrnoException;
    throw new Error(err.code === 'ENOENT' ? `${bin} not found: install libgpiod's tools (apt-get install gpiod)` : `${bin} --version failed: ${err.message}`);
  }
  const major = /v(\d+)\./.exec(out);
  if (!major) throw new Error(`${bin} --version: unrecognised output ${JSON.stringify(out.slice(0, 60))}`);
  return major[1] === '1' ? 1 : 2;
}

/**
 * Checks with `gpioinfo CHIP` (v2: `gpioinfo -c CHIP`; same directory as gpioset) that the chip and line exist, so a
 * wrong spec fails at start-up with the tool's own words instead of at the first command.
 * Skipped when gpioinfo is not installed.
 */
export function checkLine(gpioset: string, version: 1 | 2, chip: string, line: number): void {
  const bin = gpioset.indexOf('/') >= 0 ? join(dirname(gpioset), 'gpioinfo') : 'gpioinfo';
  let out: string;
  try { out = execFileSync(bin, version === 1 ? [chip] : ['-c', chip], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }); } catch (thrown) {
    const err = thrown as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return;
    throw new Error(`GPIO chip ${chip}: ${String(err.stderr ?? err.message).trim()}`);
  }
  const lines = out.split('\n').filter((text) => /^\s+line\s+\d+:/.test(text)).length;
  if (line >= lines) throw new Error(`GPIO chip ${chip} has ${lines} lines (0-${lines - 1}); there is no line ${line}`);
}

export class GpiodOut implements DigitalOut {
  private value: 0 | 1 = 0;
  private holder?: ChildProcess;
  readonly version: 1 | 2;
  private bin: string;
  constructor(readonly chip: string, readonly line: number, private opts: GpiodOptions = {}) {
    this.bin = opts.bin ?? 'gpioset';
    this.version = gpiosetVersion(this.bin);
    checkLine(this.bin, this.version, chip, line);
  }
  /** The argv for setting the line to `level`. */
  args(level: 0 | 1): string[] {
    const set = `${this.line}=${level}`;
    return this.version === 1 ? ['--mode=signal', this.chip, set] : ['--chip', this.chip, set];
  }
  // Writes run one after another: the line is exclusive, so the old holder must have
  // exited before the next gpioset asks for it (else "Device or resource busy").
  private chain: Promise<void> = Promise.resolve();
  write(level: 0 | 1, done?: (err?: Error) => void): void {
    this.value = level;
    this.chain = this.chain.then(() => this.stopHolder()).then(() => this.startHolder(level)).then(() => done?.(), (err: Error) => done?.(err));
  }
  private stopHolder(): Promise<void> {
    const old = this.holder;
    this.holder = undefined;
    if (!old || old.exitCode !== null || old.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => { old.once('close', () => resolve()); old.kill('SIGTERM'); });
  }
  private startHolder(level: 0 | 1): Promise<void> {
    return new Promise((resolve, reject) => {
      const holder = spawn(this.bin, this.args(level), { stdio: ['ignore', 'ignore', 'pipe'] });
      this.holder = holder;
      let errText = '';
      let started = false;
      holder.stderr!.on('data', (chunk) => { errText += chunk; });
      holder.once('spawn', () => { started = true; resolve(); });
      holder.once('error', (err) => { if (!started) reject(new Error(`${this.bin}: ${err.message}`)); });
      // 'close': after stderr is fully read. A holder that dies on its own failed.
      holder.once('close', (code, signal) => {
        if (this.holder === holder) this.holder = undefined;
        if (started && code !== 0 && signal !== 'SIGTERM') this.opts.onError?.(new Error(`gpioset ${this.chip} ${this.line}=${level} failed (exit ${code ?? signal}): ${errText.trim() || 'no message'}`));
      });
    });
  }
  read(): 0 | 1 { return this.value; }
  /** Stops holding the line (it returns to its default); cb once the holder has exited. */
  release(done?: () => void): void {
    this.chain = this.chain.then(() => this.stopHolder()).then(() => done?.());
  }
}
