//! Role assignments (active and PIM-eligible), deny assignments and Entra directory-role
//! assignments, as read from exports.

use std::sync::Arc;

use serde::Serialize;

use crate::condition::Condition;
use crate::date::Date;
use crate::principal::PrincipalKind;
use crate::role::{PermissionBlock, Plane, RoleRef};
use crate::scope::{ManagementGroupTree, Reach, Scope};

/// Where a record came from, for explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Origin {
    pub file: crate::SharedText,
    /// 1-based record number within the file.
    pub record: usize,
}

/// Whether an assignment grants now, or only after a PIM activation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum AssignmentState {
    Active,
    /// A PIM eligibility: grants nothing until activated
    /// (REST `roleEligibilityScheduleInstances`, api-version 2020-10-01).
    Eligible {
        #[serde(skip_serializing_if = "Option::is_none")]
        start: Option<Date>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end: Option<Date>,
    },
    /// An activated (time-bound) PIM assignment from `roleAssignmentScheduleInstances`.
    Activated {
        #[serde(skip_serializing_if = "Option::is_none")]
        start: Option<Date>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end: Option<Date>,
    },
    /// A PIM assignment made active directly (`assignmentType` `Assigned` in
    /// `roleAssignmentScheduleInstances`) with a start or an end date: in force without
    /// activation, within its window. PIM lists upcoming instances too.
    Assigned {
        #[serde(skip_serializing_if = "Option::is_none")]
        start: Option<Date>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end: Option<Date>,
    },
}

/// The text every role-assignment id has between its scope and its GUID.
const ID_SUFFIX: &str = "/providers/Microsoft.Authorization/roleAssignments/";

/// What an assignment id holds before [`ID_SUFFIX`]: the scope's text, or nothing at the
/// root.
fn id_prefix(scope: &Scope) -> &str {
    match scope.as_str() {
        "/" => "",
        text => text,
    }
}

/// Where [`ID_SUFFIX`] starts in `id`, in any casing.
fn suffix_at(id: &str) -> Option<usize> {
    id.to_ascii_lowercase().find(&ID_SUFFIX.to_ascii_lowercase())
}

/// The scope an assignment id names (the text before [`ID_SUFFIX`], in any casing; the
/// root when that is empty), for records that carry no scope of their own.
pub(crate) fn scope_of_id(id: &str) -> Option<&str> {
    let pos = suffix_at(id)?;
    Some(id.get(..pos).filter(|s| !s.is_empty()).unwrap_or("/"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    /// Assignment resource id (or schedule id for PIM records); may be empty in
    /// post-processed exports. Read it with [`RoleAssignment::id`].
    id: AssignmentId,
    pub scope: Scope,
    /// Entra object id, lower case; one copy shared by every assignment of the principal.
    pub principal_id: Arc<str>,
    pub principal_kind: PrincipalKind,
    pub role: RoleRef,
    /// Boxed: few assignments have one, and a million records each carrying room for it
    /// cost 64 MB of fresh memory.
    pub condition: Option<Box<Condition>>,
    pub state: AssignmentState,
    pub origin: Origin,
}

/// An assignment's id, held compactly. Nearly every id is its scope, [`ID_SUFFIX`]
/// and a lower-case GUID: for those only the GUID's 16 bytes are kept, and the text is
/// written again from the scope when a reason quotes it (a million ids were 160 MB).
#[derive(Debug, Clone, PartialEq, Eq)]
enum AssignmentId {
    UnderScope([u8; 16]),
    /// Any other id, as read: PIM schedule ids, other casings, empty.
    Text(Box<str>),
}

impl AssignmentId {
    fn new(id: &str, scope: &Scope) -> Self {
        id.strip_prefix(id_prefix(scope))
            .and_then(|rest| rest.strip_prefix(ID_SUFFIX))
            .and_then(guid_bytes)
            .map_or_else(|| Self::Text(id.into()), Self::UnderScope)
    }
}

/// An assignment id in one form, however its record held or cased it (Azure compares ids
/// without regard to case): the scope part in lower case and the GUID, or else the whole id
/// in lower case. For telling records of one assignment apart from others.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum IdKey<'a> {
    Guid(std::borrow::Cow<'a, str>, [u8; 16]),
    Other(Box<str>),
}

/// The 16 bytes of a GUID written in lower case as 8-4-4-4-12 hex digits; `None` for any
/// other text, so that writing the bytes back gives the same text.
pub(crate) fn guid_bytes(text: &str) -> Option<[u8; 16]> {
    let digits = text.as_bytes();
    if digits.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = digits
        .iter()
        .enumerate()
        .filter(|(i, _)| !matches!(i, 8 | 13 | 18 | 23));
    for byte in &mut out {
        let mut value = 0u8;
        for _ in 0..2 {
            let (_, &d) = nibbles.next()?;
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                _ => return None,
            };
            value = value << 4 | v;
        }
        *byte = value;
    }
    [8, 13, 18, 23]
        .iter()
        .all(|&i| digits.get(i) == Some(&b'-'))
        .then_some(out)
}

/// Writes `bytes` back as the lower-case 8-4-4-4-12 text [`guid_bytes`] reads.
pub(crate) fn push_guid(out: &mut String, bytes: &[u8; 16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        for nibble in [b >> 4, b & 0xf] {
            out.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
        }
    }
}

impl RoleAssignment {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: &str,
        scope: Scope,
        principal_id: Arc<str>,
        principal_kind: PrincipalKind,
        role: RoleRef,
        condition: Option<Condition>,
        state: AssignmentState,
        origin: Origin,
    ) -> Self {
        Self {
            id: AssignmentId::new(id, &scope),
            scope,
            principal_id,
            principal_kind,
            role,
            condition: condition.map(Box::new),
            state,
            origin,
        }
    }

    /// A number that equal [`IdKey`]s share (and other keys rarely): from the GUID's bytes
    /// alone when the id has one, so nearly every record's is had without hashing text.
    pub(crate) fn id_print(&self) -> Option<u32> {
        fn fold(bytes: &[u8]) -> u32 {
            bytes
                .iter()
                .fold(0, |acc: u32, &byte| acc.rotate_left(5) ^ u32::from(byte))
        }
        match &self.id {
            AssignmentId::UnderScope(guid) => Some(fold(guid)),
            AssignmentId::Text(_) => match self.id_key()? {
                IdKey::Guid(_, guid) => Some(fold(&guid)),
                IdKey::Other(text) => Some(fold(text.as_bytes())),
            },
        }
    }

    /// A number that orders records by id (see [`crate::tenant::canonical_cmp`]):
    /// in its top two bits whether the id is a GUID, another id or missing; below them the
    /// GUID's leading bits however the id is written, a hash of another id in lower case, or
    /// for a record without an id a hash of its principal, scope and role id. Records of one
    /// assignment share it.
    pub(crate) fn order_key(&self) -> u64 {
        fn leading(guid: &[u8; 16]) -> u64 {
            guid.first_chunk().map_or(0, |b| u64::from_be_bytes(*b))
        }
        // FNV-1a: fixed, unlike the standard hasher, so every run orders alike.
        fn fnv(hash: u64, bytes: &[u8]) -> u64 {
            bytes
                .iter()
                .fold(hash, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
        }
        let (class, bits) = match &self.id {
            AssignmentId::UnderScope(guid) => (0, leading(guid)),
            AssignmentId::Text(_) => match self.id_key() {
                Some(IdKey::Guid(_, guid)) => (0, leading(&guid)),
                Some(IdKey::Other(text)) => (1, fnv(0xcbf2_9ce4_8422_2325, text.as_bytes())),
                // No id (post-processed exports): a hash of what the record grants, so a
                // large export of them is not one run compared in full.
                None => (
                    2,
                    [
                        self.principal_id.as_bytes(),
                        self.scope.key().as_bytes(),
                        self.role.id.as_deref().unwrap_or_default().as_bytes(),
                    ]
                    .into_iter()
                    .fold(0xcbf2_9ce4_8422_2325, fnv),
                ),
            },
        };
        (class << 62) | (bits >> 2)
    }

    /// [`IdKey`] of this record's id; `None` when the record has none.
    pub(crate) fn id_key(&self) -> Option<IdKey<'_>> {
        match &self.id {
            AssignmentId::UnderScope(guid) => Some(IdKey::Guid(
                std::borrow::Cow::Borrowed(match self.scope.as_str() {
                    "/" => "",
                    _ => self.scope.key(),
                }),
                *guid,
            )),
            AssignmentId::Text(text) if text.trim().is_empty() => None,
            AssignmentId::Text(text) => {
                let lower = text.to_ascii_lowercase();
                let guid = suffix_at(&lower)
                    .and_then(|at| Some((lower.get(..at)?, guid_bytes(lower.get(at + ID_SUFFIX.len()..)?)?)));
                Some(match guid {
                    Some((prefix, guid)) => IdKey::Guid(std::borrow::Cow::Owned(prefix.to_string()), guid),
                    None => IdKey::Other(lower.into()),
                })
            }
        }
    }

    /// The assignment's id as the export wrote it.
    pub fn id(&self) -> std::borrow::Cow<'_, str> {
        match &self.id {
            AssignmentId::Text(text) => std::borrow::Cow::Borrowed(text),
            AssignmentId::UnderScope(guid) => {
                let prefix = id_prefix(&self.scope);
                let mut id = String::with_capacity(prefix.len() + ID_SUFFIX.len() + 36);
                id.push_str(prefix);
                id.push_str(ID_SUFFIX);
                push_guid(&mut id, guid);
                std::borrow::Cow::Owned(id)
            }
        }
    }

    /// Does the schedule window include `today`? Always true for plain assignments.
    pub fn in_window(&self, today: Date) -> bool {
        match &self.state {
            AssignmentState::Active => true,
            AssignmentState::Eligible { start, end }
            | AssignmentState::Activated { start, end }
            | AssignmentState::Assigned { start, end } => window_includes(*start, *end, today),
        }
    }
}

/// Does a PIM window (whole days, both ends included; an open end never closes) include
/// `today`? The same rule for Azure and Entra roles.
fn window_includes(start: Option<Date>, end: Option<Date>, today: Date) -> bool {
    start.is_none_or(|s| s <= today) && end.is_none_or(|e| e >= today)
}

/// The special principal that stands for everyone in a deny assignment.
pub const ALL_PRINCIPALS: &str = "00000000-0000-0000-0000-000000000000";

/// Principal ids, sorted and each once, so that one is found by binary search: a deny
/// assignment excluding tens of thousands of principals was read through for every verdict
/// (32,000 took 5 s). Sorted when made, so it cannot be searched unsorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct IdSet(Vec<String>);

impl IdSet {
    pub fn new(ids: Vec<String>) -> Self {
        Self(crate::order::sorted_set(ids))
    }

    pub fn has(&self, id: &str) -> bool {
        self.0.binary_search_by(|p| p.as_str().cmp(id)).is_ok()
    }
}

impl std::ops::Deref for IdSet {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.0
    }
}

/// A deny assignment: blocks the listed operations even where a role grants them
/// (azure-docs `deny-assignments.md`, commit deed4c31, ms.date 2020-03-26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyAssignment {
    pub id: String,
    pub name: String,
    pub scope: Scope,
    pub blocks: Vec<PermissionBlock>,
    /// Lower-case object ids; may hold [`ALL_PRINCIPALS`].
    pub principals: IdSet,
    pub exclude_principals: IdSet,
    pub do_not_apply_to_child_scopes: bool,
    pub origin: Origin,
}

impl DenyAssignment {
    /// Is `op` denied by this assignment's permission blocks (ignoring who and where)?
    pub fn denies(&self, op: &str, plane: Plane) -> bool {
        self.blocks.iter().any(|b| b.grant(op, plane).is_some())
    }

    /// Does this deny assignment bind someone whose own id and group ids are `ids`?
    pub fn binds<'a>(&self, mut ids: impl Iterator<Item = &'a str> + Clone) -> bool {
        if !self.exclude_principals.is_empty() && ids.clone().any(|id| self.exclude_principals.has(id)) {
            return false;
        }
        self.principals.has(ALL_PRINCIPALS) || ids.any(|id| self.principals.has(id))
    }

    /// Does it apply at `target` (its own scope, and children unless told otherwise)? A deny
    /// assignment is inherited downward like a role assignment (azure-docs
    /// `deny-assignments.md`, commit deed4c31, ms.date 2020-03-26; azure-rbac-semantics.md
    /// §4), so one on a management group reaches the subscriptions under it: `Unknown` when
    /// the exports do not show them.
    pub fn reach_at(&self, target: &Scope, tree: &ManagementGroupTree) -> Reach {
        if self.do_not_apply_to_child_scopes {
            if self.scope.key() == target.key() {
                Reach::Yes
            } else {
                Reach::No
            }
        } else {
            tree.reach(&self.scope, target)
        }
    }
}

/// An Entra (directory) role held by a principal, from Microsoft Graph
/// `roleManagement/directory/roleAssignments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryRoleAssignment {
    pub principal_id: String,
    /// Role template id (lower case), the same in every tenant.
    pub role_template_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// `/` for the whole tenant; administrative units narrow it.
    pub directory_scope: String,
    pub eligible: bool,
    /// Read from a PIM schedule or instance, whose dates say when it holds; false for the
    /// undated records of `roleAssignments` and of a role's member list.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pim: bool,
    /// The PIM schedule's window, when the export gives one (days, both ends included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    pub origin: Origin,
}

impl DirectoryRoleAssignment {
    /// Does the schedule window include `today`? Always true without a window.
    pub fn in_window(&self, today: Date) -> bool {
        window_includes(self.start, self.end, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(id: &str, scope: &str) -> RoleAssignment {
        RoleAssignment::new(
            id,
            Scope::parse(scope).unwrap_or_else(|_| Scope::root()),
            "p".into(),
            PrincipalKind::User,
            RoleRef::default(),
            None,
            AssignmentState::Active,
            Origin {
                file: "f".into(),
                record: 1,
            },
        )
    }

    #[test]
    fn ids_under_their_scope_keep_only_the_guid_and_read_back_as_written() {
        let guid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        for (id, scope, compact) in [
            (format!("/subscriptions/s{ID_SUFFIX}{guid}"), "/subscriptions/s", true),
            (format!("{ID_SUFFIX}{guid}"), "/", true),
            // Not lower case, another scope, a schedule id, nothing: kept as text.
            (
                format!("/subscriptions/s{ID_SUFFIX}{}", guid.to_uppercase()),
                "/subscriptions/s",
                false,
            ),
            (format!("/subscriptions/t{ID_SUFFIX}{guid}"), "/subscriptions/s", false),
            (format!("/subscriptions/s{ID_SUFFIX}{guid}x"), "/subscriptions/s", false),
            (
                "/subscriptions/s/providers/Microsoft.Authorization/roleEligibilitySchedules/1".into(),
                "/subscriptions/s",
                false,
            ),
            (String::new(), "/", false),
        ] {
            let a = assignment(&id, scope);
            assert_eq!(a.id(), id);
            assert_eq!(matches!(a.id, AssignmentId::UnderScope(_)), compact, "{id}");
        }
    }

    #[test]
    fn records_without_a_scope_take_it_from_their_id() {
        let guid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        let lower = "/providers/microsoft.authorization/roleassignments/";
        assert_eq!(
            scope_of_id(&format!("/subscriptions/S{lower}{guid}")),
            Some("/subscriptions/S")
        );
        assert_eq!(scope_of_id(&format!("{ID_SUFFIX}{guid}")), Some("/"));
        assert_eq!(scope_of_id(guid), None);
        // Taken from an id and read back, an id under its scope is held compactly.
        let id = format!("/subscriptions/s{ID_SUFFIX}{guid}");
        let a = assignment(&id, scope_of_id(&id).unwrap_or_default());
        assert!(matches!(a.id, AssignmentId::UnderScope(_)));
    }

    proptest::proptest! {
        /// A deny assignment binds exactly whom a plain reading of its lists says, whatever
        /// their order and repeats: listed (or All Principals) and not excluded.
        #[test]
        fn deny_binding_matches_a_plain_reading(
            principals in proptest::collection::vec("[a-d]", 1..6),
            excluded in proptest::collection::vec("[a-d]", 0..6),
            ids in proptest::collection::vec("[a-d]", 0..4),
            everyone in proptest::bool::ANY,
        ) {
            let mut listed = principals.clone();
            if everyone {
                listed.push(ALL_PRINCIPALS.to_string());
            }
            let deny = DenyAssignment {
                id: "d".into(),
                name: "d".into(),
                scope: Scope::root(),
                blocks: Vec::new(),
                principals: IdSet::new(listed.clone()),
                exclude_principals: IdSet::new(excluded.clone()),
                do_not_apply_to_child_scopes: false,
                origin: Origin { file: "f".into(), record: 1 },
            };
            let plain = !ids.iter().any(|id| excluded.contains(id))
                && (everyone || ids.iter().any(|id| listed.contains(id)));
            proptest::prop_assert_eq!(deny.binds(ids.iter().map(String::as_str)), plain);
            proptest::prop_assert!(deny.principals.windows(2).all(|w| w[0] < w[1]));
        }
    }

    fn last_is(id: &str, guid: &str) -> bool {
        id.ends_with(&format!("{ID_SUFFIX}{guid}"))
    }

    proptest::proptest! {
        /// Whatever the id, it reads back exactly as written.
        #[test]
        fn any_id_reads_back_as_written(
            sub in "[a-z0-9]{1,4}",
            bytes in proptest::array::uniform16(0u8..),
            shape in 0..3u8,
            tail in "[0-9a-fA-F-]{30,40}",
            under in proptest::bool::ANY,
        ) {
            let scope = format!("/subscriptions/{sub}");
            let mut guid = String::new();
            push_guid(&mut guid, &bytes);
            let last = match shape {
                0 => guid.clone(),
                1 => guid.to_uppercase(),
                _ => tail,
            };
            let id = if under { format!("{scope}{ID_SUFFIX}{last}") } else { last };
            let read = assignment(&id, &scope);
            proptest::prop_assert_eq!(read.id(), id.as_str());
            proptest::prop_assert_eq!(matches!(read.id, AssignmentId::UnderScope(_)), under && last_is(&id, &guid));
        }
    }
}
