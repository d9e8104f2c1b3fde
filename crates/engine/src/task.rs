//! The tasks of moving Microsoft Sentinel to the Defender portal, and who may do them.
//!
//! Data, not code: each task has dated variants, one per documented era, each with its
//! sources. The evaluator picks the variant in force at the `--as-of` date (default:
//! the newest). Facts from `shared/knowledge/prerequisites.md` §3, in our own words.

use serde::Serialize;

use crate::date::Date;

/// A doc page a rule comes from, with the page's own date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DocRef {
    /// `repository: path` of the Microsoft doc page.
    pub path: &'static str,
    pub doc_date: Date,
}

/// A built-in role named by a rule, by its GUID (names are for display only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NamedRole {
    pub id: &'static str,
    pub name: &'static str,
}

pub const OWNER: NamedRole = NamedRole {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    name: "Owner",
};
pub const CONTRIBUTOR: NamedRole = NamedRole {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    name: "Contributor",
};
pub const USER_ACCESS_ADMINISTRATOR: NamedRole = NamedRole {
    id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    name: "User Access Administrator",
};
pub const SENTINEL_READER: NamedRole = NamedRole {
    id: "8d289c81-5878-46d4-8554-54e1e3d8b5cb",
    name: "Microsoft Sentinel Reader",
};
pub const SENTINEL_RESPONDER: NamedRole = NamedRole {
    id: "3e150937-b8fe-4cfb-8069-0eaf05ecd056",
    name: "Microsoft Sentinel Responder",
};
pub const SENTINEL_CONTRIBUTOR: NamedRole = NamedRole {
    id: "ab8e14d6-4a74-4a29-9ba8-549422addade",
    name: "Microsoft Sentinel Contributor",
};
pub const SUPPORT_REQUEST_CONTRIBUTOR: NamedRole = NamedRole {
    id: "cfd33db0-3dd1-45e3-aa9d-cdbdf3b6f24e",
    name: "Support Request Contributor",
};

/// Entra directory roles, by role template id (the same in every tenant).
pub const ENTRA_GLOBAL_ADMINISTRATOR: NamedRole = NamedRole {
    id: "62e90394-69f5-4237-9190-012177145e10",
    name: "Global Administrator",
};
pub const ENTRA_SECURITY_ADMINISTRATOR: NamedRole = NamedRole {
    id: "194ae4cb-b126-40b2-bd5b-6091b380977d",
    name: "Security Administrator",
};
/// The Entra roles that onboarding accepts (Security Administrator or higher).
pub const ENTRA_ONBOARDING_ROLES: [NamedRole; 2] = [ENTRA_SECURITY_ADMINISTRATOR, ENTRA_GLOBAL_ADMINISTRATOR];

/// Where an assignment has to sit for a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeRule {
    /// At the workspace's subscription or above (management group, root).
    SubscriptionOrAbove,
    /// Anywhere that covers the workspace: subscription, resource group or the workspace.
    CoversWorkspace,
}

impl ScopeRule {
    pub fn describe(self) -> &'static str {
        match self {
            Self::SubscriptionOrAbove => "at subscription scope or above",
            Self::CoversWorkspace => "at the workspace, its resource group or subscription",
        }
    }
}

/// One thing a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Requirement {
    /// Any one of these roles; a role whose permissions cover one of them is `equivalent`.
    Role { roles: &'static [NamedRole], at: ScopeRule },
    /// Every one of these operations (patterns allowed), from any mix of assignments.
    Actions {
        operations: &'static [&'static str],
        at: ScopeRule,
    },
}

/// A way of meeting the task: all its requirements together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Route {
    pub requirements: &'static [Requirement],
}

/// Where an operation is performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Workspace,
    Subscription,
}

/// An operation the task performs; used to test deny assignments and conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KeyOperation {
    pub operation: &'static str,
    pub at: Target,
    /// Why we believe the task performs it (documented, or derived and from what).
    pub basis: &'static str,
}

/// The Entra role a task also needs (checked when a directory-role export is given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EntraRequirement {
    pub roles: &'static [NamedRole],
}

/// The rules of one task as one set of docs states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskVariant {
    /// First date these rules are documented.
    pub since: Date,
    pub sources: &'static [DocRef],
    pub routes: &'static [Route],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entra: Option<EntraRequirement>,
    /// Operations tested against deny assignments and conditions, besides the
    /// operations of the task's action routes (which are always tested).
    pub key_operations: &'static [KeyOperation],
    /// Least-privilege grants to suggest when nobody qualifies.
    pub remediation: &'static [(NamedRole, RemediationScope)],
    pub note: &'static str,
}

/// Where a remediation assignment should be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemediationScope {
    Subscription,
    /// Microsoft advises Sentinel roles on the resource group that holds the workspace.
    ResourceGroup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Task {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Oldest first.
    pub variants: &'static [TaskVariant],
}

impl Task {
    /// The variant in force at `as_of`, or the newest when `as_of` is `None`.
    pub fn variant_at(&self, as_of: Option<Date>) -> Option<&'static TaskVariant> {
        match as_of {
            None => self.variants.last(),
            Some(d) => self.variants.iter().rev().find(|v| v.since <= d),
        }
    }
}

const fn d(y: i32, m: u8, day: u8) -> Date {
    Date::new(y, m, day)
}

pub(crate) const DOC_2023_PREVIEW: DocRef = DocRef {
    path: "m365-docs: microsoft-365/security/defender/microsoft-sentinel-onboard.md",
    doc_date: d(2023, 11, 10),
};
pub(crate) const DOC_2025_01: DocRef = DocRef {
    path: "defender-docs: defender-xdr/microsoft-sentinel-onboard.md",
    doc_date: d(2025, 1, 8),
};
pub(crate) const DOC_2025_09: DocRef = DocRef {
    path: "defender-docs: unified-secops-platform/microsoft-sentinel-onboard.md",
    doc_date: d(2025, 9, 18),
};
pub(crate) const DOC_2026_05: DocRef = DocRef {
    path: "defender-docs: sentinel/workspaces-defender-portal.md",
    doc_date: d(2026, 5, 26),
};
pub(crate) const DOC_MIN_ACCESS: DocRef = DocRef {
    path: "defender-docs: unified-secops-platform/includes/mininum-access-requirements.md",
    doc_date: d(2025, 4, 22),
};

const SENTINEL_ANY: &[NamedRole] = &[SENTINEL_READER, SENTINEL_RESPONDER, SENTINEL_CONTRIBUTOR];

const QUERY_OPS: &[&str] = &[
    "Microsoft.OperationalInsights/workspaces/read",
    "Microsoft.OperationalInsights/workspaces/query/read",
    "Microsoft.SecurityInsights/incidents/read",
    "Microsoft.SecurityInsights/incidents/comments/read",
    "Microsoft.SecurityInsights/incidents/relations/read",
    "Microsoft.SecurityInsights/incidents/tasks/read",
];
const INVESTIGATE_OPS: &[&str] = &[
    "Microsoft.OperationalInsights/workspaces/read",
    "Microsoft.OperationalInsights/workspaces/query/read",
    "Microsoft.SecurityInsights/incidents/read",
    "Microsoft.SecurityInsights/incidents/comments/read",
    "Microsoft.SecurityInsights/incidents/relations/read",
    "Microsoft.SecurityInsights/incidents/tasks/read",
    "Microsoft.SecurityInsights/incidents/write",
    "Microsoft.SecurityInsights/incidents/comments/write",
    "Microsoft.SecurityInsights/incidents/relations/write",
    "Microsoft.SecurityInsights/incidents/tasks/write",
];
/// The 2023 private-preview list also named the deletes.
const INVESTIGATE_OPS_2023: &[&str] = &[
    "Microsoft.OperationalInsights/workspaces/read",
    "Microsoft.OperationalInsights/workspaces/query/read",
    "Microsoft.SecurityInsights/incidents/read",
    "Microsoft.SecurityInsights/incidents/comments/read",
    "Microsoft.SecurityInsights/incidents/relations/read",
    "Microsoft.SecurityInsights/incidents/tasks/read",
    "Microsoft.SecurityInsights/incidents/write",
    "Microsoft.SecurityInsights/incidents/comments/write",
    "Microsoft.SecurityInsights/incidents/relations/write",
    "Microsoft.SecurityInsights/incidents/tasks/write",
    "Microsoft.SecurityInsights/incidents/delete",
    "Microsoft.SecurityInsights/incidents/comments/delete",
    "Microsoft.SecurityInsights/incidents/relations/delete",
    "Microsoft.SecurityInsights/incidents/tasks/delete",
];

const fn ws_ops(ops: &'static [&'static str]) -> Requirement {
    Requirement::Actions {
        operations: ops,
        at: ScopeRule::CoversWorkspace,
    }
}

const CONNECT_KEY_OPS: &[KeyOperation] = &[
    KeyOperation {
        operation: "Microsoft.Authorization/roleAssignments/write",
        at: Target::Subscription,
        basis: "derived: onboarding assigns Microsoft Sentinel Contributor to two Microsoft apps in the subscription (prerequisites.md §6)",
    },
    KeyOperation {
        operation: "Microsoft.SecurityInsights/alertRules/write",
        at: Target::Workspace,
        basis: "derived: onboarding turns off the workspace's Microsoft incident-creation rules (prerequisites.md §6)",
    },
];

const OWNER_OR_UAA_AT_SUB: Requirement = Requirement::Role {
    roles: &[OWNER, USER_ACCESS_ADMINISTRATOR],
    at: ScopeRule::SubscriptionOrAbove,
};
const SENTINEL_CONTRIBUTOR_ON_WS: Requirement = Requirement::Role {
    roles: &[SENTINEL_CONTRIBUTOR],
    at: ScopeRule::CoversWorkspace,
};

const CONNECT_REMEDIATION: &[(NamedRole, RemediationScope)] = &[
    (USER_ACCESS_ADMINISTRATOR, RemediationScope::Subscription),
    (SENTINEL_CONTRIBUTOR, RemediationScope::ResourceGroup),
];

/// Every task, in the order the move guide meets them.
pub static TASKS: &[Task] = &[
    Task {
        id: "connect-workspace",
        title: "Connect (onboard) a workspace to the Defender portal",
        description: "Connect the workspace to the Microsoft Defender portal as primary or secondary, or disconnect it.",
        variants: &[
            TaskVariant {
                since: d(2023, 11, 10),
                sources: &[DOC_2023_PREVIEW],
                routes: &[Route { requirements: &[OWNER_OR_UAA_AT_SUB, SENTINEL_CONTRIBUTOR_ON_WS] }],
                entra: None,
                key_operations: CONNECT_KEY_OPS,
                remediation: CONNECT_REMEDIATION,
                note: "Private preview: Owner or User Access Administrator on the subscription, plus Microsoft Sentinel Contributor; the tenant also had to be allow-listed.",
            },
            TaskVariant {
                since: d(2025, 1, 8),
                sources: &[DOC_2025_01],
                routes: &[Route { requirements: &[OWNER_OR_UAA_AT_SUB, SENTINEL_CONTRIBUTOR_ON_WS] }],
                entra: Some(EntraRequirement { roles: &[ENTRA_GLOBAL_ADMINISTRATOR, ENTRA_SECURITY_ADMINISTRATOR] }),
                key_operations: CONNECT_KEY_OPS,
                remediation: CONNECT_REMEDIATION,
                note: "Onboarding also needs Entra Global Administrator or Security Administrator; connecting still needs Owner or User Access Administrator plus Microsoft Sentinel Contributor.",
            },
            TaskVariant {
                since: d(2025, 9, 18),
                sources: &[DOC_2025_09],
                routes: &[Route { requirements: &[OWNER_OR_UAA_AT_SUB, SENTINEL_CONTRIBUTOR_ON_WS] }],
                entra: Some(EntraRequirement { roles: &[ENTRA_SECURITY_ADMINISTRATOR, ENTRA_GLOBAL_ADMINISTRATOR] }),
                key_operations: CONNECT_KEY_OPS,
                remediation: CONNECT_REMEDIATION,
                note: "One row for onboarding: Entra Security Administrator or higher, Owner or User Access Administrator, and Microsoft Sentinel Contributor.",
            },
            TaskVariant {
                since: d(2026, 5, 26),
                sources: &[DOC_2026_05, DOC_2025_09],
                routes: &[
                    Route {
                        requirements: &[Requirement::Role { roles: &[OWNER], at: ScopeRule::SubscriptionOrAbove }],
                    },
                    Route {
                        requirements: &[
                            Requirement::Role {
                                roles: &[USER_ACCESS_ADMINISTRATOR],
                                at: ScopeRule::SubscriptionOrAbove,
                            },
                            SENTINEL_CONTRIBUTOR_ON_WS,
                        ],
                    },
                ],
                entra: Some(EntraRequirement { roles: &[ENTRA_SECURITY_ADMINISTRATOR, ENTRA_GLOBAL_ADMINISTRATOR] }),
                key_operations: CONNECT_KEY_OPS,
                remediation: CONNECT_REMEDIATION,
                note: "At least Entra Security Administrator, plus Owner, or User Access Administrator together with Microsoft Sentinel Contributor. Owner already holds every permission of Sentinel Contributor, so the stricter 2025-09 wording gives the same answer.",
            },
        ],
    },
    Task {
        id: "view-sentinel",
        title: "See Microsoft Sentinel in the Defender portal",
        description: "The Microsoft Sentinel section appears in the Defender portal navigation; Defender access alone is not enough.",
        variants: &[TaskVariant {
            since: d(2025, 1, 8),
            sources: &[DOC_2025_09, DOC_MIN_ACCESS, DOC_2025_01],
            routes: &[Route { requirements: &[Requirement::Role { roles: SENTINEL_ANY, at: ScopeRule::CoversWorkspace }] }],
            entra: None,
            key_operations: &[
                KeyOperation {
                    operation: "Microsoft.OperationalInsights/workspaces/read",
                    at: Target::Workspace,
                    basis: "derived: the portal lists the workspace",
                },
                KeyOperation {
                    operation: "Microsoft.SecurityInsights/onboardingStates/read",
                    at: Target::Workspace,
                    basis: "derived: the portal checks that Sentinel is enabled on the workspace",
                },
            ],
            remediation: &[(SENTINEL_READER, RemediationScope::ResourceGroup)],
            note: "Microsoft Sentinel Reader is the minimum; Responder and Contributor include it.",
        }],
    },
    Task {
        id: "query-and-view-incidents",
        title: "Query Sentinel data and view incidents",
        description: "Run queries over the workspace tables and read incidents with their comments, relations and tasks.",
        variants: &[TaskVariant {
            since: d(2023, 11, 10),
            sources: &[DOC_2025_09, DOC_2023_PREVIEW],
            routes: &[
                Route { requirements: &[Requirement::Role { roles: SENTINEL_ANY, at: ScopeRule::CoversWorkspace }] },
                Route { requirements: &[ws_ops(QUERY_OPS)] },
            ],
            entra: None,
            key_operations: &[],
            remediation: &[(SENTINEL_READER, RemediationScope::ResourceGroup)],
            note: "Microsoft Sentinel Reader, or any mix of roles that holds the six listed read operations.",
        }],
    },
    Task {
        id: "investigate-incidents",
        title: "Take investigative actions on incidents",
        description: "Update incidents: status, owner, comments, relations and tasks.",
        variants: &[
            TaskVariant {
                since: d(2023, 11, 10),
                sources: &[DOC_2023_PREVIEW],
                routes: &[
                    Route { requirements: &[Requirement::Role { roles: &[SENTINEL_CONTRIBUTOR], at: ScopeRule::CoversWorkspace }] },
                    Route { requirements: &[ws_ops(INVESTIGATE_OPS_2023)] },
                ],
                entra: None,
                key_operations: &[],
                remediation: &[(SENTINEL_CONTRIBUTOR, RemediationScope::ResourceGroup)],
                note: "Private preview: the custom-role option also listed the delete operations of incidents, comments, relations and tasks.",
            },
            TaskVariant {
                since: d(2025, 1, 8),
                sources: &[DOC_2025_09, DOC_2025_01],
                routes: &[
                    Route { requirements: &[Requirement::Role { roles: &[SENTINEL_CONTRIBUTOR], at: ScopeRule::CoversWorkspace }] },
                    Route { requirements: &[ws_ops(INVESTIGATE_OPS)] },
                ],
                entra: None,
                key_operations: &[],
                remediation: &[(SENTINEL_CONTRIBUTOR, RemediationScope::ResourceGroup)],
                note: "Microsoft Sentinel Contributor, or any mix of roles holding the listed read and write operations. Sentinel Responder alone does not: its `workspaces/*/read` does not include `workspaces/read` itself.",
            },
        ],
    },
    Task {
        id: "create-support-request",
        title: "Open a Microsoft support request",
        description: "Create a support ticket for the subscription that holds the workspace.",
        variants: &[TaskVariant {
            since: d(2025, 1, 8),
            sources: &[DOC_2025_09, DOC_2025_01],
            routes: &[
                Route {
                    requirements: &[Requirement::Role {
                        roles: &[OWNER, CONTRIBUTOR, SUPPORT_REQUEST_CONTRIBUTOR],
                        at: ScopeRule::SubscriptionOrAbove,
                    }],
                },
                Route {
                    requirements: &[Requirement::Actions {
                        operations: &["Microsoft.Support/*"],
                        at: ScopeRule::SubscriptionOrAbove,
                    }],
                },
            ],
            entra: None,
            key_operations: &[KeyOperation {
                operation: "Microsoft.Support/supportTickets/write",
                at: Target::Subscription,
                basis: "documented: support tickets are created on the subscription",
            }],
            remediation: &[(SUPPORT_REQUEST_CONTRIBUTOR, RemediationScope::Subscription)],
            note: "Owner, Contributor or Support Request Contributor on the subscription, or a role holding Microsoft.Support/*.",
        }],
    },
];

pub fn task(id: &str) -> Option<&'static Task> {
    TASKS.iter().find(|t| t.id == id)
}

/// Every requirement of every route of every variant of every task.
pub fn requirements() -> impl Iterator<Item = &'static Requirement> {
    TASKS
        .iter()
        .flat_map(|t| t.variants.iter())
        .flat_map(|v| v.routes.iter())
        .flat_map(|r| r.requirements.iter())
}

/// The operation list of every requirement that lists operations.
pub fn operation_lists() -> impl Iterator<Item = &'static [&'static str]> {
    requirements().filter_map(|req| match req {
        Requirement::Actions { operations, .. } => Some(*operations),
        Requirement::Role { .. } => None,
    })
}
