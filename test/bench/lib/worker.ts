// The runner's side of a bench worker: spawn it with a job, read its JSON lines, send commands.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WorkerMsg { ev: string; [k: string]: any }

export class Worker {
  readonly proc: ChildProcess;
  readonly startedAt: number;
  private queue: WorkerMsg[] = [];
  private waiting: ((m: WorkerMsg) => void) | undefined;
  private stderr = '';
  private exited: Promise<number | null>;

  constructor(readonly label: string, cmd: string[], job: { role: string; [k: string]: unknown }) {
    this.startedAt = performance.timeOrigin + performance.now();
    this.proc = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, BENCH_JOB: JSON.stringify(job) }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((r) => this.proc.once('exit', (code) => { this.push({ ev: 'exit', code }); r(code); }));
    this.proc.stdin!.on('error', () => {}); // the worker may exit before reading a command
    this.proc.stderr!.on('data', (d) => { this.stderr += d; });
    createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      let m: WorkerMsg;
      try { m = JSON.parse(l); } catch { m = { ev: 'log', line: l }; }
      if (m.ev !== 'log') this.push(m);
    });
  }

  private push(m: WorkerMsg): void {
    const w = this.waiting;
    if (w) { this.waiting = undefined; w(m); } else this.queue.push(m);
  }

  /** The next message; an error, an early exit or the timeout rejects, naming the worker. */
  next(ev: string, timeoutMs = 60_000): Promise<WorkerMsg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = undefined; reject(new Error(`${this.label}: no "${ev}" within ${timeoutMs} ms ${this.stderr.slice(-300)}`)); }, timeoutMs);
      const take = (m: WorkerMsg) => {
        clearTimeout(timer);
        if (m.ev === ev) resolve(m);
        else if (m.ev === 'error') reject(new Error(`${this.label}: ${m.message}`));
        else if (m.ev === 'exit') reject(new Error(`${this.label}: exited (${m.code}) before "${ev}" ${this.stderr.slice(-500)}`));
        else this.next(ev, timeoutMs).then(resolve, reject);
      };
      const q = this.queue.shift();
      if (q) take(q); else this.waiting = take;
    });
  }

  send(cmd: string): void { if (this.proc.exitCode === null) this.proc.stdin!.write(cmd + '\n'); }

  /** Wait for exit (up to timeoutMs), then kill if still running. */
  async close(timeoutMs = 5000): Promise<void> {
    this.proc.stdin!.end();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }

  kill(): void { if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL'); }
}
