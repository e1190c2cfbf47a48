// Runs the built one-file CLI (dist/node/glowmq.cjs, built by test/support/global-setup.ts)
// as a child process, collecting its output, and waits for lines without timing guesses.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export const CLI = resolve(__dirname, '../../dist/node/glowmq.cjs');

export interface Proc {
  proc: ChildProcess;
  stdout: () => string;
  /** stdout exactly as bytes (payloads need not be UTF-8). */
  stdoutBytes: () => Buffer;
  stderr: () => string;
  /** Resolves with the first output line (stdout or stderr) matching re; rejects if the process exits first. */
  line(re: RegExp): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number>;
  kill(sig?: NodeJS.Signals): Promise<number>;
}

export function start(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}): Proc {
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  const raw: Buffer[] = [];
  const waiters: { re: RegExp; ok: (l: string) => void }[] = [];
  const scan = () => {
    for (const w of waiters.slice()) {
      const hit = (out + '\n' + err).split('\n').find((l) => w.re.test(l));
      if (hit !== undefined) { waiters.splice(waiters.indexOf(w), 1); w.ok(hit); }
    }
  };
  const dec = new StringDecoder('utf8');
  proc.stdout!.on('data', (d: Buffer) => { raw.push(d); out += dec.write(d); scan(); });
  proc.stderr!.setEncoding('utf8').on('data', (d) => { err += d; scan(); });
  if (opts.stdin !== undefined) proc.stdin!.end(opts.stdin); else proc.stdin!.end();
  const exited = new Promise<number>((r) => proc.on('close', (code, sig) => r(code ?? (sig ? 128 : 1))));
  return {
    proc, stdout: () => out, stdoutBytes: () => Buffer.concat(raw), stderr: () => err, exited,
    line: (re) => new Promise<string>((ok, fail) => {
      waiters.push({ re, ok });
      scan();
      exited.then((c) => fail(new Error(`exited ${c} before a line matching ${re}\nstdout: ${out}\nstderr: ${err}`)));
    }),
    kill: (sig = 'SIGTERM') => { if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig); return exited; },
  };
}

export const glowmq = (args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}) => start(process.execPath, [CLI, ...args], opts);

/** Runs to completion. */
export async function run(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}) {
  const p = glowmq(args, opts);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
