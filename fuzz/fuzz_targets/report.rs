//! The whole pipeline: up to three files (split at 0x00 bytes) are loaded, evaluated and
//! rendered as JSON, Markdown and CSV, with and without `--all-verdicts`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentinel_readiness_engine::{analyze, Date, ReportOptions};

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, &[u8])> = data
        .split(|b| *b == 0)
        .take(3)
        .enumerate()
        .map(|(i, part)| (format!("file-{i}"), part))
        .collect();
    for all_verdicts in [false, true] {
        let opts = ReportOptions {
            workspaces: vec![],
            as_of: None,
            today: Date::new(2026, 11, 23),
            all_verdicts,
            primary: None,
        };
        if let Ok(report) = analyze(files.iter().map(|(n, b)| (n.as_str(), *b)), &opts) {
            let _ = (report.to_json(), report.to_markdown(), report.to_csv());
        }
    }
});
