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
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// `</script` inside the inlined code would end the script element early.
const safeJs = js.replace(/<\/script/gi, '<\\/script');
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
const b64 = "${wasm.toString('base64')}";
const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
await __wbg_init({ module_or_path: bytes });
</script>
</body>
</html>
`;
await writeFile(join(dist, 'sentinel-readiness.html'), html);
await writeFile(join(dist, 'index.html'), html);
console.log(`single-file page: dist/sentinel-readiness.html (${html.length} bytes)`);
