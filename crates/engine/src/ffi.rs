//! The boundary for foreign callers (the JS API package): plain serde types and tagged
//! answers, `{type: "success", result, warnings}` or `{type: "failure", errors}`. No
//! wasm types here; `crates/wasm` only converts these to and from JS values.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::difference;
use crate::report::{build, Report, ReportOptions};

/// One export file, already as text.
#[derive(Debug, Clone, Deserialize)]
pub struct FileInput {
    pub name: String,
    pub text: String,
}

/// One export file inside a shared byte buffer: its name and its length, files in order.
#[derive(Debug, Clone, Deserialize)]
pub struct FileSpan {
    pub name: String,
    pub length: usize,
}

/// An evaluation request. `F` is how the files come: as text ([`FileInput`], the default) or
/// as spans of one byte buffer ([`FileSpan`]), with the same options beside them.
/// An option it does not know is refused, not ignored: a misspelt `Today` evaluated PIM
/// windows on the real today, silently.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvaluateRequest<F = FileInput> {
    pub files: Vec<F>,
    #[serde(default)]
    pub workspaces: Vec<String>,
    #[serde(default)]
    pub primary: Option<String>,
    /// `YYYY-MM-DD`: apply the rules documented at that date.
    #[serde(default, deserialize_with = "date_not_null")]
    pub as_of: Option<String>,
    /// `YYYY-MM-DD`: the day PIM windows are checked against (the caller's today).
    #[serde(default, deserialize_with = "date_not_null")]
    pub today: Option<String>,
    #[serde(default)]
    pub all_verdicts: bool,
}

/// A date option that is there must be a date: `JSON.stringify` writes an invalid JS `Date`
/// as `null`, which would otherwise read as "not given" (today, or the latest rules).
fn date_not_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)?.map(Some).ok_or_else(|| {
        serde::de::Error::custom(
            "a date option is null (an invalid JavaScript Date is written so); leave it out for its default",
        )
    })
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Answer<T> {
    Success { result: T, warnings: Vec<String> },
    Failure { errors: Vec<String> },
}

/// Evaluates exports into a report. `fallback_today` is used when the request has none.
pub fn evaluate(req: &EvaluateRequest, fallback_today: Date) -> Answer<Report> {
    let files = req.files.iter().map(|f| (f.name.as_str(), f.text.as_bytes()));
    run(&req.options(), files.collect(), fallback_today)
}

/// Evaluates exports sent as one byte buffer, `data`, which the request's files divide in
/// order. Each file's bytes are read as they would be from disk (UTF-8, or UTF-16 with its
/// byte order mark), so nothing has to become a string first.
pub fn evaluate_bytes(req: &EvaluateRequest<FileSpan>, data: &[u8], fallback_today: Date) -> Answer<Report> {
    match split(&req.files, data) {
        Ok(files) => run(&req.options(), files, fallback_today),
        Err(e) => Answer::Failure { errors: vec![e] },
    }
}

/// Evaluates a request given as JSON text: with `data`, a [`FileSpan`] request whose files
/// divide that buffer (see [`evaluate_bytes`]); without, a request whose files carry their text.
/// A request that cannot be read is a failure answer that says where.
pub fn evaluate_request(request: &str, data: Option<&[u8]>, fallback_today: Date) -> Answer<Report> {
    let answer = match data {
        None => parse_request(request).map(|req| evaluate(&req, fallback_today)),
        Some(data) => parse_bytes_request(request).map(|req| evaluate_bytes(&req, data, fallback_today)),
    };
    answer.unwrap_or_else(|e| Answer::Failure { errors: vec![e] })
}

/// The files' bytes, or why the lengths do not divide the buffer.
fn split<'a>(files: &'a [FileSpan], data: &'a [u8]) -> Result<Vec<(&'a str, &'a [u8])>, String> {
    let mut rest = data;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let Some((head, tail)) = rest.split_at_checked(f.length) else {
            return Err(format!(
                "request: the file {:?} is said to be {} bytes, but only {} of the {} bytes sent remain",
                f.name,
                f.length,
                rest.len(),
                data.len()
            ));
        };
        out.push((f.name.as_str(), head));
        rest = tail;
    }
    if rest.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "request: the files' lengths add up to {} bytes, but {} bytes were sent",
            data.len() - rest.len(),
            data.len()
        ))
    }
}

/// Most export bytes one WebAssembly evaluation takes (the JS API's and the web page's): a
/// Wasm instance holds at most 4 GB, and a dense tenant of 1 GB of exports ran out of it,
/// which traps and can leave the instance unusable for large requests. The command line has
/// no such limit.
pub const REQUEST_LIMIT_BYTES: usize = 512 * 1024 * 1024;

/// Why exports of `total` bytes are too much for one WebAssembly evaluation, if they are.
pub fn over_request_limit(total: usize) -> Option<String> {
    (total > REQUEST_LIMIT_BYTES).then(|| {
        format!(
            "the exports come to {} MB together, more than the {} MB one evaluation in WebAssembly (a browser tab, the JS API) can hold in its memory: run the command line on them (`sentinel-readiness report FOLDER`), which has no such limit",
            total.div_ceil(1024 * 1024),
            REQUEST_LIMIT_BYTES / (1024 * 1024)
        )
    })
}

/// A request's options, whichever way its files came: the evaluation below is then compiled
/// once, not once per kind of request.
struct Options<'a> {
    workspaces: &'a [String],
    primary: Option<&'a str>,
    as_of: Option<&'a str>,
    today: Option<&'a str>,
    all_verdicts: bool,
}

impl<F> EvaluateRequest<F> {
    fn options(&self) -> Options<'_> {
        Options {
            workspaces: &self.workspaces,
            primary: self.primary.as_deref(),
            as_of: self.as_of.as_deref(),
            today: self.today.as_deref(),
            all_verdicts: self.all_verdicts,
        }
    }
}

fn run(req: &Options<'_>, files: Vec<(&str, &[u8])>, fallback_today: Date) -> Answer<Report> {
    let mut errors = Vec::new();
    let mut date = |label: &str, text: Option<&str>| -> Option<Date> {
        text.and_then(|t| {
            Date::parse_option(t)
                .map_err(|e| errors.push(format!("{label}: {e}")))
                .ok()
        })
    };
    let as_of = date("asOf", req.as_of);
    let today = date("today", req.today).unwrap_or(fallback_today);
    errors.extend(over_request_limit(files.iter().map(|(_, b)| b.len()).sum()));
    if !errors.is_empty() {
        return Answer::Failure { errors };
    }
    let loaded = crate::load(files);
    if loaded.inputs.is_empty() {
        let mut errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
        errors.push("none of the inputs could be used".into());
        return Answer::Failure { errors };
    }
    let opts = ReportOptions {
        workspaces: req.workspaces.to_vec(),
        as_of,
        today,
        all_verdicts: req.all_verdicts,
        primary: req.primary.map(str::to_string),
        threads: 1,
    };
    match build(&loaded, &opts) {
        Ok(report) => Answer::Success {
            warnings: report.errors.iter().map(ToString::to_string).collect(),
            result: report,
        },
        Err(e) => Answer::Failure {
            errors: vec![e.to_string()],
        },
    }
}

/// Reads a request sent as JSON text. Kept here, out of generic code, so the JS API's crate
/// (built for speed, see `crates/wasm`) does not carry its own copy of the request parser.
pub fn parse_request(text: &str) -> Result<EvaluateRequest, String> {
    serde_json::from_str(text).map_err(|e| {
        // A JS string with half of a surrogate pair (Node's `toString('utf16le')` of a bad
        // file keeps one) reaches the JSON as an escape no text can hold.
        let hint = if e.to_string().contains("hex escape") {
            ": a file's text holds half of a UTF-16 surrogate pair, which no export holds; give the file's bytes to evaluateBytes, which names the file as the command line does"
        } else {
            ""
        };
        format!("request: {e}{hint}")
    })
}

/// Reads the request that comes beside a byte buffer (files as names and lengths).
pub fn parse_bytes_request(text: &str) -> Result<EvaluateRequest<FileSpan>, String> {
    serde_json::from_str(text).map_err(|e| format!("request: {e}"))
}

/// The longest string V8 (Chrome, Node) can make, in UTF-16 code units (2^29 - 24 on 64-bit
/// hosts); Firefox and Safari allow more. An answer longer than this cannot be returned as text.
pub const JS_STRING_LIMIT: usize = (1 << 29) - 24;

/// An answer's JSON, as text when a JS host can hold it as one string (`limit` code units),
/// or else a failure answer that says so and names the way out, instead of the host throwing
/// while it converts the text. The UTF-8 check is made only on an answer that is returned.
pub fn fit_js_string(json: Vec<u8>, limit: usize) -> String {
    // UTF-8 has at most one UTF-16 code unit per byte, so counting is needed only for an
    // answer whose bytes exceed the limit: one unit per character, two for those beyond
    // U+FFFF (counted by their lead bytes; `encode_utf16` took 6 s over 640 MB in Wasm).
    let fits = json.len() <= limit
        || json
            .iter()
            .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
            .sum::<usize>()
            <= limit;
    let error = if fits {
        match String::from_utf8(json) {
            Ok(text) => return text,
            Err(_) => "the answer was not valid UTF-8".to_string(),
        }
    } else {
        format!(
            "the answer is {} MB of JSON, more than a JavaScript string can hold ({limit} characters); \
             use evaluateBytes, which returns it as bytes, or the command line",
            json.len().div_ceil(1_000_000)
        )
    };
    serde_json::to_string(&Answer::<()>::Failure { errors: vec![error] }).unwrap_or_default()
}

/// Frees an answer here rather than in the caller: the drop code of a whole report is large,
/// and the JS API's crate, built for speed, would otherwise carry a second, bigger copy.
#[inline(never)]
pub fn release(answer: Answer<Report>) {
    drop(answer);
}

/// A catalogue entry as the API returns it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DifferenceEntry {
    pub id: &'static str,
    pub title: &'static str,
    pub area: &'static str,
    pub impact: &'static str,
    pub impact_secondary: Option<&'static str>,
    pub action: &'static str,
    pub azure: &'static str,
    pub defender: &'static str,
    pub evidence: &'static str,
    pub question: &'static str,
    /// Doc paths, and beside them the doc date of each (when known).
    pub sources: Vec<&'static str>,
    pub source_dates: Vec<Option<String>>,
    pub since: String,
    pub until: Option<String>,
    pub unverified: bool,
    pub score: u32,
}

/// A search hit as the API returns it.
pub fn entry(h: &difference::Hit) -> DifferenceEntry {
    let d = h.difference;
    DifferenceEntry {
        id: d.id,
        title: d.title,
        area: d.area,
        impact: d.impact,
        impact_secondary: d.impact_secondary,
        action: d.action,
        azure: d.azure,
        defender: d.defender,
        evidence: d.evidence,
        question: d.question,
        sources: d.sources.iter().map(|s| s.path).collect(),
        source_dates: d.sources.iter().map(|s| s.date.map(|x| x.to_string())).collect(),
        since: d.since.to_string(),
        until: d.until.map(|u| u.to_string()),
        unverified: d.unverified,
        score: h.score,
    }
}

/// Ranked catalogue search, as served by the CLI's `features --format json` and the JS API.
/// A filter value that no entry has is refused rather than answered with nothing.
pub fn search_differences(
    query: &str,
    area: Option<&str>,
    impact: Option<&str>,
    as_of: Option<Date>,
) -> Result<Vec<DifferenceEntry>, difference::FilterError> {
    difference::check_filters(area, impact)?;
    Ok(difference::search(query, area, impact, as_of)
        .iter()
        .map(entry)
        .collect())
}

/// For Wasm callers, before evaluating a request of `request_bytes`: grows the memory once, by
/// a share of what a large evaluation will use, instead of page by page as the allocator asks
/// (a dense tenant's report makes tens of thousands of such requests, each a `memory.grow`;
/// measured: 10k-assignment tenant 17.5 s -> 9.8 s in Node). The block is released at once
/// and reused by the evaluation; untouched pages cost no physical memory.
pub fn reserve_heap(request_bytes: usize) {
    // 1.5 GiB: under the 2 GiB a single Vec can hold on wasm32.
    const MOST: usize = 3 << 29;
    let wanted = request_bytes.saturating_mul(128).min(MOST);
    // A memory an earlier evaluation grew that far is reused as it is. Asking for the block
    // again found the free room in pieces and grew the memory by the whole block once more
    // (1.7 -> 3.3 GB of Wasm memory after a second 100k evaluation in one instance).
    #[cfg(target_arch = "wasm32")]
    {
        const PAGE: usize = 64 * 1024;
        if core::arch::wasm32::memory_size::<0>().saturating_mul(PAGE) >= wanted {
            return;
        }
    }
    let mut block: Vec<u8> = Vec::new();
    // Declined when the memory cannot grow that far: the evaluation then grows as it needs.
    let _ = block.try_reserve_exact(wanted);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_past_the_wasm_limit_is_refused_before_it_is_read() {
        // Zeroed memory is not touched until written: the test costs no 512 MB.
        let data = vec![0u8; REQUEST_LIMIT_BYTES + 1];
        let spans = r#"{"files": [{"name": "a.json", "length": 1}, {"name": "b.json", "length": 536870912}]}"#;
        let answer = evaluate_request(spans, Some(&data), Date::new(2026, 12, 7));
        let Answer::Failure { errors } = answer else {
            panic!("not refused");
        };
        assert!(
            errors.iter().any(|e| e.contains("the exports come to 513 MB together")),
            "{errors:?}"
        );
        assert!(over_request_limit(REQUEST_LIMIT_BYTES).is_none());
    }

    #[test]
    fn answers_are_tagged() {
        let req = EvaluateRequest {
            files: vec![FileInput {
                name: "x.json".into(),
                text: "not json".into(),
            }],
            workspaces: vec![],
            primary: None,
            as_of: None,
            today: None,
            all_verdicts: false,
        };
        let json = serde_json::to_value(evaluate(&req, Date::new(2026, 1, 1))).unwrap_or_default();
        assert_eq!(json["type"], "failure");
        let bad_date = EvaluateRequest {
            as_of: Some("soon".into()),
            ..req
        };
        assert_eq!(
            serde_json::to_value(evaluate(&bad_date, Date::new(2026, 1, 1))).unwrap_or_default()["type"],
            "failure"
        );
        assert_eq!(
            search_differences("fusion", None, None, None)
                .ok()
                .and_then(|h| h.first().map(|d| d.id)),
            Some("fusion-rule-disabled")
        );
    }

    #[test]
    fn requests_are_read_with_their_defaults_or_refused_with_the_place() {
        let req = parse_request(r#"{"files":[{"name":"a.json","text":"[]"}],"allVerdicts":true}"#);
        assert!(matches!(&req, Ok(r) if r.files.len() == 1 && r.all_verdicts && r.workspaces.is_empty()));
        let err = parse_request(r#"{"files":[{"name":"a.json"}]}"#)
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("request: missing field `text`"), "{err}");
        assert!(err.contains("column"), "{err}");
        // Round 35: a misspelt option is refused, not ignored (`Today` used the real today);
        // a null date (an invalid JS Date) is refused, not read as "not given".
        for (json, says) in [
            (r#"{"files":[],"Today":"2027-01-15"}"#, "unknown field `Today`"),
            (r#"{"files":[],"allverdicts":true}"#, "unknown field `allverdicts`"),
            (r#"{"files":[],"today":null}"#, "a date option is null"),
            (r#"{"files":[],"asOf":null}"#, "a date option is null"),
        ] {
            let err = parse_request(json).err().unwrap_or_default();
            assert!(err.contains(says), "{json}: {err}");
        }
        assert!(parse_request(r#"{"files":[],"primary":null}"#).is_ok());
        // Round 35: half a surrogate pair, as JSON.stringify writes it, says what it is.
        for text in [r#""\ud800""#, r#""a\udc00b""#] {
            let err = parse_request(&format!(r#"{{"files":[{{"name":"a.json","text":{text}}}]}}"#))
                .err()
                .unwrap_or_default();
            assert!(err.contains("half of a UTF-16 surrogate pair"), "{err}");
        }
    }

    #[test]
    fn bytes_give_the_same_answer_as_text() {
        let files: Vec<FileInput> = crate::sample::SAMPLE_FILES
            .iter()
            .map(|(name, text)| FileInput {
                name: (*name).into(),
                text: (*text).into(),
            })
            .collect();
        let data: Vec<u8> = files.iter().flat_map(|f| f.text.bytes()).collect();
        let spans = files
            .iter()
            .map(|f| FileSpan {
                name: f.name.clone(),
                length: f.text.len(),
            })
            .collect();
        let today = Date::new(2026, 11, 23);
        let text_req = EvaluateRequest {
            files,
            workspaces: vec![],
            primary: Some("law-soc-prod".into()),
            as_of: None,
            today: None,
            all_verdicts: true,
        };
        let bytes_req = EvaluateRequest {
            files: spans,
            workspaces: vec![],
            primary: Some("law-soc-prod".into()),
            as_of: None,
            today: None,
            all_verdicts: true,
        };
        let by_text = serde_json::to_string(&evaluate(&text_req, today)).unwrap_or_default();
        let by_bytes = serde_json::to_string(&evaluate_bytes(&bytes_req, &data, today)).unwrap_or_default();
        assert!(by_text.starts_with(r#"{"type":"success""#), "{by_text:.200}");
        assert_eq!(by_text, by_bytes);
    }

    #[test]
    fn byte_lengths_must_divide_the_buffer() {
        let req = |lengths: &[usize]| EvaluateRequest {
            files: lengths
                .iter()
                .enumerate()
                .map(|(i, &length)| FileSpan {
                    name: format!("f{i}.json"),
                    length,
                })
                .collect(),
            workspaces: vec![],
            primary: None,
            as_of: None,
            today: None,
            all_verdicts: false,
        };
        let errors = |answer: Answer<Report>| match answer {
            Answer::Failure { errors } => errors.join("\n"),
            Answer::Success { .. } => String::new(),
        };
        let today = Date::new(2026, 11, 23);
        let data = b"[][]";
        let short = errors(evaluate_bytes(&req(&[2, 3]), data, today));
        assert!(
            short.contains(r#"the file "f1.json" is said to be 3 bytes, but only 2 of the 4"#),
            "{short}"
        );
        let long = errors(evaluate_bytes(&req(&[2]), data, today));
        assert!(long.contains("add up to 2 bytes, but 4 bytes were sent"), "{long}");
        // UTF-16 with its byte order mark is read as from disk.
        let text = crate::sample::SAMPLE_FILES
            .first()
            .map(|(_, text)| *text)
            .unwrap_or_default();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let read = evaluate_bytes(&req(&[utf16.len()]), &utf16, today);
        let json = serde_json::to_value(read).unwrap_or_default();
        assert_eq!(json["type"], "success", "{json:.300}");
        assert_eq!(json["result"]["inputs"][0]["path"], "f0.json");
        assert!(json["result"]["inputs"][0]["records"].as_u64() > Some(10));
        assert!(parse_bytes_request(r#"{"files":[{"name":"a","length":-1}]}"#).is_err());
    }

    /// The entry point the Wasm builds call: a request as JSON text, with or without a buffer
    /// of files, answered with a report or with failures in words, never a trap.
    #[test]
    fn requests_as_text_are_answered_or_refused_in_words() {
        let today = Date::new(2026, 11, 23);
        let kind = |answer: Answer<Report>| {
            let json = serde_json::to_value(answer).unwrap_or_default();
            let errors = json["errors"].as_array().map(|e| format!("{e:?}")).unwrap_or_default();
            (json["type"].as_str().unwrap_or_default().to_string(), errors)
        };
        let text = crate::sample::SAMPLE_FILES
            .first()
            .map(|(_, text)| *text)
            .unwrap_or_default();
        let with_text = serde_json::json!({"files": [{"name": "a.json", "text": text}]}).to_string();
        assert_eq!(kind(evaluate_request(&with_text, None, today)).0, "success");
        let spans = format!(r#"{{"files":[{{"name":"a.json","length":{}}}]}}"#, text.len());
        assert_eq!(
            kind(evaluate_request(&spans, Some(text.as_bytes()), today)).0,
            "success"
        );
        // A request that is not one, each way, says so.
        for (request, data) in [
            ("{", None),
            ("[]", None),
            ("{", Some(b"".as_slice())),
            (r#"{"files":3}"#, Some(b"".as_slice())),
        ] {
            let (answer, errors) = kind(evaluate_request(request, data, today));
            assert_eq!(answer, "failure", "{request}");
            assert!(!errors.is_empty(), "{request}: no reason");
        }
        // A workspace option that names nothing in the exports is refused after reading.
        let unknown =
            serde_json::json!({"files": [{"name": "a.json", "text": text}], "workspaces": ["nowhere"]}).to_string();
        let (answer, errors) = kind(evaluate_request(&unknown, None, today));
        assert_eq!(answer, "failure");
        assert!(errors.contains("`nowhere` is not a workspace resource id"), "{errors}");
    }

    #[test]
    fn answers_too_long_for_a_js_string_are_refused_in_words() {
        let fits = fit_js_string(b"{\"type\":\"success\"}".to_vec(), 20);
        assert_eq!(fits, "{\"type\":\"success\"}");
        // Counted in UTF-16 code units, not bytes: "é" is two bytes but one unit.
        let accented = format!("\"{}\"", "é".repeat(9));
        assert_eq!(fit_js_string(accented.clone().into_bytes(), 11), accented);
        // ... and a character beyond U+FFFF is two units (four bytes).
        let astral = "😀".repeat(3);
        assert_eq!(fit_js_string(astral.clone().into_bytes(), 6), astral);
        assert!(fit_js_string(astral.into_bytes(), 5).contains("failure"));
        assert!(fit_js_string(vec![b'"', 0xFF, b'"'], 10).contains("not valid UTF-8"));
        let refused = fit_js_string(vec![b'x'; 2_000_001], 1_000);
        let json: serde_json::Value = serde_json::from_str(&refused).unwrap_or_default();
        assert_eq!(json["type"], "failure");
        let error = json["errors"][0].as_str().unwrap_or_default();
        assert!(error.starts_with("the answer is 3 MB of JSON"), "{error}");
        assert!(
            error.contains("(1000 characters)") && error.contains("evaluateBytes"),
            "{error}"
        );
    }
}
