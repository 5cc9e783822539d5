// Muse Studio's browser tests: one scenario per run, in headless Debian Chromium driven by Playwright.
//   node e2e.mjs SCENARIO BASE_URL SCREENSHOT_DIR [ARGUMENT]
// Exits 0 when the scenario passed; any console error or uncaught page error fails it. Every scenario
// saves at least one screenshot, SCREENSHOT_DIR/SCENARIO[-step].png. StudioBrowserTest and StudioMediaBrowserTest run these.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import * as chat from './scenarios-chat.mjs';
import * as create from './scenarios-create.mjs';
import * as ui from './scenarios-ui.mjs';

const [name, base, screenshots, argument] = process.argv.slice(2);
const scenarios = { ...chat, ...create, ...ui };
if (!scenarios[name]) {
  console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
mkdirSync(screenshots, { recursive: true });

// Without the background-networking flags Chromium tries to reach Google's services at start-up, and on a
// closed network those refusals slow it down; a fresh profile keeps runs independent of each other.
const profile = mkdtempSync(join(tmpdir(), 'muse-studio-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.MUSE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    ...(process.env.MUSE_FAKE_AUDIO ? [`--use-file-for-fake-audio-capture=${process.env.MUSE_FAKE_AUDIO}`] : [])],
  viewport: { width: 1280, height: 860 },
  colorScheme: 'light',
  permissions: ['clipboard-read', 'clipboard-write'],
});

const problems = [];
// Chromium logs every HTTP error status as a console error ("Failed to load resource: ... 400"). A scenario
// that provokes one on purpose (a refused image, a missing key, a stopped server) says so with
// t.expectConsole; anything else on the console fails the run.
const expected = [];
const watch = page => {
  page.on('console', message => {
    if (message.type() !== 'error') return;
    const known = expected.find(e => e.pattern.test(message.text()));
    if (known) console.log(`expected console error (${known.why}): ${message.text()}`);
    else problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', error => problems.push(`page error: ${error.stack || error.message}`));
};
// E2E_JITTER=1 delays each API request by up to 400 ms: a scenario must wait for what it checks, not race the server.
if (process.env.E2E_JITTER) {
  await context.route('**/v1/**', async route => {
    await new Promise(resolve => setTimeout(resolve, Math.random() * 400));
    await route.continue().catch(() => {}); // the page may have gone meanwhile
  });
}
context.on('page', watch);
for (const page of context.pages()) watch(page);

let shots = 0;
/** What a scenario works with. */
const t = {
  base,
  argument,
  context,
  page: context.pages()[0] ?? await context.newPage(),
  /** Saves SCREENSHOT_DIR/NAME[-step].png. */
  async screenshot(step, page = t.page) {
    shots++;
    const file = join(screenshots, `${name}${step ? `-${step}` : ''}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`screenshot ${file}`);
  },
  /** Accepts console errors matching {@code pattern}, for the reason given. */
  expectConsole(pattern, why) {
    expected.push({ pattern, why });
  },
  check(condition, message) {
    if (!condition) throw new Error(`check failed: ${message}`);
  },
  /** A JSON call to the server from the test itself (not through the page). */
  async api(method, path, body, key) {
    const headers = { 'Content-Type': 'application/json' };
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  },
  /** Reads one line the Java side writes to this process (used to wait for a server restart). */
  readLine: () => new Promise(resolve => {
    process.stdin.setEncoding('utf8');
    let line = '';
    const onData = chunk => {
      line += chunk;
      if (line.includes('\n')) {
        process.stdin.off('data', onData);
        process.stdin.pause();
        resolve(line.trim());
      }
    };
    process.stdin.on('data', onData);
    process.stdin.resume();
  }),
};
t.page.setDefaultTimeout(20000);

let failed = null;
try {
  await scenarios[name](t);
  if (shots === 0) throw new Error('the scenario saved no screenshot');
} catch (e) {
  failed = e;
  await t.screenshot('failure').catch(() => {});
}
await context.close();
rmSync(profile, { recursive: true, force: true });
if (failed) console.error(`FAILED ${name}: ${failed.stack || failed.message}`);
for (const p of problems) console.error(p);
if (failed || problems.length) process.exit(1);
console.log(`PASSED ${name}`);
process.exit(0); // stdin, once read (the restart scenario), would keep node running
