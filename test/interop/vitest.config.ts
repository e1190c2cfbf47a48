import { defineConfig } from 'vitest/config';

// `npm run test:interop`: glowmq against brokers other than mosquitto and aedes (RabbitMQ,
// ActiveMQ). Files are named *.interop.ts so the main `npm test` (test/**/*.test.ts) does
// not pick them up: each broker is a JVM or an Erlang VM that takes seconds to start.
export default defineConfig({
  test: {
    include: ['test/interop/**/*.interop.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: 1, // one broker VM at a time on a 2-core machine
    fileParallelism: false,
    reporters: ['default'],
  },
});
