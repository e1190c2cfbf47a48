// Builds every bundle once before the suites run: CLI, one-file and board tests use dist/.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.config.mjs', '--quiet', '--no-limits'], { stdio: 'inherit' });
}
