//! Role assignments (active and PIM-eligible), deny assignments and Entra directory-role
//! assignments, as read from exports.

use serde::Serialize;

use crate::condition::Condition;
use crate::date::Date;
use crate::principal::PrincipalKind;
use crate::role::{PermissionBlock, Plane, RoleRef};
use crate::scope::Scope;

/// Where a record came from, for explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Origin {
    pub file: std::sync::Arc<str>,
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
        end: Option<Date>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleAssignment {
    /// Assignment resource id (or schedule id for PIM records); may be empty in
    /// post-processed exports.
    pub id: String,
    pub scope: Scope,
    /// Entra object id, lower case.
    pub principal_id: String,
    pub principal_kind: PrincipalKind,
    pub role: RoleRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(flatten)]
    pub state: AssignmentState,
    pub origin: Origin,
}

impl RoleAssignment {
    /// Does the schedule window include `today`? Always true for plain assignments.
    pub fn in_window(&self, today: Date) -> bool {
        match &self.state {
            AssignmentState::Active => true,
            AssignmentState::Eligible { start, end } => {
                start.is_none_or(|s| s <= today) && end.is_none_or(|e| e >= today)
            }
            AssignmentState::Activated { end } => end.is_none_or(|e| e >= today),
        }
    }
}

/// The special principal that stands for everyone in a deny assignment.
pub const ALL_PRINCIPALS: &str = "00000000-0000-0000-0000-000000000000";

/// A deny assignment: blocks the listed operations even where a role grants them
/// (azure-docs `deny-assignments.md`, commit deed4c31, ms.date 2020-03-26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyAssignment {
    pub id: String,
    pub name: String,
    pub scope: Scope,
    pub blocks: Vec<PermissionBlock>,
    /// Lower-case object ids; may hold [`ALL_PRINCIPALS`].
    pub principals: Vec<String>,
    pub exclude_principals: Vec<String>,
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
        if !self.exclude_principals.is_empty() && ids.clone().any(|id| self.exclude_principals.iter().any(|e| e == id))
        {
            return false;
        }
        self.principals.iter().any(|p| p == ALL_PRINCIPALS) || ids.any(|id| self.principals.iter().any(|p| p == id))
    }

    /// Does it apply at `target` (its own scope, and children unless told otherwise)?
    pub fn applies_at(&self, target: &Scope) -> bool {
        if self.do_not_apply_to_child_scopes {
            self.scope.key() == target.key()
        } else {
            self.scope.is_ancestor_or_self(target)
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
    pub origin: Origin,
}
