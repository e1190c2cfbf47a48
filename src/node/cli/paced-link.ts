// The broker link of `glowmq sub`, paced by stdout. The client acknowledges a QoS 1/2 message
// as soon as it has handed it to us; this link holds those acknowledgements back until the
// line is really written, so a crash, a closed pipe or -C never acknowledges a message that
// was not printed. Each socket chunk's lines leave in ONE stdout write (fewer syscalls), its
// acknowledgements in one socket write, and the socket is not read while stdout is full: the
// broker then queues or drops according to its own policy, and our memory stays flat.
import type { Transport, TransportFactory, TransportHandlers } from '../../core/types';

/** A link whose socket can stop being read: TCP's net.Socket and ws's WebSocket both can. */
export type PausableLink = Transport & {
  readonly socket?: { pause(): void; resume(): void; once(event: 'close', listener: () => void): unknown } | undefined;
};
import { PacketType } from '../../core/packet-type';

/** The fixed header's type is the first byte's high nibble (MQTT 3.1.1 §2.2). */
const TYPE_SHIFT = 4;

/** Bytes for the broker waiting for the stdout write they follow. */
interface HeldWrites { bytes: Uint8Array[]; afterWrite: number }

export class PacedLink {
  /** Lines of the chunk being read, written to stdout when the chunk is done. */
  private lines: Buffer[] = [];
  private readingChunk = false;
  /** Socket writes made while a chunk is read; handed on after that chunk's stdout write. */
  private chunkWrites: Uint8Array[] = [];
  private waiting: HeldWrites[] = [];
  private stdoutWritesIssued = 0;
  private stdoutWritesDone = 0;
  /** After stopAcknowledging(): acknowledgements still let through (the last printed message's). */
  private acksToKeep = 0;
  private acknowledging = true;
  private closeWhenFlushed = false;
  private current?: PausableLink;
  private socketClosed: Promise<void> = Promise.resolve();

  constructor(private readonly stdout: NodeJS.WritableStream, private readonly onStdoutError: (err: NodeJS.ErrnoException) => void) {
    stdout.on('error', (err: NodeJS.ErrnoException) => this.stdoutFailed(err));
  }

  /** Output to print, in order: `append` adds its bytes to the batch of the chunk being read. */
  print(append: (parts: Buffer[]) => void): void {
    if (this.readingChunk) { append(this.lines); return; }
    const parts: Buffer[] = [];
    append(parts);
    if (parts.length) this.writeStdout(parts);
  }

  /**
   * The message just printed is the last (-C, a closed stdout): its acknowledgement
   * (`ackPending`: true for QoS 1/2) is the last one sent. Messages after it are not printed
   * and not acknowledged, so the broker keeps them for the session's next run.
   */
  stopAcknowledging(ackPending: boolean): void {
    this.acknowledging = false;
    this.acksToKeep = ackPending ? 1 : 0;
  }

  /** Resolves once the socket of the last link is closed (after the final DISCONNECT left). */
  closed(): Promise<void> { return this.socketClosed; }

  /** The client's transport factory: each link made by `makeLink`, paced. */
  factory(makeLink: () => PausableLink): TransportFactory {
    return () => {
      const inner = makeLink();
      const link: Transport = {
        open: (handlers) => this.open(inner, handlers),
        write: (bytes) => this.write(inner, bytes),
        close: () => this.close(inner),
      };
      return link;
    };
  }

  private open(inner: PausableLink, handlers: TransportHandlers): void {
    this.current = inner;
    this.waiting = [];
    this.chunkWrites = [];
    this.closeWhenFlushed = false;
    inner.open({
      onOpen: () => {
        const socket = inner.socket;
        if (socket) this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
        handlers.onOpen();
      },
      onData: (bytes) => this.readChunk(inner, handlers, bytes),
      onDrain: () => handlers.onDrain(),
      onClose: (reason) => handlers.onClose(reason),
    });
  }

  private readChunk(inner: PausableLink, handlers: TransportHandlers, bytes: Uint8Array): void {
    this.readingChunk = true;
    try { handlers.onData(bytes); } finally { this.readingChunk = false; }
    const writes = this.chunkWrites;
    this.chunkWrites = [];
    const lines = this.lines;
    this.lines = [];
    if (lines.length && !this.writeStdout(lines)) {
      // stdout is full: stop reading from the broker until it drains.
      inner.socket?.pause();
      this.stdout.once('drain', () => inner.socket?.resume());
    }
    // One buffer for the chunk's acknowledgements: one object to keep until stdout has the lines.
    this.hold(writes.length > 1 ? [Buffer.concat(writes)] : writes);
  }

  /** Writes to stdout; false when its buffer is full. */
  private writeStdout(lines: Buffer[]): boolean {
    const issued = ++this.stdoutWritesIssued;
    const bytes = lines.length === 1 ? lines[0] : Buffer.concat(lines);
    return this.stdout.write(bytes, (err) => {
      // A failed write (EPIPE) releases nothing: what was not printed stays unacknowledged.
      if (err) return;
      this.stdoutWritesDone = Math.max(this.stdoutWritesDone, issued);
      this.release();
    });
  }

  private write(inner: PausableLink, bytes: Uint8Array): boolean {
    if (inner !== this.current) return false;
    if (!this.acknowledging && this.isAck(bytes)) {
      if (this.acksToKeep === 0) return true; // withheld: the broker keeps the message
      this.acksToKeep--;
    }
    if (this.readingChunk) { this.chunkWrites.push(bytes); return true; }
    if (this.waiting.length) { this.hold([bytes]); return true; }
    return inner.write(bytes);
  }

  private isAck(bytes: Uint8Array): boolean {
    const type = bytes[0] >> TYPE_SHIFT;
    return type === PacketType.Puback || type === PacketType.Pubrec;
  }

  private hold(bytes: Uint8Array[]): void {
    if (!bytes.length) return;
    this.waiting.push({ bytes, afterWrite: this.stdoutWritesIssued });
    this.release();
  }

  /** Sends, in order, the held writes whose stdout write has completed. */
  private release(): void {
    const inner = this.current;
    const ready: Uint8Array[] = [];
    while (this.waiting.length && this.waiting[0].afterWrite <= this.stdoutWritesDone) ready.push(...this.waiting.shift()!.bytes);
    if (inner && ready.length) inner.write(ready.length === 1 ? ready[0] : Buffer.concat(ready));
    if (inner && this.closeWhenFlushed && !this.waiting.length) inner.close();
  }

  private close(inner: PausableLink): void {
    // The DISCONNECT (and the acknowledgements before it) go out first.
    if (inner === this.current && this.waiting.length) { this.closeWhenFlushed = true; return; }
    inner.close();
  }

  private stdoutFailed(err: NodeJS.ErrnoException): void {
    this.stopAcknowledging(false);
    this.waiting = [];
    this.onStdoutError(err);
  }
}
