// Entry of the one-file Node build (dist/node/glowmq.cjs): `node glowmq.cjs <command> …`.
import { main } from '../../src/node/cli/main';
import { processIo } from '../../src/node/cli/io';

main(process.argv.slice(2), processIo()).then((code) => {
  // Let stdout drain (piped output), then exit even if a socket or timer lingers.
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}, (e) => {
  process.stderr.write(`glowmq: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
