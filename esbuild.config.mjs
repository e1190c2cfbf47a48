// Builds every target and prints each bundle's size against its budget.
//   node esbuild.config.mjs            all targets
//   node esbuild.config.mjs --only node   targets whose name starts with "node"
//   --quiet                            print only failures
//   --profile lite|full                board bundles of a profile (lite: core-lite.js, glowmq-lite.js)
//   --with at,qos2,store,discovery,utf8[,passive]  board bundles with exactly those modules
// A profile run also prints what each module costs in each bundle.
import * as esbuild from 'esbuild';
import { existsSync, statSync, readFileSync, unlinkSync } from 'node:fs';
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
  const wide = (identifier) => identifier && identifier.type === 'Identifier' && /[^\x00-\x7f]/.test(identifier.name);
  walkAll(parseJs(code, { ecmaVersion: 'latest' }), (node) => {
    if ((node.type === 'Property' || node.type === 'MethodDefinition') && !node.computed && wide(node.key)) {
      edits.push([node.key.start, node.key.end, JSON.stringify(code.slice(node.key.start, node.key.end)).replace(/\\\\u/g, '\\u')]);
      if (node.shorthand) edits.push([node.key.end, node.key.end, ':' + code.slice(node.value.start, node.value.end)]);
    }
    if (node.type === 'MemberExpression' && !node.computed && wide(node.property)) {
      const dot = code.lastIndexOf('.', node.property.start);
      edits.push([dot, node.property.end, '["' + code.slice(node.property.start, node.property.end) + '"]']);
    }
  });
  return applyEdits(code, edits);
}

/** Replaces [start, end, text] spans of code, last first so earlier offsets stay valid. */
function applyEdits(code, edits) {
  edits.sort((first, second) => second[0] - first[0]);
  for (const [start, end, text] of edits) code = code.slice(0, start) + text + code.slice(end);
  return code;
}

// Internal object fields are named with a trailing underscore; board bundles shorten them.
export const INTERNAL_FIELD = /_$/;

// Board profiles: the modules a board build may leave out, each a flag of src/core/features.ts.
// Three are in no profile, so the full device stays within its budget and a configuration
// that does not use them pays nothing: `discovery` (Home Assistant discovery, about 1 KB; the
// build also makes glowmq-at-discovery-qos2-store.js), `passive` (ESP-AT 2.x passive receive
// and certificate checking over AT, which costs a board more variables than its budget) and
// `utf8` (full validation of received UTF-8: overlong forms, surrogates; without it the
// structure is checked and U+0000 refused, and the broker has validated the topic already).
// A build asks for them with `--with …,discovery,passive,utf8`. Node builds keep every
// module (features.ts).
export const MODULES = { qos2: 'WITH_QOS2', store: 'WITH_STORE', at: 'WITH_AT', discovery: 'WITH_DISCOVERY', utf8: 'WITH_UTF8', passive: 'WITH_AT_PASSIVE' };
export const PROFILES = { full: ['qos2', 'store', 'at'], lite: [] };

/** The full profile's module set exactly (in any order): it builds the default bundle names. */
const isFullProfile = (modules) => modules.length === PROFILES.full.length && PROFILES.full.every((name) => modules.includes(name));

/** An esbuild plugin that gives src/core/features.ts the profile's values (other flags keep theirs). */
export function featuresPlugin(modules) {
  const enabled = new Set(modules.map((name) => MODULES[name]));
  return {
    name: 'glowmq-features',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]core[\\/]features\.ts$/ }, (file) => ({
        loader: 'ts',
        contents: readFileSync(file.path, 'utf8').replace(/export const (WITH_\w+) = (true|false)/g,
          (line, flag) => (Object.values(MODULES).includes(flag) ? `export const ${flag} = ${enabled.has(flag)}` : line)),
      }));
    },
  };
}

/** The file-name suffix of a module set: '' for the full set, '-lite' for none, else '-at-qos2…'. */
function profileSuffix(modules) {
  if (isFullProfile(modules)) return '';
  return modules.length ? '-' + [...modules].sort().join('-') : '-lite';
}

// The device bundle is a closed program (only `glowmq.client`, `.device`, `.config` reach
// the console), so the names of its internal interfaces — transport handlers, codec and
// client wiring, Platform timers, packet fields — are shortened. None is a property of a
// board object (the timers are the globals, not properties). The packet id, type and DUP flag
// are also in the records the Storage store keeps, so their short names are pinned ($i, $c,
// $d): a later build reads what an earlier one wrote. core.js keeps these names (it is the
// library other programs call) and shortens only the internal fields ending in an underscore,
// as the device bundle also does.
const DEVICE_INTERNAL = new RegExp(INTERNAL_FIELD.source + '|^(onOpen|onData|onDrain|onClose|parser|feed|subscriptions|unsubscriptions|granted|returnCode|transport|platform|codec|dialect|messageId|cmd|dup|setTimeout|clearTimeout)$');
const PINNED_STORAGE_NAMES = { messageId: '$i', cmd: '$c', dup: '$d' };

// The core's budgets. The full core's limit is 10,400 B and the lite core's 6,000 B (Espruino's
// own MQTT module, QoS 0 only, is 6,160 B); neither is met yet (README, "Sizes and where they
// stand"), so each fails above a ratchet at its measured size and cannot grow.
const CORE_RATCHET = { full: 11742, lite: 11049 };
function coreLimits(modules) {
  if (isFullProfile(modules)) return { limit: 10400, ratchet: CORE_RATCHET.full };
  if (modules.length === 0) return { limit: 6000, ratchet: CORE_RATCHET.lite };
  return { limit: 48 * 1024 }; // opt-in modules: bounded by a Pico's Storage only
}

/** The two board bundles (the core alone, the device) built with a set of modules. */
export function boardTargets(modules) {
  const suffix = profileSuffix(modules);
  const profile = suffix ? (modules.length ? 'modules ' + modules.join(', ') : 'lite profile') : '';
  const plugins = [featuresPlugin(modules)]; // always: the full profile too leaves a module out (passive)
  return [
    // Not `globalName`: esbuild's __toCommonJS copies exports with getters made in a
    // `for (let k of …)` loop, and on the board every getter would see the last k. The entry
    // sets the global `glowmq` itself, to a plain object (no getters at all: fewer bytes).
    { name: 'espruino-core' + suffix, entry: 'targets/espruino/core-only.ts', out: `dist/espruino/core${suffix}.js`,
      // Internal fields end in an underscore (`payloadRemaining_`): the build shortens them in
      // every board bundle. The public API (what other programs call) never ends in one.
      opts: { ...board, mangleProps: INTERNAL_FIELD, plugins },
      goal: 6000, ...coreLimits(modules), modules,
      what: 'codec + client + router, alone' + (profile && ', ' + profile) },
    { name: 'espruino' + suffix, entry: 'targets/espruino/main.ts', out: `dist/espruino/glowmq${suffix}.js`,
      opts: { ...board, mangleProps: DEVICE_INTERNAL, mangleCache: { ...PINNED_STORAGE_NAMES }, plugins },
      // The full device's budget; a device with opt-in modules is bounded by a Pico's Storage.
      goal: 14000, limit: suffix && modules.length > PROFILES.full.length ? 48 * 1024 : 24000, modules,
      what: (suffix ? 'device' : 'full device with the AT driver') + (profile && ', ' + profile) },
  ];
}

export const targets = [
  // The full core and device (QoS 2, persistent sessions, the AT driver, UTF-8 validation…),
  // then the same with none of those modules (`npm run build:board -- --profile lite`).
  ...boardTargets(PROFILES.full),
  ...boardTargets(PROFILES.lite),
  boardTargets([...PROFILES.full, 'discovery'])[1], // the device with Home Assistant discovery
  boardTargets([...PROFILES.full, 'utf8'])[0], // the core with full UTF-8 validation
  // The phone page's script (glowmq's core + the page, for browsers); src/node/web-page.ts
  // inlines it into the page. Named node-… so `--only node` (npm start) builds it first.
  { name: 'node-page', entry: 'targets/browser/page.ts', out: 'dist/web/page.js',
    opts: { bundle: true, format: 'iife', platform: 'browser', target: 'es2019', minify: true, legalComments: 'none', charset: 'ascii' },
    what: 'the phone page\'s script (browser)' },
  { name: 'node', entry: 'targets/node/cli.ts', out: 'dist/node/glowmq.cjs',
    // A getter: the page script just built above goes inside the one file (GLOWMQ_PAGE_SCRIPT).
    get opts() {
      return { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: false,
        // Native (serialport) and demo-only (aedes) packages stay outside the one file;
        // the CLI says what to install when a command needs them.
        external: ['serialport', 'aedes'], banner: { js: '#!/usr/bin/env node' }, legalComments: 'none',
        define: { GLOWMQ_PAGE_SCRIPT: JSON.stringify(existsSync('dist/web/page.js') ? readFileSync('dist/web/page.js', 'utf8') : '') } };
    },
    what: 'one-file Node build (Raspberry Pi)' },
];

// ── Node library (the npm package's entries: `glowmq` and `glowmq/core`), ESM and CommonJS.
// Bundled so a consumer loads one file per entry and needs no dependency at run time; not
// minified, so stack traces in a user's program stay readable. Types: `npm run build:types`.
const nodeLibrary = { bundle: true, platform: 'node', target: 'node20', minify: false, legalComments: 'none', external: ['serialport', 'aedes', 'ws'] };
const portableLibrary = { bundle: true, platform: 'neutral', target: 'es2020', minify: false, legalComments: 'none' };
targets.push(
  { name: 'node-lib-esm', entry: 'targets/node/index.ts', out: 'dist/lib/index.mjs', opts: { ...nodeLibrary, format: 'esm' }, what: "library: import { connect } from 'glowmq'" },
  { name: 'node-lib-cjs', entry: 'targets/node/index.ts', out: 'dist/lib/index.cjs', opts: { ...nodeLibrary, format: 'cjs' }, what: "library: require('glowmq')" },
  { name: 'node-core-esm', entry: 'targets/node/core.ts', out: 'dist/lib/core.mjs', opts: { ...portableLibrary, format: 'esm' }, what: "library: 'glowmq/core'" },
  { name: 'node-core-cjs', entry: 'targets/node/core.ts', out: 'dist/lib/core.cjs', opts: { ...portableLibrary, format: 'cjs' }, what: "library: require('glowmq/core')" },
);

/** The bytes of the final (terser-compressed) bundle each source file accounts for, from the
 *  source map esbuild and terser make together: code esbuild kept and terser dropped (a class
 *  the profile leaves out) counts for nothing. */
function whereBytesGo(map, finalSize) {
  const bytes = new Map();
  let source = 0;
  // One segment per mapped span: [column, source, line, column, (name)], each relative (VLQ).
  for (const line of map.mappings.split(';')) {
    let column = 0, lastColumn = 0, lastSource = -1;
    for (const segment of line.split(',').filter(Boolean)) {
      const fields = decodeVlq(segment);
      column += fields[0];
      if (lastSource >= 0) bytes.set(lastSource, (bytes.get(lastSource) ?? 0) + column - lastColumn);
      lastColumn = column;
      lastSource = fields.length > 1 ? (source += fields[1]) : -1;
    }
  }
  const counted = [...bytes.values()].reduce((sum, value) => sum + value, 0);
  const rows = [...bytes].map(([index, count]) => [map.sources[index].replace(/^(\.\.\/)+/, ''), Math.round((count * finalSize) / Math.max(counted, 1))]);
  const merged = new Map();
  for (const [file, count] of rows) merged.set(file, (merged.get(file) ?? 0) + count);
  return [...merged].filter((entry) => entry[1] > 0).sort((first, second) => second[1] - first[1])
    .map(([file, count]) => `      ${String(count).padStart(6)} B ${String(Math.round((count * 100) / finalSize)).padStart(3)}%  ${file}`);
}

/** A source map segment's fields (base64 VLQ). */
function decodeVlq(segment) {
  const fields = [];
  let value = 0, shift = 0;
  for (const char of segment) {
    const digit = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) { shift += 5; continue; }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = shift = 0;
  }
  return fields;
}

// The size the bundle would have with every message text blanked: how much of it is code.
// Kept: strings the code works with (event, state and packet type names, typeof tests, the
// protocol name, store key prefixes), not messages.
const NOT_MESSAGES = new Set(['string', 'undefined', 'MQTT', 'glowmq_', 'error', 'close', 'end', 'connect', 'message',
  'reconnect', 'connected', 'closed', 'reconnecting', 'connecting', 'warn', 'p', 'i', 'o', '$', '/', '+', '#', '']);
async function withoutMessages(code) {
  const edits = [];
  walkAll(parseJs(code, { ecmaVersion: 'latest' }), (node) => {
    if (node.type === 'Literal' && typeof node.value === 'string' && !NOT_MESSAGES.has(node.value) && !node.value.startsWith('reserved connect')) edits.push([node.start, node.end, '""']);
  });
  return (await terser(applyEdits(code, edits), { ...boardCompress, format: { ascii_only: true } })).code.length;
}

// Each board's Storage, where the bundle is written (.bootcde): shared/docs/espruino.md.
export const BOARD_STORAGE = [['Espruino Pico', 48 * 1024], ['ESP8266 (512 KB flash)', 16 * 1024], ['ESP8266 (4 MB flash)', 192 * 1024],
  ['Espruino WiFi', 64 * 1024], ['Puck.js', 40 * 1024]];

/** The modules asked for with --profile or --with, or null for the default targets. Exits 2 on a bad value. */
function requestedModules() {
  const usage = (message) => { console.error(message); process.exit(2); };
  const value = (flag) => {
    const position = args.indexOf(flag);
    if (position < 0) return null;
    if (position + 1 >= args.length || args[position + 1].startsWith('--')) usage(`${flag} needs a value`);
    return args[position + 1];
  };
  const profile = value('--profile'), modules = value('--with');
  if (profile !== null && modules !== null) usage('give --profile or --with, not both');
  if (profile !== null) {
    if (!Object.hasOwn(PROFILES, profile)) usage(`unknown profile "${profile}" for --profile: allowed ${Object.keys(PROFILES).join(', ')}`);
    return PROFILES[profile];
  }
  if (modules === null) return null;
  const names = modules.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!Object.hasOwn(MODULES, name)) usage(`unknown module "${name}" for --with: allowed ${Object.keys(MODULES).join(', ')}`);
  }
  return Object.keys(MODULES).filter((name) => names.includes(name)); // in the usual order, once each
}

/** The size of a board bundle as the build makes it (esbuild, terser, ASCII names) with a set of modules. */
async function sizeWith(target, modules) {
  const result = await esbuild.build({ entryPoints: [target.entry], outfile: 'board.js', write: false, logLevel: 'error',
    ...target.opts, plugins: [featuresPlugin(modules)] });
  return asciiIdentifiers((await terser(result.outputFiles[0].text, boardCompress)).code).length;
}

/** What each module costs in a board target of `size` bytes: its bytes in it, or what it would add. */
async function moduleCosts(target, size) {
  const parts = [];
  for (const name of Object.keys(MODULES)) {
    const has = target.modules.includes(name);
    const otherSize = await sizeWith(target, has ? target.modules.filter((other) => other !== name) : [...target.modules, name]);
    parts.push(has ? `${name} ${size - otherSize} B` : `${name} would add ${otherSize - size} B`);
  }
  return `      modules: ${parts.join(', ')}`;
}

// Build only when run as a script: tests import `targets` for the budgets.
async function main() {
  let failed = false;
  const rows = [];
  const modules = requestedModules();
  for (const target of modules ? boardTargets(modules) : targets) {
    if (only && !target.name.startsWith(only)) continue;
    if (!existsSync(target.entry)) { rows.push(`  ${target.name.padEnd(14)} (no ${target.entry} yet)`); continue; }
    try {
      await esbuild.build({ entryPoints: target.opts.stdin ? undefined : [target.entry], outfile: target.out, logLevel: 'error', ...(target.limit ? { sourcemap: 'external' } : {}), ...target.opts });
    } catch (error) {
      failed = true; rows.push(`  ${target.name.padEnd(14)} BUILD FAILED: ${error.message}`); continue;
    }
    let sourceMap;
    if (target.limit) {
      const mapFile = target.out + '.map';
      const compressed = await terser(readFileSync(target.out, 'utf8'), { ...boardCompress, sourceMap: { content: readFileSync(mapFile, 'utf8'), asObject: true } });
      unlinkSync(mapFile);
      sourceMap = compressed.map;
      writeFileSync(target.out, asciiIdentifiers(compressed.code));
    }
    const size = statSync(target.out).size;
    const gzipped = gzipSync(readFileSync(target.out)).length;
    let verdict = '';
    if (target.limit) {
      const hard = target.ratchet ?? target.limit;
      verdict = size > hard ? `OVER LIMIT ${hard}` : size > target.limit ? `OVER the ${target.limit} B limit (goal ${target.goal}); fails above ${hard}` : size > target.goal ? `over goal ${target.goal} (limit ${target.limit})` : `within goal ${target.goal}`;
      if (size > hard && enforceLimits) failed = true;
    }
    rows.push(`  ${target.name.padEnd(14)} ${String(size).padStart(8)} B  ${String(gzipped).padStart(7)} B gz  ${target.out}  ${verdict}  — ${target.what}`);
    // Over goal: say where the bytes go (minified bytes each source file contributes).
    if (target.limit && size > target.goal) rows.push(...whereBytesGo(sourceMap, size));
    if (target.ratchet && size > target.limit) {
      const bare = await withoutMessages(readFileSync(target.out, 'utf8'));
      rows.push(`      ${String(bare).padStart(6)} B       with every message text blanked: the code alone is ${bare > target.limit ? 'over' : 'within'} the ${target.limit} B limit`);
    }
    // Under --quiet nothing but failures and warnings is printed: the costs are not worked out.
    if (target.modules && modules && !quiet) rows.push(await moduleCosts(target, size));
    const misfits = target.modules ? BOARD_STORAGE.filter((entry) => size > entry[1]) : [];
    if (misfits.length) rows.push(`      warning: ${target.out} (${size} B) does not fit the Storage of ${misfits.map((entry) => `${entry[0]} (${entry[1]} B)`).join(', ')}`);
  }
  if (!quiet || failed) {
    console.log('glowmq build:');
    for (const row of rows) console.log(row);
  }
  // Warnings stay visible under --quiet too.
  else for (const row of rows) if (row.includes('warning:')) console.log(row);
  if (failed) process.exit(1);
}
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
