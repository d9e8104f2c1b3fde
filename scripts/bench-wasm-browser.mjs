// Wasm against native in headless Chromium: node scripts/bench-wasm-browser.mjs DIR
// The browser half of issue 5's Wasm target (scripts/bench-wasm.mjs is the Node half). A page
// served from 127.0.0.1 loads the JS API package (pkg/, from scripts/build-js-api.sh), fetches
// the export files in DIR, and times `evaluateBytes` with `onChunk` twice in one instance:
// first as a page calls it once (a fresh instance), then again (V8's optimised code, the
// memory grown). With the browser closed, the native CLI then runs on one thread on the same
// files, as in bench-wasm.mjs. PKG=DIR times another build of the package. Needs
// playwright-core on NODE_PATH and Debian's chromium (scripts/setup.sh).
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { launch } from '../tests/e2e/browser.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench-wasm-browser.mjs DIR');
  process.exit(2);
}
const root = new URL('../', import.meta.url).pathname;
const pkg = process.env.PKG ?? join(root, 'pkg');
const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const page = '<!doctype html><meta charset="utf-8"><title>bench</title>';
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    let body;
    let type = 'application/octet-stream';
    if (url.pathname === '/') [body, type] = [page, types['.html']];
    else if (url.pathname.startsWith('/pkg/')) {
      const name = url.pathname.slice(5).replace(/[^\w.-]/g, '');
      body = await readFile(join(pkg, name));
      type = types[name.slice(name.lastIndexOf('.'))] ?? type;
    } else if (url.pathname.startsWith('/data/')) {
      const name = decodeURIComponent(url.pathname.slice(6));
      if (!names.includes(name)) throw new Error('not an export of DIR');
      body = await readFile(join(dir, name));
    } else throw new Error('unknown path');
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  } catch (e) {
    res.writeHead(404);
    res.end(String(e));
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await launch();
const version = browser.version();
let result;
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  result = await tab.evaluate(async (files) => {
    const api = await import('/pkg/sentinel_readiness_wasm.js');
    await api.default({ module_or_path: '/pkg/sentinel_readiness_wasm_bg.wasm' });
    const parts = await Promise.all(files.map(async (n) => new Uint8Array(await (await fetch(`/data/${encodeURIComponent(n)}`)).arrayBuffer())));
    const data = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) { data.set(p, at); at += p.length; }
    const spans = files.map((name, i) => ({ name, length: parts[i].length }));
    const run = () => {
      let size = 0;
      const t = performance.now();
      api.evaluateBytes({ files: spans, today: '2026-11-23' }, data, (chunk) => { size += chunk.length; });
      return { s: (performance.now() - t) / 1000, mb: size / 1e6 };
    };
    const cold = run();
    const warm = run();
    return { mb: data.length / 1e6, cold_s: cold.s, warm_s: warm.s, answer_mb: cold.mb };
  }, names);
} finally {
  await browser.close();
  server.close();
}
const t = performance.now();
execFileSync(join(root, 'target/release/sentinel-readiness'), ['report', ...names.map((n) => join(dir, n)), '--today', '2026-11-23', '--threads', '1', '-o', '/dev/null']);
const native = (performance.now() - t) / 1000;
console.log(JSON.stringify({
  dir, browser: version, ...result, native_s: native,
  ratio_cold: result.cold_s / native, ratio_warm: result.warm_s / native,
}));
