// Browser test of the built web app (dist/) in real headless Chromium, driven by
// playwright-core. Serves dist/ on 127.0.0.1, checks the access matrix of the sample
// tenant, that a cell explains itself, and that the page requests nothing from elsewhere.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';

// playwright-core lives outside the repository (scripts/setup.sh puts it on NODE_PATH).
const { chromium } = createRequire(import.meta.url)('playwright-core');

const dist = new URL('../../dist/', import.meta.url).pathname;
const artifacts = new URL('../artifacts/', import.meta.url).pathname;
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const file = join(dist, path === '/' ? 'index.html' : path);
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${e.message}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const foreign = [];
  const pageErrors = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin)) foreign.push(r.url()); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(origin);
  await page.waitForSelector('#matrix-law-soc-prod tbody tr', { timeout: 30000 });

  await check('the sample tenant renders an access matrix', async () => {
    const rows = await page.locator('#matrix-law-soc-prod tbody tr').count();
    assert(rows >= 10, `only ${rows} rows`);
    const headers = await page.locator('#matrix-law-soc-prod thead th').allTextContents();
    for (const t of ['connect-workspace', 'view-sentinel', 'query-and-view-incidents', 'investigate-incidents', 'create-support-request']) {
      assert(headers.includes(t), `missing column ${t}: ${headers}`);
    }
  });
  await check('verdicts match the engine (Priya Shah denied for connect, allowed support)', async () => {
    const row = page.locator('#matrix-law-soc-prod tbody tr', { has: page.locator('th', { hasText: 'Priya Shah' }) });
    const cells = await row.locator('td').allTextContents();
    assert(cells[1].startsWith('denied'), `connect cell: ${cells[1]}`);
    assert(cells[5].startsWith('allowed'), `support cell: ${cells[5]}`);
  });
  await check('the summary shows the overall verdict and the blocker', async () => {
    const text = await page.locator('#summary').textContent();
    assert(/Overall: blocked/.test(text), `summary: ${text}`);
    assert(/Blocker:/.test(text), `summary: ${text}`);
  });
  await check('a cell explains its verdict', async () => {
    const row = page.locator('#matrix-law-soc-prod tbody tr', { has: page.locator('th', { hasText: 'Priya Shah' }) });
    await row.locator('td summary').first().click();
    const text = await row.locator('td details[open] li').first().textContent();
    assert(/Deny assignment/.test(text), `reason: ${text}`);
  });
  await check('no request leaves the page origin and no script error', async () => {
    assert(foreign.length === 0, `foreign requests: ${foreign.join(', ')}`);
    assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  });
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'access-matrix.png'), fullPage: true });
} finally {
  await browser.close();
  server.close();
}
console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
