// MQTT 3.1.1 topic rules (§4.7): names carry no wildcards; in filters '#' is last and alone
// in its level, '+' is alone in its level; both are 1..65535 UTF-8 bytes without U+0000.
// Each validator returns an error text, or '' when the string is valid.

function common(s: string, what: string): string {
  if (typeof s !== 'string' || s.length === 0) return what + ' is empty';
  if (s.length > 65535) return what + ' is longer than 65535 bytes';
  if (s.indexOf('\u0000') >= 0) return what + ' contains U+0000';
  return '';
}

export function topicNameError(t: string): string {
  const e = common(t, 'topic');
  if (e) return e;
  if (t.indexOf('+') >= 0 || t.indexOf('#') >= 0) return 'topic "' + t + '" contains a wildcard (+ or #), which only subscriptions may use';
  return '';
}

export function topicFilterError(f: string): string {
  const e = common(f, 'topic filter');
  if (e) return e;
  const levels = f.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.indexOf('#') >= 0 && (l !== '#' || i !== levels.length - 1)) return 'topic filter "' + f + '": "#" must be a whole level and the last one';
    if (l.indexOf('+') >= 0 && l !== '+') return 'topic filter "' + f + '": "+" must be a whole level';
  }
  return '';
}

/** Does a (valid) filter match a (valid) topic name? Leading wildcards do not match $-topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.charAt(0) === '$' && (filter.charAt(0) === '+' || filter.charAt(0) === '#')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
