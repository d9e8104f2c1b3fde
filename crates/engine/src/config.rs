//! Microsoft Sentinel configuration objects read from exports: analytics rules, automation
//! rules, data connectors, onboarding states, content, watchlists, workspace manager,
//! Log Analytics workspace and table settings, incidents.
//!
//! Shapes: `shared/knowledge/export-shapes.md` (REST `Microsoft.SecurityInsights` specs,
//! stable 2025-09-01 and 2025-07-01-preview). Every object keeps its property bag as JSON,
//! looked up case-insensitively, because the REST, ARM, CLI and PowerShell layouts differ
//! only in nesting and casing, and the API adds fields often.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::assignment::Origin;
use crate::scope::Scope;

/// What a configuration object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectKind {
    AnalyticsRule,
    /// `alertRules/{id}/actions`: a playbook attached to an analytics rule (legacy).
    RuleAction,
    AutomationRule,
    DataConnector,
    OnboardingState,
    ContentPackage,
    Watchlist,
    WorkspaceManagerConfiguration,
    WorkspaceManagerMember,
    WorkspaceManagerGroup,
    WorkspaceManagerAssignment,
    Workspace,
    Table,
    Incident,
}

impl ObjectKind {
    pub const ALL: [Self; 14] = [
        Self::AnalyticsRule,
        Self::RuleAction,
        Self::AutomationRule,
        Self::DataConnector,
        Self::OnboardingState,
        Self::ContentPackage,
        Self::Watchlist,
        Self::WorkspaceManagerConfiguration,
        Self::WorkspaceManagerMember,
        Self::WorkspaceManagerGroup,
        Self::WorkspaceManagerAssignment,
        Self::Workspace,
        Self::Table,
        Self::Incident,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::AnalyticsRule => "analytics rule",
            Self::RuleAction => "analytics-rule playbook action",
            Self::AutomationRule => "automation rule",
            Self::DataConnector => "data connector",
            Self::OnboardingState => "onboarding state",
            Self::ContentPackage => "content package",
            Self::Watchlist => "watchlist",
            Self::WorkspaceManagerConfiguration => "workspace manager configuration",
            Self::WorkspaceManagerMember => "workspace manager member",
            Self::WorkspaceManagerGroup => "workspace manager group",
            Self::WorkspaceManagerAssignment => "workspace manager assignment",
            Self::Workspace => "Log Analytics workspace",
            Self::Table => "Log Analytics table",
            Self::Incident => "incident",
        }
    }

    /// Classifies a resource by its id, for exports whose items carry no `type`
    /// (the published Log Analytics tables example, for one).
    pub fn from_id(id: &str) -> Option<Self> {
        let lower = id.to_ascii_lowercase();
        if let Some(pos) = lower.find("/providers/microsoft.securityinsights/") {
            let rest = lower.get(pos + "/providers/microsoft.securityinsights/".len()..)?;
            // A resource of another provider under a Sentinel object (a role assignment on
            // an automation rule) is not that object.
            if rest.contains("/providers/") {
                return None;
            }
            let mut segs = rest.split('/');
            let collection = segs.next()?;
            let tail: Vec<&str> = segs.collect();
            // `alertRules/{rule}/actions/{id}` is a rule action.
            let t = if collection == "alertrules" && tail.get(1) == Some(&"actions") {
                "microsoft.securityinsights/alertrules/actions".to_string()
            } else {
                format!("microsoft.securityinsights/{collection}")
            };
            return Self::from_type(&t);
        }
        let scope = Scope::parse(id).ok()?;
        let ws = scope.workspace_scope()?;
        let tail = lower.get(ws.key().len()..)?;
        if tail.is_empty() {
            Some(Self::Workspace)
        } else if tail.starts_with("/tables/") && tail.matches('/').count() == 2 {
            Some(Self::Table)
        } else {
            None
        }
    }

    /// Classifies a resource by its ARM `type` (any casing, REST or ARM-template form).
    pub fn from_type(t: &str) -> Option<Self> {
        let t = t.to_ascii_lowercase();
        let last = |s: &str| t.ends_with(s);
        Some(
            if last("/alertrules/actions") || (t.contains("/alertrules") && last("/actions")) {
                Self::RuleAction
            } else if last("/alertrules") {
                Self::AnalyticsRule
            } else if last("/automationrules") {
                Self::AutomationRule
            } else if last("/dataconnectors") {
                Self::DataConnector
            } else if last("/onboardingstates") {
                Self::OnboardingState
            } else if last("/contentpackages") || last("/contentproductpackages") {
                Self::ContentPackage
            } else if last("/watchlists") {
                Self::Watchlist
            } else if last("/workspacemanagerconfigurations") {
                Self::WorkspaceManagerConfiguration
            } else if last("/workspacemanagermembers") {
                Self::WorkspaceManagerMember
            } else if last("/workspacemanagergroups") {
                Self::WorkspaceManagerGroup
            } else if last("/workspacemanagerassignments") {
                Self::WorkspaceManagerAssignment
            } else if last("/incidents") {
                Self::Incident
            } else if t == "microsoft.operationalinsights/workspaces/tables" {
                Self::Table
            } else if t == "microsoft.operationalinsights/workspaces" {
                Self::Workspace
            } else {
                return None;
            },
        )
    }
}

/// One configuration object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigObject {
    pub kind: ObjectKind,
    /// Resource id as exported (empty for ARM-template items without one).
    pub id: String,
    /// Resource name (rule GUID, connector id, table name …).
    pub name: String,
    /// `kind` of polymorphic resources: `Scheduled`, `Fusion`, `OfficeIRM` …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subkind: Option<String>,
    /// The workspace the object belongs to, from its id; `None` when the export does not say
    /// (ARM templates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Scope>,
    #[serde(skip)]
    pub props: Map<String, Value>,
    #[serde(skip)]
    pub location: Option<String>,
    pub origin: Origin,
    /// Read from one page of several (its file links to a further page): what it shows
    /// counts, but it cannot prove an absence; the last page can. (Records that could not be
    /// read mark their whole kind: [`SentinelConfig::is_cut`].)
    #[serde(skip)]
    pub partial: bool,
}

impl ConfigObject {
    /// A property by any of several names, any casing, ignoring nulls.
    pub fn get(&self, names: &[&str]) -> Option<&Value> {
        lookup(&self.props, names)
    }

    pub fn str(&self, names: &[&str]) -> Option<&str> {
        self.get(names)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub fn bool(&self, names: &[&str]) -> Option<bool> {
        self.get(names).and_then(as_bool)
    }

    /// A nested property: `path` is a list of steps, each a list of accepted names.
    pub fn path(&self, path: &[&[&str]]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        let mut v = self.get(first)?;
        for step in rest {
            v = lookup(v.as_object()?, step)?;
        }
        Some(v)
    }

    /// Display name for reports: `displayName`, else the resource name.
    pub fn display_name(&self) -> &str {
        self.str(&["displayName", "DisplayName"]).unwrap_or(&self.name)
    }

    /// Is this object evidence about workspace `ws`, of `assessed` workspaces? One whose
    /// workspace is not known (an ARM template) counts only when it can be no other: a
    /// single workspace is assessed and the exports name no other (`elsewhere`).
    pub fn reaches(&self, ws: &Scope, assessed: usize, elsewhere: bool) -> bool {
        self.workspace.as_ref().map_or(assessed == 1 && !elsewhere, |w| w == ws)
    }

    pub fn subkind_is(&self, k: &str) -> bool {
        self.subkind.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(k))
    }

    /// `enabled`, treating an absent flag as enabled only where the API has no such flag.
    pub fn enabled(&self) -> bool {
        self.bool(&["enabled", "Enabled", "isEnabled"]).unwrap_or(true)
    }
}

/// Case-insensitive lookup over several names.
pub fn lookup<'v>(obj: &'v Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    for name in names {
        if let Some(v) = obj.get(*name).filter(|v| !v.is_null()) {
            return Some(v);
        }
        if let Some((_, v)) = obj.iter().find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_null()) {
            return Some(v);
        }
    }
    None
}

pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Data connector `dataTypes.<name>.state == Enabled` (PowerShell: `<Name>State` flattened).
pub fn data_type_enabled(o: &ConfigObject, data_type: &str) -> Option<bool> {
    let nested = o
        .path(&[&["dataTypes", "DataTypes"], &[data_type]])
        .and_then(|d| d.as_object())
        .and_then(|d| lookup(d, &["state", "State"]))
        .and_then(Value::as_str);
    let flat_name = format!("{data_type}State");
    let flat = o.str(&[flat_name.as_str()]);
    nested.or(flat).map(|s| s.eq_ignore_ascii_case("enabled"))
}

fn kind_bit(kind: ObjectKind) -> u32 {
    1u32.checked_shl(kind as u32).unwrap_or(0)
}

/// All the Sentinel configuration a run has read.
#[derive(Debug, Clone, Default)]
pub struct SentinelConfig {
    pub objects: Vec<ConfigObject>,
    /// Positions in `objects` by workspace and kind (each group in the objects' order), made
    /// once the objects are read and ordered (`index`). The detectors, scores and checklist
    /// ask for one workspace's objects of a kind tens of times per workspace; scanning every
    /// object each time took 15 s for 4,000 workspaces of a few objects each (round 36).
    /// Until made, or once out of date, the objects are scanned.
    places: Vec<u32>,
    /// The kinds present, as bits of their position, made with `places`: asked per
    /// workspace and detector, a scan of every object grew with workspaces times objects.
    kinds: u32,
    /// Kinds of which a file had records that could not be read (bits of their position):
    /// the record lost may belong to any workspace, so none proves an absence of them.
    cut_kinds: u32,
}

impl SentinelConfig {
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn of_kind(&self, kind: ObjectKind) -> impl Iterator<Item = &ConfigObject> {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// Objects of a kind in one workspace (or with no known workspace when `ws` is `None`).
    pub fn in_workspace<'a>(
        &'a self,
        kind: ObjectKind,
        ws: Option<&'a Scope>,
    ) -> impl Iterator<Item = &'a ConfigObject> {
        let indexed = self.places.len() == self.objects.len();
        let (from, to) = if indexed {
            let place = |i: &u32| self.objects.get(*i as usize).map(|o| (o.workspace.as_ref(), o.kind));
            let from = self.places.partition_point(|i| place(i) < Some((ws, kind)));
            let to = from
                + self
                    .places
                    .get(from..)
                    .unwrap_or_default()
                    .partition_point(|i| place(i) == Some((ws, kind)));
            (from, to)
        } else {
            (0, self.objects.len())
        };
        // One plain iterator either way: each caller's loop is compiled once more for it.
        (from..to).filter_map(move |k| {
            let i = if indexed { *self.places.get(k)? as usize } else { k };
            let o = self.objects.get(i)?;
            (indexed || (o.kind == kind && o.workspace.as_ref() == ws)).then_some(o)
        })
    }

    /// Is there a workspace's kind, among those `counts` accepts, that the exports may not
    /// show whole: its objects all come from pages with a link to more, or records of its
    /// kind could not be read ([`SentinelConfig::is_cut`])? Each group is looked at once: asking for
    /// each partial object whether its group holds a whole one scanned the group again each
    /// time (round 36).
    pub fn some_kind_only_partial(&self, counts: impl Fn(ObjectKind) -> bool) -> bool {
        if self.objects.iter().any(|o| self.is_cut(o.kind) && counts(o.kind)) {
            return true;
        }
        // A group shows the whole list when one of its objects came from a whole list or a
        // last page.
        if self.places.len() != self.objects.len() {
            return self.objects.iter().any(|o| {
                counts(o.kind)
                    && !self
                        .objects
                        .iter()
                        .any(|p| !p.partial && p.kind == o.kind && p.workspace == o.workspace)
            });
        }
        let at = |k: usize| self.places.get(k).and_then(|i| self.objects.get(*i as usize));
        let mut k = 0;
        while let Some(first) = at(k) {
            let from = k;
            while at(k).is_some_and(|o| o.kind == first.kind && o.workspace == first.workspace) {
                k += 1;
            }
            if counts(first.kind) && !(from..k).filter_map(at).any(|o| !o.partial) {
                return true;
            }
        }
        false
    }

    /// Drops repeats of one object: the same export given twice, or overlapping exports
    /// (one per subscription and one of everything), listed each object as often as it came,
    /// in the findings and the scores. After the objects are put in order, where repeats sit
    /// among the objects sorted equal. The copy kept has the first origin by file and
    /// record, whatever the order of the files; its file counts as whole if any copy's did.
    pub(crate) fn drop_repeats(&mut self) {
        fn same(a: &ConfigObject, b: &ConfigObject) -> bool {
            a.kind == b.kind
                && a.id == b.id
                && a.name == b.name
                && a.subkind == b.subkind
                && a.workspace == b.workspace
                && a.location == b.location
                && a.props == b.props
        }
        let mut kept: Vec<ConfigObject> = Vec::with_capacity(self.objects.len());
        // Where the run of objects sorted equal to the last one kept begins.
        let mut run = 0;
        for o in std::mem::take(&mut self.objects) {
            let starts_run = kept
                .last()
                .is_none_or(|last| last.display_name() != o.display_name() || last.id != o.id || last.name != o.name);
            if starts_run {
                run = kept.len();
            }
            match kept.get_mut(run..).unwrap_or_default().iter_mut().find(|k| same(k, &o)) {
                Some(k) => {
                    if (o.origin.file.as_str(), o.origin.record) < (k.origin.file.as_str(), k.origin.record) {
                        k.origin = o.origin;
                    }
                    k.partial &= o.partial;
                }
                None => kept.push(o),
            }
        }
        self.objects = kept;
    }

    /// Makes the index `in_workspace` reads; after the objects are read and put in order.
    pub(crate) fn index(&mut self) {
        let objects = &self.objects;
        let mut places: Vec<u32> = (0..objects.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        if places.len() != objects.len() {
            return;
        }
        let place = |i: &u32| objects.get(*i as usize).map(|o| (o.workspace.as_ref(), o.kind));
        crate::order::sort_by(&mut places, |a, b| place(a).cmp(&place(b)));
        self.kinds = objects.iter().fold(0, |bits, o| bits | kind_bit(o.kind));
        self.places = places;
    }

    /// See [`SentinelConfig::cut_kinds`].
    pub(crate) fn cut_kind(&mut self, kind: ObjectKind) {
        self.cut_kinds |= kind_bit(kind);
    }

    /// Did a file of this kind have records that could not be read?
    pub fn is_cut(&self, kind: ObjectKind) -> bool {
        self.cut_kinds & kind_bit(kind) != 0
    }

    pub fn has_kind(&self, kind: ObjectKind) -> bool {
        if self.places.len() == self.objects.len() {
            return self.kinds & kind_bit(kind) != 0;
        }
        self.objects.iter().any(|o| o.kind == kind)
    }

    /// Workspaces the configuration exports name, in order, each once.
    pub fn workspaces(&self) -> Vec<Scope> {
        crate::order::sorted_set(self.objects.iter().filter_map(|o| o.workspace.clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers what scanning every object answers, in the same order.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/config/rest-examples");
        let mut files: Vec<(String, Vec<u8>)> = crate::sample::SAMPLE_FILES
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
        let loaded = crate::load(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        let indexed = &loaded.tenant.config;
        assert_eq!(indexed.places.len(), indexed.objects.len());
        let scanned = SentinelConfig {
            objects: indexed.objects.clone(),
            places: Vec::new(),
            kinds: 0,
            cut_kinds: 0,
        };
        let kinds = crate::order::sorted_set(indexed.objects.iter().map(|o| o.kind).collect());
        let mut places: Vec<Option<Scope>> = indexed.workspaces().into_iter().map(Some).collect();
        places.push(None);
        places.push(Scope::parse("/subscriptions/00000000-0000-0000-0000-000000000000").ok());
        let mut seen = 0;
        for kind in &kinds {
            for ws in &places {
                let a: Vec<&ConfigObject> = indexed.in_workspace(*kind, ws.as_ref()).collect();
                let b: Vec<&ConfigObject> = scanned.in_workspace(*kind, ws.as_ref()).collect();
                assert_eq!(a, b, "{kind:?} in {ws:?}");
                seen += a.len();
            }
        }
        assert!(
            kinds.len() > 5 && seen == indexed.objects.len(),
            "{} kinds, {seen} objects",
            kinds.len()
        );
        // Every kind, present or not, is present for both alike.
        for kind in [
            ObjectKind::AnalyticsRule,
            ObjectKind::Incident,
            ObjectKind::WorkspaceManagerGroup,
        ]
        .into_iter()
        .chain(kinds.iter().copied())
        {
            assert_eq!(indexed.has_kind(kind), scanned.has_kind(kind), "{kind:?}");
        }
    }

    /// A kind read only from a page with a link to more, found through the index as by a
    /// scan; a whole page of the same kind and workspace ends it.
    #[test]
    fn a_kind_read_only_in_part_is_found_once_per_group() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/readers/");
        let paged = std::fs::read(format!("{dir}automation-paged.json")).unwrap();
        let mut whole: serde_json::Value = serde_json::from_slice(&paged).unwrap();
        whole.as_object_mut().unwrap().remove("nextLink");
        whole["value"][0]["name"] = "a2".into();
        let id = whole["value"][0]["id"].as_str().unwrap().replace("/a1", "/a2");
        whole["value"][0]["id"] = id.into();
        let whole = serde_json::to_vec(&whole).unwrap();
        let sample: Vec<(&str, &[u8])> = crate::sample::SAMPLE_FILES
            .iter()
            .map(|(n, t)| (*n, t.as_bytes()))
            .collect();
        for (files, expected) in [
            (vec![("paged.json", paged.as_slice())], true),
            (
                vec![("paged.json", paged.as_slice()), ("last.json", whole.as_slice())],
                false,
            ),
        ] {
            let loaded = crate::load(sample.iter().copied().chain(files));
            let indexed = &loaded.tenant.config;
            let scanned = SentinelConfig {
                objects: indexed.objects.clone(),
                places: Vec::new(),
                kinds: 0,
                cut_kinds: 0,
            };
            for config in [indexed, &scanned] {
                assert_eq!(
                    config.some_kind_only_partial(|k| k == ObjectKind::AutomationRule),
                    expected
                );
                assert!(!config.some_kind_only_partial(|k| k != ObjectKind::AutomationRule));
            }
        }
    }
}
