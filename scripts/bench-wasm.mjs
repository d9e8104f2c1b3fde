// Wasm against native on the same exports: node scripts/bench-wasm.mjs DIR
// DIR holds export files (e.g. from `scalegen 100k DIR`). Times the JS API (the whole pipeline
// compiled to Wasm, in Node) through evaluateJson and evaluateBytes, and the native CLI on the
// same files, on one thread and on every core. A second argument, `json`, `bytes` or `chunks`
// (evaluateBytes with onChunk), times that one only, as the first evaluation of a fresh
// instance (as a page or script calls it once); without it, each later entry point runs in an
// instance already warmed by the earlier ones (V8's optimised code, the memory grown).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { initSync, evaluateBytes, evaluateJson } from '../pkg/sentinel_readiness_wasm.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench-wasm.mjs DIR');
  process.exit(2);
}
const names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
const only = process.argv[3]; // 'json', 'bytes' or 'chunks': time that entry point only
initSync({ module: readFileSync(new URL('../pkg/sentinel_readiness_wasm_bg.wasm', import.meta.url)) });
const result = { dir };

if (only === undefined || only === 'json') {
  // evaluateJson: the request and the answer as JSON text (files escaped inside the request).
  const files = names.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  const request = JSON.stringify({ files, today: '2026-11-23' });
  result.mb = request.length / 1e6;
  const t = performance.now();
  let answer = '';
  try {
    answer = evaluateJson(request);
    result.json_answer = answer.slice(0, 40).match(/"type":"(\w+)"/)?.[1];
    if (result.json_answer === 'failure') result.json_error = JSON.parse(answer).errors[0];
  } catch (e) {
    result.json_answer = `not returned: ${e.code ?? e.message}`;
  }
  result.json_s = (performance.now() - t) / 1000;
  result.json_answer_mb = answer.length / 1e6;
}

if (only === undefined || only === 'bytes' || only === 'chunks') {
  // evaluateBytes: the files as they are on disk in one buffer, the answer as UTF-8 bytes
  // (whole, even beyond a JS string's limit).
  const parts = names.map((name) => readFileSync(join(dir, name)));
  const data = Buffer.concat(parts);
  const spans = names.map((name, i) => ({ name, length: parts[i].length }));
  result.mb = data.length / 1e6;
  if (only !== 'chunks') {
    const t = performance.now();
    const answer = evaluateBytes({ files: spans, today: '2026-11-23' }, data);
    result.bytes_s = (performance.now() - t) / 1000;
    result.bytes_answer = new TextDecoder().decode(answer.subarray(0, 40)).match(/"type":"(\w+)"/)?.[1];
    result.bytes_answer_mb = answer.length / 1e6;
  }
  if (only !== 'bytes') {
    // With onChunk: the answer handed over 1 MB at a time (as a script writing it to a file).
    let size = 0;
    const t = performance.now();
    evaluateBytes({ files: spans, today: '2026-11-23' }, data, (chunk) => { size += chunk.length; });
    result.chunks_s = (performance.now() - t) / 1000;
    result.chunks_answer_mb = size / 1e6;
  }
}

// The native CLI on one thread (the Wasm's one thread against the same pipeline: the
// target's ratio) and on every core (its default).
const native = (threads) => {
  const t = performance.now();
  execFileSync('target/release/sentinel-readiness', ['report', ...names.map((n) => join(dir, n)), '--today', '2026-11-23', '--threads', String(threads), '-o', '/dev/null']);
  return (performance.now() - t) / 1000;
};
result.native_s = native(1);
result.native_all_cores_s = native(0);
for (const k of ['json', 'bytes', 'chunks']) {
  if (result[`${k}_s`]) {
    result[`${k}_ratio`] = result[`${k}_s`] / result.native_s;
    result[`${k}_ratio_all_cores`] = result[`${k}_s`] / result.native_all_cores_s;
  }
}
console.log(JSON.stringify(result));
