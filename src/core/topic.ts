// MQTT 3.1.1 topic rules (§4.7): names carry no wildcards; in filters '#' is last and alone
// in its level, '+' is alone in its level; no U+0000. Each validator returns an error text,
// or '' when the string is valid. (The codec checks the 65535-byte limit on the UTF-8 form.)

function common(s: string, what: string): string {
  return typeof s != 'string' || !s ? what + ' is empty' : s.length > 65535 ? what + ' is too long' : s.indexOf('\u0000') < 0 ? '' : what + ' contains U+0000';
}

export function topicNameError(t: string): string {
  return common(t, 'topic') || (/[+#]/.test(t) ? 'topic "' + t + '" contains a wildcard (+ or #)' : '');
}

export function topicFilterError(f: string): string {
  return common(f, 'topic filter') ||
    (f.split('/').some((l, i, a) => /[+#]/.test(l) && l != '+' && (l != '#' || i < a.length - 1))
      ? 'topic filter "' + f + '": + and # must be whole levels, # the last' : '');
}

/** Does a (valid) filter match a (valid) topic name? Leading wildcards do not match $-topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.charAt(0) == '$' && /^[+#]/.test(filter)) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] == '#') return true;
    if (i >= t.length || (f[i] != '+' && f[i] != t[i])) return false;
  }
  return f.length == t.length;
}
