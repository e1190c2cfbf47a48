// The core alone (codec + client + router), for its size budget: build with
// `node esbuild.config.mjs --only espruino-core` → dist/espruino/core.js (global `glowmq`).
export * from '../../src/core/index';
