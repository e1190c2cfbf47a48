// The core alone (codec + client + router), for its size budget: build with
// `node esbuild.config.mjs --only espruino-core` → dist/espruino/core.js (global `glowmq`).
// A plain object, not `export *`: esbuild's namespace object costs a getter per name, and its
// CommonJS export copies getters in a loop closure the board runs wrongly.
import { Client, Router, MemoryStore, topicNameError, topicFilterError, topicMatches, utf8Encode, utf8Decode, boardCodec } from '../../src/core/index';

declare const global: { glowmq: unknown };
global.glowmq = {
  Client: Client, Router: Router, MemoryStore: MemoryStore, boardCodec: boardCodec, utf8Encode: utf8Encode, utf8Decode: utf8Decode,
  topicNameError: topicNameError, topicFilterError: topicFilterError, topicMatches: topicMatches,
};
