// What the Espruino interpreter (2v29) lacks, in one place: the lint config
// (eslint.config.mjs, on the source) and the bundle checker (test/espruino/bundle-checker.ts,
// on the built bundle) both read it, so a rule learnt on the board is added once.

/**
 * Folders whose code runs on the board. A file is portable because of the folder it is in,
 * never because of its name, so a reader can tell from a path what it may use.
 */
export const PORTABLE_FOLDERS = [
  'src/core', 'src/app', 'src/transport/esp-at', 'src/transport/espruino', 'src/hal/espruino',
  'src/store/espruino', 'targets/espruino',
  'test/espruino/board', // scripts that run on the interpreter itself
];

/** Globals the board does not have. */
export const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'BigInt',
  'TextEncoder', 'TextDecoder', 'Buffer', 'queueMicrotask', 'structuredClone', 'SharedArrayBuffer', 'Atomics'];

/** [object, property, what to call it]: members the board lacks; object '*' = on any object (a prototype method). */
export const MISSING_MEMBERS = [
  ['Array', 'from', 'Array.from'], ['Array', 'of', 'Array.of'],
  ['Uint8Array', 'from', 'Uint8Array.from'], ['Uint8Array', 'of', 'Uint8Array.of'],
  ['ArrayBuffer', 'isView', 'ArrayBuffer.isView'],
  ['Promise', 'race', 'Promise.race'], ['Promise', 'allSettled', 'Promise.allSettled'], ['Promise', 'any', 'Promise.any'],
  ['Object', 'freeze', 'Object.freeze'], ['Object', 'getOwnPropertySymbols', 'Object.getOwnPropertySymbols'],
  ['String', 'fromCodePoint', 'String.fromCodePoint'],
  ['*', 'finally', 'Promise.prototype.finally'], ['*', 'toPrecision', 'Number.prototype.toPrecision'],
  ['*', 'codePointAt', 'String.prototype.codePointAt'], ['*', 'localeCompare', 'String.prototype.localeCompare'],
  ['*', 'flat', 'Array.prototype.flat'], ['*', 'flatMap', 'Array.prototype.flatMap'],
  // Missing on the interpreter (probed on 2v29's Linux build):
  ...['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseInt', 'parseFloat', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER', 'EPSILON']
    .map((property) => ['Number', property, 'Number.' + property]),
  ...['trunc', 'imul', 'log2', 'log10', 'log1p', 'expm1', 'hypot', 'cbrt', 'clz32', 'fround']
    .map((property) => ['Math', property, 'Math.' + property]),
];

/**
 * What the board's regular-expression engine lacks (probed on 2v29): the `?` quantifier
 * (and so (?: (?= lazy), {n,m}, \b, \u/\x escapes; an unescaped / inside [...] even ends
 * the literal in its lexer, so the whole file fails to load. '' when the pattern is fine.
 */
export function regexProblem(pattern) {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const escaped = pattern[++i];
      if (escaped === 'b' || escaped === 'B') return '\\' + escaped + ' (word boundary) is not supported';
      if (escaped === 'u' || escaped === 'x') return '\\' + escaped + ' escapes are not supported';
    } else if (inClass) {
      if (char === ']') inClass = false;
      else if (char === '/') return 'an unescaped / inside [...] ends the regular expression on the board; write \\/';
    } else if (char === '[') inClass = true;
    else if (char === '?') return 'the ? quantifier (and (?:, (?=, lazy *?) is not supported; use alternatives or * / +';
    else if (char === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) return '{n,m} quantifiers are not supported';
  }
  return '';
}
