// Entry of the one-file Node build (dist/node/glowmq.cjs): `node glowmq.cjs <command> …`, and
// the package's bin (`npx glowmq`). It runs only as the program itself: a require() of the file
// from another program loads it and does nothing (no usage text, no exit of the host).
import { main } from '../../src/node/cli/main';
import { processIo } from '../../src/node/cli/io';

declare const require: NodeJS.Require | undefined;
declare const module: NodeJS.Module | undefined;

function run(): void {
  main(process.argv.slice(2), processIo()).then((code) => {
    // Let stdout drain (piped output), then exit even if a socket or timer lingers.
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
  }, (error) => {
    process.stderr.write(`glowmq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

// The bundle is CommonJS: this module is the program when Node started it (node glowmq.cjs,
// or the bin symlink). Run from source (tsx) there is no CommonJS module: run too.
if (typeof module === 'undefined' || typeof require === 'undefined' || require.main === module) run();
