//! What the report suggests when nobody can do a task: commands a security team may run as
//! they are, so each must give no more than the task needs, to the right kind of principal.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sentinel_readiness_engine::{analyze, Date, Report, ReportOptions};

const SUB: &str = "/subscriptions/11111111-1111-4111-8111-111111111111";
const WS: &str = "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc";
const SENTINEL_CONTRIBUTOR: &str = "ab8e14d6-4a74-4a29-9ba8-549422addade";
const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const SENTINEL_READER: &str = "8d289c81-5878-46d4-8554-54e1e3d8b5cb";

fn assignment(n: u32, principal: &str, kind: &str, role: &str, scope: &str) -> String {
    format!(
        r#"{{"id": "{SUB}/providers/Microsoft.Authorization/roleAssignments/0000000{n}-0000-4000-8000-000000000000",
            "principalId": "{principal}", "principalType": "{kind}", "condition": null,
            "roleDefinitionId": "{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}", "scope": "{scope}"}}"#
    )
}

fn report(files: &[(&str, String)]) -> Report {
    let opts = ReportOptions {
        workspaces: vec![WS.into()],
        as_of: None,
        today: Date::new(2026, 11, 23),
        all_verdicts: false,
        primary: None,
        threads: 0,
    };
    analyze(files.iter().map(|(n, t)| (*n, t.as_bytes())), &opts).unwrap()
}

/// The steps tell someone to activate an eligible role and give nobody a standing one.
fn activation_only(steps: &[String]) {
    assert!(steps.iter().any(|s| s.contains("PIM-eligible")), "{steps:#?}");
    assert!(
        steps.iter().all(|s| !s.contains("az role assignment create")),
        "{steps:#?}"
    );
}

fn commands(r: &Report, task: &str) -> Vec<String> {
    let t = r.tasks.iter().find(|t| &*t.task == task).unwrap();
    t.remediation
        .iter()
        .map(|m| format!("{} | {}", m.text, m.command))
        .collect()
}

#[test]
fn onboarding_is_never_granted_to_a_group() {
    // An analyst group holds Sentinel Contributor; nobody holds Owner or User Access
    // Administrator. Granting the rest to the group would make every analyst able to grant
    // themselves anything: the suggestion names one person instead.
    let group = "bbbbbbbb-0000-4000-8000-000000000001";
    let roles = format!(
        "[{}]",
        assignment(
            1,
            group,
            "Group",
            SENTINEL_CONTRIBUTOR,
            &format!("{SUB}/resourceGroups/rg-soc")
        )
    );
    let steps = commands(&report(&[("roles.json", roles)]), "connect-workspace");
    assert!(!steps.is_empty());
    assert!(
        steps
            .iter()
            .all(|s| !s.contains(group) && !s.contains("--assignee-principal-type Group")),
        "{steps:#?}"
    );
    // A portal task that many people do may still go to the group.
    let roles = format!("[{}]", assignment(1, group, "Group", SENTINEL_READER, SUB));
    let r = report(&[("roles.json", roles)]);
    let t = r.tasks.iter().find(|t| &*t.task == "view-sentinel").unwrap();
    assert!(!t.qualified.is_empty(), "a Sentinel Reader group sees Sentinel");
}

/// A PIM eligibility export: `user` eligible for Owner on the subscription, without end.
fn eligible_owner(user: &str) -> String {
    format!(
        r#"{{"value": [{{"id": "{SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/e1",
            "name": "e1", "type": "Microsoft.Authorization/roleEligibilityScheduleInstances",
            "properties": {{"scope": "{SUB}", "roleDefinitionId": "{SUB}/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
            "principalId": "{user}", "principalType": "User", "status": "Provisioned", "memberType": "Direct",
            "roleEligibilityScheduleId": "{SUB}/providers/Microsoft.Authorization/roleEligibilitySchedules/s1",
            "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": null, "condition": null, "conditionVersion": null}}}}]}}"#
    )
}

#[test]
fn someone_pim_eligible_is_told_to_activate_not_given_standing_roles() {
    let user = "aaaaaaaa-0000-4000-8000-000000000001";
    let eligibility = eligible_owner(user);
    activation_only(&commands(&report(&[("pim.json", eligibility)]), "connect-workspace"));
}

#[test]
fn when_only_an_app_can_connect_a_person_is_still_shown_how() {
    // An automation service principal is Owner: the prerequisite warns and points to the
    // remediation, which must then exist, and the checklist must not name the app.
    let app = "cccccccc-0000-4000-8000-000000000001";
    let roles = format!("[{}]", assignment(1, app, "ServicePrincipal", OWNER, SUB));
    let r = report(&[("roles.json", roles)]);
    let steps = commands(&r, "connect-workspace");
    assert!(
        steps.iter().any(|s| s.contains("az role assignment create")),
        "{steps:#?}"
    );
    assert!(steps.iter().all(|s| !s.contains(app)), "{steps:#?}");
    assert!(r.checklist.iter().all(|c| c.who.iter().all(|w| !w.contains(app))));
}

/// Round 35: a User Access Administrator whose condition lets them assign Sentinel Reader
/// only cannot connect the workspace (connecting assigns other roles), so the steps include
/// an unconditioned User Access Administrator; they had named Sentinel Contributor alone,
/// after which the person was still only `conditional`.
#[test]
fn a_conditioned_grant_does_not_make_its_step_needless() {
    let user = "aaaaaaaa-0000-4000-8000-000000000011";
    let uaa = assignment(1, user, "User", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", SUB).replace(
        r#""condition": null"#,
        r#""conditionVersion": "2.0", "condition": "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {8d289c81-5878-46d4-8554-54e1e3d8b5cb}))""#,
    );
    let r = report(&[("ra.json", format!("[{uaa}]"))]);
    let steps = commands(&r, "connect-workspace");
    assert!(
        steps
            .iter()
            .any(|s| s.contains(user) && s.contains("--role 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")),
        "{steps:#?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.contains(user) && s.contains(SENTINEL_CONTRIBUTOR)),
        "{steps:#?}"
    );
}

/// A deny assignment on `Microsoft.SecurityInsights/*/write` at the resource group, binding
/// `principal` (All Principals when `00000000-…`).
fn deny(principal: &str) -> String {
    format!(
        r#"{{"value": [{{"id": "{SUB}/resourceGroups/rg-soc/providers/Microsoft.Authorization/denyAssignments/dddddddd-0000-4000-8000-000000000002",
            "properties": {{"denyAssignmentName": "stack deny", "scope": "{SUB}/resourceGroups/rg-soc", "doNotApplyToChildScopes": false,
            "permissions": [{{"actions": ["Microsoft.SecurityInsights/*/write"], "notActions": [], "dataActions": [], "notDataActions": []}}],
            "principals": [{{"id": "{principal}", "type": "User"}}], "excludePrincipals": [], "isSystemProtected": true}}}}]}}"#
    )
}

/// Round 36: a deny binding only the people listed leaves the grants open to someone else,
/// and one binding everyone leaves them useless. Before, the first read as "blocks everyone"
/// with no way forward, and the second was answered with grants that stayed denied.
#[test]
fn grants_are_suggested_exactly_when_a_deny_would_not_bind_the_one_given_them() {
    let user = "aaaaaaaa-0000-4000-8000-000000000001";
    let roles = format!(
        "[{}]",
        assignment(
            1,
            user,
            "User",
            SENTINEL_CONTRIBUTOR,
            &format!("{SUB}/resourceGroups/rg-soc")
        )
    );

    let one = report(&[("roles.json", roles.clone()), ("deny.json", deny(user))]);
    let steps = commands(&one, "investigate-incidents");
    assert!(
        steps
            .iter()
            .any(|s| s.contains("'<principal-object-id>'") && s.contains(SENTINEL_CONTRIBUTOR)),
        "{steps:#?}"
    );
    assert!(!steps.iter().any(|s| s.contains("for everyone")), "{steps:#?}");

    let all = report(&[
        ("roles.json", roles),
        ("deny.json", deny("00000000-0000-0000-0000-000000000000")),
    ]);
    for task in ["investigate-incidents", "connect-workspace"] {
        let steps = commands(&all, task);
        assert!(
            !steps.iter().any(|s| s.contains("az role assignment create")),
            "{task}: {steps:#?}"
        );
        assert!(
            steps
                .iter()
                .any(|s| s.contains("for everyone") && s.contains("denyAssignments")),
            "{task}: {steps:#?}"
        );
    }
}

/// Round 36: an eligible Owner who lacks only the Entra role was told to get User Access
/// Administrator and Sentinel Contributor for good; and beside an eligible person told to
/// activate, a second person was given Sentinel Contributor as well.
#[test]
fn an_eligible_role_is_activated_not_doubled_by_standing_grants() {
    let user = "aaaaaaaa-0000-4000-8000-000000000001";
    let other = "aaaaaaaa-0000-4000-8000-000000000002";
    let eligibility = eligible_owner(user);
    // A directory-role export in which the eligible Owner holds no Entra role.
    let directory = format!(
        r##"{{"value": [{{"id": "x1", "principalId": "{other}", "roleDefinitionId": "5d6b6bb7-de71-4623-b4af-96380a352509", "directoryScopeId": "/",
            "principal": {{"@odata.type": "#microsoft.graph.user", "id": "{other}", "displayName": "Other"}}}}]}}"##
    );
    let roles = format!(
        "[{}]",
        assignment(
            1,
            other,
            "User",
            SENTINEL_READER,
            &format!("{SUB}/resourceGroups/rg-soc")
        )
    );
    let r = report(&[
        ("pim.json", eligibility),
        ("dir.json", directory),
        ("roles.json", roles),
    ]);

    let connect = commands(&r, "connect-workspace");
    activation_only(&connect);
    assert!(
        connect
            .iter()
            .any(|s| s.contains("activate it in Privileged Identity Management")),
        "{connect:#?}"
    );
    assert!(
        connect
            .iter()
            .any(|s| s.contains("roleManagement/directory/roleAssignments") && s.contains(user)),
        "{connect:#?}"
    );

    activation_only(&commands(&r, "investigate-incidents"));
}

/// Review of round 36's diff: an app that may activate does not make a person's grants
/// needless (people do these tasks); before, its activation line replaced them.
#[test]
fn an_eligible_app_does_not_stand_in_for_a_person() {
    let app = "cccccccc-0000-4000-8000-000000000009";
    let user = "aaaaaaaa-0000-4000-8000-000000000001";
    let eligibility =
        eligible_owner(app).replace(r#""principalType": "User""#, r#""principalType": "ServicePrincipal""#);
    assert!(eligibility.contains("ServicePrincipal"));
    let roles = format!(
        "[{}]",
        assignment(
            1,
            user,
            "User",
            SENTINEL_READER,
            &format!("{SUB}/resourceGroups/rg-soc")
        )
    );
    let r = report(&[("pim.json", eligibility), ("roles.json", roles)]);
    let steps = commands(&r, "investigate-incidents");
    assert!(
        steps
            .iter()
            .any(|s| s.contains("az role assignment create") && s.contains(user) && s.contains(SENTINEL_CONTRIBUTOR)),
        "{steps:#?}"
    );
}
