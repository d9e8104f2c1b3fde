// The standalone HTML report, opened from disk in headless Chromium the way a reader opens an
// email attachment: every SVG chart renders with a size and carries a text alternative, the
// page runs no script and fetches nothing, and it prints to a PDF. Screenshots of each chart,
// of the page and of the print layout go to tests/artifacts/.
//   node tests/e2e/report.test.mjs [report.html]   (default: the sample tenant, built by the CLI)
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, harness, launch } from './browser.mjs';

const root = new URL('../../', import.meta.url).pathname;
const artifacts = join(root, 'tests/artifacts/');
await mkdir(artifacts, { recursive: true });

let file = process.argv[2];
if (!file) {
  file = join(tmpdir(), 'sentinel-readiness-sample-report.html');
  const args = ['report', '--sample', '--today', '2026-11-23', '--format', 'html', '-o', file];
  // SENTINEL_READINESS_CLI: an already built CLI (scripts/test.sh passes the one `cargo test` built).
  const cli = process.env.SENTINEL_READINESS_CLI;
  if (cli) execFileSync(cli, args, { cwd: root, stdio: 'inherit' });
  else execFileSync('cargo', ['run', '-q', '--locked', '-p', 'sentinel-readiness-cli', '--', ...args], { cwd: root, stdio: 'inherit' });
}

const browser = await launch();
const { check, results } = harness();

const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
const requests = [];
page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
await page.goto(`file://${file}`);

await check('the report opens from disk with a title and no script', async () => {
  assert((await page.title()).includes('Sentinel readiness report'), await page.title());
  assert(await page.locator('script').count() === 0, 'the report contains a <script>');
  assert(requests.length === 0, `fetched: ${requests.join(', ')}`);
});

await check('every chart renders with a size and a text alternative', async () => {
  const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => {
    const box = s.getBoundingClientRect();
    const [t, d] = (s.getAttribute('aria-labelledby') ?? '').split(' ');
    return {
      id: s.id,
      role: s.getAttribute('role'),
      w: box.width,
      h: box.height,
      title: document.getElementById(t)?.textContent ?? '',
      desc: document.getElementById(d)?.textContent ?? '',
      marks: s.querySelectorAll('rect,circle,line').length,
    };
  }));
  assert(charts.length >= 8, `only ${charts.length} charts`);
  for (const c of charts) {
    assert(c.role === 'img', `${c.id}: role ${c.role}`);
    assert(c.w > 50 && c.h > 30, `${c.id}: ${c.w}×${c.h}`);
    assert(c.title.length > 5 && c.desc.length > 5, `${c.id}: no text alternative`);
    assert(c.marks > 0, `${c.id}: draws nothing`);
  }
  const kinds = ['chart-overall', 'chart-sections', 'chart-findings', 'chart-timeline', 'chart-ws0', 'chart-ws0-access'];
  for (const k of kinds) assert(charts.some((c) => c.id === k), `missing ${k}`);
});

await check('blockers are shown above the scores', async () => {
  const order = await page.evaluate(() => {
    const section = document.getElementById('overview');
    const blockers = section.querySelector('.blockers');
    const donut = section.querySelector('#chart-overall');
    return blockers && donut ? blockers.compareDocumentPosition(donut) & Node.DOCUMENT_POSITION_FOLLOWING : -1;
  });
  assert(order > 0, 'the blockers box is missing or below the overall score');
});

await check('the workspace overview drills down to each workspace', async () => {
  const links = await page.$$eval('#workspaces tbody a', (as) => as.map((a) => a.getAttribute('href')));
  assert(links.length >= 2, `${links.length} workspace rows`);
  for (const href of links) assert(await page.locator(href).count() === 1, `${href} has no target`);
});

await check('findings link to Microsoft documentation and to the portal where they are fixed', async () => {
  const hrefs = await page.$$eval('article a', (as) => as.map((a) => a.href));
  assert(hrefs.some((h) => h.startsWith('https://learn.microsoft.com/')), 'no Learn link');
  assert(hrefs.some((h) => h === 'https://security.microsoft.com/'), 'no Defender portal link');
});

await check('screenshots of every chart and of the page', async () => {
  for (const id of ['chart-overall', 'chart-sections', 'chart-findings', 'chart-timeline', 'chart-ws0', 'chart-ws0-access']) {
    await page.locator(`#${id}`).screenshot({ path: join(artifacts, `report-${id}.png`) });
  }
  await page.screenshot({ path: join(artifacts, 'report-page.png'), fullPage: false });
});

await check('prints to a PDF with several pages', async () => {
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: join(artifacts, 'report-print.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert(pdf.subarray(0, 5).toString() === '%PDF-', 'not a PDF');
  assert(pages >= 3, `${pages} page(s)`);
  await writeFile(join(tmpdir(), 'sentinel-readiness-sample-report.pdf'), pdf);
  console.log(`  PDF: ${pages} pages, ${pdf.length} bytes`);
});

await browser.close();
const { passed, failed } = results();
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
