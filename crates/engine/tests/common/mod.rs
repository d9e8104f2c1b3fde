//! What the fixture-folder tests share: finding the case folders, reading a case's export
//! files and its `expect.json`, and running every case before failing with all that failed.

// Each test crate uses part of this.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value;

pub fn fixtures(under: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(under)
}

/// `(rule id, case folder)` for every `fixtures/<under>/<rule id>/<case>/`, sorted.
pub fn case_dirs(under: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(fixtures(under)).unwrap() {
        let rule = rule.unwrap().path();
        let id = rule.file_name().unwrap().to_string_lossy().to_string();
        for case in std::fs::read_dir(&rule).unwrap() {
            out.push((id.clone(), case.unwrap().path()));
        }
    }
    out.sort();
    out
}

pub fn case_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().to_string()
}

/// A case's export files, sorted by name, and its `expect.json` (`Null` when it has none).
pub fn read_case(dir: &Path) -> (Vec<(String, Vec<u8>)>, Value) {
    let mut expect = Value::Null;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = case_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        if name == "expect.json" {
            expect = serde_json::from_slice(&bytes).unwrap();
        } else {
            files.push((name, bytes));
        }
    }
    files.sort();
    (files, expect)
}

/// Runs every case, then fails once with each case that failed and why.
pub fn assert_every_case(
    cases: &[(String, PathBuf)],
    at_least: usize,
    run: impl Fn(&str, &Path) -> Result<(), String>,
) {
    assert!(cases.len() >= at_least, "fixtures missing: {}", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(id, dir)| run(id, dir).err().map(|e| format!("{id}/{}: {e}", case_name(dir))))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The report on `files` for `workspaces` (none: those the exports name) on `today`, with
/// every verdict.
pub fn report(
    files: &[(String, Vec<u8>)],
    workspaces: &[&str],
    today: sentinel_readiness_engine::Date,
) -> sentinel_readiness_engine::Report {
    let opts = sentinel_readiness_engine::ReportOptions {
        workspaces: workspaces.iter().map(|w| w.to_string()).collect(),
        as_of: None,
        today,
        all_verdicts: true,
        primary: None,
        threads: 0,
    };
    sentinel_readiness_engine::analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap()
}

/// [`report`] on the named files of `fixtures/<under>/`.
pub fn report_on_files(
    under: &str,
    names: &[&str],
    workspaces: &[&str],
    today: sentinel_readiness_engine::Date,
) -> sentinel_readiness_engine::Report {
    let files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.to_string(), std::fs::read(fixtures(under).join(n)).unwrap()))
        .collect();
    report(&files, workspaces, today)
}
