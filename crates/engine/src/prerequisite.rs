//! Prerequisite checks for connecting workspaces to the Defender portal
//! (`shared/knowledge/prerequisites.md` §2–§5, in our own words). Each check is a row of
//! [`CHECKS`] with its era, sources and the command that would supply missing evidence.

use serde::{Deserialize, Serialize};

use crate::Text;

use crate::config::{data_type_enabled, ObjectKind, SentinelConfig};
use crate::date::Date;
use crate::evaluate::TaskOutcome;
use crate::scope::Scope;
// The onboarding pages are the same ones the task rules cite.
use crate::task::{DocRef, DOC_2023_PREVIEW, DOC_2025_01, DOC_2025_09, DOC_2026_05, DOC_MIN_ACCESS};
use crate::tenant::Tenant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Fail,
    Warn,
    Unknown,
    Pass,
}

crate::variant::named_variants!(Status {
    Fail => "fail",
    Warn => "warn",
    Unknown => "unknown",
    Pass => "pass",
});

/// What a check sees.
pub struct Context<'a> {
    pub tenant: &'a Tenant,
    pub config: &'a SentinelConfig,
    pub workspace: &'a Scope,
    pub workspaces: &'a [Scope],
    /// Workspaces the exports show that were not asked for.
    pub elsewhere: usize,
    pub primary: Option<&'a Scope>,
    /// The task outcomes on this workspace.
    pub outcomes: &'a [&'a TaskOutcome],
    pub today: Date,
}

impl Context<'_> {
    fn outcome(&self, task: &str) -> Option<&TaskOutcome> {
        self.outcomes.iter().copied().find(|o| o.task == task)
    }
}

type Check = fn(&Context<'_>) -> (Status, String);

pub struct Prerequisite {
    pub id: &'static str,
    pub title: &'static str,
    /// Checked once for the tenant rather than per workspace.
    pub tenant_wide: bool,
    pub since: Date,
    pub until: Option<Date>,
    pub sources: &'static [DocRef],
    /// How to obtain the evidence when the status is `unknown` (a command, `{ws}` = workspace id).
    pub evidence_command: &'static str,
    /// What to do when the check does not pass.
    pub remedy: &'static str,
    pub check: Check,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrerequisiteResult {
    pub id: Text,
    pub title: Text,
    /// `None` for tenant-wide checks.
    pub workspace: Option<Scope>,
    pub status: Status,
    pub evidence: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remedy: String,
    pub sources: Vec<String>,
}

const fn d(y: i32, m: u8, day: u8) -> Date {
    Date::new(y, m, day)
}

const OVERVIEW_2025: DocRef = DocRef {
    path: "azure-docs: articles/sentinel/microsoft-sentinel-defender-portal.md",
    doc_date: d(2025, 5, 4),
};
const TRANSITION_2024: DocRef = DocRef {
    path: "defender-docs: unified-secops-platform/transition.md",
    doc_date: d(2024, 11, 22),
};
const WHATS_NEW_2025_07: DocRef = DocRef {
    path: "defender-docs: unified-secops-platform/whats-new.md",
    doc_date: d(2025, 7, 16),
};
const MOVE_GUIDE: DocRef = DocRef {
    path: "defender-docs: sentinel/move-to-defender.md",
    doc_date: d(2026, 6, 15),
};

fn sentinel_enabled(c: &Context<'_>) -> (Status, String) {
    if !c.config.has_kind(ObjectKind::OnboardingState) {
        return (Status::Unknown, "no onboarding-state export was given".into());
    }
    match c
        .config
        .in_workspace(ObjectKind::OnboardingState, Some(c.workspace))
        .next()
    {
        Some(o) => (Status::Pass, format!("onboarding state `{}` present", o.name)),
        // The state is exported per workspace: another workspace's export says nothing here.
        None => (
            Status::Unknown,
            "no onboarding-state entry for this workspace in the exports: Sentinel is not enabled on it, or its state was not exported"
                .into(),
        ),
    }
}

fn xdr_in_tenant(c: &Context<'_>) -> (Status, String) {
    if !c.config.has_kind(ObjectKind::DataConnector) {
        return (Status::Unknown, "no data-connector export was given".into());
    }
    match c.config.of_kind(ObjectKind::DataConnector).find(|o| o.subkind_is("MicrosoftThreatProtection")) {
        Some(o) => (Status::Pass, format!("Defender XDR connector `{}` found: Defender XDR is in this tenant", o.name)),
        None => (
            Status::Warn,
            "no Defender XDR connector in any workspace: plan the Sentinel-only path (no XDR data, Exposure Management or custom detections)".into(),
        ),
    }
}

fn xdr_connector_on_primary(c: &Context<'_>) -> (Status, String) {
    if !c.config.has_kind(ObjectKind::DataConnector) {
        return (Status::Unknown, "no data-connector export was given".into());
    }
    if c.primary.is_some_and(|p| p != c.workspace) {
        return (
            Status::Pass,
            "not the primary workspace: the Defender XDR connector is not needed here".into(),
        );
    }
    let on = c
        .config
        .in_workspace(ObjectKind::DataConnector, Some(c.workspace))
        .find(|o| o.subkind_is("MicrosoftThreatProtection") && data_type_enabled(o, "incidents").unwrap_or(false));
    // The rules of the time list alerts beside incidents (the API itself calls alerts optional).
    match on.map(|o| (o, data_type_enabled(o, "alerts"))) {
        Some((o, Some(true))) => (
            Status::Pass,
            format!("connector `{}` streams incidents and alerts", o.name),
        ),
        Some((o, Some(false))) => (
            Status::Fail,
            format!(
                "connector `{}` streams incidents, but its alerts are turned off",
                o.name
            ),
        ),
        Some((o, None)) => (
            Status::Warn,
            format!(
                "connector `{}` streams incidents; the export does not say whether alerts are on",
                o.name
            ),
        ),
        None => (
            Status::Fail,
            "the Defender XDR connector with incidents enabled is missing on this workspace".into(),
        ),
    }
}

fn single_tenant(c: &Context<'_>) -> (Status, String) {
    let tenants = c.tenant.tenant_ids_seen();
    let has_tenant = |o: &crate::config::ConfigObject| o.str(crate::tenant::TENANT_ID_FIELDS).is_some();
    // One workspace's tenant says nothing about another's (exports are made per workspace).
    // The workspaces with a tenant id are gathered once, not looked for in every object for
    // each workspace (`ConfigObject::reaches`, in one pass).
    let mut shown: Vec<&str> = Vec::new();
    let mut unplaced = false;
    for o in c.config.objects.iter().filter(|o| has_tenant(o)) {
        match &o.workspace {
            Some(w) => shown.push(w.key()),
            None => unplaced = true,
        }
    }
    let shown = crate::order::sorted_set(shown);
    let alone = unplaced && c.workspaces.len() == 1 && c.elsewhere == 0;
    let unshown: Vec<&str> = c
        .workspaces
        .iter()
        .filter(|w| !alone && shown.binary_search(&w.key()).is_err())
        .map(|w| w.name())
        .collect();
    // A page with a link to more may be followed by another tenant's objects, unless a last
    // page of the same kind for the same workspace is among the inputs. Only kinds that
    // carry a tenant id count: a page of analytics rules says nothing of tenants.
    let objects = &c.config.objects;
    let unfinished = {
        let mut carrying: Vec<crate::config::ObjectKind> = Vec::new();
        for p in objects.iter().filter(|p| has_tenant(p)) {
            if !carrying.contains(&p.kind) {
                carrying.push(p.kind);
            }
        }
        c.config.some_kind_only_partial(|kind| carrying.contains(&kind))
    };
    match tenants.len() {
        0 => (Status::Unknown, "no tenant id in the configuration exports".into()),
        1 if unfinished => (
            Status::Unknown,
            format!(
                "one tenant, {}, in the exports read, but an export ends with a link to a further page that is not among them",
                tenants.join("")
            ),
        ),
        1 if !unshown.is_empty() => (
            Status::Unknown,
            format!(
                "one tenant, {}, in the exports; none shows the tenant of {}",
                tenants.join(""),
                // Counted past ten: this evidence is copied into each workspace's scores, and
                // 5,000 workspaces listed in each of 5,000 copies took minutes.
                few_of(&unshown, unshown.len())
            ),
        ),
        1 => (Status::Pass, format!("one tenant: {}", tenants.join(""))),
        _ => (Status::Warn, format!("{} tenants appear ({}): each tenant onboards its own workspaces; use the multitenant portal to work across them", tenants.len(), few_of(&tenants, tenants.len()))),
    }
}

fn region(c: &Context<'_>) -> (Status, String) {
    match c
        .config
        .in_workspace(ObjectKind::Workspace, Some(c.workspace))
        .find_map(|o| o.location.clone())
    {
        None => (Status::Unknown, "no workspace settings export was given".into()),
        Some(l) if l.to_ascii_lowercase().starts_with("israel") => (
            Status::Warn,
            format!("workspace in {l}: new Sentinel-only customers could not onboard a workspace there (2025 rule)"),
        ),
        Some(l) => (Status::Pass, format!("workspace region {l}")),
    }
}

/// Names quoted in one piece of evidence before the rest are counted.
pub(crate) const NAMES_LIMIT: usize = 10;

/// "a, b, c" or, past the limit, "a, b, … and 990 more" (`total` counts all of them).
pub fn few_of<S: AsRef<str>>(names: &[S], total: usize) -> String {
    few_of_with(names, total, ", ")
}

/// [`few_of`] with another separator, for names that hold commas.
pub fn few_of_with<S: AsRef<str>>(names: &[S], total: usize, sep: &str) -> String {
    let shown: Vec<&str> = names.iter().take(NAMES_LIMIT).map(AsRef::as_ref).collect();
    if total > shown.len() {
        format!("{} and {} more", shown.join(sep), total - shown.len())
    } else {
        shown.join(sep)
    }
}

fn outcome_check(c: &Context<'_>, task: &str, what: &str) -> (Status, String) {
    if c.tenant.assignments.is_empty() {
        return (Status::Unknown, "no role assignments in the exports".into());
    }
    match c.outcome(task) {
        None => (
            Status::Unknown,
            format!("the `{task}` task is not evaluated at this date"),
        ),
        Some(o) if !o.qualified.is_empty() => {
            let names: Vec<&str> = o.qualified.iter().map(|p| &*p.display_name).collect();
            let listed = format!("{} can {what}: {}", names.len(), few_of(&names, names.len()));
            // People do these steps in the portal: an app, a managed identity or a principal
            // the exports cannot resolve (often deleted) does not make the check pass.
            if o.qualified.iter().any(|p| c.tenant.directory.is_people(&p.principal)) {
                (Status::Pass, listed)
            } else {
                (
                    Status::Warn,
                    format!("{listed}; none is a user or group the exports show (service principals, managed identities or unresolved ids), and people do this in the portal"),
                )
            }
        }
        Some(o) if !o.potential.is_empty() => {
            let names: Vec<String> = o
                .potential
                .iter()
                .take(NAMES_LIMIT + 1)
                .map(|p| format!("{} ({})", p.display_name, p.verdict.as_str()))
                .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            (
                Status::Warn,
                format!(
                    "nobody can {what} today; could after action: {}",
                    few_of(&names, o.potential.len())
                ),
            )
        }
        Some(o) if !o.denied.is_empty() => (
            Status::Fail,
            format!("a deny assignment blocks everyone who could {what}"),
        ),
        Some(_) => (Status::Fail, format!("nobody can {what}")),
    }
}

fn onboarding_roles(c: &Context<'_>) -> (Status, String) {
    outcome_check(c, "connect-workspace", "connect this workspace")
}

fn analysts_can_view(c: &Context<'_>) -> (Status, String) {
    outcome_check(c, "view-sentinel", "see Microsoft Sentinel in the Defender portal")
}

fn entra_role(c: &Context<'_>) -> (Status, String) {
    if !c.tenant.has_directory_roles {
        return (
            Status::Unknown,
            "no Microsoft Graph directory-role export was given".into(),
        );
    }
    // Directory roles are each tenant's own, and Graph's exports do not say whose.
    if c.tenant.hierarchy.several_tenants {
        return (
            Status::Unknown,
            "the exports come from several tenants, and Microsoft Graph's directory-role exports do not say which one they hold in: give each tenant's exports in a run of its own".into(),
        );
    }
    let onboarding = |id: &str| crate::task::ENTRA_ONBOARDING_ROLES.iter().any(|r| r.id == id);
    let (mut active, mut eligible, mut outside) = (Vec::new(), Vec::new(), 0);
    for r in c
        .tenant
        .directory_roles
        .iter()
        .filter(|r| r.directory_scope == "/" && onboarding(&r.role_template_id))
    {
        // An expired eligibility or an ended activation holds nothing, as in the task verdicts.
        if !r.in_window(c.today) {
            outside += 1;
        } else if r.eligible {
            eligible.push(c.tenant.directory.label(&r.principal_id));
        } else {
            active.push(c.tenant.directory.label(&r.principal_id));
        }
    }
    // By name, each once: someone can hold both roles, and the records' order means nothing.
    let active = crate::order::sorted_set(active);
    let mut eligible = crate::order::sorted_set(eligible);
    eligible.retain(|e| active.binary_search(e).is_err());
    // Named up to ten and counted past them: this evidence is copied into each workspace's
    // scores, and 8,000 holders on 2,000 workspaces made 1.6 GB (round 36).
    let (active, eligible) = (few_of(&active, active.len()), few_of(&eligible, eligible.len()));
    let outside = match outside {
        0 => String::new(),
        n => format!(" ({n} PIM schedule(s) outside their window on {} not counted)", c.today),
    };
    if !active.is_empty() {
        let mut text = format!("Security Administrator or higher: {active}");
        if !eligible.is_empty() {
            text.push_str(&format!("; PIM eligible: {eligible}"));
        }
        (Status::Pass, text)
    } else if !eligible.is_empty() {
        (
            Status::Warn,
            format!(
                "nobody holds Security Administrator or higher now; PIM eligible (activate before onboarding): {eligible}{outside}"
            ),
        )
    } else {
        (
            Status::Fail,
            format!("nobody holds Entra Security Administrator or Global Administrator{outside}"),
        )
    }
}

fn allow_listed(_: &Context<'_>) -> (Status, String) {
    (
        Status::Unknown,
        "during the private preview Microsoft had to allow-list the tenant; no export shows it".into(),
    )
}

fn one_workspace_at_a_time(c: &Context<'_>) -> (Status, String) {
    match c.workspaces.len() + c.elsewhere {
        1 => (Status::Pass, "one workspace".into()),
        n => (Status::Warn, format!("{n} workspaces in the exports: under these rules only one could be connected at a time (disconnect, then connect another)")),
    }
}

fn primary_chosen(c: &Context<'_>) -> (Status, String) {
    match (c.primary, c.workspaces.len()) {
        (Some(p), _) if p == c.workspace => (Status::Pass, "this is the chosen primary workspace".into()),
        (Some(p), _) => (Status::Pass, format!("secondary; primary is {}", p.name())),
        (None, 1) if c.elsewhere == 0 => (Status::Pass, "the only workspace becomes the primary".into()),
        (None, 1) => (
            Status::Warn,
            format!(
                "the exports show {} more workspace(s) and no primary was chosen (--primary): the first workspace connected becomes the primary, so this one may be a secondary",
                c.elsewhere
            ),
        ),
        (None, n) => (
            Status::Warn,
            format!(
                "{n} workspaces and no primary chosen (--primary): rules for secondaries cannot be applied exactly"
            ),
        ),
    }
}

/// The day the Sentinel experience in the Azure portal retires.
pub const AZURE_PORTAL_RETIREMENT: Date = Date::new(2027, 3, 31);

/// The date announced before January 2026 (transition article 2024-11-22; what's new, July 2025).
const EARLIER_RETIREMENT: Date = Date::new(2026, 7, 1);

fn retirement(c: &Context<'_>) -> (Status, String) {
    retirement_on(c, AZURE_PORTAL_RETIREMENT)
}

fn earlier_retirement(c: &Context<'_>) -> (Status, String) {
    retirement_on(c, EARLIER_RETIREMENT)
}

fn retirement_on(c: &Context<'_>, end: Date) -> (Status, String) {
    let days = days_between(c.today, end);
    if days < 0 {
        (Status::Fail, format!("the Azure-portal experience retired on {end}"))
    } else if days <= 180 {
        (
            Status::Warn,
            format!("{days} days left before the Azure-portal experience retires on {end}"),
        )
    } else {
        (Status::Pass, format!("{days} days left before {end}"))
    }
}

fn days_between(a: Date, b: Date) -> i64 {
    b.days_since_epoch() - a.days_since_epoch()
}

/// Every prerequisite check, in the order the guide meets them.
pub static CHECKS: &[Prerequisite] = &[
    Prerequisite {
        id: "sentinel-enabled",
        tenant_wide: false,
        title: "Microsoft Sentinel is enabled on the workspace",
        since: d(2023, 11, 10),
        until: None,
        sources: &[DOC_2025_09],
        evidence_command: "az rest --method get --url 'https://management.azure.com{ws}/providers/Microsoft.SecurityInsights/onboardingStates?api-version=2025-09-01'",
        remedy: "Enable Microsoft Sentinel on the workspace before connecting it.",
        check: sentinel_enabled,
    },
    Prerequisite {
        id: "single-tenant",
        tenant_wide: true,
        title: "Workspaces and Defender XDR are in one Microsoft Entra tenant",
        since: d(2023, 11, 10),
        until: None,
        sources: &[DOC_2025_09],
        evidence_command: "az rest --method get --url 'https://management.azure.com{ws}/providers/Microsoft.SecurityInsights/dataConnectors?api-version=2025-07-01-preview'",
        remedy: "Onboard each tenant's workspaces in that tenant; use the multitenant Defender portal to work across tenants.",
        check: single_tenant,
    },
    Prerequisite {
        id: "defender-xdr-in-tenant",
        tenant_wide: true,
        title: "Defender XDR is licensed and used in the same tenant (or the Sentinel-only path is planned)",
        since: d(2023, 11, 10),
        until: None,
        sources: &[DOC_2025_09, OVERVIEW_2025],
        evidence_command: "az rest --method get --url 'https://management.azure.com{ws}/providers/Microsoft.SecurityInsights/dataConnectors?api-version=2025-07-01-preview'",
        remedy: "Confirm Defender XDR licensing, or accept the Sentinel-only path and its limits.",
        check: xdr_in_tenant,
    },
    Prerequisite {
        id: "defender-xdr-connector",
        tenant_wide: false,
        title: "The Defender XDR connector streams incidents and alerts to the workspace",
        since: d(2023, 11, 10),
        until: Some(d(2025, 9, 18)),
        sources: &[DOC_2025_01, DOC_2023_PREVIEW],
        evidence_command: "az rest --method get --url 'https://management.azure.com{ws}/providers/Microsoft.SecurityInsights/dataConnectors?api-version=2025-07-01-preview'",
        remedy: "Install the Defender XDR solution from the Content hub and turn on incidents and alerts in its connector.",
        check: xdr_connector_on_primary,
    },
    Prerequisite {
        id: "allow-listed-tenant",
        tenant_wide: true,
        title: "The tenant is allow-listed for the private preview",
        since: d(2023, 11, 10),
        until: Some(d(2024, 3, 1)),
        sources: &[DOC_2023_PREVIEW],
        evidence_command: "Ask your Microsoft account team whether the tenant is in the unified SecOps private preview.",
        remedy: "Request private-preview access from Microsoft.",
        check: allow_listed,
    },
    Prerequisite {
        id: "one-workspace-at-a-time",
        tenant_wide: true,
        title: "Only one workspace is connected at a time",
        since: d(2023, 11, 10),
        until: Some(d(2025, 2, 1)),
        sources: &[DOC_2023_PREVIEW, DOC_2025_01],
        evidence_command: "",
        remedy: "Pick the one workspace to connect; switching means disconnecting it first.",
        check: one_workspace_at_a_time,
    },
    Prerequisite {
        id: "workspace-region",
        tenant_wide: false,
        title: "The workspace region can be onboarded",
        since: d(2025, 5, 4),
        until: Some(d(2026, 6, 18)),
        sources: &[OVERVIEW_2025],
        evidence_command: "az monitor log-analytics workspace show --ids '{ws}' -o json",
        remedy: "Create another (possibly empty) workspace in a different region for the Sentinel-only path.",
        check: region,
    },
    Prerequisite {
        id: "onboarding-roles",
        tenant_wide: false,
        title: "Someone can connect the workspace (Owner, or User Access Administrator and Sentinel Contributor)",
        since: d(2023, 11, 10),
        until: None,
        sources: &[DOC_2025_09, DOC_2026_05],
        evidence_command: "az role assignment list --all --include-inherited -o json",
        remedy: "See the connect-workspace remediation commands in this report.",
        check: onboarding_roles,
    },
    Prerequisite {
        id: "entra-onboarding-role",
        tenant_wide: true,
        title: "Someone holds Entra Security Administrator or higher for onboarding",
        since: d(2025, 1, 8),
        until: None,
        sources: &[DOC_2025_09, DOC_2025_01],
        evidence_command: "az rest --method get --url 'https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments?$expand=principal'",
        remedy: "Have a Privileged Role Administrator assign Security Administrator to the person who onboards.",
        check: entra_role,
    },
    Prerequisite {
        id: "analysts-can-view-sentinel",
        tenant_wide: false,
        title: "Analysts hold at least Microsoft Sentinel Reader (the Sentinel menu needs it)",
        since: d(2025, 1, 8),
        until: None,
        sources: &[DOC_MIN_ACCESS, DOC_2025_09],
        evidence_command: "az role assignment list --all --include-inherited -o json",
        remedy: "Assign Microsoft Sentinel Reader (or higher) on the workspace's resource group to the analyst groups.",
        check: analysts_can_view,
    },
    Prerequisite {
        id: "primary-workspace-chosen",
        tenant_wide: false,
        title: "A primary workspace is chosen",
        since: d(2025, 2, 1),
        until: None,
        sources: &[DOC_2026_05],
        evidence_command: "sentinel-readiness report --primary <workspace id> …",
        remedy: "Decide the primary workspace (XDR data, data lake region, global SOC) and pass it with --primary.",
        check: primary_chosen,
    },
    // The same check under the earlier date, for `--as-of` before the move to 2027.
    Prerequisite {
        id: "before-retirement",
        tenant_wide: true,
        title: "The move is planned before the Azure-portal experience retires (2026-07-01 under these rules)",
        since: d(2024, 11, 22),
        until: Some(d(2026, 1, 30)),
        sources: &[TRANSITION_2024, WHATS_NEW_2025_07],
        evidence_command: "",
        remedy: "Schedule onboarding well before 2026-07-01.",
        check: earlier_retirement,
    },
    Prerequisite {
        id: "before-retirement",
        tenant_wide: true,
        title: "The move is planned before the Azure-portal experience retires (2027-03-31)",
        since: d(2026, 1, 30),
        until: None,
        sources: &[MOVE_GUIDE],
        evidence_command: "",
        remedy: "Schedule onboarding well before 2027-03-31.",
        check: retirement,
    },
];

impl Prerequisite {
    pub fn in_force(&self, as_of: Option<Date>) -> bool {
        match as_of {
            None => self.until.is_none(),
            Some(d) => self.since <= d && self.until.is_none_or(|u| d < u),
        }
    }
}

/// Runs every check in force on every workspace.
pub fn check_all(
    tenant: &Tenant,
    workspaces: &[Scope],
    elsewhere: usize,
    primary: Option<&Scope>,
    outcomes: &[TaskOutcome],
    as_of: Option<Date>,
    today: Date,
) -> Vec<PrerequisiteResult> {
    // Each workspace's outcomes, gathered once: looking through every workspace's outcomes
    // for each workspace grew with the square of their number.
    let index = crate::scope::positions_by_key(workspaces);
    let mut per_ws: Vec<Vec<&TaskOutcome>> = vec![Vec::new(); workspaces.len()];
    for o in outcomes {
        if let Some(list) = index.get(o.workspace.key()).and_then(|&i| per_ws.get_mut(i as usize)) {
            list.push(o);
        }
    }
    let mut out = Vec::new();
    for ((i, ws), outcomes) in workspaces.iter().enumerate().zip(&per_ws) {
        let ctx = Context {
            tenant,
            config: &tenant.config,
            workspace: ws,
            workspaces,
            elsewhere,
            primary,
            outcomes,
            today,
        };
        for p in CHECKS
            .iter()
            .filter(|p| p.in_force(as_of) && (i == 0 || !p.tenant_wide))
        {
            let (status, evidence) = (p.check)(&ctx);
            let remedy = match status {
                Status::Pass => String::new(),
                Status::Unknown if !p.evidence_command.is_empty() => {
                    format!(
                        "To find out: {}",
                        p.evidence_command
                            .replace("{ws}", &crate::safe_text::in_single_quotes(ws.as_str()))
                    )
                }
                _ => p.remedy.to_string(),
            };
            out.push(PrerequisiteResult {
                id: p.id.into(),
                title: p.title.into(),
                workspace: (!p.tenant_wide).then(|| ws.clone()),
                status,
                evidence,
                remedy,
                sources: p
                    .sources
                    .iter()
                    .map(|s| format!("{} [{}]", s.path, s.doc_date))
                    .collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_between_dates() {
        assert_eq!(days_between(Date::new(2026, 11, 23), Date::new(2027, 3, 31)), 128);
        assert_eq!(days_between(Date::new(2027, 4, 1), Date::new(2027, 3, 31)), -1);
    }
}
