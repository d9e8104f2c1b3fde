//! Readiness scores: per workspace and per section, the share of items that passed.
//!
//! An item is one thing the report examined:
//! - prerequisites: each prerequisite result for the workspace, and each tenant-wide one;
//! - access: each task in force, passed when at least one principal may do it;
//! - data, analytics, automation: each exported object (table, connector, workspace, rule …)
//!   of a kind that some detector in force examined, passed when no finding above `info`
//!   names it.
//!
//! `percent = floor(100 × passed / total)`, informational items counting as passed; rounding
//! down means 100 % is only ever shown when every item passed. A section with no items has no
//! score ("n/a"), not 100 %. The overall score counts every item once (a tenant-wide
//! prerequisite is in every workspace's score but only once overall). Blockers are listed
//! beside every score and are never folded into it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::check::Section;
use crate::config::{ObjectKind, SentinelConfig};
use crate::date::Date;
use crate::evaluate::TaskOutcome;
use crate::finding::{self, Finding, Severity};
use crate::prerequisite::{PrerequisiteResult, Status};
use crate::scope::Scope;
use crate::Text;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub passed: usize,
    pub total: usize,
}

impl Score {
    /// Rounded down; `None` when nothing was examined.
    pub fn percent(self) -> Option<u32> {
        (self.total > 0).then(|| u32::try_from(self.passed * 100 / self.total).unwrap_or(100))
    }

    pub fn label(self) -> String {
        match self.percent() {
            Some(p) => format!("{p}% ({} of {})", self.passed, self.total),
            None => "n/a".into(),
        }
    }

    fn add(&mut self, passed: bool) {
        self.total += 1;
        if passed {
            self.passed += 1;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    /// A blocker or a finding above `info`.
    NeedsWork,
    /// The exports cannot tell (an unknown prerequisite): not counted as passed.
    ToConfirm,
    /// Only informational findings: counted as passed.
    Info,
    Passed,
}

impl ItemStatus {
    pub fn passed(self) -> bool {
        matches!(self, Self::Passed | Self::Info)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsWork => "needs work",
            Self::ToConfirm => "to confirm",
            Self::Info => "info",
            Self::Passed => "passed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub section: Section,
    /// What kind of thing it is: `analytics rule`, `task`, `prerequisite` …
    pub kind: Text,
    pub name: String,
    pub status: ItemStatus,
    /// Finding or prerequisite ids that decided the status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<Text>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceScore {
    /// `None` for objects whose export did not say which workspace they belong to.
    pub workspace: Option<Scope>,
    pub name: String,
    /// `Some(true)` primary, `Some(false)` secondary, `None` not decided.
    pub primary: Option<bool>,
    pub score: Score,
    pub sections: BTreeMap<Section, Score>,
    /// Failed prerequisites for this workspace or the whole tenant: they stop onboarding.
    pub blockers: Vec<String>,
    pub findings_high: usize,
    pub items: Vec<Item>,
}

impl WorkspaceScore {
    /// `primary`, `secondary` or `not decided`; `None` for objects of no stated workspace.
    pub fn role(&self) -> Option<&'static str> {
        self.workspace.as_ref().map(|_| match self.primary {
            Some(true) => "primary",
            Some(false) => "secondary",
            None => "not decided",
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    pub overall: Score,
    pub sections: BTreeMap<Section, Score>,
    pub workspaces: Vec<WorkspaceScore>,
}

fn section_of(kind: ObjectKind) -> Section {
    match kind {
        ObjectKind::AnalyticsRule | ObjectKind::RuleAction => Section::Analytics,
        ObjectKind::AutomationRule => Section::Automation,
        _ => Section::Data,
    }
}

pub struct Inputs<'a> {
    pub config: &'a SentinelConfig,
    pub workspaces: &'a [Scope],
    pub primary: Option<&'a Scope>,
    pub prerequisites: &'a [PrerequisiteResult],
    pub findings: &'a [Finding],
    pub outcomes: &'a [TaskOutcome],
    pub as_of: Option<Date>,
}

/// Object kinds that at least one detector in force examined, in order, each once.
fn examined_kinds(config: &SentinelConfig, as_of: Option<Date>) -> Vec<ObjectKind> {
    crate::order::sorted_set(
        finding::DETECTORS
            .iter()
            .filter(|d| finding::active_rule(d, config, as_of).is_some())
            .flat_map(|d| d.needs.iter().copied())
            .collect(),
    )
}

fn prerequisite_item(p: &PrerequisiteResult) -> Item {
    Item {
        section: Section::Prerequisites,
        kind: "prerequisite".into(),
        name: p.title.to_string(),
        status: match p.status {
            Status::Pass => ItemStatus::Passed,
            Status::Unknown => ItemStatus::ToConfirm,
            Status::Fail | Status::Warn => ItemStatus::NeedsWork,
        },
        because: vec![p.id.clone()],
        note: p.evidence.clone(),
    }
}

/// What the report holds for one workspace (or for no stated workspace), gathered once:
/// filtering every list anew for each workspace grew with the square of their number
/// (8,000 workspaces took seconds).
#[derive(Default)]
struct Own<'a> {
    /// Positions in the report's list of prerequisite results.
    prerequisites: Vec<usize>,
    outcomes: Vec<&'a TaskOutcome>,
    findings: Vec<&'a Finding>,
}

/// [`Own`] per bucket of [`compute`]: the workspaces in order, then no stated workspace.
/// A record of a workspace outside the list goes nowhere, as before.
fn gather<'a>(inp: &Inputs<'a>) -> Vec<Own<'a>> {
    let n = inp.workspaces.len();
    let index = crate::scope::positions_by_key(inp.workspaces);
    let at = |ws: Option<&Scope>| match ws {
        Some(w) => index.get(w.key()).map(|&i| i as usize),
        None => Some(n),
    };
    let mut own: Vec<Own<'a>> = (0..=n).map(|_| Own::default()).collect();
    for (k, p) in inp.prerequisites.iter().enumerate() {
        // Tenant-wide results are counted apart (see `compute`).
        if let Some(o) = p
            .workspace
            .as_ref()
            .and_then(|w| at(Some(w)))
            .and_then(|i| own.get_mut(i))
        {
            o.prerequisites.push(k);
        }
    }
    for t in inp.outcomes {
        if let Some(o) = at(Some(&t.workspace)).and_then(|i| own.get_mut(i)) {
            o.outcomes.push(t);
        }
    }
    for f in inp.findings {
        if let Some(o) = at(f.workspace.as_ref()).and_then(|i| own.get_mut(i)) {
            o.findings.push(f);
        }
    }
    own
}

fn workspace_items(inp: &Inputs<'_>, own: &Own<'_>, ws: Option<&Scope>, kinds: &[ObjectKind]) -> Vec<Item> {
    let mut items: Vec<Item> = own
        .prerequisites
        .iter()
        .filter_map(|&k| inp.prerequisites.get(k))
        .map(prerequisite_item)
        .collect();
    if ws.is_some() {
        items.extend(own.outcomes.iter().map(|o| {
            let (status, note) = if !o.qualified.is_empty() {
                (ItemStatus::Passed, format!("{} principal(s) can", o.qualified.len()))
            } else if !o.potential.is_empty() {
                (
                    ItemStatus::NeedsWork,
                    format!(
                        "nobody now; {} could after PIM activation or a condition, or once the management groups are known",
                        o.potential.len()
                    ),
                )
            } else {
                (ItemStatus::NeedsWork, "nobody in the exports".to_string())
            };
            Item {
                section: Section::Access,
                kind: "task".into(),
                name: o.title.to_string(),
                status,
                because: vec![o.task.clone()],
                note,
            }
        }));
    }
    let named = Named::new(&own.findings);
    for kind in kinds {
        for o in inp.config.in_workspace(*kind, ws) {
            let label = kind.label();
            let hits: Vec<&Finding> = named
                .hits(label, &o.id, o.display_name())
                .into_iter()
                .filter_map(|i| own.findings.get(i).copied())
                .collect();
            let status = if hits.iter().any(|f| f.severity != Severity::Info) {
                ItemStatus::NeedsWork
            } else if hits.is_empty() {
                ItemStatus::Passed
            } else {
                ItemStatus::Info
            };
            items.push(Item {
                section: section_of(*kind),
                kind: label.into(),
                name: o.display_name().to_string(),
                status,
                because: hits.iter().map(|f| f.id.clone()).collect(),
                // The kind tells connectors and rules apart where their names are GUIDs.
                note: o.subkind.clone().unwrap_or_default(),
            });
        }
    }
    items
}

/// (kind, id or name, position of the finding) of what a workspace's findings name, by kind
/// and key. An object is named by an entry of its kind with its id, or with its name where
/// either lacks an id. Going through every finding's objects for each object grew with the
/// square of a workspace's rules (60,000 disabled rules took 11 s).
struct Named<'f> {
    by_id: Vec<(&'f str, &'f str, usize)>,
    /// Entries without an id, by name.
    by_name_alone: Vec<(&'f str, &'f str, usize)>,
    /// Every entry, by name.
    by_name: Vec<(&'f str, &'f str, usize)>,
}

impl<'f> Named<'f> {
    fn new(findings: &[&'f Finding]) -> Self {
        let mut named = Named {
            by_id: Vec::new(),
            by_name_alone: Vec::new(),
            by_name: Vec::new(),
        };
        for (i, f) in findings.iter().enumerate() {
            for a in &f.objects {
                let kind: &str = &a.kind;
                named.by_name.push((kind, &a.name, i));
                if a.id.is_empty() {
                    named.by_name_alone.push((kind, &a.name, i));
                } else {
                    named.by_id.push((kind, &a.id, i));
                }
            }
        }
        for list in [&mut named.by_id, &mut named.by_name_alone, &mut named.by_name] {
            crate::order::sort_by(list, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        }
        named
    }

    /// The positions of the findings that name an object of `kind` with `id` and `name`,
    /// in order, each once.
    fn hits(&self, kind: &str, id: &str, name: &str) -> Vec<usize> {
        let found = |list: &[(&str, &str, usize)], key: &str| -> Vec<usize> {
            let at = list.partition_point(|e| (e.0, e.1) < (kind, key));
            list.get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|e| e.0 == kind && e.1 == key)
                .map(|e| e.2)
                .collect()
        };
        let mut hits = if id.is_empty() {
            found(&self.by_name, name)
        } else {
            let mut both = found(&self.by_id, id);
            both.extend(found(&self.by_name_alone, name));
            both
        };
        crate::order::sort(&mut hits);
        hits.dedup();
        hits
    }
}

fn sort_items(items: &mut [Item]) {
    crate::order::sort_by(items, |a, b| {
        a.section
            .cmp(&b.section)
            .then(a.status.cmp(&b.status))
            .then(a.kind.cmp(&b.kind))
            .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
}

fn tally(items: &[Item]) -> (Score, BTreeMap<Section, Score>) {
    let mut overall = Score::default();
    let mut sections = BTreeMap::new();
    sections.extend(Section::ALL.iter().map(|s| (*s, Score::default())));
    for i in items {
        overall.add(i.status.passed());
        if let Some(s) = sections.get_mut(&i.section) {
            s.add(i.status.passed());
        }
    }
    (overall, sections)
}

pub fn compute(inp: &Inputs<'_>) -> Scores {
    let kinds = examined_kinds(inp.config, inp.as_of);
    let mut buckets: Vec<Option<&Scope>> = inp.workspaces.iter().map(Some).collect();
    if inp.config.objects.iter().any(|o| o.workspace.is_none()) {
        buckets.push(None);
    }
    let tenant_wide: Vec<Item> = inp
        .prerequisites
        .iter()
        .filter(|p| p.workspace.is_none())
        .map(prerequisite_item)
        .collect();
    let tenant_wide_at: Vec<usize> = (inp.prerequisites.iter().enumerate())
        .filter(|(_, p)| p.workspace.is_none())
        .map(|(k, _)| k)
        .collect();
    let mut all_items = tenant_wide.clone();
    let mut workspaces = Vec::new();
    for (ws, mine) in buckets.into_iter().zip(gather(inp).iter()) {
        let own = workspace_items(inp, mine, ws, &kinds);
        if ws.is_none() && own.is_empty() {
            continue;
        }
        all_items.extend(own.iter().cloned());
        // Tenant-wide prerequisites bear on every real workspace, not on unplaced objects.
        let mut items = if ws.is_some() { tenant_wide.clone() } else { Vec::new() };
        items.extend(own);
        sort_items(&mut items);
        let (score, sections) = tally(&items);
        // The tenant-wide ones and the workspace's own, in the order of the results.
        let blockers = match ws {
            Some(_) => {
                let mut at: Vec<usize> = tenant_wide_at.iter().chain(&mine.prerequisites).copied().collect();
                crate::order::sort(&mut at);
                at.iter()
                    .filter_map(|&k| inp.prerequisites.get(k))
                    .filter(|p| p.status == Status::Fail)
                    .map(|p| format!("{}: {}", p.title, p.evidence))
                    .collect()
            }
            None => Vec::new(),
        };
        workspaces.push(WorkspaceScore {
            name: ws
                .map(|w| w.name().to_string())
                .unwrap_or_else(|| "workspace not stated".into()),
            primary: finding::role_of(ws, inp.primary),
            score,
            sections,
            blockers,
            findings_high: mine.findings.iter().filter(|f| f.severity == Severity::High).count(),
            items,
            workspace: ws.cloned(),
        });
    }
    let (overall, sections) = tally(&all_items);
    Scores {
        overall,
        sections,
        workspaces,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_down_so_100_means_everything_passed() {
        assert_eq!(
            Score {
                passed: 199,
                total: 200
            }
            .percent(),
            Some(99)
        );
        assert_eq!(Score { passed: 2, total: 2 }.percent(), Some(100));
        assert_eq!(Score { passed: 0, total: 3 }.percent(), Some(0));
        assert_eq!(Score { passed: 0, total: 0 }.percent(), None);
        assert_eq!(Score { passed: 0, total: 0 }.label(), "n/a");
    }

    /// An object is named by an entry of its kind with its id, or with its name where either
    /// lacks an id; each finding counts once, in order.
    #[test]
    fn findings_name_objects_by_id_or_else_by_name() {
        let entry = |kind: &'static str, name: &str, id: &str| finding::Affected {
            kind: kind.into(),
            name: name.into(),
            id: id.into(),
            detail: String::new(),
        };
        let finding = |objects: Vec<finding::Affected>| Finding {
            id: "x".into(),
            title: "x".into(),
            workspace: None,
            severity: Severity::Info,
            section: Section::Analytics,
            basis: crate::check::Basis::Documented,
            objects,
            detail: String::new(),
            action: "".into(),
            sources: Vec::new(),
        };
        let findings = [
            finding(vec![entry("rule", "A", "/r/1"), entry("rule", "A", "")]),
            finding(vec![entry("rule", "A", "/r/2")]),
            finding(vec![entry("connector", "A", "")]),
            finding(vec![entry("rule", "B", "")]),
        ];
        let all: Vec<&Finding> = findings.iter().collect();
        let named = Named::new(&all);
        assert_eq!(named.hits("rule", "/r/1", "A"), [0]);
        assert_eq!(named.hits("rule", "/r/2", "A"), [0, 1]);
        assert_eq!(named.hits("rule", "/r/3", "A"), [0]);
        assert_eq!(named.hits("rule", "", "A"), [0, 1]);
        assert_eq!(named.hits("rule", "/r/9", "B"), [3]);
        assert_eq!(named.hits("connector", "/c/1", "A"), [2]);
        assert!(named.hits("rule", "", "C").is_empty());
    }

    #[test]
    fn informational_items_count_as_passed_and_unknowns_do_not() {
        assert!(ItemStatus::Info.passed());
        assert!(ItemStatus::Passed.passed());
        assert!(!ItemStatus::ToConfirm.passed());
        assert!(!ItemStatus::NeedsWork.passed());
    }
}
