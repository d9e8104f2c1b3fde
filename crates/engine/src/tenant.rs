//! Everything read from a run's exports, merged: the engine's view of one tenant.

use std::collections::BTreeSet;

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

    /// Workspaces seen in any scope: assignments, eligibilities, deny assignments.
    pub fn workspaces_in_scopes(&self) -> BTreeSet<Scope> {
        // Inserted, not collected: `collect` sorts first, one more sort instance in the Wasm.
        let mut found = BTreeSet::new();
        found.extend(
            self.assignments
                .iter()
                .map(|a| &a.scope)
                .chain(self.denies.iter().map(|d| &d.scope))
                .filter_map(Scope::workspace_scope),
        );
        found
    }

    /// The same assignment can arrive from several files (an activated PIM assignment is
    /// also an ordinary assignment); drop exact repeats so counts and reasons stay clean.
    pub fn dedupe(&mut self) {
        // Keys borrow from the records (hashing, not ordering): a million assignments must
        // not mean a million key copies.
        let keep: Vec<bool> = {
            // Sized once: grown as it filled, the set of a million keys was rehashed into
            // fresh memory twenty times.
            let mut seen =
                rustc_hash::FxHashSet::with_capacity_and_hasher(self.assignments.len(), rustc_hash::FxBuildHasher);
            self.assignments
                .iter()
                .map(|a| {
                    let role: Option<std::borrow::Cow<'_, str>> = match (&a.role.id, &a.role.name) {
                        (Some(id), _) => Some((**id).into()),
                        (None, Some(n)) => Some(n.to_ascii_lowercase().into()),
                        (None, None) => None,
                    };
                    seen.insert((
                        &*a.principal_id,
                        role,
                        a.scope.key(),
                        a.condition.as_deref().map(|c| c.text.as_str()),
                        match a.state {
                            crate::assignment::AssignmentState::Active => 0u8,
                            crate::assignment::AssignmentState::Eligible { .. } => 1,
                            crate::assignment::AssignmentState::Activated { .. } => 2,
                        },
                    ))
                })
                .collect()
        };
        let mut keep = keep.into_iter();
        self.assignments.retain(|_| keep.next().unwrap_or(true));
    }
}

/// The copy of `text` held in `texts`, added if it is not there yet: reading and the
/// evaluation each keep one such set.
pub(crate) fn share_in(texts: &mut rustc_hash::FxHashSet<std::sync::Arc<str>>, text: &str) -> std::sync::Arc<str> {
    if let Some(held) = texts.get(text) {
        return std::sync::Arc::clone(held);
    }
    let made: std::sync::Arc<str> = text.into();
    texts.insert(std::sync::Arc::clone(&made));
    made
}
