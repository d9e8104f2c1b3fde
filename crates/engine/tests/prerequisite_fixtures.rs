//! One folder per case under `fixtures/prerequisites/<check-id>/<case>/`: export files plus an
//! `expect.json` giving the run (`workspaces`, the first being the one checked; `primary`,
//! `as_of`, `today`), the status the check must give there, and text its evidence must
//! mention (`contains`) or must not (`lacks`). `formats` names files of `fixtures/formats/` to read as well, so a
//! case holds only what it changes.
//! Case names start with the status they expect (`pass-`, `warn-`, `fail-`, `unknown-`), so
//! the intent reads from the listing; every check has a passing case and one that does not.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use sentinel_readiness_engine::prerequisite::CHECKS;
use sentinel_readiness_engine::{analyze, Date, ReportOptions};
use serde_json::Value;

fn date(v: &Value) -> Option<Date> {
    v.as_str().map(|d| Date::parse(d).unwrap())
}

fn run_case(check: &str, dir: &Path) -> Result<(), String> {
    let (mut files, expect) = common::read_case(dir);
    for name in expect["formats"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap();
        files.push((
            name.to_string(),
            std::fs::read(common::fixtures("formats").join(name)).unwrap(),
        ));
    }
    files.sort();
    let workspaces: Vec<String> = expect["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    let primary = expect["primary"].as_str().map(str::to_string);
    let opts = ReportOptions {
        workspaces: workspaces.clone(),
        as_of: date(&expect["as_of"]),
        today: date(&expect["today"]).unwrap_or(Date::new(2026, 11, 23)),
        all_verdicts: false,
        primary: primary.clone(),
        threads: 0,
    };
    let report = analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).map_err(|e| e.to_string())?;
    if !report.errors.is_empty() {
        return Err(format!("input errors: {:?}", report.errors));
    }
    let checked = &workspaces[0];
    let result = report
        .prerequisites
        .iter()
        .find(|r| {
            &*r.id == check
                && r.workspace
                    .as_ref()
                    .is_none_or(|w| w.as_str().eq_ignore_ascii_case(checked))
        })
        .ok_or_else(|| format!("`{check}` was not checked on {checked} (not in force at `as_of`?)"))?;
    let json = serde_json::to_string(result).unwrap();
    let want = expect["status"].as_str().unwrap();
    if result.status.as_str() != want {
        return Err(format!("expected {want}: {json}"));
    }
    let needle = expect["contains"].as_str().unwrap();
    if !result.evidence.contains(needle) {
        return Err(format!("evidence does not mention `{needle}`: {json}"));
    }
    if let Some(needle) = expect["lacks"].as_str() {
        if result.evidence.contains(needle) {
            return Err(format!("evidence mentions `{needle}`: {json}"));
        }
    }
    // What to do next: nothing when it passes, a remedy or the command that finds out otherwise.
    if (want == "pass") != result.remedy.is_empty() {
        return Err(format!("remedy does not fit the status: {json}"));
    }
    Ok(())
}

#[test]
fn every_prerequisite_fixture_gives_its_expected_status() {
    common::assert_every_case(&common::case_dirs("prerequisites"), 24, run_case);
}

#[test]
fn every_prerequisite_has_a_passing_case_and_one_that_does_not() {
    let cases = common::case_dirs("prerequisites");
    for (check, dir) in &cases {
        let name = common::case_name(dir);
        assert!(
            CHECKS.iter().any(|c| c.id == check),
            "fixtures for `{check}`, which is not a check"
        );
        let status = name.split('-').next().unwrap_or_default();
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap()).unwrap();
        assert_eq!(
            expect["status"].as_str(),
            Some(status),
            "{check}/{name}: the name says another status"
        );
    }
    for check in CHECKS {
        let statuses: Vec<String> = cases
            .iter()
            .filter(|(id, _)| id == check.id)
            .map(|(_, d)| {
                d.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .split('-')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        // A check that can only say `unknown` (the private preview's allow-list) has no pass.
        let can_pass = check.id != "allow-listed-tenant";
        assert!(
            !can_pass || statuses.iter().any(|s| s == "pass"),
            "{}: no passing case",
            check.id
        );
        assert!(
            statuses.iter().any(|s| s != "pass"),
            "{}: no case that does not pass",
            check.id
        );
    }
}
