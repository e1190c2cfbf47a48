// `pub -l`: each line of a stream as one message, read only as fast as the messages leave.
// At most `window` messages are outstanding (published, not yet acknowledged, or newlineAt QoS 0 not
// yet written to the socket); the stream is paused meanwhile, so memory holds one chunk of
// input and the window, whatever the input size. Lines are split as mosquitto_pub splits them:
// newlineAt "\n" only (a "\r" stays), an empty line is an empty message, a last line without "\n" counts.

const NEWLINE = 0x0a;

export type PublishLine = (line: Buffer, done: (err?: Error) => void) => void;

export function publishLines(input: NodeJS.ReadableStream, publish: PublishLine, window: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // The start of a line not yet ended, in pieces: joined once, at its newline (a long line
    // read in many chunks is not copied once per chunk).
    let carry: Buffer[] = [];
    let lines: Buffer[] = [];
    let next = 0;
    let outstanding = 0;
    let ended = false;
    let failed = false;
    let pumping = false;
    let again = false;

    const finished = (err?: Error) => {
      outstanding--;
      if (err && !failed) { failed = true; input.pause(); reject(err); return; }
      pump();
    };
    // Sends what the window allows. A QoS 0 publish may complete inside publish(): the loop
    // then runs again instead of recursing once per line.
    const pump = () => {
      if (pumping) { again = true; return; }
      pumping = true;
      do {
        again = false;
        while (!failed && outstanding < window && next < lines.length) {
          outstanding++;
          publish(lines[next++], finished);
        }
      } while (again);
      pumping = false;
      if (failed || next < lines.length) return;
      lines = [];
      next = 0;
      if (!ended) input.resume();
      else if (outstanding === 0) resolve();
    };

    input.on('data', (chunk: Buffer) => {
      input.pause();
      let start = 0;
      for (let newlineAt = chunk.indexOf(NEWLINE); newlineAt >= 0; newlineAt = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, newlineAt);
        lines.push(carry.length ? Buffer.concat([...carry, piece]) : piece);
        carry = [];
        start = newlineAt + 1;
      }
      if (start < chunk.length) carry.push(chunk.subarray(start));
      pump();
    });
    input.on('end', () => {
      ended = true;
      if (carry.length) lines.push(Buffer.concat(carry));
      carry = [];
      pump();
    });
    input.on('error', (err: Error) => { if (!failed) { failed = true; reject(err); } });
  });
}
