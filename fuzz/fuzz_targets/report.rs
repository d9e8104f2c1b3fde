//! The whole pipeline: up to three files (split at 0x00 bytes) are loaded, evaluated and
//! rendered. The first byte picks the options: bit 0 `--all-verdicts`, bits 1-2 the rendering
//! (JSON, Markdown, CSV, or all three), bit 3 one thread or two. JSON alone is written both
//! with and without the directly assembled records, which must agree, and the report's
//! indented JSON must be serde_json's own indenting; CSV alone must read back as one
//! ten-field row per record. Each execution runs the pipeline once with one setting (running
//! every setting every time cut the executions a core manages by six) while the fuzzer still
//! explores them all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentinel_readiness_engine::report::PRETTY_JSON_UP_TO;
use sentinel_readiness_engine::{analyze, shared_text, Date, ReportOptions};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let files: Vec<(String, &[u8])> = rest
        .split(|b| *b == 0)
        .take(3)
        .enumerate()
        .map(|(i, part)| (format!("file-{i}"), part))
        .collect();
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: None,
        today: Date::new(2026, 11, 23),
        all_verdicts: first & 1 == 1,
        primary: None,
        // One thread or two, so lanes put together are fuzzed as well.
        threads: 1 + usize::from(first & 8 != 0),
    };
    if let Ok(report) = analyze(files.iter().map(|(n, b)| (n.as_str(), *b)), &opts) {
        match (first >> 1) & 3 {
            // The JSON as written without indentation, where verdicts are put together
            // directly, must be what the derived writer gives.
            0 => {
                let derived = serde_json::to_vec(&report).ok();
                let compact = shared_text::compact_json(|| serde_json::to_vec(&report)).ok();
                assert!(compact == derived, "compact JSON differs from the derived writer's");
                if report.verdict_count() <= PRETTY_JSON_UP_TO {
                    let pretty = serde_json::to_string_pretty(&report).unwrap_or_default();
                    assert!(report.to_json() == pretty, "indented JSON differs from serde_json's");
                }
            }
            1 => drop(report.to_markdown()),
            2 => {
                let csv = report.to_csv();
                let mut rows = 0;
                for row in csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes()).records() {
                    assert!(row.map(|r| r.len()).ok() == Some(10), "a CSV row does not read back as ten fields");
                    rows += 1;
                }
                let records = report.verdict_count() + report.prerequisites.len() + report.findings.len();
                assert!(rows == records + 1, "CSV rows do not match the report's records");
            }
            _ => drop((report.to_json(), report.to_markdown(), report.to_csv())),
        }
    }
});
