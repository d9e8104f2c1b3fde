//! The evaluation's scale machinery (shared candidate lists, per-principal indices, group
//! routes worked out once, workspaces shared out between lanes) must not change any
//! verdict. These properties check it on seeded synthetic enterprises: a verdict for one
//! workspace does not depend on which other workspaces are evaluated, or on how the
//! assignments are split between files; and the whole report does not depend on the order
//! of the records in the exports, down to which of equally strong grants a reason quotes.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use sentinel_readiness_bench::{generate, Shape};
use sentinel_readiness_engine::{analyze, Date, Report, ReportOptions};

type Files = Vec<(String, String)>;

/// Small enough for a debug build, dense enough that most principals reach several
/// workspaces through groups, management groups and subscriptions.
const SHAPE: Shape = Shape {
    assignments: 2_500,
    principals: 300,
    custom_roles: 40,
    workspaces: 5,
};

/// `threads`: the evaluation shares the workspaces out between that many lanes.
fn report(files: &Files, workspaces: Vec<String>, threads: usize) -> Report {
    let opts = ReportOptions {
        workspaces,
        as_of: None,
        today: Date::new(2026, 11, 23),
        // Every verdict, `not-allowed` included, with what is missing.
        all_verdicts: true,
        primary: None,
        threads,
    };
    let r = analyze(files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())), &opts).unwrap();
    // Every file read, none refused: a transformation that broke a file would otherwise
    // show only if it changed a verdict.
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.inputs.len(), files.len());
    r
}

/// The whole tenant's verdicts, checked not to make a comparison vacuous.
fn baseline(files: &Files, known_tree: bool, threads: usize) -> (Report, BTreeMap<Key, Seen>) {
    let full = report(files, vec![], threads);
    assert_eq!(full.workspaces.len(), SHAPE.workspaces);
    let all = verdicts(&full);
    // Some principals qualify, some do not, and the conditions decide some verdicts. Rarer
    // kinds are not asserted, as some seeds lack them: seed 7 with a condition on every
    // fifth assignment holds 3,904 allowed, 1,372 equivalent, 104 conditional, 5 eligible,
    // 725 denied and 1,390 not-allowed verdicts, and 332 unknown without the Resource
    // Graph export.
    for kind in ["allowed", "not-allowed", "conditional"] {
        assert!(all.values().any(|s| s.verdict == kind), "no {kind} verdict");
    }
    // With the management groups' subscriptions known, no reach is in doubt.
    if known_tree {
        assert!(all.values().all(|s| s.verdict != "unknown"));
    }
    (full, all)
}

/// A verdict as people read it: the reasons spelled out rather than as positions, which
/// are numbered per report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    verdict: String,
    route: Option<String>,
    missing: Vec<String>,
    /// The reasons' JSON, without where each record came from (file and record number).
    reasons: Vec<String>,
    nearest: Vec<String>,
}

type Key = (String, String, String);

/// Every verdict of the report by (principal, task, workspace).
fn verdicts(r: &Report) -> BTreeMap<Key, Seen> {
    // Each reason written once: verdicts share them.
    let texts: Vec<String> = r
        .reasons
        .iter()
        .map(|reason| {
            let mut reason = (**reason).clone();
            reason.origin = None;
            serde_json::to_string(&reason).unwrap()
        })
        .collect();
    let spelled = |positions: &[u32]| -> Vec<String> { positions.iter().map(|&p| texts[p as usize].clone()).collect() };
    let mut out = BTreeMap::new();
    for p in &r.principals {
        for v in &p.tasks {
            let key = (p.id.clone(), v.task.to_string(), v.workspace.as_str().to_string());
            let seen = Seen {
                verdict: v.verdict.as_str().to_string(),
                route: v.route.as_ref().map(|s| s.to_string()),
                missing: v.missing.to_vec(),
                reasons: spelled(&v.reasons),
                nearest: spelled(&v.nearest),
            };
            assert!(out.insert(key.clone(), seen).is_none(), "two verdicts for {key:?}");
        }
    }
    out
}

/// Asserts two verdict maps are equal, naming the first difference.
fn assert_same<V: PartialEq + std::fmt::Debug>(what: &str, got: &BTreeMap<Key, V>, want: &BTreeMap<Key, V>) {
    for (k, w) in want {
        match got.get(k) {
            Some(g) => assert_eq!(g, w, "{what}: {k:?}"),
            None => panic!("{what}: no verdict for {k:?} (want {w:?})"),
        }
    }
    if let Some(k) = got.keys().find(|k| !want.contains_key(*k)) {
        panic!("{what}: an extra verdict for {k:?}");
    }
}

/// What the generator leaves out, added: an ABAC condition on every `every`-th role
/// assignment (a condition the engine cannot evaluate offline, so `conditional` verdicts),
/// and, unless `known_tree`, no Resource Graph export (so management-group assignments
/// reach workspaces only perhaps: `unknown` verdicts).
fn varied(files: Files, every: usize, known_tree: bool) -> Files {
    files
        .into_iter()
        .filter(|(name, _)| known_tree || name != "resourcecontainers.json")
        .map(|(name, text)| {
            if !name.starts_with("role-assignments") {
                return (name, text);
            }
            let mut v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
            for (i, record) in v.iter_mut().enumerate() {
                if i % every == every - 1 {
                    record["condition"] =
                        "@Resource[Microsoft.OperationalInsights/workspaces:name] StringEquals 'law-1'".into();
                    record["conditionVersion"] = "2.0".into();
                }
            }
            (name, serde_json::to_string(&v).unwrap())
        })
        .collect()
}

/// The records of each export in another order, drawn from `seed`: the top-level array, or
/// the `value` or `data` array an export wraps them in, and each group's member list.
fn shuffled(files: &Files, seed: u64) -> Files {
    // splitmix64: a fixed sequence per seed, so a failing case can be replayed.
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    fn shuffle(v: &mut serde_json::Value, next: &mut dyn FnMut() -> u64) {
        match v {
            serde_json::Value::Array(items) => {
                for i in (1..items.len()).rev() {
                    items.swap(i, (next() % (i as u64 + 1)) as usize);
                }
                items.iter_mut().for_each(|item| shuffle(item, next));
            }
            serde_json::Value::Object(fields) => {
                for key in ["value", "data", "members"] {
                    if let Some(inner) = fields.get_mut(key) {
                        shuffle(inner, next);
                    }
                }
            }
            _ => {}
        }
    }
    files
        .iter()
        .map(|(name, text)| {
            let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
            shuffle(&mut v, &mut next);
            (name.clone(), serde_json::to_string(&v).unwrap())
        })
        .collect()
}

/// The whole report as JSON, without where each record came from (file and record
/// number), which is all the order of the records may change.
fn without_origins(r: &Report) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            serde_json::Value::Object(fields) => {
                fields.remove("origin");
                fields.values_mut().for_each(strip);
            }
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    strip(&mut v);
    v
}

/// The role assignments split into two files, the first holding `cut` records.
fn split(files: &Files, cut: usize) -> Files {
    let mut out = Vec::new();
    for (name, text) in files {
        if name != "role-assignments.json" {
            out.push((name.clone(), text.clone()));
            continue;
        }
        let v: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let (a, b) = v.split_at(cut);
        out.push(("role-assignments-a.json".to_string(), serde_json::to_string(a).unwrap()));
        out.push(("role-assignments-b.json".to_string(), serde_json::to_string(b).unwrap()));
    }
    out
}

fn for_workspace(all: &BTreeMap<Key, Seen>, ws: &str) -> BTreeMap<Key, Seen> {
    all.iter()
        .filter(|(k, _)| k.2 == ws)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

proptest! {
    // A case builds two to six reports of a 2,500-assignment tenant in a debug build.
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn a_workspace_s_verdicts_do_not_depend_on_the_other_workspaces(
        seed in any::<u64>(),
        every in 3usize..12,
        known_tree in any::<bool>(),
        threads in 1usize..4,
    ) {
        let files = varied(generate(SHAPE, seed), every, known_tree);
        let (full, all) = baseline(&files, known_tree, threads);
        for ws in &full.workspaces {
            let alone = report(&files, vec![ws.id.as_str().to_string()], 1);
            prop_assert_eq!(alone.workspaces.len(), 1);
            let want = for_workspace(&all, ws.id.as_str());
            prop_assert!(!want.is_empty());
            assert_same(&format!("seed {seed}, {} alone, whole tenant on {threads} threads", ws.name), &verdicts(&alone), &want);
        }
    }

    #[test]
    fn the_report_does_not_depend_on_the_order_of_the_records(
        seed in any::<u64>(),
        order in any::<u64>(),
        every in 3usize..12,
        known_tree in any::<bool>(),
    ) {
        let files = varied(generate(SHAPE, seed), every, known_tree);
        let (full, want) = baseline(&files, known_tree, 1);
        let other = report(&shuffled(&files, order), vec![], 1);
        // Verdict by verdict first, for a message that names the first difference; then
        // everything else (findings, prerequisites, checklist, scores, caveats).
        assert_same(&format!("seed {seed}, records in order {order}"), &verdicts(&other), &want);
        prop_assert!(without_origins(&other) == without_origins(&full), "seed {seed}, records in order {order}: the report differs beyond its verdicts");
    }

    #[test]
    fn verdicts_do_not_depend_on_how_the_assignments_are_split_into_files(
        seed in any::<u64>(),
        cut in 1usize..SHAPE.assignments,
        every in 3usize..12,
        known_tree in any::<bool>(),
    ) {
        let files = varied(generate(SHAPE, seed), every, known_tree);
        let want = baseline(&files, known_tree, 1).1;
        let parts = split(&files, cut);
        prop_assert_eq!(parts.len(), files.len() + 1);
        let got = verdicts(&report(&parts, vec![], 1));
        assert_same(&format!("seed {seed}, split after {cut} assignments"), &got, &want);
    }
}
