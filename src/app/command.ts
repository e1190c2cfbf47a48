// What a lightChange payload means. Anything not listed is '' (reported by the caller,
// never guessed): a typo must not switch a light.
// Phrases are compared as UTF-8 bytes: on the board String.fromCharCode is byte-wide, so a
// decoded non-ASCII payload would never equal the phrase.
import type { Command } from './config';
import { utf8Decode, utf8Encode } from '../core/utf8';

const WORDS: { [w: string]: Command } = { on: 'on', '1': 'on', 'true': 'on', off: 'off', '0': 'off', 'false': 'off', toggle: 'toggle' };

function word(w: string): Command | '' {
  // typeof: a plain object also answers "constructor" and friends.
  const c = WORDS[w.trim().toLowerCase()];
  return typeof c == 'string' ? c : '';
}
// A phrase as UTF-8 bytes. On the board (Espruino 2v29, checked) a string literal is Unicode
// (charCodeAt gives code points) but JSON.parse gives the UTF-8 bytes as chars 0-255.
function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  let hi = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) return utf8Encode(s);
    b[i] = c; hi |= c;
  }
  return hi > 127 && utf8Decode(b) !== null ? b : utf8Encode(s);
}
// ASCII letters compared without case.
const low = (x: number) => x > 64 && x < 91 ? x + 32 : x;

export function parseCommand(payload: Uint8Array, phrases: { [p: string]: Command }): Command | '' {
  let a = 0, z = payload.length;
  while (a < z && payload[a] <= 32) a++;
  while (z > a && payload[z - 1] <= 32) z--;
  for (const k in phrases) {
    const b = bytesOf(k.trim()), c = phrases[k];
    let same = b.length == z - a;
    for (let i = 0; same && i < b.length; i++) same = low(b[i]) == low(payload[a + i]);
    if (same && (c == 'on' || c == 'off' || c == 'toggle')) return c;
  }
  const t = utf8Decode(payload.subarray(a, z));
  if (t === null) return '';
  let c = word(t);
  if (!c && t.charAt(0) == '{') {
    try {
      const s = JSON.parse(t).state;
      c = typeof s == 'boolean' ? (s ? 'on' : 'off') : typeof s == 'string' || typeof s == 'number' ? word(String(s)) : '';
    } catch { /* not JSON: reported as unknown */ }
  }
  return c;
}
