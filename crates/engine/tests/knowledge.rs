//! The task rules are data: check them against the bundled role file and the provider
//! operation list, so a typo cannot silently make a rule unsatisfiable.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::Path;

use sentinel_readiness_engine::role::RoleCatalog;
use sentinel_readiness_engine::task::{Requirement, TASKS};

fn operations() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/azure-provider-operations-subset.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = BTreeSet::new();
    for provider in v["providers"].as_object().unwrap().values() {
        for op in provider["operations"].as_array().unwrap() {
            let name = op["operation"].as_str().unwrap();
            out.insert(name.to_ascii_lowercase());
        }
    }
    out
}

#[test]
fn every_named_role_is_a_bundled_builtin_with_that_name() {
    for task in TASKS {
        for v in task.variants {
            let named = v
                .routes
                .iter()
                .flat_map(|r| r.requirements.iter())
                .flat_map(|req| match req {
                    Requirement::Role { roles, .. } => roles.to_vec(),
                    Requirement::Actions { .. } => vec![],
                });
            for n in named.chain(v.remediation.iter().map(|(r, _)| *r)) {
                let role = RoleCatalog::builtin(n.id).unwrap_or_else(|| panic!("{}: {} not bundled", task.id, n.id));
                assert_eq!(role.name, n.name, "{}", task.id);
            }
        }
    }
}

#[test]
fn every_operation_in_the_rules_exists() {
    let ops = operations();
    assert!(ops.len() > 1000, "operation list not read: {}", ops.len());
    for task in TASKS {
        for v in task.variants {
            let listed = v
                .routes
                .iter()
                .flat_map(|r| r.requirements.iter())
                .flat_map(|req| match req {
                    Requirement::Actions { operations, .. } => operations.to_vec(),
                    Requirement::Role { .. } => vec![],
                });
            for op in listed.chain(v.key_operations.iter().map(|k| k.operation)) {
                let pattern = sentinel_readiness_engine::action::ActionPattern::new(op);
                assert!(
                    ops.iter().any(|o| pattern.matches(o)),
                    "{}: `{op}` matches no real operation",
                    task.id
                );
            }
        }
    }
}

#[test]
fn every_rule_has_sources_dates_and_ordered_eras() {
    let mut ids = BTreeSet::new();
    for task in TASKS {
        assert!(ids.insert(task.id), "duplicate task id {}", task.id);
        assert!(!task.variants.is_empty());
        for pair in task.variants.windows(2) {
            assert!(pair[0].since < pair[1].since, "{}: eras out of order", task.id);
        }
        for v in task.variants {
            assert!(!v.sources.is_empty(), "{}: a variant without sources", task.id);
            assert!(v.sources.iter().all(|s| s.path.contains(".md")), "{}", task.id);
            assert!(!v.routes.is_empty() && !v.note.is_empty(), "{}", task.id);
        }
    }
    let fixed = [
        "connect-workspace",
        "view-sentinel",
        "query-and-view-incidents",
        "investigate-incidents",
        "create-support-request",
    ];
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), {
        let mut f = fixed.to_vec();
        f.sort();
        f
    });
}
