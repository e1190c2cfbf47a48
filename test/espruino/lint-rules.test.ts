// The Espruino lint rule set (eslint.config.mjs) catches each construct the board cannot
// run, with a message naming it, on the portable folders only; and the repository passes.
import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function messages(code: string, file: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  // The snippets are short on purpose; name lengths have their own tests below.
  return r.messages.filter((m) => m.ruleId !== 'id-length').map((m) => `${m.line}:${m.column} ${m.message}`);
}

// [code, a part of the message it must produce]
const BAD: [string, string][] = [
  ['export function f(a = 1) { return a; }', 'default values'],
  ['export const f = (o: { a: number }) => { const { a } = o; return a; };', 'destructuring is not supported'],
  ['export function f(...r: number[]) { return r; }', 'rest parameters'],
  ['export const a = [...[1]];', 'spread'],
  ['export async function f() { return 1; }', 'async functions'],
  ['export function* g() { yield 1; }', 'generators'],
  ['export function f() { outer: for (;;) { break outer; } }', 'labels'],
  ['export const x = 2 ** 8;', '** operator'],
  ['let a: number | undefined; a ??= 1; export { a };', '??= is not supported'],
  ["export const o = { ['k']: 1 };", 'computed keys'],
  ['export class A { x = 1; }', 'class fields'],
  ['export class A { #p = 1; m() { return this.#p; } }', '#private'],
  ['export class E extends Error {}', 'class X extends Error'],
  ['export const t = String.raw`x`;', 'tagged templates'],
  ['export const m = new Map();', 'Map is not available'],
  ['export const s = Symbol("x");', 'Symbol is not available'],
  ['export const t = new TextEncoder();', 'TextEncoder is not available'],
  ['export const b = Buffer.from("x");', 'Buffer is not available'],
  ['export const a = Array.from([1]);', 'Array.from is not available'],
  ['export const a = Uint8Array.from([1]);', 'Uint8Array.from is not available'],
  ['export const p = Promise.race([]);', 'Promise.race is not available'],
  ['export const p = Promise.resolve().finally(() => 1);', 'Promise.prototype.finally'],
  ['export const i = Number.isInteger(1);', 'Number.isInteger is not available'],
  ['export const a = Array.prototype.slice.call([]);', 'X.prototype.method is undefined'],
  ["import { readFileSync } from 'node:fs'; export { readFileSync };", 'Node modules do not exist on the board'],
  ["import net from 'net'; export { net };", 'does not exist on the board'],
  ['export const r = /^a{1,3}$/;', '{n,m} quantifiers'],
  ['export const r = /^ab?$/;', 'the ? quantifier'],
  ['export const r = /^[^/]+$/;', 'unescaped / inside [...]'],
  ['export const f: (() => number)[] = []; for (let i = 0; i < 3; i++) f.push(() => i);', 'closure capturing loop variable "i"'],
  ['export const n = later(); function later() { return 1; }', 'called above its declaration'],
  ['export function f(a: number[]) { a.length = 0; }', 'setting .length throws'],
];

describe('the Espruino lint rule set', () => {
  // One file, one snippet per line (one lint run: fast); each line must get its message.
  let byLine: Promise<string[][]> | undefined;
  const lint = () => byLine = byLine || messages(BAD.map((b) => b[0]).join('\n'), 'src/core/probe.ts').then((m) => {
    const out: string[][] = BAD.map(() => []);
    for (const x of m) out[parseInt(x, 10) - 1].push(x);
    return out;
  });
  BAD.forEach(([code, what], i) => {
    it(`names "${what}" in src/core, at its line`, async () => {
      const m = (await lint())[i];
      expect(m.join('\n'), code).toContain(what);
      expect(m.every((x) => new RegExp('^' + (i + 1) + ':\\d+ ').test(x))).toBe(true);
    });
  });
  it('applies to every portable folder', async () => {
    for (const f of ['src/app/x.ts', 'src/transport/esp-at/x.ts', 'src/transport/espruino/net.ts', 'src/hal/espruino/led.ts', 'src/store/espruino/storage.ts', 'targets/espruino/x.ts']) {
      expect((await messages('export const m = new Map();', f)).join(), f).toContain('Espruino: Map is not available');
    }
  });
  it('decides by folder, not by a file name', async () => {
    for (const f of ['src/transport/espruino-x.ts', 'src/hal/espruino-x.ts', 'src/store/espruino-x.ts']) {
      expect((await messages('export const m = new Map();', f)).join(), f).not.toContain('Espruino:');
    }
  });
  it('leaves Node-only folders alone', async () => {
    for (const f of ['src/node/x.ts', 'src/transport/node-tcp.ts', 'src/store/file-store.ts', 'test/unit/x.test.ts', 'targets/node/cli.ts']) {
      expect(await messages('import fs from "node:fs"; export const m = new Map([[1, fs]]); export async function f(a = 1, ...r: number[]) { return [...r, a]; }', f), f).toEqual([]);
    }
  });
  it('accepts the board subset', async () => {
    const ok = `export class A extends Object { constructor() { super(); this.x = 1; } declare x: number; get y() { return 1; } static s() { return [].slice.call([1]); } }
export const f = (a?: { b?: number }) => a?.b ?? 0;
export function g(xs: number[]) { for (const x of xs) { const y = x; setTimeout(() => y, 1); } try { f(); } catch { /* */ } return \`\${xs.length}\`; }
export const r = /^[A-Za-z0-9_.-]+$/;`;
    expect(await messages(ok, 'src/core/ok.ts')).toEqual([]);
  });
});

describe('declared names of one or two characters (id-length)', () => {
  const golfed = 'export function send(pk: number[]) { const n = pk.length; for (let i = 0; i < n; i++) pk[i] = 0; return n; }';
  async function lengthFindings(file: string): Promise<{ severity: number; message: string }[]> {
    const [r] = await eslint.lintText(golfed, { filePath: file });
    return r.messages.filter((m) => m.ruleId === 'id-length');
  }
  for (const file of ['src/core/codec/x.ts', 'src/app/x.ts', 'src/node/cli/x.ts']) {
    it(`are errors in ${file}, naming each`, async () => {
      const found = await lengthFindings(file);
      expect(found.map((m) => m.message).join('\n')).toMatch(/Identifier name 'pk' is too short/);
      expect(found.map((m) => m.message).join('\n')).toMatch(/Identifier name 'n' is too short/);
      expect(found.length).toBe(2); // the parameter pk and the constant n, where declared
      expect(found.every((m) => m.severity === 2)).toBe(true);
    });
  }
  it('allow loop counters i, j, k, an unused _, the emitter method on, and any object key', async () => {
    const [r] = await eslint.lintText('export function each(list: number[]) { let total = 0; for (let i = 0, j = 0, k = 0; i < list.length; i++) total += j + k; list.forEach((_) => total++); return { id: total, ms: 1 }; }\nexport class Events { on(name: string) { return name; } }', { filePath: 'src/core/x.ts' });
    expect(r.messages).toEqual([]);
  });
  it('leave tests and tools alone', async () => {
    expect(await lengthFindings('test/unit/x.test.ts')).toEqual([]);
  });
});
