//! Who can do each task on each workspace, and why.
//!
//! Order of evaluation follows azure-docs `overview.md` ("How Azure RBAC determines if a
//! user has access", see `azure-rbac-semantics.md` §6): collect the assignments of the
//! principal and its groups that reach the target, union what their roles grant (each
//! block's Actions minus its own NotActions), then let deny assignments override.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use crate::positions::{narrow, Positions};
use crate::safe_text::shell_quoted;
use crate::shared_text::SharedText;
use crate::Text;

use crate::action::ActionPattern;
use crate::assignment::{AssignmentState, DenyAssignment, Origin, RoleAssignment};
use crate::condition::Condition;
use crate::date::Date;
use crate::principal::{GroupPath, GroupPaths, PrincipalKind};
use crate::role::{bundled_index, BundledMemo, Plane, RoleCatalog, RoleDefinition, RoleMatch};
use crate::scope::{Reach, Scope, ScopeKind};
use crate::task::{NamedRole, RemediationScope, Requirement, ScopeRule, Target, Task, TaskVariant, TASKS};
use crate::tenant::Tenant;

/// Who the suggested grants name when nobody in the exports fits: also a principal the
/// exports do not show, which a deny on All Principals binds.
const NEW_PRINCIPAL: &str = "<principal-object-id>";

/// The answer for one principal, task and workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Depends on which management group holds the workspace's subscription, which the
    /// exports do not show (add a Resource Graph `resourcecontainers` export): it would
    /// qualify only through a management-group assignment, or a deny assignment on a
    /// management group would block it.
    Unknown,
    /// A deny assignment blocks an operation the task needs, whatever the roles grant.
    Denied,
    NotAllowed,
}

crate::variant::named_variants!(VerdictKind {
    Allowed => "allowed",
    Equivalent => "equivalent",
    Conditional => "conditional",
    Eligible => "eligible",
    Unknown => "unknown",
    Denied => "denied",
    NotAllowed => "not-allowed",
});

impl VerdictKind {
    /// `,"verdict":"…"`, as both verdict records write it.
    fn push_json_field(self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"verdict\":\"");
        out.extend_from_slice(self.as_str().as_bytes());
        out.push(b'"');
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    NamedRole,
    CoveringRole,
    ActionSet,
    EntraRole,
    Deny,
}

crate::variant::named_variants!(RouteKind {
    NamedRole => "named-role",
    CoveringRole => "covering-role",
    ActionSet => "action-set",
    EntraRole => "entra-role",
    Deny => "deny",
});

/// One piece of evidence behind a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub route: RouteKind,
    /// Role assignment, deny assignment or directory-role assignment id. The ids and names
    /// are shared between the reasons that quote them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<SharedText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<SharedText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<SharedText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Group display names from the principal outwards, when the grant is via groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via_groups: Vec<SharedText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pim: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Operations this reason is about (granted, missing or denied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<SharedText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The sentence a person reads.
    pub text: String,
}

/// A verdict as the engine computes it, listed under its principal, and as the report lists
/// it ([`crate::VerdictEntry`]): one type, so a dense tenant's million verdicts move into the
/// report rather than being copied. Reasons are shared between the verdicts they explain;
/// a verdict names them by position (in [`Evaluation::reasons`], then in the report's list).
/// Written as `VerdictFields` says, or, inside [`crate::shared_text::compact_json`], as the
/// same JSON put together directly.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Verdict {
    pub task: SharedText,
    pub workspace: Scope,
    pub verdict: VerdictKind,
    /// Which documented way of meeting the task decided it.
    pub route: Option<SharedText>,
    pub reasons: Positions,
    #[serde(default)]
    pub missing: Box<[String]>,
    /// For a verdict short of `allowed`: the closest grants the principal does hold.
    #[serde(default)]
    pub nearest: Positions,
    /// How many related grants back this verdict (reasons and nearest, whether or not the
    /// nearest were spelled out): ranks who is closest for remediation. Not reported.
    #[serde(skip)]
    pub held: u32,
    #[serde(default)]
    pub notes: Box<[SharedText]>,
}

/// How a [`Verdict`] is written: its fields in order, and which are left out when empty.
#[derive(Serialize)]
struct VerdictFields<'a> {
    task: &'a SharedText,
    workspace: &'a Scope,
    verdict: VerdictKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    route: &'a Option<SharedText>,
    reasons: &'a [u32],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    missing: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    nearest: &'a [u32],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [SharedText],
}

impl<'a> From<&'a Verdict> for VerdictFields<'a> {
    fn from(v: &'a Verdict) -> Self {
        Self {
            task: &v.task,
            workspace: &v.workspace,
            verdict: v.verdict,
            route: &v.route,
            reasons: &v.reasons,
            missing: &v.missing,
            nearest: &v.nearest,
            notes: &v.notes,
        }
    }
}

impl Verdict {
    /// The JSON [`VerdictFields`] writes without indentation, put together from the shared
    /// texts' ready-made JSON.
    fn push_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        fn numbers(out: &mut Vec<u8>, key: &[u8], list: &[u32]) -> serde_json::Result<()> {
            out.extend_from_slice(key);
            serde_json::to_writer(out, list)
        }
        out.extend_from_slice(b"{\"task\":");
        self.task.push_json(out)?;
        out.extend_from_slice(b",\"workspace\":");
        self.workspace.push_json(out)?;
        self.verdict.push_json_field(out);
        if let Some(route) = &self.route {
            out.extend_from_slice(b",\"route\":");
            route.push_json(out)?;
        }
        numbers(out, b",\"reasons\":", &self.reasons)?;
        if !self.missing.is_empty() {
            out.extend_from_slice(b",\"missing\":");
            serde_json::to_writer(&mut *out, &self.missing)?;
        }
        if !self.nearest.is_empty() {
            numbers(out, b",\"nearest\":", &self.nearest)?;
        }
        for (i, note) in self.notes.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b",\"notes\":[" } else { b"," });
            note.push_json(out)?;
        }
        if !self.notes.is_empty() {
            out.push(b']');
        }
        out.push(b'}');
        Ok(())
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::shared_text::serialize_compact(s, VerdictFields::from(self), |out| self.push_json(out))
    }
}

/// Options of one evaluation.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions {
    /// Rules in force at this date; `None` = the newest documented rules.
    pub as_of: Option<Date>,
    /// The day PIM schedule windows are checked against.
    pub today: Date,
    /// Also explain `not-allowed` for principals holding nothing that matters to a task
    /// (costly in large tenants; the report asks for it with `--all-verdicts`).
    pub explain_all: bool,
    /// Threads the evaluation may use (the workspaces are shared out between them, and the
    /// assignments while finding where each reaches): 0 = one per core the machine offers,
    /// 1 = this thread only. The Wasm build always uses this thread alone. Verdicts, reasons
    /// and their order are the same for every count.
    pub threads: usize,
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
    /// Present only when the lists above were cut short (the web page keeps the first names
    /// of a large tenant): how many names each list held in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortened: Option<ListSizes>,
}

/// Full lengths of a [`TaskOutcome`]'s lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSizes {
    pub qualified: usize,
    pub potential: usize,
    pub denied: usize,
}

/// Written as `PrincipalVerdictFields` says (put together directly, like a [`Verdict`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrincipalVerdict {
    /// Shared by every verdict of the principal: a dense tenant has millions of them.
    pub principal: SharedText,
    pub display_name: SharedText,
    pub verdict: VerdictKind,
}

/// How a [`PrincipalVerdict`] is written.
#[derive(Serialize)]
struct PrincipalVerdictFields<'a> {
    principal: &'a SharedText,
    display_name: &'a SharedText,
    verdict: VerdictKind,
}

impl<'a> From<&'a PrincipalVerdict> for PrincipalVerdictFields<'a> {
    fn from(v: &'a PrincipalVerdict) -> Self {
        Self {
            principal: &v.principal,
            display_name: &v.display_name,
            verdict: v.verdict,
        }
    }
}

impl PrincipalVerdict {
    /// The JSON [`PrincipalVerdictFields`] writes without indentation.
    fn push_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"principal\":");
        self.principal.push_json(out)?;
        out.extend_from_slice(b",\"display_name\":");
        self.display_name.push_json(out)?;
        self.verdict.push_json_field(out);
        out.push(b'}');
        Ok(())
    }
}

impl Serialize for PrincipalVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::shared_text::serialize_compact(s, PrincipalVerdictFields::from(self), |out| self.push_json(out))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    pub text: String,
    pub command: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Everyone evaluated, in the order [`Evaluator::principals`] gives.
    pub principals: Vec<String>,
    /// Each principal's verdicts (same order as `principals`), by task, then workspace.
    pub verdicts: Vec<Vec<Verdict>>,
    /// Each principal's groups (same order as `principals`), direct and nested, in the order
    /// [`crate::principal::GroupPaths::of`] finds them, by label. The evaluation has
    /// walked every principal's groups already; the report takes them from here.
    pub groups: Vec<Vec<SharedText>>,
    pub outcomes: Vec<TaskOutcome>,
    /// Every reason a verdict cites, once: verdicts refer to them by position, so a reason
    /// a million verdicts share is neither copied nor counted a million times.
    pub reasons: Vec<Arc<Reason>>,
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
    /// The task's id as every verdict of it names it: one shared copy.
    id: SharedText,
    variant: &'static TaskVariant,
    ops: Vec<TaskOp>,
    /// Per role in [`Evaluator::roles`]: can it contribute to this variant at all?
    relevant: Vec<bool>,
    /// The variant's routes, each a list of its requirements with what every role in use
    /// answers them.
    routes: Vec<Vec<Check>>,
    /// Said on every verdict of a variant that needs an Entra role no export shows.
    entra_note: Option<SharedText>,
}

/// A deny assignment with its reach at a workspace and at the workspace's subscription.
type DenyReach<'d> = (&'d DenyAssignment, Reach, Reach);

/// What a deny assignment blocks of a task at a workspace (see [`Here::blocks`]).
struct Block<'d> {
    deny: &'d DenyAssignment,
    /// The operations blocked, each with the basis of the task's need for it.
    blocked: Vec<(&'static str, &'static str)>,
    /// `false` for a deny assignment on a management group that the exports do not show
    /// to hold the subscription: it blocks these operations only if it does.
    certain: bool,
    /// The same as bits of the task's operation list, which names them exactly (`None` for
    /// a list too long for a mask).
    mask: Option<u64>,
}

/// A named role's position in a requirement's list, and whether the role is it (`true`)
/// or covers it (`false`).
type RoleHit = Option<(usize, bool)>;

/// One requirement of a route, worked out for every role in use before any verdict.
enum Check {
    Role {
        roles: &'static [NamedRole],
        at: ScopeRule,
        /// Per role: the named role it is or covers.
        hits: Vec<RoleHit>,
    },
    Actions {
        ops: &'static [&'static str],
        at: ScopeRule,
        table: ActionTable,
    },
}

/// An operation list against every role in use. A verdict then checks each candidate once
/// for the whole list instead of once per operation (tens of millions of checks at 1M).
struct ActionTable {
    /// Each operation's column in [`Evaluator::grants`].
    columns: Vec<Option<usize>>,
    /// Each operation as a pattern, for testing an assignment's condition against it.
    patterns: Vec<ActionPattern>,
    /// Per role: the operations it grants (bits of the list), and those of them it grants
    /// only under a condition of its own role block.
    grants: Vec<(u64, u64)>,
}

/// What one workspace's evaluation shares across tasks and principals.
struct Here<'a> {
    ws: &'a Scope,
    /// Per deny assignment that applies at the workspace or its subscription, in export
    /// order: what it blocks of the task at hand (operation, basis). Only those that block
    /// something are listed. They do not depend on the principal, so they are worked out
    /// once per task and workspace, not per verdict.
    blocks: &'a [Block<'a>],
    cands: &'a [Candidate<'a>],
    /// Each principal's range of `cands`, sorted by principal.
    spans: &'a [(u32, Range<usize>)],
    /// Each principal's group paths, shared (see [`GroupPaths`]).
    group_paths: &'a [Vec<Arc<GroupPath<'a>>>],
    /// Each principal's id and display label, shared by the outcomes that list them.
    shared: &'a [(SharedText, SharedText)],
    /// Each principal's own id and its groups' ids, for deny assignments.
    deny_ids: &'a [Vec<&'a str>],
}

impl<'a> Here<'a> {
    fn cands_of(&self, pi: u32) -> &'a [Candidate<'a>] {
        self.spans
            .binary_search_by_key(&pi, |(p, _)| *p)
            .ok()
            .and_then(|i| self.spans.get(i))
            .and_then(|(_, r)| self.cands.get(r.clone()))
            .unwrap_or(&[])
    }

    fn paths_of(&self, pi: u32) -> &'a [Arc<GroupPath<'a>>] {
        self.group_paths.get(pi as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    fn id(&self, pi: u32) -> &'a str {
        self.shared.get(pi as usize).map(|(id, _)| &**id).unwrap_or_default()
    }
}

/// What every lane of a run reads, worked out once before the workspaces are shared out.
struct Shared<'a> {
    workspaces: &'a [Scope],
    in_force: &'a [Rules],
    /// Per workspace: the assignments that reach it (position in `resolved`) and how (position
    /// in `reaches`).
    per_ws: &'a [Vec<(usize, usize)>],
    reaches: &'a [ScopeReach],
    /// Per assignment: the principal that holds it, if it is one we report.
    holder: &'a [Option<u32>],
    group_paths: &'a [Vec<Arc<GroupPath<'a>>>],
    path_holders: &'a [Vec<Option<u32>>],
    /// Per principal: the principals with a group path that ends at it, in order.
    members_of: &'a [Vec<u32>],
    role_tasks: &'a [u64],
    /// Per workspace: the deny assignments that reach it or its subscription, in export
    /// order, with their reach at each.
    denies: &'a [Vec<DenyReach<'a>>],
    deny_ids: &'a [Vec<&'a str>],
    shared: &'a [(SharedText, SharedText)],
    principals: usize,
}

/// What working out where assignments reach needs (see [`Evaluator::reached`]).
struct Places<'a> {
    workspaces: &'a [Scope],
    subs: &'a [Scope],
    /// Workspaces by lower-case subscription id.
    by_sub: &'a FxHashMap<String, Vec<usize>>,
    /// Workspaces by lower-case name of a management group above their subscription.
    by_group: &'a FxHashMap<String, Vec<usize>>,
    /// Workspaces whose subscription's management groups the exports do not give.
    unplaced: &'a [usize],
    all_ws: &'a [usize],
    several_tenants: bool,
    /// Principals reported, by id.
    index: &'a FxHashMap<&'a str, u32>,
    role_tasks: &'a [u64],
}

impl Places<'_> {
    /// The workspaces an assignment (role or deny) at `scope` can reach: those of its own
    /// subscription; from a management group, those below it and those whose place is
    /// unknown (its reach there is reported as unknown); from the root, or from a
    /// management group when the exports span tenants, any of them. Trying every workspace
    /// for every management group grew with their product (8,000 of each took 86 s).
    fn candidates(&self, scope: &Scope) -> Cow<'_, [usize]> {
        if let Some(s) = scope.subscription_id() {
            return Cow::Borrowed(self.by_sub.get(&s.to_ascii_lowercase()).map_or(&[], Vec::as_slice));
        }
        let ScopeKind::ManagementGroup(group) = scope.kind() else {
            return Cow::Borrowed(self.all_ws);
        };
        if self.several_tenants {
            return Cow::Borrowed(self.all_ws);
        }
        let below = self
            .by_group
            .get(&group.to_ascii_lowercase())
            .map_or(&[][..], Vec::as_slice);
        match (below.is_empty(), self.unplaced.is_empty()) {
            (_, true) => Cow::Borrowed(below),
            (true, false) => Cow::Borrowed(self.unplaced),
            (false, false) => {
                let mut both = below.to_vec();
                both.extend_from_slice(self.unplaced);
                crate::order::sort(&mut both);
                Cow::Owned(both)
            }
        }
    }
}

/// Where a run of assignments reaches.
struct Reached {
    /// Per assignment: the principal that holds it, if it is one we report.
    holder: Vec<Option<u32>>,
    reaches: Vec<ScopeReach>,
    /// Per workspace: (assignment, position in `reaches`), in assignment order.
    per_ws: Vec<Vec<(usize, usize)>>,
}

impl Reached {
    /// Puts a later run's lists after these.
    #[cfg(not(target_family = "wasm"))]
    fn append(&mut self, more: Reached) {
        let offset = self.reaches.len();
        self.holder.extend(more.holder);
        self.reaches.extend(more.reaches);
        for (mine, theirs) in self.per_ws.iter_mut().zip(more.per_ws) {
            mine.extend(theirs.into_iter().map(|(ri, reach)| (ri, reach + offset)));
        }
    }
}

/// What a lane of workspaces yields: per workspace, in order, and per task in force (in the
/// order of `in_force`), the (principal, verdict) pairs in principal order; how many
/// verdicts each principal has in them; and (task order, workspace, outcome). Each list is
/// sized once for the principals that can have a verdict there: lists kept per principal
/// grew, and copied their verdicts, as workspaces were added.
struct Lane {
    verdicts: Vec<WorkspaceVerdicts>,
    counts: Vec<usize>,
    outcomes: Vec<(usize, usize, TaskOutcome)>,
}

/// One workspace's verdicts (see [`Lane`]).
type WorkspaceVerdicts = Vec<TaskVerdicts>;

/// One task's verdicts on one workspace: at most one per principal, by principal.
type TaskVerdicts = Vec<(u32, Verdict)>;

/// A lane and, for a lane another evaluator worked, where this evaluator's list put each of
/// the reasons its verdicts cite (see [`Evaluator::absorb`]).
type Worked = (Lane, Option<Vec<usize>>);

/// Whether a role grants an operation: `None` no, `Some(None)` unconditionally,
/// `Some(Some(c))` only through a block with condition `c`.
type GrantResult = Option<Option<Condition>>;

/// A value worked out once, on first use: shared between threads natively; the Wasm build
/// has one thread and keeps the plain cell.
#[cfg(not(target_family = "wasm"))]
type Once<T> = std::sync::OnceLock<T>;
#[cfg(target_family = "wasm")]
type Once<T> = std::cell::OnceCell<T>;

/// An assignment with its role resolved.
struct Resolved<'t> {
    a: &'t RoleAssignment,
    role: Arc<RoleDefinition>,
    /// Index of `role` among the distinct roles in use, for per-role tables.
    role_idx: usize,
    matched: RoleMatch,
    /// The assignment's PIM state and condition, copied here because every workspace the
    /// assignment reaches reads them to sort out repeats: reaching into the assignment for
    /// them was a cache miss each, tens of millions of times at 1M.
    eligible: bool,
    cond: Option<&'t Condition>,
    /// [`RoleAssignment::order_key`]: of equally strong grants a holder has, the one first by
    /// this key (and then [`crate::tenant::same_key_cmp`]) is quoted, not the first read.
    /// Copied here like the fields above, as every workspace sorts by it.
    order: u64,
    /// The assignment's id, written out the first time a reason quotes it (ids are held
    /// compactly, and one assignment backs thousands of reasons).
    id: Once<SharedText>,
}

/// Whether an assignment's scope reaches a workspace, and the workspace's subscription.
struct ScopeReach {
    ws: Reach,
    sub: Reach,
}

impl ScopeReach {
    /// Yes / No / Unknown at the workspace and at the subscription, as one number.
    fn kind(&self) -> u8 {
        let k = |r: &Reach| match r {
            Reach::Yes => 0,
            Reach::No => 1,
            Reach::Unknown { .. } => 2,
        };
        k(&self.ws) * 3 + k(&self.sub)
    }

    fn at(&self, rule: ScopeRule) -> &Reach {
        match rule {
            ScopeRule::SubscriptionOrAbove => &self.sub,
            ScopeRule::CoversWorkspace => &self.ws,
        }
    }
}

/// One assignment as it applies to one principal at one workspace: possibly through groups.
/// It carries what every requirement asks of it (role, PIM state, condition), so checking
/// a task reads this list alone, not each assignment scattered in memory.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    r: &'a Resolved<'a>,
    via: Option<&'a GroupPath<'a>>,
    reach: &'a ScopeReach,
    role: u32,
    eligible: bool,
    cond: Option<&'a Condition>,
}

impl<'a> Candidate<'a> {
    /// The assignment as its holder has it; a member's copy adds the group path.
    fn new(r: &'a Resolved<'a>, reach: &'a ScopeReach) -> Self {
        Self {
            r,
            via: None,
            reach,
            role: u32::try_from(r.role_idx).unwrap_or(u32::MAX),
            eligible: r.eligible,
            cond: r.cond,
        }
    }

    /// See [`DedupeKey`]: an activated PIM assignment counts as active.
    fn dedupe_key(&self) -> DedupeKey {
        let cond = self.cond.map_or(0, |c| c as *const Condition as usize);
        (
            self.r.role_idx,
            self.reach.kind(),
            u8::from(self.eligible),
            u8::from(self.r.matched == RoleMatch::ById),
            cond,
        )
    }
}

/// An assignment that reaches a workspace, listed under its holder, with its dedupe key:
/// the candidate each member gets (with the member's group path).
#[derive(Clone, Copy)]
struct HolderEntry<'a> {
    key: DedupeKey,
    cand: Candidate<'a>,
}

/// A holder's entries in the assignments' own order ([`crate::tenant::canonical_cmp`],
/// its number key first). Nearly every list is short and sorted by insertion; longer ones go
/// through the engine's shared sort, as another copy of the standard one costs the Wasm
/// more than a kilobyte.
fn in_own_order(list: &mut [HolderEntry<'_>]) {
    let after = |x: &HolderEntry<'_>, y: &HolderEntry<'_>| {
        x.cand
            .r
            .order
            .cmp(&y.cand.r.order)
            .then_with(|| crate::tenant::same_key_cmp(x.cand.r.a, y.cand.r.a))
    };
    if list.len() > 16 {
        crate::order::sort_by(list, after);
        return;
    }
    for i in 1..list.len() {
        let mut j = i;
        while j > 0 && matches!((list.get(j - 1), list.get(j)), (Some(x), Some(y)) if after(x, y).is_gt()) {
            list.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Short lists a verdict's routes are worked out in, reused from one verdict to the next:
/// fresh ones cost a dense tenant millions of allocations, which the Wasm allocator
/// makes dear.
#[derive(Default)]
struct Scratch<'a> {
    /// The route at hand: its evidence in requirement order, each marked `true` when partial
    /// (a role at too low a scope, or the operations of an unmet list).
    held: Vec<(bool, Held<'a>)>,
    labels: Vec<Label>,
    missing: Vec<Missing>,
    /// Per operation list: the candidates deciding its operations.
    deciding: Vec<Deciding>,
    /// Per operation of a list: the strongest candidate granting it.
    op_best: Vec<Option<(Strength, usize)>>,
    /// The strongest met route so far: its labels and its evidence (partial left out).
    best_labels: Vec<Label>,
    best_held: Vec<Held<'a>>,
    /// The nearest unmet route so far: what it misses and all its evidence.
    near_missing: Vec<Missing>,
    near_held: Vec<Held<'a>>,
}

/// A candidate deciding operations of a list: its position, whether its grant is
/// conditional, and the operations it decides as bits of the list and of the columns.
type Deciding = (usize, bool, u64, u64);

/// What a met requirement is called in a route's label.
#[derive(Clone, Copy)]
enum Label {
    /// A named role, or the one operation of a list.
    Name(&'static str),
    /// A list of this many operations.
    Operations(usize),
}

impl Label {
    fn write(self, out: &mut String) {
        match self {
            Self::Name(name) => out.push_str(name),
            Self::Operations(n) => {
                let _ = write!(out, "the {n} listed operations");
            }
        }
    }
}

/// Why a requirement is not met: written out only for a verdict that reports it.
#[derive(Clone, Copy)]
enum Missing {
    /// None of these roles at the scope the rule asks for.
    Roles(&'static [NamedRole], ScopeRule),
    /// The operations of the list whose bits are set.
    Operations(&'static [&'static str], u64),
}

impl Missing {
    fn describe(self) -> String {
        match self {
            // Written straight into the text: one of these per verdict left short.
            Self::Roles(roles, at) => {
                let mut text = role_names(roles);
                text.push(' ');
                text.push_str(at.describe());
                text
            }
            Self::Operations(ops, mask) => {
                let mut text = format!(
                    "{} of {} operations {}: ",
                    picked(ops, mask).count(),
                    ops.len(),
                    if ops.len() == 1 { "is missing" } else { "are missing" },
                );
                push_joined(&mut text, picked(ops, mask), ", ");
                text
            }
        }
    }
}

/// What a reason says beyond the role, its scope, groups and caveats.
enum Detail {
    Nothing,
    /// A role that holds every permission of the named role (said after the groups).
    Covers(&'static str),
    /// The role is held below the scope the task asks for (said last).
    Needs(ScopeRule),
    /// The operations of an action set, listed last.
    Grants(Vec<SharedText>),
}

/// Appends `items` with `sep` between them: `join` without the list it needs.
fn push_joined<'s>(out: &mut String, items: impl IntoIterator<Item = &'s str>, sep: &str) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
}

/// Roles that each meet a rule, as a reader meets them: "A or B".
fn role_names(roles: &[NamedRole]) -> String {
    let mut text = String::new();
    push_joined(&mut text, roles.iter().map(|r| r.name), " or ");
    text
}

/// The bit of position `i` in an operation list's mask. Lists are at most 64 long (a test
/// checks every task's lists).
fn bit(i: usize) -> u64 {
    u32::try_from(i).ok().and_then(|i| 1u64.checked_shl(i)).unwrap_or(0)
}

/// The positions of the bits set in `mask`, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            i
        })
    })
}

/// The operations of `ops` whose bits are set in `mask`, in list order.
fn picked(ops: &'static [&'static str], mask: u64) -> impl Iterator<Item = &'static str> {
    bits(mask).map_while(|i| ops.get(i).copied())
}

/// A requirement's result; its evidence went to [`Scratch::held`].
struct RequirementResult {
    /// When met: the weakest strength of its best support, and its label.
    support: Option<(Strength, Label)>,
    /// Set exactly when `support` is not.
    missing: Option<Missing>,
}

/// Evidence for a verdict, spelled out as a [`Reason`] only when the verdict that cites it
/// is reported: routes that lose, and the nearest grants of verdicts left out, never are.
#[derive(Clone, Copy)]
enum Held<'a> {
    /// A reason already spelled out: its position in the evaluation's list.
    Reason(usize),
    /// A named role held at too low a scope.
    TooLow(Candidate<'a>, ScopeRule),
    /// A named role (`named`) or a role covering it, and the assignment's ABAC condition
    /// when it limits the grant.
    Role {
        c: Candidate<'a>,
        at: ScopeRule,
        which: &'static NamedRole,
        named: bool,
        cond: Option<&'a Condition>,
    },
    /// The operations of a list (those whose bits are set) one assignment grants.
    Actions {
        c: Candidate<'a>,
        at: ScopeRule,
        cond: Option<&'a Condition>,
        ops: &'static [&'static str],
        mask: u64,
        /// The same operations by their bit in the evaluator's operation columns: the key of
        /// the sentence whichever list they came from (see [`Evaluator::column_keys`]).
        columns: u64,
    },
}

/// Which sentence a cached reason is.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum ReasonKind {
    /// A named role held at too low a scope.
    TooLow,
    Named,
    Covering,
    Actions,
    Entra,
    Deny,
}

/// What a reason says, minus the workspace: the same grant explains a principal's
/// verdicts on every workspace it reaches, so each distinct reason is built once.
#[derive(PartialEq, Eq, Hash)]
struct ReasonKey {
    assignment: usize,
    via: usize,
    unknown: bool,
    kind: ReasonKind,
    /// What else the sentence depends on: a scope rule, a named role and a condition, or an
    /// operation list, a condition and which of the list's operations (fixed size, so looking
    /// a reason up allocates nothing).
    detail: (usize, usize, u64),
}

impl ReasonKey {
    fn new(c: &Candidate<'_>, reach: &Reach, kind: ReasonKind, detail: (usize, usize, u64)) -> Self {
        Self {
            assignment: c.r as *const Resolved<'_> as usize,
            via: c.via.map_or(0, |p| p as *const GroupPath as usize),
            unknown: matches!(reach, Reach::Unknown { .. }),
            kind,
            detail,
        }
    }
}

fn cond_key(cond: Option<&Condition>) -> usize {
    cond.map_or(0, |c| c as *const Condition as usize)
}

/// A role (by index) and a static string (a named role id or an operation).
type RoleAndStatic = (usize, (usize, usize));

/// Cache key for a static string: its address and length identify its contents.
fn static_key(s: &'static str) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

/// Evaluates a tenant's verdicts. What it works out from the tenant ([`Core`]) is shared
/// with the lanes a large run is split into; each lane keeps its own caches.
pub struct Evaluator<'t> {
    core: CoreRef<'t>,
    covers_cache: std::cell::RefCell<FxHashMap<RoleAndStatic, bool>>,
    /// Each reason spelled out, by what it says: its position in `reasons`.
    reason_cache: std::cell::RefCell<FxHashMap<ReasonKey, usize>>,
    /// The reasons of the evaluation under way, handed to it when it ends.
    reasons: std::cell::RefCell<Vec<Arc<Reason>>>,
    /// Route labels, notes and the ids and names reasons quote, one copy each, held as the
    /// JSON they are written as: the same few recur on millions of verdicts.
    texts: std::cell::RefCell<FxHashSet<SharedText>>,
    /// Display labels of the groups reasons name, by group id, one copy each: hundreds of
    /// thousands of reasons name the same few hundred groups.
    labels: std::cell::RefCell<FxHashMap<Box<str>, SharedText>>,
    /// Where a reason's sentence is written before it is copied out at its exact length:
    /// hundreds of thousands of sentences, each grown piece by piece, left a third of their
    /// memory unused.
    sentence: std::cell::RefCell<String>,
}

/// How evaluators hold their core: shared with other threads' evaluators natively; the
/// Wasm build has one thread.
#[cfg(not(target_family = "wasm"))]
type CoreRef<'t> = Arc<Core<'t>>;
#[cfg(target_family = "wasm")]
type CoreRef<'t> = std::rc::Rc<Core<'t>>;

/// What an [`Evaluator`] works out from the tenant before any verdict, read-only after.
pub struct Core<'t> {
    tenant: &'t Tenant,
    resolved: Vec<Resolved<'t>>,
    /// The distinct roles the assignments use.
    roles: Vec<Arc<RoleDefinition>>,
    named: &'static HashMap<&'static str, Option<RoleDefinition>>,
    /// Every operation a task lists, and its position in `grants`.
    op_index: FxHashMap<(usize, usize), usize>,
    /// [`RoleDefinition::grant_pattern`] for every role in use (rows) and listed operation
    /// (columns), worked out once: the same few operations are asked of the same roles for
    /// every principal and workspace.
    /// Role × operation: 0 no grant, 1 unconditional, `k + 2` through the block condition
    /// `grant_conds[k]`. Small cells, so the table stays in cache while every candidate of
    /// every principal is checked against it.
    grants: Vec<u32>,
    grant_conds: Vec<Condition>,
    /// Every operation list names its operations in column order, and there are at most 64
    /// columns: then a set of columns identifies a sentence's operations, in order, and
    /// lists that share operations share their reasons.
    column_keys: bool,
    caveats: Vec<String>,
    opts: EvalOptions,
    /// The directory-role records by principal: (principal id, position in the tenant's
    /// list), sorted.
    directory_roles_of: Vec<(&'t str, usize)>,
}

/// See [`Core::directory_roles_of`]: looking a principal's records up, rather than reading
/// every record for every principal, keeps tens of thousands of Entra role holders linear.
/// A sorted list rather than a map: no further generic map in the Wasm.
fn directory_roles_of(tenant: &Tenant) -> Vec<(&str, usize)> {
    let mut of: Vec<(&str, usize)> = tenant
        .directory_roles
        .iter()
        .enumerate()
        .map(|(k, d)| (d.principal_id.as_str(), k))
        .collect();
    crate::order::sort(&mut of);
    of
}

impl<'t> Core<'t> {
    /// [`Evaluator::reached`] for the assignments in `part`.
    fn reach_part(&self, p: &Places<'_>, part: Range<usize>) -> Reached {
        let mut reaches: Vec<ScopeReach> = Vec::new();
        let mut scope_reach: FxHashMap<&str, Vec<(usize, usize)>> = FxHashMap::default();
        let mut per_ws: Vec<Vec<(usize, usize)>> = vec![Vec::new(); p.workspaces.len()];
        let mut holder: Vec<Option<u32>> = Vec::with_capacity(part.len());
        for (ri, r) in self.resolved.iter().enumerate().take(part.end).skip(part.start) {
            holder.push(p.index.get(&*r.a.principal_id).copied());
            if !r.a.in_window(self.opts.today) || p.role_tasks.get(r.role_idx).is_none_or(|&tasks| tasks == 0) {
                continue;
            }
            let targets = scope_reach.entry(r.a.scope.key()).or_insert_with(|| {
                let mut out = Vec::new();
                for &wi in p.candidates(&r.a.scope).iter() {
                    let (Some(ws), Some(sub)) = (p.workspaces.get(wi), p.subs.get(wi)) else {
                        continue;
                    };
                    let reach = ScopeReach {
                        ws: self.tenant.hierarchy.reach(&r.a.scope, ws),
                        sub: self.tenant.hierarchy.reach(&r.a.scope, sub),
                    };
                    if reach.ws != Reach::No || reach.sub != Reach::No {
                        reaches.push(reach);
                        out.push((wi, reaches.len() - 1));
                    }
                }
                out
            });
            for &(wi, reach) in targets.iter() {
                if let Some(list) = per_ws.get_mut(wi) {
                    list.push((ri, reach));
                }
            }
        }
        Reached {
            holder,
            reaches,
            per_ws,
        }
    }
}

impl<'t> Core<'t> {
    /// Per workspace, the deny assignments that reach it or its subscription. As for role
    /// assignments ([`Places::candidates`]), a deny assignment in a subscription is tried
    /// only on that subscription's workspaces: trying every deny assignment on every
    /// workspace grew with their product (8,000 of each took 19 s).
    fn deny_reach(&self, p: &Places<'_>) -> Vec<Vec<DenyReach<'t>>> {
        let tree = &self.tenant.hierarchy;
        let mut out: Vec<Vec<DenyReach<'t>>> = vec![Vec::new(); p.workspaces.len()];
        for d in &self.tenant.denies {
            for &wi in p.candidates(&d.scope).iter() {
                let (Some(ws), Some(sub), Some(list)) = (p.workspaces.get(wi), p.subs.get(wi), out.get_mut(wi)) else {
                    continue;
                };
                let (at_ws, at_sub) = (d.reach_at(ws, tree), d.reach_at(sub, tree));
                if at_ws != Reach::No || at_sub != Reach::No {
                    list.push((d, at_ws, at_sub));
                }
            }
        }
        out
    }
}

impl<'t> std::ops::Deref for Evaluator<'t> {
    type Target = Core<'t>;

    fn deref(&self) -> &Core<'t> {
        &self.core
    }
}

impl<'t> Evaluator<'t> {
    pub fn new(tenant: &'t Tenant, opts: EvalOptions) -> Self {
        let mut caveats = Vec::new();
        // Per role reference, found or not: a reference that resolves to nothing is not
        // looked up again for each of its assignments.
        let mut cache: FxHashMap<Cow<'t, str>, Option<(usize, RoleMatch)>> = FxHashMap::default();
        let mut names = None;
        let mut roles: Vec<Arc<RoleDefinition>> = Vec::new();
        let mut resolved = Vec::with_capacity(tenant.assignments.len());
        let mut unresolved: BTreeMap<String, usize> = BTreeMap::new();
        for a in &tenant.assignments {
            let key: Cow<'t, str> = match (&a.role.id, &a.role.name) {
                (Some(id), _) => Cow::Borrowed(&**id),
                (None, name) => Cow::Owned(format!(
                    "name:{}",
                    name.as_deref().unwrap_or_default().to_ascii_lowercase()
                )),
            };
            let found = match cache.get(&key) {
                Some(&known) => known,
                None => {
                    let found = tenant.roles.resolve_with(&a.role, &mut names).map(|(d, m)| {
                        roles.push(Arc::new(d));
                        (roles.len() - 1, m)
                    });
                    cache.insert(key, found);
                    found
                }
            };
            match found.and_then(|(idx, m)| roles.get(idx).map(|r| (idx, Arc::clone(r), m))) {
                Some((role_idx, role, matched)) => resolved.push(Resolved {
                    a,
                    role,
                    role_idx,
                    matched,
                    eligible: matches!(a.state, AssignmentState::Eligible { .. }),
                    cond: a.condition.as_deref(),
                    order: a.order_key(),
                    id: Once::new(),
                }),
                None => *unresolved.entry(role_ref_label(a)).or_default() += 1,
            }
        }
        for (role, n) in unresolved {
            caveats.push(format!(
                "{n} assignment(s) use role {role}, which is neither built in nor among the custom role definitions supplied; they are ignored. Add a role-definition export (az role definition list --custom-role-only true -o json)."
            ));
        }
        let mut op_index: FxHashMap<(usize, usize), usize> = FxHashMap::default();
        let mut ops: Vec<&'static str> = Vec::new();
        for op in crate::task::operation_lists().flatten() {
            op_index.entry(static_key(op)).or_insert_with(|| {
                ops.push(op);
                ops.len() - 1
            });
        }
        let column_keys = ops.len() <= 64
            && crate::task::operation_lists().all(|list| {
                list.windows(2)
                    .all(|w| matches!(w, [a, b] if op_index.get(&static_key(a)) < op_index.get(&static_key(b))))
            });
        let patterns: Vec<ActionPattern> = ops.iter().map(|op| ActionPattern::new(op)).collect();
        let mut grant_conds = Vec::new();
        let grants = roles
            .iter()
            .flat_map(|role| {
                ops.iter()
                    .zip(&patterns)
                    .map(|(op, p)| bundled_grant(role, op, || role.grant_pattern(p).map(|c| c.cloned())))
            })
            .map(|grant| match grant {
                None => 0,
                Some(None) => 1,
                Some(Some(cond)) => {
                    let k = grant_conds.len();
                    grant_conds.push(cond);
                    u32::try_from(k + 2).unwrap_or(u32::MAX)
                }
            })
            .collect();
        Self::with_core(CoreRef::new(Core {
            tenant,
            resolved,
            roles,
            named: named_roles(),
            op_index,
            grants,
            grant_conds,
            column_keys,
            caveats,
            opts,
            directory_roles_of: directory_roles_of(tenant),
        }))
    }

    fn with_core(core: CoreRef<'t>) -> Self {
        Self {
            core,
            covers_cache: std::cell::RefCell::new(FxHashMap::default()),
            reason_cache: std::cell::RefCell::new(FxHashMap::default()),
            reasons: std::cell::RefCell::new(Vec::new()),
            texts: std::cell::RefCell::new(FxHashSet::default()),
            labels: std::cell::RefCell::new(FxHashMap::default()),
            sentence: std::cell::RefCell::new(String::new()),
        }
    }

    /// Principals to report: everyone who holds an assignment, eligibility or directory
    /// role, and the known members of groups that do. Sorted by id.
    pub fn principals(&self) -> Vec<String> {
        let mut ids: FxHashSet<&str> = FxHashSet::default();
        for a in &self.tenant.assignments {
            ids.insert(&a.principal_id);
        }
        for d in &self.tenant.directory_roles {
            ids.insert(&d.principal_id);
        }
        // Members (transitively) of any group we report.
        let mut queue: Vec<&str> = ids.iter().copied().collect();
        while let Some(g) = queue.pop() {
            for m in self.tenant.directory.members_of(g) {
                if ids.insert(m) {
                    queue.push(m);
                }
            }
        }
        let mut out: Vec<String> = ids.into_iter().map(str::to_string).collect();
        crate::order::sort(&mut out);
        out
    }

    /// Does the role matter to this variant at all: is it (or does it cover) a named role,
    /// or does it grant one of the listed operations?
    fn relevant(&self, role: &Arc<RoleDefinition>, role_idx: usize, variant: &TaskVariant) -> bool {
        // Remediation asks whether someone already holds (or covers) the role it would grant.
        let remedies = variant
            .remediation
            .iter()
            .any(|(n, _)| n.id == role.id || self.role_covers(role, role_idx, n));
        remedies
            || variant
                .routes
                .iter()
                .flat_map(|r| r.requirements.iter())
                .any(|req| match req {
                    Requirement::Role { roles, .. } => roles
                        .iter()
                        .any(|n| n.id == role.id || self.role_covers(role, role_idx, n)),
                    Requirement::Actions { operations, .. } => operations
                        .iter()
                        .any(|op| self.grant(role_idx, self.op_column(op)).is_some()),
                })
    }

    pub fn run(&self, workspaces: &[Scope]) -> Evaluation {
        let mut eval = Evaluation {
            caveats: self.caveats.clone(),
            ..Default::default()
        };
        let principals = self.principals();
        let index: FxHashMap<&str, u32> = principals
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i as u32))
            .collect();
        // Members of one group reach its assignments along the same paths, shared: a reason
        // quoting one (keyed by the path's address) is written once for all of them.
        let mut made = GroupPaths::default();
        let group_paths: Vec<Vec<Arc<GroupPath>>> =
            principals.iter().map(|p| made.of(&self.tenant.directory, p)).collect();
        drop(made);
        // Per principal, per group path: the principal that group is, if it holds anything.
        let path_holders: Vec<Vec<Option<u32>>> = group_paths
            .iter()
            .map(|paths| paths.iter().map(|path| index.get(path.last()).copied()).collect())
            .collect();
        let mut members_of: Vec<Vec<u32>> = vec![Vec::new(); principals.len()];
        for (pi, holders_of) in (0..principals.len() as u32).zip(&path_holders) {
            for &h in holders_of.iter().flatten() {
                if let Some(list) = members_of.get_mut(h as usize) {
                    if list.last() != Some(&pi) {
                        list.push(pi);
                    }
                }
            }
        }
        // Each variant's operations are listed once, not once per verdict.
        let in_force: Vec<Rules> = TASKS
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match t.variant_at(self.opts.as_of) {
                Some(v) => Some(Rules {
                    order: i,
                    task: t,
                    id: SharedText::new(t.id),
                    variant: v,
                    ops: task_ops(v),
                    relevant: self
                        .roles
                        .iter()
                        .enumerate()
                        .map(|(ri, r)| self.relevant(r, ri, v))
                        .collect(),
                    routes: v
                        .routes
                        .iter()
                        .map(|route| route.requirements.iter().map(|req| self.check(req)).collect())
                        .collect(),
                    entra_note: v.entra.as_ref().map(|entra| {
                        SharedText::new(&format!(
                            "Entra role not checked: onboarding also needs {} in Microsoft Entra ID. Add a Microsoft Graph directory role assignments export.",
                            role_names(entra.roles)
                        ))
                    }),
                }),
                None => {
                    eval.tasks_not_in_force.push(t.id);
                    None
                }
            })
            .collect();

        // Which assignments reach which workspace, computed once per distinct scope: an
        // assignment can only reach workspaces in its own subscription, or (from a
        // management group or the root) any of them.
        let subs: Vec<Scope> = workspaces
            .iter()
            .map(|ws| ws.subscription_scope().unwrap_or_else(|| ws.clone()))
            .collect();
        let mut by_sub: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (wi, ws) in workspaces.iter().enumerate() {
            if let Some(s) = ws.subscription_id() {
                by_sub.entry(s.to_ascii_lowercase()).or_default().push(wi);
            }
        }
        let mut by_group: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut unplaced: Vec<usize> = Vec::new();
        for (wi, ws) in workspaces.iter().enumerate() {
            let Some(s) = ws.subscription_id() else { continue };
            match self.tenant.hierarchy.subscription_ancestors(&s.to_ascii_lowercase()) {
                Some(chain) => {
                    for group in chain {
                        let list = by_group.entry(group.clone()).or_default();
                        if list.last() != Some(&wi) {
                            list.push(wi);
                        }
                    }
                }
                None => unplaced.push(wi),
            }
        }
        let all_ws: Vec<usize> = (0..workspaces.len()).collect();
        // Per role: the tasks in force (bits of their position in `in_force`) it can serve.
        // Roles that serve none are left out before anything is expanded; the others' candidates
        // are sorted into their tasks' lists in one pass.
        let role_tasks: Vec<u64> = (0..self.roles.len())
            .map(|ri| {
                in_force
                    .iter()
                    .enumerate()
                    .filter(|(_, rules)| rules.relevant.get(ri).copied().unwrap_or(false))
                    .fold(0, |mask, (t, _)| mask | bit(t))
            })
            .collect();
        let places = Places {
            workspaces,
            subs: &subs,
            by_sub: &by_sub,
            by_group: &by_group,
            unplaced: &unplaced,
            all_ws: &all_ws,
            several_tenants: self.tenant.hierarchy.several_tenants,
            index: &index,
            role_tasks: &role_tasks,
        };
        let Reached {
            holder,
            reaches,
            per_ws,
        } = self.reached(&places);

        let denies = self.deny_reach(&places);
        let deny_ids: Vec<Vec<&str>> = principals
            .iter()
            .zip(&group_paths)
            .map(|(p, paths)| {
                std::iter::once(p.as_str())
                    .chain(paths.iter().map(|path| path.last()))
                    .collect()
            })
            .collect();
        let shared: Vec<(SharedText, SharedText)> = principals
            .iter()
            .map(|p| {
                (
                    SharedText::new(p.as_str()),
                    SharedText::new(&self.tenant.directory.label(p)),
                )
            })
            .collect();
        let w = Shared {
            workspaces,
            in_force: &in_force,
            per_ws: &per_ws,
            reaches: &reaches,
            holder: &holder,
            group_paths: &group_paths,
            path_holders: &path_holders,
            members_of: &members_of,
            role_tasks: &role_tasks,
            denies: &denies,
            deny_ids: &deny_ids,
            shared: &shared,
            principals: principals.len(),
        };
        let mut outcomes = Vec::new();
        let mut lanes = Vec::new();
        let mut counts = vec![0; principals.len()];
        for (lane, moved) in self.lanes(&w) {
            outcomes.extend(lane.outcomes);
            for (total, n) in counts.iter_mut().zip(lane.counts) {
                *total += n;
            }
            lanes.push((lane.verdicts, moved));
        }
        eval.verdicts = by_principal(lanes, &counts, in_force.len());
        // Each path ends at one of the principal's groups, in `GroupPaths::of`'s order.
        eval.groups = group_paths
            .iter()
            .map(|paths| paths.iter().map(|p| self.group_label(p.last())).collect())
            .collect();
        eval.principals = principals;
        crate::order::sort_by_key(&mut outcomes, |(t, w, _)| (*t, *w));
        eval.outcomes = outcomes.into_iter().map(|(_, _, o)| o).collect();
        // The positions verdicts hold are this run's: a later run starts a list of its own.
        eval.reasons = std::mem::take(&mut *self.reasons.borrow_mut());
        self.reason_cache.borrow_mut().clear();
        if !self.tenant.directory.has_memberships() {
            eval.caveats.push("No group-membership export was given: roles held through groups are shown on the group's own row, not on its members. Add a Microsoft Graph groups export with members or transitiveMembers.".into());
        }
        eval
    }

    /// Which workspace each assignment reaches, and how. Natively the assignments are cut
    /// into one run per thread, each worked on its own thread; the runs are put together in
    /// assignment order, so every list is as one thread would have made it.
    #[cfg(not(target_family = "wasm"))]
    fn reached(&self, p: &Places<'_>) -> Reached {
        let n = self.resolved.len();
        let parts = self.threads().clamp(1, n.max(1));
        let cuts: Vec<Range<usize>> = (0..parts).map(|k| k * n / parts..(k + 1) * n / parts).collect();
        let Some((first, rest)) = cuts.split_first() else {
            return self.reach_part(p, 0..n);
        };
        let core: &Core<'t> = &self.core;
        let (mut out, more) = crate::parallel::beside(
            rest,
            |part| core.reach_part(p, part.clone()),
            || self.reach_part(p, first.clone()),
        );
        for more in more {
            out.append(more);
        }
        out
    }

    /// The Wasm build has one thread: every assignment, here.
    #[cfg(target_family = "wasm")]
    fn reached(&self, p: &Places<'_>) -> Reached {
        self.reach_part(p, 0..self.resolved.len())
    }

    /// Threads the options allow (the Wasm build has one, and does not ask).
    #[cfg(not(target_family = "wasm"))]
    fn threads(&self) -> usize {
        match self.opts.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }

    /// Every workspace's verdicts and outcomes. With more than one thread, the workspaces
    /// are cut into runs of about equal work, one per thread; each thread works its run with
    /// caches of its own, and the results are taken in workspace order, so the evaluation is
    /// the same as one thread's.
    #[cfg(not(target_family = "wasm"))]
    fn lanes(&self, w: &Shared<'_>) -> Vec<Worked> {
        let ranges = lane_ranges(w.per_ws, self.threads());
        let Some((first, rest)) = ranges.split_first() else {
            return vec![(self.lane(w, 0..w.workspaces.len()), None)];
        };
        // Each other run with an evaluator of its own over the shared core.
        let core = &self.core;
        let (mine, others) = crate::parallel::beside(
            rest,
            |range| {
                let fork = Self::with_core(CoreRef::clone(core));
                let lane = fork.lane(w, range.clone());
                (fork, lane)
            },
            || self.lane(w, first.clone()),
        );
        let mut out = vec![(mine, None)];
        for (fork, lane) in others {
            out.push((lane, Some(self.absorb(fork))));
        }
        out
    }

    /// The Wasm build has one thread: every workspace, here.
    #[cfg(target_family = "wasm")]
    fn lanes(&self, w: &Shared<'_>) -> Vec<Worked> {
        vec![(self.lane(w, 0..w.workspaces.len()), None)]
    }

    /// Takes in the reasons of an evaluator that worked a later lane: one this evaluator
    /// already holds (the same key) is used instead of the copy, as a single evaluator would
    /// have. Returns where each of the other's reasons now is: its lane's verdicts are
    /// renumbered as they are put in the report's order.
    #[cfg(not(target_family = "wasm"))]
    fn absorb(&self, other: Evaluator<'t>) -> Vec<usize> {
        let theirs = other.reasons.into_inner();
        let mut keys: Vec<Option<ReasonKey>> = theirs.iter().map(|_| None).collect();
        for (key, at) in other.reason_cache.into_inner() {
            if let Some(slot) = keys.get_mut(at) {
                *slot = Some(key);
            }
        }
        let mut reasons = self.reasons.borrow_mut();
        let mut cache = self.reason_cache.borrow_mut();
        let mut add = |reason: Arc<Reason>| {
            reasons.push(reason);
            reasons.len() - 1
        };
        theirs
            .into_iter()
            .zip(keys)
            .map(|(reason, key)| match key {
                Some(key) => *cache.entry(key).or_insert_with(|| add(reason)),
                None => add(reason),
            })
            .collect()
    }

    /// The verdicts and outcomes on the workspaces in `range`, with this evaluator's caches:
    /// one lane of a run (see [`Evaluator::lanes`]).
    fn lane(&self, w: &Shared<'_>, range: Range<usize>) -> Lane {
        let mut verdicts = Vec::with_capacity(range.len());
        let mut counts = vec![0; w.principals];
        // Reused for every workspace: in large tenants each holds millions of entries.
        // Per holder (principal index): its assignments that reach the workspace, in their
        // own order (see `Resolved::order`), each with its dedupe key so members check it
        // without reaching back into the assignment (a cache miss each, tens of millions of
        // times at 1M); and which holders have any.
        let mut by_holder: Vec<Vec<HolderEntry<'_>>> = vec![Vec::new(); w.principals];
        let mut holders: Vec<u32> = Vec::new();
        let mut cands: Vec<Candidate<'_>> = Vec::new();
        // Each principal's run of `cands`, in principal order.
        let mut spans: Vec<(u32, Range<usize>)> = Vec::new();
        let mut seen = Seen::new(self.roles.len());
        let mut held: FxHashSet<(u32, DedupeKey)> = FxHashSet::default();
        // Per task in force: the principal's candidates at hand that it can use.
        let mut by_task: Vec<Vec<Candidate<'_>>> = w.in_force.iter().map(|_| Vec::new()).collect();
        let mut scratch = Scratch::default();
        let mut outcomes: Vec<(usize, usize, TaskOutcome)> = Vec::new();
        let mut who: Vec<u32> = Vec::new();
        let mut met: Vec<usize> = vec![usize::MAX; w.principals];
        for wi in range {
            let Some(ws) = w.workspaces.get(wi) else {
                continue;
            };
            let denies = w.denies.get(wi).map(Vec::as_slice).unwrap_or_default();
            for h in holders.drain(..) {
                if let Some(list) = by_holder.get_mut(h as usize) {
                    list.clear();
                }
            }
            held.clear();
            for &(ri, reach) in w.per_ws.get(wi).into_iter().flatten() {
                let (Some(r), Some(how), Some(&Some(h))) =
                    (self.resolved.get(ri), w.reaches.get(reach), w.holder.get(ri))
                else {
                    continue;
                };
                let cand = Candidate::new(r, how);
                if let Some(list) = by_holder.get_mut(h as usize) {
                    if list.is_empty() {
                        holders.push(h);
                    }
                    list.push(HolderEntry {
                        key: cand.dedupe_key(),
                        cand,
                    });
                }
            }
            // Each holder's list in the assignments' own order rather than the records', so
            // which of equal grants is quoted does not depend on how the exports were
            // ordered; then its repeats of one role reaching the same way are dropped
            // before its members are expanded (every member would drop them below anyway:
            // the first is the one kept, here as there). Sorting the short lists here costs
            // far less than putting a million assignments in that order up front.
            for &h in &holders {
                if let Some(list) = by_holder.get_mut(h as usize) {
                    in_own_order(list);
                    list.retain(|e| held.insert((h, e.key)));
                }
            }
            // Only holders here and the members of holding groups can have candidates. Going
            // through every principal at every workspace grew with their product (16,000
            // principals on 8,000 workspaces: 2 s of 3.7). Where most principals have some,
            // all are gone through in order instead of sorting the list.
            who.clear();
            for &h in &holders {
                let members = w.members_of.get(h as usize).map(Vec::as_slice).unwrap_or_default();
                for &m in std::iter::once(&h).chain(members) {
                    if let Some(seen_at) = met.get_mut(m as usize) {
                        if *seen_at != wi {
                            *seen_at = wi;
                            who.push(m);
                        }
                    }
                }
            }
            if who.len() >= w.principals / 4 {
                who.clear();
                who.extend(0..w.principals as u32);
            } else {
                crate::order::sort(&mut who);
            }
            cands.clear();
            spans.clear();
            // Each principal's candidates: its own assignments first, then those of its
            // groups in path order, each in assignment order. Two assignments of the same role
            // that reach the same way, in the same state and without a condition decide
            // identically; only the first one is ever quoted, so the rest are dropped.
            // Principals in large tenants hold hundreds of such repeats through their groups.
            for &pi in &who {
                let (Some(paths), Some(holders_of)) = (w.group_paths.get(pi as usize), w.path_holders.get(pi as usize))
                else {
                    continue;
                };
                let start = cands.len();
                seen.next();
                let own = std::iter::once((None, Some(pi)));
                let via_groups = paths.iter().map(|p| Some(&**p)).zip(holders_of.iter().copied());
                for (via, h) in own.chain(via_groups) {
                    let list = h
                        .and_then(|h| by_holder.get(h as usize))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    for &HolderEntry { key, cand } in list {
                        if seen.insert(key) {
                            cands.push(Candidate { via, ..cand });
                        }
                    }
                }
                if cands.len() > start {
                    spans.push((pi, start..cands.len()));
                }
            }
            let base = Here {
                ws,
                blocks: &[],
                cands: &cands,
                spans: &spans,
                group_paths: w.group_paths,
                shared: w.shared,
                deny_ids: w.deny_ids,
            };
            let blocks: Vec<_> = w.in_force.iter().map(|rules| deny_blocks(denies, &rules.ops)).collect();
            let ctxs: Vec<Here<'_>> = blocks.iter().map(|blocks| Here { blocks, ..base }).collect();
            // Each task's verdicts on this workspace: at most one per principal with
            // candidates (the explain-all merge below makes its own list for everyone).
            let mut task_verdicts: WorkspaceVerdicts =
                w.in_force.iter().map(|_| Vec::with_capacity(spans.len())).collect();
            // Principal by principal, every task in turn: a principal's few dozen candidates
            // stay in cache while each task reads them, instead of the whole workspace's
            // candidates being read again for every task.
            for (pi, span) in &spans {
                by_task.iter_mut().for_each(Vec::clear);
                for c in cands.get(span.clone()).unwrap_or_default() {
                    for t in bits(w.role_tasks.get(c.role as usize).copied().unwrap_or(0)) {
                        if let Some(list) = by_task.get_mut(t) {
                            list.push(*c);
                        }
                    }
                }
                for (((rules, ctx), list), useful) in w.in_force.iter().zip(&ctxs).zip(&mut task_verdicts).zip(&by_task)
                {
                    // Only principals holding a role that matters to the task can get
                    // anything but `not-allowed`; the rest are explained only on request.
                    if !useful.is_empty() {
                        list.push((*pi, self.verdict(ctx, *pi, rules, useful, &mut scratch)));
                    }
                }
            }
            for ((rules, ctx), list) in w.in_force.iter().zip(&ctxs).zip(&mut task_verdicts) {
                outcomes.push((rules.order, wi, self.outcome(ctx, rules, list)));
                if self.opts.explain_all {
                    // Everyone else holds nothing this task can use: their verdicts join the
                    // list in principal order.
                    let mut useful = std::mem::replace(list, Vec::with_capacity(w.principals))
                        .into_iter()
                        .peekable();
                    for pi in 0..w.principals as u32 {
                        let next = useful.next_if(|(p, _)| *p == pi);
                        list.push(next.unwrap_or_else(|| (pi, self.verdict(ctx, pi, rules, &[], &mut scratch))));
                    }
                } else {
                    // `not-allowed` verdicts served the remediation above; the report leaves
                    // them out, so they are dropped now rather than carried along.
                    list.retain(|(_, v)| v.verdict != VerdictKind::NotAllowed);
                    // Most of a dense tenant's onboarding verdicts are dropped here.
                    if list.len() < list.capacity() / 2 {
                        list.shrink_to_fit();
                    }
                }
                for (pi, _) in list.iter() {
                    if let Some(n) = counts.get_mut(*pi as usize) {
                        *n += 1;
                    }
                }
            }
            verdicts.push(task_verdicts);
        }
        Lane {
            verdicts,
            counts,
            outcomes,
        }
    }

    fn role_covers(&self, role: &RoleDefinition, role_idx: usize, named: &NamedRole) -> bool {
        let key = (role_idx, static_key(named.id));
        if let Some(v) = self.covers_cache.borrow().get(&key) {
            return *v;
        }
        let v = self
            .named
            .get(named.id)
            .and_then(Option::as_ref)
            .is_some_and(|n| role.covers_cached(n));
        self.covers_cache.borrow_mut().insert(key, v);
        v
    }

    /// The gate an assignment puts on a grant, and the strength that follows.
    fn gate(&self, c: &Candidate<'_>, reach: &Reach, cond: Option<&Condition>, named: bool) -> Strength {
        if matches!(reach, Reach::Unknown { .. }) {
            Strength::Unknown
        } else if c.eligible {
            Strength::Eligible
        } else if cond.is_some() {
            Strength::Conditional
        } else if named {
            Strength::Allowed
        } else {
            Strength::Equivalent
        }
    }

    fn group_names(&self, via: Option<&GroupPath>) -> Vec<SharedText> {
        via.map(|p| p.groups().into_iter().map(|g| self.group_label(g)).collect())
            .unwrap_or_default()
    }

    /// A group's display name, one shared copy per group (the report lists them too).
    pub(crate) fn group_label(&self, id: &str) -> SharedText {
        if let Some(hit) = self.labels.borrow().get(id) {
            return hit.clone();
        }
        let made = self.share(&self.tenant.directory.label(id));
        self.labels.borrow_mut().insert(Box::from(id), made.clone());
        made
    }

    fn held_reason(&self, held: &Held<'_>) -> usize {
        match held {
            Held::Reason(r) => *r,
            Held::TooLow(c, at) => {
                let reach = c.reach.at(*at);
                let key = ReasonKey::new(c, reach, ReasonKind::TooLow, (*at as usize, 0, 0));
                self.cached(key, || {
                    self.reason(c, RouteKind::NamedRole, reach, None, Detail::Needs(*at))
                })
            }
            Held::Role {
                c,
                at,
                which,
                named,
                cond,
            } => {
                let (reach, cond) = (c.reach.at(*at), *cond);
                let (route, kind) = if *named {
                    (RouteKind::NamedRole, ReasonKind::Named)
                } else {
                    (RouteKind::CoveringRole, ReasonKind::Covering)
                };
                let (id, len) = static_key(which.id);
                let key = ReasonKey::new(c, reach, kind, (id, len, cond_key(cond) as u64));
                self.cached(key, || {
                    let detail = match route {
                        RouteKind::CoveringRole => Detail::Covers(which.name),
                        _ => Detail::Nothing,
                    };
                    self.reason(c, route, reach, cond, detail)
                })
            }
            Held::Actions {
                c,
                at,
                cond,
                ops,
                mask,
                columns,
            } => {
                let (reach, cond) = (c.reach.at(*at), *cond);
                let detail = if self.column_keys {
                    (0, cond_key(cond), *columns)
                } else {
                    // The list's address stands for its contents: lists are static.
                    (ops.as_ptr() as usize, cond_key(cond), *mask)
                };
                self.cached(ReasonKey::new(c, reach, ReasonKind::Actions, detail), || {
                    let ops: Vec<SharedText> = picked(ops, *mask).map(|op| self.share(op)).collect();
                    self.reason(c, RouteKind::ActionSet, reach, cond, Detail::Grants(ops))
                })
            }
        }
    }

    /// The one copy of an id, name, route label or note, which reasons and verdicts repeat
    /// by the million.
    fn share(&self, text: &str) -> SharedText {
        crate::tenant::share_in(&mut self.texts.borrow_mut(), text)
    }

    fn cached(&self, key: ReasonKey, build: impl FnOnce() -> Reason) -> usize {
        if let Some(&hit) = self.reason_cache.borrow().get(&key) {
            return hit;
        }
        let made = self.add_reason(build());
        self.reason_cache.borrow_mut().insert(key, made);
        made
    }

    /// A reason's position in this evaluation's list, as a new entry.
    fn add_reason(&self, reason: Reason) -> usize {
        let mut reasons = self.reasons.borrow_mut();
        reasons.push(Arc::new(reason));
        reasons.len() - 1
    }

    fn reason(
        &self,
        c: &Candidate<'_>,
        route: RouteKind,
        reach: &Reach,
        cond: Option<&Condition>,
        detail: Detail,
    ) -> Reason {
        let a = c.r.a;
        let via = self.group_names(c.via);
        let pim = match &a.state {
            AssignmentState::Active => None,
            AssignmentState::Eligible { end, .. } => Some(match end {
                Some(e) => format!("PIM eligible until {e}; activate to use"),
                None => "PIM eligible (permanent); activate to use".to_string(),
            }),
            AssignmentState::Activated { end, .. } => Some(match end {
                Some(e) => format!("PIM activation, ends {e}"),
                None => "PIM activation".to_string(),
            }),
            // Without an end, a standing assignment (its start is when it was made).
            AssignmentState::Assigned { end, .. } => end.map(|e| format!("PIM assignment, ends {e}")),
        };
        let mut buf = self.sentence.borrow_mut();
        let text = &mut *buf;
        text.clear();
        text.push_str(&c.r.role.name);
        text.push_str(" at ");
        text.push_str(a.scope.as_str());
        if !via.is_empty() {
            text.push_str(" via group ");
            push_joined(text, via.iter().map(|g| &**g), " → ");
        }
        if let Detail::Covers(name) = detail {
            text.push_str(", which holds every permission of ");
            text.push_str(name);
        }
        if let Some(p) = &pim {
            text.push_str(" (");
            text.push_str(p);
            text.push(')');
        }
        match reach {
            Reach::Unknown {
                several_tenants: true, ..
            } => text.push_str(
                "; the exports come from several tenants, and this scope holds only in its own: give each tenant's exports in a run of its own",
            ),
            Reach::Unknown { management_group, .. } => {
                text.push_str("; management group `");
                text.push_str(management_group);
                text.push_str("` may or may not hold this subscription: add a Resource Graph resourcecontainers export");
            }
            _ => {}
        }
        if cond.is_some() {
            text.push_str("; limited by an ABAC condition that cannot be evaluated offline");
        }
        if c.r.matched != RoleMatch::ById {
            text.push_str("; role matched by display name because the export has no role id");
        }
        let ops = match detail {
            Detail::Needs(at) => {
                text.push_str(", but this task needs it ");
                text.push_str(at.describe());
                Vec::new()
            }
            Detail::Grants(ops) => {
                text.push_str(" grants ");
                push_joined(text, ops.iter().map(|op| &**op), ", ");
                ops
            }
            Detail::Nothing | Detail::Covers(_) => Vec::new(),
        };
        let text = String::from(text.as_str());
        // Let go of the buffer before anything else is looked up.
        drop(buf);
        Reason {
            route,
            assignment: Some(c.r.id.get_or_init(|| self.share(&a.id())).clone()).filter(|s| !s.is_empty()),
            role: Some(self.share(&c.r.role.name)),
            role_id: Some(self.share(&c.r.role.id)),
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
    fn condition_for<'a>(&self, c: &Candidate<'a>, ops: &[TaskOp]) -> Option<&'a Condition> {
        c.cond.filter(|cond| ops.iter().any(|(op, _, _)| cond.restricts(op)))
    }

    fn eval_requirement<'a>(
        &self,
        check: &Check,
        cands: &[Candidate<'a>],
        key_ops: &[TaskOp],
        scratch: &mut Scratch<'a>,
    ) -> RequirementResult {
        match check {
            Check::Role { roles, at, hits } => {
                self.eval_role(roles, Some(hits), *at, cands, key_ops, &mut scratch.held)
            }
            Check::Actions { ops, at, table } => self.eval_actions(ops, table, *at, cands, scratch),
        }
    }

    fn check(&self, req: &Requirement) -> Check {
        match req {
            Requirement::Role { roles, at } => Check::Role {
                roles,
                at: *at,
                hits: (0..self.roles.len()).map(|ri| self.role_match(roles, ri)).collect(),
            },
            Requirement::Actions { operations, at } => Check::Actions {
                ops: operations,
                at: *at,
                table: self.action_table(operations),
            },
        }
    }

    fn action_table(&self, ops: &'static [&'static str]) -> ActionTable {
        let columns: Vec<Option<usize>> = ops.iter().map(|op| self.op_column(op)).collect();
        let grants = (0..self.roles.len())
            .map(|ri| {
                let (mut granted, mut conditional) = (0, 0);
                for (i, column) in columns.iter().enumerate() {
                    match self.grant(ri, *column) {
                        Some(None) => granted |= bit(i),
                        Some(Some(_)) => {
                            granted |= bit(i);
                            conditional |= bit(i);
                        }
                        None => {}
                    }
                }
                (granted, conditional)
            })
            .collect();
        ActionTable {
            columns,
            patterns: ops.iter().map(|op| ActionPattern::new(op)).collect(),
            grants,
        }
    }

    /// Which of `roles` a role in use is (`true`) or covers (`false`), if any.
    fn role_match(&self, roles: &[NamedRole], role_idx: usize) -> RoleHit {
        let role = self.roles.get(role_idx)?;
        roles
            .iter()
            .position(|n| n.id == role.id)
            .map(|i| (i, true))
            .or_else(|| {
                roles
                    .iter()
                    .position(|n| self.role_covers(role, role_idx, n))
                    .map(|i| (i, false))
            })
    }

    /// `hits`: [`Self::role_match`] for every role in use, when worked out in advance.
    fn eval_role<'a>(
        &self,
        roles: &'static [NamedRole],
        hits: Option<&[RoleHit]>,
        at: ScopeRule,
        cands: &[Candidate<'a>],
        key_ops: &[TaskOp],
        held: &mut Vec<(bool, Held<'a>)>,
    ) -> RequirementResult {
        // The strongest candidate wins (the first of equals); its reason is built once it is
        // known, not for every candidate on the way.
        let mut best: Option<(Strength, &Candidate<'a>, &'static NamedRole, bool, Option<&Condition>)> = None;
        let start = held.len();
        for c in cands {
            let hit = match hits {
                Some(hits) => hits.get(c.role as usize).copied().flatten(),
                None => self.role_match(roles, c.role as usize),
            };
            let Some((which, named)) = hit.and_then(|(i, named)| roles.get(i).map(|n| (n, named))) else {
                continue;
            };
            let named = named.then_some(which);
            let reach = c.reach.at(at);
            if *reach == Reach::No {
                if c.reach.ws != Reach::No {
                    held.push((true, Held::TooLow(*c, at)));
                }
                continue;
            }
            let cond = self.condition_for(c, key_ops);
            let strength = self.gate(c, reach, cond, named.is_some());
            if best.as_ref().is_none_or(|b| strength > b.0) {
                best = Some((strength, c, which, named.is_some(), cond));
            }
        }
        match best {
            Some((strength, c, which, named, cond)) => {
                // The support comes before the partial evidence found on the way.
                let role = Held::Role {
                    c: *c,
                    at,
                    which,
                    named,
                    cond,
                };
                held.insert(start, (false, role));
                RequirementResult {
                    support: Some((strength, Label::Name(which.name))),
                    missing: None,
                }
            }
            None => RequirementResult {
                support: None,
                missing: Some(Missing::Roles(roles, at)),
            },
        }
    }

    /// The column of a listed operation in `grants`.
    fn op_column(&self, op: &'static str) -> Option<usize> {
        self.op_index.get(&static_key(op)).copied()
    }

    /// Whether a role in use grants a listed operation (see [`GrantResult`]).
    // Called for every candidate and operation: the Wasm builds, made for size, would
    // otherwise call it rather than inline it (3 % of a 100k evaluation in Node).
    #[inline(always)]
    fn grant(&self, role_idx: usize, column: Option<usize>) -> Option<Option<&Condition>> {
        match *self.grants.get(role_idx * self.op_index.len() + column?)? {
            0 => None,
            1 => Some(None),
            k => Some(Some(self.grant_conds.get(k as usize - 2)?)),
        }
    }

    fn eval_actions<'a>(
        &self,
        ops: &'static [&'static str],
        table: &ActionTable,
        at: ScopeRule,
        cands: &[Candidate<'a>],
        scratch: &mut Scratch<'a>,
    ) -> RequirementResult {
        // Per operation, the strongest candidate granting it (the first of equals).
        let best = &mut scratch.op_best;
        best.clear();
        best.resize(ops.len(), None);
        for (ci, c) in cands.iter().enumerate() {
            let Some(&(granted, conditional)) = table.grants.get(c.role as usize) else {
                continue;
            };
            let reach = c.reach.at(at);
            if granted == 0 || *reach == Reach::No {
                continue;
            }
            // With no condition on the assignment or on the role's grants, every operation
            // the role grants is granted alike.
            let plain = (c.cond.is_none() && conditional == 0).then(|| self.gate(c, reach, None, false));
            for i in bits(granted) {
                let Some(slot) = best.get_mut(i) else {
                    break;
                };
                let strength = match plain {
                    Some(s) => s,
                    None => {
                        let column = table.columns.get(i).copied().flatten();
                        let block_cond = self.grant(c.role as usize, column).flatten();
                        let cond = block_cond.or_else(|| {
                            c.cond
                                .filter(|k| table.patterns.get(i).is_some_and(|p| k.restricts_pattern(p)))
                        });
                        self.gate(c, reach, cond, false)
                    }
                };
                if slot.is_none_or(|(s, _)| strength > s) {
                    *slot = Some((strength, ci));
                }
            }
        }
        // Operations by their bit in the list: which are missing, and per deciding candidate
        // whether its grant is conditional and which it decides.
        let mut missing = 0u64;
        let mut weakest: Option<Strength> = None;
        let deciding = &mut scratch.deciding;
        deciding.clear();
        for (i, op_best) in best.iter().enumerate() {
            match *op_best {
                Some((s, ci)) => {
                    weakest = Some(weakest.map_or(s, |w| w.min(s)));
                    let col = table.columns.get(i).copied().flatten().map_or(0, bit);
                    match deciding.iter_mut().find(|(j, _, _, _)| *j == ci) {
                        Some((_, _, mask, columns)) => {
                            *mask |= bit(i);
                            *columns |= col;
                        }
                        None => deciding.push((ci, s == Strength::Conditional, bit(i), col)),
                    }
                }
                None => missing |= bit(i),
            }
        }
        // Deciding candidates' grants support the list when it is met, and are partial
        // evidence when it is not.
        let partial = missing != 0;
        for &(ci, conditional, mask, columns) in deciding.iter() {
            let Some(&c) = cands.get(ci) else {
                continue;
            };
            // The reason quotes the assignment's own condition (a role block's condition
            // is part of the role, not of this assignment).
            let cond = if conditional { c.cond } else { None };
            let actions = Held::Actions {
                c,
                at,
                cond,
                ops,
                mask,
                columns,
            };
            scratch.held.push((partial, actions));
        }
        if partial {
            RequirementResult {
                support: None,
                missing: Some(Missing::Operations(ops, missing)),
            }
        } else {
            let label = match ops {
                [op] => Label::Name(op),
                _ => Label::Operations(ops.len()),
            };
            RequirementResult {
                support: Some((weakest.unwrap_or(Strength::Unknown), label)),
                missing: None,
            }
        }
    }

    /// `cands`: the principal's candidates at this workspace that the task can use.
    fn verdict<'a>(
        &self,
        here: &Here<'_>,
        pi: u32,
        rules: &Rules,
        cands: &[Candidate<'a>],
        s: &mut Scratch<'a>,
    ) -> Verdict {
        let Rules { variant, ops, .. } = rules;
        let (principal, paths) = (here.id(pi), here.paths_of(pi));

        // Evaluate each route: weakest requirement decides the route, best route decides.
        // Labels, reasons and what is missing stay unwritten until a route is chosen.
        let mut best: Option<Strength> = None;
        // The nearest unmet route's count of met requirements.
        let mut nearest: Option<usize> = None;
        s.best_labels.clear();
        s.best_held.clear();
        s.near_missing.clear();
        s.near_held.clear();
        for route in &rules.routes {
            s.held.clear();
            s.labels.clear();
            s.missing.clear();
            let mut weakest: Option<Strength> = None;
            for check in route {
                let result = self.eval_requirement(check, cands, ops, s);
                if let Some((strength, label)) = result.support {
                    weakest = Some(weakest.map_or(strength, |w| w.min(strength)));
                    s.labels.push(label);
                }
                s.missing.extend(result.missing);
            }
            if s.missing.is_empty() {
                let strength = weakest.unwrap_or(Strength::Unknown);
                if best.is_none_or(|b| strength > b) {
                    best = Some(strength);
                    s.best_labels.clear();
                    s.best_labels.extend_from_slice(&s.labels);
                    s.best_held.clear();
                    s.best_held
                        .extend(s.held.iter().filter(|(partial, _)| !partial).map(|(_, h)| *h));
                }
            } else {
                let score = route.len() - s.missing.len();
                let better = match nearest {
                    None => true,
                    Some(n) => score > n || (score == n && s.held.len() > s.near_held.len()),
                };
                if better {
                    nearest = Some(score);
                    s.near_missing.clear();
                    s.near_missing.extend_from_slice(&s.missing);
                    s.near_held.clear();
                    s.near_held.extend(s.held.iter().map(|(_, h)| *h));
                }
            }
        }

        let mut notes = Vec::new();
        let mut strength = best;
        // Entra directory role (onboarding), when the variant asks for one.
        let mut entra_reason = None;
        let mut entra_missing = None;
        if let Some(entra) = &variant.entra {
            if self.tenant.has_directory_roles {
                match self.entra_support(principal, paths, entra.roles) {
                    Some((s, r)) => {
                        strength = strength.map(|x| x.min(s));
                        entra_reason = Some(r);
                    }
                    None => {
                        strength = None;
                        entra_missing = Some(entra.roles);
                    }
                }
            } else if strength.is_some() {
                if let Some(note) = &rules.entra_note {
                    notes.push(note.clone());
                }
            }
        }
        // An Azure route met without the Entra role: that route's grants are the nearest, and
        // the Entra role all that is missing (not an unmet route's roles as well).
        let azure_met_alone = strength.is_none() && best.is_some();
        // How many grants back the verdict, counted before any of them is spelled out.
        // Remediation ranks people by it; it counts as before round 35 made the met route's
        // grants the nearest (the unmet route's grants too, and the met route's twice when
        // there is no unmet one), so remediation's choices stay as they were.
        let met = if best.is_some() { s.best_held.len() } else { 0 };
        let near = match (strength, nearest) {
            (Some(_), _) => 0,
            (None, None) => met,
            (None, Some(_)) => s.near_held.len(),
        };
        let mut held = met + usize::from(entra_reason.is_some()) + near;
        // The nearest grants: those of the nearest unmet route, or of the met route when
        // only the Entra side is missing; none for a verdict that qualifies.
        if strength.is_some() || azure_met_alone {
            s.near_held.clear();
        }
        if azure_met_alone {
            s.near_held.extend_from_slice(&s.best_held);
        }
        if strength.is_none() && !self.opts.explain_all {
            // A `not-allowed` verdict the report leaves out: remediation reads only its kind
            // and `held`, so its reasons and missing texts stay unwritten (most verdicts of
            // a dense tenant's onboarding task).
            return Verdict {
                task: rules.id.clone(),
                workspace: here.ws.clone(),
                verdict: VerdictKind::NotAllowed,
                route: None,
                reasons: Positions::new(),
                missing: Box::default(),
                held: narrow(held),
                nearest: Positions::new(),
                notes: Box::default(),
            };
        }
        // Reasons say what decided a verdict that qualifies; short of one, what is held (an
        // Azure route met without the Entra role, or the Entra role without an Azure route)
        // is the nearest, not a reason (round 35: `not-allowed` quoted the Owner it held).
        let mut reasons: Positions = match best {
            Some(_) if strength.is_some() => s.best_held.iter().map(|h| self.held_reason(h)).collect(),
            _ => Positions::new(),
        };
        match entra_reason {
            Some(at) if strength.is_none() => s.near_held.push(Held::Reason(at)),
            at => reasons.extend(at),
        }
        let route = best.map(|_| match s.best_labels.as_slice() {
            [Label::Name(name)] => self.share(name),
            labels => {
                let mut text = String::new();
                for (i, label) in labels.iter().enumerate() {
                    if i > 0 {
                        text.push_str(" + ");
                    }
                    label.write(&mut text);
                }
                self.share(&text)
            }
        });
        let mut missing = Vec::new();
        if let Some(roles) = entra_missing {
            missing.push(format!("Entra role {} (tenant-wide)", role_names(roles)));
        }
        if strength.is_none() && nearest.is_some() && !azure_met_alone {
            missing.extend(s.near_missing.iter().map(|m| m.describe()));
        }

        let mut verdict = strength.map(Strength::verdict).unwrap_or(VerdictKind::NotAllowed);
        let mut deny_in_doubt = false;
        // Deny assignments win over every grant: the grants become the nearest, and the deny
        // assignment the reason.
        if strength.is_some() && !here.blocks.is_empty() {
            let ids = here.deny_ids.get(pi as usize).map(Vec::as_slice).unwrap_or_default();
            if let Some(block) = self.deny_for(here, ids) {
                s.near_held.clear();
                s.near_held.extend(reasons.iter().map(|&at| Held::Reason(at as usize)));
                reasons = Positions::one(self.deny_reason(block, rules.order));
                held += 1;
                verdict = VerdictKind::Denied;
            } else if let Some(block) = self.deny_in_doubt(here, ids) {
                // Never `allowed` while a deny assignment may apply: the grants stay the
                // reasons, the deny assignment is quoted beside them.
                reasons.push(self.deny_reason(block, rules.order));
                held += 1;
                verdict = VerdictKind::Unknown;
                deny_in_doubt = true;
            }
        }

        if matches!(
            verdict,
            VerdictKind::Eligible | VerdictKind::Conditional | VerdictKind::Unknown
        ) {
            notes.push(self.share(match verdict {
                VerdictKind::Eligible => "Qualifies only after activating a PIM eligible assignment.",
                VerdictKind::Conditional => {
                    "Qualifies only if an ABAC condition, on the assignment or in the role's definition, allows the operation."
                }
                // Every root and management-group reach is in doubt then, for this reason.
                _ if self.tenant.hierarchy.several_tenants => {
                    "Decided by an assignment at the root or a management group, which holds only in its own tenant, and the exports come from several tenants: give each tenant's exports in a run of its own."
                }
                _ if deny_in_doubt => {
                    "Blocked if the management group of the deny assignment quoted holds this workspace's subscription, which the exports do not show: add or refresh the resourcecontainers export."
                }
                _ => "Qualifies only if the management group holds this workspace's subscription.",
            }));
        }
        Verdict {
            task: rules.id.clone(),
            workspace: here.ws.clone(),
            verdict,
            route: if verdict == VerdictKind::NotAllowed || verdict == VerdictKind::Denied {
                None
            } else {
                route
            },
            reasons,
            missing: missing.into_boxed_slice(),
            held: narrow(held),
            nearest: s.near_held.iter().map(|h| self.held_reason(h)).collect(),
            notes: notes.into_boxed_slice(),
        }
    }

    fn entra_support(
        &self,
        principal: &str,
        paths: &[Arc<GroupPath>],
        roles: &[NamedRole],
    ) -> Option<(Strength, usize)> {
        let ids: Vec<(&str, Option<&GroupPath>)> = std::iter::once((principal, None))
            .chain(paths.iter().map(|p| (p.last(), Some(&**p))))
            .collect();
        let mut best: Option<(Strength, usize)> = None;
        // The records of these ids, in the list's order, as a scan of the whole list met them.
        let of = &self.directory_roles_of;
        let at: Vec<usize> = crate::order::sorted_set(
            ids.iter()
                .flat_map(|&(id, _)| {
                    let from = of.partition_point(|&(p, _)| p < id);
                    of.get(from..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(move |&&(p, _)| p == id)
                })
                .map(|&(_, k)| k)
                .collect(),
        );
        // Expired (or not yet started) PIM schedules are not counted, as for Azure roles.
        for d in at
            .iter()
            .filter_map(|&k| self.tenant.directory_roles.get(k))
            .filter(|d| d.in_window(self.opts.today))
        {
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
            let key = ReasonKey {
                assignment: d as *const crate::assignment::DirectoryRoleAssignment as usize,
                via: (*via).map_or(0, |p| p as *const GroupPath as usize),
                unknown: false,
                kind: ReasonKind::Entra,
                detail: {
                    let (id, len) = static_key(role.id);
                    (id, len, 0)
                },
            };
            let reason = self.cached(key, || {
                let via_names = self.group_names(*via);
                let mut text = format!("Entra role {} (tenant-wide)", role.name);
                if !via_names.is_empty() {
                    text.push_str(&format!(" via group {}", via_names.join(" → ")));
                }
                if d.eligible {
                    text.push_str(" (PIM eligible; activate to use)");
                }
                Reason {
                    route: RouteKind::EntraRole,
                    assignment: None,
                    role: Some(self.share(role.name)),
                    role_id: Some(self.share(role.id)),
                    scope: None,
                    via_groups: via_names,
                    pim: d.eligible.then(|| "PIM eligible".to_string()),
                    condition: None,
                    operations: vec![],
                    origin: Some(d.origin.clone()),
                    text,
                }
            });
            if best.as_ref().is_none_or(|(s, _)| strength > *s) {
                best = Some((strength, reason));
            }
        }
        best
    }

    /// The first deny assignment that binds one of `ids` (a principal and its groups) and
    /// blocks something of the task at hand.
    fn deny_for<'h>(&self, here: &Here<'h>, ids: &[&str]) -> Option<&'h Block<'h>> {
        self.deny_binding(here, ids, true)
    }

    /// The first deny assignment binding `ids` that blocks the task at hand only if a
    /// management group holds the workspace's subscription.
    fn deny_in_doubt<'h>(&self, here: &Here<'h>, ids: &[&str]) -> Option<&'h Block<'h>> {
        self.deny_binding(here, ids, false)
    }

    fn deny_binding<'h>(&self, here: &Here<'h>, ids: &[&str], certain: bool) -> Option<&'h Block<'h>> {
        here.blocks
            .iter()
            .find(|b| b.certain == certain && b.deny.binds(ids.iter().copied()))
    }

    /// The reason a deny assignment gives, one per deny assignment, task and set of blocked
    /// operations: everyone it binds is quoted the same reason.
    fn deny_reason(&self, block: &Block<'_>, task: usize) -> usize {
        let Block {
            deny,
            blocked,
            certain,
            mask,
        } = block;
        let build = || {
            let list: Vec<String> = blocked.iter().map(|(op, basis)| format!("{op} ({basis})")).collect();
            Reason {
                route: RouteKind::Deny,
                assignment: Some(self.share(&deny.id)),
                role: None,
                role_id: None,
                scope: Some(deny.scope.clone()),
                via_groups: vec![],
                pim: None,
                condition: None,
                operations: blocked.iter().map(|(op, _)| self.share(op)).collect(),
                origin: Some(deny.origin.clone()),
                text: format!(
                    "Deny assignment \"{}\" at {} {} {}",
                    deny.name,
                    deny.scope,
                    if *certain {
                        "blocks"
                    } else {
                        "blocks, if its management group holds this workspace's subscription,"
                    },
                    list.join("; ")
                ),
            }
        };
        match mask {
            // The task and the bits name the blocked operations and their basis exactly.
            Some(mask) => self.cached(
                ReasonKey {
                    assignment: *deny as *const DenyAssignment as usize,
                    via: 0,
                    unknown: !*certain,
                    kind: ReasonKind::Deny,
                    detail: (task, 0, *mask),
                },
                build,
            ),
            None => self.add_reason(build()),
        }
    }

    fn outcome(&self, here: &Here<'_>, rules: &Rules, verdicts: &[(u32, Verdict)]) -> TaskOutcome {
        let Rules { task, variant, .. } = rules;
        let of = |keep: fn(VerdictKind) -> bool| -> Vec<PrincipalVerdict> {
            // Counted first: a dense tenant's lists hold thousands of names each, and grown
            // one doubling at a time they left a third of their memory unused.
            let mut list = Vec::with_capacity(verdicts.iter().filter(|(_, v)| keep(v.verdict)).count());
            list.extend(verdicts.iter().filter(|(_, v)| keep(v.verdict)).filter_map(|(pi, v)| {
                let (id, label) = here.shared.get(*pi as usize)?;
                Some(PrincipalVerdict {
                    principal: id.clone(),
                    display_name: label.clone(),
                    verdict: v.verdict,
                })
            }));
            list
        };
        let qualified = of(VerdictKind::is_qualified);
        let potential = of(|k| {
            matches!(
                k,
                VerdictKind::Eligible | VerdictKind::Conditional | VerdictKind::Unknown
            )
        });
        let denied = of(|k| k == VerdictKind::Denied);
        // People do these steps: with only apps or unresolved ids qualified, the prerequisites
        // warn and point here, so the grants that would let a person do it are worked out too.
        let remediation = if qualified.iter().any(|p| self.tenant.directory.is_people(&p.principal)) {
            vec![]
        } else {
            self.remediation(here, variant, &rules.ops, verdicts)
        };
        TaskOutcome {
            task: task.id.into(),
            title: task.title.into(),
            workspace: here.ws.clone(),
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
            shortened: None,
        }
    }

    /// Least-privilege grants: among people and groups not blocked by a deny assignment,
    /// the one who needs the fewest new assignments; a placeholder when there is nobody.
    /// `ops`: the variant's operations (its rules' own list), whose conditions and denies
    /// matter for the steps.
    fn remediation(
        &self,
        here: &Here<'_>,
        variant: &TaskVariant,
        ops: &[TaskOp],
        verdicts: &[(u32, Verdict)],
    ) -> Vec<Remediation> {
        let mut out = Vec::new();
        for (pi, _) in verdicts.iter().filter(|(_, v)| v.verdict == VerdictKind::Eligible) {
            out.push(Remediation {
                text: format!(
                    "{} is PIM-eligible for what this task needs: activating the eligible role is enough while it lasts",
                    self.tenant.directory.label(here.id(*pi))
                ),
                // The eligible grant may be an Azure role or the Entra role: the reasons say which.
                command: "Azure portal > Privileged Identity Management > My roles > Azure resources (an Azure role) or Microsoft Entra roles (an Entra role) > Activate".to_string(),
            });
        }
        let kind_rank = |k: PrincipalKind| match k {
            PrincipalKind::User => 0,
            PrincipalKind::Group => 1,
            _ => 2,
        };
        let mut blocked_by_deny = false;
        let mut best: Option<(usize, usize, String, Vec<Remediation>)> = None;
        // Onboarding and the portal tasks are done by people: suggest users and groups. Onboarding
        // (the task that needs an Entra role) is one person's sign-in: granting it to a group
        // would make every member User Access Administrator and Security Administrator.
        let one_person = variant.entra.is_some();
        let person = |pi: u32| {
            self.tenant.directory.get(here.id(pi)).filter(|p| match p.kind {
                PrincipalKind::User => true,
                PrincipalKind::Group => !one_person,
                _ => false,
            })
        };
        // The principal needing the fewest new grants is among those already holding the most
        // related grants; looking at the 25 best placed keeps this linear in large tenants.
        // Someone PIM-eligible is told to activate (above), not given standing grants.
        let mut shortlist: Vec<&(u32, Verdict)> = verdicts
            .iter()
            .filter(|(pi, v)| {
                !matches!(v.verdict, VerdictKind::Denied | VerdictKind::Eligible) && person(*pi).is_some()
            })
            .collect();
        crate::order::sort_by_key(&mut shortlist, |(_, v)| std::cmp::Reverse(v.held));
        shortlist.truncate(25);
        for &(pi, _) in shortlist {
            let id = here.id(pi);
            let Some(p) = person(pi) else {
                continue;
            };
            let paths = here.paths_of(pi);
            let ids = here.deny_ids.get(pi as usize).map(Vec::as_slice).unwrap_or_default();
            if self.deny_for(here, ids).is_some() {
                blocked_by_deny = true;
                continue;
            }
            let who = Assignee {
                id,
                kind: p.kind,
                label: &p.label(),
                paths,
                cands: here.cands_of(pi),
            };
            let steps = self.steps_for(variant, ops, here.ws, &who);
            if steps.is_empty() {
                continue;
            }
            let key = (steps.len(), kind_rank(p.kind), p.label());
            if best.as_ref().is_none_or(|(n, k, l, _)| key < (*n, *k, l.clone())) {
                best = Some((key.0, key.1, key.2, steps));
            }
        }
        let ws = here.ws;
        // People do these tasks: an app or an unresolved id that may activate does not make
        // a person's grants needless.
        let person_activates = verdicts
            .iter()
            .any(|(pi, v)| v.verdict == VerdictKind::Eligible && person(*pi).is_some());
        let list_denies = format!(
            "az rest --method get --url 'https://management.azure.com{}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01'",
            crate::safe_text::in_single_quotes(ws.as_str())
        );
        match best {
            // Someone eligible activates instead: a second person's standing grants beside
            // that would be more than the task needs.
            Some((_, _, _, steps)) if !person_activates => out.extend(steps),
            Some(_) => {}
            // A deny that binds someone the exports do not show (All Principals, without an
            // exclusion) binds whoever would be given the roles: grants cannot help. One that
            // binds only the people listed leaves the grants open to someone else (round 36).
            None if self.deny_for(here, &[NEW_PRINCIPAL]).is_some() => out.push(Remediation {
                text: "Deny assignments block this task for everyone who could be given the roles. They are created by Azure (deployment stacks, managed applications): change the deny settings at their source, or exclude the onboarding people or group from them.".to_string(),
                command: list_denies,
            }),
            // Activating an eligible role is the least change there is.
            None if person_activates => {}
            None => {
                if blocked_by_deny || verdicts.iter().any(|(_, v)| v.verdict == VerdictKind::Denied) {
                    out.push(Remediation {
                        text: "Deny assignments bind the people who hold related roles now: give the roles to someone they do not bind (the steps below), or exclude those people at the deny's source.".to_string(),
                        command: list_denies,
                    });
                }
                let nobody = Assignee {
                    id: NEW_PRINCIPAL,
                    kind: PrincipalKind::User,
                    label: "the chosen principal",
                    paths: &[],
                    cands: &[],
                };
                out.extend(self.steps_for(variant, ops, ws, &nobody));
            }
        }
        out
    }

    fn steps_for(&self, variant: &TaskVariant, ops: &[TaskOp], ws: &Scope, who: &Assignee<'_>) -> Vec<Remediation> {
        let mut out = Vec::new();
        let (assignee, label) = (who.id, who.label);
        // Roles this person may activate in PIM: told to activate, not given standing grants
        // beside the eligible one (round 36: an eligible Owner was told to get User Access
        // Administrator and Sentinel Contributor for good).
        let mut eligible_for: Vec<&str> = Vec::new();
        for (role, at) in variant.remediation {
            let (scope, rule) = match at {
                RemediationScope::Subscription => (ws.subscription_scope(), ScopeRule::SubscriptionOrAbove),
                RemediationScope::ResourceGroup => (ws.resource_group_scope(), ScopeRule::CoversWorkspace),
            };
            let Some(scope) = scope else { continue };
            // Only the strength matters here, not the evidence. A grant whose condition
            // restricts the task's operations does not make its step needless (a User Access
            // Administrator limited to assigning Sentinel Reader cannot connect the workspace).
            let mut evidence = Vec::new();
            let held = self.eval_role(std::slice::from_ref(role), None, rule, who.cands, ops, &mut evidence);
            match held.support.map(|(strength, _)| strength) {
                Some(strength) if strength >= Strength::Equivalent => continue,
                Some(Strength::Eligible) => {
                    eligible_for.push(role.name);
                    continue;
                }
                _ => {}
            }
            out.push(Remediation {
                text: format!("Assign {} to {} at {}", role.name, label, scope),
                command: format!(
                    "az role assignment create --assignee-object-id {} --assignee-principal-type {} --role {} --scope {}",
                    shell_quoted(assignee),
                    who.kind.cli_type(),
                    role.id,
                    shell_quoted(scope.as_str())
                ),
            });
        }
        if !eligible_for.is_empty() {
            out.insert(
                0,
                Remediation {
                    text: format!(
                        "{label} is PIM-eligible for a role that covers {}: activate it in Privileged Identity Management instead of adding a standing assignment",
                        eligible_for.join(" and ")
                    ),
                    command: "Azure portal > Privileged Identity Management > My roles > Azure resources > Activate".to_string(),
                },
            );
        }
        if let Some(entra) = &variant.entra {
            let lacks =
                !self.tenant.has_directory_roles || self.entra_support(assignee, who.paths, entra.roles).is_none();
            if lacks && (self.tenant.has_directory_roles || !out.is_empty()) {
                let role = crate::task::ENTRA_SECURITY_ADMINISTRATOR;
                out.push(Remediation {
                    text: format!(
                        "Make sure {label} holds the Entra role {}{} (tenant-wide; assigning it needs Privileged Role Administrator)",
                        role.name,
                        if self.tenant.has_directory_roles { "" } else { " or Global Administrator: not checked, no directory-role export was given" }
                    ),
                    command: format!(
                        "az rest --method post --url https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments --body {}",
                        // The id as a JSON string: quotes in it cannot add fields to the body.
                        shell_quoted(&format!(
                            "{{\"principalId\":{},\"roleDefinitionId\":\"{}\",\"directoryScopeId\":\"/\"}}",
                            serde_json::to_string(assignee).unwrap_or_default(),
                            role.id
                        ))
                    ),
                });
            }
        }
        out
    }
}

/// Each principal's verdicts in report order (task, then workspace), from the lanes'
/// per-workspace lists (lanes in workspace order, each with the renumbering of its reasons
/// when another evaluator worked it), given how many verdicts each principal has. Every
/// list is in principal order, so each principal takes its verdicts from the heads of the
/// lists, task by task and workspace by workspace: each verdict is moved once, straight into
/// a list made at its full size. The counts only size the lists: every head is looked at for
/// every principal, so a verdict is never left behind.
fn by_principal(
    lanes: Vec<(Vec<WorkspaceVerdicts>, Option<Vec<usize>>)>,
    counts: &[usize],
    tasks: usize,
) -> Vec<Vec<Verdict>> {
    let mut moves = Vec::with_capacity(lanes.len());
    // Per task: every workspace's list, in workspace order, with its lane.
    let mut per_task: Vec<Vec<(TaskVerdicts, usize)>> = (0..tasks).map(|_| Vec::new()).collect();
    for (lane, (workspaces, moved)) in lanes.into_iter().enumerate() {
        moves.push(moved);
        for lists in workspaces {
            for (into, list) in per_task.iter_mut().zip(lists) {
                into.push((list, lane));
            }
        }
    }
    // Each list holds at most one verdict per principal: dealt out in this order, every
    // principal gets its verdicts task by task, workspace by workspace. Merging the lists
    // instead looked at every list for every principal, which grew with principals times
    // workspaces where each principal reaches few of them (an MSSP's customers).
    let mut out: Vec<Vec<Verdict>> = counts.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (list, lane) in per_task.into_iter().flatten() {
        let moved = moves.get(lane).and_then(Option::as_deref);
        for (pi, mut v) in list {
            if let Some(moved) = moved {
                renumber(&mut v.reasons, moved);
                renumber(&mut v.nearest, moved);
            }
            if let Some(into) = out.get_mut(pi as usize) {
                into.push(v);
            }
        }
    }
    out
}

/// Positions in another evaluator's reason list, as [`Evaluator::absorb`] moved them (the
/// Wasm build has one evaluator, so never calls it).
fn renumber(list: &mut [u32], moved: &[usize]) {
    for at in list {
        if let Some(&to) = moved.get(*at as usize) {
            *at = narrow(to);
        }
    }
}

/// Cuts the workspaces into at most `lanes` runs, in order, of about equal work (the
/// assignments that reach them).
#[cfg(not(target_family = "wasm"))]
fn lane_ranges(per_ws: &[Vec<(usize, usize)>], lanes: usize) -> Vec<Range<usize>> {
    let work = |list: &Vec<(usize, usize)>| list.len() + 1;
    let total: usize = per_ws.iter().map(work).sum();
    let lanes = lanes.clamp(1, per_ws.len().max(1));
    let mut out = Vec::with_capacity(lanes);
    let (mut start, mut done) = (0, 0);
    for (wi, list) in per_ws.iter().enumerate() {
        let before = done;
        done += work(list);
        // Cut once this run holds its share of the work: after this workspace, or before it
        // when that is nearer the share. Always cutting after it left one run a workspace
        // longer than the other at 1M (26 and 24 of 50), and the other thread waiting 0.1 s.
        // Work done so far, against the shares of the runs so far, both times `lanes`.
        let target = total * (out.len() + 1);
        if done * lanes >= target && out.len() + 1 < lanes {
            let over = done * lanes - target;
            let under = target.saturating_sub(before * lanes);
            let end = if under < over && wi > start { wi } else { wi + 1 };
            out.push(start..end);
            start = end;
        }
    }
    if start < per_ws.len() || out.is_empty() {
        out.push(start..per_ws.len());
    }
    out
}

/// The built-in roles the tasks name, compiled once per process: they are the same for every
/// evaluation.
/// What each deny assignment in `denies` blocks of a task's operations at this workspace
/// (see [`Here::blocks`]).
///
/// A deny assignment that surely applies somewhere lists only the operations it surely
/// blocks; one on a management group not known to hold the subscription lists those it
/// would block, and is not `certain`.
fn deny_blocks<'d>(denies: &[DenyReach<'d>], ops: &[TaskOp]) -> Vec<Block<'d>> {
    denies
        .iter()
        .filter_map(|&(deny, ref at_ws, ref at_sub)| {
            let (mut sure, mut maybe) = ((0u64, Vec::new()), (0u64, Vec::new()));
            for (i, (op, at, basis)) in ops.iter().enumerate() {
                let reach = if *at == Target::Subscription { at_sub } else { at_ws };
                let into = match reach {
                    Reach::Yes => &mut sure,
                    Reach::Unknown { .. } => &mut maybe,
                    Reach::No => continue,
                };
                if deny.denies(op, Plane::Control) {
                    into.1.push((*op, *basis));
                    into.0 |= bit(i);
                }
            }
            let certain = !sure.1.is_empty();
            let (mask, blocked) = if certain { sure } else { maybe };
            (!blocked.is_empty()).then_some(Block {
                deny,
                blocked,
                certain,
                mask: (ops.len() <= 64).then_some(mask),
            })
        })
        .collect()
}

fn named_roles() -> &'static HashMap<&'static str, Option<RoleDefinition>> {
    static NAMED: std::sync::OnceLock<HashMap<&'static str, Option<RoleDefinition>>> = std::sync::OnceLock::new();
    NAMED.get_or_init(|| {
        crate::task::requirements()
            .filter_map(|req| match req {
                Requirement::Role { roles, .. } => Some(*roles),
                Requirement::Actions { .. } => None,
            })
            .flatten()
            .map(|n| (n.id, RoleCatalog::builtin(n.id)))
            .collect()
    })
}

/// A grant of a task's operation by a bundled built-in role, remembered for the process as
/// [`RoleDefinition::covers_cached`] is; other roles are worked out each time.
fn bundled_grant(role: &RoleDefinition, op: &'static str, work: impl FnOnce() -> GrantResult) -> GrantResult {
    static MEMO: BundledMemo<(usize, (usize, usize)), GrantResult> = BundledMemo::new();
    match bundled_index(role) {
        Some(i) => MEMO.get_or((i, static_key(op)), work),
        None => work(),
    }
}

/// Someone a remediation step would be granted to, with what they already hold here.
struct Assignee<'a> {
    id: &'a str,
    kind: PrincipalKind,
    label: &'a str,
    paths: &'a [Arc<GroupPath<'a>>],
    cands: &'a [Candidate<'a>],
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

/// Role, how it reaches, state, how the role was matched, condition: two assignments of
/// one principal alike in all of these decide identically, so only the first is kept.
type DedupeKey = (usize, u8, u8, u8, usize);

/// The dedupe keys one principal has met. Keys without a condition (nearly all) are marked
/// in a table indexed by role and the key's small parts, with a stamp per principal, so
/// the tens of millions of checks in a large tenant do no hashing; keys with a condition
/// go to a set.
struct Seen {
    stamps: Vec<u32>,
    now: u32,
    conditional: FxHashSet<DedupeKey>,
}

impl Seen {
    /// Reach kinds (3 × 3) × states (2) × match kinds (2) per role.
    const PER_ROLE: usize = 36;

    fn new(roles: usize) -> Self {
        Self {
            stamps: vec![0; roles * Self::PER_ROLE],
            // Above the table's zeros: a key is new even before the first `next`.
            now: 1,
            conditional: FxHashSet::default(),
        }
    }

    /// Forget every key: the next principal starts.
    fn next(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamps.fill(0);
            self.now = 1;
        }
        self.conditional.clear();
    }

    /// `true` the first time a key is met since [`Self::next`].
    fn insert(&mut self, key: DedupeKey) -> bool {
        let (role, reach, state, matched, cond) = key;
        let slot = role * Self::PER_ROLE + (usize::from(reach) * 2 + usize::from(state)) * 2 + usize::from(matched);
        match self.stamps.get_mut(slot) {
            Some(stamp) if cond == 0 && reach < 9 && state < 2 && matched < 2 => {
                let first = *stamp != self.now;
                *stamp = self.now;
                first
            }
            _ => self.conditional.insert(key),
        }
    }
}

fn role_ref_label(a: &RoleAssignment) -> String {
    match (&a.role.id, &a.role.name) {
        (Some(id), Some(n)) => format!("{id} (\"{n}\")"),
        (Some(id), None) => id.to_string(),
        (None, Some(n)) => format!("\"{n}\""),
        (None, None) => "(none given)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_list_fits_a_mask() {
        // Held::Actions and Missing::Operations name a list's operations by bit.
        let lists: Vec<&[&str]> = crate::task::operation_lists().collect();
        assert!(!lists.is_empty());
        assert!(lists.iter().all(|ops| ops.len() <= 64));
        // Candidates are sorted into the tasks in force by a mask of their positions.
        assert!(TASKS.len() <= 64);
        // The shipped lists keep one order, so reasons are keyed by operation columns and
        // lists sharing operations share reasons (the report lists each sentence once).
        let tenant = Tenant::default();
        let opts = EvalOptions {
            as_of: None,
            today: Date::new(2026, 1, 1),
            explain_all: false,
            threads: 1,
        };
        assert!(Evaluator::new(&tenant, opts).column_keys);
        let ops: &'static [&'static str] = &["a", "b", "c"];
        assert_eq!(picked(ops, bit(0) | bit(2)).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(bit(64), 0);
        assert_eq!(bits(bit(0) | bit(5) | bit(63)).collect::<Vec<_>>(), [0, 5, 63]);
        assert_eq!(bits(0).next(), None);
        assert_eq!(
            Missing::Operations(ops, bit(1)).describe(),
            "1 of 3 operations are missing: b"
        );
    }

    /// An operation list decided as round 14 did it: operation by operation, every candidate
    /// in turn. The per-role table must decide exactly the same.
    fn decide_per_operation(
        ev: &Evaluator<'_>,
        ops: &'static [&'static str],
        at: ScopeRule,
        cands: &[Candidate<'_>],
    ) -> (u64, Option<Strength>, Vec<Deciding>) {
        let (mut missing, mut weakest, mut deciding) = (0u64, None::<Strength>, Vec::new());
        for (i, op) in ops.iter().enumerate() {
            let column = ev.op_column(op);
            let mut best: Option<(Strength, usize)> = None;
            for (ci, c) in cands.iter().enumerate() {
                let Some(block_cond) = ev.grant(c.role as usize, column) else {
                    continue;
                };
                let reach = c.reach.at(at);
                if *reach == Reach::No {
                    continue;
                }
                let cond = block_cond.or_else(|| c.cond.filter(|k| k.restricts_pattern(&ActionPattern::new(op))));
                let strength = ev.gate(c, reach, cond, false);
                if best.is_none_or(|(s, _)| strength > s) {
                    best = Some((strength, ci));
                }
            }
            match best {
                Some((s, ci)) => {
                    weakest = Some(weakest.map_or(s, |w| w.min(s)));
                    let col = column.map_or(0, bit);
                    match deciding.iter_mut().find(|(j, _, _, _)| *j == ci) {
                        Some((_, _, mask, columns)) => {
                            *mask |= bit(i);
                            *columns |= col;
                        }
                        None => deciding.push((ci, s == Strength::Conditional, bit(i), col)),
                    }
                }
                None => missing |= bit(i),
            }
        }
        (missing, weakest, deciding)
    }

    proptest::proptest! {
        /// Random roles (each a subset of a task's operation list, some under a condition of
        /// their role block) and assignments (with or without a condition of their own,
        /// eligible or active, reaching the workspace or not, or through a management group
        /// of unknown content), decided both ways.
        #[test]
        fn operation_lists_decide_as_operation_by_operation(
            roles in proptest::collection::vec((proptest::collection::vec(proptest::bool::ANY, 8), 0..4usize), 1..5),
            assignments in proptest::collection::vec((0..5usize, 0..4usize, proptest::bool::ANY, 0..3usize, 0..3usize), 0..8),
        ) {
            let ops = crate::task::operation_lists().max_by_key(|ops| ops.len()).unwrap_or_default();
            // No condition; one the engine cannot read (restricts everything); one that
            // restricts only the list's first operation; one that restricts another's.
            let restricting = |op: &str| format!("((!(ActionMatches{{'{op}'}})) OR (@Resource[Microsoft.OperationalInsights/workspaces:name] StringEquals 'law'))");
            let conditions = [
                None,
                Some("@Resource[Microsoft.OperationalInsights/workspaces:name] StringEquals 'law'".to_string()),
                ops.first().map(|op| restricting(op)),
                Some(restricting("Microsoft.Compute/virtualMachines/read")),
            ];
            let condition = |k: usize| conditions.get(k).cloned().flatten().and_then(|t| Condition::new(Some(&t), Some("2.0")));
            let mut tenant = Tenant::default();
            for (i, (granted, cond)) in roles.iter().enumerate() {
                let actions: Vec<&str> = ops.iter().zip(granted).filter(|(_, g)| **g).map(|(op, _)| *op).collect();
                tenant.roles.add_custom(RoleDefinition {
                    id: format!("c0000000-0000-4000-8000-{i:012}"),
                    name: format!("Role {i}"),
                    kind: crate::role::RoleKind::Custom,
                    blocks: vec![crate::role::PermissionBlock::from_lists(&actions, &[], &[], &[], condition(*cond))],
                    assignable_scopes: Vec::new(),
                });
            }
            let ws = "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law";
            for (role, cond, eligible, _, _) in &assignments {
                tenant.assignments.push(RoleAssignment::new(
                    "",
                    Scope::parse(ws).unwrap_or_else(|_| Scope::root()),
                    "aaaaaaaa-0000-4000-8000-000000000001".into(),
                    PrincipalKind::User,
                    crate::role::RoleRef::new(Some(&format!("c0000000-0000-4000-8000-{:012}", role % roles.len())), None),
                    condition(*cond),
                    if *eligible { AssignmentState::Eligible { start: None, end: None } } else { AssignmentState::Active },
                    Origin { file: "f.json".into(), record: 1 },
                ));
            }
            let ev = Evaluator::new(&tenant, EvalOptions { as_of: None, today: Date::new(2026, 1, 1), explain_all: true, threads: 1 });
            proptest::prop_assert_eq!(ev.resolved.len(), assignments.len());
            let reach = |k: usize| match k {
                0 => Reach::Yes,
                1 => Reach::No,
                _ => Reach::Unknown {
                    management_group: "mg".into(),
                    several_tenants: false,
                },
            };
            let reaches: Vec<ScopeReach> = assignments.iter().map(|(_, _, _, ws, sub)| ScopeReach { ws: reach(*ws), sub: reach(*sub) }).collect();
            let cands: Vec<Candidate<'_>> = ev.resolved.iter().zip(&reaches).map(|(r, how)| Candidate::new(r, how)).collect();
            let table = ev.action_table(ops);
            for at in [ScopeRule::CoversWorkspace, ScopeRule::SubscriptionOrAbove] {
                let mut scratch = Scratch::default();
                let result = ev.eval_actions(ops, &table, at, &cands, &mut scratch);
                let (missing, weakest, deciding) = decide_per_operation(&ev, ops, at, &cands);
                let got_missing = match result.missing {
                    Some(Missing::Operations(_, mask)) => mask,
                    _ => 0,
                };
                proptest::prop_assert_eq!(got_missing, missing);
                if missing == 0 {
                    proptest::prop_assert_eq!(result.support.map(|(s, _)| s), weakest);
                }
                proptest::prop_assert_eq!(&scratch.deciding, &deciding);
            }
        }
    }

    const KINDS: [VerdictKind; 7] = [
        VerdictKind::Allowed,
        VerdictKind::Equivalent,
        VerdictKind::Conditional,
        VerdictKind::Eligible,
        VerdictKind::Unknown,
        VerdictKind::Denied,
        VerdictKind::NotAllowed,
    ];

    /// Texts that JSON writes as they are, and texts it escapes.
    const TEXT: &str = "[ -~\\u{0}-\\u{1f}é\"\\\\]{0,12}";

    fn verdict_strategy() -> impl proptest::strategy::Strategy<Value = Verdict> {
        use proptest::prelude::*;
        let texts = || proptest::collection::vec(TEXT, 0..3);
        let numbers = || proptest::collection::vec(0usize..100_000, 0..4);
        (
            (TEXT, "[a-z \"é\\\\]{1,10}", 0..KINDS.len(), proptest::option::of(TEXT)),
            (numbers(), texts(), numbers(), texts()),
        )
            .prop_map(
                |((task, ws, kind, route), (reasons, missing, nearest, notes))| Verdict {
                    task: SharedText::new(&task),
                    workspace: Scope::parse(&format!("/subscriptions/{ws}")).unwrap_or_else(|_| Scope::root()),
                    verdict: KINDS.get(kind).copied().unwrap_or(VerdictKind::Allowed),
                    route: route.map(|r| SharedText::new(&r)),
                    reasons: reasons.into(),
                    missing: missing.into(),
                    nearest: nearest.into(),
                    held: 0,
                    notes: notes.iter().map(|n| SharedText::new(n)).collect(),
                },
            )
    }

    proptest::proptest! {
        /// A verdict put together directly writes exactly what its derived form writes, reads
        /// back as it was, and is written the derived way outside `compact_json` (indented
        /// reports, `Value`s).
        #[test]
        fn compact_verdicts_write_as_their_fields(v in verdict_strategy()) {
            use proptest::prop_assert_eq;
            let derived = serde_json::to_string(&VerdictFields::from(&v)).ok();
            let compact = crate::shared_text::compact_json(|| serde_json::to_string(&v)).ok();
            prop_assert_eq!(&compact, &derived);
            prop_assert_eq!(serde_json::to_string(&v).ok(), derived);
            prop_assert_eq!(
                serde_json::to_string_pretty(&[&v]).ok(),
                serde_json::to_string_pretty(&[VerdictFields::from(&v)]).ok()
            );
            prop_assert_eq!(
                crate::shared_text::compact_json(|| serde_json::to_value(&v)).ok(),
                serde_json::to_value(VerdictFields::from(&v)).ok()
            );
            let back: Option<Verdict> = compact.and_then(|c| serde_json::from_str(&c).ok());
            prop_assert_eq!(back, Some(v));
        }

        #[test]
        fn compact_principal_verdicts_write_as_their_fields(
            (principal, name, kind) in (TEXT, TEXT, 0..KINDS.len())
        ) {
            let v = PrincipalVerdict {
                principal: SharedText::new(&principal),
                display_name: SharedText::new(&name),
                verdict: KINDS.get(kind).copied().unwrap_or(VerdictKind::Allowed),
            };
            let derived = serde_json::to_string(&PrincipalVerdictFields::from(&v)).ok();
            let compact = crate::shared_text::compact_json(|| serde_json::to_string(&[&v, &v])).ok();
            proptest::prop_assert_eq!(compact, derived.as_ref().map(|d| format!("[{d},{d}]")));
            proptest::prop_assert_eq!(serde_json::to_string(&v).ok(), derived);
        }
    }

    /// A dense tenant's report holds millions of verdicts, each moved into its place once:
    /// a field that grows one shows here (152 bytes before round 21, 112 in it, 96 since its
    /// scopes became one pointer).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_verdict_stays_small() {
        assert_eq!(std::mem::size_of::<Verdict>(), 96);
    }

    /// Lists in principal order, per lane, workspace and task, become each principal's
    /// verdicts in report order (task, then workspace), with another evaluator's reasons
    /// renumbered; the counts size the lists and nothing else.
    #[test]
    fn principals_take_their_verdicts_in_task_then_workspace_order() {
        let ws = |name: &str| {
            Scope::parse(&format!(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.OperationalInsights/workspaces/{name}"
            ))
            .unwrap()
        };
        let v = |task: &str, at: &Scope, reasons: Vec<usize>, nearest: Vec<usize>| Verdict {
            task: SharedText::new(task),
            workspace: at.clone(),
            verdict: VerdictKind::Allowed,
            route: None,
            reasons: reasons.into(),
            missing: Box::default(),
            nearest: nearest.into(),
            held: 0,
            notes: Box::default(),
        };
        let (a, b) = (ws("a"), ws("b"));
        let lanes = || {
            vec![
                // This evaluator's lane: workspace a.
                (
                    vec![vec![
                        vec![(0, v("t0", &a, vec![0], vec![])), (2, v("t0", &a, vec![1], vec![]))],
                        vec![(1, v("t1", &a, vec![0], vec![]))],
                    ]],
                    None,
                ),
                // Another evaluator's lane: workspace b, its reasons 0 and 1 moved to 5 and 7.
                (
                    vec![vec![
                        vec![(2, v("t0", &b, vec![1], vec![]))],
                        vec![(0, v("t1", &b, vec![0], vec![1]))],
                    ]],
                    Some(vec![5, 7]),
                ),
            ]
        };
        // Task, workspace name, reasons, nearest.
        type Got = (String, String, Vec<u32>, Vec<u32>);
        let read = |lists: Vec<Vec<Verdict>>| -> Vec<Vec<Got>> {
            lists
                .into_iter()
                .map(|list| {
                    list.into_iter()
                        .map(|v| {
                            (
                                v.task.to_string(),
                                v.workspace.name().to_string(),
                                v.reasons.to_vec(),
                                v.nearest.to_vec(),
                            )
                        })
                        .collect()
                })
                .collect()
        };
        let expected = vec![
            vec![
                ("t0".to_string(), "a".to_string(), vec![0], vec![]),
                ("t1".to_string(), "b".to_string(), vec![5], vec![7]),
            ],
            vec![("t1".to_string(), "a".to_string(), vec![0], vec![])],
            vec![
                ("t0".to_string(), "a".to_string(), vec![1], vec![]),
                ("t0".to_string(), "b".to_string(), vec![7], vec![]),
            ],
        ];
        assert_eq!(read(by_principal(lanes(), &[2, 1, 2], 2)), expected);
        // Counts too small (or missing) size the lists wrongly but lose no verdict.
        assert_eq!(read(by_principal(lanes(), &[0, 0, 0], 2)), expected);
    }

    #[test]
    fn seen_keys_are_forgotten_per_principal_and_conditions_kept_apart() {
        let mut seen = Seen::new(3);
        let plain: DedupeKey = (2, 8, 1, 1, 0);
        let conditional: DedupeKey = (2, 8, 1, 1, 0x1000);
        assert!(seen.insert(plain));
        assert!(!seen.insert(plain));
        // Same role and reach, but a condition: a different key.
        assert!(seen.insert(conditional));
        assert!(!seen.insert(conditional));
        // A role past the table (never built so) still dedupes, through the set.
        assert!(seen.insert((7, 0, 0, 0, 0)));
        assert!(!seen.insert((7, 0, 0, 0, 0)));
        seen.next();
        assert!(seen.insert(plain));
        assert!(seen.insert(conditional));
        // The stamp wraps without reviving old marks.
        seen.now = u32::MAX;
        assert!(seen.insert(plain));
        seen.next();
        assert!(seen.insert(plain));
        assert!(!seen.insert(plain));
    }

    /// The cut goes where the two runs come nearest an even split: before the workspace that
    /// crosses the half (21 and 22) rather than after it (32 and 11).
    #[cfg(not(target_family = "wasm"))]
    #[test]
    fn lanes_are_cut_nearest_their_share() {
        let per_ws: Vec<Vec<(usize, usize)>> = [10, 9, 10, 10].iter().map(|&n| vec![(0, 0); n]).collect();
        assert_eq!(lane_ranges(&per_ws, 2), vec![0..2, 2..4]);
        // Past the half by less than it fell short: after it.
        let per_ws: Vec<Vec<(usize, usize)>> = [10, 10, 1, 10, 10].iter().map(|&n| vec![(0, 0); n]).collect();
        assert_eq!(lane_ranges(&per_ws, 2), vec![0..3, 3..5]);
    }

    proptest::proptest! {
        /// Workspaces cut into lanes: in order, each workspace once, no empty lane, no more
        /// lanes than asked or than workspaces, and, when work allows, each lane near its share.
        #[test]
        fn lanes_cover_every_workspace_once_in_order(
            work in proptest::collection::vec(0..50usize, 0..40),
            lanes in 0..9usize,
        ) {
            use proptest::{prop_assert, prop_assert_eq};
            let per_ws: Vec<Vec<(usize, usize)>> = work.iter().map(|&n| vec![(0, 0); n]).collect();
            let ranges = lane_ranges(&per_ws, lanes);
            prop_assert!(!ranges.is_empty());
            prop_assert!(ranges.len() <= lanes.max(1));
            prop_assert!(ranges.len() <= per_ws.len().max(1));
            let mut next = 0;
            for r in &ranges {
                prop_assert_eq!(r.start, next);
                prop_assert!(r.end > r.start || per_ws.is_empty());
                next = r.end;
            }
            prop_assert_eq!(next, per_ws.len());
            // No lane but the last goes past its share by more than one workspace's work.
            let weight = |r: &Range<usize>| per_ws.get(r.clone()).unwrap_or_default().iter().map(|l| l.len() + 1).sum::<usize>();
            let total: usize = per_ws.iter().map(|l| l.len() + 1).sum();
            let most = per_ws.iter().map(|l| l.len() + 1).max().unwrap_or(0);
            let share = total.div_ceil(ranges.len().max(1));
            for r in ranges.iter().take(ranges.len().saturating_sub(1)) {
                prop_assert!(weight(r) <= share + most, "{:?} of {:?}", r, work);
            }
        }
    }
}
