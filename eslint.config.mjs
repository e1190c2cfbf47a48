// ESLint (flat config). Two rule sets:
//  - PORTABLE folders (code that ends up on an Espruino board) may use only the left-hand
//    column of shared/docs/espruino.md; every construct in the right-hand column is an
//    error whose message names it, so the author sees file:line before a board does.
//  - everything else: parsing plus a few rules that catch real bugs (kept light and fast:
//    no type information is loaded, so the whole repo lints in seconds).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { PORTABLE_FOLDERS, MISSING_GLOBALS, MISSING_MEMBERS, SYNTAX_RULES, regexProblem } from './espruino-subset.mjs';

// Portable by folder (espruino-subset.mjs lists them): every file under one of them.
export const PORTABLE = PORTABLE_FOLDERS.map((folder) => folder + '/**');

const PREFIX = 'Espruino: '; // every message of these rules starts with it
const syntax = SYNTAX_RULES.map(([selector, message]) => ({ selector, message: PREFIX + message }));

const globals = MISSING_GLOBALS.map((name) => ({ name, message: PREFIX + name + ' is not available' }));

// A prototype method ('*') is restricted on any object.
const props = MISSING_MEMBERS.map(([object, property, what]) =>
  (object === '*' ? { property, message: PREFIX + what + ' is not available' } : { object, property, message: PREFIX + what + ' is not available' }));

const nodeModules = builtinModules.filter((name) => !name.startsWith('_'));

// Rules that need scope analysis or a look inside literals, so no selector can express them.
const espruinoPlugin = {
  rules: {
    regex: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        return {
          Literal(literal) {
            const why = literal.regex ? regexProblem(literal.regex.pattern) : '';
            if (why) context.report({ node: literal, message: PREFIX + 'regular expression ' + literal.raw + ': ' + why });
          },
        };
      },
    },
    // A closure created inside `for (let…)`/`for (const…of…)` sees the LAST value on the board.
    'no-loop-closure': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const source = context.sourceCode;
        function check(loop, decl) {
          if (!decl || decl.type !== 'VariableDeclaration' || decl.kind === 'var') return;
          for (const variable of source.getDeclaredVariables(decl)) {
            for (const ref of variable.references) {
              let scope = ref.from;
              // Walk out from the reference'scope scope; a function scope inside the loop = closure.
              while (scope && scope !== variable.scope) {
                if (scope.type === 'function' && scope.block.range[0] > loop.range[0] && scope.block.range[1] <= loop.range[1]) {
                  context.report({ node: ref.identifier, message: PREFIX + 'a closure capturing loop variable "' + variable.name + '" sees only its last value; copy it into a function parameter' });
                  return;
                }
                scope = scope.upper;
              }
            }
          }
        }
        return {
          ForStatement(node) { check(node, node.init); },
          ForOfStatement(node) { check(node, node.left); },
          ForInStatement(node) { check(node, node.left); },
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
            for (const scope of context.sourceCode.scopeManager.scopes) {
              for (const variable of scope.variables) {
                const def = variable.defs[0];
                if (!def || def.type !== 'FunctionName') continue;
                for (const use of variable.references) {
                  const identifier = use.identifier;
                  let caller = use.from; // climb out of blocks: they run as part of their function
                  while (caller !== scope && caller.upper && caller.type !== 'function' && caller.type !== 'class-field-initializer') caller = caller.upper;
                  if (caller === scope && identifier.range[0] < def.node.range[0] &&
                      identifier.parent.type === 'CallExpression' && identifier.parent.callee === identifier) {
                    context.report({ node: identifier, message: PREFIX + 'function "' + variable.name + '" is called above its declaration (the interpreter does not hoist)' });
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
// counters, an unused `_` and `on` (the emitter method MQTT.js users call). Object keys are free
// (protocol fields such as `id` are named by others). An error in src/core, a warning in the
// rest of src/ while it is being renamed.
// Loop counters, an unused `_`, the emitter's `on` (MQTT.js's API) and `E`, Espruino's own global.
const NAME_LENGTH = ['error', { min: 3, exceptions: ['i', 'j', 'k', '_', 'on', 'E'], properties: 'never' }];

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
        paths: nodeModules.map((name) => ({ name, message: PREFIX + 'Node module "' + name + '" does not exist on the board' })),
        patterns: [{ group: ['node:*'], message: PREFIX + 'Node modules do not exist on the board' }],
      }],
      'espruino/regex': 'error',
      'espruino/no-loop-closure': 'error',
      'espruino/no-call-before-declaration': 'error',
    },
  },
  { files: ['src/**/*.ts'], rules: { 'id-length': NAME_LENGTH } },
];
