// The generator indexes small fixed tables with in-range random positions.
#![allow(clippy::indexing_slicing)]

//! A deterministic (seeded) synthetic enterprise written in the real export formats:
//! management-group tree, subscriptions, resource groups, workspaces, users, nested groups,
//! service principals, custom roles with wildcards and NotActions, PIM eligibility, deny
//! assignments, Graph memberships and Sentinel configuration exports.

use std::fmt::Write as _;

/// SplitMix64: small, seeded, reproducible everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % (n.max(1) as u64)) as usize
    }

    pub fn guid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            (a & 0xfff) as u16,
            (b >> 52) as u16 & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// Sizes of the synthetic tenant.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub assignments: usize,
    pub principals: usize,
    pub custom_roles: usize,
    pub workspaces: usize,
}

impl Shape {
    /// The issue's enterprise shape, scaled by assignment count.
    pub fn enterprise(assignments: usize) -> Self {
        Self {
            assignments,
            principals: 5_000,
            custom_roles: 1_000,
            workspaces: 50,
        }
    }
}

const BUILTIN_ROLES: &[&str] = &[
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
    "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
    "acdd72a7-3385-48ef-bd42-f606fba81ae7", // Reader
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
    "8d289c81-5878-46d4-8554-54e1e3d8b5cb", // Microsoft Sentinel Reader
    "3e150937-b8fe-4cfb-8069-0eaf05ecd056", // Microsoft Sentinel Responder
    "ab8e14d6-4a74-4a29-9ba8-549422addade", // Microsoft Sentinel Contributor
    "cfd33db0-3dd1-45e3-aa9d-cdbdf3b6f24e", // Support Request Contributor
    "73c42c96-874c-492b-b04d-ab87d138a893", // Log Analytics Reader
    "92aaf0da-9dab-42b6-94a3-d43ce8d16293", // Log Analytics Contributor
    "87a39d53-fc1b-424a-814c-f7e04687dc9e", // Logic App Contributor
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168", // Role Based Access Control Administrator
];

const CUSTOM_ACTIONS: &[&str] = &[
    "Microsoft.SecurityInsights/*/read",
    "Microsoft.SecurityInsights/incidents/*",
    "Microsoft.OperationalInsights/workspaces/read",
    "Microsoft.OperationalInsights/workspaces/query/read",
    "Microsoft.OperationalInsights/workspaces/*/read",
    "Microsoft.Support/*",
    "*/read",
    "Microsoft.Insights/workbooks/*",
    "Microsoft.Authorization/*/read",
];
const CUSTOM_NOT_ACTIONS: &[&str] = &[
    "Microsoft.SecurityInsights/incidents/*/delete",
    "Microsoft.SecurityInsights/ConfidentialWatchlists/*",
    "Microsoft.Support/*/write",
];

/// Role assignments per generated file.
pub const SHARD: usize = 100_000;

/// The generated files: (file name, contents).
pub fn generate(shape: Shape, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let tenant = rng.guid();
    let mgs: Vec<String> = (0..5).map(|i| format!("mg-{i}")).collect();
    let subs: Vec<String> = (0..shape.workspaces).map(|_| rng.guid()).collect();
    let workspaces: Vec<String> = subs
        .iter()
        .enumerate()
        .map(|(i, s)| format!("/subscriptions/{s}/resourceGroups/rg-soc-{i}/providers/Microsoft.OperationalInsights/workspaces/law-{i}"))
        .collect();
    let groups = shape.principals / 6;
    let sps = shape.principals / 25;
    let users = shape.principals.saturating_sub(groups + sps);
    let principals: Vec<(String, &str)> = (0..shape.principals)
        .map(|i| {
            (
                rng.guid(),
                if i < users {
                    "User"
                } else if i < users + groups {
                    "Group"
                } else {
                    "ServicePrincipal"
                },
            )
        })
        .collect();
    let custom: Vec<String> = (0..shape.custom_roles).map(|_| rng.guid()).collect();

    let mut files = Vec::new();

    // resourcecontainers: subscriptions under the management groups.
    let mut rc = String::from("{\"count\":0,\"data\":[");
    for (i, s) in subs.iter().enumerate() {
        if i > 0 {
            rc.push(',');
        }
        let mg = &mgs[i % mgs.len()];
        let _ = write!(
            rc,
            r#"{{"id":"/subscriptions/{s}","name":"sub-{i}","type":"microsoft.resources/subscriptions","tenantId":"{tenant}","subscriptionId":"{s}","properties":{{"managementGroupAncestorsChain":[{{"name":"{mg}"}},{{"name":"{tenant}"}}]}}}}"#
        );
    }
    rc.push_str("],\"skip_token\":null}");
    files.push(("resourcecontainers.json".to_string(), rc));

    // Custom roles (az role definition list).
    let mut roles = String::from("[");
    for (i, id) in custom.iter().enumerate() {
        if i > 0 {
            roles.push(',');
        }
        let a1 = CUSTOM_ACTIONS[rng.below(CUSTOM_ACTIONS.len())];
        let a2 = CUSTOM_ACTIONS[rng.below(CUSTOM_ACTIONS.len())];
        let n1 = CUSTOM_NOT_ACTIONS[rng.below(CUSTOM_NOT_ACTIONS.len())];
        let _ = write!(
            roles,
            r#"{{"id":"/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{id}","name":"{id}","roleName":"Custom role {i}","roleType":"CustomRole","type":"Microsoft.Authorization/roleDefinitions","assignableScopes":["/subscriptions/{}"],"permissions":[{{"actions":["{a1}","{a2}"],"notActions":["{n1}"],"dataActions":[],"notDataActions":[]}}]}}"#,
            subs[0], subs[0]
        );
    }
    roles.push(']');
    files.push(("custom-roles.json".to_string(), roles));

    // Role assignments (az role assignment list).
    // Large tenants are exported in parts (one `az role assignment list` per management
    // group or batch of subscriptions): one file per 100,000 assignments.
    let shards = shape.assignments.div_ceil(SHARD).max(1);
    let mut ra = String::with_capacity(shape.assignments.min(SHARD) * 1_200);
    ra.push('[');
    for i in 0..shape.assignments {
        if i % SHARD != 0 {
            ra.push(',');
        }
        let (pid, ptype) = &principals[rng.below(principals.len())];
        let role = if rng.below(4) == 0 {
            custom[rng.below(custom.len())].clone()
        } else {
            BUILTIN_ROLES[rng.below(BUILTIN_ROLES.len())].to_string()
        };
        let w = rng.below(workspaces.len());
        let scope = match rng.below(10) {
            0 => format!(
                "/providers/Microsoft.Management/managementGroups/{}",
                mgs[rng.below(mgs.len())]
            ),
            1 | 2 => format!("/subscriptions/{}", subs[w]),
            3..=5 => format!("/subscriptions/{}/resourceGroups/rg-soc-{w}", subs[w]),
            6 | 7 => workspaces[w].clone(),
            _ => format!(
                "/subscriptions/{}/resourceGroups/rg-app-{}/providers/Microsoft.Storage/storageAccounts/st{}",
                subs[w],
                rng.below(40),
                rng.below(1000)
            ),
        };
        let id = rng.guid();
        let _ = write!(
            ra,
            r#"{{"condition":null,"conditionVersion":null,"createdBy":null,"createdOn":"2025-01-01T00:00:00+00:00","delegatedManagedIdentityResourceId":null,"description":null,"id":"{scope}/providers/Microsoft.Authorization/roleAssignments/{id}","name":"{id}","principalId":"{pid}","principalName":"p-{pid}","principalType":"{ptype}","roleDefinitionId":"/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{role}","scope":"{scope}","type":"Microsoft.Authorization/roleAssignments","updatedBy":null,"updatedOn":"2025-01-01T00:00:00+00:00"}}"#,
            subs[w]
        );
        if (i + 1) % SHARD == 0 || i + 1 == shape.assignments {
            ra.push(']');
            let name = if shards == 1 {
                "role-assignments.json".to_string()
            } else {
                format!("role-assignments-{:03}.json", i / SHARD + 1)
            };
            files.push((name, std::mem::replace(&mut ra, String::from("["))));
        }
    }

    // PIM eligibility (1 % of assignments) and deny assignments.
    let mut pim = String::from("{\"value\":[");
    for i in 0..(shape.assignments / 100).max(1) {
        if i > 0 {
            pim.push(',');
        }
        let (pid, ptype) = &principals[rng.below(principals.len())];
        let w = rng.below(workspaces.len());
        let scope = &workspaces[w];
        let role = BUILTIN_ROLES[rng.below(BUILTIN_ROLES.len())];
        // Each instance its own id, as PIM gives it (the schedule's id reuses the GUID).
        let name = rng.guid();
        let _ = write!(
            pim,
            r#"{{"properties":{{"scope":"{scope}","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{role}","principalId":"{pid}","principalType":"{ptype}","status":"Provisioned","roleEligibilityScheduleId":"{scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/{name}","startDateTime":"2025-01-01T00:00:00Z","endDateTime":null,"memberType":"Direct"}},"name":"{name}","id":"{scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/{name}","type":"Microsoft.Authorization/RoleEligibilityScheduleInstances"}}"#
        );
    }
    pim.push_str("]}");
    files.push(("pim-eligibility.json".to_string(), pim));
    let mut deny = String::from("{\"value\":[");
    for i in 0..20 {
        if i > 0 {
            deny.push(',');
        }
        let w = rng.below(workspaces.len());
        let _ = write!(
            deny,
            r#"{{"properties":{{"denyAssignmentName":"stack-{i}","permissions":[{{"actions":["*/delete","Microsoft.SecurityInsights/*/write"],"notActions":["Microsoft.SecurityInsights/incidents/*"],"dataActions":[],"notDataActions":[]}}],"scope":"/subscriptions/{}/resourceGroups/rg-soc-{w}","doNotApplyToChildScopes":false,"principals":[{{"id":"00000000-0000-0000-0000-000000000000","type":"SystemDefined"}}],"excludePrincipals":[],"isSystemProtected":true}},"id":"/subscriptions/{}/resourceGroups/rg-soc-{w}/providers/Microsoft.Authorization/denyAssignments/{}","type":"Microsoft.Authorization/denyAssignments","name":"d{i}"}}"#,
            subs[w],
            subs[w],
            rng.guid()
        );
    }
    deny.push_str("]}");
    files.push(("deny-assignments.json".to_string(), deny));

    // Graph groups: each group has 5–40 members, some of them groups (nesting).
    let group_ids: Vec<&String> = principals
        .iter()
        .filter(|(_, t)| *t == "Group")
        .map(|(id, _)| id)
        .collect();
    let mut g = String::from("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#groups\",\"value\":[");
    for (i, gid) in group_ids.iter().enumerate() {
        if i > 0 {
            g.push(',');
        }
        let _ = write!(g, r#"{{"id":"{gid}","displayName":"Group {i}","members":["#);
        let n = 5 + rng.below(36);
        for m in 0..n {
            if m > 0 {
                g.push(',');
            }
            // Nesting as real directories have it: a group contains only groups defined
            // after it, and rarely (a shallow DAG, not one giant cycle).
            let (mid, mtype) = if rng.below(20) == 0 && i + 1 < group_ids.len() {
                (
                    group_ids[i + 1 + rng.below((group_ids.len() - i - 1).min(50))].clone(),
                    "group",
                )
            } else {
                (principals[rng.below(users)].0.clone(), "user")
            };
            let _ = write!(g, r##"{{"@odata.type":"#microsoft.graph.{mtype}","id":"{mid}"}}"##);
        }
        g.push_str("]}");
    }
    g.push_str("]}");
    files.push(("graph-groups.json".to_string(), g));

    // Sentinel configuration: a few analytics and automation rules and connectors per workspace.
    let mut rules = String::from("{\"value\":[");
    let mut first = true;
    for ws in &workspaces {
        for k in 0..20 {
            if !first {
                rules.push(',');
            }
            first = false;
            let create = k % 7 != 0;
            let _ = write!(
                rules,
                r#"{{"id":"{ws}/providers/Microsoft.SecurityInsights/alertRules/r{k}","name":"r{k}","type":"Microsoft.SecurityInsights/alertRules","kind":"Scheduled","properties":{{"displayName":"Rule {k}","enabled":true,"query":"SigninLogs","incidentConfiguration":{{"createIncident":{create},"groupingConfiguration":{{"enabled":{},"reopenClosedIncident":{},"lookbackDuration":"PT5H","matchingMethod":"AllEntities"}}}}}}}}"#,
                k % 3 == 0,
                k % 9 == 0
            );
        }
    }
    rules.push_str("]}");
    files.push(("alert-rules.json".to_string(), rules));
    files
}
