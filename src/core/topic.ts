// MQTT 3.1.1 topic rules (§4.7): names carry no wildcards; in filters '#' is last and alone
// in its level, '+' is alone in its level; no U+0000. Each validator returns an error text,
// or '' when the string is valid. (The codec checks the 65535-byte limit on the UTF-8 form.)

const MAX_TOPIC_LENGTH = 65535;

// what: 'topic' or 'topic filter'; wildcards: the wildcards it may not have, and why not.
function topicError(topic: string, what: string, wildcards: RegExp, why: string): string {
  if (typeof topic != 'string' || !topic) return what + ' is empty';
  if (topic.length > MAX_TOPIC_LENGTH) return what + ' is too long';
  if (topic.indexOf('\u0000') >= 0) return what + ' has U+0000';
  return wildcards.test(topic) ? what + ' "' + topic + '"' + why : '';
}

export function topicNameError(topic: string): string {
  return topicError(topic, 'topic', /[+#]/, ' has a wildcard (+ or #)');
}

export function topicFilterError(filter: string): string {
  // Misplaced: a wildcard next to anything but '/', or anything after '#'. ('\/': the board's
  // lexer ends a regular expression at a bare '/', even inside [...].)
  return topicError(filter, 'topic filter', /[^\/][+#]|[+#][^\/]|#./, ': + and # must be whole levels, # last');
}

/** Does a (valid) filter match a (valid) topic name? Leading wildcards do not match $-topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic[0] == '$' && /^[+#]/.test(filter)) return false;
  const filterLevels = filter.split('/'), topicLevels = topic.split('/');
  for (let i = 0; filterLevels[i] != '#'; i++) {
    // One of them ran out: a match only if both did.
    if (i == filterLevels.length || i == topicLevels.length) return filterLevels.length == topicLevels.length;
    if (filterLevels[i] != '+' && filterLevels[i] != topicLevels[i]) return false;
  }
  return true;
}
