// The client's state (connecting → connected → reconnecting → closed) and its one timer:
// connect timeout, keepalive tick and graceful-end deadline, reconnect delay.
import type { ClientState } from './client-options';
import type { Entry, Session } from './session';
import { backoff } from './backoff';
import { keepalive } from './keepalive';
import { allEntries, isOwed, removeEntry } from './inflight';
import { drop, newError, open, setTimer, write, LOST } from './link';
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';

export const CONNECTED = 'connected', CLOSED = 'closed', ENDED = 'client ended';
const RECONNECTING = 'reconnecting';
const DEFAULT_RECONNECT_MIN_MS = 1000, DEFAULT_RECONNECT_MAX_MS = 30000, DEFAULT_END_TIMEOUT_MS = 5000;
const MS_PER_S = 1000, TENTHS_PER_S = 10;

export const reconnectMin = (session: Session) => session.options_.reconnectMin || DEFAULT_RECONNECT_MIN_MS;

export const setState = (session: Session, state: ClientState): void => {
  session.state = state;
  session.connected = session.connected_ = state == CONNECTED;
};

export const connect = (session: Session): void => {
  if (session.state != CLOSED) return;
  session.ending_ = false;
  session.attempt_ = 0;
  session.backoffBase_ = reconnectMin(session);
  setState(session, 'connecting');
  open(session);
};

// The link is gone: fail unwritten QoS 0, then reconnect after a backoff, or stay closed.
export const linkDown = (session: Session, error: Error | undefined, broken: boolean | undefined, unsent: Entry[]): void => {
  const options = session.options_, wasEnding = session.ending_;
  const again = !wasEnding && options.reconnect !== false, min = reconnectMin(session), max = options.reconnectMax || DEFAULT_RECONNECT_MAX_MS;
  let delay = 0;
  // A link that made progress (an ack, a PINGRESP or a message after CONNACK) resets the
  // backoff: the link is flaky, not the broker broken. One that died before any, or that
  // broke the protocol, keeps it climbing, so a broken broker is never hot-looped.
  if (session.madeProgress_ && !broken) { session.attempt_ = 0; session.backoffBase_ = min; }
  if (session.resubscription_) removeEntry(session, session.resubscription_);
  if (again) {
    delay = backoff(session.backoffBase_, min, max, session.platform_.random());
    session.backoffBase_ = Math.min(max, session.backoffBase_ * 2);
    session.attempt_++;
  }
  // The timer is set before any callback runs: one that calls end() then clears it.
  setTimer(session, delay, again && (() => open(session)));
  setState(session, again ? RECONNECTING : CLOSED);
  unsent.forEach((entry) => { if (entry.callback_) entry.callback_(error || newError(LOST)); });
  session.emit('close', error);
  // A 'close' listener may have called end() (which finished already).
  if (wasEnding) finish(session);
  else if (session.state == RECONNECTING) session.emit('reconnect', session.attempt_, delay);
};

// Closed for good: fail what waits for an answer (durable publishes stay, and are stored).
const finish = (session: Session): void => {
  const error = newError(ENDED), callback = session.endCallback_, waiting = session.awaitingId_;
  setTimer(session, 0);
  setState(session, CLOSED);
  session.endCallback_ = null;
  session.awaitingId_ = [];
  waiting.concat(allEntries(session)).forEach((entry) => {
    const entryCallback = entry.callback_;
    entry.callback_ = null;
    if (!isOwed(entry.packet_)) removeEntry(session, entry);
    if (entryCallback) entryCallback(error, []);
  });
  session.emit('end');
  if (callback) callback();
};

// DISCONNECT when connected, then close for good.
export const disconnect = (session: Session): void => {
  if (session.connected_) write(session, { cmd: NAMES[PacketType.Disconnect] });
  if (session.link_) drop(session); else finish(session);
};

// The one per-connection tick: keepalive, and the graceful-end deadline.
export const tick = (session: Session): void => {
  const now = session.platform_.now(), periodMs = session.keepaliveSeconds_ * MS_PER_S;
  const due = () => keepalive(now, periodMs, session.lastSentAt_, session.lastReceivedAt_, session.lastPingAt_);
  let wait = periodMs ? due() : Infinity;
  if (wait < 0) {
    const silentTenths = Math.round((now - session.lastReceivedAt_) / (MS_PER_S / TENTHS_PER_S));
    return drop(session, newError('no answer from the broker for ' + silentTenths / TENTHS_PER_S + ' s (keepalive ' + session.keepaliveSeconds_ + ' s)'));
  }
  // (lastSentAt too: a PINGREQ held back by back-pressure must not make the next tick due at once)
  if (!wait) {
    session.lastPingAt_ = session.lastSentAt_ = now;
    write(session, { cmd: NAMES[PacketType.Pingreq] });
    wait = due();
  }
  if (session.ending_) {
    if (now >= session.endDeadline_) return disconnect(session);
    wait = Math.min(wait, session.endDeadline_ - now);
  }
  setTimer(session, wait, wait < Infinity && (() => tick(session)));
};

export const end = (session: Session, force?: boolean, callback?: () => void): void => {
  session.ending_ = true;
  if (callback) session.endCallback_ = callback;
  if (!force && session.connected_ && session.idsInUse_) {
    session.endDeadline_ = session.platform_.now() + (session.options_.endTimeout || DEFAULT_END_TIMEOUT_MS);
    tick(session);
  } else disconnect(session);
};
