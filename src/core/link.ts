// The link: one transport per connection attempt, and the packets waiting to be written to it
// while it reports back-pressure. Events from a transport the client already left are ignored.
import type { Entry, Session } from './session';
import type { SkippedPublish } from './types';
// inbound.ts, lifecycle.ts and outbound.ts import this file; what it calls of theirs it reaches
// through session.handlers_ (session.ts), so there is no import cycle.

const DEFAULT_CONNECT_TIMEOUT_MS = 30000, DEFAULT_MAX_PACKET = 1048576;
export const LOST = 'connection closed';

export const newError = (message: string) => new Error(message);
export const emitError = (session: Session, error: Error): void => { session.emit('error', error); };

export const setTimer = (session: Session, delayMs: number, onTimeout?: false | (() => void)): void => {
  const platform = session.platform_;
  if (session.timer_ != null) platform.clearTimeout(session.timer_);
  session.timer_ = onTimeout ? platform.setTimeout(onTimeout, delayMs) : null;
};

// The queue is read from a head index and what went out is spliced off once at the end, not
// shift()ed one by one: V8 copies an array of over ~16,000 entries on every shift (a burst of
// publishes while the link is full), a quadratic drain.
const flush = (session: Session): void => {
  const link = session.link_, unwritten = session.unwritten_;
  while (link && link == session.link_ && !session.linkFull_ && session.unwrittenHead_ < unwritten.length) {
    const next = unwritten[session.unwrittenHead_++]!, payload = next.packet_.payload;
    if (payload) session.unwrittenBytes_ -= payload.length;
    session.lastSentAt_ = session.platform_.now();
    session.linkFull_ = !link.write(session.deps_.codec.encode(next.packet_));
    if (next.callback_) next.callback_(); // a QoS 0 publish completes when written
  }
  // What was written leaves the queue at once (the head may be past entries a nested flush, from a callback, wrote).
  unwritten.splice(0, session.unwrittenHead_);
  session.unwrittenHead_ = 0;
};

export const write = (session: Session, packet: any, callback?: Function | null | false): void => {
  session.unwritten_.push({ packet_: packet, callback_: callback });
  if (packet.payload) session.unwrittenBytes_ += packet.payload.length;
  flush(session);
};

// The link is gone: what waited to be written goes with it.
const down = (session: Session, error: Error | undefined, broken?: boolean): void => {
  const unsent: Entry[] = session.unwritten_.slice(session.unwrittenHead_);
  session.link_ = null;
  session.unwritten_ = [];
  session.unwrittenHead_ = 0;
  session.unwrittenBytes_ = 0;
  session.resending_ = false;
  session.handlers_.linkDown_(session, error, broken, unsent);
};

/** We close the link ourselves; `broken`: the broker broke the protocol. */
export const drop = (session: Session, error?: Error, broken?: boolean): void => {
  const transport = session.link_;
  session.link_ = null;
  if (transport) transport.close();
  down(session, error, broken);
};

export const violation = (session: Session, message: string): void => {
  const error = newError('protocol violation: ' + message);
  emitError(session, error);
  drop(session, error, true);
};

export const open = (session: Session): void => {
  const options = session.options_, deps = session.deps_;
  const transport = session.link_ = deps.transport(), timeout = options.connectTimeout || DEFAULT_CONNECT_TIMEOUT_MS;
  let opened = false;
  session.linkFull_ = session.madeProgress_ = false;
  session.links_++;
  // Each handler first checks that this transport is still the session's. (Written out, not a
  // wrapper per handler: on the board each wrapper is one more function object per link.)
  const live = () => session.link_ == transport;
  // An unreachable broker (ECONNREFUSED, a DNS failure…) is an 'error' too, as in MQTT.js.
  const failed = (error?: Error) => {
    if (!live()) return;
    if (error && !opened) emitError(session, error);
    down(session, error || newError(LOST));
  };
  const parser = deps.codec.parser(options.maxPacketSize || DEFAULT_MAX_PACKET,
    (packet: any) => { if (live()) session.handlers_.packet_(session, packet); },
    (error: Error) => { if (live()) violation(session, error.message); },
    (skipped: SkippedPublish) => { if (live()) session.handlers_.skipped_(session, skipped, skipped.size); });
  setTimer(session, timeout, () => drop(session, newError('no CONNACK within ' + timeout + ' ms')));
  try {
    transport.open({
      onOpen: () => { if (live()) { opened = true; write(session, session.connectPacket_); } },
      onData: (bytes: Uint8Array) => { if (live()) { session.lastReceivedAt_ = session.platform_.now(); parser.feed(bytes); } },
      onDrain: () => {
        if (!live()) return;
        session.linkFull_ = false;
        flush(session);
        if (session.resending_) session.handlers_.resend_(session);
      },
      onClose: failed,
    });
  } catch (error) { failed(error as Error); } // Espruino's net throws on a refused connect
};
