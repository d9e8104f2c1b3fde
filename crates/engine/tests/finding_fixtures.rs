//! One folder per detector under `fixtures/findings/<difference-id>/`, with a `positive`
//! case that must produce a finding with that id and a `negative` case that must not.
//! An optional `expect.json` names the primary workspace.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use sentinel_readiness_engine::{analyze, finding::DETECTORS, Date, Report, ReportOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/findings")
}

fn run(dir: &Path) -> Report {
    let mut primary = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        if name == "expect.json" {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            primary = v["primary"].as_str().map(str::to_string);
        } else {
            files.push((name, bytes));
        }
    }
    files.sort();
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: None,
        today: Date::new(2026, 11, 23),
        all_verdicts: false,
        primary,
        threads: 0,
    };
    let report = analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap();
    assert!(report.errors.is_empty(), "{}: {:?}", dir.display(), report.errors);
    report
}

#[test]
fn every_detector_has_a_positive_and_a_negative_fixture() {
    for det in DETECTORS {
        for kind in ["positive", "negative"] {
            assert!(
                root().join(det.id).join(kind).is_dir(),
                "missing fixtures/findings/{}/{kind}",
                det.id
            );
        }
    }
}

#[test]
fn positive_fixtures_raise_their_finding_and_negative_ones_do_not() {
    let mut failures = Vec::new();
    for det in DETECTORS {
        let positive = run(&root().join(det.id).join("positive"));
        match positive.findings.iter().find(|f| f.id == det.id) {
            None => failures.push(format!("{}: positive fixture raised no finding", det.id)),
            Some(f) if f.objects.is_empty() => failures.push(format!("{}: finding names no object", det.id)),
            Some(_) => {}
        }
        let negative = run(&root().join(det.id).join("negative"));
        if negative.findings.iter().any(|f| f.id == det.id) {
            failures.push(format!("{}: negative fixture raised the finding", det.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
