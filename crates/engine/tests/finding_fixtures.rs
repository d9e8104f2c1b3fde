//! One folder per detector under `fixtures/findings/<difference-id>/`, with a `positive`
//! case that must produce a finding with that id and a `negative` case that must not.
//! More cases may sit beside them, named `positive-…` or `negative-…`. An optional
//! `expect.json` names the primary workspace (`primary`), the date whose rules apply
//! (`as_of`), and texts the finding's objects must mention (`contains`, positive cases).

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{assert_every_case, case_dirs, case_name, fixtures, read_case};
use sentinel_readiness_engine::{analyze, finding::DETECTORS, Date, ReportOptions};

fn check(id: &str, dir: &Path) -> Result<(), String> {
    let (files, expect) = read_case(dir);
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: expect["as_of"].as_str().map(|d| Date::parse(d).unwrap()),
        today: Date::new(2026, 11, 23),
        all_verdicts: false,
        primary: expect["primary"].as_str().map(str::to_string),
        threads: 0,
    };
    let report = analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap();
    if !report.errors.is_empty() {
        return Err(format!("{:?}", report.errors));
    }
    let finding = report.findings.iter().find(|f| f.id == id);
    let name = case_name(dir);
    match (name.starts_with("positive"), finding) {
        (true, None) => Err("raised no finding".into()),
        (true, Some(f)) if f.objects.is_empty() => Err("the finding names no object".into()),
        (true, Some(f)) => {
            let said: Vec<String> = f.objects.iter().map(|o| format!("{} {}", o.name, o.detail)).collect();
            let missing: Vec<&str> = expect["contains"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str())
                .filter(|t| !said.iter().any(|s| s.contains(t)))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("no object mentions {missing:?}; they say {said:?}"))
            }
        }
        (false, Some(f)) => Err(format!("raised the finding: {:?}", f.objects)),
        (false, None) if name.starts_with("negative") => Ok(()),
        (false, None) => Err("a case is named positive… or negative…".into()),
    }
}

#[test]
fn every_detector_has_a_positive_and_a_negative_fixture() {
    for det in DETECTORS {
        for kind in ["positive", "negative"] {
            assert!(
                fixtures("findings").join(det.id).join(kind).is_dir(),
                "missing fixtures/findings/{}/{kind}",
                det.id
            );
        }
    }
}

#[test]
fn positive_fixtures_raise_their_finding_and_negative_ones_do_not() {
    assert_every_case(&case_dirs("findings"), 2 * DETECTORS.len(), check);
}
