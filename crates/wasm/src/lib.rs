//! The JS API: a thin layer that converts JS values to the engine's `ffi` types and back.
//! Build with `wasm-pack build crates/wasm --target web` (see README).

use sentinel_readiness_engine::{ffi, Date};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// Linked for its `memcmp`, which replaces compiler-builtins' byte loop (crates/memcmp).
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
use sentinel_readiness_memcmp as _;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** One export file, as text. The format is detected from the content. */
export interface FileInput { name: string; text: string; }
export interface EvaluateRequest {
  files: FileInput[];
  /** Workspace resource ids or names; default: every workspace found in the inputs. */
  workspaces?: string[];
  /** The primary workspace (id or name). */
  primary?: string;
  /** YYYY-MM-DD: apply the rules documented at that date. */
  asOf?: string;
  /** YYYY-MM-DD: the day PIM windows are checked against; default: today. */
  today?: string;
  /** Also list not-allowed verdicts. */
  allVerdicts?: boolean;
}
/** A file inside the byte buffer given to `evaluateBytes`: its name and length in bytes. */
export interface FileSpan { name: string; length: number; }
/** `evaluateBytes`' request: the same options as `EvaluateRequest`, files as spans, in order. */
export interface BytesRequest extends Omit<EvaluateRequest, "files"> { files: FileSpan[]; }
export type Answer<T> =
  | { type: "success"; result: T; warnings: string[] }
  | { type: "failure"; errors: string[] };
/** The report: see the README ("The report (JSON contract)"); schema_version 4. */
export interface Report {
  schema_version: number;
  /** The rules applied: `latest`, or the date given as `asOf`; tasks not yet documented then. */
  rules: { as_of: string; evaluated_on: string; tasks_not_in_force?: string[] };
  summary: { overall: "ready" | "ready-with-warnings" | "blocked"; blockers: string[]; warnings: string[]; counts: Record<string, number> };
  inputs: { path: string; format: string; format_label: string; records: number; warnings?: string[] }[];
  errors: { path: string; format: string | null; location: { line: number; column: number } | null; message: string; snippet?: string }[];
  workspaces: { id: string; name: string; subscription_id?: string; resource_group?: string }[];
  principals: { id: string; display_name: string; type: string; sign_in_name?: string; groups?: string[]; tasks: Verdict[] }[];
  /** Every distinct reason once; `Verdict.reasons` and `Verdict.nearest` are positions in it. */
  reasons: Reason[];
  tasks: { task: string; title: string; workspace: string; qualified: PrincipalVerdict[]; potential: PrincipalVerdict[]; denied: PrincipalVerdict[]; remediation?: { text: string; command: string }[]; /** Only on a report whose lists were cut short: their full lengths. */ shortened?: { qualified: number; potential: number; denied: number } }[];
  prerequisites: { id: string; title: string; workspace: string | null; status: "pass" | "fail" | "warn" | "unknown"; evidence: string; remedy?: string; sources: string[] }[];
  findings: { id: string; title: string; workspace: string | null; severity: "high" | "medium" | "low" | "info"; objects: { kind: string; name: string; id?: string; detail?: string }[]; detail: string; action: string; sources: string[] }[];
  checklist: { phase: string; persona: string; text: string; refs: string[]; done: boolean; evidence: string; who?: string[] }[];
  caveats: string[];
}
export interface PrincipalVerdict { principal: string; display_name: string; verdict: VerdictKind; }
export type VerdictKind = "allowed" | "equivalent" | "conditional" | "eligible" | "unknown" | "denied" | "not-allowed";
export interface Verdict { task: string; workspace: string; verdict: VerdictKind; route?: string; reasons: number[]; missing?: string[]; nearest?: number[]; notes?: string[]; }
export interface Reason { route: string; assignment?: string; role?: string; role_id?: string; scope?: string; via_groups?: string[]; pim?: string; condition?: string; operations?: string[]; text: string; }
export interface DifferenceEntry { id: string; title: string; area: string; impact: string; impactSecondary: string | null; action: string; azure: string; defender: string; evidence: string; question: string; sources: string[]; sourceDates: (string | null)[]; since: string; until: string | null; unverified: boolean; score: number; }
"#;

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Through JSON text and the host's parser: plain objects, and the same serializer as the
    // report instead of a second one (serde-wasm-bindgen) in the package.
    sentinel_readiness_engine::shared_text::compact_json(|| serde_json::to_string(value))
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

fn today() -> Date {
    Date::from_days_since_epoch((js_sys::Date::now() / 86_400_000.0).floor() as i64)
}

/// Evaluates exports (role and Sentinel configuration exports) into a readiness report.
#[wasm_bindgen(js_name = evaluate, unchecked_return_type = "Answer<Report>")]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "EvaluateRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    if request.is_string() {
        let answer =
            failure("request: a string was given; give the request as an object, or its JSON text to evaluateJson");
        return Ok(js_sys::JSON::parse(&answer).unwrap_or(JsValue::NULL));
    }
    // Through JSON text, like `evaluateJson`: the browser's JSON parser builds the objects,
    // which is faster than crossing the boundary per value and keeps one serializer in the Wasm.
    let text = request_json(&request)?;
    Ok(js_sys::JSON::parse(&evaluate_json(&text)).unwrap_or(JsValue::NULL))
}

/// The request as JSON text. What `JSON.stringify` throws (a `TypeError` for a BigInt or a
/// cycle) is thrown to the caller: read as an empty request, it answered with a failure that
/// named a missing field instead of the cause.
fn request_json(request: &JsValue) -> Result<String, JsValue> {
    Ok(js_sys::JSON::stringify(request)?.as_string().unwrap_or_default())
}

/// The same as `evaluate`, with the request and the answer as JSON text: one crossing of
/// the JS/Wasm boundary per document instead of one per value, for large tenants (and for
/// workers, which post strings cheaply). An answer too long for a JS string comes back as a
/// failure that says so (use `evaluateBytes`).
#[wasm_bindgen(js_name = evaluateJson)]
pub fn evaluate_json(request: &str) -> String {
    ffi::reserve_heap(request.len());
    // Without a callback `answer` does not fail (only an `onChunk` callback can throw).
    let json = answer(request, None, None).unwrap_or_else(|_| failure("the answer could not be written").into_bytes());
    ffi::fit_js_string(json, ffi::JS_STRING_LIMIT)
}

/// For the largest tenants: the exports as one byte buffer, divided by the request's file
/// lengths and read as from disk (UTF-8, or UTF-16 with its byte order mark), and the answer
/// as UTF-8 JSON bytes. No text is converted on either side, and an answer beyond a JS
/// string's limit (about 512 MB in V8) still comes back whole, e.g. to write to a file.
/// With `onChunk`, the answer is handed over in order, about 1 MB at a time, as it is
/// written, and the return value is empty: the answer is never held whole on either side.
#[wasm_bindgen(js_name = evaluateBytes)]
pub fn evaluate_bytes(
    #[wasm_bindgen(unchecked_param_type = "BytesRequest")] request: JsValue,
    data: &[u8],
    #[wasm_bindgen(js_name = onChunk, unchecked_optional_param_type = "(chunk: Uint8Array) => void")] on_chunk: Option<
        js_sys::Function,
    >,
) -> Result<Vec<u8>, JsValue> {
    // Checked before the evaluation, not at the first hand-over after it.
    if on_chunk.as_ref().is_some_and(|f| !JsValue::from(f).is_function()) {
        return Err(js_sys::TypeError::new("onChunk must be a function").into());
    }
    let text = request_json(&request)?;
    ffi::reserve_heap(data.len());
    answer(&text, Some(data), on_chunk.as_ref())
}

/// Size of the pieces handed to an `onChunk` callback.
const CHUNK: usize = 1 << 20;

/// Where the answer's JSON goes: into one buffer, or to a JS callback a chunk at a time (no
/// buffer of the whole answer, which grows by copying itself into fresh memory as it doubles).
struct Sink<'a> {
    buf: Vec<u8>,
    /// Hand the buffer over when it reaches this length (never without a callback).
    spill_at: usize,
    on_chunk: Option<&'a js_sys::Function>,
    /// What the callback threw, handed back to the caller unchanged.
    thrown: Option<JsValue>,
}

impl Sink<'_> {
    // Out of line: the JSON writer calls `write_all` for every fragment, inlined.
    #[inline(never)]
    fn spill(&mut self) -> std::io::Result<()> {
        let Some(f) = self.on_chunk else { return Ok(()) };
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = js_sys::Uint8Array::from(self.buf.as_slice());
        self.buf.clear();
        f.call1(&JsValue::NULL, &chunk).map(drop).map_err(|e| {
            self.thrown = Some(e);
            std::io::Error::other("onChunk threw")
        })
    }
}

impl std::io::Write for Sink<'_> {
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes).map(|()| bytes.len())
    }

    // Inlined at each of the JSON writer's fragment sites (3 KB more than a Vec's): out of
    // line, the whole answer took 3 s longer at 100k.
    #[inline(always)]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= self.spill_at {
            self.spill()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.spill()
    }
}

/// Evaluates and writes the answer as JSON. The one place the report's JSON writer, built for
/// speed in this crate, is called: not inlined, so every entry point shares one copy.
#[inline(never)]
fn answer(request: &str, data: Option<&[u8]>, on_chunk: Option<&js_sys::Function>) -> Result<Vec<u8>, JsValue> {
    let answer = ffi::evaluate_request(request, data, today());
    let mut sink = Sink {
        buf: Vec::with_capacity(if on_chunk.is_some() { CHUNK + CHUNK / 8 } else { 0 }),
        spill_at: if on_chunk.is_some() { CHUNK } else { usize::MAX },
        on_chunk,
        thrown: None,
    };
    let written = sentinel_readiness_engine::shared_text::compact_json(|| serde_json::to_writer(&mut sink, &answer));
    ffi::release(answer);
    if let Some(e) = sink.thrown.take() {
        return Err(e);
    }
    if let Err(e) = written {
        sink.buf = failure(&e.to_string()).into_bytes();
    }
    std::io::Write::flush(&mut sink).map_err(|_| sink.thrown.take().unwrap_or(JsValue::NULL))?;
    Ok(sink.buf)
}

/// A failure answer as JSON text, for the few errors that arise after evaluating.
fn failure(error: &str) -> String {
    serde_json::to_string(&ffi::Answer::<()>::Failure {
        errors: vec![error.to_string()],
    })
    .unwrap_or_default()
}

/// Ranked search over the catalogue of documented portal differences. An `area` or `impact`
/// that no entry has throws a `RangeError` that lists the known values.
#[wasm_bindgen(js_name = searchDifferences, unchecked_return_type = "DifferenceEntry[]")]
pub fn search_differences(query: &str, area: Option<String>, impact: Option<String>) -> Result<JsValue, JsValue> {
    ffi::search_differences(query, area.as_deref(), impact.as_deref(), None)
        .map(|hits| to_js(&hits))
        .map_err(|e| js_sys::RangeError::new(&e.to_string()).into())
}
