// What a lightChange payload means. Anything not listed is '' (reported by the caller,
// never guessed): a typo must not switch a light.
// Phrases are compared as UTF-8 bytes: on the board String.fromCharCode is byte-wide, so a
// decoded non-ASCII payload would never equal the phrase.
import type { Command } from './config';
import { utf8Decode, utf8Encode } from '../core/utf8';

// A chain of comparisons, not a table: a table also answers "constructor" and friends,
// and costs board memory for as long as the program runs.
export function word(w: string): Command | '' {
  w = w.trim().toLowerCase();
  return w == 'on' || w == '1' || w == 'true' ? 'on' : w == 'off' || w == '0' || w == 'false' ? 'off' : w == 'toggle' ? w : '';
}

export function parseCommand(payload: Uint8Array, phrases: { [p: string]: Command }): Command | '' {
  let a = 0, z = payload.length, k: string, b: Uint8Array, c: Command | '', i: number, hi: number, x: number, same: boolean;
  while (a < z && payload[a] <= 32) a++;
  while (z > a && payload[z - 1] <= 32) z--;
  for (k in phrases) {
    c = phrases[k];
    k = k.trim();
    // The phrase as UTF-8 bytes. On the board (Espruino 2v29, checked) a string literal is
    // Unicode (charCodeAt gives code points) but JSON.parse gives the UTF-8 bytes as chars 0-255.
    b = new Uint8Array(k.length);
    hi = 0;
    for (i = 0; i < k.length; i++) hi |= b[i] = k.charCodeAt(i);
    if (hi > 255 || hi > 127 && utf8Decode(b) == null) b = utf8Encode(k);
    same = b.length == z - a;
    // ASCII letters compared without case: equal, or differing only in bit 5 of a letter.
    for (i = 0; same && i < b.length; i++) {
      x = b[i];
      same = x == payload[a + i] || (x ^ payload[a + i]) == 32 && (x | 32) > 96 && (x | 32) < 123;
    }
    if (same && word('' + c) == c) return c; // a value that is a command word itself
  }
  const t = utf8Decode(payload.subarray(a, z));
  if (t == null) return '';
  c = word(t);
  if (!c && t.charAt(0) == '{') {
    try {
      // true/false/"on"/1…: as text, the same words; an object, array or null is no state.
      const s = JSON.parse(t).state;
      c = typeof s != 'object' ? word('' + s) : '';
    } catch { /* not JSON: reported as unknown */ }
  }
  return c;
}
