// The wrong port: a real HTTP server (node:http, on a free port) where the broker should be.
// The client names it, quoting the status line, instead of a malformed-packet error.
import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeClient } from '../../src/node/connect';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { nextEvent } from '../support/wait';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((_request, response) => { response.writeHead(200); response.end('hello'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); });

describe('an HTTP server where the broker should be', () => {
  for (const [name, codec] of [['default codec', undefined], ['mqtt-packet codec', mqttPacketCodec]] as const) {
    it(`${name}: the error says "not an MQTT broker" and quotes the server's status line`, async () => {
      const client = createNodeClient(`mqtt://127.0.0.1:${port}`, { logLevel: 'silent', codec, reconnectMin: 60_000 });
      try {
        const [error] = await nextEvent(client, 'error');
        expect((error as Error).message).toMatch(/not an MQTT broker \(it answered "HTTP\/1\.1 400 Bad Request"\)/);
        expect((error as Error).message).not.toMatch(/malformed/);
      } finally { client.end(true); }
    });
  }
});
