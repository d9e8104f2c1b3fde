//! Azure scopes: root, management groups, subscriptions, resource groups, resources and
//! extension resources, compared case-insensitively and segment by segment.
//!
//! Source: azure-docs `articles/role-based-access-control/scope-overview.md`
//! (commit 0c82e52f, see `azure-rbac-semantics.md` §2).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::error::ScopeError;
use crate::shared_text::SharedText;

/// A normalised scope: the text as exported (for display) and a lower-case key.
/// Equality, order and hashing use the key only: ARM ids are case-insensitive.
/// One shared pointer: a large report clones the same few workspace scopes millions of
/// times, and holds one in every verdict.
#[derive(Clone)]
pub struct Scope(Arc<Parts>);

struct Parts {
    key: Box<str>,
    /// Held as the JSON it is written as (see [`SharedText`]): a dense report names the same
    /// workspaces a million times, a quarter of all the text it writes.
    text: SharedText,
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("key", &self.0.key)
            .field("text", &self.0.text)
            .finish()
    }
}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.key() == other.key()
    }
}

impl Eq for Scope {}

impl PartialOrd for Scope {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scope {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(other.key())
    }
}

impl std::hash::Hash for Scope {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// What a scope points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeKind {
    Root,
    /// `/providers/Microsoft.Management/managementGroups/{name}`
    ManagementGroup(String),
    /// Other tenant-level provider scopes such as `/providers/Microsoft.Capacity`.
    TenantProvider,
    Subscription,
    ResourceGroup,
    Resource,
}

/// Each scope's position by its comparison key (the last, for a key given twice).
pub(crate) fn positions_by_key(scopes: &[Scope]) -> rustc_hash::FxHashMap<&str, u32> {
    let mut index = rustc_hash::FxHashMap::default();
    for (i, s) in (0u32..).zip(scopes) {
        index.insert(s.key(), i);
    }
    index
}

/// The comparison key of a resource id: Azure compares ids ignoring case, and resource
/// group and resource names may hold letters outside ASCII (`rg-SÉCURITÉ` is `rg-sécurité`).
/// A letter whose lower case is longer or shorter in UTF-8 (the Kelvin sign, `İ`) keeps its
/// case, so that the key and the text stay the same length and an offset found in one
/// holds in the other.
fn fold_case(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        })
        .collect()
}

const WORKSPACE_TYPE: &str = "/providers/microsoft.operationalinsights/workspaces/";

impl Scope {
    /// Parses a scope or resource id. Trailing slashes are dropped; the root is `/`.
    pub fn parse(raw: &str) -> Result<Self, ScopeError> {
        let trimmed = raw.trim();
        if !trimmed.starts_with('/') {
            return Err(ScopeError::NotAPath(raw.to_string()));
        }
        // A byte scan, not `contains`: a text searcher set up per call was 2 % of a
        // million-record read.
        if trimmed.as_bytes().windows(2).any(|w| w == b"//") {
            return Err(ScopeError::EmptySegment(raw.to_string()));
        }
        let text = if trimmed == "/" {
            "/".to_string()
        } else {
            trimmed.trim_end_matches('/').to_string()
        };
        let text = if text.is_empty() { "/".to_string() } else { text };
        Ok(Self::from_parts(fold_case(&text), &text))
    }

    /// The tenant root scope `/`.
    pub fn root() -> Self {
        Self::from_parts("/".into(), "/")
    }

    fn from_parts(key: String, text: &str) -> Self {
        Self(Arc::new(Parts {
            key: key.into_boxed_str(),
            text: SharedText::new(text),
        }))
    }

    /// The scope as it appeared in the export.
    pub fn as_str(&self) -> &str {
        self.0.text.as_str()
    }

    /// Lower-case comparison key.
    pub fn key(&self) -> &str {
        &self.0.key
    }

    /// Where this scope's key is held: scopes parsed once and cloned share it, so records
    /// at one scope can be told apart from others without comparing text.
    pub(crate) fn shared_key(&self) -> *const u8 {
        self.key().as_ptr()
    }

    fn segments(&self) -> impl Iterator<Item = &str> {
        self.key().split('/').filter(|s| !s.is_empty())
    }

    fn text_segments(&self) -> impl Iterator<Item = &str> {
        self.as_str().split('/').filter(|s| !s.is_empty())
    }

    pub fn kind(&self) -> ScopeKind {
        let segs: Vec<&str> = self.segments().collect();
        match segs.as_slice() {
            [] => ScopeKind::Root,
            ["providers", "microsoft.management", "managementgroups", _name] => {
                let name = self.text_segments().nth(3).unwrap_or_default();
                ScopeKind::ManagementGroup(name.to_string())
            }
            ["providers", ..] => ScopeKind::TenantProvider,
            ["subscriptions", _] => ScopeKind::Subscription,
            ["subscriptions", _, "resourcegroups", _] => ScopeKind::ResourceGroup,
            ["subscriptions", _, "resourcegroups", _, ..] => ScopeKind::Resource,
            ["subscriptions", _, ..] => ScopeKind::Resource,
            _ => ScopeKind::TenantProvider,
        }
    }

    /// The subscription id (lower case) of a subscription scope or anything under it.
    pub fn subscription_id(&self) -> Option<&str> {
        let mut it = self.segments();
        match (it.next(), it.next()) {
            (Some("subscriptions"), Some(id)) => Some(id),
            _ => None,
        }
    }

    /// `/subscriptions/{id}` of this scope, if it lies in a subscription.
    pub fn subscription_scope(&self) -> Option<Scope> {
        let id = self.text_segments().nth(1)?;
        self.subscription_id()?;
        Scope::parse(&format!("/subscriptions/{id}")).ok()
    }

    /// `/subscriptions/{id}/resourceGroups/{rg}` of this scope, if it lies in a resource group.
    pub fn resource_group_scope(&self) -> Option<Scope> {
        let segs: Vec<&str> = self.text_segments().take(4).collect();
        match segs.as_slice() {
            [s, sub, r, rg] if s.eq_ignore_ascii_case("subscriptions") && r.eq_ignore_ascii_case("resourcegroups") => {
                Scope::parse(&format!("/subscriptions/{sub}/resourceGroups/{rg}")).ok()
            }
            _ => None,
        }
    }

    pub fn resource_group_name(&self) -> Option<&str> {
        let segs: Vec<&str> = self.text_segments().take(4).collect();
        match segs.as_slice() {
            [s, _, r, rg] if s.eq_ignore_ascii_case("subscriptions") && r.eq_ignore_ascii_case("resourcegroups") => {
                Some(rg)
            }
            _ => None,
        }
    }

    /// The Log Analytics workspace this scope is, or lies under (e.g. a Sentinel
    /// extension resource such as an incident or the onboarding state).
    pub fn workspace_scope(&self) -> Option<Scope> {
        let pos = self.key().find(WORKSPACE_TYPE)?;
        let name_start = pos + WORKSPACE_TYPE.len();
        let rest = self.key().get(name_start..)?;
        let name_len = rest.find('/').unwrap_or(rest.len());
        if name_len == 0 {
            return None;
        }
        let end = name_start + name_len;
        let text = self.as_str().get(..end)?;
        let candidate = Scope::parse(text).ok()?;
        // Only a workspace that sits in a resource group of a subscription is real.
        (candidate.kind() == ScopeKind::Resource && candidate.resource_group_scope().is_some()).then_some(candidate)
    }

    /// Last path segment: a workspace, group or subscription name.
    pub fn name(&self) -> &str {
        self.text_segments().last().unwrap_or("/")
    }

    /// True when an assignment at `self` applies at `other` by path alone: `self` is
    /// `other` or one of its path ancestors (segment-wise: `/a/b` covers `/a/b/c`, not `/a/bc`).
    /// Management-group reach into subscriptions is not visible in paths; see
    /// [`ManagementGroupTree::reach`].
    pub fn is_ancestor_or_self(&self, other: &Scope) -> bool {
        let (key, other) = (self.key(), other.key());
        if key == "/" || key == other {
            return true;
        }
        other.starts_with(key) && other.as_bytes().get(key.len()) == Some(&b'/')
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Scope::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Scope {
    /// Appends the scope's text as a JSON string.
    pub(crate) fn push_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.0.text.push_json(out)
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.text.serialize(s)
    }
}

/// Whether an assignment reaches a target scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Yes,
    No,
    /// A management-group assignment whose subscriptions are not known from the exports, or
    /// (`several_tenants`) a root or management-group assignment in exports of several
    /// tenants (`management_group` is then `/` for the root).
    Unknown {
        management_group: String,
        several_tenants: bool,
    },
}

/// Management-group ancestry of subscriptions and of management groups, from an Azure
/// Resource Graph `resourcecontainers` export (`managementGroupAncestorsChain`).
#[derive(Debug, Clone, Default)]
pub struct ManagementGroupTree {
    /// subscription id (lower case) → ancestor management-group names (lower case).
    subscriptions: BTreeMap<String, Vec<String>>,
    /// management-group name (lower case) → its ancestor names (lower case).
    groups: BTreeMap<String, Vec<String>>,
    /// The exports name more than one tenant: the root and management groups are each
    /// tenant's own (and management-group names repeat across tenants), so which workspaces
    /// an assignment at one reaches cannot be told from its scope.
    pub several_tenants: bool,
}

impl ManagementGroupTree {
    pub fn add_subscription(&mut self, subscription_id: &str, ancestors: Vec<String>) {
        self.subscriptions.insert(
            subscription_id.to_ascii_lowercase(),
            ancestors.iter().map(|a| a.to_ascii_lowercase()).collect(),
        );
    }

    pub fn add_group(&mut self, name: &str, ancestors: Vec<String>) {
        self.groups.insert(
            name.to_ascii_lowercase(),
            ancestors.iter().map(|a| a.to_ascii_lowercase()).collect(),
        );
    }

    pub fn is_empty(&self) -> bool {
        self.subscriptions.is_empty() && self.groups.is_empty()
    }

    /// The management groups above a subscription (lower-case id), if the exports say.
    pub fn subscription_ancestors(&self, subscription_id: &str) -> Option<&[String]> {
        self.subscriptions.get(subscription_id).map(Vec::as_slice)
    }

    pub fn merge(&mut self, other: ManagementGroupTree) {
        self.subscriptions.extend(other.subscriptions);
        self.groups.extend(other.groups);
    }

    /// Does an assignment at `assigned` apply at `target`?
    pub fn reach(&self, assigned: &Scope, target: &Scope) -> Reach {
        if self.several_tenants {
            let above = match assigned.kind() {
                ScopeKind::Root => Some("/".to_string()),
                ScopeKind::ManagementGroup(mg) => Some(mg),
                _ => None,
            };
            if let Some(management_group) = above {
                return Reach::Unknown {
                    management_group,
                    several_tenants: true,
                };
            }
        }
        if assigned.is_ancestor_or_self(target) {
            return Reach::Yes;
        }
        let ScopeKind::ManagementGroup(mg) = assigned.kind() else {
            return Reach::No;
        };
        let mg_key = mg.to_ascii_lowercase();
        let chain = match target.kind() {
            ScopeKind::ManagementGroup(t) => self.groups.get(&t.to_ascii_lowercase()),
            _ => match target.subscription_id() {
                Some(sub) => self.subscriptions.get(sub),
                None => return Reach::No,
            },
        };
        match chain {
            Some(chain) if chain.contains(&mg_key) => Reach::Yes,
            Some(_) => Reach::No,
            None => Reach::Unknown {
                management_group: mg,
                several_tenants: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Scope {
        Scope::parse(x).unwrap_or_else(|_| Scope::root())
    }

    const WS: &str = "/subscriptions/9b2e/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law";

    /// Whether held as JSON text or not, a scope reads and writes as the text it was given:
    /// in JSON, in a `Value`, for display, and back through `Deserialize`.
    #[test]
    fn text_reads_and_writes_as_given_however_held() {
        for text in [
            "/",
            WS,
            "/subscriptions/s/resourceGroups/rg-é (1)",
            "/subscriptions/s/resourceGroups/a\"b",
            "/subscriptions/s/resourceGroups/a\\b\tc\u{1}",
            "/subscriptions/s/resourceGroups/\u{7f}",
        ] {
            crate::shared_text::assert_reads_and_writes_as(&s(text), text, Scope::as_str);
        }
    }

    #[test]
    fn ancestry_is_segment_wise_and_case_insensitive() {
        assert!(s("/subscriptions/9B2E/resourcegroups/RG-SOC").is_ancestor_or_self(&s(WS)));
        assert!(!s("/subscriptions/9b2e/resourceGroups/rg-so").is_ancestor_or_self(&s(WS)));
        assert!(s("/").is_ancestor_or_self(&s(WS)));
        assert!(!s(WS).is_ancestor_or_self(&s("/subscriptions/9b2e")));
    }

    #[test]
    fn kinds_and_parts() {
        assert_eq!(s("/").kind(), ScopeKind::Root);
        assert_eq!(
            s("/providers/Microsoft.Management/managementGroups/Contoso").kind(),
            ScopeKind::ManagementGroup("Contoso".into())
        );
        assert_eq!(s("/subscriptions/x").kind(), ScopeKind::Subscription);
        assert_eq!(s("/subscriptions/x/resourceGroups/y").kind(), ScopeKind::ResourceGroup);
        assert_eq!(s(WS).kind(), ScopeKind::Resource);
        assert_eq!(s(WS).name(), "law");
        assert_eq!(s(WS).subscription_id(), Some("9b2e"));
        assert_eq!(s(WS).resource_group_name(), Some("rg-soc"));
        let incident = format!("{WS}/providers/Microsoft.SecurityInsights/incidents/123");
        assert_eq!(s(&incident).workspace_scope(), Some(s(WS)));
        assert_eq!(s("/subscriptions/x").workspace_scope(), None);
    }

    /// A scope is one pointer: every verdict and assignment holds one.
    #[test]
    fn a_scope_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Scope>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn equality_ignores_case() {
        assert_eq!(
            s("/subscriptions/ABC/resourceGroups/RG"),
            s("/subscriptions/abc/resourcegroups/rg")
        );
    }

    #[test]
    fn equality_ignores_case_outside_ascii_too() {
        let rg = "/subscriptions/abc/resourceGroups/rg-sécurité";
        assert_eq!(s("/subscriptions/ABC/resourceGroups/RG-SÉCURITÉ"), s(rg));
        assert!(s("/SUBSCRIPTIONS/ABC/RESOURCEGROUPS/RG-SÉCURITÉ")
            .is_ancestor_or_self(&s(&format!("{rg}/providers/x/y/z"))));
        // A letter whose lower case changes its length in UTF-8 keeps its case.
        let kelvin = s("/subscriptions/abc/resourceGroups/\u{212A}");
        assert_eq!(kelvin.key().len(), kelvin.as_str().len());
    }

    #[test]
    fn rejects_non_paths() {
        assert!(Scope::parse("subscriptions/x").is_err());
        assert!(Scope::parse("/subscriptions//x").is_err());
        assert_eq!(s("/subscriptions/x/").as_str(), "/subscriptions/x");
    }

    #[test]
    fn management_group_reach_needs_the_hierarchy() {
        let mg = s("/providers/Microsoft.Management/managementGroups/Platform");
        let empty = ManagementGroupTree::default();
        assert_eq!(
            empty.reach(&mg, &s(WS)),
            Reach::Unknown {
                management_group: "Platform".into(),
                several_tenants: false,
            }
        );
        let mut tree = ManagementGroupTree::default();
        tree.add_subscription("9B2E", vec!["platform".into(), "tenant-root".into()]);
        assert_eq!(tree.reach(&mg, &s(WS)), Reach::Yes);
        let other = s("/providers/Microsoft.Management/managementGroups/Sandbox");
        assert_eq!(tree.reach(&other, &s(WS)), Reach::No);
        assert_eq!(tree.reach(&s("/subscriptions/other"), &s(WS)), Reach::No);
        // In exports of several tenants, neither the root nor a management group can be tied
        // to the workspace's tenant; a subscription's path still can.
        tree.several_tenants = true;
        for (scope, name) in [(&mg, "Platform"), (&s("/"), "/")] {
            assert_eq!(
                tree.reach(scope, &s(WS)),
                Reach::Unknown {
                    management_group: name.into(),
                    several_tenants: true,
                }
            );
        }
        assert_eq!(tree.reach(&s("/subscriptions/9b2e"), &s(WS)), Reach::Yes);
    }
}
