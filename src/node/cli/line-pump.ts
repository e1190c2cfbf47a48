// `pub -l`: each line of a stream as one message, read only as fast as the messages leave.
// At most `window` messages are outstanding (published, not yet acknowledged, or at QoS 0 not
// yet written to the socket); the stream is paused meanwhile, so memory holds one chunk of
// input and the window, whatever the input size. A chunk is cut into lines only as they are
// sent (few objects live long enough to be promoted by the garbage collector). Lines are split
// as mosquitto_pub splits them: at "\n" only (a "\r" stays), an empty line is an empty message,
// and a last line without "\n" counts.

const NEWLINE = 0x0a;

export type PublishLine = (line: Buffer, done: (err?: Error) => void) => void;

export function publishLines(input: NodeJS.ReadableStream, publish: PublishLine, window: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // The start of a line not yet ended, in pieces: joined once, at its newline (a long line
    // read in many chunks is not copied once per chunk).
    let carry: Buffer[] = [];
    let chunk: Buffer | undefined;
    let position = 0;
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
    /** The next whole line of the current chunk, or undefined (the rest is carried over). */
    const nextLine = (): Buffer | undefined => {
      if (!chunk) return undefined;
      const newlineAt = chunk.indexOf(NEWLINE, position);
      if (newlineAt < 0) {
        if (position < chunk.length) carry.push(chunk.subarray(position));
        chunk = undefined;
        return undefined;
      }
      const piece = chunk.subarray(position, newlineAt);
      position = newlineAt + 1;
      if (!carry.length) return piece;
      const line = Buffer.concat([...carry, piece]);
      carry = [];
      return line;
    };
    // Sends what the window allows. A QoS 0 publish may complete inside publish(): the loop
    // then runs again instead of recursing once per line.
    const pump = () => {
      if (pumping) { again = true; return; }
      pumping = true;
      do {
        again = false;
        while (!failed && outstanding < window) {
          const line = nextLine();
          if (!line) break;
          outstanding++;
          publish(line, finished);
        }
      } while (again);
      pumping = false;
      if (failed || chunk) return;
      if (!ended) input.resume();
      else if (carry.length) {
        // The last line had no newline: it is a message too.
        chunk = Buffer.concat([...carry, Buffer.from([NEWLINE])]);
        position = 0;
        carry = [];
        pump();
      } else if (outstanding === 0) resolve();
    };

    input.on('data', (data: Buffer) => {
      input.pause();
      chunk = data;
      position = 0;
      pump();
    });
    input.on('end', () => { ended = true; pump(); });
    input.on('error', (err: Error) => { if (!failed) { failed = true; reject(err); } });
  });
}
