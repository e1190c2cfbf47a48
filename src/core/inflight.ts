// The session's outstanding work, in the order it must be (re)sent: QoS 1/2 publishes (a
// PUBREL after PUBREC), SUBSCRIBE/UNSUBSCRIBE, and QoS 0 publishes queued while offline.
// One plain object keyed by packet id ('p' + id; 'q' + a count for QoS 0, which has none):
// an acknowledgement finds its entry and the next free id is found without a walk, and
// since the keys are not array indexes, walking the object gives insertion order, which is
// the resend order. (An object, not a Map: the board has none.)
import type { Entry, Session } from './session';
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';
import { nextId } from './packet-ids';
import { WITH_QOS2 } from './features';

const ID_KEY = 'p', QUEUED_KEY = 'q';
/** Entry.writtenOn_ of a record loaded from a store: written in an earlier run, on no link of this one. */
export const EARLIER_RUN = -1;

/** Running counts of the publishes held and their payload bytes (`sign` 1 adds, -1 takes away),
 *  so that the offline queue's check never walks the entries. */
export const countHeld = (session: Session, packet: { payload?: Uint8Array }, sign: number): void => {
  if (packet.payload) {
    session.heldMessages_ += sign;
    session.heldBytes_ += sign * packet.payload.length;
  }
};

export const addEntry = (session: Session, entry: Entry): void => {
  const packetId = entry.packet_.messageId;
  countHeld(session, entry.packet_, 1);
  session.entries_[entry.key_ = packetId ? ID_KEY + packetId : QUEUED_KEY + session.queuedCount_++] = entry;
  if (packetId) {
    session.idsInUse_++;
    session.lastId_ = packetId; // (ids go on after those of records loaded from a store)
  }
};

export const findEntry = (session: Session, packetId: number): Entry | undefined => {
  return session.entries_[ID_KEY + packetId];
};

export const removeEntry = (session: Session, entry: Entry): void => {
  if (session.entries_[entry.key_!] !== entry) return; // removed already
  delete session.entries_[entry.key_!];
  countHeld(session, entry.packet_, -1);
  if (entry.packet_.messageId) session.idsInUse_--;
};

/** The entries, in order (a copy: callers may remove entries while they walk it). */
export const allEntries = (session: Session): Entry[] => {
  const entries = session.entries_;
  return Object.keys(entries).map((key) => entries[key]!);
};

/** Gives a packet a free id and returns it; 0 when all are in use (its entry waits for one).
 *  (Session.lastId_ moves on when its entry is added.) */
export const takeId = (session: Session, packet: { messageId?: number }): number => {
  return packet.messageId = nextId(session.lastId_, (candidate) => findEntry(session, candidate), session.idsInUse_);
};

/** Owed to the broker (and stored): a QoS 1/2 PUBLISH or a PUBREL. (One still waiting for a
 *  packet id is not among the entries: removing it changes nothing.) */
export const isOwed = (packet: { cmd: string; qos?: number }): boolean => {
  return packet.qos! > 0 || (WITH_QOS2 && packet.cmd == NAMES[PacketType.Pubrel]);
};

/** Which acknowledgement completes (or advances) an outstanding packet. */
export const ackFor = (packet: { cmd: string; qos?: number }): PacketType => {
  const type: PacketType = NAMES.indexOf(packet.cmd);
  if (type != PacketType.Publish) return type + 1; // PUBREL → PUBCOMP, SUBSCRIBE → SUBACK, UNSUBSCRIBE → UNSUBACK
  return WITH_QOS2 && packet.qos == 2 ? PacketType.Pubrec : PacketType.Puback;
};
