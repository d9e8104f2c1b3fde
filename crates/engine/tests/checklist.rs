//! Checklist items ticked from what the exports prove, and left open where they do not
//! (round 34's review). Files are in `fixtures/checklist/`.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sentinel_readiness_engine::{Date, Report};

mod common;

fn report(names: &[&str]) -> Report {
    common::report_on_files("checklist", names, &[], Date::new(2026, 12, 7))
}

/// (done, evidence) of the item for difference `id`.
fn item(r: &Report, id: &str) -> (bool, String) {
    let item = r.checklist.iter().find(|c| c.refs.iter().any(|x| x == id)).unwrap();
    (item.done, item.evidence.clone())
}

#[test]
fn a_role_on_the_workspace_alone_leaves_the_rbac_item_open_until_the_solution_has_it_too() {
    // Sentinel Reader on the workspace: analysts can view Sentinel, but Microsoft asks for
    // the same role on the SecurityInsights solution resource beside a workspace-only grant.
    let alone = report(&["reader-on-workspace-alone.json"]);
    assert!(alone
        .prerequisites
        .iter()
        .any(|p| p.id == "analysts-can-view-sentinel" && p.status.as_str() == "pass"));
    let (done, evidence) = item(&alone, "azure-rbac-carries-over");
    assert!(!done, "{evidence}");
    assert!(
        evidence.contains("1 role assignment(s) on a workspace alone"),
        "{evidence}"
    );
    // With the same role on the solution resource, the item is done.
    let both = report(&["reader-on-workspace-alone.json", "reader-on-solution.json"]);
    let (done, evidence) = item(&both, "azure-rbac-carries-over");
    assert!(done, "{evidence}");
    assert!(!evidence.contains("on a workspace alone"), "{evidence}");
}

#[test]
fn a_refused_rule_keeps_the_items_open_however_the_rules_are_split_into_files() {
    // Three analytics rules of law-0; rule r0, alert-only, was cut by ConvertTo-Json and is
    // refused. Read whole, it is the affected object.
    let whole = report(&["rules-whole-one.json"]);
    let (done, evidence) = item(&whole, "alert-only-rules-not-visible");
    assert!(!done && evidence.contains("1 affected object"), "{evidence}");
    // The refused rule in one file, the other rules in another: the second file does not
    // make the first whole. As pages (the first linking to the second, the last page), the
    // same. Before, both read "checked in the exports: this tenant is not affected".
    // Also when the refused rule's file holds nothing else (it is then an error), and when it
    // comes in a file of another workspace's rules (review of round 37).
    for files in [
        ["rules-a.json", "rules-b.json"],
        ["rules-page1.json", "rules-page2.json"],
        ["rules-only-r0.json", "rules-r12.json"],
        ["rules-law1-plus-r0.json", "rules-r12.json"],
        // A file of rules cut short, an error as a whole.
        ["rules-b-cut-short.json", "rules-r12.json"],
    ] {
        let r = report(&files);
        for id in ["alert-only-rules-not-visible", "fusion-rule-disabled"] {
            let (done, evidence) = item(&r, id);
            assert!(!done, "{files:?} {id}: {evidence}");
            assert!(
                evidence.contains("no complete analytics rule export"),
                "{files:?} {id}: {evidence}"
            );
        }
    }
}
