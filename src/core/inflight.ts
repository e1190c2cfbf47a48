// The session's outstanding work, in the order it must be (re)sent: QoS 1/2 publishes (a
// PUBREL after PUBREC), SUBSCRIBE/UNSUBSCRIBE, and QoS 0 publishes queued while offline.
// One plain object keyed by packet id ('p' + id; 'q' + a count for QoS 0, which has none):
// an acknowledgement finds its entry and the next free id is found without a walk, and
// since the keys are not array indexes, walking the object gives insertion order, which is
// the resend order. (An object, not a Map: the board has none.) The state is in a closure,
// not `this.` fields: the minifier shortens locals, not property accesses.
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';
import { nextId } from './packet-ids';

export interface Entry {
  packet_: any;
  callback_?: Function | null;
  /** Written on an earlier link: a PUBLISH resent carries DUP. */
  sentBefore_?: boolean;
  /** Where it is kept (see above). */
  key_?: string;
}

export interface Outstanding {
  add_(entry: Entry): void;
  /** Gives a packet a free id; false when all are in use (its entry waits for one). */
  takeId_(packet: { messageId?: number }): boolean;
  find_(packetId: number): Entry | undefined;
  remove_(entry: Entry): void;
  /** The entries, in order (a copy: callers may remove entries while they walk it). */
  entries_(): Entry[];
  /** Entries holding a packet id: what a graceful end waits for. */
  idsInUse_(): number;
}

const ID_KEY = 'p', QUEUED_KEY = 'q';

export function createOutstanding(): Outstanding {
  const entries: { [key: string]: Entry } = {};
  let queuedCount = 0, idsInUse = 0, lastId = 0;
  const find = (packetId: number) => entries[ID_KEY + packetId];

  return {
    add_: (entry) => {
      const packetId = entry.packet_.messageId;
      entries[entry.key_ = packetId ? ID_KEY + packetId : QUEUED_KEY + queuedCount++] = entry;
      if (packetId) {
        idsInUse++;
        lastId = packetId; // (ids go on after those of records loaded from a store)
      }
    },
    takeId_: (packet) => {
      const packetId = nextId(lastId, find, idsInUse);
      if (packetId) packet.messageId = lastId = packetId;
      return !!packetId;
    },
    find_: find,
    remove_: (entry) => {
      if (entries[entry.key_!] !== entry) return; // removed already
      delete entries[entry.key_!];
      if (entry.packet_.messageId) idsInUse--;
    },
    entries_: () => Object.keys(entries).map((key) => entries[key]),
    idsInUse_: () => idsInUse,
  };
}

/** Owed to the broker (and stored): a QoS 1/2 PUBLISH or a PUBREL, once it has its id. */
export function isOwed(packet: { cmd: string; messageId?: number }): boolean {
  return !!packet.messageId && (packet.cmd == NAMES[PacketType.Publish] || packet.cmd == NAMES[PacketType.Pubrel]);
}

/** Which acknowledgement completes (or advances) an outstanding packet. */
export function ackFor(packet: { cmd: string; qos?: number }): PacketType {
  const type: PacketType = NAMES.indexOf(packet.cmd);
  if (type != PacketType.Publish) return type + 1; // PUBREL → PUBCOMP, SUBSCRIBE → SUBACK, UNSUBSCRIBE → UNSUBACK
  return packet.qos == 2 ? PacketType.Pubrec : PacketType.Puback;
}
