// The runner's side of a bench worker: spawn it with a job, read its JSON lines, send commands.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WorkerMsg { ev: string; [k: string]: any }

export class Worker {
  readonly proc: ChildProcess;
  readonly startedAt: number;
  private queue: WorkerMsg[] = [];
  private waiting: ((msg: WorkerMsg) => void) | undefined;
  private stderr = '';
  private exited: Promise<number | null>;

  constructor(readonly label: string, cmd: string[], job: { role: string; [k: string]: unknown }) {
    this.startedAt = performance.timeOrigin + performance.now();
    this.proc = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, BENCH_JOB: JSON.stringify(job) }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => { this.push({ ev: 'exit', code }); resolve(code); }));
    this.proc.stdin!.on('error', () => {}); // the worker may exit before reading a command
    this.proc.stderr!.on('data', (chunk) => { this.stderr += chunk; });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      let msg: WorkerMsg;
      try { msg = JSON.parse(line); } catch { msg = { ev: 'log', line: line }; }
      if (msg.ev !== 'log') this.push(msg);
    });
  }

  private push(msg: WorkerMsg): void {
    const waiter = this.waiting;
    if (waiter) { this.waiting = undefined; waiter(msg); } else this.queue.push(msg);
  }

  /** The next message; an error, an early exit or the timeout rejects, naming the worker. */
  next(event: string, timeoutMs = 60_000): Promise<WorkerMsg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = undefined; reject(new Error(`${this.label}: no "${event}" within ${timeoutMs} ms ${this.stderr.slice(-300)}`)); }, timeoutMs);
      const take = (msg: WorkerMsg) => {
        clearTimeout(timer);
        if (msg.ev === event) resolve(msg);
        else if (msg.ev === 'error') reject(new Error(`${this.label}: ${msg.message}`));
        else if (msg.ev === 'exit') reject(new Error(`${this.label}: exited (${msg.code}) before "${event}" ${this.stderr.slice(-500)}`));
        else this.next(event, timeoutMs).then(resolve, reject);
      };
      const queued = this.queue.shift();
      if (queued) take(queued); else this.waiting = take;
    });
  }

  send(cmd: string): void { if (this.proc.exitCode === null) this.proc.stdin!.write(cmd + '\n'); }

  /** Wait for exit (up to timeoutMs), then kill if still running. */
  async close(timeoutMs = 5000): Promise<void> {
    this.proc.stdin!.end();
    const killTimer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(killTimer);
  }

  kill(): void { if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL'); }
}
