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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateRequest {
    pub files: Vec<FileInput>,
    #[serde(default)]
    pub workspaces: Vec<String>,
    #[serde(default)]
    pub primary: Option<String>,
    /// `YYYY-MM-DD`: apply the rules documented at that date.
    #[serde(default)]
    pub as_of: Option<String>,
    /// `YYYY-MM-DD`: the day PIM windows are checked against (the caller's today).
    #[serde(default)]
    pub today: Option<String>,
    #[serde(default)]
    pub all_verdicts: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Answer<T> {
    Success { result: T, warnings: Vec<String> },
    Failure { errors: Vec<String> },
}

/// Evaluates exports into a report. `fallback_today` is used when the request has none.
pub fn evaluate(req: &EvaluateRequest, fallback_today: Date) -> Answer<Report> {
    let mut errors = Vec::new();
    let mut date = |label: &str, text: Option<&str>| -> Option<Date> {
        text.and_then(|t| Date::parse(t).map_err(|e| errors.push(format!("{label}: {e}"))).ok())
    };
    let as_of = date("asOf", req.as_of.as_deref());
    let today = date("today", req.today.as_deref()).unwrap_or(fallback_today);
    if !errors.is_empty() {
        return Answer::Failure { errors };
    }
    let loaded = crate::load(req.files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())));
    if loaded.inputs.is_empty() {
        let mut errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
        errors.push("none of the inputs could be used".into());
        return Answer::Failure { errors };
    }
    let opts = ReportOptions {
        workspaces: req.workspaces.clone(),
        as_of,
        today,
        all_verdicts: req.all_verdicts,
        primary: req.primary.clone(),
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
    serde_json::from_str(text).map_err(|e| format!("request: {e}"))
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
pub fn search_differences(
    query: &str,
    area: Option<&str>,
    impact: Option<&str>,
    as_of: Option<Date>,
) -> Vec<DifferenceEntry> {
    difference::search(query, area, impact, as_of)
        .iter()
        .map(entry)
        .collect()
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
    let mut block: Vec<u8> = Vec::new();
    // Declined when the memory cannot grow that far: the evaluation then grows as it needs.
    let _ = block.try_reserve_exact(wanted);
}

#[cfg(test)]
mod tests {
    use super::*;

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
            search_differences("fusion", None, None, None).first().map(|d| d.id),
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
    }
}
