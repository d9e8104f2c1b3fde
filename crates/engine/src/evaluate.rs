//! Who can do each task on each workspace, and why.
//!
//! Order of evaluation follows azure-docs `overview.md` ("How Azure RBAC determines if a
//! user has access", see `azure-rbac-semantics.md` §6): collect the assignments of the
//! principal and its groups that reach the target, union what their roles grant (each
//! block's Actions minus its own NotActions), then let deny assignments override.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::Text;

use crate::action::ActionPattern;
use crate::assignment::{AssignmentState, Origin, RoleAssignment};
use crate::condition::Condition;
use crate::date::Date;
use crate::principal::{GroupPath, PrincipalKind};
use crate::role::{Plane, RoleCatalog, RoleDefinition, RoleMatch};
use crate::scope::{Reach, Scope};
use crate::task::{NamedRole, RemediationScope, Requirement, ScopeRule, Target, Task, TaskVariant, TASKS};
use crate::tenant::Tenant;

/// The answer for one principal, task and workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    /// Holds a role the docs name, at a scope that counts.
    Allowed,
    /// Holds a role whose permissions cover a named role, or the listed operations.
    Equivalent,
    /// Would qualify, but only through an assignment whose ABAC condition restricts a
    /// needed operation; the condition cannot be evaluated offline.
    Conditional,
    /// Would qualify after activating a PIM eligible assignment.
    Eligible,
    /// Would qualify if a management group holds the workspace's subscription, which the
    /// exports do not show (add a Resource Graph `resourcecontainers` export).
    Unknown,
    /// A deny assignment blocks an operation the task needs, whatever the roles grant.
    Denied,
    NotAllowed,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Equivalent => "equivalent",
            Self::Conditional => "conditional",
            Self::Eligible => "eligible",
            Self::Unknown => "unknown",
            Self::Denied => "denied",
            Self::NotAllowed => "not-allowed",
        }
    }

    /// Can do the task today without anyone's further action.
    pub fn is_qualified(self) -> bool {
        matches!(self, Self::Allowed | Self::Equivalent)
    }
}

/// How strong a grant is, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Unknown,
    Eligible,
    Conditional,
    Equivalent,
    Allowed,
}

impl Strength {
    fn verdict(self) -> VerdictKind {
        match self {
            Self::Unknown => VerdictKind::Unknown,
            Self::Eligible => VerdictKind::Eligible,
            Self::Conditional => VerdictKind::Conditional,
            Self::Equivalent => VerdictKind::Equivalent,
            Self::Allowed => VerdictKind::Allowed,
        }
    }
}

/// The kind of evidence a reason is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RouteKind {
    NamedRole,
    CoveringRole,
    ActionSet,
    EntraRole,
    Deny,
}

/// One piece of evidence behind a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub route: RouteKind,
    /// Role assignment, deny assignment or directory-role assignment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Group display names from the principal outwards, when the grant is via groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pim: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Operations this reason is about (granted, missing or denied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The sentence a person reads.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub principal: String,
    pub task: Text,
    pub workspace: Scope,
    pub verdict: VerdictKind,
    /// Which documented way of meeting the task decided it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    pub reasons: Vec<Reason>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// For a verdict short of `allowed`: the closest grants the principal does hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nearest: Vec<Reason>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Options of one evaluation.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Rules in force at this date; `None` = the newest documented rules.
    pub as_of: Option<Date>,
    /// The day PIM schedule windows are checked against.
    pub today: Date,
}

/// A task's result on one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub task: Text,
    pub title: Text,
    pub workspace: Scope,
    pub rules_since: Date,
    pub sources: Vec<String>,
    pub rule_note: Text,
    /// Principals with `allowed` or `equivalent`.
    pub qualified: Vec<PrincipalVerdict>,
    /// Principals who could qualify: eligible, conditional or unknown reach.
    pub potential: Vec<PrincipalVerdict>,
    pub denied: Vec<PrincipalVerdict>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remediation: Vec<Remediation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalVerdict {
    pub principal: String,
    pub display_name: String,
    pub verdict: VerdictKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    pub text: String,
    pub command: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Everyone evaluated, in the order [`Evaluator::principals`] gives.
    pub principals: Vec<String>,
    pub verdicts: Vec<Verdict>,
    pub outcomes: Vec<TaskOutcome>,
    /// Tasks not yet documented at the `as_of` date.
    pub tasks_not_in_force: Vec<&'static str>,
    pub caveats: Vec<String>,
}

/// An operation a task performs, where, and why we believe so.
type TaskOp = (&'static str, Target, &'static str);

/// A task with the variant in force and that variant's operations.
struct Rules {
    /// Position in [`TASKS`], for report order.
    order: usize,
    task: &'static Task,
    variant: &'static TaskVariant,
    ops: Vec<TaskOp>,
}

/// Whether a role grants an operation: `None` no, `Some(None)` unconditionally,
/// `Some(Some(c))` only through a block with condition `c`.
type GrantResult = Option<Option<Condition>>;

/// An assignment with its role resolved.
struct Resolved<'t> {
    a: &'t RoleAssignment,
    role: Rc<RoleDefinition>,
    matched: RoleMatch,
}

/// One assignment as it applies to one principal: possibly through groups.
#[derive(Clone)]
struct Candidate<'t> {
    r: &'t Resolved<'t>,
    via: Option<&'t GroupPath>,
}

/// Best support found for one requirement.
#[derive(Clone)]
struct Support {
    strength: Strength,
    reasons: Vec<Reason>,
    label: String,
}

struct RequirementResult {
    support: Option<Support>,
    missing: String,
    /// Partial evidence when unmet (a role at too low a scope, some of the operations).
    partial: Vec<Reason>,
}

pub struct Evaluator<'t> {
    tenant: &'t Tenant,
    resolved: Vec<Resolved<'t>>,
    by_principal: HashMap<String, Vec<usize>>,
    named: HashMap<&'static str, Option<RoleDefinition>>,
    covers_cache: std::cell::RefCell<HashMap<(usize, &'static str), bool>>,
    /// `grant_pattern` results per role (by its shared allocation) and operation: the same
    /// few operations are asked of the same roles for every principal and workspace.
    grant_cache: std::cell::RefCell<HashMap<(usize, &'static str), GrantResult>>,
    caveats: Vec<String>,
    opts: EvalOptions,
}

impl<'t> Evaluator<'t> {
    pub fn new(tenant: &'t Tenant, opts: EvalOptions) -> Self {
        let mut caveats = Vec::new();
        let mut cache: HashMap<String, (Rc<RoleDefinition>, RoleMatch)> = HashMap::new();
        let mut resolved = Vec::new();
        let mut unresolved: BTreeMap<String, usize> = BTreeMap::new();
        for a in &tenant.assignments {
            let key =
                a.role.id.clone().unwrap_or_else(|| {
                    format!("name:{}", a.role.name.clone().unwrap_or_default().to_ascii_lowercase())
                });
            let found = match cache.get(&key) {
                Some((r, m)) => Some((Rc::clone(r), *m)),
                None => tenant.roles.resolve(&a.role).map(|(d, m)| {
                    let rc = Rc::new(d);
                    cache.insert(key.clone(), (Rc::clone(&rc), m));
                    (rc, m)
                }),
            };
            match found {
                Some((role, matched)) => resolved.push(Resolved { a, role, matched }),
                None => *unresolved.entry(role_ref_label(a)).or_default() += 1,
            }
        }
        for (role, n) in unresolved {
            caveats.push(format!(
                "{n} assignment(s) use role {role}, which is neither built in nor among the custom role definitions supplied; they are ignored. Add a role-definition export (az role definition list --custom-role-only true -o json)."
            ));
        }
        let mut by_principal: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in resolved.iter().enumerate() {
            by_principal.entry(r.a.principal_id.clone()).or_default().push(i);
        }
        let named = TASKS
            .iter()
            .flat_map(|t| t.variants.iter())
            .flat_map(|v| v.routes.iter())
            .flat_map(|r| r.requirements.iter())
            .filter_map(|req| match req {
                Requirement::Role { roles, .. } => Some(*roles),
                Requirement::Actions { .. } => None,
            })
            .flatten()
            .map(|n| (n.id, RoleCatalog::builtin(n.id)))
            .collect();
        Self {
            tenant,
            resolved,
            by_principal,
            named,
            covers_cache: std::cell::RefCell::new(HashMap::new()),
            grant_cache: std::cell::RefCell::new(HashMap::new()),
            caveats,
            opts,
        }
    }

    /// Principals to report: everyone who holds an assignment, eligibility or directory
    /// role, and the known members of groups that do.
    pub fn principals(&self) -> Vec<String> {
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for a in &self.tenant.assignments {
            ids.insert(a.principal_id.clone());
        }
        for d in &self.tenant.directory_roles {
            ids.insert(d.principal_id.clone());
        }
        // Members (transitively) of any group we report.
        let mut queue: Vec<String> = ids.iter().cloned().collect();
        while let Some(g) = queue.pop() {
            for m in self.tenant.directory.members_of(&g) {
                if ids.insert(m.clone()) {
                    queue.push(m.clone());
                }
            }
        }
        ids.into_iter().collect()
    }

    pub fn run(&self, workspaces: &[Scope]) -> Evaluation {
        let mut eval = Evaluation {
            caveats: self.caveats.clone(),
            ..Default::default()
        };
        let principals = self.principals();
        let group_paths: BTreeMap<&String, Vec<GroupPath>> = principals
            .iter()
            .map(|p| (p, self.tenant.directory.groups_of(p)))
            .collect();
        // Each variant's operations are listed once, not once per verdict.
        let in_force: Vec<Rules> = TASKS
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match t.variant_at(self.opts.as_of) {
                Some(v) => Some(Rules {
                    order: i,
                    task: t,
                    variant: v,
                    ops: task_ops(v),
                }),
                None => {
                    eval.tasks_not_in_force.push(t.id);
                    None
                }
            })
            .collect();
        // A principal's assignments are gathered once, then narrowed per workspace to those
        // that reach the workspace or its subscription: the rest can never count there.
        let all_candidates: Vec<Vec<Candidate<'_>>> = principals
            .iter()
            .map(|p| self.candidates(p, group_paths.get(p).map(Vec::as_slice).unwrap_or(&[])))
            .collect();
        let mut verdicts: Vec<(usize, usize, usize, Verdict)> = Vec::new();
        let mut outcomes: Vec<(usize, usize, TaskOutcome)> = Vec::new();
        for (wi, ws) in workspaces.iter().enumerate() {
            let sub = ws.subscription_scope().unwrap_or_else(|| ws.clone());
            let mut per_task: Vec<Vec<Verdict>> = vec![Vec::new(); in_force.len()];
            for (pi, p) in principals.iter().enumerate() {
                let paths = group_paths.get(p).map(Vec::as_slice).unwrap_or(&[]);
                let cands: Vec<Candidate<'_>> = all_candidates
                    .get(pi)
                    .into_iter()
                    .flatten()
                    .filter(|c| {
                        self.tenant.hierarchy.reach(&c.r.a.scope, ws) != Reach::No
                            || self.tenant.hierarchy.reach(&c.r.a.scope, &sub) != Reach::No
                    })
                    .cloned()
                    .collect();
                for (slot, rules) in per_task.iter_mut().zip(&in_force) {
                    slot.push(self.verdict(p, paths, &cands, rules, ws));
                }
            }
            for (
                Rules {
                    order, task, variant, ..
                },
                task_verdicts,
            ) in in_force.iter().zip(per_task)
            {
                outcomes.push((
                    *order,
                    wi,
                    self.outcome(task, variant, ws, &task_verdicts, &group_paths),
                ));
                verdicts.extend(task_verdicts.into_iter().enumerate().map(|(pi, v)| (*order, wi, pi, v)));
            }
        }
        // Report order: task, then workspace, then principal.
        verdicts.sort_by_key(|(t, w, p, _)| (*t, *w, *p));
        eval.verdicts = verdicts.into_iter().map(|(_, _, _, v)| v).collect();
        eval.principals = principals.clone();
        outcomes.sort_by_key(|(t, w, _)| (*t, *w));
        eval.outcomes = outcomes.into_iter().map(|(_, _, o)| o).collect();
        if !self.tenant.directory.has_memberships() {
            eval.caveats.push("No group-membership export was given: roles held through groups are shown on the group's own row, not on its members. Add a Microsoft Graph groups export with members or transitiveMembers.".into());
        }
        eval
    }

    fn candidates<'s>(&'s self, principal: &str, paths: &'s [GroupPath]) -> Vec<Candidate<'s>> {
        let mut out = Vec::new();
        let direct = self
            .by_principal
            .get(principal)
            .into_iter()
            .flatten()
            .map(|&i| (i, None));
        let via_groups = paths.iter().flat_map(|path| {
            let group = path.last().map(String::as_str).unwrap_or_default();
            self.by_principal
                .get(group)
                .into_iter()
                .flatten()
                .map(move |&i| (i, Some(path)))
        });
        for (i, via) in direct.chain(via_groups) {
            if let Some(r) = self.resolved.get(i) {
                if r.a.in_window(self.opts.today) {
                    out.push(Candidate { r, via });
                }
            }
        }
        out
    }

    fn target_scope(ws: &Scope, at: ScopeRule) -> Scope {
        match at {
            ScopeRule::SubscriptionOrAbove => ws.subscription_scope().unwrap_or_else(|| ws.clone()),
            ScopeRule::CoversWorkspace => ws.clone(),
        }
    }

    fn role_covers(&self, role: &RoleDefinition, named: &NamedRole) -> bool {
        // Resolved roles are shared allocations, so the address identifies the role.
        let key = (role as *const RoleDefinition as usize, named.id);
        if let Some(v) = self.covers_cache.borrow().get(&key) {
            return *v;
        }
        let v = self
            .named
            .get(named.id)
            .and_then(Option::as_ref)
            .is_some_and(|n| role.covers(n));
        self.covers_cache.borrow_mut().insert(key, v);
        v
    }

    /// The gate an assignment puts on a grant, and the strength that follows.
    fn gate(&self, c: &Candidate<'_>, reach: &Reach, cond: Option<&Condition>, named: bool) -> Strength {
        if matches!(reach, Reach::Unknown { .. }) {
            Strength::Unknown
        } else if matches!(c.r.a.state, AssignmentState::Eligible { .. }) {
            Strength::Eligible
        } else if cond.is_some() {
            Strength::Conditional
        } else if named {
            Strength::Allowed
        } else {
            Strength::Equivalent
        }
    }

    fn group_names(&self, via: Option<&GroupPath>) -> Vec<String> {
        via.map(|p| p.iter().map(|g| self.tenant.directory.label(g)).collect())
            .unwrap_or_default()
    }

    fn reason(
        &self,
        c: &Candidate<'_>,
        route: RouteKind,
        reach: &Reach,
        cond: Option<&Condition>,
        ops: Vec<String>,
        what: &str,
    ) -> Reason {
        let a = c.r.a;
        let via = self.group_names(c.via);
        let pim = match &a.state {
            AssignmentState::Active => None,
            AssignmentState::Eligible { end, .. } => Some(match end {
                Some(e) => format!("PIM eligible until {e}; activate to use"),
                None => "PIM eligible (permanent); activate to use".to_string(),
            }),
            AssignmentState::Activated { end } => Some(match end {
                Some(e) => format!("PIM activation, ends {e}"),
                None => "PIM activation".to_string(),
            }),
        };
        let mut text = format!("{} at {}", c.r.role.name, a.scope);
        if !via.is_empty() {
            text.push_str(&format!(" via group {}", via.join(" → ")));
        }
        text.push_str(what);
        if let Some(p) = &pim {
            text.push_str(&format!(" ({p})"));
        }
        if let Reach::Unknown { management_group } = reach {
            text.push_str(&format!(
                "; management group `{management_group}` may or may not hold this subscription: add a Resource Graph resourcecontainers export"
            ));
        }
        if cond.is_some() {
            text.push_str("; limited by an ABAC condition that cannot be evaluated offline");
        }
        if c.r.matched != RoleMatch::ById {
            text.push_str("; role matched by display name because the export has no role id");
        }
        Reason {
            route,
            assignment: Some(a.id.clone()).filter(|s| !s.is_empty()),
            role: Some(c.r.role.name.clone()),
            role_id: Some(c.r.role.id.clone()),
            scope: Some(a.scope.clone()),
            via_groups: via,
            pim,
            condition: cond.map(|c| c.text.clone()),
            operations: ops,
            origin: Some(a.origin.clone()),
            text,
        }
    }

    /// The operations whose conditions and denies matter for this variant and requirement.
    fn condition_for<'c>(&self, c: &'c Candidate<'_>, ops: &[&str]) -> Option<&'c Condition> {
        c.r.a
            .condition
            .as_ref()
            .filter(|cond| ops.iter().any(|op| cond.restricts(op)))
    }

    fn eval_requirement(
        &self,
        req: &Requirement,
        cands: &[Candidate<'_>],
        ws: &Scope,
        key_ops: &[&str],
    ) -> RequirementResult {
        match req {
            Requirement::Role { roles, at } => self.eval_role(roles, *at, cands, ws, key_ops),
            Requirement::Actions { operations, at } => self.eval_actions(operations, *at, cands, ws),
        }
    }

    fn eval_role(
        &self,
        roles: &[NamedRole],
        at: ScopeRule,
        cands: &[Candidate<'_>],
        ws: &Scope,
        key_ops: &[&str],
    ) -> RequirementResult {
        let target = Self::target_scope(ws, at);
        let names: Vec<&str> = roles.iter().map(|r| r.name).collect();
        let missing = format!("{} {}", names.join(" or "), at.describe());
        let mut best: Option<Support> = None;
        let mut partial = Vec::new();
        for c in cands {
            let role = &c.r.role;
            let named = roles.iter().find(|n| n.id == role.id);
            let covered = if named.is_none() {
                roles.iter().find(|n| self.role_covers(role, n))
            } else {
                None
            };
            let Some(which) = named.or(covered) else { continue };
            let reach = self.tenant.hierarchy.reach(&c.r.a.scope, &target);
            if reach == Reach::No {
                if self.tenant.hierarchy.reach(&c.r.a.scope, ws) != Reach::No {
                    let mut r = self.reason(c, RouteKind::NamedRole, &reach, None, vec![], "");
                    r.text = format!("{}, but this task needs it {}", r.text, at.describe());
                    partial.push(r);
                }
                continue;
            }
            let cond = self.condition_for(c, key_ops);
            let strength = self.gate(c, &reach, cond, named.is_some());
            let (route, what) = if named.is_some() {
                (RouteKind::NamedRole, String::new())
            } else {
                (
                    RouteKind::CoveringRole,
                    format!(", which holds every permission of {}", which.name),
                )
            };
            let reason = self.reason(c, route, &reach, cond, vec![], &what);
            if best.as_ref().is_none_or(|b| strength > b.strength) {
                best = Some(Support {
                    strength,
                    reasons: vec![reason],
                    label: which.name.to_string(),
                });
            }
        }
        RequirementResult {
            support: best,
            missing,
            partial,
        }
    }

    fn grant_cached(&self, role: &Rc<RoleDefinition>, op: &'static str, pattern: &ActionPattern) -> GrantResult {
        let key = (Rc::as_ptr(role) as usize, op);
        if let Some(hit) = self.grant_cache.borrow().get(&key) {
            return hit.clone();
        }
        let value = grant_pattern(role, pattern).map(|c| c.cloned());
        self.grant_cache.borrow_mut().insert(key, value.clone());
        value
    }

    fn eval_actions(
        &self,
        ops: &[&'static str],
        at: ScopeRule,
        cands: &[Candidate<'_>],
        ws: &Scope,
    ) -> RequirementResult {
        let target = Self::target_scope(ws, at);
        let mut per_op: Vec<(String, Option<(Strength, usize)>)> = Vec::new();
        let mut reasons: Vec<(usize, Reason)> = Vec::new();
        for op in ops {
            let pattern = ActionPattern::new(op);
            let mut best: Option<(Strength, usize)> = None;
            for (ci, c) in cands.iter().enumerate() {
                let Some(block_cond) = self.grant_cached(&c.r.role, op, &pattern) else {
                    continue;
                };
                let reach = self.tenant.hierarchy.reach(&c.r.a.scope, &target);
                if reach == Reach::No {
                    continue;
                }
                let cond = block_cond
                    .as_ref()
                    .or_else(|| c.r.a.condition.as_ref().filter(|k| k.restricts_pattern(&pattern)));
                let strength = self.gate(c, &reach, cond, false);
                if best.is_none_or(|(s, _)| strength > s) {
                    best = Some((strength, ci));
                }
            }
            if let Some((s, ci)) = best {
                match reasons.iter_mut().find(|(i, _)| *i == ci) {
                    Some((_, r)) => r.operations.push(op.to_string()),
                    None => {
                        if let Some(c) = cands.get(ci) {
                            let reach = self.tenant.hierarchy.reach(&c.r.a.scope, &target);
                            let cond = if s == Strength::Conditional {
                                c.r.a.condition.as_ref()
                            } else {
                                None
                            };
                            reasons.push((
                                ci,
                                self.reason(c, RouteKind::ActionSet, &reach, cond, vec![op.to_string()], ""),
                            ));
                        }
                    }
                }
            }
            per_op.push((op.to_string(), best));
        }
        for (_, r) in &mut reasons {
            r.text = format!("{} grants {}", r.text, r.operations.join(", "));
        }
        let missing_ops: Vec<&String> = per_op.iter().filter(|(_, b)| b.is_none()).map(|(op, _)| op).collect();
        let reasons: Vec<Reason> = reasons.into_iter().map(|(_, r)| r).collect();
        if missing_ops.is_empty() {
            let strength = per_op
                .iter()
                .filter_map(|(_, b)| b.map(|(s, _)| s))
                .min()
                .unwrap_or(Strength::Unknown);
            let label = if ops.len() == 1 {
                ops.join("")
            } else {
                format!("the {} listed operations", ops.len())
            };
            RequirementResult {
                support: Some(Support {
                    strength,
                    reasons,
                    label,
                }),
                missing: String::new(),
                partial: vec![],
            }
        } else {
            let missing_list: Vec<&str> = missing_ops.iter().map(|s| s.as_str()).collect();
            RequirementResult {
                support: None,
                missing: format!(
                    "{} of {} operations {}: {}",
                    missing_list.len(),
                    ops.len(),
                    if ops.len() == 1 { "is missing" } else { "are missing" },
                    missing_list.join(", ")
                ),
                partial: reasons,
            }
        }
    }

    fn verdict(
        &self,
        principal: &str,
        paths: &[GroupPath],
        cands: &[Candidate<'_>],
        rules: &Rules,
        ws: &Scope,
    ) -> Verdict {
        let Rules { task, variant, ops, .. } = rules;
        let all_ops: Vec<&str> = ops.iter().map(|(o, _, _)| *o).collect();

        // Evaluate each route: weakest requirement decides the route, best route decides.
        let mut best: Option<(Strength, String, Vec<Reason>)> = None;
        let mut nearest: Option<(usize, Vec<String>, Vec<Reason>)> = None;
        for route in variant.routes {
            let results: Vec<RequirementResult> = route
                .requirements
                .iter()
                .map(|r| self.eval_requirement(r, cands, ws, &all_ops))
                .collect();
            let met: Vec<&Support> = results.iter().filter_map(|r| r.support.as_ref()).collect();
            if met.len() == results.len() {
                let strength = met.iter().map(|s| s.strength).min().unwrap_or(Strength::Unknown);
                let label = met.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(" + ");
                let reasons: Vec<Reason> = met.iter().flat_map(|s| s.reasons.clone()).collect();
                if best.as_ref().is_none_or(|(s, _, _)| strength > *s) {
                    best = Some((strength, label, reasons));
                }
            } else {
                let unmet: Vec<String> = results
                    .iter()
                    .filter(|r| r.support.is_none())
                    .map(|r| r.missing.clone())
                    .collect();
                let held: Vec<Reason> = results
                    .iter()
                    .flat_map(|r| {
                        r.support
                            .iter()
                            .flat_map(|s| s.reasons.clone())
                            .chain(r.partial.clone())
                    })
                    .collect();
                let score = results.len() - unmet.len();
                let better = match &nearest {
                    None => true,
                    Some((n, _, h)) => score > *n || (score == *n && held.len() > h.len()),
                };
                if better {
                    nearest = Some((score, unmet, held));
                }
            }
        }

        let mut notes = Vec::new();
        let mut missing = Vec::new();
        let mut nearest_reasons = Vec::new();
        let mut strength = best.as_ref().map(|(s, _, _)| *s);
        let mut reasons = best.as_ref().map(|(_, _, r)| r.clone()).unwrap_or_default();
        let route = best.as_ref().map(|(_, l, _)| l.clone());

        // Entra directory role (onboarding), when the variant asks for one.
        if let Some(entra) = &variant.entra {
            let names: Vec<&str> = entra.roles.iter().map(|r| r.name).collect();
            if self.tenant.has_directory_roles {
                match self.entra_support(principal, paths, entra.roles) {
                    Some((s, r)) => {
                        strength = strength.map(|x| x.min(s));
                        reasons.push(r);
                    }
                    None => {
                        strength = None;
                        missing.push(format!("Entra role {} (tenant-wide)", names.join(" or ")));
                    }
                }
            } else if strength.is_some() {
                notes.push(format!(
                    "Entra role not checked: onboarding also needs {} in Microsoft Entra ID. Add a Microsoft Graph directory role assignments export.",
                    names.join(" or ")
                ));
            }
        }

        let mut verdict = strength.map(Strength::verdict).unwrap_or(VerdictKind::NotAllowed);
        if strength.is_none() {
            if let Some((_, unmet, held)) = nearest.clone() {
                missing.extend(unmet);
                nearest_reasons = held;
            } else if let Some((_, _, r)) = &best {
                // Azure side met, Entra side missing.
                nearest_reasons = r.clone();
            }
        }

        // Deny assignments win over every grant.
        if strength.is_some() {
            let ids: Vec<&str> = std::iter::once(principal)
                .chain(paths.iter().filter_map(|p| p.last().map(String::as_str)))
                .collect();
            if let Some(deny_reason) = self.deny_for(&ids, ops, ws) {
                nearest_reasons = std::mem::take(&mut reasons);
                reasons = vec![deny_reason];
                verdict = VerdictKind::Denied;
            }
        }

        if matches!(
            verdict,
            VerdictKind::Eligible | VerdictKind::Conditional | VerdictKind::Unknown
        ) {
            notes.push(match verdict {
                VerdictKind::Eligible => "Qualifies only after activating a PIM eligible assignment.".to_string(),
                VerdictKind::Conditional => {
                    "Qualifies only if the ABAC condition on the assignment allows the operation.".to_string()
                }
                _ => "Qualifies only if the management group holds this workspace's subscription.".to_string(),
            });
        }
        Verdict {
            principal: principal.to_string(),
            task: task.id.into(),
            workspace: ws.clone(),
            verdict,
            route: if verdict == VerdictKind::NotAllowed || verdict == VerdictKind::Denied {
                None
            } else {
                route
            },
            reasons,
            missing,
            nearest: nearest_reasons,
            notes,
        }
    }

    fn entra_support(&self, principal: &str, paths: &[GroupPath], roles: &[NamedRole]) -> Option<(Strength, Reason)> {
        let ids: Vec<(&str, Option<&GroupPath>)> = std::iter::once((principal, None))
            .chain(paths.iter().filter_map(|p| p.last().map(|g| (g.as_str(), Some(p)))))
            .collect();
        let mut best: Option<(Strength, Reason)> = None;
        for d in &self.tenant.directory_roles {
            let Some((_, via)) = ids.iter().find(|(id, _)| *id == d.principal_id) else {
                continue;
            };
            let Some(role) = roles.iter().find(|r| r.id == d.role_template_id) else {
                continue;
            };
            if d.directory_scope != "/" {
                continue;
            }
            let strength = if d.eligible {
                Strength::Eligible
            } else {
                Strength::Allowed
            };
            let via_names = self.group_names(*via);
            let mut text = format!("Entra role {} (tenant-wide)", role.name);
            if !via_names.is_empty() {
                text.push_str(&format!(" via group {}", via_names.join(" → ")));
            }
            if d.eligible {
                text.push_str(" (PIM eligible; activate to use)");
            }
            let reason = Reason {
                route: RouteKind::EntraRole,
                assignment: None,
                role: Some(role.name.to_string()),
                role_id: Some(role.id.to_string()),
                scope: None,
                via_groups: via_names,
                pim: d.eligible.then(|| "PIM eligible".to_string()),
                condition: None,
                operations: vec![],
                origin: Some(d.origin.clone()),
                text,
            };
            if best.as_ref().is_none_or(|(s, _)| strength > *s) {
                best = Some((strength, reason));
            }
        }
        best
    }

    fn deny_for(&self, ids: &[&str], ops: &[(&str, Target, &str)], ws: &Scope) -> Option<Reason> {
        let sub = ws.subscription_scope().unwrap_or_else(|| ws.clone());
        for deny in &self.tenant.denies {
            if !deny.binds(ids.iter().copied()) {
                continue;
            }
            let blocked: Vec<(&str, &str)> = ops
                .iter()
                .filter(|(op, at, _)| {
                    let target = if *at == Target::Subscription { &sub } else { ws };
                    deny.applies_at(target) && deny.denies(op, Plane::Control)
                })
                .map(|(op, _, basis)| (*op, *basis))
                .collect();
            if blocked.is_empty() {
                continue;
            }
            let list: Vec<String> = blocked.iter().map(|(op, basis)| format!("{op} ({basis})")).collect();
            return Some(Reason {
                route: RouteKind::Deny,
                assignment: Some(deny.id.clone()),
                role: None,
                role_id: None,
                scope: Some(deny.scope.clone()),
                via_groups: vec![],
                pim: None,
                condition: None,
                operations: blocked.iter().map(|(op, _)| op.to_string()).collect(),
                origin: Some(deny.origin.clone()),
                text: format!(
                    "Deny assignment \"{}\" at {} blocks {}",
                    deny.name,
                    deny.scope,
                    list.join("; ")
                ),
            });
        }
        None
    }

    fn outcome(
        &self,
        task: &Task,
        variant: &TaskVariant,
        ws: &Scope,
        verdicts: &[Verdict],
        group_paths: &BTreeMap<&String, Vec<GroupPath>>,
    ) -> TaskOutcome {
        let pv = |v: &Verdict| PrincipalVerdict {
            principal: v.principal.clone(),
            display_name: self.tenant.directory.label(&v.principal),
            verdict: v.verdict,
        };
        let qualified: Vec<PrincipalVerdict> = verdicts.iter().filter(|v| v.verdict.is_qualified()).map(pv).collect();
        let potential: Vec<PrincipalVerdict> = verdicts
            .iter()
            .filter(|v| {
                matches!(
                    v.verdict,
                    VerdictKind::Eligible | VerdictKind::Conditional | VerdictKind::Unknown
                )
            })
            .map(pv)
            .collect();
        let denied: Vec<PrincipalVerdict> = verdicts
            .iter()
            .filter(|v| v.verdict == VerdictKind::Denied)
            .map(pv)
            .collect();
        let remediation = if qualified.is_empty() {
            self.remediation(variant, ws, verdicts, group_paths)
        } else {
            vec![]
        };
        TaskOutcome {
            task: task.id.into(),
            title: task.title.into(),
            workspace: ws.clone(),
            rules_since: variant.since,
            sources: variant
                .sources
                .iter()
                .map(|s| format!("{} [{}]", s.path, s.doc_date))
                .collect(),
            rule_note: variant.note.into(),
            qualified,
            potential,
            denied,
            remediation,
        }
    }

    /// Least-privilege grants: among people and groups not blocked by a deny assignment,
    /// the one who needs the fewest new assignments; a placeholder when there is nobody.
    fn remediation(
        &self,
        variant: &TaskVariant,
        ws: &Scope,
        verdicts: &[Verdict],
        group_paths: &BTreeMap<&String, Vec<GroupPath>>,
    ) -> Vec<Remediation> {
        let mut out = Vec::new();
        for v in verdicts.iter().filter(|v| v.verdict == VerdictKind::Eligible) {
            out.push(Remediation {
                text: format!(
                    "{} is PIM-eligible for what this task needs: activating the eligible role is enough while it lasts",
                    self.tenant.directory.label(&v.principal)
                ),
                command: "Azure portal > Privileged Identity Management > My roles > Azure resources > Activate".to_string(),
            });
        }
        let ops = task_ops(variant);
        let kind_rank = |k: PrincipalKind| match k {
            PrincipalKind::User => 0,
            PrincipalKind::Group => 1,
            _ => 2,
        };
        let mut blocked_by_deny = false;
        let mut best: Option<(usize, usize, String, Vec<Remediation>)> = None;
        // The principal needing the fewest new grants is among those already holding the most
        // related grants; looking at the 25 best placed keeps this linear in large tenants.
        let mut shortlist: Vec<&Verdict> = verdicts.iter().filter(|v| v.verdict != VerdictKind::Denied).collect();
        shortlist.sort_by_key(|v| std::cmp::Reverse(v.reasons.len() + v.nearest.len()));
        shortlist.truncate(25);
        for v in shortlist {
            // Onboarding and the portal tasks are done by people: suggest users and groups.
            let Some(p) = self.tenant.directory.get(&v.principal) else {
                continue;
            };
            if !matches!(p.kind, PrincipalKind::User | PrincipalKind::Group) {
                continue;
            }
            let paths = group_paths.get(&v.principal).map(Vec::as_slice).unwrap_or(&[]);
            let ids: Vec<&str> = std::iter::once(v.principal.as_str())
                .chain(paths.iter().filter_map(|p| p.last().map(String::as_str)))
                .collect();
            if self.deny_for(&ids, &ops, ws).is_some() {
                blocked_by_deny = true;
                continue;
            }
            let steps = self.steps_for(variant, ws, &v.principal, p.kind, &p.label(), paths);
            if steps.is_empty() {
                continue;
            }
            let key = (steps.len(), kind_rank(p.kind), p.label());
            if best.as_ref().is_none_or(|(n, k, l, _)| key < (*n, *k, l.clone())) {
                best = Some((key.0, key.1, key.2, steps));
            }
        }
        match best {
            Some((_, _, _, steps)) => out.extend(steps),
            None if blocked_by_deny || verdicts.iter().any(|v| v.verdict == VerdictKind::Denied) => out.push(Remediation {
                text: "Deny assignments block this task for everyone who could be given the roles. They are created by Azure (deployment stacks, managed applications): change the deny settings at their source, or exclude the onboarding people or group from them.".to_string(),
                command: format!(
                    "az rest --method get --url \"https://management.azure.com{ws}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01\""
                ),
            }),
            None => out.extend(self.steps_for(variant, ws, "<principal-object-id>", PrincipalKind::User, "the chosen principal", &[])),
        }
        out
    }

    fn steps_for(
        &self,
        variant: &TaskVariant,
        ws: &Scope,
        assignee: &str,
        kind: PrincipalKind,
        who: &str,
        paths: &[GroupPath],
    ) -> Vec<Remediation> {
        let mut out = Vec::new();
        let cands = self.candidates(assignee, paths);
        for (role, at) in variant.remediation {
            let (scope, rule) = match at {
                RemediationScope::Subscription => (ws.subscription_scope(), ScopeRule::SubscriptionOrAbove),
                RemediationScope::ResourceGroup => (ws.resource_group_scope(), ScopeRule::CoversWorkspace),
            };
            let Some(scope) = scope else { continue };
            let held = self.eval_role(&[*role], rule, &cands, ws, &[]);
            if held
                .support
                .as_ref()
                .is_some_and(|s| s.strength >= Strength::Equivalent)
            {
                continue;
            }
            out.push(Remediation {
                text: format!("Assign {} to {} at {}", role.name, who, scope),
                command: format!(
                    "az role assignment create --assignee-object-id {} --assignee-principal-type {} --role {} --scope \"{}\"",
                    assignee,
                    kind.cli_type(),
                    role.id,
                    scope
                ),
            });
        }
        if let Some(entra) = &variant.entra {
            let lacks = !self.tenant.has_directory_roles || self.entra_support(assignee, paths, entra.roles).is_none();
            if lacks && (self.tenant.has_directory_roles || !out.is_empty()) {
                let role = crate::task::ENTRA_SECURITY_ADMINISTRATOR;
                out.push(Remediation {
                    text: format!(
                        "Make sure {who} holds the Entra role {}{} (tenant-wide; assigning it needs Privileged Role Administrator)",
                        role.name,
                        if self.tenant.has_directory_roles { "" } else { " or Global Administrator: not checked, no directory-role export was given" }
                    ),
                    command: format!(
                        "az rest --method post --url https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments --body '{{\"principalId\":\"{assignee}\",\"roleDefinitionId\":\"{}\",\"directoryScopeId\":\"/\"}}'",
                        role.id
                    ),
                });
            }
        }
        out
    }
}

/// Every operation a task variant performs, with where and why: its key operations and
/// the concrete operations of its action routes.
fn task_ops(variant: &TaskVariant) -> Vec<TaskOp> {
    let mut ops: Vec<TaskOp> = variant
        .key_operations
        .iter()
        .map(|k| (k.operation, k.at, k.basis))
        .collect();
    for route in variant.routes {
        for req in route.requirements {
            if let Requirement::Actions { operations, at } = req {
                let t = if *at == ScopeRule::SubscriptionOrAbove {
                    Target::Subscription
                } else {
                    Target::Workspace
                };
                for op in operations.iter().filter(|o| !o.contains('*')) {
                    if !ops.iter().any(|(o, _, _)| o == op) {
                        ops.push((op, t, "listed by the task"));
                    }
                }
            }
        }
    }
    ops
}

/// Does the role grant every operation `pattern` stands for? Returns the block's
/// condition when the grant comes only from a conditional block.
fn grant_pattern<'r>(role: &'r RoleDefinition, pattern: &ActionPattern) -> Option<Option<&'r Condition>> {
    let mut conditional = None;
    for b in &role.blocks {
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

fn role_ref_label(a: &RoleAssignment) -> String {
    match (&a.role.id, &a.role.name) {
        (Some(id), Some(n)) => format!("{id} (\"{n}\")"),
        (Some(id), None) => id.clone(),
        (None, Some(n)) => format!("\"{n}\""),
        (None, None) => "(none given)".to_string(),
    }
}
