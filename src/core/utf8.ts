// UTF-8 by hand: the board has no TextEncoder/TextDecoder, and its charCodeAt is byte-wide
// only for binary strings, so JS strings (UTF-16) are converted code point by code point.

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

declare const E: { asUTF8?(s: string): string; toString(u: Uint8Array): string };

/** Decodes UTF-8; returns null for malformed input (overlong, surrogates, truncated, > U+10FFFF). */
export function utf8Decode(b: Uint8Array): string | null {
  let s = '', wide = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i++];
    let n = 0, cp = c, min = 0;
    if (c >= 0xf0 && c < 0xf5) { n = 3; cp = c & 7; min = 0x10000; }
    else if (c >= 0xe0 && c < 0xf0) { n = 2; cp = c & 15; min = 0x800; }
    else if (c >= 0xc2 && c < 0xe0) { n = 1; cp = c & 31; min = 0x80; }
    else if (c >= 0x80) return null;
    if (i + n > b.length) return null;
    while (n--) {
      const d = b[i++];
      if ((d & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (d & 63);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return null;
    if (cp > 255) wide = 1;
    if (cp >= 0x10000) { cp -= 0x10000; s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023)); }
    else s += String.fromCharCode(cp);
  }
  // Espruino's String.fromCharCode is byte-wide (0x73b0 → 0xb0): text beyond Latin-1 is built by E.asUTF8.
  return wide && typeof E != 'undefined' && E.asUTF8 ? E.asUTF8(E.toString(b)) : s;
}
