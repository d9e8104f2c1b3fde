// Wasm against native on the same exports: node scripts/bench-wasm.mjs DIR
// DIR holds export files (e.g. from `scalegen 100k DIR`). Times the JS API's evaluateJson
// (the whole pipeline compiled to Wasm, in Node) and the native CLI on the same files.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { initSync, evaluateJson } from '../pkg/sentinel_readiness_wasm.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench-wasm.mjs DIR');
  process.exit(2);
}
const names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
const files = names.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
const request = JSON.stringify({ files, today: '2026-11-23' });
initSync({ module: readFileSync(new URL('../pkg/sentinel_readiness_wasm_bg.wasm', import.meta.url)) });

let t = performance.now();
let answer = '';
let type;
try {
  answer = evaluateJson(request);
  type = answer.slice(0, 40).match(/"type":"(\w+)"/)?.[1];
} catch (e) {
  // The evaluation finished inside the Wasm; only the answer did not fit in a JS string.
  type = `not returned: ${e.code ?? e.message}`;
}
const wasm = (performance.now() - t) / 1000;

t = performance.now();
execFileSync('target/release/sentinel-readiness', ['report', ...names.map((n) => join(dir, n)), '--today', '2026-11-23', '-o', '/dev/null']);
const native = (performance.now() - t) / 1000;
console.log(JSON.stringify({ dir, mb: request.length / 1e6, answer: type, answer_mb: answer.length / 1e6, wasm_s: wasm, native_s: native, ratio: wasm / native }));
