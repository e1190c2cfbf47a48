// Builds every target and prints each bundle's size against its budget.
//   node esbuild.config.mjs            all targets
//   node esbuild.config.mjs --only node   targets whose name starts with "node"
//   --quiet                            print only failures
import * as esbuild from 'esbuild';
import { existsSync, statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { parse as parseJs } from 'acorn';
import { full as walkAll } from 'acorn-walk';
import { minify as terser } from 'terser';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const quiet = args.includes('--quiet');
// --no-limits: report sizes but do not fail (the test run's build; test/espruino/bundle-size.test.ts
// holds the limits there, so one over-budget bundle does not stop every other suite).
const enforceLimits = !args.includes('--no-limits');

// Board builds: one minified IIFE, nothing from Node. es2017 keeps classes and arrows
// (the interpreter runs them) and lowers ?. / ?? and newer syntax it does not.
const board = {
  bundle: true, format: 'iife', platform: 'neutral', target: 'es2017', minify: true,
  mainFields: ['module', 'main'], legalComments: 'none', charset: 'ascii',
  // No "use strict" prologue: the board ignores it, and it costs bytes.
  tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
};
// esbuild bundles; terser then compresses the board bundles a few per cent further (several
// passes: inlining, joined declarations, shorter conditionals). ecma 2017 keeps its output in
// the syntax esbuild was asked for (no ?? or ?. reintroduced); the bundle checks parse the result.
// Lines of at most 500 characters: when the board throws, the error's trace copies the text
// of the line it was thrown on into RAM, and one 21 KB line is more than a Pico has
// (OUT OF MEMORY instead of the error, measured on the interpreter built with 5,000 variables).
const boardCompress = {
  ecma: 2017, toplevel: true, mangle: { toplevel: true }, format: { ascii_only: true, max_line_len: 500 },
  compress: { passes: 3, pure_getters: true, unsafe_arrows: true },
};

// The board's lexer takes only ASCII identifiers, but esbuild prints a property key or
// member name that is a valid non-ASCII identifier bare ({现在天黑了:"on"}, o.现在天黑了;
// with charset ascii: {\u73B0…:"on"}). Quote those: {"\u73B0…":"on"}, o["\u73B0…"].
function asciiIdentifiers(code) {
  const edits = [];
  const wide = (id) => id && id.type === 'Identifier' && /[^\x00-\x7f]/.test(id.name);
  walkAll(parseJs(code, { ecmaVersion: 'latest' }), (n) => {
    if ((n.type === 'Property' || n.type === 'MethodDefinition') && !n.computed && wide(n.key)) {
      edits.push([n.key.start, n.key.end, JSON.stringify(code.slice(n.key.start, n.key.end)).replace(/\\\\u/g, '\\u')]);
      if (n.shorthand) edits.push([n.key.end, n.key.end, ':' + code.slice(n.value.start, n.value.end)]);
    }
    if (n.type === 'MemberExpression' && !n.computed && wide(n.property)) {
      const dot = code.lastIndexOf('.', n.property.start);
      edits.push([dot, n.property.end, '["' + code.slice(n.property.start, n.property.end) + '"]']);
    }
  });
  return applyEdits(code, edits);
}

/** Replaces [start, end, text] spans of code, last first so earlier offsets stay valid. */
function applyEdits(code, edits) {
  edits.sort((a, b) => b[0] - a[0]);
  for (const [a, b, text] of edits) code = code.slice(0, a) + text + code.slice(b);
  return code;
}

// Internal object fields are named with a trailing underscore; board bundles shorten them.
export const INTERNAL_FIELD = /_$/;

export const targets = [
  // Not `globalName`: esbuild's __toCommonJS copies exports with getters made in a
  // `for (let k of …)` loop, and on the board every getter would see the last k. The entry
  // sets the global `glowmq` itself, to a plain object (no getters at all: fewer bytes).
  { name: 'espruino-core', entry: 'targets/espruino/core-only.ts', out: 'dist/espruino/core.js',
    // The full core (QoS 2, persistent sessions, offline queue, UTF-8 validation); a board
    // profile without them is `core-lite.js` (`npm run build:board -- --profile lite`).
    // Internal fields end in an underscore (`payloadRemaining_`): the build shortens them in
    // every board bundle. The public API (what other programs call) never ends in one.
    opts: { ...board, mangleProps: INTERNAL_FIELD },
    goal: 6000, limit: 10400,
    what: 'codec + client + router, alone' },
  { name: 'espruino', entry: 'targets/espruino/main.ts', out: 'dist/espruino/glowmq.js',
    // The device bundle is a closed program (only `glowmq.client`, `.device`, `.config` reach
    // the console), so the names of its internal interfaces — transport handlers, codec and
    // client wiring, Platform timers, packet fields — are shortened. None is a property of a
    // board object (the timers are the globals, not properties). The
    // packet id, type and DUP flag are also in the records the Storage store keeps, so their
    // short names are pinned ($i, $c, $d): a later build reads what an earlier one wrote.
    // core.js keeps these names (it is the library other programs call) and shortens only
    // the internal fields ending in an underscore, as this bundle also does.
    opts: { ...board, mangleProps: new RegExp(INTERNAL_FIELD.source + '|^(onOpen|onData|onDrain|onClose|parser|feed|subscriptions|unsubscriptions|granted|returnCode|transport|platform|codec|dialect|messageId|cmd|dup|setTimeout|clearTimeout)$'),
      mangleCache: { messageId: '$i', cmd: '$c', dup: '$d' } },
    goal: 14000, limit: 24000,
    what: 'full device with the AT driver' },
  { name: 'node', entry: 'targets/node/cli.ts', out: 'dist/node/glowmq.cjs',
    opts: { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: false,
      // Native (serialport) and demo-only (aedes) packages stay outside the one file;
      // the CLI says what to install when a command needs them.
      external: ['serialport', 'aedes'], banner: { js: '#!/usr/bin/env node' }, legalComments: 'none' },
    what: 'one-file Node build (Raspberry Pi)' },
];

function whereBytesGo(meta, out) {
  const inputs = Object.entries(meta.outputs[out].inputs).map(([f, x]) => [f, x.bytesInOutput]).filter((x) => x[1] > 0);
  inputs.sort((a, b) => b[1] - a[1]);
  const total = inputs.reduce((n, x) => n + x[1], 0);
  return inputs.map(([f, n]) => `      ${String(n).padStart(6)} B ${String(Math.round((n * 100) / total)).padStart(3)}%  ${f}`);
}

// The size the bundle would have with every message text blanked: how much of it is code.
// Kept: strings the code works with (event, state and packet type names, typeof tests, the
// protocol name, store key prefixes), not messages.
const NOT_MESSAGES = new Set(['string', 'undefined', 'MQTT', 'glowmq_', 'error', 'close', 'end', 'connect', 'message',
  'reconnect', 'connected', 'closed', 'reconnecting', 'connecting', 'warn', 'p', 'i', 'o', '$', '/', '+', '#', '']);
async function withoutMessages(code) {
  const edits = [];
  walkAll(parseJs(code, { ecmaVersion: 'latest' }), (n) => {
    if (n.type === 'Literal' && typeof n.value === 'string' && !NOT_MESSAGES.has(n.value) && !n.value.startsWith('reserved connect')) edits.push([n.start, n.end, '""']);
  });
  return (await terser(applyEdits(code, edits), { ...boardCompress, format: { ascii_only: true } })).code.length;
}

// Build only when run as a script: tests import `targets` for the budgets.
async function main() {
  let failed = false;
  const rows = [];
  for (const t of targets) {
    if (only && !t.name.startsWith(only)) continue;
    if (!existsSync(t.entry)) { rows.push(`  ${t.name.padEnd(14)} (no ${t.entry} yet)`); continue; }
    let result;
    try {
      result = await esbuild.build({ entryPoints: t.opts.stdin ? undefined : [t.entry], outfile: t.out, logLevel: 'error', metafile: !!t.limit, ...t.opts });
    } catch (e) {
      failed = true; rows.push(`  ${t.name.padEnd(14)} BUILD FAILED: ${e.message}`); continue;
    }
    if (t.limit) writeFileSync(t.out, asciiIdentifiers((await terser(readFileSync(t.out, 'utf8'), boardCompress)).code));
    const size = statSync(t.out).size;
    const gz = gzipSync(readFileSync(t.out)).length;
    let verdict = '';
    if (t.limit) {
      const hard = t.ratchet ?? t.limit;
      verdict = size > hard ? `OVER LIMIT ${hard}` : size > t.limit ? `OVER the ${t.limit} B limit (goal ${t.goal}); fails above ${hard}` : size > t.goal ? `over goal ${t.goal} (limit ${t.limit})` : `within goal ${t.goal}`;
      if (size > hard && enforceLimits) failed = true;
    }
    rows.push(`  ${t.name.padEnd(14)} ${String(size).padStart(8)} B  ${String(gz).padStart(7)} B gz  ${t.out}  ${verdict}  — ${t.what}`);
    // Over goal: say where the bytes go (minified bytes each source file contributes).
    if (t.limit && size > t.goal) rows.push(...whereBytesGo(result.metafile, t.out));
    if (t.ratchet && size > t.limit) {
      const bare = await withoutMessages(readFileSync(t.out, 'utf8'));
      rows.push(`      ${String(bare).padStart(6)} B       with every message text blanked: the code alone is ${bare > t.limit ? 'over' : 'within'} the ${t.limit} B limit`);
    }
  }
  if (!quiet || failed) {
    console.log('glowmq build:');
    for (const r of rows) console.log(r);
  }
  if (failed) process.exit(1);
}
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
