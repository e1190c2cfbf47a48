// Where a command reads and writes, so tests can run commands in-process.
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  /** A line (or block) of text on stdout. */
  out(s: string): void;
  /** Raw bytes on stdout (payloads, exactly as received). */
  write(b: Uint8Array | string): void;
  /** A line on stderr. */
  err(s: string): void;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    out: (s) => { process.stdout.write(s.endsWith('\n') ? s : s + '\n'); },
    write: (b) => { process.stdout.write(b); },
    err: (s) => { process.stderr.write(s + '\n'); },
    env: process.env,
  };
}
