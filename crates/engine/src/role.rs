//! Role definitions: the 930 bundled built-in roles and custom roles from exports.
//!
//! A role holds one or more permission blocks. Each block grants `actions − notActions`
//! (and `dataActions − notDataActions`) on its own; blocks and roles are then unioned.
//! NotActions are not denies (azure-docs `role-definitions.md`, commit 00766527;
//! `azure-rbac-semantics.md` §3).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::action::ActionPattern;
use crate::assignment::Origin;
use crate::condition::Condition;
use crate::date::Timestamp;

/// One built-in role, split out of the table `build.rs` generates from
/// `data/azure-builtin-roles.json` (see its `.SOURCE.md`).
pub(crate) struct BuiltinRoleData {
    /// The GUID's bytes (`assignment::guid_bytes`): their order is the lower-case text's.
    pub id: [u8; 16],
    pub name: &'static str,
    pub assignable_scopes: Vec<&'static str>,
    pub blocks: Vec<BlockData>,
}

pub(crate) struct BlockData {
    pub actions: Vec<&'static str>,
    pub not_actions: Vec<&'static str>,
    pub data_actions: Vec<&'static str>,
    pub not_data_actions: Vec<&'static str>,
    pub condition: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/builtin_roles.rs"));

/// The built-in roles sorted by GUID, put together on first use from the three columns
/// `build.rs` generates (GUIDs as bytes, names, grants; in the order of the names).
fn builtin_roles() -> &'static [BuiltinRoleData] {
    static TABLE: std::sync::OnceLock<Vec<BuiltinRoleData>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let items = |s: &'static str| -> Vec<&'static str> {
            if s.is_empty() {
                Vec::new()
            } else {
                s.split('\u{1f}').collect()
            }
        };
        let rows = BUILTIN_ROLE_IDS
            .chunks_exact(16)
            .filter_map(|id| <[u8; 16]>::try_from(id).ok())
            .zip(BUILTIN_ROLE_NAMES.split('\u{1f}'))
            .zip(BUILTIN_ROLE_GRANTS.split('\u{1c}'));
        let mut table: Vec<BuiltinRoleData> = rows
            .filter_map(|((id, name), grants)| {
                let mut fields = grants.split('\u{1d}');
                let scopes = fields.next()?;
                let blocks = fields
                    .map(|block| {
                        let mut parts = block.split('\u{1e}');
                        let mut next = || items(parts.next().unwrap_or_default());
                        let (actions, not_actions, data_actions, not_data_actions) = (next(), next(), next(), next());
                        BlockData {
                            actions,
                            not_actions,
                            data_actions,
                            not_data_actions,
                            condition: next().into_iter().next(),
                        }
                    })
                    .collect();
                Some(BuiltinRoleData {
                    id,
                    name,
                    assignable_scopes: items(scopes),
                    blocks,
                })
            })
            .collect();
        crate::order::sort_by(&mut table, |a, b| a.id.cmp(&b.id));
        table
    })
}

/// Control plane (`Actions`) or data plane (`DataActions`): never mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plane {
    Control,
    Data,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionBlock {
    pub actions: Vec<ActionPattern>,
    pub not_actions: Vec<ActionPattern>,
    pub data_actions: Vec<ActionPattern>,
    pub not_data_actions: Vec<ActionPattern>,
    pub condition: Option<Condition>,
}

impl PermissionBlock {
    pub fn from_lists<S: AsRef<str>>(
        actions: &[S],
        not_actions: &[S],
        data_actions: &[S],
        not_data_actions: &[S],
        condition: Option<Condition>,
    ) -> Self {
        let compile = |v: &[S]| {
            v.iter()
                .map(|s| s.as_ref())
                .filter(|s| !s.trim().is_empty())
                .map(ActionPattern::new)
                .collect()
        };
        Self {
            actions: compile(actions),
            not_actions: compile(not_actions),
            data_actions: compile(data_actions),
            not_data_actions: compile(not_data_actions),
            condition,
        }
    }

    fn lists(&self, plane: Plane) -> (&[ActionPattern], &[ActionPattern]) {
        match plane {
            Plane::Control => (&self.actions, &self.not_actions),
            Plane::Data => (&self.data_actions, &self.not_data_actions),
        }
    }

    /// The pattern of this block that grants `op`, if `op` is not excluded by a NotAction.
    pub fn grant(&self, op: &str, plane: Plane) -> Option<&ActionPattern> {
        let (allow, not) = self.lists(plane);
        if not.iter().any(|p| p.matches(op)) {
            return None;
        }
        allow.iter().find(|p| p.matches(op))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleKind {
    BuiltIn,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDefinition {
    /// Lower-case GUID.
    pub id: String,
    pub name: String,
    pub kind: RoleKind,
    pub blocks: Vec<PermissionBlock>,
    pub assignable_scopes: Vec<String>,
}

/// How a grant of one operation came about inside a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGrant<'a> {
    pub pattern: &'a ActionPattern,
    pub condition: Option<&'a Condition>,
}

impl RoleDefinition {
    fn from_builtin(data: &BuiltinRoleData) -> Self {
        Self {
            id: {
                let mut id = String::with_capacity(36);
                crate::assignment::push_guid(&mut id, &data.id);
                id
            },
            name: data.name.to_string(),
            kind: RoleKind::BuiltIn,
            blocks: data
                .blocks
                .iter()
                .map(|b| {
                    PermissionBlock::from_lists(
                        &b.actions,
                        &b.not_actions,
                        &b.data_actions,
                        &b.not_data_actions,
                        Condition::new(b.condition, Some("2.0")),
                    )
                })
                .collect(),
            assignable_scopes: data.assignable_scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Does this role grant `op`? Prefers an unconditional block over a conditional one.
    pub fn grant(&self, op: &str, plane: Plane) -> Option<BlockGrant<'_>> {
        let mut conditional = None;
        for block in &self.blocks {
            if let Some(pattern) = block.grant(op, plane) {
                match &block.condition {
                    Some(c) if c.restricts(op) => {
                        conditional.get_or_insert(BlockGrant {
                            pattern,
                            condition: Some(c),
                        });
                    }
                    _ => {
                        return Some(BlockGrant {
                            pattern,
                            condition: None,
                        })
                    }
                }
            }
        }
        conditional
    }

    /// Does this role's effective permission set contain everything `other` grants?
    ///
    /// Checked pattern by pattern (see [`ActionPattern::covers`]); conditional blocks of
    /// `self` are not counted. A `false` may be conservative, never a wrong `true`.
    /// Does the role grant every operation `pattern` stands for (control plane)? Returns
    /// the block's condition when the grant comes only from a conditional block.
    pub fn grant_pattern(&self, pattern: &ActionPattern) -> Option<Option<&Condition>> {
        let mut conditional = None;
        for b in &self.blocks {
            let granted =
                b.actions.iter().any(|a| a.covers(pattern)) && !b.not_actions.iter().any(|n| n.intersects(pattern));
            if !granted {
                continue;
            }
            match &b.condition {
                Some(c) if c.restricts_pattern(pattern) => conditional = conditional.or(Some(c)),
                _ => return Some(None),
            }
        }
        conditional.map(Some)
    }

    pub fn covers(&self, other: &RoleDefinition) -> bool {
        other.blocks.iter().all(|ob| {
            [Plane::Control, Plane::Data].iter().all(|&plane| {
                let (wanted, wanted_not) = ob.lists(plane);
                wanted.iter().all(|w| self.covers_pattern(w, wanted_not, plane))
            })
        })
    }

    /// [`Self::covers`], remembered for the process when both roles are bundled built-ins:
    /// neither definition can change, and every evaluation asks the same few pairs (most of
    /// a small report's time went here).
    pub fn covers_cached(&self, other: &RoleDefinition) -> bool {
        static MEMO: BundledMemo<(usize, usize), bool> = BundledMemo::new();
        match (bundled_index(self), bundled_index(other)) {
            (Some(a), Some(b)) => MEMO.get_or((a, b), || self.covers(other)),
            _ => self.covers(other),
        }
    }

    fn covers_pattern(&self, wanted: &ActionPattern, excused: &[ActionPattern], plane: Plane) -> bool {
        self.blocks.iter().filter(|b| b.condition.is_none()).any(|b| {
            let (allow, not) = b.lists(plane);
            allow.iter().any(|a| a.covers(wanted))
                && not.iter().all(|n| {
                    // A NotAction of ours may only bite where `other` excludes the same.
                    !n.intersects(wanted) || excused.iter().any(|e| e.covers(n))
                })
        })
    }
}

/// The bundled table's position of a role that came from it. A role read from an export
/// is never bundled: exports of bundled built-ins are skipped on reading, and a custom role
/// that borrows a built-in's GUID is `Custom`.
pub(crate) fn bundled_index(role: &RoleDefinition) -> Option<usize> {
    if role.kind != RoleKind::BuiltIn {
        return None;
    }
    let id = crate::assignment::guid_bytes(&role.id)?;
    builtin_roles().binary_search_by(|r| r.id.cmp(&id)).ok()
}

/// Answers about bundled built-in roles, remembered for the process: the definitions are
/// compiled into the engine, so an answer never changes. Key only by [`bundled_index`].
/// A lock that cannot be taken means working the answer out again, never a panic.
pub(crate) struct BundledMemo<K, V>(std::sync::Mutex<Option<rustc_hash::FxHashMap<K, V>>>);

impl<K: std::hash::Hash + Eq, V: Clone> BundledMemo<K, V> {
    pub(crate) const fn new() -> Self {
        Self(std::sync::Mutex::new(None))
    }

    pub(crate) fn get_or(&self, key: K, work: impl FnOnce() -> V) -> V {
        if let Some(v) = self.0.lock().ok().and_then(|m| m.as_ref()?.get(&key).cloned()) {
            return v;
        }
        let v = work();
        if let Ok(mut m) = self.0.lock() {
            m.get_or_insert_with(Default::default).insert(key, v.clone());
        }
        v
    }
}

/// Every role definition the run knows: the bundled built-ins plus custom roles.
#[derive(Debug, Clone, Default)]
pub struct RoleCatalog {
    /// Custom roles by id, as evaluated. Maps, not lists: exports taken per subscription
    /// repeat the same roles hundreds of times, and a list searched on every addition would
    /// grow as the square of that.
    custom: BTreeMap<String, RoleDefinition>,
    /// Every different way the exports defined each custom role id.
    versions: BTreeMap<String, Vec<Version>>,
    /// Each version's identity (id, grants, name and update time, each put with
    /// [`push_item`]) → its place in its id's list: one file can hold thousands of versions
    /// of one id, and each record is looked up.
    known: BTreeMap<String, usize>,
    /// Ids given a second version since [`RoleCatalog::settle`] last ran.
    unsettled: BTreeSet<String>,
}

/// One way the exports defined a custom role id. Repeats with the same grants, name and
/// update time are one version, quoted by the first of their records.
#[derive(Debug, Clone)]
struct Version {
    def: RoleDefinition,
    grants: String,
    updated: Option<Timestamp>,
    origin: Option<Origin>,
}

/// Appends `text` so that no two lists of texts give the same result: its length first.
fn push_item(key: &mut String, text: &str) {
    key.push_str(&text.len().to_string());
    key.push(':');
    key.push_str(text);
}

/// What blocks grant, as one text of sorted, lower-cased parts: two exports of one role may
/// list its actions or blocks in another order.
fn grants_key(blocks: &[PermissionBlock]) -> String {
    let texts: Vec<String> = blocks
        .iter()
        .map(|b| {
            let mut text = String::new();
            for list in [&b.actions, &b.not_actions, &b.data_actions, &b.not_data_actions] {
                let items: Vec<String> = list.iter().map(|p| p.as_str().to_ascii_lowercase()).collect();
                let items = crate::order::sorted_set(items);
                push_item(&mut text, &items.len().to_string());
                for item in &items {
                    push_item(&mut text, item);
                }
            }
            push_item(&mut text, b.condition.as_ref().map_or("", |c| c.text.trim()));
            text
        })
        .collect();
    let mut key = String::new();
    for block in crate::order::sorted_set(texts) {
        push_item(&mut key, &block);
    }
    key
}

/// Where a record came from, as an order: by file name and number, a record with none last.
fn origin_key(origin: &Option<Origin>) -> (bool, Option<(&str, usize)>) {
    (origin.is_none(), origin.as_ref().map(|o| (&*o.file, o.record)))
}

/// The versions in the order they are chosen in: the newest update first (an undated one
/// last), then by name, by the record that gave it and by grants. Every tie is broken, so
/// the choice does not depend on the order the exports were read in.
fn by_preference<'v>(versions: impl Iterator<Item = &'v Version>) -> Vec<&'v Version> {
    let mut order: Vec<&Version> = versions.collect();
    crate::order::sort_by(&mut order, |a, b| {
        b.updated
            .cmp(&a.updated)
            .then_with(|| a.def.name.cmp(&b.def.name))
            .then_with(|| origin_key(&a.origin).cmp(&origin_key(&b.origin)))
            .then_with(|| a.grants.cmp(&b.grants))
    });
    order
}

/// What a custom role defined differently by the exports is taken to grant.
///
/// When the newest dated versions agree, and every undated version (which could be newer)
/// grants the same, that is the role as it is now. Otherwise nothing says which is current,
/// and the role is taken to grant what any version grants: the verdicts then show everyone
/// who may hold an access, and the report's caveat names the role so nobody relies on it.
fn settled<'v>(versions: impl Iterator<Item = &'v Version>) -> Option<RoleDefinition> {
    let order = by_preference(versions);
    let mut def = order.first()?.def.clone();
    if newest_decides(&order) {
        return Some(def);
    }
    def.blocks.clear();
    let mut kept: BTreeSet<String> = BTreeSet::new();
    for block in order.iter().flat_map(|v| &v.def.blocks) {
        if kept.insert(grants_key(std::slice::from_ref(block))) {
            def.blocks.push(block.clone());
        }
    }
    Some(def)
}

/// Do the versions, in [`by_preference`] order, agree on what the role grants, or does the
/// newest dated version decide, every undated one granting the same?
fn newest_decides(order: &[&Version]) -> bool {
    let Some(first) = order.first() else {
        return true;
    };
    order.iter().all(|v| v.grants == first.grants)
        || (first.updated.is_some()
            && order
                .iter()
                .filter(|v| v.updated.is_none() || v.updated == first.updated)
                .all(|v| v.grants == first.grants))
}

/// A custom role id the exports define in more than one way, for the report's caveat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redefined {
    pub id: String,
    /// The name the evaluation uses.
    pub name: String,
    /// One entry per different set of grants (and per set, its copies without an update
    /// time apart), in the order versions are chosen in (newest first): the first record
    /// by file name and number that gave it, and its update time when the export had one.
    pub sources: Vec<(Option<Origin>, Option<Timestamp>)>,
    /// True when the newest definition was used; false when the role was taken to grant
    /// what any definition grants.
    pub newest_used: bool,
}

/// How an assignment names its role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoleRef {
    /// Lower-case GUID taken from any of the id shapes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Arc<str>>,
}

impl RoleRef {
    /// Accepts a bare GUID, `/providers/Microsoft.Authorization/roleDefinitions/<guid>` or
    /// `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>`.
    pub fn new(id: Option<&str>, name: Option<&str>) -> Self {
        Self::shared(id, name, |text: &str| Arc::from(text))
    }

    /// As [`RoleRef::new`], with each text taken from `share`: a million assignments name
    /// a few thousand roles, and can hold one copy of each id and name between them.
    pub fn shared(id: Option<&str>, name: Option<&str>, mut share: impl FnMut(&str) -> Arc<str>) -> Self {
        let id = id
            .map(str::trim)
            .and_then(|s| s.rsplit('/').next())
            .filter(|g| is_guid(g))
            .map(|g| share(&crate::principal::lower_key(g)));
        let name = name.map(str::trim).filter(|n| !n.is_empty()).map(share);
        Self { id, name }
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_none() && self.name.is_none()
    }
}

/// True for the 8-4-4-4-12 hex form, any case.
pub fn is_guid(s: &str) -> bool {
    // Read once per assignment: no allocation. Hex digits never include '-', so fixed
    // dash positions are the 8-4-4-4-12 groups.
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// How a role reference was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleMatch {
    ById,
    /// The export carried no role id; matched by display name.
    ByName,
    /// Matched by a former display name (e.g. "Azure Sentinel Reader").
    ByFormerName,
}

/// Former display names of built-in roles: the Sentinel roles carried the
/// "Azure Sentinel" prefix before the product was renamed (`azure-rbac-semantics.md` §3,
/// marked general knowledge there; the GUIDs are those of the bundled roles).
const FORMER_NAMES: &[(&str, &str)] = &[
    ("azure sentinel reader", "8d289c81-5878-46d4-8554-54e1e3d8b5cb"),
    ("azure sentinel responder", "3e150937-b8fe-4cfb-8069-0eaf05ecd056"),
    ("azure sentinel contributor", "ab8e14d6-4a74-4a29-9ba8-549422addade"),
    (
        "azure sentinel automation contributor",
        "f4c81013-99ee-4d62-a7ee-b3f1f648599a",
    ),
];

impl RoleCatalog {
    /// Adds a custom role with nothing to say when or where it was defined (tests, samples).
    pub fn add_custom(&mut self, role: RoleDefinition) {
        self.define(role, None, None);
        self.settle();
    }

    /// Adds a definition read from an export. An id defined again with other grants waits
    /// for [`Self::settle`], which the reading calls once every file is read;
    /// [`Self::redefined`] lists it.
    pub fn define(&mut self, role: RoleDefinition, updated: Option<Timestamp>, origin: Option<Origin>) {
        let grants = grants_key(&role.blocks);
        let mut identity = String::new();
        for part in [&role.id, &grants, &role.name] {
            push_item(&mut identity, part);
        }
        if let Some(t) = &updated {
            push_item(&mut identity, t.moment());
        }
        let id = role.id.clone();
        let versions = self.versions.entry(id.clone()).or_default();
        match self.known.get(&identity).and_then(|&at| versions.get_mut(at)) {
            // The first record by file name and number stands for them all, whatever came
            // first: its spelling of the actions and of the time is the one quoted.
            Some(v) if origin_key(&origin) < origin_key(&v.origin) => {
                v.origin = origin;
                v.updated = updated;
                v.def = role;
            }
            Some(_) => return,
            None => {
                self.known.insert(identity, versions.len());
                versions.push(Version {
                    def: role,
                    grants,
                    updated,
                    origin,
                });
            }
        }
        match versions.as_slice() {
            [only] => {
                self.custom.insert(id, only.def.clone());
            }
            _ => {
                self.unsettled.insert(id);
            }
        }
    }

    /// Settles every id given more than one version since the last call (see [`settled`]).
    pub fn settle(&mut self) {
        for id in std::mem::take(&mut self.unsettled) {
            if let Some(def) = self.versions.get(&id).and_then(|v| settled(v.iter())) {
                self.custom.insert(id, def);
            }
        }
    }

    /// The custom roles the exports define with different grants, by id.
    pub fn redefined(&self) -> Vec<Redefined> {
        let mut list = Vec::new();
        for (id, versions) in self.versions.iter().filter(|(_, v)| v.len() > 1) {
            let order = by_preference(versions.iter());
            let Some(first) = order.first() else { continue };
            if order.iter().all(|v| v.grants == first.grants) {
                continue;
            }
            // One source per set of grants, and per set its undated copy apart: an undated
            // copy is what leaves the choice open, so the caveat shows it.
            let mut listed: BTreeSet<String> = BTreeSet::new();
            let mut sources = Vec::new();
            for v in &order {
                let mut kind = v.grants.clone();
                kind.push(if v.updated.is_some() { 'd' } else { 'u' });
                if listed.insert(kind) {
                    sources.push((v.origin.clone(), v.updated.clone()));
                }
            }
            if let Some(def) = self.custom.get(id) {
                list.push(Redefined {
                    id: id.clone(),
                    name: def.name.clone(),
                    sources,
                    newest_used: newest_decides(&order),
                });
            }
        }
        list
    }

    pub fn builtin_count() -> usize {
        builtin_roles().len()
    }

    /// All built-in roles, compiled (used by tests and the role browser).
    pub fn builtins() -> impl Iterator<Item = RoleDefinition> {
        builtin_roles().iter().map(RoleDefinition::from_builtin)
    }

    pub fn builtin(id: &str) -> Option<RoleDefinition> {
        let id = crate::assignment::guid_bytes(&id.to_ascii_lowercase())?;
        let table = builtin_roles();
        table
            .binary_search_by(|r| r.id.cmp(&id))
            .ok()
            .and_then(|i| table.get(i))
            .map(RoleDefinition::from_builtin)
    }

    /// Resolves a role by GUID; by name only when the export carries no id. A GUID that
    /// is neither built-in nor among the supplied custom roles stays unresolved: a custom
    /// role may copy a built-in's name while granting something else.
    pub fn resolve(&self, r: &RoleRef) -> Option<(RoleDefinition, RoleMatch)> {
        self.resolve_with(r, &mut None)
    }

    /// [`Self::resolve`], with the index of names made on the first name-only reference and
    /// kept in `names` for the next ones.
    pub fn resolve_with<'c>(
        &'c self,
        r: &RoleRef,
        names: &mut Option<RoleNames<'c>>,
    ) -> Option<(RoleDefinition, RoleMatch)> {
        if let Some(id) = &r.id {
            return self
                .custom
                .get(&**id)
                .cloned()
                .or_else(|| Self::builtin(id))
                .map(|d| (d, RoleMatch::ById));
        }
        let name = r.name.as_deref()?.to_ascii_lowercase();
        let names = names.get_or_insert_with(|| RoleNames::of(self));
        // Of custom roles sharing the name, the one with the lowest id (the map's order).
        let first = crate::order::with_text(&names.custom, &name).first();
        if let Some(c) = first.and_then(|&(_, i)| names.customs.get(i)) {
            return Some(((*c).clone(), RoleMatch::ByName));
        }
        // Built-ins are few (930): gone through, without a copy of each name.
        if let Some(b) = builtin_roles().iter().find(|b| b.name.eq_ignore_ascii_case(&name)) {
            return Some((RoleDefinition::from_builtin(b), RoleMatch::ByName));
        }
        FORMER_NAMES
            .iter()
            .find(|(old, _)| *old == name)
            .and_then(|(_, id)| Self::builtin(id))
            .map(|d| (d, RoleMatch::ByFormerName))
    }
}

/// Custom roles by lower-case name, for exports that name a role without its id. Going
/// through every custom role for each such name grew with their product (32,000 custom
/// roles each assigned by name took 14 s).
pub struct RoleNames<'c> {
    customs: Vec<&'c RoleDefinition>,
    /// (name, position in `customs`), by name, equal names in id order.
    custom: Vec<(String, usize)>,
}

impl<'c> RoleNames<'c> {
    fn of(catalog: &'c RoleCatalog) -> Self {
        let customs: Vec<&RoleDefinition> = catalog.custom.values().collect();
        let mut custom: Vec<(String, usize)> = customs.iter().map(|c| c.name.to_ascii_lowercase()).zip(0..).collect();
        // Stable: of equal names, the first in id order stays first.
        crate::order::by_text(&mut custom);
        Self { customs, custom }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The allocation-free check says what the group-by-group definition says.
        #[test]
        fn is_guid_matches_its_definition(s in "[0-9a-fA-FgG-]{0,40}") {
            let parts: Vec<&str> = s.split('-').collect();
            let by_groups = parts.len() == 5
                && parts
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()));
            proptest::prop_assert_eq!(is_guid(&s), by_groups);
        }

        #[test]
        fn is_guid_accepts_every_guid(g in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}") {
            proptest::prop_assert!(is_guid(&g));
        }
    }

    const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    const SENTINEL_READER: &str = "8d289c81-5878-46d4-8554-54e1e3d8b5cb";
    const SENTINEL_RESPONDER: &str = "3e150937-b8fe-4cfb-8069-0eaf05ecd056";
    const SENTINEL_CONTRIBUTOR: &str = "ab8e14d6-4a74-4a29-9ba8-549422addade";

    fn role(id: &str) -> RoleDefinition {
        RoleCatalog::builtin(id).unwrap_or_else(|| RoleDefinition {
            id: String::new(),
            name: String::new(),
            kind: RoleKind::BuiltIn,
            blocks: vec![],
            assignable_scopes: vec![],
        })
    }

    fn custom(id: &str, name: &str, actions: &[&str]) -> RoleDefinition {
        RoleDefinition {
            id: id.to_string(),
            name: name.to_string(),
            kind: RoleKind::Custom,
            blocks: vec![PermissionBlock::from_lists(actions, &[], &[], &[], None)],
            assignable_scopes: vec![],
        }
    }

    fn at(file: &str, record: usize) -> Option<Origin> {
        Some(Origin {
            file: file.into(),
            record,
        })
    }

    fn stamp(day: u8) -> Option<Timestamp> {
        Timestamp::parse(&format!("2026-01-{day:02}T08:00:00Z"))
    }

    /// Each order of `items` (all of them, for up to four).
    fn orders<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
        if items.len() <= 1 {
            return vec![items.to_vec()];
        }
        let mut all = Vec::new();
        for (i, first) in items.iter().enumerate() {
            let mut rest = items.to_vec();
            rest.remove(i);
            for mut tail in orders(&rest) {
                tail.insert(0, first.clone());
                all.push(tail);
            }
        }
        all
    }

    /// The catalog after `definitions` in every order: it must not depend on the order.
    fn in_every_order(definitions: &[(RoleDefinition, Option<Timestamp>, Option<Origin>)]) -> RoleCatalog {
        let mut results = orders(definitions).into_iter().map(|order| {
            let mut cat = RoleCatalog::default();
            for (def, updated, origin) in order {
                cat.define(def, updated, origin);
            }
            cat.settle();
            cat
        });
        let first = results.next().unwrap();
        for other in results {
            assert_eq!(other.custom, first.custom);
            // Debug shows each time's text too, which `==` leaves aside.
            assert_eq!(format!("{:?}", other.redefined()), format!("{:?}", first.redefined()));
        }
        first
    }

    /// A name shared by custom roles resolves to the lowest id, and a renamed role is known
    /// by its newest name, whatever order they were supplied in.
    #[test]
    fn custom_roles_resolve_names_by_lowest_id_and_newest_name() {
        let (low, high) = (
            "11111111-0000-0000-0000-000000000000",
            "22222222-0000-0000-0000-000000000000",
        );
        let read = ["Microsoft.SecurityInsights/*/read"];
        let cat = in_every_order(&[
            (custom(high, "SOC Triage", &read), stamp(1), at("a.json", 1)),
            (custom(low, "Old name", &read), stamp(1), at("a.json", 2)),
            (custom(low, "SOC Triage", &read), stamp(2), at("b.json", 1)),
        ]);
        let by_name = cat.resolve(&RoleRef::new(None, Some("soc triage")));
        assert_eq!(
            by_name.map(|(r, m)| (r.id, m)),
            Some((low.to_string(), RoleMatch::ByName))
        );
        assert!(cat.resolve(&RoleRef::new(None, Some("Old name"))).is_none());
        let by_id = cat.resolve(&RoleRef::new(Some(high), None));
        assert_eq!(
            by_id.map(|(r, m)| (r.name, m)),
            Some(("SOC Triage".to_string(), RoleMatch::ById))
        );
        // A new name alone changes no grant: nothing to report.
        assert_eq!(cat.redefined(), vec![]);
    }

    #[test]
    fn a_role_defined_differently_takes_the_newest_definition_when_every_one_is_dated() {
        let id = "33333333-0000-0000-0000-000000000000";
        let (read, write) = (
            "Microsoft.SecurityInsights/*/read",
            "Microsoft.SecurityInsights/incidents/write",
        );
        let old = custom(id, "Triage", &[read, write]);
        let new = custom(id, "Triage", &[read]);
        let grants = |cat: &RoleCatalog| {
            let def = cat.resolve(&RoleRef::new(Some(id), None)).map(|(d, _)| d);
            def.map(|d| {
                (
                    d.grant(write, Plane::Control).is_some(),
                    d.grant(read, Plane::Control).is_some(),
                )
            })
        };
        // Dated: the newest wins, and both are quoted, newest first, by their first record.
        let cat = in_every_order(&[
            (old.clone(), stamp(1), at("old.json", 4)),
            (new.clone(), stamp(9), at("new.json", 2)),
            (old.clone(), stamp(1), at("another.json", 7)),
        ]);
        assert_eq!(grants(&cat), Some((false, true)));
        assert_eq!(
            cat.redefined(),
            vec![Redefined {
                id: id.to_string(),
                name: "Triage".to_string(),
                sources: vec![(at("new.json", 2), stamp(9)), (at("another.json", 7), stamp(1))],
                newest_used: true,
            }]
        );
        // The newest is older than an undated one may be, or two newest disagree: both grant.
        for (old_at, new_at) in [(None, stamp(9)), (stamp(9), stamp(9)), (stamp(9), None)] {
            let case = format!("{old_at:?} {new_at:?}");
            let cat = in_every_order(&[
                (old.clone(), old_at, at("old.json", 1)),
                (new.clone(), new_at, at("new.json", 1)),
            ]);
            assert_eq!(grants(&cat), Some((true, true)), "{case}");
            let redefined = cat.redefined();
            assert!(
                redefined.len() == 1 && redefined.iter().all(|r| !r.newest_used && r.sources.len() == 2),
                "{redefined:?}"
            );
        }
        // A newer dated definition, and an undated copy of the older (PowerShell's): the
        // undated copy could be the newest, so both grant, and the caveat shows it apart.
        let cat = in_every_order(&[
            (old.clone(), stamp(1), at("cli.json", 1)),
            (new.clone(), stamp(9), at("later.json", 1)),
            (old.clone(), None, at("ps.json", 1)),
        ]);
        assert_eq!(grants(&cat), Some((true, true)));
        assert_eq!(
            cat.redefined().first().map(|r| (r.newest_used, r.sources.clone())),
            Some((
                false,
                vec![
                    (at("later.json", 1), stamp(9)),
                    (at("cli.json", 1), stamp(1)),
                    (at("ps.json", 1), None)
                ]
            ))
        );
        // The undated copy grants what the newest dated one grants: whichever is newer, that
        // is the role now.
        let cat = in_every_order(&[
            (old.clone(), stamp(1), at("cli.json", 1)),
            (new.clone(), stamp(9), at("later.json", 1)),
            (new.clone(), None, at("ps.json", 1)),
        ]);
        assert_eq!(grants(&cat), Some((false, true)));
        assert_eq!(cat.redefined().first().map(|r| r.newest_used), Some(true));
        // One moment spelled two ways (CLI and REST): the first record's spelling is quoted,
        // whatever the order (`in_every_order` compares the texts).
        let rest = Timestamp::parse("2026-01-09T08:00:00.0000000Z");
        let cat = in_every_order(&[
            (new.clone(), stamp(9), at("b.json", 1)),
            (new.clone(), rest, at("a.json", 1)),
            (old.clone(), stamp(1), at("c.json", 1)),
        ]);
        let quoted = cat.redefined().first().and_then(|r| r.sources.first().cloned());
        assert_eq!(
            quoted.map(|(o, t)| (o, t.map(|t| t.text))),
            Some((at("a.json", 1), Some("2026-01-09T08:00:00.0000000Z".to_string())))
        );
        // The same grants in another order, or repeated, are one definition.
        let shuffled = custom(id, "Triage", &[write, read, write]);
        let cat = in_every_order(&[(old.clone(), None, at("a.json", 1)), (shuffled, None, at("b.json", 1))]);
        assert_eq!(cat.redefined(), vec![]);
        assert_eq!(grants(&cat), Some((true, true)));
    }

    /// PowerShell's export of a role of two blocks puts them into one, with the first
    /// block's condition. Without an update time it is another definition: the role then
    /// grants what either grants, each block with its own condition, and is reported.
    #[test]
    fn a_flattened_copy_of_a_role_is_reported_and_both_count() {
        let id = "44444444-0000-0000-0000-000000000000";
        let (read, data) = (
            "Microsoft.SecurityInsights/*/read",
            "Microsoft.OperationalInsights/workspaces/tables/data/read",
        );
        let condition = || Condition::new(Some("@Resource[x] StringEquals 'y'"), Some("2.0"));
        let blocks = vec![
            PermissionBlock::from_lists(&[read], &[], &[], &[], condition()),
            PermissionBlock::from_lists(&[], &[], &[data], &[], None),
        ];
        let role = RoleDefinition {
            id: id.to_string(),
            name: "Two blocks".to_string(),
            kind: RoleKind::Custom,
            blocks,
            assignable_scopes: vec![],
        };
        let flat = RoleDefinition {
            blocks: vec![PermissionBlock::from_lists(&[read], &[], &[data], &[], condition())],
            ..role.clone()
        };
        let cat = in_every_order(&[(role, stamp(3), at("cli.json", 1)), (flat, None, at("ps.json", 1))]);
        let redefined = cat.redefined();
        assert!(
            redefined.len() == 1 && redefined.iter().all(|r| !r.newest_used && r.sources.len() == 2),
            "{redefined:?}"
        );
        let def = cat.resolve(&RoleRef::new(Some(id), None)).map(|(d, _)| d);
        assert_eq!(def.as_ref().map(|d| d.blocks.len()), Some(3));
    }

    /// One index of names serves every name-only reference: a custom role before a built-in
    /// of the same name, a built-in by its name in any case, a former name last, and nothing
    /// for a name no role has.
    #[test]
    fn one_index_of_names_serves_every_lookup() {
        let id = "33333333-0000-0000-0000-000000000000";
        let cat = in_every_order(&[(custom(id, "Reader", &["*/read"]), stamp(1), at("a.json", 1))]);
        let mut names = None;
        let mut by_name = |n: &str| {
            cat.resolve_with(&RoleRef::new(None, Some(n)), &mut names)
                .map(|(r, m)| (r.id, m))
        };
        assert_eq!(by_name("READER"), Some((id.to_string(), RoleMatch::ByName)));
        assert_eq!(
            by_name("microsoft sentinel responder"),
            Some((SENTINEL_RESPONDER.to_string(), RoleMatch::ByName))
        );
        assert_eq!(
            by_name("Azure Sentinel Contributor"),
            Some((SENTINEL_CONTRIBUTOR.to_string(), RoleMatch::ByFormerName))
        );
        assert_eq!(by_name("No such role"), None);
        assert!(names.is_some());
    }

    /// Thousands of versions of one id (a crafted file) are settled once, not at each record.
    #[test]
    fn many_versions_of_one_role_are_settled_once() {
        let id = "55555555-0000-0000-0000-000000000000";
        let mut cat = RoleCatalog::default();
        for i in 0..20_000 {
            let action = format!("Microsoft.Example/things{i}/read");
            cat.define(custom(id, "Many", &[action.as_str()]), None, at("big.json", i + 1));
        }
        cat.settle();
        let role = cat.resolve(&RoleRef::new(Some(id), None)).map(|(d, _)| d);
        assert_eq!(role.map(|d| d.blocks.len()), Some(20_000));
        assert_eq!(cat.redefined().first().map(|r| r.sources.len()), Some(20_000));
    }

    #[test]
    fn all_builtins_are_bundled() {
        assert_eq!(RoleCatalog::builtin_count(), 930);
        assert!(RoleCatalog::builtins().all(|r| !r.blocks.is_empty() && is_guid(&r.id)));
    }

    #[test]
    fn resolves_every_id_shape_and_former_names() {
        let cat = RoleCatalog::default();
        for shape in [
            SENTINEL_READER.to_string(),
            format!("/providers/Microsoft.Authorization/roleDefinitions/{SENTINEL_READER}"),
            format!(
                "/subscriptions/9b2e/providers/Microsoft.Authorization/roleDefinitions/{}",
                SENTINEL_READER.to_uppercase()
            ),
        ] {
            let got = cat.resolve(&RoleRef::new(Some(&shape), None));
            assert_eq!(
                got.map(|(r, m)| (r.name, m)),
                Some(("Microsoft Sentinel Reader".into(), RoleMatch::ById))
            );
        }
        let old = cat.resolve(&RoleRef::new(None, Some("Azure Sentinel Contributor")));
        assert_eq!(
            old.map(|(r, m)| (r.id, m)),
            Some((SENTINEL_CONTRIBUTOR.into(), RoleMatch::ByFormerName))
        );
        // An unknown GUID never falls back to a built-in of the same name.
        let fake = RoleRef::new(Some("11111111-2222-3333-4444-555555555555"), Some("Owner"));
        assert!(cat.resolve(&fake).is_none());
    }

    #[test]
    fn notactions_subtract_within_their_block() {
        let responder = role(SENTINEL_RESPONDER);
        assert!(responder
            .grant("Microsoft.SecurityInsights/incidents/write", Plane::Control)
            .is_some());
        assert!(responder
            .grant("Microsoft.SecurityInsights/incidents/comments/delete", Plane::Control)
            .is_none());
        // `incidents/*/Delete` does not exclude `incidents/delete` itself.
        assert!(responder
            .grant("Microsoft.SecurityInsights/incidents/delete", Plane::Control)
            .is_some());
        let contributor = role(CONTRIBUTOR);
        assert!(contributor
            .grant("Microsoft.Authorization/roleAssignments/write", Plane::Control)
            .is_none());
        assert!(role(OWNER)
            .grant(
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
                Plane::Data
            )
            .is_none());
    }

    #[test]
    fn coverage_between_roles() {
        assert!(role(OWNER).covers(&role(SENTINEL_CONTRIBUTOR)));
        assert!(role(CONTRIBUTOR).covers(&role(SENTINEL_CONTRIBUTOR)));
        assert!(role(OWNER).covers(&role(SENTINEL_READER)));
        // Literally, Sentinel Contributor lacks Reader's `Microsoft.Resources/templateSpecs/*/read`,
        // which is why the tasks name the higher Sentinel roles instead of relying on coverage.
        assert!(!role(SENTINEL_CONTRIBUTOR).covers(&role(SENTINEL_READER)));
        assert!(!role(SENTINEL_READER).covers(&role(SENTINEL_RESPONDER)));
        // Reader lacks Microsoft.Support/* and the Sentinel query actions.
        assert!(!role(READER).covers(&role(SENTINEL_READER)));
        assert!(!role(CONTRIBUTOR).covers(&role(OWNER)));
    }

    #[test]
    fn remembered_coverage_is_only_for_bundled_roles() {
        let (owner, sentinel_reader) = (role(OWNER), role(SENTINEL_READER));
        assert!(owner.covers_cached(&sentinel_reader));
        assert!(owner.covers_cached(&sentinel_reader));
        // A custom role that borrows Owner's GUID but grants nothing must not be answered
        // from Owner's remembered result.
        let impostor = RoleDefinition {
            kind: RoleKind::Custom,
            blocks: vec![],
            ..owner.clone()
        };
        assert!(!impostor.covers_cached(&sentinel_reader));
        assert_eq!(
            role(READER).covers_cached(&sentinel_reader),
            role(READER).covers(&sentinel_reader)
        );
    }
}
