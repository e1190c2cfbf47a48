// ESLint (flat config). Two rule sets:
//  - PORTABLE folders (code that ends up on an Espruino board) may use only the left-hand
//    column of shared/docs/espruino.md; every construct in the right-hand column is an
//    error whose message names it, so the author sees file:line before a board does.
//  - everything else: parsing plus a few rules that catch real bugs (kept light and fast:
//    no type information is loaded, so the whole repo lints in seconds).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export const PORTABLE = [
  'src/core/**', 'src/app/**', 'src/transport/esp-at/**', 'src/transport/espruino-*',
  'src/hal/espruino-*', 'src/store/espruino-*', 'targets/espruino/**',
  'test/espruino/board/**', // scripts that run on the interpreter itself
];

const E = 'Espruino: ';
const syntax = [
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
].map(([selector, message]) => ({ selector, message: E + message }));

const globals = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'BigInt',
  'TextEncoder', 'TextDecoder', 'Buffer', 'queueMicrotask', 'structuredClone']
  .map((name) => ({ name, message: E + name + ' is not available' }));

const props = [
  ['Array', 'from', 'Array.from is not available'],
  ['Uint8Array', 'from', 'Uint8Array.from is not available'],
  ['ArrayBuffer', 'isView', 'ArrayBuffer.isView is not available'],
  ['Promise', 'race', 'Promise.race is not available'],
  ['Promise', 'allSettled', 'Promise.allSettled is not available'],
  ['Promise', 'any', 'Promise.any is not available'],
  // Missing on the interpreter (probed on 2v29's Linux build):
  ...['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseInt', 'parseFloat', 'MAX_SAFE_INTEGER',
    'MIN_SAFE_INTEGER', 'EPSILON'].map((p) => ['Number', p, 'Number.' + p + ' is not available']),
  ...['trunc', 'imul', 'log2', 'log10', 'log1p', 'expm1', 'hypot', 'cbrt', 'clz32', 'fround']
    .map((p) => ['Math', p, 'Math.' + p + ' is not available']),
  ['Array', 'of', 'Array.of is not available'],
  ['String', 'fromCodePoint', 'String.fromCodePoint is not available'],
  ['Object', 'freeze', 'Object.freeze is not available'],
  ['Object', 'getOwnPropertySymbols', 'Object.getOwnPropertySymbols is not available'],
  [undefined, 'codePointAt', 'String.prototype.codePointAt is not available'],
  [undefined, 'localeCompare', 'String.prototype.localeCompare is not available'],
  [undefined, 'flat', 'Array.prototype.flat is not available'],
  [undefined, 'flatMap', 'Array.prototype.flatMap is not available'],
  [undefined, 'finally', 'Promise.prototype.finally is not available'],
  [undefined, 'toPrecision', 'toPrecision is not available'],
].map(([object, property, message]) => (object ? { object, property, message: E + message } : { property, message: E + message }));

const nodeModules = builtinModules.filter((m) => !m.startsWith('_'));

/**
 * What the board's regular-expression engine lacks (probed on 2v29): the `?` quantifier
 * (and so (?: (?= lazy), {n,m}, \b, \u/\x escapes; an unescaped / inside [...] even ends
 * the literal in its lexer, so the whole file fails to load. '' when the pattern is fine.
 */
export function regexProblem(pattern) {
  let cls = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const d = pattern[++i];
      if (d === 'b' || d === 'B') return '\\' + d + ' (word boundary) is not supported';
      if (d === 'u' || d === 'x') return '\\' + d + ' escapes are not supported';
    } else if (cls) {
      if (c === ']') cls = false;
      else if (c === '/') return 'an unescaped / inside [...] ends the regular expression on the board; write \\/';
    } else if (c === '[') cls = true;
    else if (c === '?') return 'the ? quantifier (and (?:, (?=, lazy *?) is not supported; use alternatives or * / +';
    else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) return '{n,m} quantifiers are not supported';
  }
  return '';
}

// Rules that need scope analysis or a look inside literals, so no selector can express them.
const espruinoPlugin = {
  rules: {
    regex: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        return {
          Literal(n) {
            const why = n.regex ? regexProblem(n.regex.pattern) : '';
            if (why) context.report({ node: n, message: E + 'regular expression ' + n.raw + ': ' + why });
          },
        };
      },
    },
    // A closure created inside `for (let…)`/`for (const…of…)` sees the LAST value on the board.
    'no-loop-closure': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const sc = context.sourceCode;
        function check(loop, decl) {
          if (!decl || decl.type !== 'VariableDeclaration' || decl.kind === 'var') return;
          for (const v of sc.getDeclaredVariables(decl)) {
            for (const ref of v.references) {
              let s = ref.from;
              // Walk out from the reference's scope; a function scope inside the loop = closure.
              while (s && s !== v.scope) {
                if (s.type === 'function' && s.block.range[0] > loop.range[0] && s.block.range[1] <= loop.range[1]) {
                  context.report({ node: ref.identifier, message: E + 'a closure capturing loop variable "' + v.name + '" sees only its last value; copy it into a function parameter' });
                  return;
                }
                s = s.upper;
              }
            }
          }
        }
        return {
          ForStatement(n) { check(n, n.init); },
          ForOfStatement(n) { check(n, n.left); },
          ForInStatement(n) { check(n, n.left); },
        };
      },
    },
    // The interpreter does not hoist function declarations (observed on 2v29, in function
    // bodies too): code that runs directly in a scope cannot call a function declared
    // further down that scope. Calls from nested functions are fine (they run later).
    'no-call-before-declaration': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        return {
          'Program:exit'() {
            for (const s of context.sourceCode.scopeManager.scopes) {
              for (const v of s.variables) {
                const def = v.defs[0];
                if (!def || def.type !== 'FunctionName') continue;
                for (const ref of v.references) {
                  const id = ref.identifier;
                  let f = ref.from; // climb out of blocks: they run as part of their function
                  while (f !== s && f.upper && f.type !== 'function' && f.type !== 'class-field-initializer') f = f.upper;
                  if (f === s && id.range[0] < def.node.range[0] &&
                      id.parent.type === 'CallExpression' && id.parent.callee === id) {
                    context.report({ node: id, message: E + 'function "' + v.name + '" is called above its declaration (the interpreter does not hoist)' });
                  }
                }
              }
            }
          },
        };
      },
    },
  },
};

export default [
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.ci/**'] },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      // Light, bug-catching rules for the whole repo.
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-dupe-class-members': 'off', // TS overloads
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-unsafe-finally': 'error',
      'no-sparse-arrays': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
    },
  },
  {
    files: PORTABLE.map((p) => (p.endsWith('*') && !p.endsWith('**') ? p + '.ts' : p)),
    plugins: { espruino: espruinoPlugin },
    rules: {
      'no-restricted-syntax': ['error'].concat(syntax),
      'no-restricted-globals': ['error'].concat(globals),
      'no-restricted-properties': ['error'].concat(props),
      'no-restricted-imports': ['error', {
        paths: nodeModules.map((name) => ({ name, message: E + 'Node module "' + name + '" does not exist on the board' })),
        patterns: [{ group: ['node:*'], message: E + 'Node modules do not exist on the board' }],
      }],
      'espruino/regex': 'error',
      'espruino/no-loop-closure': 'error',
      'espruino/no-call-before-declaration': 'error',
    },
  },
];
