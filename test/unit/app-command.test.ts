// lightChange payloads: the listed words in any case and spacing, JSON, the seed's phrases
// and configured ones; everything else is '' (reported, never guessed).
import { describe, it, expect } from 'vitest';
import { parseCommand } from '../../src/app/command';
import { SEED_PHRASES } from '../../src/app/config';

const u8 = (s: string) => new TextEncoder().encode(s);

const cases: [string, string][] = [
  ['on', 'on'], ['ON', 'on'], ['  On\n', 'on'], ['1', 'on'], ['true', 'on'], ['TRUE', 'on'],
  ['off', 'off'], ['Off ', 'off'], ['0', 'off'], ['false', 'off'], ['\tFALSE', 'off'],
  ['toggle', 'toggle'], ['ToGgLe', 'toggle'],
  ['{"state":"on"}', 'on'], [' {"state": "OFF"} ', 'off'], ['{"state":"toggle"}', 'toggle'],
  ['{"state":true}', 'on'], ['{"state":false}', 'off'], ['{"state":1}', 'on'], ['{"state":0}', 'off'],
  ['现在天黑了', 'on'], ['现在天亮了', 'off'], [' 现在天黑了 ', 'on'],
  // Not commands:
  ['', ''], ['onn', ''], ['o n', ''], ['2', ''], ['yes', ''], ['现在天黑', ''], ['{"state":"dim"}', ''],
  ['{"state":2}', ''], ['{"light":"on"}', ''], ['{"state":"on"', ''], ['{}', ''], ['null', ''], ['{"state":["on"]}', ''], ['{"state":null}', ''], ['{"state":{"on":1}}', ''],
  ['constructor', ''], ['__proto__', ''], ['toString', ''], ['on off', ''],
];

describe('parseCommand', () => {
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} → ${want || '(unknown)'}`, () => expect(parseCommand(u8(text), SEED_PHRASES)).toBe(want));
  }
  it('uses a configured phrase table (trimmed, and lower-cased too)', () => {
    const table = { 'Lights Out': 'off' as const, flip: 'toggle' as const };
    expect(parseCommand(u8('Lights Out'), table)).toBe('off');
    expect(parseCommand(u8('LIGHTS out'), table)).toBe('off');
    expect(parseCommand(u8(' flip '), table)).toBe('toggle');
    expect(parseCommand(u8('flipp'), table)).toBe('');
    expect(parseCommand(u8('现在天黑了'), table)).toBe('');
    expect(parseCommand(u8('on'), table)).toBe('on');
    expect(parseCommand(u8('灯亮'), { ' 灯亮 ': 'on' })).toBe('on');
    // Espruino's JSON.parse gives keys as UTF-8 bytes in chars 0-255: they match too.
    const bytes = String.fromCharCode(...u8('现在天黑了'));
    expect(bytes.length).toBe(15);
    expect(parseCommand(u8('现在天黑了'), { [bytes]: 'on' })).toBe('on');
    // Latin-1 text is not mistaken for bytes: "é" is U+00E9, encoded C3 A9.
    expect(parseCommand(u8('café'), { 'café': 'on' })).toBe('on');
    expect(parseCommand(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), { 'café': 'on' })).toBe('');
  });
  it('refuses invalid UTF-8 and a phrase table value that is not a command', () => {
    expect(parseCommand(new Uint8Array([0x6f, 0x6e, 0xff]), SEED_PHRASES)).toBe('');
    expect(parseCommand(new Uint8Array([0xe7, 0x8e]), SEED_PHRASES)).toBe('');
    expect(parseCommand(u8('x'), { x: 'dim' as 'on' })).toBe('');
  });
});
