// Payloads carry their sequence number in the first 4 bytes, so a subscriber counts
// unique messages, duplicates and losses exactly.
export function makePayload(template: Buffer, seq: number): Buffer {
  const b = Buffer.allocUnsafe(template.length);
  template.copy(b);
  b.writeUInt32BE(seq >>> 0, 0);
  return b;
}

export function template(size: number): Buffer { return Buffer.alloc(Math.max(4, size), 0x61); }

export function seqOf(p: Uint8Array): number {
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}
