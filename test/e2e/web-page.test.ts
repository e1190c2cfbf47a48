// The phone page in real headless Chromium: served by `npm start`'s demo (its /mqtt is the
// embedded aedes over WebSocket) and by `glowmq web` for mosquitto (its /mqtt relayed to
// mosquitto's TCP port). The page shows the device online, its light, switches the light
// (seen in the device's own log and in #light), charts readings with data-seq marks, and
// asks for nothing outside 127.0.0.1.
import { it, expect, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { glowmq, type Proc } from './cli-process';
import { describeWithPeers, peers } from '../support/peers';
import { chromiumPeer, launchChromium, offMachine, type Browser } from '../support/chromium';
import { startMosquitto } from '../support/mosquitto';
import { createNodeClient } from '../../src/node/connect';
import { connected, publishAsync, endAsync } from '../../src/node/promise';

let cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => { for (const undo of cleanup.reverse()) await undo(); cleanup = []; });

const WAIT = { timeout: 20_000 };
const text = (page: Page, selector: string) => page.textContent(selector);
const waitText = (page: Page, selector: string, value: string) =>
  page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, [selector, value] as const, WAIT);
const seqs = (page: Page) => page.$$eval('#chart [data-seq]', (marks) => marks.map((match) => Number(match.getAttribute('data-seq'))));

function printedUrl(proc: Proc): Promise<string> {
  return proc.line(/^http:\/\/127\.0\.0\.1:\d+\/$/).then((line) => line.trim());
}

/** Clicks #toggle and checks the LED followed: in the device's log, then in #light. */
async function toggleAndCheck(page: Page, device: Proc, ledLines: () => string[]): Promise<void> {
  const before = await text(page, '#light');
  const want = before === 'on' ? 'off' : 'on';
  const seen = ledLines().length;
  await page.click('#toggle');
  await waitText(page, '#light', want);
  const line = await device.line(new RegExp(`LED ${want === 'on' ? '(●\\s+)?ON|on' : '(○\\s+)?off'}\\s+<- \\S+ "toggle"`));
  expect(line).toContain('"toggle"');
  expect(ledLines().length).toBeGreaterThan(seen);
  await page.waitForFunction(() => /toggle acknowledged by the broker/.test(document.querySelector('#log')?.textContent ?? ''), undefined, WAIT);
}

/** The chart gains marks as readings arrive, one per seq, consecutive while nothing is lost. */
async function checkChart(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('#chart [data-seq]').length >= 3, undefined, WAIT);
  const first = await seqs(page);
  await page.waitForFunction((count) => {
    const marks = document.querySelectorAll('#chart [data-seq]');
    return Number(marks[marks.length - 1].getAttribute('data-seq')) > count;
  }, Math.max(...first), WAIT);
  const later = await seqs(page);
  expect(later.length).toBeGreaterThan(first.length);
  for (let i = 1; i < later.length; i++) expect(later[i]).toBe(later[i - 1] + 1);
  expect(await text(page, '#chart')).toContain('°C');
}

async function browser(): Promise<Browser> {
  const broker = await launchChromium();
  cleanup.push(() => broker.close());
  return broker;
}

describeWithPeers('the phone page in Chromium, served by the demo', [chromiumPeer()], () => {
  it('loads from the printed address, shows the device online, switches the light, charts readings, stays on 127.0.0.1', async () => {
    const demo = glowmq(['demo', '--port', '0', '--web-port', '0', '--interval', '0.3', '--command-interval', '3600', '--no-color']);
    cleanup.push(() => demo.kill());
    const url = await printedUrl(demo);
    const { page, requests } = await browser();
    await page.goto(url);
    await waitText(page, '#status', 'online');
    await page.waitForFunction(() => document.querySelector('#light')?.getAttribute('data-state') !== 'unknown', undefined, WAIT);
    expect(['on', 'off']).toContain(await text(page, '#light'));
    const ledLines = () => demo.stdout().split('\n').filter((logLine) => /^\[device\] +LED/.test(logLine));
    await toggleAndCheck(page, demo, ledLines);
    await toggleAndCheck(page, demo, ledLines);
    await checkChart(page);
    // The demo's throwaway account was pre-filled: no form was needed.
    expect(await page.isHidden('#login')).toBe(true);
    expect(requests).toContain(url);
    expect(requests.some((result) => result === url.replace('http:', 'ws:') + 'mqtt')).toBe(true);
    expect(offMachine(requests)).toEqual([]);
  }, 90_000);
});

describeWithPeers('glowmq web: the page for mosquitto, through the relay', [chromiumPeer(), peers.mosquitto()], () => {
  it('asks for the credentials (a wrong password is refused), then the same checks', async () => {
    const found = await startMosquitto();
    cleanup.push(() => found.stop());
    const broker = `mqtt://127.0.0.1:${found.port}`;
    const device = glowmq(['device', '--id', 'webtest', '--broker', broker, '-u', 'admin', '-P', 'password', '--interval', '0.3',
      '--command-topic', 'glowmq/webtest/light/set', '--log-level', 'info']);
    cleanup.push(() => device.kill());
    await device.line(/subscribed to glowmq\/webtest\/light\/set/);
    const web = glowmq(['web', '--broker', broker, '--listen', '127.0.0.1:0', '--device', 'webtest']);
    cleanup.push(() => web.kill());
    const url = await printedUrl(web);
    const { page, requests } = await browser();
    await page.goto(url);
    // No credentials in the page: it asks.
    expect(await page.content()).not.toMatch(/data-(user|password)=/);
    await page.waitForSelector('#login', { state: 'visible', ...WAIT });
    await page.fill('#user', 'admin');
    await page.fill('#password', 'wrong');
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() => /not authori[sz]ed|bad user name or password/.test(document.querySelector('#login-error')?.textContent ?? ''), undefined, WAIT);
    await page.fill('#password', 'password');
    await page.click('#login button[type=submit]');
    await waitText(page, '#status', 'online');
    expect(await page.isHidden('#login')).toBe(true);
    // Kept for this browser session only.
    expect(await page.evaluate(() => sessionStorage.getItem('glowmq.password'))).toBe('password');
    await page.waitForFunction(() => document.querySelector('#light')?.getAttribute('data-state') !== 'unknown', undefined, WAIT);
    const ledLines = () => (device.stdout() + device.stderr()).split('\n').filter((line) => /LED/.test(line));
    await toggleAndCheck(page, device, ledLines);
    await toggleAndCheck(page, device, ledLines);
    await checkChart(page);
    expect(web.stderr()).toMatch(/\[web\] browser 127\.0\.0\.1:\d+ ⇄ broker 127\.0\.0\.1:\d+/);
    expect(offMachine(requests)).toEqual([]);
    // A reload keeps the session's credentials: online again without the form.
    await page.reload();
    await waitText(page, '#status', 'online');
    expect(await page.isHidden('#login')).toBe(true);
  }, 90_000);
});

describeWithPeers('the chart: gaps in seq are gaps', [chromiumPeer(), peers.mosquitto()], () => {
  it('readings 0, 1, 2, 5, 6: five marks, two line pieces, and the missing ones named in the log', async () => {
    const match2 = await startMosquitto();
    cleanup.push(() => match2.stop());
    const broker = `mqtt://127.0.0.1:${match2.port}`;
    const web = glowmq(['web', '--broker', broker, '--listen', '127.0.0.1:0', '--device', 'gappy']);
    cleanup.push(() => web.kill());
    const url = await printedUrl(web);
    const { page } = await browser();
    await page.goto(url);
    await page.fill('#user', 'admin');
    await page.fill('#password', 'password');
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() => /connected to/.test(document.querySelector('#log')?.textContent ?? ''), undefined, WAIT);
    const fake = createNodeClient(broker, { clientId: 'gappy', username: 'admin', password: 'password', logLevel: 'silent' });
    cleanup.push(() => endAsync(fake, true));
    await connected(fake);
    await publishAsync(fake, 'glowmq/gappy/status', 'online', { qos: 1, retain: true });
    await waitText(page, '#status', 'online');
    for (const seq of [0, 1, 2, 5, 6]) {
      await publishAsync(fake, 'glowmq/gappy/sensors/temperature', JSON.stringify({ value: 20 + seq / 10, unit: '°C', ts: Date.now(), seq }), { qos: 1 });
    }
    await page.waitForFunction(() => document.querySelectorAll('#chart [data-seq]').length === 5, undefined, WAIT);
    expect(await seqs(page)).toEqual([0, 1, 2, 5, 6]);
    expect(await page.$$eval('#chart [data-sensor=temperature] polyline', (lines) => lines.map((line) => line.getAttribute('points')!.split(' ').length))).toEqual([3, 2]);
    expect(await text(page, '#log')).toContain('temperature: readings 3–4 missing');
  }, 90_000);
});
