import { defineConfig } from 'vitest/config';

// Real brokers, pseudo-terminals and child processes: generous per-test time, and
// at most two files at once on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/board runs bundles on the real Espruino interpreter: `npm run test:board` (ESPRUINO_BIN).
    exclude: ['test/board/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    maxWorkers: 2,
    reporters: ['default'],
  },
});
