// A mistake in how the command was called (bad flag or value): exit code 2, one line.
export class UsageError extends Error {
  readonly exitCode = 2;
}
/** An operational failure (broker unreachable, refused credentials…): exit code 1, one line. */
export class RunError extends Error {
  readonly exitCode = 1;
}
