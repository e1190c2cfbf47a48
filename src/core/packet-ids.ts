// Packet identifiers 1..65535 (MQTT 3.1.1 §2.3.1), wrapping, skipping those still in use.
export const MAX_PACKET_ID = 65535;

/**
 * The id after `last` that is not in use, or 0 when all 65,535 are taken (the caller then
 * waits for an acknowledgement instead of spinning). Acknowledgements mostly come in the
 * order the ids were given, so the id after the last one given is almost always free: no
 * walk over the outstanding messages.
 */
export function nextId(last: number, inUse: (packetId: number) => unknown, inUseCount: number): number {
  if (inUseCount >= MAX_PACKET_ID) return 0;
  let packetId = last;
  do packetId = packetId % MAX_PACKET_ID + 1; while (inUse(packetId));
  return packetId;
}
