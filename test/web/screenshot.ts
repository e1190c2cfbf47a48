// `npm run screenshot`: the README's pictures of the phone page, made in headless Chromium
// from the demo (`npm start`), on a desktop and on a phone-sized screen, and the page's
// figures: bytes transferred, the core's share of them, and the time from navigation to
// #status "online". Not a test: it prints what it measured.
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { launchChromium } from '../support/chromium';

const OUT = { desktop: 'docs/phone-page.png', phone: 'docs/phone-page-phone.png' };
const VIEWPORTS = { desktop: { width: 1200, height: 760 }, phone: { width: 390, height: 844 } };
const READINGS_SHOWN = 40;
const WAIT = { timeout: 60_000 };

/** Bytes of the page script that come from src/core (esbuild's own accounting, minified). */
async function coreShare(): Promise<{ core: number; total: number }> {
  const result = await esbuild.build({
    entryPoints: ['targets/browser/page.ts'], bundle: true, format: 'iife', platform: 'browser', target: 'es2019',
    minify: true, legalComments: 'none', charset: 'ascii', write: false, metafile: true, outfile: 'page.js',
  });
  const output = Object.values(result.metafile.outputs)[0];
  let core = 0, total = 0;
  for (const [file, input] of Object.entries(output.inputs)) {
    total += input.bytesInOutput;
    if (file.startsWith('src/core/')) core += input.bytesInOutput;
  }
  return { core, total };
}

/** The demo from the one-file build, and the address it prints on its own line. */
function startDemo(): { url: Promise<string>; stop(): void } {
  const demo = spawn(process.execPath, ['dist/node/glowmq.cjs', 'demo', '--port', '0', '--web-port', '0', '--interval', '0.25', '--command-interval', '3600', '--no-color'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    demo.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const found = /^http:\/\/127\.0\.0\.1:\d+\/$/m.exec(output);
      if (found) resolve(found[0]);
    });
    demo.on('exit', (code) => reject(new Error(`the demo exited (${code}) before printing its address:\n${output}`)));
  });
  return { url, stop: () => { demo.kill('SIGTERM'); } };
}

async function main(): Promise<void> {
  const demo = startDemo();
  try {
    const url = await demo.url;
    for (const kind of ['desktop', 'phone'] as const) {
      const browser = await launchChromium(VIEWPORTS[kind], kind === 'phone' ? 2 : 1);
      const { page } = browser;
      // When #status first reads "online", in ms since navigation started (the page's own clock).
      await page.addInitScript(() => {
        const watch = new MutationObserver(() => {
          if (document.getElementById('status')?.textContent === 'online') { (window as unknown as { onlineAt: number }).onlineAt = performance.now(); watch.disconnect(); }
        });
        watch.observe(document, { subtree: true, childList: true, characterData: true });
      });
      // What crossed the wire for the page (headers and the gzipped body), and its size unpacked.
      let transferred = 0, unpacked = 0, requests = 0;
      page.on('requestfinished', async (request) => {
        requests++;
        const sizes = await request.sizes();
        transferred += sizes.responseHeadersSize + sizes.responseBodySize;
        const response = await request.response();
        if (response) unpacked += (await response.body()).length;
      });
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { onlineAt?: number }).onlineAt !== undefined, undefined, WAIT);
      const onlineAt = await page.evaluate(() => (window as unknown as { onlineAt: number }).onlineAt);
      // The light on in the picture (the demo keeps its state from the run before).
      await page.waitForFunction(() => document.querySelector('#light')?.getAttribute('data-state') !== 'unknown', undefined, WAIT);
      if (await page.textContent('#light') !== 'on') await page.click('#toggle');
      await page.waitForFunction(() => document.querySelector('#light')?.textContent === 'on', undefined, WAIT);
      await page.waitForFunction((count) => document.querySelectorAll('#chart [data-seq]').length >= count, READINGS_SHOWN, WAIT);
      await page.screenshot({ path: OUT[kind], fullPage: kind === 'phone' });
      console.log(`${kind}: ${OUT[kind]}; ${requests} request(s), ${transferred} B transferred (${unpacked} B unpacked), #status online ${onlineAt.toFixed(0)} ms after navigation started`);
      await browser.close();
    }
    const html = readFileSync('dist/web/page.js');
    const share = await coreShare();
    console.log(`page script ${html.length} B, of which src/core ${share.core} B (${Math.round((share.core * 100) / share.total)} %)`);
  } finally {
    demo.stop();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
