//! Exports of several tenants given together (an MSSP's): the root and management groups are
//! each tenant's own, so an assignment at one cannot be tied to another tenant's workspace
//! (round 34's review). Files are in `fixtures/tenants/`.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sentinel_readiness_engine::{Date, Report};

mod common;

const LAW_B: &str = "/subscriptions/bbbbbbbb-0000-4000-8000-000000000002/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-b";

fn report(names: &[&str]) -> Report {
    common::report_on_files("tenants", names, &[LAW_B], Date::new(2026, 12, 7))
}

fn verdict(r: &Report, principal: &str, task: &str) -> String {
    r.principals
        .iter()
        .find(|p| p.id == principal)
        .and_then(|p| p.tasks.iter().find(|v| v.task == task))
        .map_or("none".into(), |v| v.verdict.as_str().to_string())
}

fn status(r: &Report, id: &str) -> String {
    r.prerequisites
        .iter()
        .find(|p| p.id == id)
        .unwrap()
        .status
        .as_str()
        .to_string()
}

const ROOT_ADMIN: &str = "a0000000-0000-4000-8000-00000000000a";
const MG_ADMIN: &str = "a0000000-0000-4000-8000-0000000000cc";

#[test]
fn the_root_of_one_tenant_does_not_reach_another_tenants_workspace() {
    // Tenant A's Owner at `/` and Global Administrator; law-b is in tenant B, as the
    // containers export says (it names both tenants).
    let r = report(&[
        "tenantA-ra.json",
        "tenantB-ra.json",
        "containers-both.json",
        "tenantA-entra.json",
    ]);
    assert_eq!(verdict(&r, ROOT_ADMIN, "connect-workspace"), "unknown");
    assert_eq!(verdict(&r, ROOT_ADMIN, "create-support-request"), "unknown");
    assert_eq!(status(&r, "single-tenant"), "warn");
    assert_eq!(status(&r, "entra-onboarding-role"), "unknown");
    let reasons: Vec<&str> = r.reasons.iter().map(|x| x.text.as_str()).collect();
    assert!(reasons.iter().any(|t| t.contains("several tenants")), "{reasons:?}");
    // The verdict's note says why too, not that a management group's subscriptions are unknown.
    let notes: Vec<&str> = r
        .principals
        .iter()
        .filter(|p| p.id == ROOT_ADMIN)
        .flat_map(|p| p.tasks.iter().flat_map(|v| v.notes.iter().map(|n| n.as_str())))
        .collect();
    assert!(
        !notes.is_empty() && notes.iter().all(|n| n.contains("several tenants")),
        "{notes:?}"
    );
}

#[test]
fn a_management_group_of_one_tenant_does_not_reach_another_tenants_workspace() {
    // Tenant A's Owner on management group `alz` (a Resource Graph row naming tenant A);
    // tenant B's subscription sits under a management group of the same name.
    let r = report(&["tenantA-arg.json", "tenantB-ra.json", "containers-B.json"]);
    assert_eq!(verdict(&r, MG_ADMIN, "connect-workspace"), "unknown");
    // With tenant B's exports alone the same tree reaches as before: one tenant.
    let alone = report(&["tenantB-ra.json", "containers-B.json"]);
    assert_eq!(
        verdict(&alone, "b0000000-0000-4000-8000-00000000000b", "view-sentinel"),
        "allowed"
    );
}
