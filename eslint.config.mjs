// ESLint (flat config). Two rule sets:
//  - PORTABLE folders (code that ends up on an Espruino board) may use only the left-hand
//    column of shared/docs/espruino.md; every construct in the right-hand column is an
//    error whose message names it, so the author sees file:line before a board does.
//  - everything else: parsing plus a few rules that catch real bugs (kept light and fast:
//    no type information is loaded, so the whole repo lints in seconds).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { PORTABLE_FOLDERS, MISSING_GLOBALS, MISSING_MEMBERS, regexProblem } from './espruino-subset.mjs';

// Portable by folder (espruino-subset.mjs lists them): every file under one of them.
export const PORTABLE = PORTABLE_FOLDERS.map((folder) => folder + '/**');

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

const globals = MISSING_GLOBALS.map((name) => ({ name, message: E + name + ' is not available' }));

// A prototype method ('*') is restricted on any object.
const props = MISSING_MEMBERS.map(([object, property, what]) =>
  (object === '*' ? { property, message: E + what + ' is not available' } : { object, property, message: E + what + ' is not available' }));

const nodeModules = builtinModules.filter((m) => !m.startsWith('_'));

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

// Golfed names do not come back: a declared name has 3 characters or more, except loop
// counters and an unused `_`. Object keys are free (protocol fields such as `id` are named by
// others). An error in src/core, a warning in the rest of src/ while it is being renamed.
const NAME_LENGTH = ['error', { min: 3, exceptions: ['i', 'j', 'k', '_'], properties: 'never' }];
const NAME_LENGTH_WARNING = ['warn', NAME_LENGTH[1]];
// The client's files, renamed on the core branch at the same time: a warning until that lands
// (this list is then emptied, and the rest of src/ turns to errors).
const CORE_BEING_RENAMED = ['backoff', 'client', 'emitter', 'inflight', 'keepalive', 'memory-store', 'offline-queue', 'packet-ids']
  .map((name) => 'src/core/' + name + '.ts');

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
    files: PORTABLE,
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
  { files: ['src/**/*.ts'], rules: { 'id-length': NAME_LENGTH_WARNING } },
  { files: ['src/core/**/*.ts'], ignores: CORE_BEING_RENAMED, rules: { 'id-length': NAME_LENGTH } },
];
