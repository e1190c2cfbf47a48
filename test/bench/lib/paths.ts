// Where things are: the repository root and the bench's build cache.
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BENCH = join(ROOT, 'test/bench');
/** Bundled workers go here (inside node_modules so `require('mqtt')` resolves from them). */
export const CACHE = join(ROOT, 'node_modules/.cache/glowmq-bench');
