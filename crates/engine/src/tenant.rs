//! Everything read from a run's exports, merged: the engine's view of one tenant.

use crate::assignment::{DenyAssignment, DirectoryRoleAssignment, RoleAssignment};
use crate::principal::Directory;
use crate::role::RoleCatalog;
use crate::scope::{ManagementGroupTree, Scope};

#[derive(Debug, Clone, Default)]
pub struct Tenant {
    pub directory: Directory,
    pub roles: RoleCatalog,
    pub assignments: Vec<RoleAssignment>,
    pub denies: Vec<DenyAssignment>,
    pub directory_roles: Vec<DirectoryRoleAssignment>,
    /// True once any directory-role export was read (even an empty one): then a missing
    /// Entra role is a fact, not a gap in the evidence.
    pub has_directory_roles: bool,
    /// Files with role-assignment records that lack the `condition` field, each once.
    pub condition_unseen: Vec<crate::SharedText>,
    /// Files holding one page of a longer list (a `nextLink` to more), each once.
    pub paged: Vec<crate::SharedText>,
    /// Deny-assignment records that could not be read: a deny not seen can make a verdict
    /// too generous.
    pub unread_denies: usize,
    /// Deny-assignment exports that could not be read at all (cut short, say).
    pub unreadable_denies: Vec<crate::SharedText>,
    /// Files of deny assignments that end with a link to a further page.
    pub deny_pages: Vec<crate::SharedText>,
    /// Groups whose expanded member list holds exactly `$expand`'s limit, and may be cut.
    pub capped_groups: Vec<String>,
    pub hierarchy: ManagementGroupTree,
    /// Microsoft Entra tenant ids that role-assignment and container records name (Resource
    /// Graph rows carry one), lower case, each once.
    pub tenant_ids: Vec<String>,
    /// Sentinel configuration (analytics rules, connectors, …) from configuration exports.
    pub config: crate::config::SentinelConfig,
    /// Every distinct scope read so far: assignments at one scope share its strings.
    scopes: rustc_hash::FxHashMap<Box<str>, Scope>,
    /// Every distinct id and name assignments carry (principal ids, role ids and names),
    /// one copy each.
    texts: rustc_hash::FxHashSet<std::sync::Arc<str>>,
    /// `tenant_ids`, to look them up.
    tenant_id_set: rustc_hash::FxHashSet<std::sync::Arc<str>>,
}

impl Tenant {
    /// The scope written `text`, parsed once: a million assignments sit at far fewer distinct
    /// scopes, and share their strings. Keyed by the exact text, so each keeps its casing.
    pub fn scope(&mut self, text: &str) -> Result<Scope, crate::error::ScopeError> {
        if let Some(held) = self.scopes.get(text) {
            return Ok(held.clone());
        }
        let scope = Scope::parse(text)?;
        self.scopes.insert(text.into(), scope.clone());
        Ok(scope)
    }

    /// Notes a tenant id a record names; no copy unless it is new (a million rows name one).
    /// Looked up in a set: going through the list for each grew with the square of the
    /// tenants named (80,000 took 10.9 s).
    pub(crate) fn note_tenant_id(&mut self, id: &str) {
        let id = id.trim();
        if id.is_empty() || self.tenant_ids.last().is_some_and(|t| t.eq_ignore_ascii_case(id)) {
            return;
        }
        let id = id.to_ascii_lowercase();
        if self.tenant_id_set.insert(std::sync::Arc::from(id.as_str())) {
            self.tenant_ids.push(id);
        }
    }

    /// Every tenant id the exports name, from role and container records and from the
    /// configuration exports, sorted and each once.
    pub fn tenant_ids_seen(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .config
            .objects
            .iter()
            .filter_map(|o| o.str(TENANT_ID_FIELDS).map(str::to_ascii_lowercase))
            .chain(self.tenant_ids.iter().cloned())
            .collect();
        crate::order::sort(&mut ids);
        ids.dedup();
        ids
    }

    /// Why deny assignments may be missing from what was read, if they may: a deny not seen
    /// can take away an access the report shows as allowed.
    pub fn deny_gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        if self.unread_denies > 0 {
            gaps.push(format!("{} record(s) refused", self.unread_denies));
        }
        if !self.unreadable_denies.is_empty() {
            let files: Vec<&str> = self.unreadable_denies.iter().map(|f| f.as_str()).collect();
            gaps.push(format!("{} could not be read", crate::report::few_files(files)));
        }
        if !self.deny_pages.is_empty() {
            let files: Vec<&str> = self.deny_pages.iter().map(|f| f.as_str()).collect();
            gaps.push(format!(
                "{} link(s) to a further page; pages cannot be matched to their list, so give the list as one file, its pages' records joined in one `value` array",
                crate::report::few_files(files)
            ));
        }
        gaps
    }

    /// The one shared copy of `text`.
    pub fn share(&mut self, text: &str) -> std::sync::Arc<str> {
        share_in(&mut self.texts, text)
    }

    /// Workspaces seen in any scope (assignments, eligibilities, deny assignments), in
    /// order, each once.
    pub fn workspaces_in_scopes(&self) -> Vec<Scope> {
        // Each distinct scope is looked at once (records at one scope share its text): a
        // million assignments sit at a few thousand scopes.
        let mut looked = rustc_hash::FxHashSet::default();
        crate::order::sorted_set(
            self.assignments
                .iter()
                .map(|a| &a.scope)
                .chain(self.denies.iter().map(|d| &d.scope))
                .filter(|s| looked.insert(s.shared_key()))
                .filter_map(Scope::workspace_scope)
                .collect(),
        )
    }

    /// The same assignment can arrive from several files (an activated PIM assignment is
    /// also an ordinary assignment); drop exact repeats so counts and reasons stay clean.
    pub fn dedupe(&mut self) {
        self.dedupe_in(true);
    }

    /// [`Tenant::dedupe`], natively in two shards side by side when `side_by_side`.
    #[cfg_attr(target_family = "wasm", allow(unused_variables))]
    pub(crate) fn dedupe_in(&mut self, side_by_side: bool) {
        let list = &self.assignments;
        #[cfg(target_family = "wasm")]
        let (odd, even) = (repeats(list, |_| true, list.len()), Vec::new());
        // Natively, two shards by the principal id's last byte, side by side: repeats share
        // their principal, so each is found in its shard.
        #[cfg(not(target_family = "wasm"))]
        let (odd, even) = {
            let shard =
                |odd: u8| move |a: &RoleAssignment| a.principal_id.as_bytes().last().map_or(0, |b| b & 1) == odd;
            crate::parallel::join(
                side_by_side,
                move || repeats(list, shard(1), list.len() / 2),
                move || repeats(list, shard(0), list.len() / 2),
            )
        };
        if odd.is_empty() && even.is_empty() {
            return;
        }
        let mut keep = vec![true; list.len()];
        for i in odd.into_iter().chain(even) {
            if let Some(k) = keep.get_mut(i) {
                *k = false;
            }
        }
        let mut keep = keep.into_iter();
        self.assignments.retain(|_| keep.next().unwrap_or(true));
    }

    /// Records that give one assignment id to different grants: another principal, scope,
    /// role or condition. Exports taken at different times, or edited, disagree like this,
    /// and nothing in them says which record is right, so both are evaluated and the report
    /// says so. Pairs of positions in `assignments`, the earlier first: the id's first record
    /// in [`canonical_cmp`]'s order (so the pairs found do not depend on the order
    /// the records were read in) and another, by the later of the two. Run after
    /// [`Tenant::dedupe`], which drops exact repeats. A
    /// PIM state alone does not count, nor a role named by id in one record and by name
    /// only in the other.
    pub fn conflicts(&self) -> Vec<(usize, usize)> {
        // First a small number per id (see `id_print`): a million ids in a set of numbers
        // rather than of keys. Only records whose number repeats are compared in full.
        let mut prints =
            rustc_hash::FxHashSet::with_capacity_and_hasher(self.assignments.len(), rustc_hash::FxBuildHasher);
        let mut repeated: rustc_hash::FxHashSet<u32> = rustc_hash::FxHashSet::default();
        for print in self.assignments.iter().filter_map(RoleAssignment::id_print) {
            if !prints.insert(print) {
                repeated.insert(print);
            }
        }
        drop(prints);
        if repeated.is_empty() {
            // Nearly every run: no id comes twice, and the records are not read again.
            return Vec::new();
        }
        let mut records: Vec<(usize, &RoleAssignment)> = self
            .assignments
            .iter()
            .enumerate()
            .filter(|(_, a)| a.id_print().is_some_and(|p| repeated.contains(&p)))
            .collect();
        // By id (records of one id share their key, so they sort together), each id's
        // records in the assignments' own order: every later record is set against the
        // first, whichever order they were read in. A sort rather than a map, so no id is
        // compared with more than its neighbours, however the numbers collide.
        crate::order::sort_by(&mut records, |(_, a), (_, b)| canonical_cmp(a, b));
        let mut out = Vec::new();
        let mut first: Option<(usize, &RoleAssignment)> = None;
        for &(i, a) in &records {
            match first {
                Some((f, fa)) if fa.id_key() == a.id_key() => {
                    if grants_differently(fa, a) {
                        out.push((f.min(i), f.max(i)));
                    }
                }
                _ => first = Some((i, a)),
            }
        }
        crate::order::sort_by_key(&mut out, |&(_, later)| later);
        out
    }

    /// Deny and directory-role assignments and configuration objects in an order of their
    /// own rather than the records', for the reason [`canonical_cmp`] gives: the
    /// first deny that binds someone, and the first of equal directory roles, is the one
    /// quoted, and findings list their objects in this order (by name, then id).
    pub(crate) fn order_small_lists(&mut self) {
        fn lower(text: &str) -> impl Iterator<Item = u8> + '_ {
            text.bytes().map(|b| b.to_ascii_lowercase())
        }
        crate::order::sort_by(&mut self.denies, |a, b| {
            lower(&a.id)
                .cmp(lower(&b.id))
                .then_with(|| a.scope.key().cmp(b.scope.key()))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
                .then_with(|| a.scope.as_str().cmp(b.scope.as_str()))
                .then_with(|| a.principals.cmp(&b.principals))
        });
        crate::order::sort_by(&mut self.config.objects, |a, b| {
            lower(a.display_name())
                .cmp(lower(b.display_name()))
                .then_with(|| lower(&a.id).cmp(lower(&b.id)))
                .then_with(|| a.display_name().cmp(b.display_name()))
                .then_with(|| a.id.cmp(&b.id))
                .then_with(|| a.name.cmp(&b.name))
        });
        crate::order::sort_by(&mut self.directory_roles, |a, b| {
            fn key(d: &DirectoryRoleAssignment) -> (&str, &str, &str, bool) {
                (&d.principal_id, &d.role_template_id, &d.directory_scope, d.eligible)
            }
            key(a).cmp(&key(b))
        });
    }
}

impl Tenant {
    /// An undated record (`roleAssignments`, or a role's member list) shows whoever held the
    /// role when it was exported, a member whose PIM activation has since ended included. When
    /// PIM's schedules or instances show the same principal holding the same role, their
    /// dates decide (a standing assignment is among them, as `Assigned`), so the undated copy
    /// is dropped: an ended activation must not count through it.
    pub(crate) fn drop_undated_copies_of_pim_roles(&mut self) {
        // `order_small_lists` put each principal's records of one role at one scope side by
        // side: each such run is looked at once, with no set of keys to build.
        let mut keep = Vec::with_capacity(self.directory_roles.len());
        for run in self.directory_roles.chunk_by(|a, b| {
            a.principal_id == b.principal_id
                && a.role_template_id == b.role_template_id
                && a.directory_scope == b.directory_scope
        }) {
            let dated = run.iter().any(|d| d.pim && !d.eligible);
            keep.extend(run.iter().map(|d| d.pim || !dated));
        }
        let mut keep = keep.into_iter();
        self.directory_roles.retain(|_| keep.next().unwrap_or(true));
    }
}

impl Tenant {
    /// The same for Azure roles: a `roleAssignments` record exported during a PIM activation
    /// (the list shows it undated while it lasts) stops counting when the activation's
    /// instance, for the same principal, role and scope, says it has ended. A standing
    /// assignment is among PIM's instances too (`Assigned`), so only undated records of a
    /// grant that PIM shows dated are dropped. Few records are dated: their keys are
    /// gathered first, and the million others each cost one lookup, only when there are any.
    pub(crate) fn drop_undated_copies_of_azure_pim_roles(&mut self) {
        use crate::assignment::AssignmentState;
        let is_dated = |a: &RoleAssignment| {
            matches!(
                a.state,
                AssignmentState::Activated { .. } | AssignmentState::Assigned { .. }
            )
        };
        if !self.assignments.iter().any(is_dated) {
            return;
        }
        // A role by its id. A record that names its role only by name (a query that kept
        // `roleDefinitionName`) is the same grant as PIM's instance, which names the id:
        // each such name is resolved once.
        type NameIds<'n> = rustc_hash::FxHashMap<&'n str, String>;
        let mut by_name: NameIds<'_> = rustc_hash::FxHashMap::default();
        // One index of the custom roles' names for all of them (made again for each, 8,000
        // names took 7.8 s instead of 1.3).
        let mut names = None;
        for a in &self.assignments {
            if let (None, Some(name)) = (&a.role.id, &a.role.name) {
                by_name.entry(name).or_insert_with(|| {
                    self.roles
                        .resolve_with(&a.role, &mut names)
                        .map_or_else(|| name.to_ascii_lowercase(), |(d, _)| d.id)
                });
            }
        }
        fn key<'a>(a: &'a RoleAssignment, by_name: &'a NameIds<'_>) -> Option<(&'a str, &'a str, &'a str)> {
            let role = match (&a.role.id, &a.role.name) {
                (Some(id), _) => &**id,
                (None, Some(name)) => by_name.get(&**name)?.as_str(),
                (None, None) => return None,
            };
            Some((&a.principal_id, role, a.scope.key()))
        }
        let key = |a| key(a, &by_name);
        let keep: Vec<bool> = {
            let dated: rustc_hash::FxHashSet<_> = self
                .assignments
                .iter()
                .filter(|a| is_dated(a))
                .filter_map(&key)
                .collect();
            self.assignments
                .iter()
                .map(|a| a.state != AssignmentState::Active || key(a).is_none_or(|k| !dated.contains(&k)))
                .collect()
        };
        let mut keep = keep.into_iter();
        self.assignments.retain(|_| keep.next().unwrap_or(true));
    }
}

/// Positions of the repeats among the records of `list` that `mine` picks: of records that
/// are the same grant, every one but the first in [`canonical_cmp`]'s order, so
/// the id a reason quotes does not depend on the records' order either.
fn repeats(list: &[RoleAssignment], mine: impl Fn(&RoleAssignment) -> bool, capacity: usize) -> Vec<usize> {
    // One pointer per entry, the key's fields read through it: a set of a million copied
    // keys (88 bytes each, in twice as many slots) was 176 MB of fresh memory.
    let mut kept: rustc_hash::FxHashMap<SameAs<'_>, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(capacity, rustc_hash::FxBuildHasher);
    let mut out = Vec::new();
    for (i, a) in list.iter().enumerate().filter(|(_, a)| mine(a)) {
        match kept.entry(SameAs(a)) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                let held = *slot.get();
                let first = list.get(held).is_none_or(|h| canonical_cmp(a, h).is_lt());
                if first {
                    out.push(held);
                    slot.insert(i);
                } else {
                    out.push(i);
                }
            }
        }
    }
    out
}

/// The fields of a configuration object that name its tenant.
pub(crate) const TENANT_ID_FIELDS: &[&str] = &["tenantId", "targetWorkspaceTenantId"];

/// The assignments' own order, rather than the records': by
/// [`RoleAssignment::order_key`], then in full, down to how each record spells what the
/// report quotes, so that only records differing in nothing but where they were read
/// compare equal. Of equally strong grants the evaluation quotes the first in this order,
/// so an export that lists its records differently, or splits them between other files,
/// gives the same report.
pub(crate) fn canonical_cmp(a: &RoleAssignment, b: &RoleAssignment) -> std::cmp::Ordering {
    a.order_key().cmp(&b.order_key()).then_with(|| same_key_cmp(a, b))
}

/// [`canonical_cmp`] for records whose number keys are equal: callers that hold the keys
/// already compare them first.
pub(crate) fn same_key_cmp(a: &RoleAssignment, b: &RoleAssignment) -> std::cmp::Ordering {
    let (x, y) = (SameAs(a), SameAs(b));
    a.id_key()
        .cmp(&b.id_key())
        .then_with(|| a.principal_id.cmp(&b.principal_id))
        .then_with(|| a.scope.key().cmp(b.scope.key()))
        .then_with(|| role_of(a).cmp(&role_of(b)))
        .then_with(|| x.state().cmp(&y.state()))
        .then_with(|| x.condition().cmp(&y.condition()))
        .then_with(|| x.window().cmp(&y.window()))
        .then_with(|| a.id().cmp(&b.id()))
        .then_with(|| a.scope.as_str().cmp(b.scope.as_str()))
        .then_with(|| a.role.name.cmp(&b.role.name))
        .then_with(|| a.principal_kind.cmp(&b.principal_kind))
}

/// Whether two records of one assignment id disagree on what it grants (see
/// [`Tenant::conflicts`]).
fn grants_differently(a: &RoleAssignment, b: &RoleAssignment) -> bool {
    // Unlike `SameAs`, a role named by id in one record and by name only in the other is
    // not told apart: the name may well be that id's.
    let role = match (role_of(a), role_of(b)) {
        (Some((x, true)), Some((y, true))) => x != y,
        (Some((x, false)), Some((y, false))) => !x.eq_ignore_ascii_case(y),
        _ => false,
    };
    role || a.principal_id != b.principal_id
        || a.scope.key() != b.scope.key()
        || SameAs(a).condition() != SameAs(b).condition()
}

/// An assignment compared by what makes two records the same grant: principal, role (its
/// id, or else its name in any casing), scope, condition and state.
struct SameAs<'a>(&'a RoleAssignment);

impl SameAs<'_> {
    fn state(&self) -> u8 {
        match self.0.state {
            crate::assignment::AssignmentState::Active => 0,
            crate::assignment::AssignmentState::Eligible { .. } => 1,
            crate::assignment::AssignmentState::Activated { .. } => 2,
            crate::assignment::AssignmentState::Assigned { .. } => 3,
        }
    }

    fn condition(&self) -> Option<&str> {
        self.0.condition.as_deref().map(|c| c.text.as_str())
    }

    /// A PIM schedule's window (start, end); none for a plain assignment.
    fn window(&self) -> (Option<crate::date::Date>, Option<crate::date::Date>) {
        match self.0.state {
            crate::assignment::AssignmentState::Active => (None, None),
            crate::assignment::AssignmentState::Eligible { start, end }
            | crate::assignment::AssignmentState::Activated { start, end }
            | crate::assignment::AssignmentState::Assigned { start, end } => (start, end),
        }
    }
}

/// The role an assignment names: its id (`true`) or else its name (`false`).
fn role_of(a: &RoleAssignment) -> Option<(&str, bool)> {
    match (&a.role.id, &a.role.name) {
        (Some(id), _) => Some((id, true)),
        (None, Some(name)) => Some((name, false)),
        (None, None) => None,
    }
}

impl PartialEq for SameAs<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        // The role compares as its id, or else its lower-cased name (a name may so equal
        // an id), as when the key held that text.
        let same_role = match (role_of(a), role_of(b)) {
            (Some((x, x_id)), Some((y, y_id))) => {
                let fold = |c: u8, id: bool| if id { c } else { c.to_ascii_lowercase() };
                x.len() == y.len() && x.bytes().zip(y.bytes()).all(|(p, q)| fold(p, x_id) == fold(q, y_id))
            }
            (None, None) => true,
            _ => false,
        };
        same_role
            && a.principal_id == b.principal_id
            && a.scope.key() == b.scope.key()
            && self.condition() == other.condition()
            // The state with its window: two schedules of one grant with different windows
            // are both kept, as one may be current and the other expired.
            && a.state == b.state
    }
}

impl Eq for SameAs<'_> {}

impl std::hash::Hash for SameAs<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let a = self.0;
        a.principal_id.hash(state);
        match role_of(a) {
            Some((id, true)) => id.hash(state),
            Some((name, false)) => name.to_ascii_lowercase().hash(state),
            None => state.write_u8(0),
        }
        a.scope.key().hash(state);
        self.condition().hash(state);
        state.write_u8(self.state());
    }
}

/// The copy of `text` held in `texts`, added if it is not there yet: reading (`Arc<str>`)
/// and the evaluation ([`crate::SharedText`]) each keep one such set.
pub(crate) fn share_in<T>(texts: &mut rustc_hash::FxHashSet<T>, text: &str) -> T
where
    T: std::borrow::Borrow<str> + std::hash::Hash + Eq + Clone + for<'a> From<&'a str>,
{
    if let Some(held) = texts.get(text) {
        return held.clone();
    }
    let made = T::from(text);
    texts.insert(made.clone());
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::{AssignmentState, Origin};
    use crate::condition::Condition;
    use crate::principal::PrincipalKind;
    use crate::role::RoleRef;

    const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    /// A subscription, and an assignment id at it, for the conflict checks.
    const SUB: &str = "/subscriptions/s1";
    const ID: &str =
        "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/0b0c1a2e-1111-4a4a-9c9c-123456789abc";

    fn grant(
        principal: &str,
        role: RoleRef,
        scope: &str,
        condition: Option<&str>,
        state: AssignmentState,
    ) -> RoleAssignment {
        RoleAssignment::new(
            "",
            Scope::parse(scope).unwrap_or_else(|_| Scope::root()),
            principal.into(),
            PrincipalKind::User,
            role,
            condition.and_then(|c| Condition::new(Some(c), Some("2.0"))),
            state,
            Origin {
                file: "f.json".into(),
                record: 1,
            },
        )
    }

    fn kept(list: Vec<RoleAssignment>) -> usize {
        let mut tenant = Tenant {
            assignments: list,
            ..Tenant::default()
        };
        tenant.dedupe();
        tenant.assignments.len()
    }

    /// A record for `conflicts`: assignment id, principal, role, scope, condition, state.
    type Record<'a> = (&'a str, &'a str, RoleRef, &'a str, Option<&'a str>, AssignmentState);

    /// `conflicts` after `dedupe`, as the report runs them.
    fn conflicts(list: &[Record<'_>]) -> Vec<(usize, usize)> {
        let mut tenant = Tenant {
            assignments: list
                .iter()
                .map(|(id, principal, role, scope, condition, state)| {
                    RoleAssignment::new(
                        id,
                        Scope::parse(scope).unwrap_or_else(|_| Scope::root()),
                        (*principal).into(),
                        PrincipalKind::User,
                        role.clone(),
                        condition.and_then(|c| Condition::new(Some(c), Some("2.0"))),
                        state.clone(),
                        Origin {
                            file: "f.json".into(),
                            record: 1,
                        },
                    )
                })
                .collect(),
            ..Tenant::default()
        };
        tenant.dedupe();
        tenant.conflicts()
    }

    #[test]
    fn conflicts_are_one_id_given_to_different_grants() {
        let active = || AssignmentState::Active;
        let by_id = |g: &str| RoleRef::new(Some(g), None);
        let by_name = |n: &str| RoleRef::new(None, Some(n));
        let cond = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'x'";
        // Another role, principal or condition under one id: each record is paired with the
        // id's first in the assignments' order (here the Owner record: its role id sorts first).
        assert_eq!(
            conflicts(&[
                (ID, "p1", by_id(READER), SUB, None, active()),
                (ID, "p1", by_id(OWNER), SUB, None, active()),
                (ID, "p2", by_id(READER), SUB, None, active()),
            ]),
            vec![(0, 1), (1, 2)]
        );
        assert_eq!(
            conflicts(&[
                (ID, "p1", by_name("Reader"), SUB, None, active()),
                (ID, "p1", by_name("Owner"), SUB, None, active())
            ]),
            vec![(0, 1)]
        );
        assert_eq!(
            conflicts(&[
                (ID, "p1", by_id(READER), SUB, None, active()),
                (ID, "p1", by_id(READER), SUB, Some(cond), active())
            ]),
            vec![(0, 1)]
        );
        // The id in another casing is the same id (held as text, not as its GUID).
        let upper = ID.to_ascii_uppercase();
        assert_eq!(
            conflicts(&[
                (ID, "p1", by_id(READER), SUB, None, active()),
                (&upper, "p1", by_id(OWNER), SUB, None, active())
            ]),
            vec![(0, 1)]
        );
        // Not conflicts: exact repeats, a name in another casing, a role named by id in one
        // record and by name only in the other, a PIM state, other ids, records without one.
        let eligible = AssignmentState::Eligible { start: None, end: None };
        let other =
            "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/0b0c1a2e-2222-4a4a-9c9c-123456789abc";
        for list in [
            vec![
                (ID, "p1", by_id(READER), SUB, None, active()),
                (ID, "p1", by_id(READER), SUB, None, active()),
            ],
            vec![
                (ID, "p1", by_name("Reader"), SUB, None, active()),
                (ID, "p1", by_name("READER"), SUB, None, active()),
            ],
            vec![
                (ID, "p1", by_id(READER), SUB, None, active()),
                (ID, "p1", by_name("Owner"), SUB, None, active()),
            ],
            vec![
                (ID, "p1", by_id(READER), SUB, None, active()),
                (ID, "p1", by_id(READER), SUB, None, eligible),
            ],
            vec![
                (ID, "p1", by_id(READER), SUB, None, active()),
                (other, "p2", by_id(OWNER), SUB, None, active()),
            ],
            vec![
                ("", "p1", by_id(READER), SUB, None, active()),
                ("", "p2", by_id(OWNER), SUB, None, active()),
            ],
        ] {
            assert_eq!(conflicts(&list), vec![], "{list:?}");
        }
    }

    /// An active Reader assignment of `principal` at `scope` with assignment id `id`.
    fn with_id(id: &str, principal: &str, scope: &str) -> RoleAssignment {
        RoleAssignment::new(
            id,
            Scope::parse(scope).unwrap_or_else(|_| Scope::root()),
            principal.into(),
            PrincipalKind::User,
            RoleRef::new(Some(READER), None),
            None,
            AssignmentState::Active,
            Origin {
                file: "f.json".into(),
                record: 1,
            },
        )
    }

    fn ids_in_order(mut list: Vec<RoleAssignment>) -> Vec<String> {
        crate::order::sort_by(&mut list, canonical_cmp);
        list.iter().map(|a| format!("{}|{}", a.id(), a.principal_id)).collect()
    }

    #[test]
    fn assignments_have_one_order_whatever_the_records_order() {
        let id = |guid: &str| format!("{SUB}/providers/Microsoft.Authorization/roleAssignments/{guid}");
        let list = || {
            vec![
                with_id(&id("ffffffff-0000-4000-8000-000000000001"), "p1", SUB),
                with_id(&id("00000000-0000-4000-8000-000000000002"), "p2", SUB),
                // The same GUID in another casing and at another scope: told apart in full.
                with_id(&id("0000000A-0000-4000-8000-000000000003").to_ascii_uppercase(), "p3", SUB),
                with_id(
                    "/subscriptions/s2/providers/Microsoft.Authorization/roleAssignments/0000000a-0000-4000-8000-000000000003",
                    "p4",
                    "/subscriptions/s2",
                ),
                // PIM schedule ids and records without an id.
                with_id("schedule-b", "p5", SUB),
                with_id("schedule-a", "p6", SUB),
                with_id("", "p8", SUB),
                with_id("", "p7", SUB),
            ]
        };
        let want = ids_in_order(list());
        assert_eq!(want.len(), 8);
        // GUIDs first, by GUID; then other ids; then records without one.
        assert!(want.first().is_some_and(|w| w.ends_with("|p2")), "{want:?}");
        assert!(
            want.get(6..)
                .is_some_and(|tail| tail.iter().all(|w| w.starts_with('|'))),
            "{want:?}"
        );
        let mut reversed = list();
        reversed.reverse();
        assert_eq!(ids_in_order(reversed), want);
        let mut rotated = list();
        rotated.rotate_left(3);
        assert_eq!(ids_in_order(rotated), want);
    }

    #[test]
    fn dedupe_keeps_the_first_repeat_in_the_assignments_order() {
        let id = |guid: &str| format!("{SUB}/providers/Microsoft.Authorization/roleAssignments/{guid}");
        let (low, high) = (
            id("10000000-0000-4000-8000-000000000000"),
            id("20000000-0000-4000-8000-000000000000"),
        );
        // One grant under two ids (two records of one role for one principal at one scope):
        // the id kept is the lower, in either order of the records.
        for list in [
            vec![with_id(&high, "p1", SUB), with_id(&low, "p1", SUB)],
            vec![with_id(&low, "p1", SUB), with_id(&high, "p1", SUB)],
        ] {
            let mut tenant = Tenant {
                assignments: list,
                ..Tenant::default()
            };
            tenant.dedupe();
            let kept: Vec<String> = tenant.assignments.iter().map(|a| a.id().into_owned()).collect();
            assert_eq!(kept, vec![low.clone()]);
        }
    }

    #[test]
    fn two_schedules_of_one_grant_with_other_windows_are_both_kept() {
        let eligible = |end: u8| AssignmentState::Eligible {
            start: None,
            end: Some(crate::date::Date::new(2026, 1, end)),
        };
        let at = |state| grant("p1", RoleRef::new(Some(READER), None), "/subscriptions/s1", None, state);
        // One expired and one current: whichever came first, the current one must stay.
        assert_eq!(kept(vec![at(eligible(1)), at(eligible(31))]), 2);
        assert_eq!(kept(vec![at(eligible(31)), at(eligible(31))]), 1);
    }

    #[test]
    fn conflicts_do_not_depend_on_the_order_of_the_records() {
        let active = || AssignmentState::Active;
        // A role by id, the same id's record naming a role only by name (not told apart from
        // either), and another role by id: set against a first record of its own, each
        // order would find a different number of conflicts.
        let a = || (ID, "p1", RoleRef::new(Some(READER), None), SUB, None, active());
        let b = || (ID, "p1", RoleRef::new(None, Some("Reader")), SUB, None, active());
        let c = || (ID, "p1", RoleRef::new(Some(OWNER), None), SUB, None, active());
        let counts: Vec<usize> = [
            vec![a(), b(), c()],
            vec![b(), a(), c()],
            vec![c(), b(), a()],
            vec![b(), c(), a()],
        ]
        .iter()
        .map(|list| conflicts(list).len())
        .collect();
        assert!(counts.iter().all(|&n| Some(&n) == counts.first()), "{counts:?}");
    }

    #[test]
    fn dedupe_drops_exact_repeats_only() {
        let id = || RoleRef::new(Some(READER), None);
        let active = || AssignmentState::Active;
        let base = || grant("p1", id(), "/subscriptions/s1", None, active());
        assert_eq!(kept(vec![base(), base(), base()]), 1);
        // Repeats of principals whose ids end in odd and even bytes (two shards), interleaved.
        let other = || grant("p2", id(), "/subscriptions/s1", None, active());
        assert_eq!(kept(vec![base(), other(), base(), other(), other()]), 2);
        // The scope compares in any casing; principal, scope, condition and state each tell apart.
        assert_eq!(
            kept(vec![base(), grant("p1", id(), "/SUBSCRIPTIONS/S1", None, active())]),
            1
        );
        assert_eq!(
            kept(vec![base(), grant("p2", id(), "/subscriptions/s1", None, active())]),
            2
        );
        assert_eq!(
            kept(vec![base(), grant("p1", id(), "/subscriptions/s2", None, active())]),
            2
        );
        let cond = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'x'";
        assert_eq!(
            kept(vec![
                base(),
                grant("p1", id(), "/subscriptions/s1", Some(cond), active())
            ]),
            2
        );
        let eligible = AssignmentState::Eligible { start: None, end: None };
        assert_eq!(
            kept(vec![base(), grant("p1", id(), "/subscriptions/s1", None, eligible)]),
            2
        );
    }

    #[test]
    fn dedupe_compares_a_role_by_id_or_else_by_name_in_any_casing() {
        let at = |role: RoleRef| grant("p1", role, "/subscriptions/s1", None, AssignmentState::Active);
        let named = |n: &str| RoleRef::new(None, Some(n));
        assert_eq!(
            kept(vec![at(named("Reader")), at(named("READER")), at(named("reader"))]),
            1
        );
        assert_eq!(kept(vec![at(named("Reader")), at(named("Owner"))]), 2);
        // An id outweighs a name; two records with one id are one grant whatever they call it.
        let both = |n: &str| RoleRef::new(Some(READER), Some(n));
        assert_eq!(kept(vec![at(both("Reader")), at(both("Leser"))]), 1);
        assert_eq!(kept(vec![at(both("Reader")), at(named("Reader"))]), 2);
        assert_eq!(
            kept(vec![at(RoleRef::new(None, None)), at(RoleRef::new(None, None))]),
            1
        );
        // A name that is the id in capitals names the same text as the id.
        assert_eq!(kept(vec![at(both("x")), at(named(&READER.to_ascii_uppercase()))]), 1);
    }
}
