// What a lightChange payload means. Anything not listed is '' (reported by the caller,
// never guessed): a typo must not switch a light.
// Phrases are compared as UTF-8 bytes: on the board String.fromCharCode is byte-wide, so a
// decoded non-ASCII payload would never equal the phrase.
import { utf8Decode, utf8Encode } from '../core/utf8';

export type Command = 'on' | 'off' | 'toggle';
const SPACE = 32, CASE_BIT = 32, LOWER_A = 97, LOWER_Z = 122, LATIN1_MAX = 255, ASCII_MAX = 127;

// A chain of comparisons, not a table: a table also answers "constructor" and friends,
// and costs board memory for as long as the program runs.
export function word(text: string): Command | '' {
  text = text.trim().toLowerCase();
  return text == 'on' || text == '1' || text == 'true' ? 'on' : text == 'off' || text == '0' || text == 'false' ? 'off' : text == 'toggle' ? text : '';
}

export function parseCommand(payload: Uint8Array, phrases: { [phrase: string]: Command }): Command | '' {
  let start = 0, end = payload.length, phrase: string, bytes: Uint8Array, command: Command | '', i: number, highest: number, byte: number, same: boolean;
  while (start < end && payload[start] <= SPACE) start++;
  while (end > start && payload[end - 1] <= SPACE) end--;
  for (phrase in phrases) {
    command = phrases[phrase];
    phrase = phrase.trim();
    // The phrase as UTF-8 bytes. On the board (Espruino 2v29, checked) a string literal is
    // Unicode (charCodeAt gives code points) but JSON.parse gives the UTF-8 bytes as chars 0-255.
    bytes = new Uint8Array(phrase.length);
    highest = 0;
    for (i = 0; i < phrase.length; i++) highest |= bytes[i] = phrase.charCodeAt(i);
    if (highest > LATIN1_MAX || highest > ASCII_MAX && utf8Decode(bytes) == null) bytes = utf8Encode(phrase);
    same = bytes.length == end - start;
    // ASCII letters compared without case: equal, or differing only in the case bit of a letter.
    for (i = 0; same && i < bytes.length; i++) {
      byte = bytes[i];
      same = byte == payload[start + i] || (byte ^ payload[start + i]) == CASE_BIT && (byte | CASE_BIT) >= LOWER_A && (byte | CASE_BIT) <= LOWER_Z;
    }
    if (same && word('' + command) == command) return command; // a value that is a command word itself
  }
  const text = utf8Decode(payload.subarray(start, end));
  if (text == null) return '';
  command = word(text);
  if (!command && text.charAt(0) == '{') {
    try {
      // true/false/"on"/1…: as text, the same words; an object, array or null is no state.
      const state = JSON.parse(text).state;
      command = typeof state != 'object' ? word('' + state) : '';
    } catch { /* not JSON: reported as unknown */ }
  }
  return command;
}
