import { defineConfig } from 'vitest/config';

// The suites that run bundles on the real Espruino interpreter (ESPRUINO_BIN). They are not
// part of `npm test`: CI cannot have the interpreter (no registry ships it).
export default defineConfig({
  test: {
    include: ['test/board/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    maxWorkers: 1,
  },
});
