// UTF-8 by hand: the board has no TextEncoder/TextDecoder, and its charCodeAt is byte-wide
// only for binary strings, so JS strings (UTF-16) are converted code point by code point.
//
// Espruino has two kinds of build. With Unicode support (Bangle.js, the Linux build) a string
// can hold code points (E.asUTF8 makes one). Without it (Pico, Espruino WiFi, ESP8266, ESP32)
// every string is bytes, and text — typed in the uploaded file, read from Storage or
// JSON.parse — is its UTF-8 bytes already: encoding passes them through, and decoding
// returns them as a byte string, so a received topic equals the same topic from the config.

import { WITH_UTF8 } from './features';

declare const E: { asUTF8(text: string): string; toString(bytes: Uint8Array): string; toUint8Array(text: string): Uint8Array };

/** What strings are where this runs. */
const enum StringKind { Node = 1, Unicode = 2, ByteStrings = 3 }
let stringKind: StringKind; // found once, on first use
function currentStringKind(): StringKind {
  // A code point past Latin-1 is 3 bytes of UTF-8 where strings hold code points, and its low
  // byte alone on a byte-string build. Made by JSON.parse from an ASCII escape: a literal would
  // be UTF-8 bytes in a file bundled as UTF-8. (Not a probe that throws there, as E.asUTF8
  // does: the error's stack trace copies source lines, more memory than an ESP8266 has spare.)
  if (!stringKind) stringKind = typeof E == 'undefined' ? StringKind.Node : E.toUint8Array(JSON.parse('"\\u73b0"')).length > 1 ? StringKind.Unicode : StringKind.ByteStrings;
  return stringKind;
}

const ASCII_END = 0x80, TWO_BYTE_END = 0x800, BMP_END = 0x10000, MAX_CODE_POINT = 0x10ffff;
const HIGH_SURROGATE = 0xd800, LOW_SURROGATE = 0xdc00, SURROGATE_BITS = 10;
// Surrogates by their top bits: a high one is D800–DBFF, a low one DC00–DFFF, either D800–DFFF.
const HIGH_SURROGATE_TOP = HIGH_SURROGATE >> SURROGATE_BITS, LOW_SURROGATE_TOP = LOW_SURROGATE >> SURROGATE_BITS;
const ANY_SURROGATE_TOP = HIGH_SURROGATE >> SURROGATE_BITS + 1;
/** A pair's code point is (high << 10) + low - PAIR_OFFSET: both tags out, 0x10000 in. */
const PAIR_OFFSET = (HIGH_SURROGATE << SURROGATE_BITS) + LOW_SURROGATE - BMP_END;
const CONTINUATION = 0x80, CONTINUATION_BITS = 6, CONTINUATION_PAYLOAD = 0x3f, CONTINUATION_TAG_MASK = 0xc0;
/** The lead byte's tag bits, by the number of continuation bytes after it. */
const LEAD_TAG = [0, 0xc0, 0xe0, 0xf0];
/** The smallest code point each length may carry: anything below is an overlong encoding. */
const SMALLEST_CODE_POINT = [0, ASCII_END, TWO_BYTE_END, BMP_END];

export function utf8Encode(text: string): Uint8Array {
  // On a byte-string build the chars are the bytes of UTF-8 text already.
  if (currentStringKind() == StringKind.ByteStrings) return E.toUint8Array(text);
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let codePoint = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    // A high surrogate then a low one: one code point. (A lone one is encoded as it is; NaN
    // past the end is neither.)
    if (codePoint >> SURROGATE_BITS == HIGH_SURROGATE_TOP && next >> SURROGATE_BITS == LOW_SURROGATE_TOP) {
      codePoint = (codePoint << SURROGATE_BITS) + next - PAIR_OFFSET;
      i++;
    }
    let continuationBytes = codePoint < ASCII_END ? 0 : codePoint < TWO_BYTE_END ? 1 : codePoint < BMP_END ? 2 : 3;
    out.push(LEAD_TAG[continuationBytes]! | codePoint >> CONTINUATION_BITS * continuationBytes);
    while (continuationBytes--) out.push(CONTINUATION | codePoint >> CONTINUATION_BITS * continuationBytes & CONTINUATION_PAYLOAD);
  }
  return new Uint8Array(out);
}

// Text as bytes (UTF-8); anything else as it is. Payloads and passwords may be either.
export function toBytes(value: any): any {
  return typeof value == 'string' ? utf8Encode(value) : value;
}

const fromCharCode = String.fromCharCode;
// Lead bytes: C0 and C1 would only start overlong forms, F5 and above code points past U+10FFFF.
const FIRST_LEAD = 0xc2, THREE_BYTE_LEAD = 0xe0, FOUR_BYTE_LEAD = 0xf0, LAST_LEAD = 0xf4;
const NOT_A_LEAD = -1;

/**
 * The lighter check of board profiles built without WITH_UTF8: the lead/continuation structure
 * only (every lead byte followed by as many continuation bytes as it announces, none astray).
 * Overlong forms, surrogates and code points past U+10FFFF pass; a topic with one would not
 * match a subscription made of valid text anyway, and U+0000 is still refused by the topic rules.
 */
export function utf8WellFormed(bytes: Uint8Array): boolean {
  let expected = 0; // continuation bytes the last lead announced and that are still to come
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!, isContinuation = (byte & CONTINUATION_TAG_MASK) == CONTINUATION;
    // A continuation byte where one is expected, and only there.
    if (isContinuation != expected > 0) return false;
    expected = isContinuation ? expected - 1 : byte < ASCII_END ? 0 : byte < THREE_BYTE_LEAD ? 1 : byte < FOUR_BYTE_LEAD ? 2 : 3;
  }
  return !expected;
}

/** Decodes UTF-8; returns null for malformed input (overlong, surrogates, truncated, > U+10FFFF). */
export function utf8Decode(bytes: Uint8Array): string | null {
  if (!WITH_UTF8) {
    // A board profile: the lighter check, and the board's own strings make the text (see the
    // end of this function). Never built for Node, where WITH_UTF8 is always on.
    if (!utf8WellFormed(bytes)) return null;
    return currentStringKind() == StringKind.Unicode ? E.asUTF8(E.toString(bytes)) : E.toString(bytes);
  }
  let text = '', beyondLatin1 = false, index = 0;
  while (index < bytes.length) {
    const lead = bytes[index++]!;
    const count = lead < ASCII_END ? 0 : lead < FIRST_LEAD || lead > LAST_LEAD ? NOT_A_LEAD :
      lead < THREE_BYTE_LEAD ? 1 : lead < FOUR_BYTE_LEAD ? 2 : 3;
    if (count < 0 || index + count > bytes.length) return null; // NOT_A_LEAD, or cut short
    let codePoint = lead - LEAD_TAG[count]!; // the lead's payload bits, below its tag
    for (let remaining = count; remaining; remaining--) {
      const byte = bytes[index++]!;
      if ((byte & CONTINUATION_TAG_MASK) != CONTINUATION) return null;
      codePoint = codePoint << CONTINUATION_BITS | byte & CONTINUATION_PAYLOAD;
    }
    if (codePoint < SMALLEST_CODE_POINT[count]! || codePoint > MAX_CODE_POINT || codePoint >> SURROGATE_BITS + 1 == ANY_SURROGATE_TOP) return null;
    if (codePoint > 255) beyondLatin1 = true;
    if (codePoint >= BMP_END) {
      // A surrogate pair: the high one carries the top 10 bits of (code point - 0x10000).
      text += fromCharCode(HIGH_SURROGATE + (codePoint - BMP_END >> SURROGATE_BITS));
      codePoint = LOW_SURROGATE + (codePoint & (1 << SURROGATE_BITS) - 1);
    }
    text += fromCharCode(codePoint);
  }
  // Espruino's String.fromCharCode is byte-wide (0x73b0 → 0xb0): on a byte-string build the
  // text stays its UTF-8 bytes, and beyond Latin-1 on a Unicode build E.asUTF8 builds it.
  const kind = currentStringKind();
  return kind == StringKind.ByteStrings ? E.toString(bytes) : beyondLatin1 && kind == StringKind.Unicode ? E.asUTF8(E.toString(bytes)) : text;
}
