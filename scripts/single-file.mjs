// Turns trunk's dist/ into one self-contained HTML page: styles, the JS glue and the
// Wasm (base64) inlined, with a Content-Security-Policy that forbids every network
// connection. It works opened straight from disk (file://), in an iframe, or served.
// Writes dist/sentinel-readiness.html and makes dist/index.html the same page.
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const files = await readdir(dist);
const pick = (re) => {
  const f = files.find((n) => re.test(n));
  if (!f) throw new Error(`dist/ has no file matching ${re}; run trunk build first`);
  return join(dist, f);
};
const css = await readFile(pick(/^style-.*\.css$/), 'utf8');
const js = await readFile(pick(/^sentinel-readiness-web-[0-9a-f]+\.js$/), 'utf8');
const wasm = await readFile(pick(/^sentinel-readiness-web-[0-9a-f]+_bg\.wasm$/));

const csp = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'wasm-unsafe-eval'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "connect-src 'none'",
  // The evaluation worker is built from the inlined code as a blob: URL.
  "worker-src blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// Appended to the glue code inside the worker.
const WORKER_TAIL = `
// Tells the page this worker started: one that errs before this could not start at all.
self.postMessage({ started: true });
let ready = null;
self.onmessage = async (e) => {
  const { id, module, meta, bytes, today } = e.data;
  // A trap (out of memory) inside an async handler rejects its promise, which fires no
  // error event on the page: the page waited for good. It is sent back instead, and this
  // worker, whose memory may be left inconsistent, is not used again.
  try {
    ready = ready || __wbg_init({ module_or_path: module });
    await ready;
    self.postMessage({ id, answer: evaluate_in_worker(meta, bytes, today) });
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message || err) });
  }
};
`;

// "</script" inside the inlined code would end the script element early.
const inline = (text) => text.replace(/<\/script/gi, '<\\/script');
const safeJs = inline(js);
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Sentinel → Defender portal readiness</title>
<style>
${css}
</style>
</head>
<body>
<noscript>This page needs JavaScript and WebAssembly; everything runs locally.</noscript>
<script type="module">
${safeJs}
const __sr_b64 = "${wasm.toString('base64')}";
const __sr_bytes = Uint8Array.from(atob(__sr_b64), (c) => c.charCodeAt(0));
const __sr_wasmModule = await WebAssembly.compile(__sr_bytes);
// Evaluation runs in a Web Worker made from the same glue code and compiled module, so the
// page stays responsive on large exports. If a worker cannot start, the app evaluates on
// the page instead.
const __sr_workerSource = ${inline(JSON.stringify(js))} + ${JSON.stringify(WORKER_TAIL)};
let __sr_worker = null;
// One address for the worker's code, for the page's lifetime: an address per worker was
// never given back, and a page opened from a file starts one per evaluation.
let __sr_workerUrl = null;
let __sr_seq = 0;
const __sr_pending = new Map();
// A worker's WebAssembly memory never shrinks: after an evaluation of this many bytes of
// exports it is ended, not kept idle holding its peak (1.6 GB after the 100k tenant).
const __sr_keepWorkerUpTo = 1 << 20;
// meta: JSON naming the inputs; bytes: their text, one after another (handed over, not copied).
window.__srEvaluate = (meta, bytes, today) => new Promise((resolve, reject) => {
  try {
    // A newer request supersedes unfinished ones (several files dropped at once): stop the
    // worker rather than let it finish work nobody will read.
    if (__sr_worker && __sr_pending.size > 0) {
      __sr_worker.terminate();
      for (const p of __sr_pending.values()) p.reject('superseded');
      __sr_pending.clear();
      __sr_worker = null;
    }
    if (!__sr_worker) {
      __sr_workerUrl = __sr_workerUrl || URL.createObjectURL(new Blob([__sr_workerSource], { type: 'text/javascript' }));
      __sr_worker = new Worker(__sr_workerUrl, { type: 'module' });
      __sr_worker.onmessage = (e) => {
        if (e.data.started) {
          e.target.__srStarted = true;
          return;
        }
        const p = __sr_pending.get(e.data.id);
        __sr_pending.delete(e.data.id);
        if (e.data.error !== undefined) {
          // A fresh worker (and Wasm memory) for the next request.
          e.target.terminate();
          if (__sr_worker === e.target) __sr_worker = null;
          // Marked as the evaluation's own failure: the page must not retry it on its thread.
          if (p) p.reject({ failed: e.data.error });
        } else if (p) {
          p.resolve(e.data.answer);
          if (p.large && __sr_pending.size === 0) {
            e.target.terminate();
            if (__sr_worker === e.target) __sr_worker = null;
          }
        }
      };
      // A worker that never started (Chromium allows none on a file:// page) is told apart:
      // the page then evaluates on its own thread, whatever the size.
      __sr_worker.onerror = (e) => {
        const why = e.target.__srStarted ? String(e.message) : { unstarted: String(e.message) };
        for (const p of __sr_pending.values()) p.reject(why);
        __sr_pending.clear();
        __sr_worker = null;
      };
    }
    const id = ++__sr_seq;
    __sr_pending.set(id, { resolve, reject, large: bytes.length > __sr_keepWorkerUpTo });
    __sr_worker.postMessage({ id, module: __sr_wasmModule, meta, bytes, today }, [bytes.buffer]);
  } catch (err) {
    reject(String(err));
  }
});
await __wbg_init({ module_or_path: __sr_wasmModule });
</script>
</body>
</html>
`;
await writeFile(join(dist, 'sentinel-readiness.html'), html);
await writeFile(join(dist, 'index.html'), html);
console.log(`single-file page: dist/sentinel-readiness.html (${html.length} bytes)`);
