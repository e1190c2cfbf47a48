// The phone page as one self-contained HTML document: markup, style and the script
// (targets/browser/page.ts, glowmq's core bundled for the browser) inline, nothing fetched
// from anywhere. Its Content-Security-Policy says the same to the browser: only this inline
// script and style, and connections only back to the server that served it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

declare const GLOWMQ_PAGE_SCRIPT: string | undefined;

export interface PageOptions {
  /** Device id shown first (the page can pick another). */
  device?: string;
  /** Where #toggle publishes; `<base>` is glowmq/<device>. Default <base>/light/set. */
  commandTopic?: string;
  /** The demo's own throwaway account, pre-filled. Never a real broker's. */
  demoAccount?: { user: string; password: string };
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #667; --accent: #ff9f1c; --ok: #1a7f37; --bad: #b42318; }
@media (prefers-color-scheme: dark) { :root { --bg: #12151c; --card: #1c212b; --ink: #e8eaf0; --muted: #99a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap; padding: .8rem 1rem; background: var(--card); border-bottom: 1px solid #8883; }
header h1 { font-size: 1.2rem; margin: 0; }
#connection { color: var(--muted); font-size: .9rem; }
#connection[data-state=connected] { color: var(--ok); }
main { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: minmax(0, 1fr); max-width: 1100px; margin: 0 auto; }
@media (min-width: 800px) { main { grid-template-columns: 320px minmax(0, 1fr); } #readings, #log-card { grid-column: 2; } #device-card { grid-row: 1 / span 2; } }
section { background: var(--card); border-radius: 12px; padding: 1rem; box-shadow: 0 1px 3px #0002; }
h2 { font-size: 1rem; margin: 0 0 .6rem; color: var(--muted); font-weight: 600; }
.state { display: flex; justify-content: space-between; align-items: center; padding: .35rem 0; font-size: 1.1rem; }
.badge { font-weight: 700; padding: .15rem .6rem; border-radius: 99px; background: #8882; }
#status[data-state=online] { background: #1a7f3722; color: var(--ok); }
#status[data-state=offline] { background: #b4231822; color: var(--bad); }
#light[data-state=on] { background: var(--accent); color: #231500; box-shadow: 0 0 18px var(--accent); }
button { font: inherit; border: 0; border-radius: 10px; padding: .7rem 1rem; background: var(--accent); color: #231500; font-weight: 700; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
#toggle { width: 100%; margin-top: .8rem; font-size: 1.1rem; }
#logout { background: #8883; color: var(--ink); font-weight: 400; padding: .3rem .7rem; margin-left: auto; }
form { display: grid; gap: .5rem; margin-top: 1rem; }
form[hidden] { display: none; }
label { display: grid; gap: .2rem; font-size: .85rem; color: var(--muted); }
input { font: inherit; padding: .5rem; border-radius: 8px; border: 1px solid #8886; background: var(--bg); color: var(--ink); }
#login-error { color: var(--bad); min-height: 1.2em; margin: 0; font-size: .9rem; }
#chart { width: 100%; display: block; font-size: 12px; }
#chart .axes line { stroke: #8888; } #chart .axes .grid { stroke: #8882; }
#chart text { fill: var(--muted); stroke: none; } #chart .unit { font-weight: 700; }
#chart polyline { stroke-width: 2; }
#latest, #topics { margin: .4rem 0 0; color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
#topics { margin-top: 1rem; font-size: .8rem; }
#log { list-style: none; margin: 0; padding: 0; font: 13px/1.5 ui-monospace, "Noto Sans Mono", monospace; max-height: 16rem; overflow: auto; }
#log li { border-bottom: 1px solid #8881; padding: .1rem 0; overflow-wrap: anywhere; }
#log .command { color: var(--accent); } #log .ack { color: var(--ok); } #log .error, #log .warn { color: var(--bad); }
`;

const BODY = `
<header><h1>glowmq · phone</h1><span id="connection" data-state="connecting">loading…</span><button id="logout" type="button" hidden>sign out</button></header>
<main>
<section id="device-card"><h2>Device <span id="device-name"></span></h2>
<div class="state">status <span id="status" class="badge" data-state="offline">offline</span></div>
<div class="state">light <span id="light" class="badge" data-state="unknown">off</span></div>
<button id="toggle" type="button" disabled>Toggle the light</button>
<p id="topics"></p>
<form id="login" hidden autocomplete="on">
<label>device id <input id="device" list="devices" autocomplete="off" placeholder="found on the broker"></label><datalist id="devices"></datalist>
<label>user name <input id="user" autocomplete="username"></label>
<label>password <input id="password" type="password" autocomplete="current-password"></label>
<button type="submit">Connect</button><p id="login-error" role="alert"></p>
</form></section>
<section id="readings"><h2>Readings</h2><svg id="chart" role="img" aria-label="sensor readings"></svg><p id="latest"></p></section>
<section id="log-card"><h2>Log</h2><ol id="log"></ol></section>
</main>
`;

const attribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

let cachedScript: string | undefined;

/** The page's script: inside the one-file build (esbuild `define`), else dist/web/page.js from `npm run build`. */
export function pageScript(): string {
  if (cachedScript !== undefined) return cachedScript;
  if (typeof GLOWMQ_PAGE_SCRIPT === 'string' && GLOWMQ_PAGE_SCRIPT) return (cachedScript = GLOWMQ_PAGE_SCRIPT);
  // The module's folder (src/node from source), then upwards to the package root.
  let dir = typeof __dirname === 'string' ? __dirname : dirname(new URL(import.meta.url).pathname);
  for (let level = 0; level < 4; level++, dir = dirname(dir)) {
    const file = join(dir, 'dist', 'web', 'page.js');
    if (existsSync(file)) return (cachedScript = readFileSync(file, 'utf8'));
  }
  throw new Error('the page script is not built: run npm run build');
}

export interface Page { html: string; contentSecurityPolicy: string }

export function renderPage(options: PageOptions): Page {
  // "</script" cannot appear inside an inline script; the bundle is ASCII, so escape its "<".
  const script = pageScript().replace(/<\/(script)/gi, '<\\/$1');
  const data = [
    options.device ? ` data-device="${attribute(options.device)}"` : '',
    options.commandTopic ? ` data-command-topic="${attribute(options.commandTopic)}"` : '',
    options.demoAccount ? ` data-user="${attribute(options.demoAccount.user)}" data-password="${attribute(options.demoAccount.password)}"` : '',
  ].join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>glowmq · phone</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body${data}>${BODY}<script>${script}</script></body></html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'", `script-src 'sha256-${sha256(script)}'`, `style-src 'sha256-${sha256(STYLE)}'`,
    "connect-src 'self'", 'img-src data:', "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
