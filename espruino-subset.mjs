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

/**
 * [ESTree selector (esquery, as ESLint's no-restricted-syntax takes it), why]: syntax the board
 * does not run. The lint config reports them in the source, the bundle checker in the bundle.
 */
export const SYNTAX_RULES = [
  ['AssignmentPattern', 'default values (default parameters, destructuring defaults) are not supported'],
  ['ObjectPattern', 'destructuring is not supported'],
  ['ArrayPattern', 'destructuring is not supported'],
  ['RestElement', 'rest parameters/elements (...) are not supported'],
  ['SpreadElement', 'spread (...) is not supported'],
  [':function[async=true]', 'async functions are not supported'],
  ['AwaitExpression', 'await is not supported'],
  ['ForOfStatement[await=true]', 'for await is not supported'],
  [':function[generator=true]', 'generators are not supported'],
  ['YieldExpression', 'generators (yield) are not supported'],
  ['LabeledStatement', 'labels are not supported'],
  ["BinaryExpression[operator='**']", 'the ** operator is not supported; use Math.pow'],
  ["AssignmentExpression[operator='**=']", 'the **= operator is not supported; use Math.pow'],
  ["AssignmentExpression[operator='??=']", '??= is not supported'],
  ["AssignmentExpression[operator='||=']", '||= is not supported'],
  ["AssignmentExpression[operator='&&=']", '&&= is not supported'],
  ['Property[computed=true]', 'computed keys {[k]: v} are not supported'],
  ['MethodDefinition[computed=true]', 'computed method names are not supported'],
  ['TaggedTemplateExpression', 'tagged templates are not supported'],
  ['PrivateIdentifier', '#private members are not supported'],
  ['PropertyDefinition:not([declare=true])', 'class fields are not supported; assign in the constructor (`declare x: T` for the type)'],
  ['AccessorProperty', 'class accessor fields are not supported'],
  ['StaticBlock', 'static blocks are not supported'],
  ['ClassDeclaration[superClass.name=/Error$/]', '`class X extends Error` is not supported; create an Error and set fields on it'],
  ['ClassExpression[superClass.name=/Error$/]', '`class X extends Error` is not supported; create an Error and set fields on it'],
  ["BinaryExpression[operator='instanceof'][right.name=/Error$/]", '`instanceof Error` is unreliable (false for a TypeError); test a field you set'],
  ["AssignmentExpression > MemberExpression.left[property.name='length']", 'setting .length throws'],
  ['ImportExpression', 'dynamic import() is not supported'],
  ['MetaProperty', 'import.meta / new.target are not supported'],
  ['Literal[bigint]', 'BigInt is not supported'],
  // Built-in prototypes hold no methods on the board (only Object.prototype does).
  ["MemberExpression[object.type='MemberExpression'][object.property.name='prototype'][object.object.name!='Object']",
    'X.prototype.method is undefined for built-ins (Array, String, Uint8Array, Function…); use [].slice.call, "".charAt.call…'],
  ['Literal[regex.flags=/[suyd]/]', 'regular-expression flags s/u/y/d are not supported'],
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
