// The BUILT Espruino bundles (dist/espruino/*.js, built by test/support/global-setup.ts)
// contain only what the board's interpreter runs. The negative cases prove the checker
// catches each forbidden construct, so a clean result means something.
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { checkBundle, formatFindings } from './bundle-checker';

const DIR = 'dist/espruino';
const bundles = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.js')) : [];

describe('built Espruino bundles use only what the board runs', () => {
  it('the core and the device bundle were built', () => {
    expect(bundles).toContain('core.js');
    expect(bundles).toContain('glowmq.js');
  });
  for (const f of bundles) {
    it(`${DIR}/${f} has no construct or global the board lacks`, () => {
      const findings = checkBundle(readFileSync(`${DIR}/${f}`, 'utf8'));
      expect(findings.length, formatFindings(`${DIR}/${f}`, findings)).toBe(0);
    });
  }
});

// [snippet, the finding it must produce]
const BAD: [string, string][] = [
  ['function f(a = 1) { return a; }', 'default parameter'],
  ['var { a } = o;', 'destructuring'],
  ['var [a, b] = o;', 'destructuring'],
  ['try { x(); } catch ({ message }) { y(message); }', 'destructuring'],
  ['function f({ a }) { return a; }', 'destructuring'],
  ['function f(...r) { return r; }', 'rest parameter'],
  ['f(...args);', 'spread'],
  ['var a = [...b];', 'spread'],
  ['var a = { ...b };', 'spread'],
  ['async function f() {}', 'async function'],
  ['var f = async () => 1;', 'async function'],
  ['async function f() { await g(); }', 'await'],
  ['function* g() { yield 1; }', 'generator function'],
  ['outer: for (;;) { break outer; }', 'label statement'],
  ['var x = 2 ** 8;', '** operator'],
  ['x **= 2;', '**= operator'],
  ['a ??= b;', '??= operator'],
  ['a ||= b;', '||= operator'],
  ['a &&= b;', '&&= operator'],
  ['var o = { [k]: 1 };', 'computed key'],
  ['class A { [k]() {} }', 'computed method name'],
  ['var s = tag`x`;', 'tagged template'],
  ['class A { #p = 1; }', '#private member'],
  ['class A { x = 1; }', 'class field'],
  ['class A { f = () => this; }', 'class field'],
  ['class A { static { init(); } }', 'class static block'],
  ['class E2 extends Error {}', 'class extends Error'],
  ['var B = class extends TypeError {};', 'class extends TypeError'],
  ['var A = class _A { static m() { return new _A(); } };', 'named class expression referring to itself'],
  ['var ok = e instanceof Error;', 'instanceof Error'],
  ['arr.length = 0;', 'assignment to .length'],
  ['import("x");', 'dynamic import()'],
  ['var n = 10n;', 'BigInt literal'],
  ['var r = /a.b/s;', 'regular-expression flag'],
  ['var y = a?.b;', 'optional chaining'],
  ['var m = new Map();', 'global Map'],
  ['var s = new Set();', 'global Set'],
  ['var w = new WeakMap();', 'global WeakMap'],
  ['var s = Symbol("x");', 'global Symbol'],
  ['var t = new TextEncoder();', 'global TextEncoder'],
  ['var t = new TextDecoder();', 'global TextDecoder'],
  ['var b = Buffer.from("x");', 'global Buffer'],
  ['var a = Array.from(x);', 'Array.from'],
  ['var a = Uint8Array.from(x);', 'Uint8Array.from'],
  ['var v = ArrayBuffer.isView(x);', 'ArrayBuffer.isView'],
  ['Promise.race([p]);', 'Promise.race'],
  ['Promise.allSettled([p]);', 'Promise.allSettled'],
  ['p.then(f).finally(g);', 'Promise.prototype.finally'],
  ['var a = Array.prototype.slice.call(arguments);', 'Array.prototype.slice'],
  ['var b = Uint8Array.prototype.slice.call(u);', 'Uint8Array.prototype.slice'],
  ['var i = Number.isInteger(x);', 'Number.isInteger'],
  ['var i = Math.trunc(x);', 'Math.trunc'],
  ['var s = x.toPrecision(3);', 'toPrecision'],
  ['var fs = []; for (let i = 0; i < 3; i++) fs.push(() => i);', 'closure capturing loop variable "i"'],
  ['for (const x of xs) setTimeout(function () { use(x); }, 1);', 'closure capturing loop variable "x"'],
  ['o.payloadRemaining_ = 1;', 'internal field .payloadRemaining_ not shortened'],
  ['var o = { payloadRemaining_: 1 };', 'internal field payloadRemaining_ not shortened'],
  ['(function () { later(); function later() {} })();', 'call to later() above its function declaration'],
  ['later(); function later() {}', 'call to later() above its function declaration'],
  ['var x = ;', 'does not parse'],
  ['var o = { 现在: "on" };', 'non-ASCII identifier'],
  ['var o = { \\u73B0: "on" };', 'non-ASCII identifier'],
  ['var v = o.\\u73B0;', 'non-ASCII identifier'],
  ['var r = /^ab?c$/;', '? quantifier'],
  ['var r = /^(?:ab)c$/;', '? quantifier'],
  ['var r = /^a{1,5}$/;', '{n,m} quantifier'],
  ['var r = /\\bword\\b/;', 'word boundary'],
  ['var r = /^[^\\s/]+$/;', 'unescaped /'],
];

// Look-alikes that ARE fine on the board: the checker must not cry wolf.
const GOOD: string[] = [
  'var o = { "\\u73B0": "on" }; var v = o["\\u73B0"]; var s = "°C";',
  'var a = [].slice.call(arguments); var h = Object.prototype.hasOwnProperty;',
  'var m = {}; m.Map = 1; var o = { Set: 2 };',
  'function f(Map) { return new Map(); }',
  'for (let i = 0; i < 3; i++) { setTimeout(function (i) { use(i); }, 1); }',
  'for (const x of xs) { const y = x; setTimeout(function () { use(y); }, 1); }',
  'function a() { return b(); } function b() { return 1; } a();',
  'try { x(); } catch { y(); }',
  'var r = /^[A-Za-z0-9_.\\-]+$/; var q = /^(a|bc)*\\/\\d+$/i; var w = "a?{1,2}";',
  'var z = a ?? b; class A extends B { constructor() { super(); this.x = 1; } get y() { return 1; } static s() {} }',
  'var e = new Error("x"); e.code = 3; var n = s.length; var s2 = `t${n}`;',
];

describe('the bundle checker', () => {
  for (const [src, what] of BAD) {
    it(`catches ${what}: ${src}`, () => {
      const f = checkBundle(src);
      const hit = f.find((x) => x.what.includes(what));
      expect(hit, `expected "${what}", got ${JSON.stringify(f)}`).toBeDefined();
      expect(hit!.line).toBe(1);
      expect(hit!.col).toBeGreaterThan(0);
    });
  }
  for (const src of GOOD) {
    it(`accepts ${src}`, () => {
      const f = checkBundle(src);
      expect(f, formatFindings('snippet', f)).toEqual([]);
    });
  }
  it('names line, column and a snippet', () => {
    const f = checkBundle('var a = 1;\nvar b = new Map();\n');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ what: 'global Map', line: 2, col: 13 });
    expect(f[0].snippet).toContain('new Map()');
    expect(formatFindings('x.js', f)).toContain('x.js:2:13: global Map');
  });
});
