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
    pub hierarchy: ManagementGroupTree,
    /// Sentinel configuration (analytics rules, connectors, …) from configuration exports.
    pub config: crate::config::SentinelConfig,
    /// Every distinct scope read so far: assignments at one scope share its strings.
    scopes: rustc_hash::FxHashMap<Box<str>, Scope>,
    /// Every distinct id and name assignments carry (principal ids, role ids and names),
    /// one copy each.
    texts: rustc_hash::FxHashSet<std::sync::Arc<str>>,
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
        // One pointer per entry, the key's fields read through it: a set of a million
        // copied keys (88 bytes each, in twice as many slots) was 176 MB of fresh memory.
        #[cfg(target_family = "wasm")]
        let keep: Vec<bool> = {
            let mut seen =
                rustc_hash::FxHashSet::with_capacity_and_hasher(self.assignments.len(), rustc_hash::FxBuildHasher);
            self.assignments.iter().map(|a| seen.insert(SameAs(a))).collect()
        };
        // Natively, two shards by the principal id's last byte, side by side: repeats share
        // their principal, so each is found in its shard, after its first.
        #[cfg(not(target_family = "wasm"))]
        let keep: Vec<bool> = {
            let list = &self.assignments;
            let repeats = |odd: u8| {
                let mut seen =
                    rustc_hash::FxHashSet::with_capacity_and_hasher(list.len() / 2, rustc_hash::FxBuildHasher);
                list.iter()
                    .enumerate()
                    .filter(|(_, a)| a.principal_id.as_bytes().last().map_or(0, |b| b & 1) == odd)
                    .filter(|(_, a)| !seen.insert(SameAs(a)))
                    .map(|(i, _)| i)
                    .collect::<Vec<usize>>()
            };
            let (odd, even) = crate::parallel::join(side_by_side, move || repeats(1), move || repeats(0));
            if odd.is_empty() && even.is_empty() {
                return;
            }
            let mut keep = vec![true; list.len()];
            for i in odd.into_iter().chain(even) {
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
            }
            keep
        };
        let mut keep = keep.into_iter();
        self.assignments.retain(|_| keep.next().unwrap_or(true));
    }

    /// Records that give one assignment id to different grants: another principal, scope,
    /// role or condition. Exports taken at different times, or edited, disagree like this,
    /// and nothing in them says which record is right, so both are evaluated and the report
    /// says so. Pairs of positions in `assignments`: the id's first record and a later one,
    /// in the later one's order. Run after [`Tenant::dedupe`], which drops exact repeats. A
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
        // By id, each id's records in their order (the sort is stable): every later record
        // is set against the first. A sort rather than a map, so no id is compared with
        // more than its neighbours, however the numbers collide.
        crate::order::sort_by(&mut records, |(_, a), (_, b)| a.id_key().cmp(&b.id_key()));
        let mut out = Vec::new();
        let mut first: Option<(usize, &RoleAssignment)> = None;
        for &(i, a) in &records {
            match first {
                Some((f, fa)) if fa.id_key() == a.id_key() => {
                    if grants_differently(fa, a) {
                        out.push((f, i));
                    }
                }
                _ => first = Some((i, a)),
            }
        }
        crate::order::sort_by_key(&mut out, |&(_, later)| later);
        out
    }
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
        }
    }

    fn condition(&self) -> Option<&str> {
        self.0.condition.as_deref().map(|c| c.text.as_str())
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
            && self.state() == other.state()
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
        const SUB: &str = "/subscriptions/s1";
        const ID: &str =
            "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/0b0c1a2e-1111-4a4a-9c9c-123456789abc";
        const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
        let active = || AssignmentState::Active;
        let by_id = |g: &str| RoleRef::new(Some(g), None);
        let by_name = |n: &str| RoleRef::new(None, Some(n));
        let cond = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'x'";
        // Another role, principal or condition under one id: the later record is paired with the first.
        assert_eq!(
            conflicts(&[
                (ID, "p1", by_id(READER), SUB, None, active()),
                (ID, "p1", by_id(OWNER), SUB, None, active()),
                (ID, "p2", by_id(READER), SUB, None, active()),
            ]),
            vec![(0, 1), (0, 2)]
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
