// Debian's mosquitto as its own process, on a free 127.0.0.1 port, with a password file for
// the seed's account (admin / password) and allow_anonymous false.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export interface MosquittoOptions {
  port?: number;            // default: a free port
  persistence?: boolean;    // default false; true keeps sessions across restarts (same dir)
  users?: { [user: string]: string }; // default { admin: 'password' }
  anonymous?: boolean;      // default false
  extraConfig?: string;     // appended verbatim (e.g. a TLS listener)
  dir?: string;             // reuse a data directory (restarts)
}

export interface Mosquitto {
  port: number; url: string; dir: string; proc: ChildProcess; output: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and data directory (after stop/kill). */
  restart(): Promise<Mosquitto>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

export function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(); });
      c.once('error', () => { c.destroy(); if (Date.now() > end) reject(new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`)); else setTimeout(tryOnce, 50); });
    };
    tryOnce();
  });
}

const MOSQUITTO = ['/usr/sbin/mosquitto', 'mosquitto'];

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = opts.port ?? await freePort();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'glowmq-mosq-'));
  const users = opts.users ?? { admin: 'password' };
  const pwfile = join(dir, 'passwd');
  writeFileSync(pwfile, '');
  for (const [u, p] of Object.entries(users)) execFileSync('mosquitto_passwd', ['-b', pwfile, u, p]);
  const conf = [
    'user root', // the test runs as whoever it is; do not drop privileges away from our temp files
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${opts.anonymous ? 'true' : 'false'}`,
    `password_file ${pwfile}`,
    `persistence ${opts.persistence ? 'true' : 'false'}`,
    `persistence_location ${dir}/`,
    // Save after every change: a SIGKILLed broker then loses nothing it acknowledged
    // (by default mosquitto saves only every autosave_interval seconds).
    'autosave_interval 1',
    'autosave_on_changes true',
    'log_dest stderr',
    'log_type error', 'log_type warning', 'log_type notice',
    opts.extraConfig ?? '',
  ].join('\n');
  writeFileSync(join(dir, 'mosquitto.conf'), conf + '\n');
  const bin = MOSQUITTO.find((b) => { try { execFileSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' }); return true; } catch { return false; } }) ?? 'mosquitto';
  const proc = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  proc.stdout!.on('data', (d) => output.push(String(d)));
  proc.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try { await waitForPort(port); } catch (e) { proc.kill('SIGKILL'); throw new Error(`mosquitto did not start: ${output.join('')}`); }
  const m: Mosquitto = {
    port, url: `mqtt://admin:password@127.0.0.1:${port}`, dir, proc, output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) { proc.kill(signal); await exited; }
      if (!opts.dir && !opts.persistence) rmSync(dir, { recursive: true, force: true });
    },
    restart: () => startMosquitto({ ...opts, port, dir }),
  };
  return m;
}
