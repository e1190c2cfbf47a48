// The board's hand-written UTF-8 against Node's own TextEncoder/TextDecoder (fatal mode):
// the same bytes for every string, the same verdict (text or null) for every byte sequence.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { utf8Decode, utf8Encode } from '../../src/core/utf8';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function nodeDecode(bytes: Uint8Array): string | null {
  try { return strictDecoder.decode(bytes); } catch { return null; }
}

describe('utf8Encode / utf8Decode', () => {
  it('encode as TextEncoder does, for any well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect([...utf8Encode(text)]).toEqual([...new TextEncoder().encode(text)]);
    }), { numRuns: 2000 });
  });
  it('round-trip every code point class', () => {
    for (const text of ['', 'a', '\u0000', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '中文', '\uffff', '😀', '\u{10ffff}']) {
      expect(utf8Decode(utf8Encode(text))).toBe(text);
    }
  });
  it('decode as a strict TextDecoder does, for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      expect(utf8Decode(bytes)).toBe(nodeDecode(bytes));
    }), { numRuns: 5000 });
  });
  it('refuse overlong forms, surrogates, truncation and code points past U+10FFFF', () => {
    for (const bad of [[0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x9f, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xed, 0xa0, 0x80],
      [0xed, 0xbf, 0xbf], [0xe4, 0xb8], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xff]]) {
      expect(utf8Decode(new Uint8Array(bad)), bad.join(',')).toBeNull();
    }
  });
});
