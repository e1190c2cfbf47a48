// `glowmq/core`: the portable core alone (codec, client, router, memory store), for a
// transport of your own: a browser, a board, a test.
export * from '../../src/core/index';
