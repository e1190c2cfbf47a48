/// <reference lib="dom" />
// The "phone" page: glowmq's portable core in the browser, over a WebSocket to /mqtt on the
// server that served the page. It shows the device's status and light, switches the light,
// charts the readings and logs commands and acknowledgements.
// Credentials are never in the page: they are asked for and kept in sessionStorage (this tab,
// this session). The demo's server may pre-fill its own throwaway account (data-user/-password).
import { Client } from '../../src/core/client';
import { boardCodec } from '../../src/core/codec/index';
import { utf8Decode } from '../../src/core/utf8';
import type { Platform } from '../../src/core/types';
import { browserWsTransport } from '../../src/transport/browser-ws';
import { drawChart, KEEP_READINGS, type Reading, type Series } from './chart';

const KEEPALIVE_SECONDS = 30;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 10000;
const LOG_LINES = 40;
const STORAGE = { user: 'glowmq.user', password: 'glowmq.password', device: 'glowmq.device' };
const DISCOVERY_FILTER = 'glowmq/+/status';
/** Client ids: phone- and six hex digits, as the demo's own clients are named by role. */
const CLIENT_ID_RANGE = 0x1000000;
const HEX_RADIX = 16;
const enum Qos { AtMostOnce = 0, AtLeastOnce = 1 }

const byId = <T extends HTMLElement>(elementId: string): T => document.getElementById(elementId) as T;
const view = {
  connection: byId('connection'), status: byId('status'), light: byId('light'), device: byId('device-name'),
  toggle: byId<HTMLButtonElement>('toggle'), chart: document.getElementById('chart') as unknown as SVGSVGElement,
  latest: byId('latest'), topics: byId('topics'), log: byId('log'), login: byId<HTMLFormElement>('login'), loginError: byId('login-error'),
  userField: byId<HTMLInputElement>('user'), passwordField: byId<HTMLInputElement>('password'),
  deviceField: byId<HTMLInputElement>('device'), devices: byId('devices'), logout: byId<HTMLButtonElement>('logout'),
};
const settings = document.body.dataset;

const platform: Platform = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (timer) => clearTimeout(timer as number),
  random: Math.random,
  log: (level, message) => { if (level !== 'debug') console.log('glowmq ' + level + ': ' + message); },
};

let client: Client | undefined;
let base = '';
let series: Series[] = [];
const seenDevices: { [deviceId: string]: boolean } = {};

function log(text: string, kind = ''): void {
  const line = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  line.textContent = time + '  ' + text;
  if (kind) line.className = kind;
  view.log.insertBefore(line, view.log.firstChild);
  while (view.log.children.length > LOG_LINES) view.log.removeChild(view.log.lastChild!);
}

function setText(element: HTMLElement, text: string, state?: string): void {
  element.textContent = text;
  element.dataset.state = state ?? text;
}

/** The broker's WebSocket: the same server as the page, path /mqtt. */
function brokerUrl(): string {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/mqtt';
}

function commandTopic(): string {
  return (settings.commandTopic || '<base>/light/set').replace('<base>', base);
}

function onReading(sensor: string, text: string): void {
  let reading: Reading;
  try {
    const parsed = JSON.parse(text);
    reading = { seq: Number(parsed.seq), value: Number(parsed.value), unit: String(parsed.unit ?? ''), ts: parsed.ts };
    if (!isFinite(reading.seq) || !isFinite(reading.value)) throw new Error('no number');
  } catch {
    log(`${sensor}: not a reading: ${text.slice(0, 60)}`, 'warn');
    return;
  }
  let one = series.find((candidate) => candidate.name === sensor);
  if (!one) { one = { name: sensor, readings: [] }; series.push(one); }
  const last = one.readings[one.readings.length - 1];
  if (last && reading.seq <= last.seq) {
    // seq counts from 0 at each start of the device: a new run, drawn afresh.
    log(`${sensor}: seq went back to ${reading.seq}: the device restarted`);
    one.readings = [];
  } else if (last && reading.seq > last.seq + 1) {
    log(`${sensor}: readings ${last.seq + 1}${reading.seq > last.seq + 2 ? '–' + (reading.seq - 1) : ''} missing`, 'warn');
  }
  one.readings.push(reading);
  if (one.readings.length > KEEP_READINGS) one.readings.splice(0, one.readings.length - KEEP_READINGS);
  view.latest.textContent = `${sensor} ${reading.value} ${reading.unit} (seq ${reading.seq})`;
  drawChart(view.chart, series);
}

function onMessage(topic: string, payload: Uint8Array): void {
  const text = utf8Decode(payload) ?? '(not UTF-8)';
  const discovered = /^glowmq\/([^/]+)\/status$/.exec(topic);
  if (discovered && !seenDevices[discovered[1]]) {
    seenDevices[discovered[1]] = true;
    const option = document.createElement('option');
    option.value = discovered[1];
    view.devices.appendChild(option);
    if (!base) { chooseDevice(discovered[1]); log(`found device ${discovered[1]} (${text})`); }
  }
  if (!base || topic.indexOf(base + '/') !== 0) return;
  const rest = topic.slice(base.length + 1);
  // Logged on change only: the discovery filter delivers <base>/status a second time.
  if (rest === 'status') {
    if (view.status.dataset.state !== text) log(`device is ${text}`);
    setText(view.status, text === 'online' ? 'online' : 'offline', text);
  } else if (rest === 'light/state') {
    const state = text === 'on' ? 'on' : 'off';
    if (view.light.dataset.state !== state) log(`the light is ${state}`, 'ack');
    setText(view.light, state);
  } else if (rest.indexOf('sensors/') === 0) {
    onReading(rest.slice('sensors/'.length), text);
  }
}

function chooseDevice(deviceId: string): void {
  if (!deviceId || base === 'glowmq/' + deviceId) return;
  const previous = base;
  base = 'glowmq/' + deviceId;
  view.device.textContent = deviceId;
  view.deviceField.value = deviceId;
  sessionStorage.setItem(STORAGE.device, deviceId);
  series = [];
  drawChart(view.chart, series);
  setText(view.status, 'offline'); setText(view.light, 'off', 'unknown');
  view.topics.textContent = `state from ${base}/#, commands to ${commandTopic()}, broker ${brokerUrl()}`;
  if (!client) return;
  if (previous) client.unsubscribe([previous + '/status', previous + '/light/state', previous + '/sensors/+']);
  client.subscribe([base + '/status', base + '/light/state', base + '/sensors/+'], { qos: Qos.AtLeastOnce });
}

function connect(user: string, password: string): void {
  if (client) client.end(true);
  view.loginError.textContent = '';
  setText(view.connection, 'connecting…', 'connecting');
  const options = {
    clientId: 'phone-' + Math.floor(Math.random() * CLIENT_ID_RANGE).toString(HEX_RADIX),
    username: user || undefined, password: user ? password : undefined,
    keepalive: KEEPALIVE_SECONDS, reconnectMin: RECONNECT_MIN_MS, reconnectMax: RECONNECT_MAX_MS,
  };
  const current = new Client(options, { platform, transport: browserWsTransport({ url: brokerUrl() }), codec: boardCodec });
  client = current;
  current.on('connect', () => {
    setText(view.connection, 'connected', 'connected');
    view.toggle.disabled = false;
    view.login.hidden = true; view.logout.hidden = false;
    log(`connected to ${brokerUrl()} as ${current.clientId}`);
    current.subscribe(DISCOVERY_FILTER, { qos: Qos.AtMostOnce });
    if (base) current.subscribe([base + '/status', base + '/light/state', base + '/sensors/+'], { qos: Qos.AtLeastOnce });
  });
  current.on('message', onMessage);
  current.on('close', (reason) => {
    if (client !== current) return;
    setText(view.connection, 'disconnected' + (reason ? ': ' + reason.message : ''), 'disconnected');
    view.toggle.disabled = true;
  });
  current.on('error', (error) => {
    log(error.message, 'error');
    if (/bad user name or password|not authori[sz]ed/.test(error.message)) {
      // Retrying the same credentials cannot help: ask again.
      sessionStorage.removeItem(STORAGE.password);
      view.loginError.textContent = error.message;
      view.login.hidden = false; view.logout.hidden = true;
      current.end(true);
    }
  });
  current.connect();
}

function toggle(): void {
  if (!client || !base) { log('no device chosen yet', 'warn'); return; }
  const topic = commandTopic();
  log(`sent toggle to ${topic}`, 'command');
  client.publish(topic, 'toggle', { qos: Qos.AtLeastOnce }, (error) => {
    log(error ? `toggle not delivered: ${error.message}` : 'toggle acknowledged by the broker (PUBACK)', error ? 'error' : 'ack');
  });
}

function start(): void {
  view.toggle.addEventListener('click', toggle);
  view.login.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(STORAGE.user, view.userField.value);
    sessionStorage.setItem(STORAGE.password, view.passwordField.value);
    if (view.deviceField.value) chooseDevice(view.deviceField.value.trim());
    connect(view.userField.value, view.passwordField.value);
  });
  view.logout.addEventListener('click', () => {
    sessionStorage.removeItem(STORAGE.user); sessionStorage.removeItem(STORAGE.password);
    if (client) client.end(false);
    client = undefined;
    setText(view.connection, 'signed out', 'disconnected');
    view.login.hidden = false; view.logout.hidden = true; view.toggle.disabled = true;
  });
  view.deviceField.addEventListener('change', () => chooseDevice(view.deviceField.value.trim()));
  window.addEventListener('resize', () => drawChart(view.chart, series));
  chooseDevice(sessionStorage.getItem(STORAGE.device) || settings.device || '');
  drawChart(view.chart, series);
  const user = sessionStorage.getItem(STORAGE.user) ?? settings.user;
  const password = sessionStorage.getItem(STORAGE.password) ?? settings.password;
  view.userField.value = user ?? '';
  if (password !== undefined && password !== null) connect(user ?? '', password);
  else { view.login.hidden = false; setText(view.connection, 'sign in to the broker', 'disconnected'); }
}

start();
