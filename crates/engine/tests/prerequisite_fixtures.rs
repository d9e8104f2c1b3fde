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

/// The summary's verdict follows the checks: `ready` only when every check in force passes
/// and no finding is high or medium; `ready-with-warnings` when one is unknown or warns;
/// `blocked` when one fails.
#[test]
fn the_overall_verdict_is_ready_only_when_every_check_passes() {
    const WS: &str = "/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/resourceGroups/rg-soc-prod/providers/Microsoft.OperationalInsights/workspaces/law-soc-prod";
    // Priya Shah is a Global Administrator in the directory export; here she is also Owner of
    // the workspace's subscription, so she can connect it and see Sentinel.
    let owner = r#"[{
        "id": "/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/providers/Microsoft.Authorization/roleAssignments/00000040-0000-4000-8000-000000000040",
        "principalId": "4a7c9e1b-2d3f-4b8a-8c6e-5f1a0b9d2e74",
        "principalType": "User",
        "roleDefinitionId": "/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "scope": "/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13"
    }]"#;
    let read = |name: &str| std::fs::read(common::fixtures("formats").join(name)).unwrap();
    // The Defender XDR connectors alone: the Defender for Cloud one raises a medium finding.
    let mut connectors: Value = serde_json::from_slice(&read("sentinel-data-connectors.json")).unwrap();
    connectors["value"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["kind"] == "MicrosoftThreatProtection");
    let exports: Vec<(String, Vec<u8>)> = vec![
        ("onboarding.json".into(), read("sentinel-onboarding-states.json")),
        ("connectors.json".into(), serde_json::to_vec(&connectors).unwrap()),
        ("directory.json".into(), read("graph-directory-role-assignments.json")),
        ("owner.json".into(), owner.as_bytes().to_vec()),
    ];
    let run = |without: &str, today: Date| {
        let mut files: Vec<(String, Vec<u8>)> = exports.iter().filter(|(n, _)| n != without).cloned().collect();
        if without == "connectors.json" {
            files.push(("all-connectors.json".into(), read("sentinel-data-connectors.json")));
        }
        let opts = ReportOptions {
            workspaces: vec![WS.into()],
            as_of: None,
            today,
            all_verdicts: false,
            // The onboarding export shows a second workspace: the one checked is the primary.
            primary: Some(WS.into()),
            threads: 0,
        };
        let report = analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let not_passed: Vec<String> = report
            .prerequisites
            .iter()
            .filter(|p| p.status.as_str() != "pass")
            .map(|p| format!("{} {}", p.id, p.status.as_str()))
            .collect();
        (report.summary.overall.as_str(), not_passed)
    };
    let early = Date::new(2026, 6, 1);
    assert_eq!(run("", early), ("ready", vec![]));
    assert_eq!(
        run("directory.json", early),
        ("ready-with-warnings", vec!["entra-onboarding-role unknown".to_string()])
    );
    // Every check passes, but a finding needs attention.
    assert_eq!(run("connectors.json", early), ("ready-with-warnings", vec![]));
    // Within 180 days of the retirement the same tenant is told to hurry, and after it, that
    // the Azure portal is gone.
    assert_eq!(
        run("", Date::new(2026, 11, 23)),
        ("ready-with-warnings", vec!["before-retirement warn".to_string()])
    );
    assert_eq!(
        run("", Date::new(2027, 4, 1)),
        ("blocked", vec!["before-retirement fail".to_string()])
    );
}
