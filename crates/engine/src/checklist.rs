//! The ordered checklist: phases and personas of Microsoft's move guide
//! (`shared/knowledge/move-guide-outline.md`), one item per prerequisite and per catalogue
//! difference, pre-ticked when the exports prove it done or not needed, each naming who
//! can do it (from the RBAC verdicts).

use serde::{Deserialize, Serialize};

use crate::config::{ObjectKind, SentinelConfig};
use crate::date::Date;
use crate::difference::{self, Persona, Phase};
use crate::evaluate::TaskOutcome;
use crate::finding::{self, Finding};
use crate::prerequisite::{PrerequisiteResult, Status};
use crate::scope::Scope;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub phase: Phase,
    pub persona: Persona,
    pub text: String,
    /// Difference or prerequisite ids this item stands for.
    pub refs: Vec<String>,
    /// Ticked because the exports prove it done, or prove the tenant is not affected.
    pub done: bool,
    /// Why it is ticked or open.
    pub evidence: String,
    /// Who can do it: principals qualified for the related task.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub who: Vec<String>,
}

/// The task whose qualified principals can carry out items of a phase.
fn task_for(phase: Phase) -> &'static str {
    match phase {
        Phase::Plan | Phase::Onboard | Phase::Offboard => "connect-workspace",
        // Changing analytics and automation content needs Sentinel Contributor-level rights.
        Phase::Configure => "investigate-incidents",
        Phase::Operate => "view-sentinel",
    }
}

/// Differences whose evidence is a prerequisite check rather than a configuration export.
const EVIDENCED_BY_PREREQUISITE: &[(&str, &str)] = &[
    ("azure-rbac-carries-over", "analysts-can-view-sentinel"),
    ("azure-portal-retirement", "before-retirement"),
    ("primary-secondary-workspace-model", "primary-workspace-chosen"),
];

/// Role assignments on a workspace itself whose principal does not hold the same role on
/// the workspace's SecurityInsights solution resource, which Microsoft asks for beside a
/// workspace-only grant (prerequisites.md section 3: defender-docs
/// `unified-secops-platform/microsoft-sentinel-onboard.md`, 2025-09).
fn workspace_only_grants(tenant: &crate::tenant::Tenant, workspaces: &[Scope]) -> usize {
    // Comparison keys: the workspaces', then each one's solution resource (none outside a
    // resource group).
    let n = workspaces.len();
    let mut keys: Vec<String> = workspaces.iter().map(|ws| ws.key().to_string()).collect();
    keys.extend(
        workspaces
            .iter()
            .map(|ws| match (ws.resource_group_scope(), ws.key().rsplit('/').next()) {
                (Some(rg), Some(name)) => {
                    rg.key().to_string()
                        + "/providers/microsoft.operationsmanagement/solutions/securityinsights("
                        + name
                        + ")"
                }
                _ => String::new(),
            }),
    );
    // One pass over a million assignments: a key's length, looked up once, rules out nearly
    // every one before any text is compared.
    let mut lengths = vec![false; keys.iter().map(String::len).max().unwrap_or(0) + 1];
    for k in &keys {
        if let Some(l) = lengths.get_mut(k.len()) {
            *l = true;
        }
    }
    let (mut alone, mut on_solution) = (Vec::new(), Vec::new());
    for a in &tenant.assignments {
        let key = a.scope.key();
        if !lengths.get(key.len()).copied().unwrap_or(false) {
            continue;
        }
        match keys.iter().position(|k| k == key) {
            Some(i) if i < n => alone.push((i, a)),
            Some(i) => on_solution.push((i - n, a)),
            None => {}
        }
    }
    alone
        .iter()
        .filter(|(i, a)| {
            !on_solution
                .iter()
                .any(|(j, s)| i == j && s.principal_id == a.principal_id && same_role(&s.role, &a.role))
        })
        .count()
}

/// One role, by id where both records give it, else by name.
fn same_role(a: &crate::role::RoleRef, b: &crate::role::RoleRef) -> bool {
    match (&a.id, &b.id, &a.name, &b.name) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    }
}

/// Names listed per checklist item before the rest are counted.
const WHO_LIMIT: usize = 10;

/// Workspaces the detector's exports do not reach: no object of a kind it needs sits there
/// (one workspace's exports say nothing about another's).
fn unexamined<'w>(
    det: &finding::Detector,
    config: &SentinelConfig,
    workspaces: &'w [Scope],
    elsewhere: bool,
) -> Vec<&'w Scope> {
    // A partial file's objects are still searched for affected ones, but cannot prove an
    // absence; with every page given as its own file, the last page (no link to more) does,
    // unless some file of that kind there had records that could not be read.
    // The objects that reach a workspace (`ConfigObject::reaches`): its own, and those of no
    // stated workspace when it is the only one. Looked up in the index, not filtered from
    // every object of the kind for each workspace and detector (4,000 workspaces took 5 s).
    let alone = workspaces.len() == 1 && !elsewhere;
    let reaches = |ws: &Scope, kind: ObjectKind| {
        let unplaced = config.in_workspace(kind, None).filter(|_| alone);
        !config.is_cut(kind) && config.in_workspace(kind, Some(ws)).chain(unplaced).any(|o| !o.partial)
    };
    workspaces
        .iter()
        .filter(|ws| !det.needs.iter().all(|&k| reaches(ws, k)))
        .collect()
}

pub fn build(
    // Its configuration, and its directory for telling people from apps.
    tenant: &crate::tenant::Tenant,
    workspaces: &[Scope],
    // Workspaces the exports show beyond those assessed.
    elsewhere: usize,
    prerequisites: &[PrerequisiteResult],
    findings: &[Finding],
    outcomes: &[TaskOutcome],
    as_of: Option<Date>,
) -> Vec<ChecklistItem> {
    let (config, directory) = (&tenant.config, &tenant.directory);
    // Who can do each phase's work, computed once per task and kept short: in a large
    // tenant thousands qualify, and a checklist item names a few and counts the rest.
    // A list, not a map: a handful of tasks, and no B-tree code in the Wasm for them.
    let mut by_task: Vec<(&str, Vec<String>)> = Vec::new();
    let mut who = |phase: Phase| -> Vec<String> {
        let task = task_for(phase);
        if let Some((_, list)) = by_task.iter().find(|(t, _)| *t == task) {
            return list.clone();
        }
        // The same names recur on every workspace: each is kept once before sorting, so a
        // large tenant sorts thousands of names, not a name per workspace.
        let mut met: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        let names: Vec<&str> = crate::order::sorted_set(
            outcomes
                .iter()
                .filter(|o| o.task == task)
                // People do these steps: apps and ids the exports cannot resolve are not named.
                .flat_map(|o| o.qualified.iter())
                .filter(|p| directory.is_people(&p.principal))
                .map(|p| &*p.display_name)
                .filter(|name| met.insert(name))
                .collect(),
        );
        let mut list: Vec<String> = names.iter().take(WHO_LIMIT).map(|n| n.to_string()).collect();
        if names.len() > WHO_LIMIT {
            list.push(format!("and {} more", names.len() - WHO_LIMIT));
        }
        by_task.push((task, list.clone()));
        list
    };
    let mut items = Vec::new();

    // Prerequisites, merged across workspaces: done only when every workspace passes.
    let mut ids: Vec<&str> = Vec::new();
    for p in prerequisites {
        if !ids.contains(&p.id.as_ref()) {
            ids.push(p.id.as_ref());
        }
    }
    for id in ids {
        let results: Vec<&PrerequisiteResult> = prerequisites.iter().filter(|p| p.id == id).collect();
        let Some(first) = results.first() else { continue };
        let worst = results.iter().map(|r| r.status).min().unwrap_or(Status::Unknown);
        let evidence: Vec<String> = results
            .iter()
            .map(|r| match &r.workspace {
                Some(ws) => format!("{}: {} — {}", ws.name(), r.status.as_str(), r.evidence),
                None => format!("{} — {}", r.status.as_str(), r.evidence),
            })
            .collect();
        items.push(ChecklistItem {
            phase: Phase::Plan,
            persona: Persona::Architect,
            text: first.title.to_string(),
            refs: vec![id.to_string()],
            done: worst == Status::Pass,
            evidence: evidence.join("; "),
            who: who(Phase::Plan),
        });
    }
    items.push(ChecklistItem {
        phase: Phase::Onboard,
        persona: Persona::Architect,
        text: "Connect each workspace in the Defender portal (System > Settings > Microsoft Sentinel > Connect a workspace), choosing the primary".into(),
        refs: vec!["connect-workspace".into(), "primary-secondary-workspace-model".into()],
        done: false,
        evidence: "onboarding state in the Defender portal is not part of any export".into(),
        who: who(Phase::Onboard),
    });

    for d in difference::catalogue().iter().filter(|d| d.in_force(as_of)) {
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.id == d.id).collect();
        let detector = finding::detector(d.id);
        let checked_by = EVIDENCED_BY_PREREQUISITE
            .iter()
            .find(|(diff, _)| *diff == d.id)
            .map(|(_, p)| *p);
        let prereq: Vec<&PrerequisiteResult> = prerequisites
            .iter()
            .filter(|p| Some(p.id.as_ref()) == checked_by)
            .collect();
        let (done, evidence, text) = match detector {
            None if !prereq.is_empty() => {
                let pass = prereq.iter().all(|p| p.status == Status::Pass);
                let ev: Vec<&str> = prereq.iter().map(|p| p.evidence.as_str()).collect();
                let mut evidence = format!(
                    "from prerequisite {}: {}",
                    checked_by.unwrap_or_default(),
                    ev.join("; ")
                );
                // The action asks for more than the prerequisite checks: a role granted on
                // the workspace alone is granted on its SecurityInsights solution too.
                let alone = match d.id {
                    "azure-rbac-carries-over" => workspace_only_grants(tenant, workspaces),
                    _ => 0,
                };
                if alone > 0 {
                    evidence.push_str("; ");
                    evidence.push_str(&alone.to_string());
                    evidence.push_str(" role assignment(s) on a workspace alone, without the same role on its SecurityInsights solution resource");
                }
                (pass && alone == 0, evidence, d.action.to_string())
            }
            Some(_) if !hits.is_empty() => {
                let n: usize = hits.iter().map(|f| f.objects.len()).sum();
                (
                    false,
                    format!("{n} affected object(s) found: see finding {}", d.id),
                    d.action.to_string(),
                )
            }
            Some(det) if finding::can_run(det, config) => {
                match unexamined(det, config, workspaces, elsewhere > 0).as_slice() {
                    [] => (
                        true,
                        "checked in the exports: this tenant is not affected".to_string(),
                        d.action.to_string(),
                    ),
                    missing => {
                        let kinds: Vec<&str> = det.needs.iter().map(|k| k.label()).collect();
                        let names: Vec<&str> = missing.iter().map(|w| w.name()).collect();
                        let evidence = format!(
                            "not affected where the exports reach, but {} has no complete {} export: add it, or answer the question",
                            names.join(", "),
                            kinds.join(", ")
                        );
                        (false, evidence, d.question.to_string())
                    }
                }
            }
            Some(det) => {
                let kinds: Vec<&str> = det.needs.iter().map(|k| k.label()).collect();
                (
                    false,
                    format!(
                        "not evidenced: add the {} export, or answer the question",
                        kinds.join(", ")
                    ),
                    d.question.to_string(),
                )
            }
            None => (
                false,
                "no export shows this: answer the question".to_string(),
                d.question.to_string(),
            ),
        };
        items.push(ChecklistItem {
            phase: d.phase,
            persona: d.persona,
            text: format!("{} — {}", d.title, text),
            refs: vec![d.id.to_string()],
            done,
            evidence,
            who: who(d.phase),
        });
    }
    // Stable order: by phase, persona, then as listed.
    crate::order::sort_by_key(&mut items, |i| (i.phase, i.persona));
    items
}
