// Parses JavaScript meant for an Espruino board and reports every construct and global the
// interpreter lacks (shared/docs/espruino.md's right-hand column, plus what probing the
// 2v29 Linux build showed). Each finding names what, where (line:col) and a snippet.
// It checks the BUILT bundle, so whatever esbuild emits (helpers, lowered syntax) is judged
// as the board will see it.
// What the board lacks is listed once, in espruino-subset.mjs, shared with the lint config.
import { parse, type Node } from 'acorn';
import esquery from 'esquery';
import { MISSING_GLOBALS, MISSING_MEMBERS, SYNTAX_RULES, regexProblem } from '../../espruino-subset.mjs';

export { regexProblem };

export interface Finding { what: string; line: number; col: number; snippet: string }

type N = Node & { [k: string]: any }; // acorn's ESTree nodes, read loosely

const SYNTAX = SYNTAX_RULES.map(([selector, why]) => [esquery.parse(selector), why] as const);
// acorn's tree has node types esquery's traversal does not list (class fields, chains): walk every key.
const ESQUERY_OPTIONS = { fallback: (node: N) => Object.keys(node).filter((key) => key !== 'loc' && node[key] && typeof node[key] === 'object') };

/** Internal object fields end in an underscore; every board build shortens them (esbuild.config.mjs).
 *  (A name of two characters or more: the build itself may shorten a field to `_`.) */
const INTERNAL_FIELD = /._$/;

const isFn = (node: N) => node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';

function propName(member: N): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.computed && member.property.type === 'Literal' && typeof member.property.value === 'string') return member.property.value;
  return undefined;
}

/** Names bound by a declaration pattern (identifiers only; patterns are reported anyway). */
function boundNames(pattern: N, out: string[]): string[] {
  if (!pattern) return out;
  if (pattern.type === 'Identifier') out.push(pattern.name);
  else if (pattern.type === 'ObjectPattern') for (const item of pattern.properties) boundNames(item.type === 'RestElement' ? item.argument : item.value, out);
  else if (pattern.type === 'ArrayPattern') for (const item of pattern.elements) boundNames(item, out);
  else if (pattern.type === 'AssignmentPattern') boundNames(pattern.left, out);
  else if (pattern.type === 'RestElement') boundNames(pattern.argument, out);
  return out;
}

/** Visit every node under `root`; when `shallow`, nested functions are visited but not entered. */
function visit(root: N, shallow: boolean, onNode: (node: N, parent?: N) => void): void {
  const stack: N[] = [root];
  const parents: (N | undefined)[] = [undefined];
  while (stack.length) {
    const node = stack.pop()!;
    const parent = parents.pop();
    onNode(node, parent);
    if (shallow && node !== root && isFn(node)) continue;
    for (const k of Object.keys(node)) {
      if (k === 'loc' || k === 'start' || k === 'end') continue;
      const value = node[k];
      const kids = Array.isArray(value) ? value : [value];
      for (const child of kids) if (child && typeof child.type === 'string') { stack.push(child); parents.push(node); }
    }
  }
}

export function checkBundle(src: string): Finding[] {
  const found: Finding[] = [];
  const lines = src.split('\n');
  const add = (what: string, node: N) => {
    const line = node.loc!.start.line, col = node.loc!.start.column + 1;
    const text = lines[line - 1] ?? '';
    const from = Math.max(0, col - 1 - 30);
    found.push({ what, line, col, snippet: text.slice(from, col - 1 + 50) });
  };
  let ast: N;
  try {
    ast = parse(src, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowReturnOutsideFunction: true }) as N;
  } catch (error) {
    const err = error as { message: string; loc?: { line: number; column: number } };
    return [{ what: 'does not parse: ' + err.message, line: err.loc?.line ?? 0, col: (err.loc?.column ?? 0) + 1, snippet: '' }];
  }

  // Every name the bundle declares itself: those are not the missing globals.
  const declared = new Set<string>();
  visit(ast, false, (node) => {
    if (node.type === 'VariableDeclarator') boundNames(node.id, []).forEach((name) => declared.add(name));
    if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration' || node.type === 'FunctionExpression' || node.type === 'ClassExpression') && node.id) declared.add(node.id.name);
    if (isFn(node)) for (const param of node.params) boundNames(param, []).forEach((name) => declared.add(name));
    if (node.type === 'CatchClause' && node.param) boundNames(node.param, []).forEach((name) => declared.add(name));
  });

  visit(ast, false, (node, parent) => {
    switch (node.type) {
      case 'ImportDeclaration': case 'ExportNamedDeclaration': case 'ExportDefaultDeclaration': case 'ExportAllDeclaration': add('ES module syntax', node); break;
      case 'ChainExpression': add('optional chaining ?. (not lowered)', node); break;
      case 'Property':
        if (!node.computed && node.key.type === 'Identifier' && INTERNAL_FIELD.test(node.key.name)) add('internal field ' + node.key.name + ' not shortened (the build\'s mangleProps misses it)', node);
        break;
      case 'Literal':
        if (node.regex && regexProblem(node.regex.pattern)) add('regular expression ' + node.raw + ': ' + regexProblem(node.regex.pattern), node);
        break;
      case 'ClassExpression':
        if (node.id) {
          let selfRef = false;
          visit(node.body, false, (member) => { if (member.type === 'Identifier' && member.name === node.id.name) selfRef = true; });
          if (selfRef) add('named class expression referring to itself (class ' + node.id.name + ')', node);
        }
        break;
      case 'Identifier':
        if (/[^\x00-\x7f]/.test(node.name)) add('non-ASCII identifier "' + node.name + '" (the board\'s lexer takes ASCII names only)', node);
        if (MISSING_GLOBALS.includes(node.name) && !declared.has(node.name) && isReference(node, parent)) add('global ' + node.name, node);
        break;
      case 'MemberExpression': {
        const property = propName(node);
        if (!property) break;
        if (INTERNAL_FIELD.test(property)) add('internal field .' + property + ' not shortened (the build\'s mangleProps misses it)', node);
        const object = node.object;
        const obj = object.type === 'Identifier' && !declared.has(object.name) ? object.name : '';
        for (const member of MISSING_MEMBERS) if (member[1] === property && (member[0] === '*' || member[0] === obj)) { add(member[2], node); break; }
        break;
      }
    }
  });

  // The syntax rules the lint config also applies to the source, matched here on the bundle.
  for (const [selector, why] of SYNTAX) for (const node of esquery.match(ast as any, selector, ESQUERY_OPTIONS)) add(why, node as N);

  checkLoopClosures(ast, add);
  checkCallsBeforeDeclaration(ast, add);
  found.sort((first, second) => first.line - second.line || first.col - second.col);
  return found;
}

function isReference(node: N, parent: N | undefined): boolean {
  if (!parent) return true;
  if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === node && !parent.computed) return parent.type === 'Property' && parent.shorthand;
  return true;
}

/** A closure made inside `for (let/const …)` that uses the loop variable sees its LAST value. */
function checkLoopClosures(ast: N, add: (what: string, node: N) => void): void {
  visit(ast, false, (loop) => {
    const decl = loop.type === 'ForStatement' ? loop.init : loop.type === 'ForOfStatement' || loop.type === 'ForInStatement' ? loop.left : null;
    if (!decl || decl.type !== 'VariableDeclaration' || decl.kind === 'var') return;
    const names: string[] = [];
    for (const declarator of decl.declarations) boundNames(declarator.id, names);
    const parts = [loop.body, loop.test, loop.update].filter(Boolean) as N[];
    for (const part of parts) {
      visit(part, false, (inner) => {
        if (!isFn(inner)) return;
        const shadow: string[] = [];
        for (const param of inner.params) boundNames(param, shadow);
        visit(inner.body, false, (identifier) => {
          if (identifier.type === 'Identifier' && names.includes(identifier.name) && !shadow.includes(identifier.name)) {
            add('closure capturing loop variable "' + identifier.name + '" (sees only its last value)', identifier);
            names.splice(names.indexOf(identifier.name), 1); // once per variable
          }
        });
      });
    }
  });
}

/** The interpreter does not hoist function declarations: a call that runs in the same scope above the declaration fails. */
function checkCallsBeforeDeclaration(ast: N, add: (what: string, node: N) => void): void {
  const scopes: N[] = [ast];
  visit(ast, false, (node) => { if (isFn(node) && node.body.type === 'BlockStatement') scopes.push(node.body); });
  for (const body of scopes) {
    const decls: { [name: string]: number } = {};
    visit(body, true, (node) => { if (node.type === 'FunctionDeclaration' && node !== body && node.id) decls[node.id.name] = node.start; });
    // shallow: calls inside nested functions run later, when the declaration has been seen
    visit(body, true, (node) => {
      if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && decls[node.callee.name] !== undefined && node.start < decls[node.callee.name]) {
        add('call to ' + node.callee.name + '() above its function declaration (no hoisting)', node);
      }
    });
  }
}

export function formatFindings(file: string, findings: Finding[]): string {
  return findings.map((finding) => `${file}:${finding.line}:${finding.col}: ${finding.what}\n    ${finding.snippet}`).join('\n');
}
