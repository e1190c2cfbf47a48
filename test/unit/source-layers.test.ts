// The source's shape, as the architecture map states it: layers import downwards only
// (core ← transport / hal / store ← app ← node / sim), no import cycle in src/ (type-only
// imports count too), no function body over 120 lines, and few golfed names (lint's
// id-length holds each file; this holds the whole tree's share).
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve('src');
const LAYER: { [folder: string]: number } = { core: 0, transport: 1, hal: 1, store: 1, app: 2, node: 3, sim: 3 };
const MAX_FUNCTION_LINES = 120, MAX_SHORT_NAME_SHARE = 0.1;
const ALLOWED_SHORT = new Set(['i', 'j', 'k']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}
const files = sourceFiles(SRC);
const parsed = new Map(files.map((file) => [file, ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)]));
const layerOf = (file: string) => LAYER[relative(SRC, file).split('/')[0]!];

/** The src/ files a file imports (type-only imports included). */
function importsOf(file: string): string[] {
  const found: string[] = [];
  parsed.get(file)!.forEachChild((node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (!spec.startsWith('.')) return;
      const target = resolve(dirname(file), spec);
      const hit = [target + '.ts', join(target, 'index.ts'), target].find((candidate) => parsed.has(candidate));
      if (hit) found.push(hit);
    }
  });
  return found;
}

describe('the source follows the architecture map', () => {
  it('every import goes to the same layer or one below', () => {
    const upward = files.flatMap((file) => importsOf(file).filter((target) => layerOf(target)! > layerOf(file)!)
      .map((target) => `${relative(SRC, file)} imports ${relative(SRC, target)}`));
    expect(upward).toEqual([]);
  });
  it('src/ has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>(), cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') { cycles.push(path.slice(path.indexOf(file)).concat(file).map((f) => relative(SRC, f)).join(' → ')); return; }
      state.set(file, 'open');
      for (const target of importsOf(file)) visit(target, path.concat(file));
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
  it(`no function body is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const [file, source] of parsed) {
      const walk = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const lines = source.getLineAndCharacterOfPosition(node.body.getEnd()).line - source.getLineAndCharacterOfPosition(node.body.getStart()).line;
          if (lines > MAX_FUNCTION_LINES) long.push(`${relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} (${lines} lines)`);
        }
        ts.forEachChild(node, walk);
      };
      walk(source);
    }
    expect(long).toEqual([]);
  });
  it(`declared names of one or two characters (i, j, k aside) are at most ${MAX_SHORT_NAME_SHARE * 100}% of all`, () => {
    let all = 0, short = 0;
    for (const source of parsed.values()) {
      const walk = (node: ts.Node): void => {
        if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name && ts.isIdentifier(node.name)) {
          all++;
          if (node.name.text.length <= 2 && !ALLOWED_SHORT.has(node.name.text)) short++;
        }
        ts.forEachChild(node, walk);
      };
      walk(source);
    }
    console.log(`[source] ${short} of ${all} declared names are one or two characters (${(100 * short / all).toFixed(1)}%)`);
    expect(short / all).toBeLessThanOrEqual(MAX_SHORT_NAME_SHARE);
  });
});
