// Topic names and filters (MQTT 3.1.1 §4.7) and matching, including property tests.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { topicNameError, topicFilterError, topicMatches } from '../../src/core/topic';

describe('topicNameError', () => {
  it('accepts names, including empty levels, spaces, $-topics and UTF-8', () => {
    for (const t of ['a', 'a/b', '/', 'a//b', ' ', '$SYS/x', '现在/天黑了']) expect(topicNameError(t)).toBe('');
  });
  it('refuses empty, wildcards and U+0000', () => {
    expect(topicNameError('')).toBe('topic is empty');
    expect(topicNameError('a/+')).toMatch(/wildcard/);
    expect(topicNameError('#')).toMatch(/wildcard/);
    expect(topicNameError('a\u0000b')).toBe('topic has U+0000');
  });
});

describe('topicFilterError', () => {
  it('accepts valid filters', () => {
    for (const f of ['#', '+', '+/+', 'a/#', '/#', 'a/+/b', '+/tennis/#', '$SYS/#', 'a//b']) expect(topicFilterError(f)).toBe('');
  });
  it('refuses misplaced wildcards', () => {
    for (const f of ['a#', 'a/#/b', '#/a', 'a/b#', 'a+', '+a/b', 'a/+b']) expect(topicFilterError(f)).not.toBe('');
    expect(topicFilterError('')).toBe('topic filter is empty');
  });
});

describe('topicMatches', () => {
  const cases: [string, string, boolean][] = [
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['#', '$SYS/x', false],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/monitor/Clients', true],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/B', false],
    ['a/b', 'a/b/c', false],
  ];
  it.each(cases)('%s ~ %s → %s', (f, t, want) => { expect(topicMatches(f, t)).toBe(want); });

  const level = fc.stringMatching(/^[a-z$]{0,3}$/);
  const name = fc.array(level, { minLength: 1, maxLength: 5 }).map((l) => l.join('/')).filter((t) => t.length > 0 && topicNameError(t) === '');
  it('a name matches itself, "#" (unless it starts with $), and itself with any level replaced by "+"', () => {
    fc.assert(fc.property(name, fc.nat(), (t, k) => {
      expect(topicMatches(t, t)).toBe(true);
      expect(topicMatches('#', t)).toBe(t.charAt(0) !== '$');
      const l = t.split('/');
      const i = k % l.length;
      if (i === 0 && t.charAt(0) === '$') return;
      l[i] = '+';
      expect(topicMatches(l.join('/'), t)).toBe(true);
    }));
  });
  it('a prefix of levels + "/#" matches', () => {
    fc.assert(fc.property(name, fc.nat(), (t, k) => {
      const l = t.split('/');
      const f = l.slice(0, k % (l.length + 1)).concat('#').join('/');
      expect(topicMatches(f, t)).toBe(f === '#' ? t.charAt(0) !== '$' : true);
    }));
  });
});
