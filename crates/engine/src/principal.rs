//! Principals (users, groups, service principals) and group membership.
//!
//! Role assignments to a group apply to its members, transitively (azure-docs
//! `articles/role-based-access-control/overview.md`, commit 02d00dc8). No role export
//! lists members; they come from a Microsoft Graph groups export.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PrincipalKind {
    User,
    Group,
    ServicePrincipal,
    ForeignGroup,
    Device,
    /// Deleted, or not readable by whoever made the export.
    Unknown,
}

impl PrincipalKind {
    /// Users and groups (foreign groups included): who does the steps people do in the
    /// portal, unlike apps, managed identities, devices or ids the exports cannot resolve.
    pub fn is_people(self) -> bool {
        matches!(self, Self::User | Self::Group | Self::ForeignGroup)
    }

    pub fn parse(text: &str) -> Self {
        // Compared in place, not lower-cased into a copy: read once per assignment.
        let mut t = crate::input::trimmed(text);
        // A prefix compared in place: `trim_start_matches` with a text pattern sets up a
        // searcher on every call, about 1.5 % of reading a million assignments.
        while let Some(rest) = t.strip_prefix("#microsoft.graph.") {
            t = rest;
        }
        let is = |name: &str| t.eq_ignore_ascii_case(name);
        if is("user") {
            Self::User
        } else if is("group") {
            Self::Group
        } else if is("serviceprincipal") || is("application") || is("managedidentity") {
            Self::ServicePrincipal
        } else if is("foreigngroup") {
            Self::ForeignGroup
        } else if is("device") {
            Self::Device
        } else {
            Self::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
            Self::ServicePrincipal => "ServicePrincipal",
            Self::ForeignGroup => "ForeignGroup",
            Self::Device => "Device",
            Self::Unknown => "Unknown",
        }
    }

    /// Azure CLI's `--assignee-principal-type` value.
    pub fn cli_type(self) -> &'static str {
        match self {
            Self::Group => "Group",
            Self::ServicePrincipal => "ServicePrincipal",
            Self::ForeignGroup => "ForeignGroup",
            _ => "User",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// Entra object id, lower case.
    pub id: String,
    pub display_name: Option<String>,
    pub sign_in_name: Option<String>,
    pub kind: PrincipalKind,
    /// The display name came from a directory export (Microsoft Graph), which wins over
    /// the copies in role-assignment exports.
    #[serde(skip)]
    pub named_by_directory: bool,
}

impl Principal {
    pub fn label(&self) -> String {
        self.display_name
            .clone()
            .or_else(|| self.sign_in_name.clone())
            .unwrap_or_else(|| self.id.clone())
    }
}

/// One group membership route, from the principal outwards: its last group and the route
/// that group was reached by (ids borrowed from the directory). Routes that begin alike
/// share their beginning, so groups nested N deep take N routes per member, not N² ids: a
/// chain of 1,000 groups once took 4 GB as whole lists.
#[derive(Debug)]
pub struct GroupPath<'d> {
    group: &'d str,
    before: Option<Arc<GroupPath<'d>>>,
}

impl<'d> GroupPath<'d> {
    /// The group the route ends at.
    pub fn last(&self) -> &'d str {
        self.group
    }

    /// The route's groups, from the principal outwards.
    pub fn groups(&self) -> Vec<&'d str> {
        let mut out = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            out.push(p.group);
            at = p.before.as_deref();
        }
        out.reverse();
        out
    }
}

/// A route freed frees the route before it when it held the last reference: done in a loop,
/// since the default drop recurses once per group, and groups nested 18,000 deep overflowed
/// the Wasm's stack.
impl Drop for GroupPath<'_> {
    fn drop(&mut self) {
        let mut next = self.before.take();
        while let Some(before) = next {
            next = Arc::into_inner(before).and_then(|mut route| route.before.take());
        }
    }
}

/// Every route made so far, one per distinct list of groups: principals that reach a group
/// the same way share one route, so a reason quoting it (keyed by its address) is written
/// once for all of them.
#[derive(Default)]
pub struct GroupPaths<'d> {
    /// (the route before, by address or 0, and the group's number) → the route.
    made: rustc_hash::FxHashMap<(usize, u32), Arc<GroupPath<'d>>>,
    /// Each group numbered on first sight, so a route is found by two numbers: comparing
    /// ids' text made this step about a tenth of a 100k evaluation in the Wasm.
    numbers: rustc_hash::FxHashMap<&'d str, u32>,
}

impl<'d> GroupPaths<'d> {
    /// Every group the principal belongs to, directly or through nesting, each with the
    /// shortest route of groups that leads there, in the order a breadth-first walk finds
    /// them (so cycles end).
    pub fn of(&mut self, directory: &'d Directory, principal: &str) -> Vec<Arc<GroupPath<'d>>> {
        let tree = directory.group_tree(principal);
        let mut out: Vec<Arc<GroupPath<'d>>> = Vec::with_capacity(tree.len());
        for &(group, from) in &tree {
            let before = out.get(from).cloned();
            let next = self.numbers.len() as u32;
            let number = *self.numbers.entry(group).or_insert(next);
            let key = (before.as_ref().map_or(0, |b| Arc::as_ptr(b) as usize), number);
            let path = self
                .made
                .entry(key)
                .or_insert_with(|| Arc::new(GroupPath { group, before }))
                .clone();
            out.push(path);
        }
        out
    }
}

/// Everything known about principals: names, kinds and group membership.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Looked up once per assignment read (a million times), never listed in key order:
    /// hashed.
    principals: rustc_hash::FxHashMap<String, Principal>,
    /// group id → member ids (direct or transitive, as exported).
    members: BTreeMap<String, BTreeSet<String>>,
    /// member id → groups it is listed in (the reverse of `members`). Only ever looked up
    /// by id (every principal's groups, breadth-first), so hashed; each member's groups stay
    /// sorted, which fixes the order groups are found in.
    parents: rustc_hash::FxHashMap<String, BTreeSet<String>>,
    /// Principals whose name was longer than [`NAME_LIMIT`] and was shortened.
    long_names: BTreeSet<String>,
}

/// The most characters Microsoft Entra ID allows in a display name. A longer name is not as
/// Entra wrote it, and a name is repeated on every verdict and checklist line that quotes
/// it (ten names of 1 MB made a report of 842 MB): names are kept to this, with an ellipsis.
pub const NAME_LIMIT: usize = 256;

/// A name as the report keeps it: trimmed, nothing if empty, and at most [`NAME_LIMIT`]
/// characters; `true` if it was shortened.
fn clean_name(s: Option<&str>) -> Option<(std::borrow::Cow<'_, str>, bool)> {
    let s = s.map(str::trim).filter(|s| !s.is_empty())?;
    // Up to the limit in bytes, a name is within it in characters: the usual case, unscanned.
    let cut = if s.len() > NAME_LIMIT {
        s.char_indices().nth(NAME_LIMIT)
    } else {
        None
    };
    Some(match cut {
        Some((at, _)) => (format!("{}…", s.get(..at).unwrap_or(s)).into(), true),
        None => (s.into(), false),
    })
}

/// An id as principals are keyed (lower case). Ids nearly always arrive that way already:
/// only the rare mixed-case one is copied.
pub(crate) fn lower_key(id: &str) -> std::borrow::Cow<'_, str> {
    if id.bytes().any(|b| b.is_ascii_uppercase()) {
        id.to_ascii_lowercase().into()
    } else {
        id.into()
    }
}

impl Directory {
    /// Adds or enriches a principal from a role-assignment export.
    pub fn observe(&mut self, id: &str, kind: PrincipalKind, display_name: Option<&str>, sign_in_name: Option<&str>) {
        self.observe_from(id, kind, display_name, sign_in_name, false);
    }

    /// As [`Directory::observe`], from a directory export: its display name wins.
    pub fn observe_in_directory(
        &mut self,
        id: &str,
        kind: PrincipalKind,
        display_name: Option<&str>,
        sign_in_name: Option<&str>,
    ) {
        self.observe_from(id, kind, display_name, sign_in_name, true);
    }

    fn observe_from(
        &mut self,
        id: &str,
        kind: PrincipalKind,
        display_name: Option<&str>,
        sign_in_name: Option<&str>,
        directory: bool,
    ) {
        let id = id.trim();
        if id.is_empty() {
            return;
        }
        // Called once per assignment, nearly always with a lower-case id already known:
        // look it up before making any copy.
        let id = lower_key(id);
        let id = id.as_ref();
        // An unreadable principal can be reported with a type but no name: a name from any
        // other export fills it. Of two names for one id (exports from before and after a
        // rename) a directory export's wins, then the first in byte order, so the name does
        // not depend on which file was read first; likewise the kind.
        let (display_name, sign_in_name) = (clean_name(display_name), clean_name(sign_in_name));
        let long = display_name.as_ref().is_some_and(|n| n.1) || sign_in_name.as_ref().is_some_and(|n| n.1);
        let fill = |entry: &mut Principal| {
            // A group wins: the export that says so usually lists its members too.
            let rank = |k: PrincipalKind| match k {
                PrincipalKind::Group | PrincipalKind::ForeignGroup => 0,
                PrincipalKind::Unknown => 2,
                _ => 1,
            };
            if (rank(kind), kind) < (rank(entry.kind), entry.kind) {
                entry.kind = kind;
            }
            // `false` sorts first: a directory export's name before any other.
            if let Some((new, _)) = &display_name {
                let new = new.as_ref();
                let old = entry.display_name.as_deref().map(|o| (!entry.named_by_directory, o));
                if old.is_none_or(|old| (!directory, new) < old) {
                    entry.display_name = Some(new.to_string());
                    entry.named_by_directory = directory;
                }
            }
            if let Some((new, _)) = &sign_in_name {
                let new = new.as_ref();
                if entry.sign_in_name.as_deref().is_none_or(|old| new < old) {
                    entry.sign_in_name = Some(new.to_string());
                }
            }
        };
        match self.principals.get_mut(id) {
            Some(entry) => fill(entry),
            None => {
                let mut entry = Principal {
                    id: id.to_string(),
                    display_name: None,
                    sign_in_name: None,
                    kind,
                    named_by_directory: false,
                };
                fill(&mut entry);
                self.principals.insert(id.to_string(), entry);
            }
        }
        if long {
            self.long_names.insert(id.to_string());
        }
    }

    pub fn add_member(&mut self, group: &str, member: &str) {
        let (group, member) = (group.to_ascii_lowercase(), member.to_ascii_lowercase());
        self.parents.entry(member.clone()).or_default().insert(group.clone());
        self.members.entry(group).or_default().insert(member);
    }

    /// The principals whose name was longer than [`NAME_LIMIT`] and was shortened.
    pub fn long_names(&self) -> &BTreeSet<String> {
        &self.long_names
    }

    pub fn has_memberships(&self) -> bool {
        !self.members.is_empty()
    }

    pub fn members_of(&self, group: &str) -> impl Iterator<Item = &String> {
        self.members.get(&group.to_ascii_lowercase()).into_iter().flatten()
    }

    pub fn get(&self, id: &str) -> Option<&Principal> {
        self.principals.get(lower_key(id).as_ref())
    }

    /// Is `id` a user or group the exports show ([`PrincipalKind::is_people`])?
    pub fn is_people(&self, id: &str) -> bool {
        self.get(id).is_some_and(|p| p.kind.is_people())
    }

    pub fn label(&self, id: &str) -> String {
        self.get(id).map(Principal::label).unwrap_or_else(|| id.to_string())
    }

    /// The breadth-first walk behind [`GroupPaths::of`]: each group once, with the position
    /// of the group it was reached from (`usize::MAX` for the principal's own groups). The
    /// list is its own queue: groups are expanded in the order they were found.
    fn group_tree(&self, principal: &str) -> Vec<(&str, usize)> {
        let mut tree: Vec<(&str, usize)> = Vec::new();
        let start = principal.to_ascii_lowercase();
        let Some((own, groups)) = self.parents.get_key_value(start.as_str()) else {
            return tree;
        };
        let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        seen.insert(own.as_str());
        // `from` is the position of the group being expanded; the principal's own groups
        // come first, from no position.
        let (mut from, mut groups) = (usize::MAX, Some(groups));
        loop {
            for g in groups.into_iter().flatten() {
                if seen.insert(g.as_str()) {
                    tree.push((g.as_str(), from));
                }
            }
            from = from.wrapping_add(1);
            let Some(&(id, _)) = tree.get(from) else {
                break;
            };
            groups = self.parents.get(id);
        }
        tree
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Directory {
        /// Each of the principal's groups as the list of groups that leads there.
        fn groups_of(&self, principal: &str) -> Vec<Vec<&str>> {
            GroupPaths::default()
                .of(self, principal)
                .iter()
                .map(|p| p.groups())
                .collect()
        }
    }

    #[test]
    fn nested_groups_resolve_with_paths_and_survive_cycles() {
        let mut d = Directory::default();
        d.add_member("tier2", "leads");
        d.add_member("leads", "taylor");
        d.add_member("platform", "tier2");
        d.add_member("tier2", "platform"); // a cycle must not loop
        let paths = d.groups_of("TAYLOR");
        assert_eq!(
            paths,
            vec![
                vec!["leads"],
                vec!["leads", "tier2"],
                vec!["leads", "tier2", "platform"],
            ]
        );
        assert!(d.groups_of("nobody").is_empty());
    }

    #[test]
    fn routes_are_shared_by_members_and_by_nesting() {
        // A chain g0 ⊂ g1 ⊂ … ⊂ g(N-1), with two people in g0.
        const N: usize = 300;
        let mut d = Directory::default();
        for i in 1..N {
            d.add_member(&format!("g{i}"), &format!("g{}", i - 1));
        }
        d.add_member("g0", "ana");
        d.add_member("g0", "ben");
        let mut made = GroupPaths::default();
        let (ana, ben) = (made.of(&d, "ana"), made.of(&d, "ben"));
        assert_eq!(ana.len(), N);
        // The same groups the same way: one route, found by address.
        assert!(ana.iter().zip(&ben).all(|(a, b)| Arc::ptr_eq(a, b)));
        let far = ana.last().map(|p| p.groups()).unwrap_or_default();
        assert_eq!(far.len(), N);
        assert_eq!((far.first(), far.last()), (Some(&"g0"), Some(&"g299")));
        assert_eq!(ana.last().map(|p| p.last()), Some("g299"));
        // Every group's own routes, too: N·(N+1)/2 routes in all, each one group and a link,
        // where whole lists held about N³/6 ids (4.5 million here).
        for i in 0..N {
            made.of(&d, &format!("g{i}"));
        }
        assert_eq!(made.made.len(), N + (N - 1) * N / 2);
    }

    #[test]
    fn routes_hundreds_of_thousands_deep_are_freed_without_recursion() {
        // On a thread with a small stack, as the Wasm's is: freeing the route one call per
        // group overflowed it.
        let freed = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                const N: usize = 200_000;
                let mut d = Directory::default();
                for i in 1..N {
                    d.add_member(&format!("g{i}"), &format!("g{}", i - 1));
                }
                d.add_member("g0", "ana");
                let routes = GroupPaths::default().of(&d, "ana");
                routes.len()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(freed, 200_000);
    }

    #[test]
    fn names_from_any_export_fill_gaps() {
        let mut d = Directory::default();
        d.observe("ABC", PrincipalKind::Unknown, Some(""), None);
        d.observe(
            "abc",
            PrincipalKind::User,
            Some("Priya Shah"),
            Some("priya@contoso.example"),
        );
        let p = d.get("abc");
        assert_eq!(p.map(|p| p.kind), Some(PrincipalKind::User));
        assert_eq!(p.map(Principal::label), Some("Priya Shah".to_string()));
    }

    /// Two exports naming one id differently give the same name in either order.
    #[test]
    fn differing_names_do_not_depend_on_the_order() {
        let records = [
            (PrincipalKind::Unknown, Some("Priya Shah (old)"), None),
            (PrincipalKind::User, Some(" Priya Shah "), Some("priya@contoso.example")),
            (PrincipalKind::User, None, Some("p.shah@contoso.example")),
        ];
        let mut seen = Vec::new();
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]] {
            let mut d = Directory::default();
            for i in order {
                let (kind, name, sign_in) = records[i];
                d.observe("abc", kind, name, sign_in);
            }
            seen.push(d.get("abc").cloned());
        }
        let first = seen[0].clone().unwrap();
        assert_eq!(
            (first.kind, first.display_name.as_deref(), first.sign_in_name.as_deref()),
            (PrincipalKind::User, Some("Priya Shah"), Some("p.shah@contoso.example"))
        );
        assert!(seen.iter().all(|p| p.as_ref() == Some(&first)), "{seen:#?}");
        // A directory export's name wins over a role-assignment export's, in either order.
        for directory_first in [true, false] {
            let mut d = Directory::default();
            for step in [directory_first, !directory_first] {
                if step {
                    d.observe_in_directory("g", PrincipalKind::Group, Some("SOC Tier 1"), None);
                } else {
                    d.observe("g", PrincipalKind::Group, Some("Analysts (old name)"), None);
                }
            }
            assert_eq!(d.get("g").map(Principal::label), Some("SOC Tier 1".to_string()));
        }
        // One export calls an id a user, another (the groups export) a group: a group.
        for kinds in [
            [PrincipalKind::User, PrincipalKind::Group],
            [PrincipalKind::Group, PrincipalKind::User],
        ] {
            let mut d = Directory::default();
            for kind in kinds {
                d.observe("g", kind, None, None);
            }
            assert_eq!(d.get("g").map(|p| p.kind), Some(PrincipalKind::Group));
        }
    }
}
