// Running bundles on the real Espruino interpreter (its Linux build, ESPRUINO_BIN): start it
// on a file or booting from its emulated flash, wait for a line, write files into its Storage
// as an upload to flash does, and read its memory from the console.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Interpreter { proc: ChildProcess; out: () => string; done: Promise<string> }

/** Runs the interpreter on a file (none: it boots from its flash, as a board powering up);
 *  `done` resolves once `until` appears in its output. */
export function runUntil(bin: string, file: string | null, cwd: string, until: RegExp, ms: number): Interpreter {
  const proc = spawn(bin, file ? [file] : [], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('interpreter: no ' + until + ' within ' + ms + ' ms; output:\n' + out.slice(-3000))); }, ms);
    const onOutput = (chunk: Buffer) => { out += chunk.toString('latin1'); if (until.test(out)) { clearTimeout(timer); resolve(out); } };
    proc.stdout!.on('data', onOutput);
    proc.stderr!.on('data', onOutput);
    proc.on('exit', () => { clearTimeout(timer); if (!until.test(out)) reject(new Error('interpreter exited; output:\n' + out.slice(-3000))); });
  });
  return { proc, out: () => out, done };
}

/** Puts host files into the interpreter's emulated flash (Storage name → host path) in
 *  512-byte chunks, read from the file a chunk at a time as an upload to a board's flash
 *  writes them (a 1,600-variable build cannot hold a 16 KB file in RAM); that interpreter is
 *  then stopped. */
export async function flash(bin: string, cwd: string, files: { [name: string]: string }): Promise<void> {
  const writes = Object.keys(files).map((name) => `write(${JSON.stringify(name)}, ${JSON.stringify(files[name])}, ${statSync(files[name]!).size});\n`).join('');
  writeFileSync(join(cwd, 'load.js'), `var S = require("Storage"); S.eraseAll();
function write(name, path, size) {
  var file = E.openFile(path, 'r'), at = 0, chunk;
  while ((chunk = file.read(512))) { S.write(name, chunk, at, size); at += chunk.length; }
  file.close();
}
${writes}print('STORED');`);
  const load = runUntil(bin, join(cwd, 'load.js'), cwd, /STORED/, 10_000);
  try { await load.done; } finally { load.proc.kill('SIGKILL'); }
}

let query = 0;
const helperInstalled = new WeakSet<Interpreter>();
/** Variables in use and in all, read through the console (after a garbage collection, as the
 *  board reports it); null when the interpreter did not answer in time. Console lines stay
 *  short: the Linux build asserts when one read from its console is over 64 bytes, and lines
 *  written while it is busy arrive together. */
export async function memoryUsage(board: Interpreter, ms = 3000): Promise<{ usage: number; total: number } | null> {
  if (!helperInstalled.has(board)) {
    helperInstalled.add(board);
    board.proc.stdin!.write('\x10var P=process;\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    board.proc.stdin!.write("\x10function Q(t){var m=P.memory();print(t,m.usage,m.total)}\n");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tag = 'Q' + (++query);
  board.proc.stdin!.write(`\x10Q('${tag}')\n`);
  const pattern = new RegExp(tag + ' (\\d+) (\\d+)');
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const check = () => {
      const found = pattern.exec(board.out());
      if (found) resolve({ usage: Number(found[1]), total: Number(found[2]) });
      else if (Date.now() > end) resolve(null);
      else setTimeout(check, 20);
    };
    check();
  });
}
