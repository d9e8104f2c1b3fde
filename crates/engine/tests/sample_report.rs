//! The bundled sample tenant's report, reviewed as snapshots in every format, and the
//! documented eras reproduced with `as_of`.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sentinel_readiness_engine::evaluate::RouteKind;
use sentinel_readiness_engine::{analyze, sample, Date, Reason, Report, ReportOptions, VerdictKind};

fn sample_report(as_of: Option<Date>, all_verdicts: bool) -> Report {
    let files = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes()));
    let opts = ReportOptions {
        workspaces: vec![],
        as_of,
        today: sample::SAMPLE_DATE,
        all_verdicts,
        primary: Some(sample::SAMPLE_PRIMARY.into()),
        threads: 0,
    };
    analyze(files, &opts).unwrap()
}

fn verdict(r: &Report, principal_name: &str, task: &str) -> VerdictKind {
    r.principals
        .iter()
        .find(|p| p.display_name == principal_name)
        .unwrap_or_else(|| panic!("no principal {principal_name}"))
        .tasks
        .iter()
        .find(|v| v.task == task && v.workspace.name() == sample::SAMPLE_PRIMARY)
        .map(|v| v.verdict)
        .unwrap_or(VerdictKind::NotAllowed)
}

#[test]
fn sample_markdown() {
    insta::assert_snapshot!(sample_report(None, false).to_markdown());
}

#[test]
fn sample_json() {
    insta::assert_snapshot!(sample_report(None, false).to_json());
}

#[test]
fn sample_csv_with_all_verdicts() {
    insta::assert_snapshot!(sample_report(None, true).to_csv());
}

#[test]
fn sample_is_stable_across_runs() {
    assert_eq!(sample_report(None, true).to_json(), sample_report(None, true).to_json());
}

#[test]
fn sample_covers_every_verdict_route() {
    let r = sample_report(None, false);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(verdict(&r, "Priya Shah", "connect-workspace"), VerdictKind::Denied);
    assert_eq!(verdict(&r, "Priya Shah", "view-sentinel"), VerdictKind::Equivalent);
    assert_eq!(
        verdict(&r, "Alex Morgan", "investigate-incidents"),
        VerdictKind::Allowed
    );
    assert_eq!(
        verdict(&r, "Alex Morgan", "create-support-request"),
        VerdictKind::Eligible
    );
    assert_eq!(verdict(&r, "Casey Nguyen", "view-sentinel"), VerdictKind::Allowed);
    assert_eq!(verdict(&r, "Dana Whitfield", "view-sentinel"), VerdictKind::NotAllowed);
    let connect = r
        .tasks
        .iter()
        .find(|t| t.task == "connect-workspace" && t.workspace.name() == sample::SAMPLE_PRIMARY)
        .unwrap();
    assert!(connect.qualified.is_empty());
    assert!(!connect.remediation.is_empty());
}

/// The sample exists to show every check: each detector fires on it and each prerequisite
/// in force is evaluated.
#[test]
fn sample_exercises_every_detector_and_prerequisite() {
    let r = sample_report(None, false);
    // The Sentinel-only detector needs a tenant without Defender XDR, which would hide the
    // XDR detectors; its own fixtures cover it.
    let exempt = ["sentinel-only-onboarding-limits"];
    let missing: Vec<&str> = sentinel_readiness_engine::finding::DETECTORS
        .iter()
        .map(|d| d.id)
        .filter(|id| !exempt.contains(id) && !r.findings.iter().any(|f| f.id == *id))
        .collect();
    assert!(
        missing.is_empty(),
        "detectors without a finding in the sample: {missing:?}"
    );
    for p in sentinel_readiness_engine::prerequisite::CHECKS
        .iter()
        .filter(|p| p.in_force(None))
    {
        assert!(r.prerequisites.iter().any(|x| x.id == p.id), "{} not evaluated", p.id);
    }
    assert_eq!(r.summary.overall.as_str(), "blocked");
    assert!(r.checklist.iter().any(|c| c.done) && r.checklist.iter().any(|c| !c.done));
}

#[test]
fn one_workspaces_exports_do_not_clear_another() {
    let sample = sample_report(None, false);
    let cleared: Vec<&str> = sample
        .checklist
        .iter()
        .filter(|c| c.done && c.evidence.starts_with("checked in the exports"))
        .map(|c| c.refs[0].as_str())
        .collect();
    assert!(!cleared.is_empty());
    // The same exports, with a workspace they do not reach assessed as well.
    let other = "/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/resourceGroups/rg-soc-apac/providers/Microsoft.OperationalInsights/workspaces/law-soc-apac";
    let opts = ReportOptions {
        workspaces: vec![sample::SAMPLE_PRIMARY.into(), other.into()],
        as_of: None,
        today: sample::SAMPLE_DATE,
        all_verdicts: false,
        primary: Some(sample::SAMPLE_PRIMARY.into()),
        threads: 0,
    };
    let files = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes()));
    let both = analyze(files, &opts).unwrap();
    for id in cleared {
        let item = both.checklist.iter().find(|c| c.refs[0] == id).unwrap();
        assert!(!item.done, "{id}: {}", item.evidence);
        assert!(item.evidence.contains("law-soc-apac has no"), "{id}: {}", item.evidence);
    }
}

const SUB: &str = "/subscriptions/11111111-1111-4111-8111-111111111111";
const WS: &str = "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law";

fn era_verdict(as_of: Option<Date>, principal: &str, task: &str) -> String {
    let assignment = |id: &str, role: &str, scope: &str| {
        format!(
            r#"{{"principalId":"{id}","principalType":"User","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{role}","scope":"{scope}"}}"#
        )
    };
    let assignments = format!(
        "[{},{},{},{}]",
        assignment("u-owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", SUB),
        assignment("u-owner-secadmin", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", SUB),
        assignment("u-responder", "3e150937-b8fe-4cfb-8069-0eaf05ecd056", WS),
        assignment("u-responder", "acdd72a7-3385-48ef-bd42-f606fba81ae7", SUB),
    );
    let directory = r#"{"value":[{"principalId":"u-owner-secadmin","roleDefinitionId":"194ae4cb-b126-40b2-bd5b-6091b380977d","directoryScopeId":"/"}]}"#;
    let opts = ReportOptions {
        workspaces: vec![WS.into()],
        as_of,
        today: sample::SAMPLE_DATE,
        all_verdicts: true,
        primary: None,
        threads: 0,
    };
    let r = analyze(
        [("a.json", assignments.as_bytes()), ("d.json", directory.as_bytes())],
        &opts,
    )
    .unwrap();
    r.principals
        .iter()
        .find(|p| p.id == principal)
        .and_then(|p| p.tasks.iter().find(|v| v.task == task))
        .map(|v| v.verdict.as_str().to_string())
        .unwrap_or_else(|| "not in force".into())
}

/// Prerequisites follow the eras too: the private preview's allow-list and one-workspace
/// rule, the 2025 region rule, today's list.
#[test]
fn as_of_changes_the_prerequisites() {
    let ids = |as_of: Option<Date>| -> Vec<String> {
        let mut v: Vec<String> = sample_report(as_of, false)
            .prerequisites
            .iter()
            .map(|p| p.id.to_string())
            .collect();
        v.dedup();
        v
    };
    let preview = ids(Some(Date::new(2024, 1, 15)));
    let has = |v: &[String], id: &str| v.iter().any(|x| x == id);
    assert!(has(&preview, "allow-listed-tenant") && has(&preview, "one-workspace-at-a-time"));
    assert!(has(&preview, "defender-xdr-connector") && !has(&preview, "entra-onboarding-role"));
    let mid_2025 = ids(Some(Date::new(2025, 6, 1)));
    assert!(has(&mid_2025, "workspace-region") && has(&mid_2025, "entra-onboarding-role"));
    assert!(!has(&mid_2025, "allow-listed-tenant"));
    let latest = ids(None);
    assert!(!has(&latest, "workspace-region") && !has(&latest, "defender-xdr-connector"));
    assert!(has(&latest, "before-retirement"));
}

/// The same exports give different answers under the 2023 preview, the 2025 GA and the
/// latest rules, as the docs changed.
#[test]
fn a_date_before_any_step_was_documented_is_not_ready() {
    // Round 34: before 2023-11-10 no task is in force, and the report said `ready`.
    let before = sample_report(Some(Date::new(2023, 11, 9)), false);
    assert_eq!(before.rules.tasks_not_in_force.len(), 5);
    assert_eq!(before.summary.overall.as_str(), "blocked");
    assert!(before.not_ready());
    assert!(before
        .summary
        .blockers
        .iter()
        .any(|b| b.contains("No step of the move was documented on 2023-11-09")));
    // From the first day one is documented, that blocker is gone.
    let first = sample_report(Some(Date::new(2023, 11, 10)), false);
    assert!(first
        .summary
        .blockers
        .iter()
        .all(|b| !b.contains("No step of the move")));
}

#[test]
fn as_of_reproduces_the_documented_eras() {
    let preview = Some(Date::new(2024, 1, 15));
    let ga = Some(Date::new(2025, 3, 1));
    let sep_2025 = Some(Date::new(2025, 10, 1));
    // No Entra role was required in the preview; from 2025 it is checked.
    assert_eq!(era_verdict(preview, "u-owner", "connect-workspace"), "equivalent");
    assert_eq!(era_verdict(ga, "u-owner", "connect-workspace"), "not-allowed");
    // Until 2026-05 the docs always asked for Sentinel Contributor, which Owner covers;
    // since then Owner is a route of its own.
    assert_eq!(
        era_verdict(sep_2025, "u-owner-secadmin", "connect-workspace"),
        "equivalent"
    );
    assert_eq!(era_verdict(None, "u-owner-secadmin", "connect-workspace"), "allowed");
    // The preview's investigate list included deletes that Responder's NotActions remove.
    assert_eq!(
        era_verdict(preview, "u-responder", "investigate-incidents"),
        "not-allowed"
    );
    assert_eq!(era_verdict(ga, "u-responder", "investigate-incidents"), "equivalent");
    // "View Sentinel" was not a documented task in the preview.
    assert_eq!(era_verdict(preview, "u-responder", "view-sentinel"), "not in force");
    assert_eq!(era_verdict(None, "u-responder", "view-sentinel"), "allowed");
}

/// The web app's worker hands the report over as JSON: it must read back unchanged.
#[test]
fn report_json_round_trips() {
    let r = sample_report(None, true);
    let json = r.to_json();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.to_json(), json);
    assert_eq!(back.to_markdown(), r.to_markdown());
}

/// `--all-verdicts` only adds `not-allowed` verdicts: every other verdict, with its reasons,
/// and every task outcome (remediation included) reads the same without it. The evaluation
/// leaves the left-out verdicts' reasons unwritten, so this guards that shortcut.
#[test]
fn all_verdicts_only_adds_not_allowed_verdicts() {
    let shown = |r: &Report| -> Vec<String> {
        r.principals
            .iter()
            .flat_map(|p| p.tasks.iter().map(move |v| (p, v)))
            .filter(|(_, v)| v.verdict != VerdictKind::NotAllowed)
            .map(|(p, v)| {
                let texts = |at: &[u32]| r.reasons_at(at).map(|x| x.text.clone()).collect::<Vec<_>>();
                format!(
                    "{} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
                    p.id,
                    v.task,
                    v.workspace,
                    v.verdict,
                    v.route,
                    texts(&v.reasons),
                    texts(&v.nearest),
                    v.missing,
                    v.notes
                )
            })
            .collect()
    };
    let (some, all) = (sample_report(None, false), sample_report(None, true));
    let all_not_allowed = all
        .principals
        .iter()
        .flat_map(|p| &p.tasks)
        .filter(|v| v.verdict == VerdictKind::NotAllowed)
        .count();
    assert!(
        all_not_allowed > 0,
        "the sample should have not-allowed verdicts to leave out"
    );
    assert!(!shown(&some).is_empty());
    assert_eq!(shown(&some), shown(&all));
    assert_eq!(
        serde_json::to_value(&some.tasks).unwrap(),
        serde_json::to_value(&all.tasks).unwrap()
    );
}

/// A reason says the same for everyone it applies to, so the report lists it once: members
/// of one group share the reason that quotes the group, and everyone a deny assignment
/// binds shares its reason.
#[test]
fn each_reason_is_listed_once_and_shared() {
    for all_verdicts in [false, true] {
        let r = sample_report(None, all_verdicts);
        for (i, a) in r.reasons.iter().enumerate() {
            for b in r.reasons.iter().skip(i + 1) {
                assert_ne!(a, b, "reason listed twice: {}", a.text);
            }
        }
        // How many reasons of a kind are quoted by more than one principal.
        let shared = |kind: fn(&Reason) -> bool| -> usize {
            let mut users: std::collections::BTreeMap<usize, std::collections::BTreeSet<&str>> = Default::default();
            for p in &r.principals {
                for v in &p.tasks {
                    for &at in v.reasons.iter().chain(v.nearest.iter()) {
                        users.entry(at as usize).or_default().insert(&p.id);
                    }
                }
            }
            users
                .iter()
                .filter(|(at, who)| who.len() > 1 && r.reasons.get(**at).is_some_and(|x| kind(x)))
                .count()
        };
        assert!(
            shared(|x| !x.via_groups.is_empty()) > 0,
            "no group reason is shared by two principals"
        );
        assert!(
            shared(|x| x.route == RouteKind::Deny) > 0,
            "no deny reason is shared by two principals"
        );
    }
}

/// What the Markdown report adds beyond the sample's snapshot: the era of the rules, a file
/// it could not read, a record it skipped, and the tasks not yet documented in that era.
#[test]
fn markdown_names_the_era_the_files_not_read_and_the_records_skipped() {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/az-role-assignment-list.json");
    let mut records: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    records[0]["roleDefinitionId"] = "NA(classic admins)".into();
    let skipped = serde_json::to_vec(&records).unwrap();
    let mut files: Vec<(&str, &[u8])> = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    files.push(("broken.json", b"[{\"principalId\": ".as_slice()));
    files.push(("classic.json", &skipped));
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: Some(Date::new(2024, 1, 15)),
        today: sample::SAMPLE_DATE,
        all_verdicts: false,
        primary: Some(sample::SAMPLE_PRIMARY.into()),
        threads: 0,
    };
    let md = analyze(files, &opts).unwrap().to_markdown();
    for expected in [
        "Rules: **as documented on 2024-01-15**",
        "| broken.json | **error**: broken.json: invalid JSON",
        "\nSkipped records:\n\n- classic.json: record 1",
        "classic administrator row",
        "\nNot yet documented on 2024-01-15: view-sentinel",
    ] {
        assert!(md.contains(expected), "no `{expected}` in:\n{md}");
    }
}

#[test]
fn a_workspace_id_no_export_names_is_named_in_a_caveat() {
    // Round 34: a typo in the resource group was checked against the ancestors' grants alone,
    // with nothing said.
    let report_for = |ws: &str| {
        let files = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes()));
        let opts = ReportOptions {
            workspaces: vec![ws.to_string()],
            as_of: None,
            today: sample::SAMPLE_DATE,
            all_verdicts: false,
            primary: None,
            threads: 0,
        };
        analyze(files, &opts).unwrap()
    };
    let typo = report_for("/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/resourceGroups/rg-soc-prd/providers/Microsoft.OperationalInsights/workspaces/law-soc-prod");
    assert!(
        typo.caveats
            .iter()
            .any(|c| c.contains("No export names") && c.contains("rg-soc-prd")),
        "{:?}",
        typo.caveats
    );
    let named = report_for(sample::SAMPLE_PRIMARY);
    assert!(
        named.caveats.iter().all(|c| !c.contains("No export names")),
        "{:?}",
        named.caveats
    );
}

#[test]
fn configuration_exports_given_twice_count_each_object_once() {
    // Round 37: overlapping exports (one per subscription and one of everything) listed each
    // object as often as it came, in the findings, the scores and the checklist's counts.
    let report_of = |copies: bool| {
        let mut files: Vec<(String, &[u8])> = sample::SAMPLE_FILES
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes()))
            .collect();
        if copies {
            // The copies first, under other names: the copy kept is the first by file name.
            let again: Vec<(String, &[u8])> = files
                .iter()
                .filter(|(n, _)| n.starts_with("sentinel-") || n.starts_with("log-analytics-"))
                .map(|(n, t)| (format!("z-copy-{n}"), *t))
                .collect();
            files.splice(0..0, again);
        }
        let opts = ReportOptions {
            workspaces: vec![],
            as_of: None,
            today: sample::SAMPLE_DATE,
            all_verdicts: false,
            primary: Some(sample::SAMPLE_PRIMARY.into()),
            threads: 0,
        };
        analyze(files.iter().map(|(n, t)| (n.as_str(), *t)), &opts).unwrap()
    };
    let (once, twice) = (report_of(false), report_of(true));
    assert!(!once.findings.is_empty());
    assert_eq!(json(&twice.findings), json(&once.findings));
    assert_eq!(json(&twice.scores), json(&once.scores));
    assert_eq!(json(&twice.checklist), json(&once.checklist));
    assert_eq!(json(&twice.summary), json(&once.summary));
}

/// A report part as JSON text, to compare it whole.
fn json<T: serde::Serialize>(part: &T) -> String {
    serde_json::to_string(part).unwrap()
}
