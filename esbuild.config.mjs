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
// Board profiles: `--profile lite|full`, or `--with qos2,store,…` for exactly those modules.
const profileArg = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : null;
const withArg = args.includes('--with') ? args[args.indexOf('--with') + 1] : null;

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

// Features a board build may leave out (src/core/features.ts holds their defaults: all on).
// Code of a feature runs only under `if (WITH_X)`; the plugin below gives the build the
// profile's values, and terser drops every branch and function the profile leaves out.
export const FEATURES = ['qos2', 'store', 'at', 'discovery', 'utf8'];
export const PROFILES = {
  full: FEATURES,
  // QoS 0/1 both ways, will, keepalive, reconnect with backoff, resubscribe, a bounded
  // offline queue, over the board's own `net`.
  lite: [],
};
function featuresPlugin(enabled) {
  const contents = FEATURES.map((f) => `export const WITH_${f.toUpperCase()} = ${enabled.includes(f)};`).join('\n');
  return {
    name: 'glowmq-features',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]core[\\/]features\.ts$/ }, () => ({ contents, loader: 'ts' }));
    },
  };
}
/** `--with a,b` → the named features, each checked; unknown names stop the build. */
function parseWith(list) {
  const names = list.split(',').map((x) => x.trim()).filter(Boolean);
  const unknown = names.filter((x) => !FEATURES.includes(x));
  if (unknown.length) {
    console.error(`glowmq build: unknown module ${JSON.stringify(unknown[0])} in --with (allowed: ${FEATURES.join(', ')})`);
    process.exit(2);
  }
  return names;
}

// Storage for code on the boards people flash (Espruino's board files): a bundle larger
// than a board's Storage cannot be flashed there (the config file needs room too).
export const BOARD_STORAGE = [
  ['Espruino Pico', 48 * 1024], ['Espruino WiFi', 64 * 1024], ['Puck.js', 40 * 1024],
  ['ESP8266 4 MB', 192 * 1024], ['ESP8266 512 KB', 16 * 1024],
];

export const targets = [
  // Not `globalName`: esbuild's __toCommonJS copies exports with getters made in a
  // `for (let k of …)` loop, and on the board every getter would see the last k. The entry
  // sets the global `glowmq` itself, to a plain object (no getters at all: fewer bytes).
  { name: 'espruino-core', entry: 'targets/espruino/core-only.ts', out: 'dist/espruino/core.js',
    opts: board,
    // The full core (QoS 2, persistent sessions, offline queue, UTF-8 validation); a board
    // profile without them is `core-lite.js` (`npm run build:board -- --profile lite`).
    goal: 6000, limit: 10400,
    what: 'codec + client + router, alone' },
  { name: 'espruino', entry: 'targets/espruino/main.ts', out: 'dist/espruino/glowmq.js',
    // The device bundle is a closed program (only `glowmq.client`, `.device`, `.config` reach
    // the console), so the names of its internal interfaces — transport handlers, codec and
    // client wiring, Platform timers, packet fields — are shortened. None is a property of a
    // board object (the timers are the globals, not properties). The
    // packet id, type and DUP flag are also in the records the Storage store keeps, so their
    // short names are pinned ($i, $c, $d): a later build reads what an earlier one wrote.
    // core.js keeps every name: it is the library other programs call.
    opts: { ...board, mangleProps: /^(onOpen|onData|onDrain|onClose|parser|feed|subscriptions|unsubscriptions|granted|returnCode|transport|platform|codec|dialect|messageId|cmd|dup|setTimeout|clearTimeout)$/,
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
// Every board bundle above is the full profile; the lite profile builds the same entries
// with none of the optional modules (`--profile lite`, and every plain build).
for (const t of targets) if (t.limit) Object.assign(t, { profile: 'full', features: PROFILES.full });
const [fullCore, fullDevice] = targets;
targets.splice(2, 0,
  { ...fullCore, name: 'espruino-core-lite', out: 'dist/espruino/core-lite.js', profile: 'lite', features: PROFILES.lite,
    goal: 6000, limit: 6000, what: 'core, lite profile (QoS 0/1, no store, lighter UTF-8 check)' },
  { ...fullDevice, name: 'espruino-lite', out: 'dist/espruino/glowmq-lite.js', profile: 'lite', features: PROFILES.lite,
    goal: 12000, limit: 16000, what: 'device, lite profile (the board\'s net, QoS 0/1)' });

/** The targets this run builds: a profile or a --with list picks board bundles by feature set. */
function chosenTargets() {
  if (withArg) {
    const features = parseWith(withArg), tag = features.length ? features.join('-') : 'none';
    return [fullCore, fullDevice].map((t) => ({ ...t, name: t.name + '-with', features, profile: 'with ' + (features.join(',') || 'nothing'),
      out: t.out.replace(/\.js$/, '-with-' + tag + '.js'), goal: t.goal, limit: t.limit, what: (t === fullCore ? 'core' : 'device') + ' with ' + (features.join(', ') || 'no optional module') }));
  }
  if (profileArg) {
    if (!PROFILES[profileArg]) {
      console.error(`glowmq build: unknown --profile ${JSON.stringify(profileArg)} (allowed: ${Object.keys(PROFILES).join(', ')})`);
      process.exit(2);
    }
    return targets.filter((t) => t.profile === profileArg);
  }
  return targets.filter((t) => !only || t.name.startsWith(only));
}

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
/** A board entry built in memory with these features: the bytes it would have. */
async function boardBytes(t, features) {
  const r = await esbuild.build({ entryPoints: [t.entry], write: false, outfile: t.out, logLevel: 'error', ...t.opts, plugins: [featuresPlugin(features)] });
  return asciiIdentifiers((await terser(r.outputFiles[0].text, boardCompress)).code).length;
}
/** What each optional module costs a full bundle: its size less the size without that module. */
async function moduleCosts(t, size) {
  const costs = [];
  for (const f of FEATURES) {
    const without = await boardBytes(t, t.features.filter((x) => x !== f));
    if (size !== without) costs.push(`${f} ${size - without} B`);
  }
  return `      modules: ${costs.join(', ') || 'none'} (each: this bundle less the same without it)`;
}
/** The boards whose Storage a device bundle does not fit (a warning, not a failure). */
function storageFit(size) {
  const tooSmall = BOARD_STORAGE.filter(([, bytes]) => size > bytes);
  if (!tooSmall.length) return null;
  return `      WARNING: does not fit the Storage of ${tooSmall.map(([b, bytes]) => `${b} (${bytes / 1024} KB)`).join(', ')}`;
}

async function main() {
  let failed = false;
  const rows = [];
  for (const t of chosenTargets()) {
    if (!existsSync(t.entry)) { rows.push(`  ${t.name.padEnd(14)} (no ${t.entry} yet)`); continue; }
    let result;
    try {
      result = await esbuild.build({ entryPoints: t.opts.stdin ? undefined : [t.entry], outfile: t.out, logLevel: 'error', metafile: !!t.limit, ...t.opts,
        plugins: t.features ? [featuresPlugin(t.features)] : [] });
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
    rows.push(`  ${t.name.padEnd(18)} ${String(size).padStart(8)} B  ${String(gz).padStart(7)} B gz  ${t.out}  ${verdict}  — ${t.what}`);
    // Over goal: say where the bytes go (minified bytes each source file contributes).
    if (t.limit && size > t.goal) rows.push(...whereBytesGo(result.metafile, t.out));
    // What each module costs the device (5 more builds: not in the test run's quiet build).
    if (t.features && t.features.length && t.entry.endsWith('main.ts') && !quiet) rows.push(await moduleCosts(t, size));
    const fit = t.features && t.entry.endsWith('main.ts') ? storageFit(size) : null;
    if (fit) rows.push(fit);
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
