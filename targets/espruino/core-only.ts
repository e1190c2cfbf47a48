// The core alone (codec + client + router), for its size budget: build with
// `node esbuild.config.mjs --only espruino-core` → dist/espruino/core.js (global `glowmq`).
// A plain object, not `export *`: esbuild's namespace object costs a getter per name, and its
// CommonJS export copies getters in a loop closure the board runs wrongly.
import { Client, LiteClient, Router, MemoryStore, topicNameError, topicFilterError, topicMatches, utf8Encode, utf8Decode, boardCodec } from '../../src/core/index';
import { WITH_QOS2, WITH_STORE } from '../../src/core/features';

declare const global: { glowmq: unknown };
global.glowmq = {
  // Without QoS 2 and a store (the lite profile) the lite client, made for small boards.
  Client: WITH_QOS2 || WITH_STORE ? Client : LiteClient, Router: Router, MemoryStore: MemoryStore, boardCodec: boardCodec, utf8Encode: utf8Encode, utf8Decode: utf8Decode,
  topicNameError: topicNameError, topicFilterError: topicFilterError, topicMatches: topicMatches,
};
