// Which acknowledgement completes (or advances) an outstanding packet, as a packet type
// number (MQTT 3.1.1 §2.2.1, codec/names.ts): PUBLISH (3) QoS 1 → PUBACK (4), QoS 2 → PUBREC (5);
// PUBREL (6) → PUBCOMP (7), SUBSCRIBE (8) → SUBACK (9), UNSUBSCRIBE (10) → UNSUBACK (11).
import { NAMES } from './codec/names';

export function ackFor(p: { cmd: string; qos?: number }): number {
  const t = NAMES.indexOf(p.cmd);
  return t == 3 ? 3 + p.qos! : t + 1;
}
