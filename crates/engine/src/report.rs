//! The report: one serialisable value (the JSON contract) and its Markdown and CSV renderings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{SharedText, Text};

use crate::assignment::AssignmentState;
use crate::checklist::{self, ChecklistItem};
use crate::date::Date;
use crate::error::{InputError, OptionsError};
use crate::evaluate::{EvalOptions, Evaluator, Reason, TaskOutcome, VerdictKind};
use crate::finding::{self, Finding, Severity};
use crate::input::{InputSummary, Loaded};
use crate::prerequisite::{self, PrerequisiteResult, Status};
use crate::scope::Scope;
use crate::score::{self, Scores};
use crate::task::TASKS;

/// Conflicting assignment records named in the caveat that reports them; the count says how
/// many there are in all.
const CONFLICTS_SHOWN: usize = 3;
/// Roles named in the caveat about roles the exports define differently, and the records
/// shown for each.
const ROLES_SHOWN: usize = 10;
const SOURCES_SHOWN: usize = 4;

/// Bumped whenever a field changes meaning or shape.
/// 2: adds `summary`, `prerequisites`, `findings`, `checklist`; CSV gains a `record` column.
/// 3: reasons are listed once in `reasons` and verdicts refer to them by index; verdicts
///    no longer repeat the principal they sit under.
/// 4: adds `scores` (per workspace and section); findings gain `section` and `basis`.
pub const SCHEMA_VERSION: u32 = 4;

/// Largest report (in verdicts) written as indented JSON.
pub const PRETTY_JSON_UP_TO: usize = 10_000;

#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Workspace resource ids or names; empty = every workspace found in the inputs.
    pub workspaces: Vec<String>,
    pub as_of: Option<Date>,
    pub today: Date,
    /// Also list `not-allowed` verdicts (with what is missing) per principal.
    pub all_verdicts: bool,
    /// The primary workspace (id or name); rules for secondaries apply to the others.
    pub primary: Option<String>,
    /// Threads the evaluation may use: 0 = one per core, 1 = the calling thread only
    /// (see [`crate::evaluate::EvalOptions::threads`]). The report is the same either way.
    pub threads: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub rules: RulesInfo,
    pub inputs: Vec<InputSummary>,
    pub errors: Vec<InputError>,
    pub workspaces: Vec<WorkspaceInfo>,
    pub principals: Vec<PrincipalReport>,
    /// Every distinct reason once; verdicts refer to them by position. Shared with the
    /// evaluation rather than copied: a dense tenant has hundreds of thousands.
    pub reasons: Vec<Arc<Reason>>,
    pub tasks: Vec<TaskOutcome>,
    pub summary: Summary,
    pub prerequisites: Vec<PrerequisiteResult>,
    pub findings: Vec<Finding>,
    pub checklist: Vec<ChecklistItem>,
    pub scores: Scores,
    pub caveats: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overall {
    Ready,
    ReadyWithWarnings,
    Blocked,
}

crate::variant::named_variants!(Overall {
    Ready => "ready",
    ReadyWithWarnings => "ready-with-warnings",
    Blocked => "blocked",
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub overall: Overall,
    /// Failed prerequisites: they stop onboarding.
    pub blockers: Vec<String>,
    /// Prerequisites to confirm and high-severity findings.
    pub warnings: Vec<String>,
    pub counts: BTreeMap<String, usize>,
    /// Deny assignments may be missing from what was read (see the warnings): a verdict of
    /// allowed is then not certain, so the report does not call the move ready.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub denies_unseen: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RulesInfo {
    /// `latest`, or the date whose rules were applied.
    pub as_of: String,
    /// The day PIM windows were checked against.
    pub evaluated_on: Date,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks_not_in_force: Vec<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: Scope,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrincipalReport {
    pub id: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub kind: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_name: Option<String>,
    /// Groups the principal belongs to (display names), when membership is known. Each name
    /// is shared by the principals listing it: a dense tenant lists hundreds of thousands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<SharedText>,
    pub tasks: Vec<VerdictEntry>,
}

/// One verdict of a principal; `reasons` and `nearest` are positions in [`Report::reasons`].
pub type VerdictEntry = crate::evaluate::Verdict;

impl Report {
    /// The reasons a list of positions refers to (positions out of range are skipped).
    pub fn reasons_at<'r>(&'r self, at: &'r [u32]) -> impl Iterator<Item = &'r Reason> + 'r {
        at.iter().filter_map(|&i| self.reasons.get(i as usize)).map(|r| &**r)
    }

    /// Verdicts listed under the principals.
    pub fn verdict_count(&self) -> usize {
        self.principals.iter().map(|p| p.tasks.len()).sum()
    }

    /// Is the overall verdict `blocked`, has some task on some workspace nobody who can do it
    /// today, or may deny assignments be missing from what was read (a deny not seen could
    /// take away any access shown as allowed)?
    pub fn not_ready(&self) -> bool {
        self.summary.overall == Overall::Blocked
            || self.tasks.iter().any(|t| t.qualified.is_empty())
            || self.summary.denies_unseen
    }

    /// The summary's warning that deny assignments may be missing from what was read, if
    /// they may (`summary.denies_unseen`).
    pub fn denies_unseen_warning(&self) -> Option<&str> {
        if !self.summary.denies_unseen {
            return None;
        }
        self.summary
            .warnings
            .iter()
            .find(|w| w.starts_with(DENIES_UNSEEN))
            .map(String::as_str)
    }

    /// Indented JSON for reports people may open in an editor; without indentation above
    /// [`PRETTY_JSON_UP_TO`] verdicts, where it would double the size of a file only
    /// programs read.
    pub fn write_json<W: std::io::Write>(&self, mut w: W) -> serde_json::Result<()> {
        if self.verdict_count() > PRETTY_JSON_UP_TO {
            return crate::shared_text::compact_json(|| serde_json::to_writer(w, self));
        }
        // Written compact and then indented, so this is the serializer's one instance in
        // the web app (it writes compact JSON into a Vec for the page as well).
        let mut compact = Vec::new();
        crate::shared_text::compact_json(|| serde_json::to_writer(&mut compact, self))?;
        let mut pretty = Vec::new();
        crate::json_indent::indent(&compact, &mut pretty);
        w.write_all(&pretty).map_err(serde_json::Error::io)
    }

    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        match self.write_json(&mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(e) => format!("{{\"error\":\"{e}\"}}"),
        }
    }
}

fn resolve_workspaces(loaded: &Loaded, wanted: &[String]) -> Result<Vec<Scope>, OptionsError> {
    let mut known = loaded.tenant.workspaces_in_scopes();
    known.extend(loaded.tenant.config.workspaces());
    let known = crate::order::sorted_set(known);
    if wanted.is_empty() {
        return Ok(known);
    }
    let mut out = Vec::new();
    for w in wanted {
        let ws = match Scope::parse(w).ok().and_then(|s| s.workspace_scope()) {
            Some(ws) => ws,
            None => {
                let matches: Vec<&Scope> = known
                    .iter()
                    .filter(|k| k.name().eq_ignore_ascii_case(w.trim()))
                    .collect();
                match matches.as_slice() {
                    [one] => (*one).clone(),
                    [] => return Err(OptionsError::UnknownWorkspace { given: w.clone() }),
                    many => {
                        return Err(OptionsError::AmbiguousWorkspace {
                            given: w.clone(),
                            candidates: many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                        })
                    }
                }
            }
        };
        if !out.contains(&ws) {
            out.push(ws);
        }
    }
    Ok(out)
}

/// File names a caveat quotes, in order, each once: ten, and how many more (a run of
/// thousands of per-subscription files made one line of 136,000 characters).
pub(crate) fn few_files(files: Vec<&str>) -> String {
    let files = crate::order::sorted_set(files);
    crate::prerequisite::few_of(&files, files.len())
}

fn ws_suffix(ws: Option<&Scope>) -> String {
    ws.map(|w| format!(" ({})", w.name())).unwrap_or_default()
}

fn summarize(
    workspaces: &[Scope],
    prerequisites: &[PrerequisiteResult],
    findings: &[Finding],
    outcomes: &[TaskOutcome],
    checklist: &[ChecklistItem],
    as_of: Option<Date>,
    deny_gaps: &[String],
) -> Summary {
    // With no workspace nothing was checked: an empty list of failures must not read as ready.
    let nothing_checked = workspaces.is_empty().then(|| {
        "No workspace to assess: the exports name none, so no check ran. Give the workspace's resource id (--workspace), or add an export whose scopes include it.".to_string()
    });
    // Before the first step of the move was documented, no rule says who can do it: the
    // move itself was not possible, and nothing was checked.
    let no_task = outcomes.is_empty().then(|| {
        format!(
            "No step of the move was documented on {}: the rules of that date have nothing to check. Choose a later date.",
            as_of.map_or_else(|| "that date".to_string(), |d| d.to_string())
        )
    });
    let blockers: Vec<String> = nothing_checked
        .into_iter()
        .chain(no_task.filter(|_| !workspaces.is_empty()))
        .chain(
            prerequisites
                .iter()
                .filter(|p| p.status == Status::Fail)
                .map(|p| format!("{}{}: {}", p.title, ws_suffix(p.workspace.as_ref()), p.evidence)),
        )
        .collect();
    let mut warnings: Vec<String> = deny_gaps_warning(deny_gaps)
        .into_iter()
        .chain(
            prerequisites
                .iter()
                .filter(|p| matches!(p.status, Status::Warn | Status::Unknown))
                .map(|p| format!("{}{}: {}", p.title, ws_suffix(p.workspace.as_ref()), p.evidence)),
        )
        .collect();
    warnings.extend(findings.iter().filter(|f| f.severity == Severity::High).map(|f| {
        format!(
            "{} ({}): {} object(s)",
            f.title,
            f.workspace.as_ref().map(|w| w.name()).unwrap_or("workspace not stated"),
            f.objects.len()
        )
    }));
    let overall = if !blockers.is_empty() {
        Overall::Blocked
    } else if !warnings.is_empty()
        || findings
            .iter()
            .any(|f| matches!(f.severity, Severity::High | Severity::Medium))
    {
        Overall::ReadyWithWarnings
    } else {
        Overall::Ready
    };
    let mut counts = BTreeMap::new();
    for st in [Status::Pass, Status::Fail, Status::Warn, Status::Unknown] {
        counts.insert(
            format!("prerequisites_{}", st.as_str()),
            prerequisites.iter().filter(|p| p.status == st).count(),
        );
    }
    for sev in [Severity::High, Severity::Medium, Severity::Low, Severity::Info] {
        counts.insert(
            format!("findings_{}", sev.as_str()),
            findings.iter().filter(|f| f.severity == sev).count(),
        );
    }
    counts.insert(
        "tasks_without_qualified_principal".into(),
        outcomes.iter().filter(|o| o.qualified.is_empty()).count(),
    );
    counts.insert("checklist_done".into(), checklist.iter().filter(|c| c.done).count());
    counts.insert("checklist_total".into(), checklist.len());
    Summary {
        overall,
        blockers,
        warnings,
        counts,
        denies_unseen: !deny_gaps.is_empty(),
    }
}

/// How the warning that deny assignments may be missing from what was read begins.
const DENIES_UNSEEN: &str = "Deny assignments not all read";

/// The warning that deny assignments may be missing from what was read, if they may.
fn deny_gaps_warning(gaps: &[String]) -> Option<String> {
    (!gaps.is_empty()).then(|| {
        format!(
            "{DENIES_UNSEEN} ({}): a deny assignment not seen could take away any access this report shows as allowed, so no verdict of allowed is certain. Fix the export and run again.",
            gaps.join("; ")
        )
    })
}

/// Builds the report from loaded inputs.
pub fn build(loaded: &Loaded, opts: &ReportOptions) -> Result<Report, OptionsError> {
    let eval_opts = EvalOptions {
        as_of: opts.as_of,
        today: opts.today,
        explain_all: opts.all_verdicts,
        threads: opts.threads,
    };
    // None needs another: each reads every assignment of a large tenant. Finding conflicting
    // records (60 ms at 1M) goes beside the evaluator's set-up, which is the shorter.
    let ((evaluator, conflicts), workspaces) = crate::parallel::join(
        opts.threads != 1,
        || (Evaluator::new(&loaded.tenant, eval_opts), loaded.tenant.conflicts()),
        || resolve_workspaces(loaded, &opts.workspaces),
    );
    let workspaces = workspaces?;
    let primary = match &opts.primary {
        None => None,
        Some(p) => {
            let found = resolve_workspaces(loaded, std::slice::from_ref(p))?.into_iter().next();
            if let Some(f) = &found {
                if !workspaces.contains(f) {
                    return Err(OptionsError::PrimaryNotChosen { given: p.clone() });
                }
            }
            found
        }
    };
    // Workspaces the exports show beyond those asked for: with them, the one workspace asked
    // for is not known to be the first connected, so it is not taken to be the primary.
    let named = match opts.workspaces.is_empty() {
        true => Vec::new(),
        false => resolve_workspaces(loaded, &[])?,
    };
    let elsewhere = named.iter().filter(|w| !workspaces.contains(w)).count();
    // A workspace asked for by an id no export names, while they name others: a typo would
    // check a workspace that does not exist, against its ancestors' grants alone.
    let unnamed: Vec<&str> = match named.is_empty() {
        true => Vec::new(),
        false => workspaces
            .iter()
            .filter(|w| !named.contains(w))
            .map(Scope::as_str)
            .collect(),
    };
    let implied = primary.clone().or_else(|| match workspaces.as_slice() {
        [only] if elsewhere == 0 => Some(only.clone()),
        _ => None,
    });
    let mut eval = evaluator.run(&workspaces);
    let mut caveats = eval.caveats.clone();
    if workspaces.is_empty() {
        caveats.push("No workspace found in the inputs: pass --workspace with the workspace resource id, or add an export whose scopes include the workspace.".into());
    }
    if !unnamed.is_empty() {
        caveats.push(format!(
            "No export names {}, while they name {} other workspace(s): check the id. Role and deny assignments on the workspace itself are seen only under its exact id.",
            unnamed.join(", "),
            elsewhere
        ));
    }
    let mut expired: Vec<String> = loaded
        .tenant
        .assignments
        .iter()
        .filter(|a| !a.in_window(opts.today))
        .map(|a| {
            let role = a.role.name.clone().or(a.role.id.clone()).unwrap_or_default();
            let (what, start, end) = match &a.state {
                AssignmentState::Eligible { start, end } => ("eligibility", start, end),
                AssignmentState::Activated { start, end } => ("activation", start, end),
                AssignmentState::Assigned { start, end } => ("assignment", start, end),
                AssignmentState::Active => ("assignment", &None, &None),
            };
            let window = match (start, end) {
                (Some(s), _) if *s > opts.today => format!("{what} from {s}"),
                (_, Some(e)) => format!("{what} ended {e}"),
                _ => format!("{what} outside its window"),
            };
            format!("{} — {role}, {window}", loaded.tenant.directory.label(&a.principal_id))
        })
        .collect();
    // Entra roles' schedules too: an ended activation explains a missing Security Administrator.
    expired.extend(
        loaded
            .tenant
            .directory_roles
            .iter()
            .filter(|d| !d.in_window(opts.today))
            .map(|d| {
                let role = (d.role_name.as_deref())
                    .or_else(|| {
                        let mut known = crate::task::ENTRA_ONBOARDING_ROLES.iter();
                        known.find(|r| r.id == d.role_template_id).map(|r| r.name)
                    })
                    .unwrap_or(&d.role_template_id);
                let what = if d.eligible { "eligibility" } else { "assignment" };
                let window = match (d.start, d.end) {
                    (Some(s), _) if s > opts.today => format!("{what} from {s}"),
                    (_, Some(e)) => format!("{what} ended {e}"),
                    _ => format!("{what} outside its window"),
                };
                format!(
                    "{} — Entra role {role}, {window}",
                    loaded.tenant.directory.label(&d.principal_id)
                )
            }),
    );
    // By who and what, not by where the records stood.
    crate::order::sort(&mut expired);
    if !expired.is_empty() {
        caveats.push(format!(
            "{} PIM schedule(s) are outside their window on {} and were not counted: {}.",
            expired.len(),
            opts.today,
            crate::prerequisite::few_of_with(&expired, expired.len(), "; ")
        ));
    }
    if !loaded.tenant.condition_unseen.is_empty() {
        let files: Vec<&str> = loaded.tenant.condition_unseen.iter().map(|f| f.as_str()).collect();
        caveats.push(format!(
            "Role assignments in {} carry no `condition` field (an older REST api-version, or a query that picked fields): a condition on one, such as a limit on the roles an Owner may assign, is not seen, so a verdict through it may be too generous. Export with `az role assignment list`, or REST api-version 2022-04-01 or later.",
            few_files(files)
        ));
    }
    if !loaded.tenant.paged.is_empty() {
        let files: Vec<&str> = loaded.tenant.paged.iter().map(|f| f.as_str()).collect();
        caveats.push(format!(
            "{} end(s) with a link to a further page (`nextLink`, `@odata.nextLink` or a skip token). If a later page is not among the inputs, what it holds is not seen: a deny assignment there would make a verdict too generous, and a missing group membership, role or assignment too strict; such a configuration export gives the checklist no all-clear until its last page is given.",
            few_files(files)
        ));
    }
    if !loaded.tenant.capped_groups.is_empty() {
        let mut groups: Vec<&str> = loaded.tenant.capped_groups.iter().map(String::as_str).collect();
        crate::order::sort(&mut groups);
        caveats.push(format!(
            "{} group(s) list exactly 20 members, the most Microsoft Graph's `$expand=members` returns: {}. Members beyond them are not seen; export transitiveMembers (docs/exports.md) for complete membership.",
            groups.len(),
            crate::prerequisite::few_of(&groups, groups.len())
        ));
    }
    let long: Vec<&str> = loaded
        .tenant
        .directory
        .long_names()
        .iter()
        .map(String::as_str)
        .collect();
    if !long.is_empty() {
        caveats.push(format!(
            "{} principal(s) have a name in the exports longer than the {limit} characters Microsoft Entra ID allows (an export edited, or made by another tool); the report keeps the first {limit} characters of such a name: {}.",
            long.len(),
            crate::prerequisite::few_of(&long, long.len()),
            limit = crate::principal::NAME_LIMIT,
        ));
    }
    let deny_gaps = loaded.tenant.deny_gaps();
    caveats.extend(deny_gaps_warning(&deny_gaps));
    let dir = &loaded.tenant.directory;
    let orphans: Vec<String> = eval
        .principals
        .iter()
        .filter(|id| {
            dir.get(id)
                .is_none_or(|p| p.kind == crate::principal::PrincipalKind::Unknown)
        })
        .cloned()
        .collect();
    if !orphans.is_empty() {
        caveats.push(format!(
            "{} principal(s) could not be resolved by the exporting account: {}. Usually they were deleted and their assignments are orphaned (safe to remove); if the account simply could not read the directory, re-export with Microsoft Graph read access.",
            orphans.len(),
            crate::prerequisite::few_of(&orphans, orphans.len())
        ));
    }
    if !conflicts.is_empty() {
        let records = &loaded.tenant.assignments;
        let shown: Vec<String> = conflicts
            .iter()
            .take(CONFLICTS_SHOWN)
            .filter_map(|&(first, later)| {
                let (a, b) = (records.get(first)?, records.get(later)?);
                Some(format!(
                    "{} ({} record {}, {} record {})",
                    a.id(),
                    a.origin.file,
                    a.origin.record,
                    b.origin.file,
                    b.origin.record
                ))
            })
            .collect();
        caveats.push(format!(
            "{} role assignment id(s) appear in more than one record with a different principal, role, scope or condition. Each record was evaluated as given, so a verdict may rest on one that is out of date. The exports disagree, usually because they were taken at different times: export them again, together. {}: {}.",
            conflicts.len(),
            if conflicts.len() > CONFLICTS_SHOWN { "The first ones" } else { "They are" },
            shown.join("; ")
        ));
    }
    let redefined = loaded.tenant.roles.redefined();
    for newest_used in [true, false] {
        let all: Vec<&crate::role::Redefined> = redefined.iter().filter(|r| r.newest_used == newest_used).collect();
        if all.is_empty() {
            continue;
        }
        let roles: Vec<String> = all
            .iter()
            .take(ROLES_SHOWN)
            .map(|r| {
                let mut sources: Vec<String> = r
                    .sources
                    .iter()
                    .take(SOURCES_SHOWN)
                    .map(|(origin, updated)| {
                        let at = origin.as_ref().map_or_else(
                            || "a definition".to_string(),
                            |o| format!("{} record {}", o.file, o.record),
                        );
                        match updated {
                            Some(t) => format!("{at}, updated {}", t.text),
                            None => format!("{at}, no update time"),
                        }
                    })
                    .collect();
                if r.sources.len() > SOURCES_SHOWN {
                    sources.push(format!("{} more", r.sources.len() - SOURCES_SHOWN));
                }
                format!("`{}` ({}: {})", r.name, r.id, sources.join("; "))
            })
            .collect();
        let decision = if newest_used {
            "The most recently updated definition was used for each, as the current one."
        } else {
            "Their update times do not settle which is current (a copy has none, or the newest copies disagree), so each was taken to grant what any of its definitions grants: a verdict that rests on one of these roles may be more generous than Azure is."
        };
        caveats.push(format!(
            "{} role(s) have different permissions in different records of the role-definition exports, usually because they were exported at different times. {decision} Export the role definitions again, together with the assignments. {}: {}.",
            all.len(),
            if all.len() > ROLES_SHOWN { "The first ones by id" } else { "They are" },
            roles.join(", ")
        ));
    }
    let mut groups = std::mem::take(&mut eval.groups).into_iter();
    // Each with its sort key, lower-cased once rather than at every comparison.
    let mut principals: Vec<(String, PrincipalReport, Vec<crate::evaluate::Verdict>)> =
        std::mem::take(&mut eval.principals)
            .into_iter()
            .zip(std::mem::take(&mut eval.verdicts))
            .map(|(id, verdicts)| {
                let p = dir.get(&id);
                let groups = groups.next().unwrap_or_default();
                let report = PrincipalReport {
                    display_name: p.map(|p| p.label()).unwrap_or_else(|| id.clone()),
                    kind: p.map(|p| p.kind.as_str()).unwrap_or("Unknown").into(),
                    sign_in_name: p.and_then(|p| p.sign_in_name.clone()),
                    groups,
                    tasks: Vec::new(),
                    id,
                };
                (report.display_name.to_lowercase(), report, verdicts)
            })
            .collect();
    crate::order::sort_by(&mut principals, |(ka, a, _), (kb, b, _)| {
        ka.cmp(kb).then(a.id.cmp(&b.id))
    });
    // Reasons are shared between verdicts: list each once, in the order a reader meets them.
    // Verdicts hold positions in the evaluation's list; each is renumbered in place.
    let table = std::mem::take(&mut eval.reasons);
    let mut reasons: Vec<Arc<Reason>> = Vec::new();
    let mut renumbered: Vec<Option<u32>> = vec![None; table.len()];
    let mut renumber = |list: &mut crate::Positions| {
        list.retain_mut(|at| {
            let (Some(slot), Some(reason)) = (renumbered.get_mut(*at as usize), table.get(*at as usize)) else {
                return false;
            };
            *at = *slot.get_or_insert_with(|| {
                reasons.push(Arc::clone(reason));
                crate::positions::narrow(reasons.len() - 1)
            });
            true
        });
    };
    let principals: Vec<PrincipalReport> = principals
        .into_iter()
        .map(|(_, mut report, mut verdicts)| {
            verdicts.retain(|v| opts.all_verdicts || v.verdict != VerdictKind::NotAllowed);
            for v in &mut verdicts {
                renumber(&mut v.reasons);
                renumber(&mut v.nearest);
            }
            report.tasks = verdicts;
            report
        })
        .collect();
    let mut findings = finding::analyze(&loaded.tenant.config, &workspaces, implied.as_ref(), opts.as_of);
    let position = |id: &str| {
        crate::difference::catalogue()
            .iter()
            .position(|d| d.id == id)
            .unwrap_or(usize::MAX)
    };
    crate::order::sort_by(&mut findings, |a, b| {
        position(&a.id)
            .cmp(&position(&b.id))
            .then(a.workspace.cmp(&b.workspace))
    });
    let prerequisites = prerequisite::check_all(
        &loaded.tenant,
        &workspaces,
        elsewhere,
        primary.as_ref(),
        &eval.outcomes,
        opts.as_of,
        opts.today,
    );
    let checklist = checklist::build(
        &loaded.tenant,
        &workspaces,
        elsewhere,
        &prerequisites,
        &findings,
        &eval.outcomes,
        opts.as_of,
    );
    let summary = summarize(
        &workspaces,
        &prerequisites,
        &findings,
        &eval.outcomes,
        &checklist,
        opts.as_of,
        &deny_gaps,
    );
    let scores = score::compute(&score::Inputs {
        config: &loaded.tenant.config,
        workspaces: &workspaces,
        primary: implied.as_ref(),
        prerequisites: &prerequisites,
        findings: &findings,
        outcomes: &eval.outcomes,
        as_of: opts.as_of,
    });
    Ok(Report {
        scores,
        schema_version: SCHEMA_VERSION,
        summary,
        prerequisites,
        findings,
        checklist,
        rules: RulesInfo {
            as_of: opts.as_of.map(|d| d.to_string()).unwrap_or_else(|| "latest".into()),
            evaluated_on: opts.today,
            tasks_not_in_force: eval.tasks_not_in_force.iter().map(|t| Text::from(*t)).collect(),
        },
        inputs: loaded.inputs.clone(),
        errors: loaded.errors.clone(),
        workspaces: workspaces
            .iter()
            .map(|w| WorkspaceInfo {
                id: w.clone(),
                name: w.name().to_string(),
                subscription_id: w.subscription_id().map(str::to_string),
                resource_group: w.resource_group_name().map(str::to_string),
            })
            .collect(),
        principals,
        reasons,
        tasks: eval.outcomes,
        caveats,
    })
}

/// Escapes text for a Markdown table cell or paragraph, and shows the characters a
/// terminal or a renderer would act on (the report is often read in a terminal first).
fn md(text: &str) -> String {
    let escaped = md_escaped(text);
    match crate::safe_text::printable(&escaped) {
        std::borrow::Cow::Borrowed(_) => escaped,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

fn md_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Every character that needs care is ASCII, so the text is copied in runs between them
    // rather than one character at a time (the checklist alone is tens of KB per report).
    let mut rest = text;
    while let Some(at) = rest.bytes().position(md_special) {
        let Some((head, tail)) = rest.split_at_checked(at) else {
            break;
        };
        out.push_str(head);
        let mut chars = tail.chars();
        match chars.next() {
            Some('\n' | '\r') => out.push(' '),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => {}
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// Bytes [`md`] escapes (or, for line breaks, turns into spaces).
fn md_special(b: u8) -> bool {
    matches!(
        b,
        b'\\' | b'|' | b'*' | b'_' | b'`' | b'[' | b']' | b'<' | b'>' | b'#' | b'&' | b'\n' | b'\r'
    )
}

/// Text from an export as a Markdown code span: opened and closed by more backticks than
/// any run inside it (a backslash does not escape inside a span), on one line.
fn md_code(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let shown = crate::safe_text::printable(&one_line);
    let ticks = "`".repeat(longest_backtick_run(&shown) + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{shown}{pad}{ticks}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A command in a fenced block: the fence longer than any run of backticks in it, and a
/// line break in it shown rather than ending the block's indentation.
fn md_command(command: &str) -> (String, String) {
    let shown = crate::safe_text::one_line(command).into_owned();
    let fence = "`".repeat((longest_backtick_run(&shown) + 1).max(3));
    (fence, shown)
}

/// A prerequisite's or a finding's CSV row: the principal and route columns stay empty, and
/// the last two hold its detail and what to do.
fn check_row(
    out: &mut String,
    record: &str,
    workspace: Option<&Scope>,
    id: &str,
    status: &str,
    detail: &str,
    todo: &str,
) {
    let workspace = workspace.map_or("", Scope::as_str);
    csv_row(out, [record, workspace, id, "", "", "", status, "", detail, todo]);
}

/// A report row: every cell may hold text from an export (a role's name begins a reason),
/// so none may start a formula or hold a control character.
fn csv_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    let cells: Vec<std::borrow::Cow<'a, str>> = cells.into_iter().map(crate::safe_text::spreadsheet_cell).collect();
    crate::csv_out::row(out, cells.iter().map(|c| c.as_ref()));
}

fn verdict_cell(v: Option<&VerdictEntry>) -> String {
    match v {
        None => "not allowed".into(),
        Some(v) => match (&v.route, v.verdict) {
            (Some(r), VerdictKind::Allowed | VerdictKind::Equivalent) => {
                format!("**{}** ({})", v.verdict.as_str(), md(r))
            }
            _ => v.verdict.as_str().replace('-', " "),
        },
    }
}

fn reason_line(r: &Reason) -> String {
    md(&r.text)
}

impl Report {
    /// A wiki-ready Markdown page.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Microsoft Sentinel → Defender portal readiness\n");
        let _ = writeln!(
            s,
            "Rules: **{}** · PIM windows checked on {} · report schema {}\n",
            if self.rules.as_of == "latest" {
                "latest documented".to_string()
            } else {
                format!("as documented on {}", self.rules.as_of)
            },
            self.rules.evaluated_on,
            self.schema_version
        );
        self.summary_md(&mut s);
        self.scores_md(&mut s);
        let _ = writeln!(s, "## Inputs\n\n| File | Detected format | Records |\n|---|---|---|");
        for i in &self.inputs {
            let _ = writeln!(s, "| {} | {} | {} |", md(&i.path), i.format_label, i.records);
        }
        for e in &self.errors {
            let _ = writeln!(s, "| {} | **error**: {} | 0 |", md(&e.path), md(&e.to_string()));
        }
        let warnings: Vec<String> = self
            .inputs
            .iter()
            .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {}", i.path, w)))
            .collect();
        if !warnings.is_empty() {
            let _ = writeln!(s, "\nSkipped records:\n");
            for w in warnings {
                let _ = writeln!(s, "- {}", md(&w));
            }
        }
        if !self.caveats.is_empty() {
            let _ = writeln!(s, "\n## Caveats\n");
            for c in &self.caveats {
                let _ = writeln!(s, "- {}", md(c));
            }
        }
        if !self.rules.tasks_not_in_force.is_empty() {
            let _ = writeln!(
                s,
                "\nNot yet documented on {}: {}.",
                self.rules.as_of,
                self.rules.tasks_not_in_force.join(", ")
            );
        }
        self.prerequisites_md(&mut s);
        self.findings_md(&mut s);
        let task_ids: Vec<&str> = TASKS
            .iter()
            .map(|t| t.id)
            .filter(|t| !self.rules.tasks_not_in_force.iter().any(|x| x == t))
            .collect();
        for ws in &self.workspaces {
            let _ = writeln!(
                s,
                "\n## Workspace {}\n\nResource group {}, subscription {}.\n",
                md_code(&ws.name),
                md_code(ws.resource_group.as_deref().unwrap_or("?")),
                md_code(ws.subscription_id.as_deref().unwrap_or("?"))
            );
            let _ = writeln!(s, "### Readiness by task\n\n| Task | Who can do it now | Could, after action | Denied |\n|---|---|---|---|");
            for t in self.tasks.iter().filter(|t| t.workspace == ws.id) {
                // A list cut short for the page says how many it held.
                let names = |list: &[crate::evaluate::PrincipalVerdict], full: Option<usize>| {
                    if list.is_empty() {
                        return "—".to_string();
                    }
                    let mut text = list
                        .iter()
                        .map(|p| format!("{} ({})", md(&p.display_name), p.verdict.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    if let Some(more) = full.and_then(|n| n.checked_sub(list.len())).filter(|&n| n > 0) {
                        let _ = write!(text, " and {more} more");
                    }
                    text
                };
                let full = t.shortened;
                let now = if t.qualified.is_empty() {
                    "**nobody**".to_string()
                } else {
                    names(&t.qualified, full.map(|f| f.qualified))
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    t.task,
                    now,
                    names(&t.potential, full.map(|f| f.potential)),
                    names(&t.denied, full.map(|f| f.denied))
                );
            }
            let _ = writeln!(s, "\n### Access matrix\n");
            let _ = write!(s, "| Principal | Type |");
            for t in &task_ids {
                let _ = write!(s, " {t} |");
            }
            let _ = write!(s, "\n|---|---|");
            for _ in &task_ids {
                let _ = write!(s, "---|");
            }
            s.push('\n');
            // Only principals with a verdict here: a row of "not allowed" says nothing, and
            // every principal on every workspace made 1.5 GB of Markdown from 3 MB of exports
            // with 4,000 workspaces of one owner each (round 36).
            let mut left_out = 0;
            for p in &self.principals {
                let here: Vec<&VerdictEntry> = p.tasks.iter().filter(|v| v.workspace == ws.id).collect();
                if here.is_empty() {
                    left_out += 1;
                    continue;
                }
                let _ = write!(s, "| {} | {} |", md(&p.display_name), p.kind);
                for t in &task_ids {
                    let v = here.iter().copied().find(|v| v.task == *t);
                    let _ = write!(s, " {} |", verdict_cell(v));
                }
                s.push('\n');
            }
            if left_out > 0 {
                let _ = writeln!(
                    s,
                    "\n{left_out} other principal(s) in the exports are allowed none of these tasks here."
                );
            }
            let _ = writeln!(s, "\n### Tasks, rules and remediation\n");
            for t in self.tasks.iter().filter(|t| t.workspace == ws.id) {
                let _ = writeln!(s, "#### {} — {}\n", t.task, md(&t.title));
                let _ = writeln!(
                    s,
                    "{} (rules since {}; sources: {})\n",
                    md(&t.rule_note),
                    t.rules_since,
                    md(&t.sources.join("; "))
                );
                if !t.remediation.is_empty() {
                    let _ = writeln!(s, "Nobody qualifies today. Least-privilege fix:\n");
                    for r in &t.remediation {
                        let (fence, command) = md_command(&r.command);
                        let _ = writeln!(s, "- {}\n\n  {fence}bash\n  {command}\n  {fence}", md(&r.text));
                    }
                    s.push('\n');
                }
            }
            let _ = writeln!(s, "### Why\n");
            for p in &self.principals {
                let verdicts: Vec<&VerdictEntry> = p.tasks.iter().filter(|v| v.workspace == ws.id).collect();
                if verdicts.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    s,
                    "**{}** ({}{})\n",
                    md(&p.display_name),
                    p.kind,
                    p.sign_in_name
                        .as_ref()
                        .map(|n| format!(", {}", md(n)))
                        .unwrap_or_default()
                );
                for v in verdicts {
                    let _ = writeln!(
                        s,
                        "- `{}`: **{}**{}",
                        v.task,
                        v.verdict.as_str(),
                        v.route.as_ref().map(|r| format!(" via {}", md(r))).unwrap_or_default()
                    );
                    for r in self.reasons_at(&v.reasons) {
                        let _ = writeln!(s, "  - {}", reason_line(r));
                    }
                    for m in &v.missing {
                        let _ = writeln!(s, "  - missing: {}", md(m));
                    }
                    for r in self.reasons_at(&v.nearest) {
                        let _ = writeln!(s, "  - holds: {}", reason_line(r));
                    }
                    for n in &v.notes {
                        let _ = writeln!(s, "  - note: {}", md(n));
                    }
                }
                s.push('\n');
            }
        }
        self.checklist_md(&mut s);
        s
    }

    fn summary_md(&self, s: &mut String) {
        let c = |k: &str| self.summary.counts.get(k).copied().unwrap_or(0);
        let _ = writeln!(s, "## Summary\n");
        let _ = writeln!(
            s,
            "**Overall: {}** · prerequisites {} pass, {} fail, {} warn, {} unknown · findings {} high, {} medium, {} low, {} info · checklist {}/{} done\n",
            self.summary.overall.as_str(),
            c("prerequisites_pass"),
            c("prerequisites_fail"),
            c("prerequisites_warn"),
            c("prerequisites_unknown"),
            c("findings_high"),
            c("findings_medium"),
            c("findings_low"),
            c("findings_info"),
            c("checklist_done"),
            c("checklist_total"),
        );
        if !self.summary.blockers.is_empty() {
            let _ = writeln!(s, "### Blockers\n");
            for b in &self.summary.blockers {
                let _ = writeln!(s, "- {}", md(b));
            }
            s.push('\n');
        }
        if !self.summary.warnings.is_empty() {
            let _ = writeln!(s, "### Warnings\n");
            for w in &self.summary.warnings {
                let _ = writeln!(s, "- {}", md(w));
            }
            s.push('\n');
        }
    }

    fn scores_md(&self, s: &mut String) {
        if self.scores.workspaces.is_empty() {
            return;
        }
        let _ = write!(s, "## Scores\n\n| Workspace | Role | Score | Blockers |");
        for &sec in crate::check::Section::ALL {
            let _ = write!(s, " {} |", sec.title());
        }
        let _ = write!(
            s,
            "\n|---|---|---|---|{}\n",
            "---|".repeat(crate::check::Section::ALL.len())
        );
        let all = std::iter::once((
            "**all**".to_string(),
            "",
            self.scores.overall,
            self.summary.blockers.len(),
            &self.scores.sections,
        ));
        let rows = self.scores.workspaces.iter().map(|w| {
            (
                // A table cell: GitHub splits cells on `|` even inside a code span.
                md_code(&w.name).replace('|', "\\|"),
                w.role().unwrap_or(""),
                w.score,
                w.blockers.len(),
                &w.sections,
            )
        });
        for (name, role, score, blockers, sections) in rows.chain(all) {
            let _ = write!(s, "| {name} | {role} | {} | {blockers} |", score.label());
            for &sec in crate::check::Section::ALL {
                let _ = write!(s, " {} |", sections.get(&sec).copied().unwrap_or_default().label());
            }
            s.push('\n');
        }
        s.push_str("\nScore = floor(100 × passed ÷ total) over the items each check examined; informational items count as passed; blockers are listed above and never averaged away.\n\n");
    }

    fn prerequisites_md(&self, s: &mut String) {
        if self.prerequisites.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\n## Prerequisites\n\n| Check | Workspace | Status | Evidence | What to do |\n|---|---|---|---|---|"
        );
        for p in &self.prerequisites {
            let _ = writeln!(
                s,
                "| {} (`{}`) | {} | **{}** | {} | {} |",
                md(&p.title),
                p.id,
                p.workspace
                    .as_ref()
                    .map(|w| md(w.name()))
                    .unwrap_or_else(|| "tenant".into()),
                p.status.as_str(),
                md(&p.evidence),
                md(&p.remedy)
            );
        }
    }

    fn findings_md(&self, s: &mut String) {
        let _ = writeln!(s, "\n## Findings\n");
        if self.findings.is_empty() {
            let _ = writeln!(
                s,
                "No configuration export showed an affected object{}.\n",
                if self.inputs.iter().any(|i| i.format.is_configuration()) {
                    ""
                } else {
                    " (no configuration exports were given)"
                }
            );
            return;
        }
        let mut areas: Vec<&str> = Vec::new();
        for f in &self.findings {
            let area = crate::difference::get(&f.id).map(|d| d.area).unwrap_or("other");
            if !areas.contains(&area) {
                areas.push(area);
            }
        }
        for area in areas {
            let _ = writeln!(s, "### {}\n", area);
            for f in self
                .findings
                .iter()
                .filter(|f| crate::difference::get(&f.id).map(|d| d.area).unwrap_or("other") == area)
            {
                let _ = writeln!(
                    s,
                    "#### {} (`{}`)\n\n**{}** · workspace {}\n\n{}\n",
                    md(&f.title),
                    f.id,
                    f.severity.as_str(),
                    f.workspace
                        .as_ref()
                        .map(|w| md_code(w.name()))
                        .unwrap_or_else(|| "not stated in the export".into()),
                    md(&f.detail)
                );
                for o in &f.objects {
                    let _ = writeln!(
                        s,
                        "- {} **{}**{}",
                        o.kind,
                        md(&o.name),
                        if o.detail.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", md(&o.detail))
                        }
                    );
                }
                let _ = writeln!(
                    s,
                    "\nAction: {}\n\nSources: {}\n",
                    md(&f.action),
                    md(&f.sources.join("; "))
                );
            }
        }
    }

    fn checklist_md(&self, s: &mut String) {
        let _ = writeln!(s, "## Checklist\n");
        let mut last = None;
        for item in &self.checklist {
            if last != Some((item.phase, item.persona)) {
                let _ = writeln!(s, "\n### {} ({})\n", item.phase.title(), item.persona.title());
                last = Some((item.phase, item.persona));
            }
            let _ = writeln!(
                s,
                "- [{}] {} — `{}`. _{}_{}",
                if item.done { "x" } else { " " },
                md(&item.text),
                item.refs.join("`, `"),
                md(&item.evidence),
                if item.who.is_empty() {
                    String::new()
                } else {
                    format!(" Who: {}.", md(&item.who.join(", ")))
                }
            );
        }
    }

    /// One row per verdict, prerequisite check and finding (CSV, RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        crate::csv_out::row(
            &mut out,
            [
                "record",
                "workspace",
                "id",
                "principal_id",
                "principal",
                "type",
                "status",
                "route",
                "detail",
                "missing",
            ],
        );
        for p in &self.principals {
            for v in &p.tasks {
                let reasons: Vec<&str> = self
                    .reasons_at(&v.reasons)
                    .chain(self.reasons_at(&v.nearest))
                    .map(|r| r.text.as_str())
                    .collect();
                csv_row(
                    &mut out,
                    [
                        "verdict",
                        v.workspace.as_str(),
                        &v.task,
                        &p.id,
                        &p.display_name,
                        &p.kind,
                        v.verdict.as_str(),
                        v.route.as_deref().unwrap_or(""),
                        &reasons.join(" | "),
                        &v.missing.join(" | "),
                    ],
                );
            }
        }
        for c in &self.prerequisites {
            check_row(
                &mut out,
                "prerequisite",
                c.workspace.as_ref(),
                &c.id,
                c.status.as_str(),
                &c.evidence,
                &c.remedy,
            );
        }
        for f in &self.findings {
            let objects: Vec<String> = f
                .objects
                .iter()
                .map(|o| format!("{} {} ({})", o.kind, o.name, o.detail))
                .collect();
            check_row(
                &mut out,
                "finding",
                f.workspace.as_ref(),
                &f.id,
                f.severity.as_str(),
                &objects.join(" | "),
                &f.action,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_table_breakers_and_html() {
        assert_eq!(md("a|b <script>*x*"), "a\\|b \\<script\\>\\*x\\*");
        assert_eq!(md("two\nlines"), "two lines");
        assert_eq!(md("é_ü\r\n#"), "é\\_ü  \\#");
        // Round 35: entities, terminal sequences and text turned backwards are shown.
        assert_eq!(md("&#x202E;\u{1b}[2J\u{202e}"), "\\&\\#x202E;\\u{1b}\\[2J\\u{202e}");
    }

    #[test]
    fn markdown_code_spans_and_fences_outlast_the_backticks_inside() {
        assert_eq!(md_code("law"), "`law`");
        assert_eq!(md_code("law`<img>\n```"), "```` law`<img> ``` ````");
        assert_eq!(md_code("`x"), "`` `x ``");
        let (fence, shown) = md_command("az x --scope '/a```b\nc'");
        assert_eq!(
            (fence.as_str(), shown.as_str()),
            ("````", "az x --scope '/a```b\\u{a}c'")
        );
    }

    proptest::proptest! {
        /// The run-copying escaper gives what escaping one character at a time gives.
        #[test]
        fn markdown_escaping_matches_a_character_at_a_time(text in "\\PC*|[a-z|*_`<>#&\\\\\\[\\]\n\r é\u{1b}\u{202e}]*") {
            let mut want = String::new();
            for c in text.chars() {
                match c {
                    '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '&' => {
                        want.push('\\');
                        want.push(c);
                    }
                    '\n' | '\r' => want.push(' '),
                    _ => want.push(c),
                }
            }
            let want = crate::safe_text::printable(&want).into_owned();
            proptest::prop_assert_eq!(md(&text), want);
        }
    }
}
