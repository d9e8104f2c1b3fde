// The JS API package (pkg/, from scripts/build-js-api.sh) in Node, as a script or a bundler
// would use it: the three ways to evaluate give the same report, an answer can come in chunks,
// bytes are read as from disk, bad requests come back as failures in words, not exceptions,
// evaluations in a row do not keep growing the memory, and the package's own memcmp is right.
//   node tests/e2e/api.test.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assert, harness } from './browser.mjs';

const root = new URL('../../', import.meta.url).pathname;
const api = await import(join(root, 'pkg/sentinel_readiness_wasm.js'));
const wasm = api.initSync({ module: readFileSync(join(root, 'pkg/sentinel_readiness_wasm_bg.wasm')) });
const { check, results } = harness();

// The sample tenant: every export format the engine reads.
const dir = join(root, 'crates/engine/tests/fixtures/formats');
const files = readdirSync(dir).sort().map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
const options = { primary: 'law-soc-prod', today: '2026-11-23', allVerdicts: true };
const encoder = new TextEncoder();

function bytesOf(list) {
  const parts = list.map((f) => f.bytes ?? encoder.encode(f.text));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { data.set(p, at); at += p.length; }
  return { spans: list.map((f, i) => ({ name: f.name, length: parts[i].length })), data };
}
const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

await check('evaluations in a row reuse the memory the first one grew', async () => {
  // First in this file, on a fresh instance. Each evaluation reserves room for its size up
  // front; one that finds the memory already that large must not grow it again (the second
  // evaluation did, by the whole reservation: 23 -> 45 MB here, 1.7 -> 3.3 GB at 100k).
  const request = JSON.stringify({ files, ...options });
  api.evaluateJson(request);
  const grown = wasm.memory.buffer.byteLength;
  for (let i = 0; i < 3; i++) api.evaluateJson(request);
  assert(wasm.memory.buffer.byteLength === grown, `memory ${grown} -> ${wasm.memory.buffer.byteLength} bytes`);
});

await check('evaluate, evaluateJson and evaluateBytes give the same report', async () => {
  const text = api.evaluateJson(JSON.stringify({ files, ...options }));
  const { spans, data } = bytesOf(files);
  const bytes = api.evaluateBytes({ files: spans, ...options }, data);
  assert(bytes instanceof Uint8Array, `evaluateBytes returns ${Object.prototype.toString.call(bytes)}`);
  assert(new TextDecoder().decode(bytes) === text, 'the bytes are the JSON text, byte for byte');
  const answer = api.evaluate({ files, ...options });
  assert(answer.type === 'success', `evaluate: ${JSON.stringify(answer).slice(0, 300)}`);
  assert(JSON.stringify(answer) === text, 'evaluate returns the same answer as objects');
  assert(answer.result.inputs.length === files.length, `inputs: ${answer.result.inputs.length} of ${files.length}`);
  assert(answer.result.principals.some((p) => p.tasks.length > 0), 'verdicts per principal');
});

await check('evaluateBytes hands the answer to onChunk in order, and a throwing callback stops it', async () => {
  const { spans, data } = bytesOf(files);
  const whole = api.evaluateBytes({ files: spans, ...options }, data);
  const chunks = [];
  const rest = api.evaluateBytes({ files: spans, ...options }, data, (c) => chunks.push(c));
  assert(rest.length === 0, `return value with onChunk: ${rest.length} bytes`);
  assert(chunks.length >= 1 && chunks.every((c) => c instanceof Uint8Array), `chunks: ${chunks.length}`);
  assert(Buffer.concat(chunks).equals(Buffer.from(whole)), 'the chunks are the whole answer, byte for byte');
  let thrown;
  try {
    api.evaluateBytes({ files: spans, ...options }, data, () => { throw new Error('disk full'); });
  } catch (e) {
    thrown = e;
  }
  assert(thrown?.message === 'disk full', `the callback's own error comes back: ${thrown}`);
  const after = decode(api.evaluateBytes({ files: spans, ...options }, data));
  assert(after.type === 'success', 'the package still works after a callback threw');
});

await check('evaluateBytes reads UTF-16 with its byte order mark, as from disk', async () => {
  const utf8 = files.find((f) => f.name === 'az-role-assignment-list.json');
  // Code unit by code unit (not per character, which would drop a surrogate pair's second half).
  const units = new Uint16Array(utf8.text.length + 1);
  units[0] = 0xfeff;
  for (let i = 0; i < utf8.text.length; i++) units[i + 1] = utf8.text.charCodeAt(i);
  const utf16 = new Uint8Array(units.buffer);
  assert(utf16[0] === 0xff && utf16[1] === 0xfe, 'little-endian mark (this host)');
  const { spans, data } = bytesOf([{ name: utf8.name, bytes: utf16 }]);
  const answer = decode(api.evaluateBytes({ files: spans, today: '2026-11-23' }, data));
  const plain = api.evaluate({ files: [utf8], today: '2026-11-23' });
  assert(answer.type === 'success', JSON.stringify(answer).slice(0, 300));
  assert(answer.result.inputs[0].records === plain.result.inputs[0].records && answer.result.inputs[0].records > 10,
    `records: ${answer.result.inputs[0].records} vs ${plain.result.inputs[0].records}`);
});

await check('bad requests are failures in words, not exceptions', async () => {
  const { spans, data } = bytesOf(files.slice(0, 2));
  const short = decode(api.evaluateBytes({ files: spans.slice(0, 1) }, data));
  assert(short.type === 'failure' && /lengths add up to \d+ bytes, but \d+ bytes were sent/.test(short.errors[0]), JSON.stringify(short));
  const over = decode(api.evaluateBytes({ files: [{ name: 'a.json', length: data.length + 1 }] }, data));
  assert(over.type === 'failure' && /"a\.json" is said to be \d+ bytes/.test(over.errors[0]), JSON.stringify(over));
  const missing = decode(api.evaluateBytes({ files: [{ name: 'a.json' }] }, data));
  assert(missing.type === 'failure' && /missing field `length`/.test(missing.errors[0]), JSON.stringify(missing));
  const notJson = JSON.parse(api.evaluateJson('{"files": ['));
  assert(notJson.type === 'failure' && /^request: /.test(notJson.errors[0]), JSON.stringify(notJson));
  const unusable = api.evaluate({ files: [{ name: 'x.json', text: 'not json' }] });
  assert(unusable.type === 'failure' && unusable.errors.some((e) => /none of the inputs/.test(e)), JSON.stringify(unusable));
});

await check('searchDifferences ranks the catalogue', async () => {
  const hits = api.searchDifferences('fusion');
  assert(hits[0]?.id === 'fusion-rule-disabled', `first hit: ${hits[0]?.id}`);
  assert(hits[0].sources.length === hits[0].sourceDates.length, 'a date beside each source');
  const breaking = api.searchDifferences('', 'automation', 'breaking');
  assert(breaking.length > 0 && breaking.every((d) => d.area === 'automation'), JSON.stringify(breaking.map((d) => d.id)));
  // A misspelt filter would otherwise answer [] and read as "no breaking change".
  let thrown;
  try { api.searchDifferences('', undefined, 'breakng'); } catch (e) { thrown = e; }
  assert(thrown instanceof RangeError && /`breakng`; the impacts are .*breaking/.test(thrown.message), String(thrown));
});

await check("the Wasm's memcmp (crates/memcmp) answers as C's does", async () => {
  // The package exports it (a `#[no_mangle]` function in a cdylib always is), which also shows
  // it replaced compiler-builtins' hidden one. Called here, it is the Wasm build that is
  // checked: compiled without LLVM's builtins, at every length to 40, the two pointers at
  // every pair of offsets within a word, and the first difference at every position, both
  // ways round. (Reading too far does not show here: Wasm memory has no bounds per
  // allocation. The crate's own tests check that under Miri.)
  assert(typeof wasm.memcmp === 'function', 'the package has no memcmp of its own');
  const room = 64;
  const at = wasm.__wbindgen_malloc(2 * room, 8);
  const base = Array.from({ length: 48 }, (_, i) => (i * 37 + 11) & 255);
  let calls = 0;
  try {
    for (let pair = 0; pair < 64; pair++) {
      const oa = pair >> 3;
      const ob = pair & 7;
      for (let n = 0; n <= 40; n++) {
        for (let pos = -1; pos < n; pos++) {
          for (const delta of pos < 0 ? [0] : [1, 0x80, 0xff]) {
            const a = base.slice(0, n);
            const b = a.slice();
            if (pos >= 0) b[pos] = (b[pos] + delta) & 255;
            // Bytes past `n` differ and must not count.
            const mem = new Uint8Array(wasm.memory.buffer);
            mem.set([...a, 1, 2, 3], at + oa);
            mem.set([...b, 4, 5, 6], at + room + ob);
            const want = pos < 0 ? 0 : a[pos] - b[pos];
            const got = wasm.memcmp(at + oa, at + room + ob, n);
            const back = wasm.memcmp(at + room + ob, at + oa, n);
            calls += 2;
            assert(got === want && back === -want, `n=${n} pos=${pos} offsets ${oa}/${ob}: ${got}, ${back}, want ${want}`);
          }
        }
      }
    }
  } finally {
    wasm.__wbindgen_free(at, 2 * room, 8);
  }
  assert(calls > 300000, `only ${calls} comparisons`);
});


await check('a misspelt option, a null date, a string request, a bad onChunk and a request JSON cannot hold are refused, not ignored', async () => {
  const small = [files.find((f) => f.name === 'az-role-assignment-list.json')];
  const typo = api.evaluate({ files: small, Today: '2027-01-15' });
  assert(typo.type === 'failure' && /unknown field `Today`/.test(typo.errors[0]), JSON.stringify(typo).slice(0, 300));
  const invalid = api.evaluate({ files: small, today: new Date('2027-15-01') });
  assert(invalid.type === 'failure' && /a date option is null/.test(invalid.errors[0]), JSON.stringify(invalid).slice(0, 300));
  const trailing = api.evaluate({ files: small, today: '2026-11-2399' });
  assert(trailing.type === 'failure' && /not a date/.test(trailing.errors[0]), JSON.stringify(trailing).slice(0, 300));
  const text = api.evaluate(JSON.stringify({ files: small }));
  assert(text.type === 'failure' && /evaluateJson/.test(text.errors[0]) && text.errors[0].length < 200, JSON.stringify(text).slice(0, 300));
  const { spans, data } = bytesOf(small);
  let threw = null;
  try { api.evaluateBytes({ files: spans, today: '2026-11-23' }, data, 'not a function'); } catch (e) { threw = e; }
  assert(threw instanceof TypeError && /onChunk/.test(threw.message), `threw ${threw}`);
  // A request JSON cannot hold: what JSON.stringify throws reaches the caller, not a
  // failure about an empty request.
  const cyclic = { files: small };
  cyclic.self = cyclic;
  for (const [name, call] of [
    ['a BigInt', () => api.evaluate({ files: small, today: 1n })],
    ['a cycle', () => api.evaluateBytes({ files: spans, self: cyclic }, data)],
  ]) {
    let thrown = null;
    try { call(); } catch (e) { thrown = e; }
    assert(thrown instanceof TypeError && /BigInt|circular/i.test(thrown.message), `${name}: threw ${thrown}`);
  }
});

const { passed, failed } = results();
console.log(`\nJS API: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
