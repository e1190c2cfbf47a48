// UTF-8 by hand: the board has no TextEncoder/TextDecoder, and its charCodeAt is byte-wide
// only for binary strings, so JS strings (UTF-16) are converted code point by code point.
//
// Espruino has two kinds of build. With Unicode support (Bangle.js, the Linux build) a string
// can hold code points (E.asUTF8 makes one). Without it (Pico, Espruino WiFi, ESP8266, ESP32)
// every string is bytes, and text — typed in the uploaded file, read from Storage or
// JSON.parse — is its UTF-8 bytes already: encoding passes them through, and decoding
// returns them as a byte string, so a received topic equals the same topic from the config.

declare const E: { asUTF8(s: string): string; toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array };

// What the strings are here (found once, on first use): 1 Node (no E), 2 Espruino with
// Unicode strings, 3 Espruino with byte strings only (E.asUTF8 throws "Unicode not supported").
let K: number;
function kind(): number {
  if (!K) try { E.asUTF8(''); K = 2; } catch (e) { K = typeof E == 'undefined' ? 1 : 3; }
  return K;
}

export function utf8Encode(s: string): Uint8Array {
  // On a byte-string build the chars are the bytes of UTF-8 text already.
  if (kind() > 2) return E.toUint8Array(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i), d = s.charCodeAt(i + 1), n;
    // A high surrogate (D800–DBFF) then a low one (DC00–DFFF): one code point. (A lone one is
    // encoded as it is; NaN past the end is neither.)
    if (c >> 10 == 54 && d >> 10 == 55) { c = (c << 10) + d - 56613888; i++; }
    // n continuation bytes; the lead byte is 0xC0 / 0xE0 / 0xF0 (= 256 - (128 >> n)) | the top bits.
    n = c < 128 ? 0 : c < 2048 ? 1 : c < 65536 ? 2 : 3;
    out.push(n ? 256 - (128 >> n) | c >> 6 * n : c);
    while (n--) out.push(128 | c >> 6 * n & 63);
  }
  return new Uint8Array(out);
}

// Text as bytes (UTF-8); anything else as it is. Payloads and passwords may be either.
export function toBytes(v: any): any {
  return typeof v == 'string' ? utf8Encode(v) : v;
}

const chr = String.fromCharCode;

/** Decodes UTF-8; returns null for malformed input (overlong, surrogates, truncated, > U+10FFFF). */
export function utf8Decode(b: Uint8Array): string | null {
  let s = '', wide = 0, i = 0, c, n, d;
  while (i < b.length) {
    c = b[i++]!;
    // n continuation bytes; C0, C1 and F5–FF never lead, a continuation byte never starts.
    n = c < 128 ? 0 : c < 194 || c > 244 ? -1 : c < 224 ? 1 : c < 240 ? 2 : 3;
    if (n < 0 || i + n > b.length) return null;
    d = n;
    c &= 127 >> n; // the lead's payload bits (the bit under the mask's top is 0 in a valid lead)
    while (d--) {
      if ((b[i]! & 192) != 128) return null;
      c = c << 6 | b[i++]! & 63;
    }
    // Overlong (c < 2048 for 3 bytes, < 65536 for 4; 2 bytes never are: C0/C1 are refused above),
    // a surrogate (D800–DFFF), or beyond U+10FFFF.
    if (n > 1 && !(c >> 5 * n + 1) || c > 1114111 || c >> 11 == 27) return null;
    if (c > 255) wide = 1;
    // Above U+FFFF: a surrogate pair, 0xD800 + ((c - 0x10000) >> 10) and 0xDC00 + (c & 1023).
    if (c > 65535) { s += chr(55232 + (c >> 10)); c = 56320 + (c & 1023); }
    s += chr(c);
  }
  // Espruino's String.fromCharCode is byte-wide (0x73b0 → 0xb0): on a byte-string build the
  // text stays its UTF-8 bytes, and beyond Latin-1 (wide * kind 2) E.asUTF8 builds it.
  d = kind();
  return d > 2 ? E.toString(b) : wide * d > 1 ? E.asUTF8(E.toString(b)) : s;
}
