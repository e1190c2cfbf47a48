// Debian's Chromium, headless, driven by playwright-core (no browser download): a fresh
// user-data directory per launch, no background traffic of its own, and every request and
// WebSocket the page makes recorded, so a test can show that nothing left the machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hasCommand, type Peer } from './peers';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const chromiumPeer = (): Peer => ({ name: `chromium (${CHROMIUM})`, install: 'apt-get install chromium fonts-noto-cjk', present: hasCommand(CHROMIUM) });

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for: HTTP requests and WebSockets, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'glowmq-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport, deviceScaleFactor,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-default-apps', '--disable-extensions'],
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? await context.newPage();
  page.on('websocket', (socket) => requests.push(socket.url()));
  return {
    context, page, requests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The requests whose host is not 127.0.0.1 (data: URLs never leave the page). */
export function offMachine(requests: string[]): string[] {
  return requests.filter((url) => !url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1');
}
