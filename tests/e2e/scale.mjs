// Benchmark (not part of the test suite): how the page behaves while a large export is
// evaluated. node tests/e2e/scale.mjs DIR — DIR holds export files (e.g. `scalegen 100k DIR`).
// Loads dist/sentinel-readiness.html in headless Chromium, picks every file in DIR at once and
// records main-thread long tasks (PerformanceObserver "longtask", > 50 ms) until the page is
// no longer busy, and the longest gap between two animation frames meanwhile.
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { launch } from './browser.mjs';
const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tests/e2e/scale.mjs DIR');
  process.exit(2);
}
const page_html = await readFile(new URL('../../dist/sentinel-readiness.html', import.meta.url));
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(page_html);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const page = await browser.newPage();
await page.addInitScript(() => {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__frameGap = 0;
  let last = performance.now();
  const tick = (t) => {
    window.__frameGap = Math.max(window.__frameGap, t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});
await page.goto(`${origin}/#/inputs`);
await page.waitForSelector('main[aria-busy="false"]');
await page.click('#clear-all');
await page.waitForSelector('main[aria-busy="false"]');
const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
const bytes = (await Promise.all(names.map((n) => stat(n)))).reduce((a, s) => a + s.size, 0);
const engine = await page.locator('main').getAttribute('data-engine');
const start = await page.evaluate(() => {
  window.__long = [];
  window.__frameGap = 0;
  return performance.now();
});
// TRACE=1 records a DevTools timeline trace (as the Performance panel does) to break each long
// task down into script, HTML parsing, style, layout and paint.
const tracing = !!process.env.TRACE;
if (tracing) await browser.startTracing(page, { path: '/tmp/sentinel-readiness-trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
const t0 = Date.now();
await page.setInputFiles('#file-picker', names);
await page.waitForSelector('main[aria-busy="true"]', { timeout: 60_000 }).catch(() => {});
await page.waitForSelector('main[aria-busy="false"]', { timeout: 30 * 60_000 });
const seconds = (Date.now() - t0) / 1000;
const result = await page.evaluate((s) => ({
  long: window.__long.filter((l) => l.start >= s),
  frameGap: window.__frameGap,
  caveat: [...document.querySelectorAll('li, p')].map((e) => e.textContent).find((t) => /not shown in the browser|worker failed/.test(t)) ?? null,
  alert: document.querySelector('[role=alert]')?.textContent ?? null,
}), start);
const longest = Math.max(0, ...result.long.map((l) => l.ms));
console.log(JSON.stringify({
  dir, mb: +(bytes / 1e6).toFixed(1), engine, seconds,
  long_tasks: result.long.length, longest_task_ms: Math.round(longest),
  total_long_ms: Math.round(result.long.reduce((a, l) => a + l.ms, 0)),
  longest_frame_gap_ms: Math.round(result.frameGap), note: result.caveat ?? result.alert,
  tasks: result.long.map((l) => `${Math.round((l.start - start) / 100) / 10}s:${Math.round(l.ms)}ms`).join(" "),
}));
// Then each screen that shows the report, opened as a user would: long tasks while it renders.
const screens = {};
for (const route of ['dashboard', 'report', 'access', 'checklist']) {
  const from = await page.evaluate((r) => {
    window.__long = [];
    const t = performance.now();
    location.hash = `#/${r}`;
    return t;
  }, route);
  await page.waitForSelector(`nav [aria-current="page"][href="#/${route}"]`, { timeout: 60_000 }).catch(() => {});
  await page.waitForTimeout(1000);
  screens[route] = await page.evaluate((f) => window.__long.filter((l) => l.start >= f).map((l) => Math.round(l.ms)), from);
}
console.log(JSON.stringify({ screens_long_task_ms: screens }));
if (tracing) {
  const trace = JSON.parse(new TextDecoder().decode(await browser.stopTracing()));
  const events = trace.traceEvents ?? trace;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  for (const task of onMain.filter((e) => e.name === 'RunTask' && e.dur > 50_000)) {
    const parts = onMain
      .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur > 3000)
      .sort((a, b) => a.ts - b.ts)
      .map((e) => `+${Math.round((e.ts - task.ts) / 1000)} ms ${e.name} ${e.args?.data?.functionName ?? ''} ${Math.round(e.dur / 1000)} ms`);
    console.log(`long task ${Math.round(task.dur / 1000)} ms:\n  ${parts.join('\n  ')}`);
  }
}
await browser.close();
server.close();
