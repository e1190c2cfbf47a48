// Packet identifiers 1..65535, wrapping, skipping those still held by an outstanding entry.
export function nextId(last: number, inUse: { p: { messageId?: number } }[]): number {
  let i = last;
  do i = i % 65535 + 1; while (inUse.some((e) => e.p.messageId === i));
  return i;
}
