//! Reading exports: every supported format is recognised by its shape, never by its
//! file name. Shapes: `shared/data/export-formats/README.md`.

mod decode;
mod flat;
mod tabular;

use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::assignment::{
    AssignmentState, DenyAssignment, DirectoryRoleAssignment, IdSet, Origin, RoleAssignment, ALL_PRINCIPALS,
};
use crate::condition::Condition;
use crate::config::{ConfigObject, ObjectKind};
use crate::date::Date;
use crate::error::{InputError, Location};
use crate::principal::PrincipalKind;
use crate::role::{is_guid, PermissionBlock, RoleDefinition, RoleKind, RoleRef};
use crate::scope::{ManagementGroupTree, Scope};
use crate::tenant::Tenant;
use flat::{Fields, Scalar};
use tabular::Row;

pub use decode::decode;

/// Every export format the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    AzRoleAssignmentList,
    PowerShellRoleAssignmentJson,
    PowerShellRoleAssignmentCsv,
    PowerShellRoleAssignmentText,
    PortalRoleAssignmentCsv,
    PortalRoleAssignmentJson,
    RestRoleAssignments,
    ResourceGraphAuthorization,
    ResourceGraphContainers,
    RoleDefinitionsCli,
    RoleDefinitionsPowerShell,
    RoleDefinitionsRest,
    DenyAssignmentsRest,
    DenyAssignmentsPowerShell,
    PimEligibility,
    PimAssignmentInstances,
    GraphGroupMembers,
    GraphDirectoryRoleAssignments,
    GraphDirectoryRoles,
    SentinelAnalyticsRules,
    SentinelRuleActions,
    SentinelAutomationRules,
    SentinelDataConnectors,
    SentinelOnboardingStates,
    SentinelContentPackages,
    SentinelWatchlists,
    SentinelWorkspaceManager,
    SentinelIncidents,
    LogAnalyticsWorkspaces,
    LogAnalyticsTables,
    /// An ARM deployment template (Analytics "Export", repositories); items classified one by one.
    ArmTemplate,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Self::AzRoleAssignmentList => "az role assignment list (JSON)",
            Self::PowerShellRoleAssignmentJson => "Get-AzRoleAssignment (JSON)",
            Self::PowerShellRoleAssignmentCsv => "Get-AzRoleAssignment (CSV)",
            Self::PowerShellRoleAssignmentText => "Get-AzRoleAssignment (console text)",
            Self::PortalRoleAssignmentCsv => "Azure portal role assignments download (CSV)",
            Self::PortalRoleAssignmentJson => "Azure portal role assignments download (JSON)",
            Self::RestRoleAssignments => "REST roleAssignments list",
            Self::ResourceGraphAuthorization => "Azure Resource Graph authorizationresources",
            Self::ResourceGraphContainers => "Azure Resource Graph resourcecontainers",
            Self::RoleDefinitionsCli => "az role definition list (JSON)",
            Self::RoleDefinitionsPowerShell => "Get-AzRoleDefinition (JSON)",
            Self::RoleDefinitionsRest => "REST roleDefinitions list",
            Self::DenyAssignmentsRest => "REST denyAssignments list",
            Self::DenyAssignmentsPowerShell => "Get-AzDenyAssignment (JSON)",
            Self::PimEligibility => "PIM eligibility schedules / instances",
            Self::PimAssignmentInstances => "PIM role assignment schedule instances",
            Self::GraphGroupMembers => "Microsoft Graph groups with members",
            Self::GraphDirectoryRoleAssignments => "Microsoft Graph directory role assignments",
            Self::GraphDirectoryRoles => "Microsoft Graph directory roles with members",
            Self::SentinelAnalyticsRules => "Sentinel analytics rules",
            Self::SentinelRuleActions => "Sentinel analytics-rule actions (playbooks)",
            Self::SentinelAutomationRules => "Sentinel automation rules",
            Self::SentinelDataConnectors => "Sentinel data connectors",
            Self::SentinelOnboardingStates => "Sentinel onboarding states",
            Self::SentinelContentPackages => "Sentinel content packages (solutions)",
            Self::SentinelWatchlists => "Sentinel watchlists",
            Self::SentinelWorkspaceManager => "Sentinel workspace manager",
            Self::SentinelIncidents => "Sentinel incidents",
            Self::LogAnalyticsWorkspaces => "Log Analytics workspace settings",
            Self::LogAnalyticsTables => "Log Analytics table settings",
            Self::ArmTemplate => "ARM template export",
        }
    }

    /// Exports whose records are role assignments (active or PIM).
    fn is_role_assignments(self) -> bool {
        matches!(
            self,
            Self::AzRoleAssignmentList
                | Self::PowerShellRoleAssignmentJson
                | Self::PowerShellRoleAssignmentCsv
                | Self::PowerShellRoleAssignmentText
                | Self::PortalRoleAssignmentJson
                | Self::PortalRoleAssignmentCsv
                | Self::RestRoleAssignments
                | Self::PimEligibility
                | Self::PimAssignmentInstances
        )
    }

    /// CSV and console-text exports, whose values are text as PowerShell or the portal
    /// printed them.
    fn is_table(self) -> bool {
        matches!(
            self,
            Self::PowerShellRoleAssignmentCsv | Self::PowerShellRoleAssignmentText | Self::PortalRoleAssignmentCsv
        )
    }

    /// JSON role-assignment exports whose records are flat (no `properties`): read in one
    /// pass by [`flat::read`], then as any active assignment.
    fn has_flat_assignments(self) -> bool {
        matches!(
            self,
            Self::AzRoleAssignmentList | Self::PowerShellRoleAssignmentJson | Self::PortalRoleAssignmentJson
        )
    }

    pub fn is_configuration(self) -> bool {
        self.object_kind().is_some() || matches!(self, Self::SentinelWorkspaceManager | Self::ArmTemplate)
    }

    fn for_object(kind: ObjectKind) -> Self {
        match kind {
            ObjectKind::AnalyticsRule => Self::SentinelAnalyticsRules,
            ObjectKind::RuleAction => Self::SentinelRuleActions,
            ObjectKind::AutomationRule => Self::SentinelAutomationRules,
            ObjectKind::DataConnector => Self::SentinelDataConnectors,
            ObjectKind::OnboardingState => Self::SentinelOnboardingStates,
            ObjectKind::ContentPackage => Self::SentinelContentPackages,
            ObjectKind::Watchlist => Self::SentinelWatchlists,
            ObjectKind::WorkspaceManagerConfiguration
            | ObjectKind::WorkspaceManagerMember
            | ObjectKind::WorkspaceManagerGroup
            | ObjectKind::WorkspaceManagerAssignment => Self::SentinelWorkspaceManager,
            ObjectKind::Incident => Self::SentinelIncidents,
            ObjectKind::Workspace => Self::LogAnalyticsWorkspaces,
            ObjectKind::Table => Self::LogAnalyticsTables,
        }
    }

    /// The configuration object kind a whole file holds, if it is a configuration export.
    fn object_kind(self) -> Option<ObjectKind> {
        Some(match self {
            Self::SentinelAnalyticsRules => ObjectKind::AnalyticsRule,
            Self::SentinelRuleActions => ObjectKind::RuleAction,
            Self::SentinelAutomationRules => ObjectKind::AutomationRule,
            Self::SentinelDataConnectors => ObjectKind::DataConnector,
            Self::SentinelOnboardingStates => ObjectKind::OnboardingState,
            Self::SentinelContentPackages => ObjectKind::ContentPackage,
            Self::SentinelWatchlists => ObjectKind::Watchlist,
            Self::SentinelIncidents => ObjectKind::Incident,
            Self::LogAnalyticsWorkspaces => ObjectKind::Workspace,
            Self::LogAnalyticsTables => ObjectKind::Table,
            _ => return None,
        })
    }
}

/// What was read from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSummary {
    pub path: String,
    pub format: Format,
    pub format_label: crate::Text,
    pub records: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The result of reading all files of a run.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub tenant: Tenant,
    pub inputs: Vec<InputSummary>,
    pub errors: Vec<InputError>,
}

/// Reads every file; a bad file becomes an error, the others still count.
pub fn load<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Loaded {
    load_on(files, 0)
}

/// [`load`] on at most `threads` threads (0 = as many as it can use, 1 = this one only).
/// Natively, the next file is prepared on a second thread while this one is taken in: about
/// half of reading a large export needs no tenant. Its records are parsed ahead only until
/// this file is in, so the two threads finish together; the rest are parsed as they are taken in. The Wasm build has one thread. What is
/// read is the same either way.
pub fn load_on<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>, threads: usize) -> Loaded {
    let files: Vec<(&str, &[u8])> = files.into_iter().collect();
    load_files(&files, cfg!(not(target_family = "wasm")) && threads != 1)
}

/// Reads `files` in order, preparing each next one on a thread of its own when `ahead`.
fn load_files(files: &[(&str, &[u8])], ahead: bool) -> Loaded {
    let mut loaded = Loaded::default();
    let mut unread: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let mut take = |prepared: Prepared<'_>, tenant: &mut Tenant| {
        let hint = ReadHint { unread };
        unread = unread.saturating_sub(prepared.len);
        match prepared.apply(hint, tenant) {
            Ok(summary) => loaded.inputs.push(summary),
            Err(e) => loaded.errors.push(e),
        }
    };
    let mut tenant = Tenant::default();
    #[cfg(not(target_family = "wasm"))]
    if ahead {
        // Nothing runs beside the first file's preparing: parsing it ahead would only cost memory.
        let mut current = files
            .first()
            .map(|&(path, bytes)| Prepared::new(path, bytes, Ahead::No));
        let taken = AtomicBool::new(false);
        for next in 1..=files.len() {
            let Some(now) = current.take() else {
                break;
            };
            // The next file (if any) is prepared while this one is taken in.
            let next = files.get(next..(next + 1).min(files.len())).unwrap_or_default();
            taken.store(false, Ordering::Relaxed);
            let ((), mut ready) = crate::parallel::beside(
                next,
                |&(path, bytes)| Prepared::new(path, bytes, Ahead::Until(&taken)),
                || {
                    take(now, &mut tenant);
                    taken.store(true, Ordering::Relaxed);
                },
            );
            current = ready.pop();
        }
    }
    if !ahead || cfg!(target_family = "wasm") {
        for &(path, bytes) in files {
            take(Prepared::new(path, bytes, Ahead::No), &mut tenant);
        }
    }
    loaded.tenant = tenant;
    loaded.tenant.dedupe_in(ahead);
    loaded.tenant.order_small_lists();
    loaded.tenant.config.drop_repeats();
    loaded.tenant.config.index();
    loaded.tenant.drop_undated_copies_of_pim_roles();
    loaded.tenant.roles.settle();
    // After the roles settle: a role named only by name is resolved to its id.
    loaded.tenant.drop_undated_copies_of_azure_pim_roles();
    let several = loaded.tenant.tenant_ids_seen().len() > 1;
    loaded.tenant.hierarchy.several_tenants = several;
    loaded
}

fn err(
    path: &str,
    format: Option<Format>,
    location: Option<Location>,
    message: impl Into<String>,
    text: Option<&str>,
) -> InputError {
    let snippet = match (location, text) {
        (Some(l), Some(t)) => t
            .lines()
            .nth(l.line.saturating_sub(1))
            .map(|s| s.chars().take(160).collect()),
        _ => None,
    };
    InputError {
        path: path.to_string(),
        format: format.map(|f| f.label().to_string()),
        location,
        message: message.into(),
        snippet,
    }
}

/// Guesses a format for the error message of a file that does not parse whole (cut short,
/// say): the format its first whole record would be read as, or failing that, a guess from
/// the field names it holds.
fn guess(text: &str) -> Option<Format> {
    // The first few whole values of a key (a value cut off is no evidence).
    let values = |key: &'static str| {
        text.split(key).skip(1).take(8).filter_map(|rest| {
            let value = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
            value.split_once('"').map(|(v, _)| v)
        })
    };
    // A template's records are ARM resources of many kinds: its schema names it (resource
    // group, subscription or management group deployment).
    if values("\"$schema\"").any(|s| s.to_ascii_lowercase().contains("deploymenttemplate.json")) {
        return Some(Format::ArmTemplate);
    }
    if let Some(format) = first_record(text).and_then(|first| detect(None, &first)) {
        return Some(format);
    }
    // Graph states what it returned before the records; a configuration export names its
    // resource type in every record.
    if let Some(format) = values("\"@odata.context\"").find_map(odata_format) {
        return Some(format);
    }
    if let Some(kind) = values("\"type\"").find_map(ObjectKind::from_type) {
        return Some(Format::for_object(kind));
    }
    HINTS
        .iter()
        .find(|(names, _)| names.iter().all(|name| text.contains(name)))
        .map(|&(_, format)| format)
        // Last: role exports quote workspace paths too.
        .or_else(|| values("\"id\"").find_map(ObjectKind::from_id).map(Format::for_object))
}

/// Field names that give a role export away, each row needing all of its names, most specific
/// first: Graph's directory PIM records carry Azure PIM's field names, Azure PIM instances name
/// the eligibility they come from, and directory role assignments carry a `principalId` too.
const HINTS: &[(&[&str], Format)] = &[
    (&["directoryScopeId"], Format::GraphDirectoryRoleAssignments),
    (&["\"assignmentType\""], Format::PimAssignmentInstances),
    (&["\"linkedRoleEligibilityScheduleId\""], Format::PimAssignmentInstances),
    (&["RoleEligibilitySchedule"], Format::PimEligibility),
    (&["DenyAssignmentName"], Format::DenyAssignmentsPowerShell),
    (&["denyAssignmentName"], Format::DenyAssignmentsRest),
    (&["managementGroupAncestorsChain"], Format::ResourceGraphContainers),
    (
        &["microsoft.authorization/roleassignments"],
        Format::ResourceGraphAuthorization,
    ),
    (&["\"properties\"", "principalId"], Format::RestRoleAssignments),
    (&["principalId"], Format::AzRoleAssignmentList),
    (&["RoleAssignmentName"], Format::PowerShellRoleAssignmentJson),
    (&["\"RoleAssignmentId\""], Format::PortalRoleAssignmentJson),
    (&["\"ObjectId\""], Format::PortalRoleAssignmentJson),
    (&["\"IsCustom\""], Format::RoleDefinitionsPowerShell),
    (&["\"roleName\"", "\"properties\""], Format::RoleDefinitionsRest),
    (&["roleName"], Format::RoleDefinitionsCli),
    (&["NotActions"], Format::RoleDefinitionsCli),
    (&["roleTemplateId"], Format::GraphDirectoryRoles),
    (&["members"], Format::GraphGroupMembers),
];

/// The first whole object of the first list at the top of the document or one level down
/// (an envelope's `value`, `data` or `resources`, unless another key's list of objects comes
/// first), read even when the text breaks off after it.
fn first_record(text: &str) -> Option<Map<String, Value>> {
    let mut open: Vec<u8> = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    let mut start = None;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                if b == b'{' && start.is_none() && matches!(open.as_slice(), [b'['] | [b'{', b'[']) {
                    start = Some((i, open.len()));
                }
                open.push(b);
            }
            b']' | b'}' => {
                open.pop();
                if let Some((at, _)) = start.filter(|&(_, depth)| b == b'}' && open.len() == depth) {
                    // Through `Value`, whose parser the build has anyway.
                    return match serde_json::from_str(text.get(at..=i)?) {
                        Ok(Value::Object(record)) => Some(record),
                        _ => None,
                    };
                }
            }
            _ => {}
        }
    }
    None
}

/// Largest single file accepted (a browser paste of this size is already impractical).
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// What the reader knows of the files still to come.
#[derive(Clone, Copy)]
struct ReadHint {
    /// Bytes of this file and every later one.
    unread: usize,
}

impl ReadHint {
    /// Room to reserve for role assignments when a file of `len` bytes holds `rows`: as
    /// many per byte in every file still to read. Large tenants export assignments in
    /// parts of similar shape; reserving for one part at a time doubled and copied the list
    /// (a quarter of a GB at a million assignments) as the parts came in. A guess too high
    /// costs address space only: pages are not touched until written. No export writes an
    /// assignment in fewer than 64 bytes, which bounds the guess for odd files.
    fn assignments(self, rows: usize, len: usize) -> usize {
        let per_byte = rows as f64 / len.max(1) as f64;
        ((per_byte * self.unread as f64) as usize)
            .min(self.unread / 64)
            .max(rows)
    }
}

/// Room to reserve for `want` more assignments when the list has room for `spare`: none
/// when they fit, else the guess and a sixteenth more. Guesses from later parts differ a
/// little from the first: at 1M, the second part's guess was 807 records over the first's,
/// and reserving exactly moved the list to a new place (0.1 s). The extra room costs
/// address space only.
fn room_to_add(spare: usize, want: usize) -> Option<usize> {
    (want > spare).then(|| want.saturating_add(want / 16))
}

/// Room for `more` entries beyond `list`'s, in a new list its entries move to. Growing in
/// place (`realloc`) copies the whole old block, room never written included: when a small
/// export read first (PIM eligibility before the role assignments, in name order) set the
/// first guess, that copied and touched 150 MB of pages no record had used, at 1M.
fn grow<T>(list: &mut Vec<T>, more: usize) -> Result<(), std::collections::TryReserveError> {
    let mut grown = Vec::new();
    grown.try_reserve_exact(list.len().saturating_add(more))?;
    grown.append(list);
    *list = grown;
    Ok(())
}

/// A file read as far as it can be without the tenant: decoded, its format found, its
/// records split out and (when asked) its flat role assignments parsed. Files do not depend
/// on each other until their records are taken in, in order, by [`Prepared::apply`].
struct Prepared<'a> {
    path: &'a str,
    len: usize,
    body: Result<Body<'a>, InputError>,
    /// A file that could not be read names deny assignments (see [`names_denies`]).
    names_denies: bool,
}

enum Body<'a> {
    /// UTF-8 text (the usual case), split into records.
    Split(Split<'a>),
    /// Text converted from another encoding: split when taken in, since it is owned here.
    Converted(String),
}

/// A file's text, format and records, and its flat role assignments parsed ahead (one per
/// record, in order; empty when they are parsed as they are taken in).
struct Split<'t> {
    text: &'t str,
    format: Format,
    rows: Records<'t>,
    flat: Vec<Option<flat::FlatRecord<'t>>>,
    /// The file is one page of a longer list: its envelope points to the next.
    more_pages: bool,
}

impl<'a> Prepared<'a> {
    fn new(path: &'a str, bytes: &'a [u8], parse_ahead: Ahead<'_>) -> Self {
        let body = check_size(path, bytes)
            .and_then(|()| decode(bytes).map_err(|m| err(path, None, None, m, None)))
            .and_then(|text| match text {
                std::borrow::Cow::Borrowed(text) => split(path, text, parse_ahead).map(Body::Split),
                std::borrow::Cow::Owned(text) => Ok(Body::Converted(text)),
            });
        Self {
            path,
            len: bytes.len(),
            names_denies: body.is_err() && names_denies(bytes),
            body,
        }
    }

    fn apply(self, hint: ReadHint, tenant: &mut Tenant) -> Result<InputSummary, InputError> {
        let text;
        let mut denies_named = self.names_denies;
        let body = match self.body {
            Ok(Body::Split(split)) => Ok(split),
            Ok(Body::Converted(converted)) => {
                text = converted;
                let split = split(self.path, &text, Ahead::No);
                denies_named = split.is_err() && names_denies(text.as_bytes());
                split
            }
            Err(e) => Err(e),
        };
        match body {
            Ok(split) => take_in(self.path, self.len, split, hint, tenant),
            // A configuration export that could not be read at all (cut short, invalid) may
            // hold the affected object of any workspace: no other file proves an absence of
            // its kind. (Records refused one by one are marked in `take_in`; an empty list
            // refuses nothing.)
            Err(e) => {
                for kind in ObjectKind::ALL {
                    if e.format.as_deref() == Some(Format::for_object(kind).label()) {
                        tenant.config.cut_kind(kind);
                    }
                }
                // Likewise a deny-assignment export, or any file that names deny assignments
                // (a Resource Graph export): any deny in it goes unseen.
                let deny = [Format::DenyAssignmentsRest, Format::DenyAssignmentsPowerShell];
                if denies_named || deny.iter().any(|f| e.format.as_deref() == Some(f.label())) {
                    tenant.unreadable_denies.push(crate::SharedText::new(self.path));
                }
                Err(e)
            }
        }
    }
}

fn check_size(path: &str, bytes: &[u8]) -> Result<(), InputError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(err(
            path,
            None,
            None,
            format!(
                "the file is {} MB; the limit is {} MB per file: split the export (for example one file per subscription)",
                // Rounded up: a file just over the limit must not read as the limit.
                bytes.len().div_ceil(1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            None,
        ));
    }
    Ok(())
}

/// Whether, and until when, a file's flat role assignments are parsed ahead (see [`split`]).
#[derive(Clone, Copy)]
enum Ahead<'s> {
    /// Parsed as they are taken in.
    No,
    /// Parsed ahead until `stop` is set: the thread taking in the file before this one has
    /// finished, and the records not parsed yet are parsed as they are taken in.
    // The Wasm build reads in turn and never parses ahead.
    #[cfg_attr(target_family = "wasm", allow(dead_code))]
    Until(&'s AtomicBool),
}

/// Records parsed ahead between two looks at [`Ahead::Until`]'s flag.
const AHEAD_BATCH: usize = 256;

/// Finds a file's format and splits its records; `parse_ahead` also parses flat role
/// assignments (memory for speed: only where another thread can do it meanwhile).
fn split<'t>(path: &str, text: &'t str, parse_ahead: Ahead<'_>) -> Result<Split<'t>, InputError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(err(path, None, None, "the file is empty", None));
    }
    let (format, rows, more_pages) = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        json_rows(path, text)?
    } else if tabular::looks_like_console_list(text) {
        (
            Format::PowerShellRoleAssignmentText,
            Records::Parsed(tabular::console_rows(text)),
            false,
        )
    } else if text
        .lines()
        .next()
        .is_some_and(|l| l.contains(',') || l.starts_with("#TYPE"))
    {
        let rows = tabular::csv_rows(text)
            .map_err(|(m, l)| err(path, Some(Format::PowerShellRoleAssignmentCsv), Some(l), m, Some(text)))?;
        let first = rows.first().map(|r| &r.object);
        let format = if text.starts_with("#TYPE") || first.is_some_and(|o| field(o, &["RoleAssignmentName"]).is_some())
        {
            Format::PowerShellRoleAssignmentCsv
        } else {
            Format::PortalRoleAssignmentCsv
        };
        if first.is_some_and(|o| field(o, &["RoleAssignmentId", "Scope", "ObjectId"]).is_none()) {
            return Err(err(path, None, Some(Location { line: 1, column: 1 }), "a CSV file without the columns of a role-assignment export (RoleAssignmentId, Scope, ObjectId, RoleDefinitionId)", Some(text)));
        }
        (format, Records::Parsed(rows), false)
    } else {
        return Err(err(
            path,
            None,
            Some(Location { line: 1, column: 1 }),
            "not a supported export: expected JSON, CSV or PowerShell list output",
            Some(text),
        ));
    };
    let flat = match &rows {
        // Never in the Wasm build, which reads in turn.
        Records::Json(items) if cfg!(not(target_family = "wasm")) && format.has_flat_assignments() => match parse_ahead
        {
            Ahead::No => Vec::new(),
            // The two threads finish a step together: parsing ahead stops once the other
            // thread's file is taken in, and that thread parses the rest in its next step.
            Ahead::Until(stop) => {
                let mut flat = Vec::with_capacity(items.len());
                for batch in items.chunks(AHEAD_BATCH) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    flat.extend(batch.iter().map(|raw| flat::read(raw.get())));
                }
                flat
            }
        },
        _ => Vec::new(),
    };
    Ok(Split {
        text,
        format,
        rows,
        flat,
        more_pages,
    })
}

/// Takes a split file's records into the tenant, in order.
fn take_in(
    path: &str,
    len: usize,
    split: Split<'_>,
    hint: ReadHint,
    tenant: &mut Tenant,
) -> Result<InputSummary, InputError> {
    let (denies_before, unread_before) = (tenant.denies.len(), tenant.unread_denies);
    let Split {
        text,
        format,
        rows,
        flat,
        more_pages,
    } = split;
    let mut summary = InputSummary {
        path: path.to_string(),
        format,
        format_label: format.label().into(),
        records: 0,
        warnings: vec![],
    };
    let mut first_error = None;
    // Role-assignment exports are the large ones: room for all their records at once
    // instead of growing (and copying) the list as they come.
    if format.is_role_assignments() {
        let rows = match &rows {
            Records::Parsed(rows) => rows.len(),
            Records::Json(items) => items.len(),
        };
        let list = &mut tenant.assignments;
        if let Some(room) = room_to_add(list.capacity() - list.len(), hint.assignments(rows, len)) {
            // If the guess cannot be had, room for this file's records alone.
            if grow(list, room).is_err() {
                list.reserve(rows);
            }
        }
    }
    // One file name for every record's origin.
    let file = crate::SharedText::new(path);
    let config_before = tenant.config.objects.len();
    // Records that could not be read, beyond resources the planner does not use.
    let mut lost = 0usize;
    // `locate` is asked only for a record that is reported.
    let mut read = |i: usize, record: Record<'_, '_>, locate: &mut dyn FnMut() -> Location| {
        let origin = Origin {
            file: file.clone(),
            record: i + 1,
        };
        let read = match record {
            // The fields PIM for Groups adds are not kept: looked for once the record fails.
            Record::Flat(flat, raw) => {
                role_assignment(flat, AssignmentState::Active, origin, tenant).map_err(|e| match record_object(raw) {
                    Ok(o) => unless_pim_for_groups(&o, e),
                    Err(_) => e,
                })
            }
            Record::General(object) => object.and_then(|o| read_record(format, o, origin, tenant)),
        };
        match read {
            Ok(n) => summary.records += n,
            Err(message) => {
                let location = locate();
                let w = format!(
                    "record {} (line {}, column {}): {message}",
                    i + 1,
                    location.line,
                    location.column
                );
                if !message.ends_with(NOT_USED) {
                    lost += 1;
                }
                if first_error.is_none() {
                    first_error = Some((message, location));
                }
                summary.warnings.push(w);
            }
        }
    };
    match rows {
        Records::Parsed(rows) => {
            for (i, row) in rows.into_iter().enumerate() {
                let location = row.location;
                read(i, Record::General(Ok(row.object)), &mut || location);
            }
        }
        Records::Json(items) => {
            let mut lines = tabular::Lines::new(text);
            let flat_records = format.has_flat_assignments();
            let mut ahead = flat.iter();
            for (i, raw) in items.into_iter().enumerate() {
                // Parsed ahead, or now.
                let now;
                let parsed = match ahead.next() {
                    Some(parsed) => parsed.as_ref(),
                    None => {
                        now = flat_records.then(|| flat::read(raw.get())).flatten();
                        now.as_ref()
                    }
                };
                let record = match parsed {
                    Some(flat) => Record::Flat(flat, raw),
                    None => Record::General(record_object(raw)),
                };
                read(i, record, &mut || lines.of(raw.get()));
            }
        }
    }
    // A record of a configuration export that could not be read may be of any workspace
    // (its own file's other records say nothing of it), and the file may hold nothing else:
    // no export proves an absence of that kind anywhere. A file of several kinds (workspace
    // manager, ARM template) marks the kinds it was read as.
    if lost > 0 {
        match format.object_kind() {
            Some(kind) => tenant.config.cut_kind(kind),
            None => {
                let read: Vec<ObjectKind> = tenant
                    .config
                    .objects
                    .iter()
                    .skip(config_before)
                    .map(|o| o.kind)
                    .collect();
                for kind in read {
                    tenant.config.cut_kind(kind);
                }
            }
        }
    }
    // Counted before a file whose every record was refused is turned down below. A page of
    // a longer list that holds deny assignments (a deny export, or Resource Graph rows of
    // them) leaves the others unseen: pages cannot be matched to the list they continue, so
    // even with its other pages among the inputs it counts (the warning says to join them).
    let deny_export = matches!(format, Format::DenyAssignmentsRest | Format::DenyAssignmentsPowerShell);
    if deny_export {
        tenant.unread_denies += lost;
    }
    if more_pages && (deny_export || tenant.denies.len() > denies_before || tenant.unread_denies > unread_before) {
        tenant.deny_pages.push(file.clone());
    }
    if summary.records == 0 {
        let (message, location) =
            first_error.unwrap_or_else(|| ("no records found".to_string(), Location { line: 1, column: 1 }));
        return Err(err(path, Some(format), Some(location), message, Some(text)));
    }
    // Not a warning: pages given as files of their own are the documented way, and only
    // the last has no link. The caveat names the files. What such a page shows of a
    // workspace's configuration may not be all of it, so the checklist gives no all-clear
    // from it until its last page is among the inputs.
    if more_pages {
        tenant.paged.push(file);
        for o in tenant.config.objects.iter_mut().skip(config_before) {
            o.partial = true;
        }
    }
    Ok(summary)
}

/// The records of a file: JSON records stay unparsed text until their turn, so a large
/// export never exists as one parsed tree (several times the size of its text).
enum Records<'t> {
    Parsed(Vec<Row>),
    Json(Vec<&'t RawValue>),
}

/// One record on its way to be read: a flat role assignment read in one pass, or any
/// record as a map of its fields. The flat record is lent, not moved: it is several hundred
/// bytes, and moving it twice per record was 3 % of a 1M report's time in `memmove`.
enum Record<'r, 't> {
    Flat(&'r flat::FlatRecord<'t>, &'t RawValue),
    General(Result<Map<String, Value>, String>),
}

/// serde_json's message without the " at line L column C" it ends with: the error's
/// location is reported on its own, and a message that says it twice reads as a fault.
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_string(),
        None => text,
    }
}

/// One JSON record as an object.
fn record_object(raw: &RawValue) -> Result<Map<String, Value>, String> {
    // The document parsed as a whole, so only the nesting limit and numbers too large for a
    // float can refuse a record here.
    match serde_json::from_str(raw.get()) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err("expected an object".into()),
        Err(e) => Err(format!("invalid JSON: {}", json_message(&e))),
    }
}

/// Parses JSON and decides the format from the first record's shape.
fn json_rows<'t>(path: &str, text: &'t str) -> Result<(Format, Records<'t>, bool), InputError> {
    let body = text.trim_start_matches('\u{feff}');
    let invalid = |e: serde_json::Error| {
        err(
            path,
            guess(text),
            Some(Location {
                line: e.line(),
                column: e.column(),
            }),
            format!("invalid JSON: {}", json_message(&e)),
            Some(text),
        )
    };
    let not_a_document = || {
        err(
            path,
            None,
            Some(Location { line: 1, column: 1 }),
            "expected a JSON array or object",
            Some(text),
        )
    };
    // The document's structure is checked in full here; each record's fields are read
    // when the record is.
    let (envelope, items): (Option<Map<String, Value>>, Vec<&RawValue>) = match body.trim_start().as_bytes().first() {
        Some(b'[') => (None, serde_json::from_str(body).map_err(invalid)?),
        Some(b'{') => {
            let mut o: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(body).map_err(invalid)?;
            let key = ["value", "data", "resources"].iter().find_map(|name| {
                o.iter()
                    .find(|(k, v)| k.eq_ignore_ascii_case(name) && v.get().trim_start().starts_with('['))
                    .map(|(k, _)| k.clone())
            });
            match key.and_then(|k| o.remove(&k)) {
                Some(array) => {
                    let items: Vec<&RawValue> = serde_json::from_str(array.get()).map_err(invalid)?;
                    let envelope = o
                        .into_iter()
                        .filter_map(|(k, v)| serde_json::from_str(v.get()).ok().map(|v| (k, v)))
                        .collect();
                    (Some(envelope), items)
                }
                // A single record (ConvertTo-Json of one object yields an object).
                None => {
                    let Value::Object(object) = serde_json::from_str(body).map_err(invalid)? else {
                        return Err(not_a_document());
                    };
                    let rows = vec![Row {
                        object,
                        location: Location { line: 1, column: 1 },
                    }];
                    return finish_rows(path, text, None, Records::Parsed(rows)).map(|(f, r)| (f, r, false));
                }
            }
        }
        _ => {
            // Not a document we read: report the parser's complaint if it has one.
            serde_json::from_str::<Value>(body).map_err(invalid)?;
            return Err(not_a_document());
        }
    };
    let more = envelope.as_ref().is_some_and(more_pages);
    finish_rows(path, text, envelope, Records::Json(items)).map(|(f, r)| (f, r, more))
}

/// Whether a list answer is one page of several: REST's `nextLink`, Graph's
/// `@odata.nextLink` and Resource Graph's `skip_token` name the next page (`az rest` and a
/// single `Invoke-RestMethod` do not follow them).
fn more_pages(envelope: &Map<String, Value>) -> bool {
    str_field(
        envelope,
        &["nextLink", "@odata.nextLink", "skip_token", "$skipToken", "skipToken"],
    )
    .is_some()
}

/// Decides the format from the envelope and the first record that is an object.
fn finish_rows<'t>(
    path: &str,
    text: &str,
    envelope: Option<Map<String, Value>>,
    records: Records<'t>,
) -> Result<(Format, Records<'t>), InputError> {
    let envelope = envelope.as_ref();
    let first: Option<std::borrow::Cow<'_, Map<String, Value>>> = match &records {
        Records::Parsed(rows) => rows.first().map(|r| std::borrow::Cow::Borrowed(&r.object)),
        Records::Json(items) => items
            .iter()
            .find_map(|raw| record_object(raw).ok())
            .map(std::borrow::Cow::Owned),
    };
    let Some(first) = first else {
        let format = envelope_format(envelope).or_else(|| guess(text));
        // Records that are there but none of which reads: say why the first does not, and
        // where it is, rather than that there are none.
        let unreadable = match &records {
            Records::Json(items) => items
                .first()
                .and_then(|raw| Some((record_object(raw).err()?, tabular::Lines::new(text).of(raw.get())))),
            Records::Parsed(_) => None,
        };
        return Err(match unreadable {
            Some((why, at)) => err(
                path,
                format,
                Some(at),
                format!("no record could be read; the first: {why}"),
                Some(text),
            ),
            None => err(
                path,
                format,
                Some(Location { line: 1, column: 1 }),
                "the export holds no records",
                Some(text),
            ),
        });
    };
    let format = detect(envelope, &first).ok_or_else(|| {
        let keys: Vec<&String> = first.keys().take(8).collect();
        // A type the planner does not read says more than the keys (rule templates look
        // like rules, but are not the workspace's).
        let what = match str_field(&*first, &["type"]) {
            Some(t) => format!("records of type `{t}`, which the planner does not read"),
            None if pim_for_groups(&first) => PIM_FOR_GROUPS.to_string(),
            None => format!("records of an unknown shape (keys: {keys:?})"),
        };
        let at = match &records {
            Records::Json(items) => items.first().map(|raw| tabular::Lines::new(text).of(raw.get())),
            Records::Parsed(_) => None,
        };
        err(
            path,
            guess(text),
            at.or(Some(Location { line: 1, column: 1 })),
            what,
            Some(text),
        )
    })?;
    Ok((format, records))
}

/// What a Microsoft Graph answer holds, from the `@odata.context` of its envelope.
fn envelope_format(envelope: Option<&Map<String, Value>>) -> Option<Format> {
    envelope
        .and_then(|e| str_field(e, &["@odata.context"]))
        .and_then(odata_format)
}

/// What a Microsoft Graph answer holds, from its `@odata.context`.
fn odata_format(context: &str) -> Option<Format> {
    let ctx = context.to_ascii_lowercase();
    if ctx.contains("rolemanagement/directory") {
        Some(Format::GraphDirectoryRoleAssignments)
    } else if ctx.contains("directoryroles") {
        Some(Format::GraphDirectoryRoles)
    } else if ctx.contains("groups") {
        Some(Format::GraphGroupMembers)
    } else {
        None
    }
}

fn detect(envelope: Option<&Map<String, Value>>, first: &Map<String, Value>) -> Option<Format> {
    let props = field(first, &["properties"]).and_then(Value::as_object);
    let get = |names: &[&str]| field(first, names).or_else(|| props.and_then(|p| field(p, names)));
    let type_ = str_field(first, &["type"]).unwrap_or_default().to_ascii_lowercase();
    // A template's `resources` list is the records, taken out of the envelope: what is left
    // of a template is its schema and version. Each resource is then read by its own type,
    // and one the planner does not use (a playbook's workflow) is skipped with a warning.
    if envelope.is_some_and(|e| field(e, &["$schema", "contentVersion"]).is_some()) {
        return Some(Format::ArmTemplate);
    }
    // By shape only when the record names no type: a record that names one the planner
    // does not use (a rule template, a role assignment on a Sentinel rule) is not guessed
    // into a kind it only looks like.
    let by_shape = || config_kind_by_shape(first, props).filter(|_| type_.is_empty());
    if let Some(kind) = ObjectKind::from_type(&type_).or_else(by_shape) {
        return Some(Format::for_object(kind));
    }
    let arg = envelope.is_some_and(|e| {
        field(e, &["data"]).is_some() && field(e, &["count", "total_records", "skip_token"]).is_some()
    }) || field(first, &["tenantId"]).is_some() && field(first, &["subscriptionId"]).is_some();
    if arg {
        return Some(if type_.starts_with("microsoft.authorization/") {
            Format::ResourceGraphAuthorization
        } else {
            Format::ResourceGraphContainers
        });
    }
    // Before Azure's PIM: Microsoft Graph's directory PIM records (schedule instances) carry
    // `assignmentType` or `roleEligibilityScheduleId` too.
    if get(&["directoryScopeId"]).is_some() {
        return Some(Format::GraphDirectoryRoleAssignments);
    }
    if type_.contains("roleeligibilityschedule") || get(&["roleEligibilityScheduleId"]).is_some() {
        return Some(Format::PimEligibility);
    }
    if type_.contains("roleassignmentscheduleinstances")
        || type_.contains("roleassignmentschedules")
        || get(&["assignmentType"]).is_some()
    {
        return Some(Format::PimAssignmentInstances);
    }
    if get(&["denyAssignmentName"]).is_some() {
        return Some(if props.is_some() {
            Format::DenyAssignmentsRest
        } else {
            Format::DenyAssignmentsPowerShell
        });
    }
    if field(first, &["roleTemplateId"]).is_some() && field(first, &["members"]).is_some() {
        return Some(Format::GraphDirectoryRoles);
    }
    if field(first, &["members", "transitiveMembers"]).is_some()
        || envelope_format(envelope) == Some(Format::GraphGroupMembers)
    {
        return Some(Format::GraphGroupMembers);
    }
    if get(&["permissions", "Actions"]).is_some()
        && get(&["roleName", "Name", "IsCustom", "AssignableScopes"]).is_some()
    {
        return Some(if props.is_some() {
            Format::RoleDefinitionsRest
        } else if field(first, &["roleName"]).is_some() {
            Format::RoleDefinitionsCli
        } else {
            Format::RoleDefinitionsPowerShell
        });
    }
    if props.is_some() && get(&["principalId"]).is_some() {
        return Some(Format::RestRoleAssignments);
    }
    if field(first, &["ObjectId", "RoleAssignmentId"]).is_some() && field(first, &["principalId"]).is_none() {
        return Some(if field(first, &["RoleAssignmentName"]).is_some() {
            Format::PowerShellRoleAssignmentJson
        } else {
            Format::PortalRoleAssignmentJson
        });
    }
    if field(first, &["principalId", "principalName"]).is_some()
        && field(first, &["scope", "roleDefinitionId", "roleDefinitionName"]).is_some()
    {
        return Some(Format::AzRoleAssignmentList);
    }
    None
}

/// Case-insensitive field lookup over several candidate names.
fn field<'v>(obj: &'v Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    for name in names {
        if let Some(v) = obj.get(*name) {
            if !v.is_null() {
                return Some(v);
            }
        }
        if let Some((_, v)) = obj.iter().find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_null()) {
            return Some(v);
        }
    }
    None
}

/// A non-empty string field.
fn str_field<'v>(obj: &'v dyn Fields, names: &[&str]) -> Option<&'v str> {
    names
        .iter()
        .filter_map(|n| match obj.scalar(n) {
            Some(Scalar::Str(s)) => Some(s),
            _ => None,
        })
        .map(trimmed)
        .find(|s| !s.is_empty())
}

/// `str::trim`, with the usual case (no space at either end) decided from the two end bytes:
/// a byte in `!`..=`~` is a whole character and not white space. Every field of every record
/// is trimmed, and the call to `trim` was 5 % of the reading thread's time at a million
/// assignments.
pub(crate) fn trimmed(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

fn bool_field(obj: &Map<String, Value>, names: &[&str]) -> Option<bool> {
    match field(obj, names)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn str_list(obj: &Map<String, Value>, names: &[&str]) -> Vec<String> {
    match field(obj, names) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        // PowerShell CSV flattens lists to "a b" or leaves the type name; accept one string.
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => vec![],
    }
}

/// Merges an ARM `properties` object under the top-level fields, top level winning.
fn flatten(obj: &Map<String, Value>) -> Map<String, Value> {
    let mut out = match field(obj, &["properties"]) {
        Some(Value::Object(p)) => p.clone(),
        _ => Map::new(),
    };
    for (k, v) in obj {
        if k != "properties" && !v.is_null() {
            // Keep `properties.scope`/`type` of the inner object where both exist.
            if !(out.contains_key(k) && (k == "type" || k == "scope")) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// [`flatten`] for a record that is no longer needed whole: moves instead of copying.
fn flatten_owned(mut raw: Map<String, Value>) -> Map<String, Value> {
    let mut out = match raw.remove("properties") {
        Some(Value::Object(p)) => p,
        // Not an object: ignored, as `flatten` does.
        Some(_) => Map::new(),
        None => match field(&raw, &["properties"]) {
            Some(Value::Object(p)) => p.clone(),
            _ => {
                // Nothing to merge (the CLI's and PowerShell's flat records): the record
                // itself, without rebuilding it key by key.
                raw.retain(|_, v| !v.is_null());
                return raw;
            }
        },
    };
    for (k, v) in raw {
        if !v.is_null() && !(out.contains_key(&k) && (k == "type" || k == "scope")) {
            out.insert(k, v);
        }
    }
    out
}

fn read_record(format: Format, raw: Map<String, Value>, origin: Origin, tenant: &mut Tenant) -> Result<usize, String> {
    let uses_raw = format == Format::ArmTemplate
        || format.object_kind().is_some()
        || format == Format::SentinelWorkspaceManager
        || matches!(
            format,
            Format::ResourceGraphAuthorization | Format::ResourceGraphContainers
        );
    if !uses_raw {
        let obj = flatten_owned(raw);
        return read_flat(format, &obj, origin, tenant);
    }
    let raw = &raw;
    let obj = flatten(raw);
    if format == Format::ArmTemplate || format.object_kind().is_some() || format == Format::SentinelWorkspaceManager {
        return config_object(format, raw, obj, origin, tenant);
    }
    match format {
        Format::ResourceGraphAuthorization | Format::ResourceGraphContainers => {
            // Resource Graph's rows name their tenant; other role exports do not (and a
            // lookup per record of a million-record list costs a tenth of a second).
            if let Some(id) = str_field(raw, &["tenantId"]) {
                tenant.note_tenant_id(id);
            }
            let t = str_field(raw, &["type"]).unwrap_or_default().to_ascii_lowercase();
            match t.as_str() {
                "microsoft.authorization/roleassignments" => {
                    // Resource Graph rows leave null fields out (as in the export README's example):
                    // there, no `condition` means none.
                    let mut obj = obj;
                    obj.entry("condition").or_insert(Value::Null);
                    role_assignment(&obj, AssignmentState::Active, origin, tenant)
                }
                "microsoft.authorization/roledefinitions" => role_definition(&obj, origin, tenant),
                "microsoft.resources/subscriptions" | "microsoft.management/managementgroups" => {
                    container(raw, &obj, tenant)
                }
                "microsoft.resources/subscriptions/resourcegroups" => Ok(0),
                "microsoft.authorization/denyassignments" => {
                    // Counted here: the file is not a deny export as a whole.
                    let read = deny_assignment(&obj, origin, tenant);
                    if read.is_err() {
                        tenant.unread_denies += 1;
                    }
                    read
                }
                other => Err(format!("Resource Graph row of type `{other}` is not used")),
            }
        }
        _ => read_flat(format, &obj, origin, tenant),
    }
}

/// Records whose fields are read from the flattened object alone.
fn read_flat(format: Format, obj: &Map<String, Value>, origin: Origin, tenant: &mut Tenant) -> Result<usize, String> {
    match format {
        Format::RoleDefinitionsCli | Format::RoleDefinitionsPowerShell | Format::RoleDefinitionsRest => {
            role_definition(obj, origin, tenant)
        }
        Format::DenyAssignmentsRest | Format::DenyAssignmentsPowerShell => deny_assignment(obj, origin, tenant),
        Format::PimEligibility | Format::PimAssignmentInstances if pim_for_groups(obj) => Err(PIM_FOR_GROUPS.into()),
        Format::PimEligibility | Format::PimAssignmentInstances | Format::GraphDirectoryRoleAssignments
            if field(obj, &["requestType"]).is_some()
                || field(obj, &["action"]).is_some() && field(obj, &["scheduleInfo"]).is_some() =>
        {
            Err(PIM_REQUEST.into())
        }
        Format::PimEligibility => {
            let state = AssignmentState::Eligible {
                start: date_field(obj, "startDateTime")?,
                end: date_field(obj, "endDateTime")?,
            };
            role_assignment(obj, state, origin, tenant)
        }
        Format::PimAssignmentInstances => {
            let activated = str_field(obj, &["assignmentType"]).is_some_and(|t| t.eq_ignore_ascii_case("activated"));
            // Made active directly, it still has its window when it has one: PIM lists
            // upcoming instances, and an end date ends it.
            let (start, end) = (date_field(obj, "startDateTime")?, date_field(obj, "endDateTime")?);
            let state = match (activated, start, end) {
                // Every activation ends: one without an end was cut or edited, and read as
                // never ending it would be access that has ended.
                (true, _, None) => return Err(ACTIVATION_WITHOUT_END.into()),
                (true, start, end) => AssignmentState::Activated { start, end },
                (false, None, None) => AssignmentState::Active,
                (false, start, end) => AssignmentState::Assigned { start, end },
            };
            role_assignment(obj, state, origin, tenant)
        }
        Format::GraphGroupMembers => group_members(obj, tenant),
        Format::GraphDirectoryRoleAssignments => directory_role_assignment(obj, origin, tenant),
        Format::GraphDirectoryRoles => directory_role_members(obj, origin, tenant),
        // A PIM record among plain assignments (a mixed list, or a PIM list exported as CSV
        // or console text, which read as role assignments) is read as PIM's, by its dates:
        // read plainly, an eligibility would grant now.
        _ => match pim_format(obj)? {
            // Tables write dates in the local format, which does not read as a date.
            Some(pim) if format.is_table() => read_flat(pim, obj, origin, tenant)
                .map_err(|e| format!("{e}: a PIM list in a table; export it as JSON (ConvertTo-Json -Depth 5)")),
            Some(pim) => read_flat(pim, obj, origin, tenant),
            // Checked once the record fails, not on each of a million that read.
            None => {
                role_assignment(obj, AssignmentState::Active, origin, tenant).map_err(|e| unless_pim_for_groups(obj, e))
            }
        },
    }
}

/// Which PIM list a record comes from, by its type or PIM's own fields; a request (what was
/// asked for, not what is held) is refused.
fn pim_format(obj: &Map<String, Value>) -> Result<Option<Format>, String> {
    // No lower-cased copy of every record's type: a REST list has a million of them.
    let type_ = str_field(obj, &["type"]).unwrap_or_default().as_bytes();
    let names = |t: &str| type_.windows(t.len()).any(|w| w.eq_ignore_ascii_case(t.as_bytes()));
    if names("schedulerequests") || field(obj, &["requestType"]).is_some() {
        return Err(PIM_REQUEST.into());
    }
    Ok(
        if names("roleeligibilityschedule") || field(obj, &["roleEligibilityScheduleId"]).is_some() {
            Some(Format::PimEligibility)
        } else if names("roleassignmentschedule")
            || field(obj, &["roleAssignmentScheduleId", "assignmentType"]).is_some()
        {
            Some(Format::PimAssignmentInstances)
        } else {
            None
        },
    )
}

/// PIM for Groups schedules (Graph `privilegedAccess/group`) share PIM's fields but hold a
/// group's membership or ownership, not a role.
fn pim_for_groups(obj: &Map<String, Value>) -> bool {
    field(obj, &["groupId"]).is_some() && field(obj, &["accessId"]).is_some()
}

/// A plain assignment's error, or what the record is when it is a PIM for Groups schedule.
fn unless_pim_for_groups(obj: &Map<String, Value>, error: String) -> String {
    if pim_for_groups(obj) {
        PIM_FOR_GROUPS.into()
    } else {
        error
    }
}

const PIM_FOR_GROUPS: &str = "a PIM for Groups schedule (membership or ownership of a group, not a role) is not read: active members come from the group's member list (a Microsoft Graph members export); people only eligible for membership count once they activate";

const PIM_REQUEST: &str = "a PIM request says what was asked for, not what is held: export the schedule instances (roleAssignmentScheduleInstances, roleEligibilityScheduleInstances) instead";

/// A PIM window's start or end: absent or `null` is open, and text that is not a date skips
/// the record with a reason rather than open the window (an activation read as never ending
/// would be access that has ended).
fn date_field(obj: &Map<String, Value>, name: &str) -> Result<Option<Date>, String> {
    match field(obj, &[name]) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Date::parse_utc_day(s)
            .or_else(|| ms_date(s.trim()))
            .map(Some)
            .ok_or_else(|| format!("{name} `{s}` is not a date")),
        // A date PowerShell wrote as an object, or a number: not a window that never closes.
        // (Its kind rather than its text: printing a JSON value would cost the Wasm 2 KB.)
        Some(_) => Err(format!("{name} is not a date: not text")),
    }
}

/// Windows PowerShell 5.1's `ConvertTo-Json` writes a date as `/Date(ms)/` (milliseconds
/// since 1970 in UTC, perhaps followed by the local offset, which does not change them).
fn ms_date(text: &str) -> Option<Date> {
    let inner = text.strip_prefix("/Date(")?.strip_suffix(")/")?;
    // The offset's sign comes after the first character (the number's own sign).
    let end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| matches!(c, '+' | '-'))
        .map_or(inner.len(), |(i, _)| i);
    let ms: i64 = inner.get(..end)?.parse().ok()?;
    Some(Date::from_days_since_epoch(ms.div_euclid(86_400_000)))
}

const ACTIVATION_WITHOUT_END: &str = "a PIM activation without an end date (endDateTime)";

const CUT_BY_CONVERT_TO_JSON: &str = "PIM schedule cut short by ConvertTo-Json (use -Depth 5)";

/// The last day of an Entra PIM schedule (`scheduleInfo.expiration`): none for
/// `noExpiration`, its `endDateTime` otherwise. A duration is not worked out: such a record
/// is skipped, as one whose dates do not read, rather than counted as never ending.
fn schedule_end(info: &Map<String, Value>) -> Result<Option<Date>, String> {
    let Some(Value::Object(expiration)) = field(info, &["expiration"]) else {
        return Err(CUT_BY_CONVERT_TO_JSON.into());
    };
    let kind = str_field(expiration, &["type"]).map(str::to_ascii_lowercase);
    match (kind.as_deref(), date_field(expiration, "endDateTime")?) {
        (Some("noexpiration"), _) => Ok(None),
        (_, Some(end)) => Ok(Some(end)),
        (Some("afterduration"), None) => {
            Err("PIM schedule ends after a duration: export roleEligibilityScheduleInstances".into())
        }
        _ => Err("PIM schedule expiration without an end date".into()),
    }
}

fn role_assignment(
    obj: &dyn Fields,
    state: AssignmentState,
    origin: Origin,
    tenant: &mut Tenant,
) -> Result<usize, String> {
    let id = str_field(obj, &["RoleAssignmentId", "id", "roleEligibilityScheduleId"]).unwrap_or_default();
    if id.starts_with("NA(") || str_field(obj, &["roleDefinitionId"]).is_some_and(|r| r.starts_with("NA(")) {
        return Err("classic administrator row (retired in 2024) skipped: it carries no role definition".into());
    }
    let scope_text = match str_field(obj, &["scope"]) {
        Some(s) => s,
        None => crate::assignment::scope_of_id(id).ok_or("no scope and no assignment id to take it from")?,
    };
    let scope = tenant.scope(scope_text).map_err(|e| e.to_string())?;
    let principal_id =
        str_field(obj, &["principalId", "ObjectId"]).ok_or("no principal id (principalId / ObjectId)")?;
    let principal_id = tenant.share(&crate::principal::lower_key(principal_id));
    let expanded = obj.object("expandedProperties");
    let exp_principal = expanded
        .and_then(|e| field(e, &["principal"]))
        .and_then(Value::as_object);
    let exp_role = expanded
        .and_then(|e| field(e, &["roleDefinition"]))
        .and_then(Value::as_object);
    let kind_text = str_field(obj, &["principalType", "ObjectType"])
        .or_else(|| exp_principal.and_then(|p| str_field(p, &["type"])));
    let mut kind = kind_text.map(PrincipalKind::parse).unwrap_or(PrincipalKind::Unknown);
    // The CLI fills `principalName` from Microsoft Graph and leaves it empty when the
    // object no longer exists: an orphaned assignment, as PowerShell's `Unknown` type says.
    if matches!(obj.scalar("principalName"), Some(Scalar::Str(s)) if s.trim().is_empty()) {
        kind = PrincipalKind::Unknown;
    }
    let role = RoleRef::shared(
        str_field(obj, &["roleDefinitionId"]),
        str_field(obj, &["roleDefinitionName"]).or_else(|| exp_role.and_then(|r| str_field(r, &["displayName"]))),
        |text| tenant.share(text),
    );
    if role.is_empty() {
        return Err("no role definition id or name".into());
    }
    // Names: CLI `principalName` is a UPN for users, a display name for groups and an
    // app id for service principals; PowerShell and the portal have DisplayName/SignInName.
    let cli_name = str_field(obj, &["principalName"]);
    let mut display = str_field(obj, &["DisplayName", "PrincipalDisplayName"])
        .or_else(|| exp_principal.and_then(|p| str_field(p, &["displayName"])));
    let mut sign_in = str_field(obj, &["SignInName"]).or_else(|| exp_principal.and_then(|p| str_field(p, &["email"])));
    if let Some(n) = cli_name {
        if n.contains('@') {
            sign_in = sign_in.or(Some(n));
        } else if !is_guid(n) {
            display = display.or(Some(n));
        }
    }
    tenant.directory.observe(&principal_id, kind, display, sign_in);
    let condition = Condition::new(str_field(obj, &["condition"]), str_field(obj, &["conditionVersion"]));
    // Every format writes the field, null when there is none; without it (an older REST
    // api-version, a query that picked fields) a condition would go unseen.
    if !obj.has("condition") && tenant.condition_unseen.last() != Some(&origin.file) {
        tenant.condition_unseen.push(origin.file.clone());
    }
    tenant.assignments.push(RoleAssignment::new(
        id,
        scope,
        principal_id,
        kind,
        role,
        condition,
        state,
        origin,
    ));
    Ok(1)
}

fn blocks_of(obj: &Map<String, Value>) -> Vec<PermissionBlock> {
    match field(obj, &["permissions"]) {
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter_map(Value::as_object)
            .map(|b| {
                PermissionBlock::from_lists(
                    &operations(b, &["actions"]),
                    &operations(b, &["notActions"]),
                    &operations(b, &["dataActions"]),
                    &operations(b, &["notDataActions"]),
                    Condition::new(str_field(b, &["condition"]), str_field(b, &["conditionVersion"])),
                )
            })
            .collect(),
        // PowerShell flattens all blocks into one (and keeps only the first condition).
        _ => vec![PermissionBlock::from_lists(
            &operations(obj, &["Actions"]),
            &operations(obj, &["NotActions"]),
            &operations(obj, &["DataActions"]),
            &operations(obj, &["NotDataActions"]),
            Condition::new(str_field(obj, &["Condition"]), str_field(obj, &["ConditionVersion"])),
        )],
    }
}

/// Does a file's text name deny assignments (any case)? Asked only of files that could not be
/// read, whose format may not be known.
fn names_denies(bytes: &[u8]) -> bool {
    bytes.windows(14).any(|w| w.eq_ignore_ascii_case(b"denyassignment"))
}

/// A list of operations. One text for the list is split at spaces: PowerShell writes a list
/// that way when it flattens it (a CSV, or `ConvertTo-Json` past its depth), and no
/// operation name holds a space.
fn operations(obj: &Map<String, Value>, names: &[&str]) -> Vec<String> {
    match field(obj, names) {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        _ => str_list(obj, names),
    }
}

/// What `ConvertTo-Json` writes for a value it did not go into: an Az module object's type
/// name, a hashtable's, or a list's (`System.Object[]`, `System.Collections.Generic.List`1[…]`).
fn is_type_name(text: &str) -> bool {
    text.starts_with("Microsoft.Azure.PowerShell.Cmdlets.")
        || text == "System.Collections.Hashtable"
        || text.starts_with("System.") && text.contains('[')
}

fn role_definition(obj: &Map<String, Value>, origin: Origin, tenant: &mut Tenant) -> Result<usize, String> {
    let name_field = str_field(obj, &["name"]);
    let id = [name_field, str_field(obj, &["id"]).and_then(|i| i.rsplit('/').next())]
        .into_iter()
        .flatten()
        .find(|g| is_guid(g))
        .map(str::to_ascii_lowercase);
    let name = str_field(obj, &["roleName"])
        .or(name_field.filter(|n| !is_guid(n)))
        .ok_or("role definition without a name (roleName / Name)")?
        .to_string();
    let builtin = str_field(obj, &["roleType", "type"]).is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole"))
        || bool_field(obj, &["IsCustom"]) == Some(false);
    // Bundled built-ins win: an export of a built-in adds nothing, unless it is newer
    // than our bundle and so unknown to it.
    if builtin
        && id
            .as_deref()
            .is_some_and(|i| crate::role::RoleCatalog::builtin(i).is_some())
    {
        return Ok(1);
    }
    let blocks = blocks_of(obj);
    if blocks.iter().all(|b| b.actions.is_empty() && b.data_actions.is_empty()) {
        return Err(format!("role `{name}` grants nothing (no actions or dataActions)"));
    }
    let role = RoleDefinition {
        id: id.unwrap_or_else(|| format!("custom:{}", name.to_ascii_lowercase())),
        name,
        kind: if builtin { RoleKind::BuiltIn } else { RoleKind::Custom },
        blocks,
        assignable_scopes: str_list(obj, &["assignableScopes"]),
    };
    let updated = str_field(obj, &["updatedOn"]).and_then(crate::date::Timestamp::parse);
    tenant.roles.define(role, updated, Some(origin));
    Ok(1)
}

/// A deny assignment's principals or exclusions, as ids. PowerShell's `ConvertTo-Json` at
/// its default depth writes each principal as its text (`DisplayName:`, `ObjectType:`,
/// `ObjectId:` lines): the id is read from that, and any other text that is not an id
/// refuses the record, since a deny read as binding nobody would make verdicts too generous.
fn principal_ids(v: Option<&Value>) -> Result<Vec<String>, String> {
    let Some(Value::Array(a)) = v else {
        return Ok(vec![]);
    };
    let mut ids = Vec::with_capacity(a.len());
    for p in a {
        match p {
            Value::Object(o) => match str_field(o, &["id", "ObjectId"]) {
                Some(id) => ids.push(id.to_ascii_lowercase()),
                None => return Err("deny assignment principal without an id".into()),
            },
            Value::String(s) => {
                let s = s.trim();
                let id = match s.find("ObjectId:") {
                    Some(at) => s
                        .get(at + "ObjectId:".len()..)
                        .and_then(|rest| rest.split_whitespace().next()),
                    None => Some(s),
                };
                match id.filter(|id| id.is_empty() || crate::role::is_guid(id)) {
                    Some(id) => ids.push(id.to_ascii_lowercase()),
                    None => return Err(PRINCIPALS_CUT.into()),
                }
            }
            _ => {}
        }
    }
    Ok(ids)
}

const DENY_PERMISSIONS_CUT: &str =
    "deny assignment permissions cut short by ConvertTo-Json (written as a type name): export with -Depth 5";

const PRINCIPALS_CUT: &str =
    "deny assignment principals cut short by ConvertTo-Json, with no id to read: export with -Depth 5";

fn deny_assignment(obj: &Map<String, Value>, origin: Origin, tenant: &mut Tenant) -> Result<usize, String> {
    let scope = Scope::parse(str_field(obj, &["scope"]).ok_or("deny assignment without a scope")?)
        .map_err(|e| e.to_string())?;
    let principals = principal_ids(field(obj, &["principals"]))?;
    if principals.is_empty() {
        return Err("deny assignment without principals".into());
    }
    // PowerShell's All Principals entry is also the all-zero id.
    let principals = principals
        .into_iter()
        .map(|p| if p.is_empty() { ALL_PRINCIPALS.to_string() } else { p })
        .collect();
    // A deny read as denying nothing, or as denying a type name, would make verdicts too
    // generous: such a record is refused, and the report says denies may be unseen.
    let blocks = blocks_of(obj);
    let cut = blocks.iter().any(|b| {
        [&b.actions, &b.not_actions, &b.data_actions, &b.not_data_actions]
            .into_iter()
            .flatten()
            .any(|p| is_type_name(p.as_str()))
    });
    // `permissions` itself written as a type name reads as no permissions; named as cut.
    if cut || str_field(obj, &["permissions"]).is_some_and(is_type_name) {
        return Err(DENY_PERMISSIONS_CUT.into());
    }
    if blocks.iter().all(|b| b.actions.is_empty() && b.data_actions.is_empty()) {
        return Err("deny assignment whose permissions cannot be read (no actions or dataActions)".into());
    }
    tenant.denies.push(DenyAssignment {
        id: str_field(obj, &["id"]).unwrap_or_default().to_string(),
        name: str_field(obj, &["denyAssignmentName"])
            .unwrap_or("(unnamed deny assignment)")
            .to_string(),
        scope,
        blocks,
        principals: IdSet::new(principals),
        exclude_principals: IdSet::new(principal_ids(field(obj, &["excludePrincipals"]))?),
        do_not_apply_to_child_scopes: bool_field(obj, &["doNotApplyToChildScopes"]).unwrap_or(false),
        origin,
    });
    Ok(1)
}

fn container(raw: &Map<String, Value>, obj: &Map<String, Value>, tenant: &mut Tenant) -> Result<usize, String> {
    let chain = field(obj, &["managementGroupAncestorsChain"]).or_else(|| {
        field(obj, &["details"])
            .and_then(Value::as_object)
            .and_then(|d| field(d, &["managementGroupAncestorsChain"]))
    });
    let names: Vec<String> = match chain {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|m| str_field(m, &["name"]))
            .map(str::to_string)
            .collect(),
        _ => return Err("no managementGroupAncestorsChain in the row".into()),
    };
    let mut tree = ManagementGroupTree::default();
    let t = str_field(raw, &["type"]).unwrap_or_default().to_ascii_lowercase();
    if t == "microsoft.resources/subscriptions" {
        let sub = str_field(raw, &["subscriptionId"])
            .or_else(|| str_field(raw, &["name"]))
            .ok_or("subscription row without subscriptionId")?;
        tree.add_subscription(sub, names);
    } else {
        let name = str_field(raw, &["name"]).ok_or("management group row without a name")?;
        tree.add_group(name, names);
    }
    tenant.hierarchy.merge(tree);
    Ok(1)
}

fn observe_graph_object(o: &Map<String, Value>, tenant: &mut Tenant) -> Option<String> {
    let id = str_field(o, &["id"])?.to_ascii_lowercase();
    // Microsoft Graph PowerShell puts the typed properties under AdditionalProperties.
    let extra = field(o, &["AdditionalProperties"]).and_then(Value::as_object);
    let get = |names: &[&str]| str_field(o, names).or_else(|| extra.and_then(|e| str_field(e, names)));
    let t = get(&["@odata.type"]).unwrap_or("");
    let kind = if t.is_empty() {
        PrincipalKind::Unknown
    } else {
        PrincipalKind::parse(t)
    };
    tenant
        .directory
        .observe_in_directory(&id, kind, get(&["displayName"]), get(&["userPrincipalName"]));
    Some(id)
}

/// The most members Microsoft Graph's `$expand=members` returns for one group.
const EXPAND_LIMIT: usize = 20;

fn group_members(obj: &Map<String, Value>, tenant: &mut Tenant) -> Result<usize, String> {
    let group = str_field(obj, &["id"])
        .ok_or("group without an id")?
        .to_ascii_lowercase();
    tenant
        .directory
        .observe_in_directory(&group, PrincipalKind::Group, str_field(obj, &["displayName"]), None);
    let members = field(obj, &["transitiveMembers"]).or_else(|| field(obj, &["members"]));
    let Some(Value::Array(members)) = members else {
        return Err("group without an expanded members or transitiveMembers list".into());
    };
    // ConvertTo-Json at its default depth writes each member as its type name: the group
    // would read as having no members.
    if members.iter().any(Value::is_string) {
        return Err("group members cut short by ConvertTo-Json (written as type names): export with -Depth 5".into());
    }
    for m in members.iter().filter_map(Value::as_object) {
        if let Some(id) = observe_graph_object(m, tenant) {
            tenant.directory.add_member(&group, &id);
        }
    }
    // `$expand=members` returns at most 20 members of a group: a list of 20 may be cut.
    if members.len() == EXPAND_LIMIT && field(obj, &["transitiveMembers"]).is_none() {
        tenant
            .capped_groups
            .push(str_field(obj, &["displayName"]).unwrap_or(&group).to_string());
    }
    Ok(1)
}

fn directory_role_assignment(obj: &Map<String, Value>, origin: Origin, tenant: &mut Tenant) -> Result<usize, String> {
    tenant.has_directory_roles = true;
    let principal_id = str_field(obj, &["principalId"])
        .ok_or("directory role assignment without principalId")?
        .to_ascii_lowercase();
    if let Some(p) = field(obj, &["principal"]).and_then(Value::as_object) {
        observe_graph_object(p, tenant);
    }
    let role_def = field(obj, &["roleDefinition"]).and_then(Value::as_object);
    let template = role_def
        .and_then(|r| str_field(r, &["templateId"]))
        .or_else(|| str_field(obj, &["roleDefinitionId"]))
        .ok_or("directory role assignment without roleDefinitionId")?
        .to_ascii_lowercase();
    // An assignment schedule or instance (`assignmentType`: assigned or activated) is in force;
    // an eligibility schedule or instance is not until activated.
    let eligible = str_field(obj, &["@odata.type"]).is_some_and(|t| t.to_ascii_lowercase().contains("eligib"))
        || field(obj, &["roleEligibilityScheduleId"]).is_some()
        || field(obj, &["assignmentType"]).is_none()
            && field(obj, &["memberType"]).is_some()
            && field(obj, &["startDateTime", "scheduleInfo"]).is_some();
    // PIM's window: an instance's own dates, or a schedule's `scheduleInfo`.
    let (start, end) = match field(obj, &["scheduleInfo"]) {
        None => (date_field(obj, "startDateTime")?, date_field(obj, "endDateTime")?),
        Some(Value::Object(info)) => (date_field(info, "startDateTime")?, schedule_end(info)?),
        Some(_) => return Err(CUT_BY_CONVERT_TO_JSON.into()),
    };
    if end.is_none() && str_field(obj, &["assignmentType"]).is_some_and(|t| t.eq_ignore_ascii_case("activated")) {
        return Err(ACTIVATION_WITHOUT_END.into());
    }
    // Only PIM's records carry these; `roleAssignments` gives the role as held when exported.
    let pim = eligible
        || field(
            obj,
            &[
                "assignmentType",
                "scheduleInfo",
                "startDateTime",
                "endDateTime",
                "memberType",
            ],
        )
        .is_some();
    tenant.directory_roles.push(DirectoryRoleAssignment {
        pim,
        start,
        end,
        principal_id,
        role_template_id: template,
        role_name: role_def
            .and_then(|r| str_field(r, &["displayName"]))
            .map(str::to_string),
        directory_scope: str_field(obj, &["directoryScopeId"]).unwrap_or("/").to_string(),
        eligible,
        origin,
    });
    Ok(1)
}

fn directory_role_members(obj: &Map<String, Value>, origin: Origin, tenant: &mut Tenant) -> Result<usize, String> {
    tenant.has_directory_roles = true;
    let template = str_field(obj, &["roleTemplateId"])
        .ok_or("directory role without roleTemplateId")?
        .to_ascii_lowercase();
    let Some(Value::Array(members)) = field(obj, &["members"]) else {
        return Err("directory role without an expanded members list".into());
    };
    let mut n = 0;
    for m in members.iter().filter_map(Value::as_object) {
        if let Some(id) = observe_graph_object(m, tenant) {
            tenant.directory_roles.push(DirectoryRoleAssignment {
                principal_id: id,
                role_template_id: template.clone(),
                role_name: str_field(obj, &["displayName"]).map(str::to_string),
                directory_scope: "/".into(),
                eligible: false,
                pim: false,
                start: None,
                end: None,
                origin: origin.clone(),
            });
            n += 1;
        }
    }
    Ok(n.max(1))
}

const ALERT_RULE_KINDS: &[&str] = &[
    "scheduled",
    "nrt",
    "fusion",
    "microsoftsecurityincidentcreation",
    "mlbehavioranalytics",
    "threatintelligence",
];

/// Configuration objects without a `type` (flattened CLI / PowerShell output).
fn config_kind_by_shape(first: &Map<String, Value>, props: Option<&Map<String, Value>>) -> Option<ObjectKind> {
    let get = |names: &[&str]| field(first, names).or_else(|| props.and_then(|p| field(p, names)));
    let kind = str_field(first, &["kind"]).unwrap_or_default().to_ascii_lowercase();
    if let Some(k) = str_field(first, &["id"]).and_then(ObjectKind::from_id) {
        return Some(k);
    }
    if get(&["triggeringLogic", "TriggeringLogicTriggersOn"]).is_some() {
        Some(ObjectKind::AutomationRule)
    } else if ALERT_RULE_KINDS.contains(&kind.as_str()) && get(&["enabled", "alertRuleTemplateName", "query"]).is_some()
    {
        Some(ObjectKind::AnalyticsRule)
    } else if get(&["dataTypes"]).is_some() && !kind.is_empty() {
        Some(ObjectKind::DataConnector)
    } else if get(&["logicAppResourceId"]).is_some() && get(&["workflowId"]).is_some() {
        Some(ObjectKind::RuleAction)
    } else {
        None
    }
}

/// The resource name of an item, also from ARM-template expressions such as
/// `[concat(parameters('workspace'),'/Microsoft.SecurityInsights/<guid>')]`.
fn resource_name(raw: &Map<String, Value>) -> String {
    let name = str_field(raw, &["name"]).unwrap_or_default();
    if name.starts_with('[') {
        let inner = name.trim_end_matches([']', ')', '\'', ' ']);
        inner.rsplit(['/', '\'']).next().unwrap_or_default().to_string()
    } else {
        name.to_string()
    }
}

/// The end of the message for a resource the planner does not read (a playbook's workflow
/// in a template): skipping one leaves nothing the planner needs unread.
const NOT_USED: &str = " is not a Sentinel configuration object the planner uses";

const CUT_CONFIG: &str = "record cut short by ConvertTo-Json (nested values written as text): export with -Depth 20";

/// Fields whose value is an object or a list in every Sentinel layout (REST, ARM, and
/// PowerShell's flattened names): text there is ConvertTo-Json's, past its `-Depth`.
const STRUCTURAL: &[&str] = &[
    "properties",
    "triggeringLogic",
    "conditions",
    "conditionProperties",
    "TriggeringLogicCondition",
    "actions",
    "Action",
    "actionConfiguration",
    "incidentConfiguration",
    "groupingConfiguration",
    "entityMappings",
    "EntityMapping",
    "fieldMappings",
    "eventGroupingSettings",
    "alertDetailsOverride",
    "customDetails",
    "dataTypes",
    "DataTypes",
];

/// Whether ConvertTo-Json wrote a value as text because it lay deeper than `-Depth` (2 by
/// default): an Az module object as its type name, a hashtable or list as .NET's (a list's
/// items joined by spaces), or, where an object or list belongs, an object read by
/// ConvertFrom-Json as `@{name=value; …}` or JSON text. Elsewhere text is the user's own (a
/// condition's values, a description) and is not looked at.
fn cut_by_depth(key: &str, v: &Value) -> bool {
    match v {
        Value::String(s) => {
            let structural = STRUCTURAL.iter().any(|k| k.eq_ignore_ascii_case(key));
            let s = s.trim();
            (!s.is_empty() && s.split_whitespace().all(is_type_name))
                || structural && (s.starts_with("@{") || s.starts_with('{') || s.starts_with('['))
        }
        Value::Array(items) => items.iter().any(|v| cut_by_depth(key, v)),
        Value::Object(o) => o.iter().any(|(k, v)| cut_by_depth(k, v)),
        _ => false,
    }
}

fn config_object(
    format: Format,
    raw: &Map<String, Value>,
    props: Map<String, Value>,
    origin: Origin,
    tenant: &mut Tenant,
) -> Result<usize, String> {
    let type_ = str_field(raw, &["type"]).unwrap_or_default();
    let props_ref = field(raw, &["properties"]).and_then(Value::as_object);
    // A record's own type wins; the file's kind stands only for records that name none.
    let untyped = type_.is_empty();
    let kind = ObjectKind::from_type(type_)
        .or_else(|| format.object_kind().filter(|_| untyped))
        .or_else(|| config_kind_by_shape(raw, props_ref).filter(|_| untyped))
        .ok_or_else(|| format!("resource of type `{type_}`{NOT_USED}"))?;
    // Read as it stands, such a record would show no conditions or actions, and so tick
    // detectors as "not affected".
    if raw.iter().any(|(k, v)| cut_by_depth(k, v)) {
        return Err(CUT_CONFIG.into());
    }
    // ARM-template ids are expressions, not paths: such items have no known workspace.
    let id = str_field(raw, &["id", "Id", "ResourceId"])
        .filter(|i| i.starts_with('/'))
        .unwrap_or_default()
        .to_string();
    let scope = Scope::parse(&id).ok();
    let workspace = scope.as_ref().and_then(Scope::workspace_scope);
    tenant.config.objects.push(ConfigObject {
        kind,
        name: resource_name(raw),
        id,
        subkind: str_field(raw, &["kind", "Kind"]).map(str::to_string),
        workspace,
        location: str_field(raw, &["location", "Location"]).map(str::to_string),
        props,
        origin,
        partial: false,
    });
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_whole_record_is_found_past_brackets_in_strings() {
        let first = |t: &str| first_record(t).map(|r| Value::Object(r).to_string());
        // Brackets, braces and escaped quotes inside strings do not count.
        let tricky = r#"[{"a": "}]\"{[", "n": [1, {"x": 2}]}, {"b": "#;
        assert_eq!(first(tricky).as_deref(), Some(r#"{"a":"}]\"{[","n":[1,{"x":2}]}"#));
        // One level down, in an envelope, after other keys.
        let envelope = r#"{"@odata.context": "x[", "value": [{"id": "1"}, {"id"#;
        assert_eq!(first(envelope).as_deref(), Some(r#"{"id":"1"}"#));
        // A record still open, or none at the top, is nothing.
        for nothing in [r#"[{"a": 1"#, r#"{"a": {"b": 1}}"#, "", "[[{\"a\": 1}]]"] {
            assert_eq!(first(nothing), None, "{nothing}");
        }
    }

    #[test]
    fn windows_powershell_dates_are_milliseconds_since_1970_in_utc() {
        assert_eq!(ms_date("/Date(1700000000000)/"), Some(Date::new(2023, 11, 14)));
        // The local offset does not change the instant.
        assert_eq!(ms_date("/Date(1700000000000+0100)/"), Some(Date::new(2023, 11, 14)));
        assert_eq!(ms_date("/Date(1700000000000-0500)/"), Some(Date::new(2023, 11, 14)));
        // Before 1970, the day before.
        assert_eq!(ms_date("/Date(-1)/"), Some(Date::new(1969, 12, 31)));
        for not in ["/Date()/", "/Date(x)/", "Date(1)", "/Date(1)", "2026-01-01"] {
            assert_eq!(ms_date(not), None, "{not}");
        }
    }

    proptest::proptest! {
        /// The quick trim is `str::trim`, for any text (white space of every kind included).
        #[test]
        fn trimmed_is_trim(s in "[ \\t\\n\u{a0}\u{3000}a-z~!é]{0,12}") {
            proptest::prop_assert_eq!(trimmed(&s), s.trim());
        }
    }

    #[test]
    fn files_prepared_ahead_read_as_files_read_in_turn() {
        // Every shared format, a broken file, an empty one and a UTF-16 one: the tenant,
        // summaries and errors must not depend on whether files were prepared on a thread.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
        let mut owned: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                Some((
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).ok()?,
                ))
            })
            .collect();
        owned.sort();
        assert!(owned.len() >= 10, "{} files in {}", owned.len(), dir.display());
        let mut utf16 = vec![0xFF, 0xFE];
        if let Some((_, first)) = owned.first() {
            utf16.extend(String::from_utf8_lossy(first).encode_utf16().flat_map(u16::to_le_bytes));
        }
        owned.push(("utf16.json".into(), utf16));
        owned.push(("broken.json".into(), b"[{\"principalId\": ".to_vec()));
        owned.push(("empty.json".into(), Vec::new()));
        let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let (ahead, in_turn) = (load_files(&files, true), load_files(&files, false));
        assert_eq!(ahead.errors.len(), 2);
        assert!(
            ahead.tenant.assignments.len() > 5,
            "{} assignments",
            ahead.tenant.assignments.len()
        );
        assert_eq!(format!("{ahead:?}"), format!("{in_turn:?}"));
    }

    #[test]
    fn parsing_ahead_stops_when_told_and_the_rest_is_read_in_turn() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats/az-role-assignment-list.json");
        let one: Vec<Value> = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        // Several batches' worth of records (repeats are kept as records; the tenant drops them later).
        let many: Vec<&Value> = one.iter().cycle().take(AHEAD_BATCH * 3 + 7).collect();
        let text = serde_json::to_string(&many).unwrap_or_default();
        let (go, stop) = (AtomicBool::new(false), AtomicBool::new(true));
        let read = |ahead: Ahead<'_>, keep: usize| {
            let mut split = split("p.json", &text, ahead).map_err(|e| e.message)?;
            let parsed = split.flat.len();
            split.flat.truncate(keep);
            let mut tenant = Tenant::default();
            let summary = take_in(
                "p.json",
                text.len(),
                split,
                ReadHint { unread: text.len() },
                &mut tenant,
            );
            let n = tenant.assignments.len();
            Ok::<_, String>((parsed, n, format!("{summary:?} {tenant:?}")))
        };
        let (all, n, whole) = read(Ahead::Until(&go), usize::MAX).unwrap_or_default();
        assert_eq!(all, many.len());
        assert!(n > 0, "{whole}");
        let (none, _, in_turn) = read(Ahead::Until(&stop), usize::MAX).unwrap_or_default();
        assert_eq!(none, 0);
        // Cut anywhere, even inside a batch: the same tenant as parsing everything first.
        let (_, _, cut) = read(Ahead::Until(&go), AHEAD_BATCH + 3).unwrap_or_default();
        assert_eq!(whole, in_turn);
        assert_eq!(whole, cut);
    }

    #[test]
    fn room_for_assignments_follows_the_parts_still_to_read_within_bounds() {
        // Ten parts of 100,000 records in 90 MB each: room for all of them at the first.
        let first = ReadHint { unread: 900_000_000 };
        assert_eq!(first.assignments(100_000, 90_000_000), 1_000_000);
        // The last part: its own records.
        let last = ReadHint { unread: 90_000_000 };
        assert_eq!(last.assignments(100_000, 90_000_000), 100_000);
        // Records of a few bytes cannot ask for more than one per 64 unread bytes…
        let odd = ReadHint { unread: 200_000_000 };
        assert_eq!(odd.assignments(1_000, 3_000), 200_000_000 / 64);
        // …nor for less than the file holds.
        assert_eq!(ReadHint { unread: 10 }.assignments(5, 10), 5);
        assert_eq!(ReadHint { unread: 0 }.assignments(3, 0), 3);
    }

    #[test]
    fn room_is_added_only_when_the_guess_does_not_fit() {
        // The first part of a 1M export: room for the guess and a sixteenth.
        assert_eq!(room_to_add(0, 1_014_088), Some(1_077_468));
        // The second part guesses 807 records more than the first did: still room.
        assert_eq!(room_to_add(1_077_468 - 100_000, 914_895), None);
        // A part far larger than guessed: room again.
        assert_eq!(room_to_add(10, 1_600), Some(1_700));
        assert_eq!(room_to_add(0, usize::MAX), Some(usize::MAX));
    }

    #[test]
    fn growing_keeps_the_entries_and_adds_the_room_asked() {
        let mut list: Vec<String> = Vec::with_capacity(1_000);
        list.extend(["a", "b", "c"].map(String::from));
        assert!(grow(&mut list, 5_000).is_ok());
        assert_eq!(list, ["a", "b", "c"]);
        assert!(list.capacity() >= 5_003, "{}", list.capacity());
        // Room that cannot be had is refused, and the list is left as it was.
        assert!(grow(&mut list, usize::MAX).is_err());
        assert_eq!(list, ["a", "b", "c"]);
    }
}
