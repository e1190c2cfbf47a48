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
  // Misplaced: a wildcard next to anything but '/', or anything after '#'. ('\/': the board's
  // lexer ends a regular expression at a bare '/', even inside [...].)
  return common(f, 'topic filter') ||
    (/[^\/][+#]|[+#][^\/]|#./.test(f) ? 'topic filter "' + f + '": + and # must be whole levels, # the last' : '');
}

/** Does a (valid) filter match a (valid) topic name? Leading wildcards do not match $-topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.charAt(0) == '$' && /^[+#]/.test(filter)) return false;
  const f = filter.split('/'), t = topic.split('/');
  for (let i = 0; f[i] != '#'; i++) {
    // One of them ran out: a match only if both did.
    if (i == f.length || i == t.length) return f.length == t.length;
    if (f[i] != '+' && f[i] != t[i]) return false;
  }
  return true;
}
