// UTF-8 by hand: the board has no TextEncoder/TextDecoder, and its charCodeAt is byte-wide
// only for binary strings, so JS strings (UTF-16) are converted code point by code point.
//
// Espruino has two kinds of build. With Unicode support (Bangle.js, the Linux build) a string
// can hold code points (E.asUTF8 makes one). Without it (Pico, Espruino WiFi, ESP8266, ESP32)
// every string is bytes, and text — typed in the uploaded file, read from Storage or
// JSON.parse — is its UTF-8 bytes already: encoding passes them through, and decoding
// returns them as a byte string, so a received topic equals the same topic from the config.

declare const E: { asUTF8(s: string): string; toString(u: Uint8Array): string; toUint8Array(s: string): Uint8Array };

let bytesOnly: number; // 0: not known yet, 1: byte strings only, 2: not so
/** Espruino without Unicode strings (E.asUTF8 throws "Unicode not supported on this build"). */
function byteStrings(): boolean {
  if (!bytesOnly) {
    bytesOnly = 2;
    try { if (typeof E != 'undefined') E.asUTF8(''); } catch (e) { bytesOnly = 1; }
  }
  return bytesOnly < 2;
}

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i), d = s.charCodeAt(i + 1), n;
    // On a byte-string build a char above 127 is a byte of UTF-8 text already.
    if (c > 127 && byteStrings()) return E.toUint8Array(s);
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

/** Decodes UTF-8; returns null for malformed input (overlong, surrogates, truncated, > U+10FFFF). */
export function utf8Decode(b: Uint8Array): string | null {
  let s = '', wide = 0, i = 0, c, n, d;
  while (i < b.length) {
    c = b[i++];
    // n continuation bytes; C0, C1 and F5–FF never lead, a continuation byte never starts.
    n = c < 128 ? 0 : c < 194 ? -1 : c < 224 ? 1 : c < 240 ? 2 : c < 245 ? 3 : -1;
    if (n < 0 || i + n > b.length) return null;
    d = n;
    if (n) c &= 63 >> n;
    while (d--) {
      if ((b[i] & 192) != 128) return null;
      c = c << 6 | b[i++] & 63;
    }
    // Overlong (c < 2048 for 3 bytes, < 65536 for 4; 2 bytes never are: C0/C1 are refused above),
    // a surrogate (D800–DFFF), or beyond U+10FFFF.
    if (n > 1 && !(c >> 5 * n + 1) || c > 1114111 || c >> 11 == 27) return null;
    if (c > 127) wide = c > 255 ? 2 : wide || 1;
    // Above U+FFFF: a surrogate pair, 0xD800 + ((c - 0x10000) >> 10) and 0xDC00 + (c & 1023).
    if (c > 65535) { s += String.fromCharCode(55232 + (c >> 10)); c = 56320 + (c & 1023); }
    s += String.fromCharCode(c);
  }
  // Espruino's String.fromCharCode is byte-wide (0x73b0 → 0xb0): text beyond Latin-1 is built by
  // E.asUTF8 where the build has Unicode strings, and stays UTF-8 bytes where it has not.
  return wide && byteStrings() ? E.toString(b) : wide > 1 && typeof E != 'undefined' ? E.asUTF8(E.toString(b)) : s;
}
