// What a lightChange payload means. Anything not listed is '' (reported by the caller,
// never guessed): a typo must not switch a light.
import type { Command } from './config';

const WORDS: { [w: string]: Command } = { on: 'on', '1': 'on', 'true': 'on', off: 'off', '0': 'off', 'false': 'off', toggle: 'toggle' };

function word(table: { [w: string]: Command }, w: string): Command | '' {
  // typeof: a plain object also answers "constructor" and friends.
  const c = table[w];
  return typeof c == 'string' ? c : '';
}

export function parseCommand(text: string, phrases: { [p: string]: Command }): Command | '' {
  const t = text.trim();
  const l = t.toLowerCase();
  let c = word(phrases, t) || word(phrases, l) || word(WORDS, l);
  if (!c && t.charAt(0) == '{') {
    try {
      const s = JSON.parse(t).state;
      c = typeof s == 'boolean' ? (s ? 'on' : 'off') : typeof s == 'string' || typeof s == 'number' ? word(WORDS, String(s).trim().toLowerCase()) : '';
    } catch { /* not JSON: reported as unknown */ }
  }
  return c;
}
