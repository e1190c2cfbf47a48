// Payloads carry their sequence number in the first 4 bytes, so a subscriber counts
// unique messages, duplicates and losses exactly.
export function makePayload(template: Buffer, seq: number): Buffer {
  const bytes = Buffer.allocUnsafe(template.length);
  template.copy(bytes);
  bytes.writeUInt32BE(seq >>> 0, 0);
  return bytes;
}

export function template(size: number): Buffer { return Buffer.alloc(Math.max(4, size), 0x61); }

export function seqOf(payload: Uint8Array): number {
  return ((payload[0] << 24) | (payload[1] << 16) | (payload[2] << 8) | payload[3]) >>> 0;
}
