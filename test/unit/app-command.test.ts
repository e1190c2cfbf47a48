// lightChange payloads: the listed words in any case and spacing, JSON, the seed's phrases
// and configured ones; everything else is '' (reported, never guessed).
import { describe, it, expect } from 'vitest';
import { parseCommand } from '../../src/app/command';
import { SEED_PHRASES } from '../../src/app/config';

const cases: [string, string][] = [
  ['on', 'on'], ['ON', 'on'], ['  On\n', 'on'], ['1', 'on'], ['true', 'on'], ['TRUE', 'on'],
  ['off', 'off'], ['Off ', 'off'], ['0', 'off'], ['false', 'off'], ['\tFALSE', 'off'],
  ['toggle', 'toggle'], ['ToGgLe', 'toggle'],
  ['{"state":"on"}', 'on'], [' {"state": "OFF"} ', 'off'], ['{"state":"toggle"}', 'toggle'],
  ['{"state":true}', 'on'], ['{"state":false}', 'off'], ['{"state":1}', 'on'], ['{"state":0}', 'off'],
  ['现在天黑了', 'on'], ['现在天亮了', 'off'], [' 现在天黑了 ', 'on'],
  // Not commands:
  ['', ''], ['onn', ''], ['o n', ''], ['2', ''], ['yes', ''], ['现在天黑', ''], ['{"state":"dim"}', ''],
  ['{"state":2}', ''], ['{"light":"on"}', ''], ['{"state":"on"', ''], ['{}', ''], ['null', ''],
  ['constructor', ''], ['__proto__', ''], ['toString', ''], ['on off', ''],
];

describe('parseCommand', () => {
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} → ${want || '(unknown)'}`, () => expect(parseCommand(text, SEED_PHRASES)).toBe(want));
  }
  it('uses a configured phrase table (trimmed, and lower-cased too)', () => {
    const table = { 'Lights Out': 'off' as const, flip: 'toggle' as const };
    expect(parseCommand('Lights Out', table)).toBe('off');
    expect(parseCommand('lights out', { 'lights out': 'off' })).toBe('off');
    expect(parseCommand(' flip ', table)).toBe('toggle');
    expect(parseCommand('现在天黑了', table)).toBe('');
    expect(parseCommand('on', table)).toBe('on');
  });
});
