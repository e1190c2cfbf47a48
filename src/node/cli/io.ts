// Where a command reads and writes, so tests can run commands in-process.
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  /** A line (or block) of text on stdout. */
  out(text: string): void;
  /** Raw bytes on stdout (payloads, exactly as received). */
  write(bytes: Uint8Array | string): void;
  /** A line on stderr. */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /**
   * The stdout stream itself, when there is one: `sub` writes to it directly so it can honour
   * its back-pressure (stop reading from the broker while stdout is full) and see EPIPE.
   */
  stdout?: NodeJS.WritableStream;
  /** Calls `stop` on Ctrl-C or SIGTERM (once); returns a function that removes the handler. */
  onInterrupt?(stop: () => void): () => void;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    out: (text) => { process.stdout.write(text.endsWith('\n') ? text : text + '\n'); },
    write: (bytes) => { process.stdout.write(bytes); },
    err: (line) => { process.stderr.write(line + '\n'); },
    env: process.env,
    stdout: process.stdout,
    onInterrupt: (stop) => {
      const handler = () => { remove(); stop(); };
      const remove = () => { for (const signal of STOP_SIGNALS) process.off(signal, handler); };
      for (const signal of STOP_SIGNALS) process.on(signal, handler);
      return remove;
    },
  };
}
