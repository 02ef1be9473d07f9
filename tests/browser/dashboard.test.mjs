// The dashboard in a real browser (Debian's chromium, driven by
// playwright-core) against the real hems binary with simulated homes on the
// hub link: sign in, live power moves, a device switched off shows its power
// drop, schedules, a notification arriving live (a demand-response event),
// the operator's fleet view, the phone layout, and a screenshot of each page.
//
// Run by ctest (tests/browser/CMakeLists.txt) with HEMS_BINARY, HEMS_WEB_ROOT
// (web/, with dist/ built and node_modules installed), CHROMIUM and
// SCREENSHOT_DIR set.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir, access, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const binary = process.env.HEMS_BINARY;
const webRoot = process.env.HEMS_WEB_ROOT;
const screenshots = process.env.SCREENSHOT_DIR || path.join(tmpdir(), 'hems-screenshots');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const { chromium } = createRequire(path.join(webRoot, 'package.json'))('playwright-core');

const HOME = 'h-0001';
let dataDir;
let hems;
let sim;
let browser;
let base;
let token;
let paths = {};
let ports;
let serveArgs;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, condition, limitMs = 30000) {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const admin = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

// A demand-response event for HOME starting in ten minutes with an hour's
// lead time: 'near' at once, and its residents are notified when it is
// created (docs/FLEET.md).
async function createDrEvent() {
  const r = await fetch(`${base}/dr/events`, { method: 'POST', headers: admin(),
    body: JSON.stringify({ homes: [HOME], start: Date.now() + 10 * 60000, duration_min: 30, notification_min: 60, level: 1 }) });
  assert.equal(r.status, 201, `POST /dr/events: ${r.status} ${await r.clone().text()}`);
  return r.json();
}

function start(args, name) {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  child.on('exit', (code, signal) => { if (code && code !== 0) console.error(`${name} exited ${code} ${signal || ''}: ${err}`); });
  return child;
}

before(async () => {
  await access(path.join(webRoot, 'dist', 'index.html')).catch(() => {
    throw new Error('web/dist is not built: run deploy/build.sh (npm ci + npm run build in web/)');
  });
  await mkdir(screenshots, { recursive: true });
  dataDir = await mkdtemp(path.join(tmpdir(), 'hems-browser-'));
  const portsFile = path.join(dataDir, 'ports.json');
  serveArgs = ['serve', '--data', path.join(dataDir, 'data'), '--ports-file', portsFile,
    '--rate-limit', '0', '--web-dir', path.join(webRoot, 'dist')];
  hems = start([...serveArgs, '--http', '127.0.0.1:0', '--telemetry', 'tcp://127.0.0.1:*',
    '--hub', 'tcp://127.0.0.1:*', '--feed', 'tcp://127.0.0.1:*'], 'hems serve');
  ports = await until('the ports file', async () => {
    try { return JSON.parse(await readFile(portsFile, 'utf8')); } catch { return null; }
  });
  base = `http://127.0.0.1:${ports.http}`;
  token = (await readFile(path.join(dataDir, 'data', 'admin.token'), 'utf8')).trim();
  sim = start(['simulate', '--homes', '2', '--devices-per-home', '6', '--rate', '2', '--link', 'hub',
    '--endpoint', ports.hub], 'hems simulate');
  paths = (await (await fetch(`${base}/openapi.json`)).json()).paths;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  // The simulated home has reported its devices.
  await until('the simulated home', async () => {
    const r = await fetch(`${base}/devices?home=${HOME}`, { headers: { Authorization: `Bearer ${token}` } });
    return r.ok && (await r.json()).devices.length >= 6;
  }, 90000);
});

after(async () => {
  await browser?.close();
  sim?.kill('SIGTERM');
  hems?.kill('SIGTERM');
  await Promise.all([sim, hems].filter(Boolean).map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on('exit', r)))));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function signedInPage(viewport = { width: 1280, height: 1000 }, extra = {}) {
  const page = await browser.newPage({ viewport, ...extra });
  page.on('pageerror', (e) => { throw e; });
  await page.addInitScript(([t, h]) => { sessionStorage.setItem('hems.token', t); sessionStorage.setItem('hems.home', h); }, [token, HOME]);
  await page.goto(`${base}/#/home`);
  await page.waitForFunction(() => /W$/.test(document.querySelector('#live-total')?.textContent || ''));
  return page;
}

test('sign in with a token and see live power move', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base);
  await page.getByLabel('Access token').waitFor();
  await page.screenshot({ path: path.join(screenshots, 'signin.png') });

  // A wrong token is refused with a message, and nothing is kept.
  await page.getByLabel('Access token').fill('hems_wrong.token');
  await page.getByLabel('Home').fill(HOME);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The token is not valid').waitFor();

  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => /W$/.test(document.querySelector('#live-total')?.textContent || ''));
  await page.locator('#conn', { hasText: 'Live' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('hems.token')) !== null, true);

  // Power events move the numbers: a light switched through the API (as a
  // resident would at the wall) shows in the page without a reload.
  const light = (await (await fetch(`${base}/devices?home=${HOME}`, { headers: { Authorization: `Bearer ${token}` } })).json())
    .devices.find((d) => d.id === 'light-living');
  const first = await page.locator('#live-total').textContent();
  await fetch(`${base}/commands`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ home: HOME, device: 'light-living', action: light.power_w > 0 ? 'off' : 'on', reason: 'browser test' }) });
  await page.waitForFunction((prev) => document.querySelector('#live-total').textContent !== prev, first, { timeout: 15000 });
  await page.locator('#devices table').waitFor();
  await sleep(1500); // let the chart gather a few points for the screenshot
  await page.screenshot({ path: path.join(screenshots, 'resident.png'), fullPage: true });
  // Failed requests are logged by the browser (the wrong token's 401 above);
  // anything else is a bug in the page.
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(String(e))), []);
  await page.close();
});

test('switch a device off and see its power drop', async () => {
  const page = await signedInPage();
  const row = page.locator('#devices tr[data-device="router"]');
  const power = row.locator('[data-testid="power"]');
  await until('the router drawing power', async () => /^[1-9][\d.]* W$/.test((await power.textContent()) || ''));
  // Essential devices cannot be switched off, and say why.
  const fridgeOff = page.getByRole('button', { name: 'Switch fridge off' });
  assert.equal(await fridgeOff.isDisabled(), true);
  assert.match(await page.locator('#devices tr[data-device="fridge"]').textContent(), /essential/);

  await page.getByRole('button', { name: 'Switch router off' }).click();
  await until('the router at 0 W', async () => (await power.textContent()) === '0 W', 15000);
  await page.locator('#live-devices li[data-device="router"]', { hasText: '0 W' }).waitFor({ timeout: 5000 });
  await page.getByRole('button', { name: 'Switch router on' }).click();
  await until('the router back on', async () => /^[1-9][\d.]* W$/.test((await power.textContent()) || ''), 15000);
  await page.close();
});

test('create a schedule and see it listed, then delete it', async () => {
  assert.ok(paths['/schedule'], 'the server lists no /schedule in /openapi.json');
  const page = await signedInPage();
  await page.locator('#schedule-list').filter({ hasNotText: 'Loading' }).waitFor();
  await page.getByLabel('Device', { exact: true }).selectOption('router');
  await page.getByLabel('Action').selectOption('on'); // never against a safety rule
  await page.getByLabel('At (home time)').fill('23:30');
  await page.getByRole('button', { name: 'Add schedule' }).click();
  const item = page.locator('#schedule-list li', { hasText: '23:30' });
  await item.waitFor({ timeout: 10000 });
  await page.screenshot({ path: path.join(screenshots, 'schedules.png'), fullPage: true });
  // The server has it, as the form sent it.
  const listed = (await (await fetch(`${base}/schedule?home=${HOME}`, { headers: admin() })).json()).schedules;
  const made = listed.find((s) => s.start === '23:30');
  assert.ok(made, `GET /schedule has no 23:30 schedule: ${JSON.stringify(listed)}`);
  assert.deepEqual([made.device, made.type, made.enabled], ['router', 'on', true]);
  await item.getByRole('button', { name: /Delete/ }).click();
  await item.waitFor({ state: 'detached', timeout: 10000 });
  const left = (await (await fetch(`${base}/schedule?home=${HOME}`, { headers: admin() })).json()).schedules;
  assert.equal(left.some((s) => s.id === made.id), false, 'the deleted schedule is still on the server');
  await page.close();
});

test('a notification arrives live', async () => {
  const page = await signedInPage();
  await page.locator('#conn', { hasText: 'Live' }).waitFor();
  await page.locator('#notifications').filter({ hasNotText: 'Loading notifications' }).waitFor();
  // From here on the page must not fetch the list again: the notification
  // has to come over the live events (GET /events).
  const fetched = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/notifications') fetched.push(r.url()); });
  const event = await createDrEvent();
  const item = page.locator('#notification-list li[data-kind="dr_event"]', { hasText: event.id });
  await item.waitFor({ timeout: 20000 }).catch((e) => {
    throw new Error(`the dr_event notification for ${event.id} did not appear live: ${e.message}`);
  });
  assert.match(await item.textContent(), /Demand response event/);
  assert.deepEqual(fetched, [], 'the notification came from a reload of GET /notifications, not the live events');
  await page.screenshot({ path: path.join(screenshots, 'notification.png'), fullPage: true });
  await page.close();
});

test('phone width: one column, nothing wider than the screen', async () => {
  const page = await signedInPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  const [live, devices] = await Promise.all(['#live', '#devices'].map((s) => page.locator(s).boundingBox()));
  assert.ok(Math.abs(live.x - devices.x) < 2 && devices.y > live.y, 'cards stack in one column');
  await page.screenshot({ path: path.join(screenshots, 'phone.png'), fullPage: true });
  await page.close();
});

test('dark theme, keyboard and labels', async () => {
  const page = await signedInPage({ width: 1280, height: 1000 }, { colorScheme: 'dark' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.screenshot({ path: path.join(screenshots, 'resident-dark.png'), fullPage: true });
  // The first Tab reaches the skip link; every button and input has a name.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, select')]
    .filter((e) => !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim() || e.closest('label')))
    .map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  await page.getByRole('button', { name: 'Light theme' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await page.close();
});

test('operator view', async () => {
  assert.ok(paths['/fleet/usage'] && paths['/dr/events'], 'the server lists no /fleet/usage or /dr/events');
  const event = await createDrEvent(); // before the page loads its list of events
  const page = await signedInPage();
  await page.goto(`${base}/#/operator`);
  await page.getByRole('heading', { name: 'Fleet', exact: true }).waitFor();
  await page.waitForFunction(() => !document.querySelector('main').textContent.includes('Loading'));
  // The real fleet: both simulated homes online, their load now, and the
  // demand-response event just created, 'near'.
  await until('both homes online', async () => /^2 of 2 homes online$/.test((await page.locator('#homes-online').textContent()) || ''), 15000)
    .catch(async (e) => { throw new Error(`${e.message}: shows "${await page.locator('#homes-online').textContent()}"`); });
  assert.match(await page.locator('#fleet-load-now').textContent(), /^Load now [1-9][\d.,]* k?W$/);
  const dr = page.locator(`#dr-list li[data-id="${event.id}"]`);
  await dr.waitFor({ timeout: 5000 });
  assert.equal(await dr.getAttribute('data-state'), 'near');
  assert.equal(await page.getByText('not available on this server').count(), 0);
  await page.screenshot({ path: path.join(screenshots, 'operator.png'), fullPage: true });
  await page.close();
});

test('a lost connection is shown, and the page reconnects by itself', async () => {
  const page = await signedInPage();
  await page.locator('#conn', { hasText: 'Live' }).waitFor();
  const stopped = new Promise((r) => hems.on('exit', r));
  hems.kill('SIGTERM');
  await stopped;
  await page.locator('#banner', { hasText: 'reconnecting automatically' }).waitFor({ timeout: 15000 });
  await page.screenshot({ path: path.join(screenshots, 'reconnecting.png') });
  // The same server comes back on the same ports, with the same data.
  const portsFile = path.join(dataDir, 'ports.json');
  await unlink(portsFile);
  hems = start([...serveArgs, '--http', `127.0.0.1:${ports.http}`, '--telemetry', ports.telemetry,
    '--hub', ports.hub, '--feed', ports.feed], 'hems serve (restarted)');
  await page.locator('#conn', { hasText: 'Live' }).waitFor({ timeout: 30000 });
  await page.locator('#banner').waitFor({ state: 'hidden' });
  await page.close();
});
