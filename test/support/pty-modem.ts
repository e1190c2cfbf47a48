// The modem emulator behind a real pseudo-terminal: socat makes the pty (a symlink in a
// temp dir) and runs the emulator on the other side, so the host opens it with the real
// serialport package exactly as it would open /dev/ttyUSB0.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export interface PtyModem {
  /** The serial device to open. */
  path: string;
  proc: ChildProcess;
  /** Everything the emulator wrote to stderr (fault notices, stats). */
  log: string[];
  /** How many faults of a kind the emulator has announced. */
  faults(kind?: string): number;
  stop(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = resolve(HERE, 'modem-sim-stdio.ts');

// The emulator bundled once per test process into one plain .cjs file: node starts it in a
// fraction of the time tsx needs to compile the TypeScript on every spawn.
let bundled: string | undefined;
function emulatorScript(): string {
  if (bundled) return bundled;
  const out = join(mkdtempSync(join(tmpdir(), 'glowmq-modem-sim-')), 'modem-sim.cjs');
  buildSync({ entryPoints: [SCRIPT], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'error' });
  process.once('exit', () => rmSync(dirname(out), { recursive: true, force: true }));
  return (bundled = out);
}

/** args: modem-sim options after --stdio, e.g. ['--dialect', 'nonos', '--fault', 'send-fail:4']. */
export async function startPtyModem(args: string[]): Promise<PtyModem> {
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-pty-'));
  const path = join(dir, 'ttyESP');
  // socat's EXEC splits on spaces and treats ':' and ',' as address syntax: escape them.
  const esc = (s: string) => { if (/[\s"'\\]/.test(s)) throw new Error(`unsafe modem-sim argument ${JSON.stringify(s)}`); return s.replace(/([:,])/g, '\\$1'); };
  const cmd = [process.execPath, emulatorScript(), '--stdio', ...args].map(esc).join(' ');
  const proc = spawn('socat', [`PTY,link=${path},raw,echo=0`, `EXEC:${cmd}`], { stdio: ['ignore', 'ignore', 'pipe'], cwd: resolve(HERE, '../..') });
  const log: string[] = [];
  let partial = '';
  proc.stderr!.on('data', (d) => {
    const lines = (partial + String(d)).split('\n');
    partial = lines.pop()!;
    log.push(...lines);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  // The pty appears at once; the emulator behind it needs a moment to load (ready follows).
  const end = Date.now() + 10_000;
  while (!existsSync(path)) {
    if (Date.now() > end || proc.exitCode !== null) { proc.kill('SIGKILL'); throw new Error(`socat did not create ${path}: ${log.join('\n')}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  // Wait for the emulator itself (node + tsx may take seconds on a busy machine), so that a
  // test's time goes to the protocol, not to the start-up probe's timeouts.
  while (!log.some((l) => l.startsWith('modem-sim: started'))) {
    if (Date.now() > end + 20_000 || proc.exitCode !== null) { proc.kill('SIGKILL'); throw new Error(`modem-sim did not start: ${log.join('\n')}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    path, proc, log,
    faults: (kind) => log.filter((l) => l.startsWith(`modem-sim: fault ${kind ?? ''}`)).length,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
