// MQTT 3.1.1 topic rules (§4.7): names carry no wildcards; in filters '#' is last and alone
// in its level, '+' is alone in its level; no U+0000. Each validator returns an error text,
// or '' when the string is valid. (The codec checks the 65535-byte limit on the UTF-8 form.)

// what: 'topic' or 'topic filter'; wild: the wildcards it may not have, and why not.
function check(s: string, what: string, wild: RegExp, why: string): string {
  return typeof s != 'string' || !s ? what + ' is empty' : s.length > 65535 ? what + ' is too long' :
    ~s.indexOf('\u0000') ? what + ' has U+0000' : wild.test(s) ? what + ' "' + s + '"' + why : '';
}

export function topicNameError(t: string): string {
  return check(t, 'topic', /[+#]/, ' has a wildcard (+ or #)');
}

export function topicFilterError(f: string): string {
  // Misplaced: a wildcard next to anything but '/', or anything after '#'. ('\/': the board's
  // lexer ends a regular expression at a bare '/', even inside [...].)
  return check(f, 'topic filter', /[^\/][+#]|[+#][^\/]|#./, ': + and # must be whole levels, # last');
}

/** Does a (valid) filter match a (valid) topic name? Leading wildcards do not match $-topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic[0] == '$' && /^[+#]/.test(filter)) return false;
  const f = filter.split('/'), t = topic.split('/');
  for (let i = 0; f[i] != '#'; i++) {
    // One of them ran out: a match only if both did.
    if (i == f.length || i == t.length) return f.length == t.length;
    if (f[i] != '+' && f[i] != t[i]) return false;
  }
  return true;
}
