// Parses JavaScript meant for an Espruino board and reports every construct and global the
// interpreter lacks (shared/docs/espruino.md's right-hand column, plus what probing the
// 2v29 Linux build showed). Each finding names what, where (line:col) and a snippet.
// It checks the BUILT bundle, so whatever esbuild emits (helpers, lowered syntax) is judged
// as the board will see it.
// What the board lacks is listed once, in espruino-subset.mjs, shared with the lint config.
import { parse, type Node } from 'acorn';
import { MISSING_GLOBALS, MISSING_MEMBERS, regexProblem } from '../../espruino-subset.mjs';

export { regexProblem };

export interface Finding { what: string; line: number; col: number; snippet: string }

type N = Node & { [k: string]: any }; // acorn's ESTree nodes, read loosely

/** Internal object fields end in an underscore; every board build shortens them (esbuild.config.mjs). */
// (A name of two characters or more: the build itself may shorten a field to `_`.)
const INTERNAL_FIELD = /._$/;

const isFn = (n: N) => n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';

function propName(m: N): string | undefined {
  if (!m.computed && m.property.type === 'Identifier') return m.property.name;
  if (m.computed && m.property.type === 'Literal' && typeof m.property.value === 'string') return m.property.value;
  return undefined;
}

/** Names bound by a declaration pattern (identifiers only; patterns are reported anyway). */
function boundNames(p: N, out: string[]): string[] {
  if (!p) return out;
  if (p.type === 'Identifier') out.push(p.name);
  else if (p.type === 'ObjectPattern') for (const q of p.properties) boundNames(q.type === 'RestElement' ? q.argument : q.value, out);
  else if (p.type === 'ArrayPattern') for (const q of p.elements) boundNames(q, out);
  else if (p.type === 'AssignmentPattern') boundNames(p.left, out);
  else if (p.type === 'RestElement') boundNames(p.argument, out);
  return out;
}

/** Visit every node under `root`; when `shallow`, nested functions are visited but not entered. */
function visit(root: N, shallow: boolean, fn: (n: N, parent?: N) => void): void {
  const stack: N[] = [root];
  const parents: (N | undefined)[] = [undefined];
  while (stack.length) {
    const n = stack.pop()!;
    const parent = parents.pop();
    fn(n, parent);
    if (shallow && n !== root && isFn(n)) continue;
    for (const k of Object.keys(n)) {
      if (k === 'loc' || k === 'start' || k === 'end') continue;
      const v = n[k];
      const kids = Array.isArray(v) ? v : [v];
      for (const c of kids) if (c && typeof c.type === 'string') { stack.push(c); parents.push(n); }
    }
  }
}

export function checkBundle(src: string): Finding[] {
  const found: Finding[] = [];
  const lines = src.split('\n');
  const add = (what: string, n: N) => {
    const line = n.loc!.start.line, col = n.loc!.start.column + 1;
    const text = lines[line - 1] ?? '';
    const from = Math.max(0, col - 1 - 30);
    found.push({ what, line, col, snippet: text.slice(from, col - 1 + 50) });
  };
  let ast: N;
  try {
    ast = parse(src, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowReturnOutsideFunction: true }) as N;
  } catch (e) {
    const err = e as { message: string; loc?: { line: number; column: number } };
    return [{ what: 'does not parse: ' + err.message, line: err.loc?.line ?? 0, col: (err.loc?.column ?? 0) + 1, snippet: '' }];
  }

  // Every name the bundle declares itself: those are not the missing globals.
  const declared = new Set<string>();
  visit(ast, false, (n) => {
    if (n.type === 'VariableDeclarator') boundNames(n.id, []).forEach((x) => declared.add(x));
    if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration' || n.type === 'FunctionExpression' || n.type === 'ClassExpression') && n.id) declared.add(n.id.name);
    if (isFn(n)) for (const p of n.params) boundNames(p, []).forEach((x) => declared.add(x));
    if (n.type === 'CatchClause' && n.param) boundNames(n.param, []).forEach((x) => declared.add(x));
  });

  visit(ast, false, (n, parent) => {
    switch (n.type) {
      case 'AssignmentPattern': add('default parameter / default value', n); break;
      case 'ObjectPattern': case 'ArrayPattern': add('destructuring', n); break;
      case 'RestElement': add('rest parameter/element (...)', n); break;
      case 'SpreadElement': add('spread (...)', n); break;
      case 'AwaitExpression': add('await', n); break;
      case 'YieldExpression': add('yield (generator)', n); break;
      case 'LabeledStatement': add('label statement', n); break;
      case 'TaggedTemplateExpression': add('tagged template', n); break;
      case 'PrivateIdentifier': add('#private member', n); break;
      case 'PropertyDefinition': add('class field', n); break;
      case 'StaticBlock': add('class static block', n); break;
      case 'ImportExpression': add('dynamic import()', n); break;
      case 'ImportDeclaration': case 'ExportNamedDeclaration': case 'ExportDefaultDeclaration': case 'ExportAllDeclaration': add('ES module syntax', n); break;
      case 'MetaProperty': add('import.meta / new.target', n); break;
      case 'ChainExpression': add('optional chaining ?. (not lowered)', n); break;
      case 'BinaryExpression':
        if (n.operator === '**') add('** operator', n);
        if (n.operator === 'instanceof' && n.right.type === 'Identifier' && /Error$/.test(n.right.name)) add('instanceof ' + n.right.name + ' (false for built-in errors on the board)', n);
        break;
      case 'AssignmentExpression':
        if (['**=', '??=', '||=', '&&='].includes(n.operator)) add(n.operator + ' operator', n);
        if (n.left.type === 'MemberExpression' && propName(n.left) === 'length') add('assignment to .length (throws)', n);
        break;
      case 'Property':
        if (n.computed) add('computed key {[k]: v}', n);
        else if (n.key.type === 'Identifier' && INTERNAL_FIELD.test(n.key.name)) add('internal field ' + n.key.name + ' not shortened (the build\'s mangleProps misses it)', n);
        break;
      case 'MethodDefinition': if (n.computed) add('computed method name', n); break;
      case 'Literal':
        if (n.bigint !== undefined) add('BigInt literal', n);
        if (n.regex && /[suyd]/.test(n.regex.flags)) add('regular-expression flag /' + n.regex.flags, n);
        if (n.regex && regexProblem(n.regex.pattern)) add('regular expression ' + n.raw + ': ' + regexProblem(n.regex.pattern), n);
        break;
      case 'ForOfStatement': if (n.await) add('for await', n); break;
      case 'ClassDeclaration': case 'ClassExpression':
        if (n.superClass && n.superClass.type === 'Identifier' && /Error$/.test(n.superClass.name)) add('class extends ' + n.superClass.name, n);
        if (n.type === 'ClassExpression' && n.id) {
          let selfRef = false;
          visit(n.body, false, (m) => { if (m.type === 'Identifier' && m.name === n.id.name) selfRef = true; });
          if (selfRef) add('named class expression referring to itself (class ' + n.id.name + ')', n);
        }
        break;
      case 'Identifier':
        if (/[^\x00-\x7f]/.test(n.name)) add('non-ASCII identifier "' + n.name + '" (the board\'s lexer takes ASCII names only)', n);
        if (MISSING_GLOBALS.includes(n.name) && !declared.has(n.name) && isReference(n, parent)) add('global ' + n.name, n);
        break;
      case 'MemberExpression': {
        const p = propName(n);
        if (!p) break;
        if (INTERNAL_FIELD.test(p)) add('internal field .' + p + ' not shortened (the build\'s mangleProps misses it)', n);
        const o = n.object;
        // Built-in prototypes hold no methods on the board (Object.prototype is the exception).
        if (o.type === 'MemberExpression' && propName(o) === 'prototype' && o.object.type === 'Identifier' && o.object.name !== 'Object' && /^[A-Z]/.test(o.object.name) && !declared.has(o.object.name)) {
          add(o.object.name + '.prototype.' + p + ' (built-in prototypes have no methods on the board; use [].x.call)', n);
        }
        const obj = o.type === 'Identifier' && !declared.has(o.name) ? o.name : '';
        for (const m of MISSING_MEMBERS) if (m[1] === p && (m[0] === '*' || m[0] === obj)) { add(m[2], n); break; }
        break;
      }
    }
    if (isFn(n)) {
      if (n.async) add('async function', n);
      if (n.generator) add('generator function', n);
    }
  });

  checkLoopClosures(ast, add);
  checkCallsBeforeDeclaration(ast, add);
  found.sort((a, b) => a.line - b.line || a.col - b.col);
  return found;
}

function isReference(n: N, parent: N | undefined): boolean {
  if (!parent) return true;
  if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed) return parent.type === 'Property' && parent.shorthand;
  return true;
}

/** A closure made inside `for (let/const …)` that uses the loop variable sees its LAST value. */
function checkLoopClosures(ast: N, add: (what: string, n: N) => void): void {
  visit(ast, false, (loop) => {
    const decl = loop.type === 'ForStatement' ? loop.init : loop.type === 'ForOfStatement' || loop.type === 'ForInStatement' ? loop.left : null;
    if (!decl || decl.type !== 'VariableDeclaration' || decl.kind === 'var') return;
    const names: string[] = [];
    for (const d of decl.declarations) boundNames(d.id, names);
    const parts = [loop.body, loop.test, loop.update].filter(Boolean) as N[];
    for (const part of parts) {
      visit(part, false, (f) => {
        if (!isFn(f)) return;
        const shadow: string[] = [];
        for (const p of f.params) boundNames(p, shadow);
        visit(f.body, false, (id) => {
          if (id.type === 'Identifier' && names.includes(id.name) && !shadow.includes(id.name)) {
            add('closure capturing loop variable "' + id.name + '" (sees only its last value)', id);
            names.splice(names.indexOf(id.name), 1); // once per variable
          }
        });
      });
    }
  });
}

/** The interpreter does not hoist function declarations: a call that runs in the same scope above the declaration fails. */
function checkCallsBeforeDeclaration(ast: N, add: (what: string, n: N) => void): void {
  const scopes: N[] = [ast];
  visit(ast, false, (n) => { if (isFn(n) && n.body.type === 'BlockStatement') scopes.push(n.body); });
  for (const body of scopes) {
    const decls: { [name: string]: number } = {};
    visit(body, true, (n) => { if (n.type === 'FunctionDeclaration' && n !== body && n.id) decls[n.id.name] = n.start; });
    // shallow: calls inside nested functions run later, when the declaration has been seen
    visit(body, true, (n) => {
      if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && decls[n.callee.name] !== undefined && n.start < decls[n.callee.name]) {
        add('call to ' + n.callee.name + '() above its function declaration (no hoisting)', n);
      }
    });
  }
}

export function formatFindings(file: string, f: Finding[]): string {
  return f.map((x) => `${file}:${x.line}:${x.col}: ${x.what}\n    ${x.snippet}`).join('\n');
}
