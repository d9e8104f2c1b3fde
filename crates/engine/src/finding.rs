//! Impact analysis: one detector per catalogue difference that has export evidence. Each
//! detector is a row in [`DETECTORS`], keyed by the difference id, naming the export kinds
//! it needs; the predicates follow `shared/knowledge/export-shapes.md` §12.

use serde::{Deserialize, Serialize};

use crate::Text;
use serde_json::{Map, Value};

use crate::check::{self, Basis, Section};
use crate::config::{as_bool, data_type_enabled, lookup, ConfigObject, ObjectKind, SentinelConfig};
use crate::date::Date;
use crate::scope::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops onboarding or breaks something on the day of the move.
    High,
    /// Changes behaviour people or automation rely on: review before the move.
    Medium,
    Low,
    /// Worth knowing; nothing to fix.
    Info,
}

crate::variant::named_variants!(Severity {
    High => "high",
    Medium => "medium",
    Low => "low",
    Info => "info",
});

/// An object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub kind: Text,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The difference id from the catalogue, or a parity check id from `data/checks.toml`.
    pub id: Text,
    pub title: Text,
    /// `None` for objects whose export did not say which workspace they belong to.
    pub workspace: Option<Scope>,
    pub severity: Severity,
    pub section: Section,
    pub basis: Basis,
    pub objects: Vec<Affected>,
    pub detail: String,
    pub action: Text,
    pub sources: Vec<String>,
}

/// What a detector sees: the configuration of one workspace, and its role.
pub struct Context<'a> {
    pub config: &'a SentinelConfig,
    pub workspace: Option<&'a Scope>,
    /// `Some(true)` primary, `Some(false)` secondary, `None` not decided.
    pub primary: Option<bool>,
    pub primary_workspace: Option<&'a Scope>,
    pub as_of: Option<Date>,
    /// The regions of the workspaces the exports show, worked out for the first workspace
    /// that asks and kept for the others (see [`detect_regions_unplanned`]).
    regions: &'a std::cell::OnceCell<Regions>,
}

/// Each region once as a comparison key, sorted, and each with its key and how it was
/// first written, in the order first met.
type Regions = (Vec<String>, Vec<(String, String)>);

impl<'a> Context<'a> {
    fn objects(&self, kind: ObjectKind) -> impl Iterator<Item = &'a ConfigObject> + '_ {
        self.config.in_workspace(kind, self.workspace)
    }
}

type Detect = fn(&Context<'_>) -> Option<(Vec<Affected>, String)>;

pub struct Detector {
    /// The difference id (or parity check id) this detector evidences.
    pub id: &'static str,
    pub severity: Severity,
    /// The report section whose score it counts in.
    pub section: Section,
    /// Export kinds without which the detector cannot say "not affected". It runs once any of
    /// them is given, so a partial export still shows what it holds.
    pub needs: &'static [ObjectKind],
    pub detect: Detect,
}

fn affected(o: &ConfigObject, detail: impl Into<String>) -> Affected {
    Affected {
        kind: o.kind.label().into(),
        name: o.display_name().to_string(),
        id: o.id.clone(),
        detail: detail.into(),
    }
}

fn found(objects: Vec<Affected>, detail: impl Into<String>) -> Option<(Vec<Affected>, String)> {
    (!objects.is_empty()).then(|| (objects, detail.into()))
}

fn rules<'c>(c: &'c Context<'_>) -> impl Iterator<Item = &'c ConfigObject> + 'c {
    c.objects(ObjectKind::AnalyticsRule)
}

fn query_rule(o: &ConfigObject) -> bool {
    o.subkind_is("Scheduled") || o.subkind_is("NRT")
}

/// `incidentConfiguration.createIncident` (PowerShell: `IncidentConfigurationCreateIncident`).
fn create_incident(o: &ConfigObject) -> Option<bool> {
    o.path(&[&["incidentConfiguration", "IncidentConfiguration"], &["createIncident"]])
        .and_then(as_bool)
        .or_else(|| o.bool(&["IncidentConfigurationCreateIncident"]))
}

/// `eventGroupingSettings.aggregationKind == AlertPerResult` (PowerShell flattens it to
/// `EventGroupingSettingAggregationKind`).
fn alert_per_result(o: &ConfigObject) -> bool {
    o.path(&[&["eventGroupingSettings"], &["aggregationKind"]])
        .and_then(Value::as_str)
        .or_else(|| o.str(&["EventGroupingSettingAggregationKind"]))
        .is_some_and(|k| k.eq_ignore_ascii_case("AlertPerResult"))
}

fn grouping(o: &ConfigObject) -> Option<&Map<String, Value>> {
    o.path(&[
        &["incidentConfiguration", "IncidentConfiguration"],
        &["groupingConfiguration"],
    ])
    .and_then(Value::as_object)
    .or_else(|| {
        o.get(&["IncidentConfigurationGroupingConfiguration"])
            .and_then(Value::as_object)
    })
}

fn grouping_flag(o: &ConfigObject, flag: &str) -> bool {
    let flat = format!("GroupingConfiguration{flag}");
    grouping(o)
        .and_then(|g| lookup(g, &[flag]))
        .and_then(as_bool)
        .or_else(|| o.bool(&[flat.as_str()]))
        .unwrap_or(false)
}

/// Every condition of an automation rule, flattened through Boolean and array conditions.
fn conditions(o: &ConfigObject) -> Vec<&Map<String, Value>> {
    fn walk<'v>(v: &'v Value, out: &mut Vec<&'v Map<String, Value>>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => {
                let props = lookup(m, &["conditionProperties"])
                    .and_then(Value::as_object)
                    .unwrap_or(m);
                out.push(props);
                for nested in ["innerConditions", "itemConditions"] {
                    if let Some(inner) = lookup(props, &[nested]) {
                        walk(inner, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let top = o
        .path(&[&["triggeringLogic"], &["conditions"]])
        .or_else(|| o.get(&["TriggeringLogicCondition", "TriggeringLogicConditions"]));
    if let Some(v) = top {
        walk(v, &mut out);
    }
    out
}

fn property_values(c: &Map<String, Value>) -> Vec<String> {
    match lookup(c, &["propertyValues"]) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => vec![],
    }
}

/// Automation rules with a condition on `property`, with the values they test.
fn automation_on(c: &Context<'_>, property: &str, value_filter: fn(&str) -> bool) -> Vec<Affected> {
    c.objects(ObjectKind::AutomationRule)
        .filter_map(|o| {
            let hits: Vec<String> = conditions(o)
                .into_iter()
                .filter(|cond| {
                    lookup(cond, &["propertyName"])
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case(property))
                })
                .flat_map(|cond| {
                    let op = lookup(cond, &["operator"])
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let values = property_values(cond);
                    let values = if values.is_empty() { vec![String::new()] } else { values };
                    values
                        .into_iter()
                        .filter(|v| value_filter(v))
                        .map(move |v| format!("{property} {op} \"{v}\""))
                })
                .collect();
            (!hits.is_empty()).then(|| affected(o, hits.join("; ")))
        })
        .collect()
}

fn any_value(_: &str) -> bool {
    true
}

fn triggers(o: &ConfigObject, field: &str, flat: &str) -> Option<String> {
    o.path(&[&["triggeringLogic"], &[field]])
        .and_then(Value::as_str)
        .or_else(|| o.str(&[flat]))
        .map(str::to_string)
}

fn automation_enabled(o: &ConfigObject) -> bool {
    o.path(&[&["triggeringLogic"], &["isEnabled"]])
        .and_then(as_bool)
        .or_else(|| o.bool(&["TriggeringLogicIsEnabled"]))
        .unwrap_or(true)
}

fn connectors<'c>(
    c: &'c Context<'_>,
    kinds: &'static [&'static str],
    data_type: &'static str,
) -> impl Iterator<Item = &'c ConfigObject> + 'c {
    c.objects(ObjectKind::DataConnector)
        .filter(move |o| kinds.iter().any(|k| o.subkind_is(k)))
        .filter(move |o| data_type_enabled(o, data_type).unwrap_or(true))
}

const STANDALONE_ALERT_CONNECTORS: &[&str] = &[
    "AzureActiveDirectory",
    "AzureAdvancedThreatProtection",
    "MicrosoftDefenderAdvancedThreatProtection",
    "OfficeATP",
    "MicrosoftCloudAppSecurity",
];

/// The other Microsoft connector kinds the 2025-07-01-preview spec gives `dataTypes.alerts`:
/// onboarding leaves them connected, so a secondary has to drop them first
/// (workspaces-defender-portal.md, 2026-05-26).
const MANUAL_ALERT_CONNECTORS: &[&str] = &["OfficeIRM", "AzureSecurityCenter"];

/// The Defender XDR connector carries incidents or alerts. An incidents state the export leaves
/// out counts as on, as in [`connectors`]; alerts on with incidents off still counts
/// (workspaces-defender-portal.md).
fn xdr_streams(o: &ConfigObject) -> bool {
    o.subkind_is("MicrosoftThreatProtection")
        && (data_type_enabled(o, "incidents").unwrap_or(true) || data_type_enabled(o, "alerts") == Some(true))
}

/// An enabled Microsoft security incident creation rule whose product filter passes `product`.
fn incident_creation_for(o: &ConfigObject, product: fn(&str) -> bool) -> bool {
    o.subkind_is("MicrosoftSecurityIncidentCreation") && o.enabled() && o.str(&["productFilter"]).is_some_and(product)
}

fn defender_for_cloud_product(p: &str) -> bool {
    p.eq_ignore_ascii_case("Azure Security Center")
}

/// No Insider Risk value is in the spec's product enum, so any filter naming it counts.
fn insider_risk_product(p: &str) -> bool {
    p.to_ascii_lowercase().contains("insider risk")
}

/// An enabled query rule raising incidents from Defender for Cloud alerts: it reads SecurityAlert
/// for the product name Azure Security Center (ingest-defender-for-cloud-incidents.md).
fn queries_defender_for_cloud_alerts(o: &ConfigObject) -> bool {
    query_rule(o)
        && o.enabled()
        && create_incident(o) != Some(false)
        && o.str(&["query"]).is_some_and(|q| {
            let q = q.to_ascii_lowercase();
            q.contains("securityalert") && q.contains("azure security center")
        })
}

/// The Defender XDR advanced-hunting tables the XDR connector can stream into a workspace and
/// Defender keeps for 30 days at no charge: the same 21 the adoption helper checks.
pub const XDR_TABLES: &[&str] = &[
    "DeviceInfo",
    "DeviceNetworkInfo",
    "DeviceProcessEvents",
    "DeviceNetworkEvents",
    "DeviceFileEvents",
    "DeviceRegistryEvents",
    "DeviceLogonEvents",
    "DeviceImageLoadEvents",
    "DeviceEvents",
    "DeviceFileCertificateInfo",
    "EmailEvents",
    "EmailUrlInfo",
    "EmailAttachmentInfo",
    "EmailPostDeliveryEvents",
    "UrlClickEvents",
    "CloudAppEvents",
    "IdentityLogonEvents",
    "IdentityQueryEvents",
    "IdentityDirectoryEvents",
    "AlertInfo",
    "AlertEvidence",
];

/// Days of raw advanced-hunting data Defender XDR keeps at no charge.
const XDR_FREE_DAYS: i64 = 30;

fn is_xdr_table(name: &str) -> bool {
    XDR_TABLES.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// Total retention (interactive plus long-term) wins: it is how long the data can be queried.
fn table_retention(o: &ConfigObject) -> Option<i64> {
    o.get(&["totalRetentionInDays", "retentionInDays"])
        .and_then(Value::as_i64)
}

fn table_plan(o: &ConfigObject) -> Option<&str> {
    o.get(&["plan"]).and_then(Value::as_str)
}

/// Regions the adoption helper (2026-03-27) lists as hosting the Sentinel data lake. Only the
/// helper asserts this list, so the rule built on it is rated lower (`basis = "helper"`).
pub const DATA_LAKE_REGIONS_PER_HELPER: &[&str] = &[
    "canadacentral",
    "centralus",
    "eastus",
    "eastus2",
    "southcentralus",
    "westus2",
    "southeastasia",
    "centralindia",
    "israelcentral",
    "japaneast",
    "northeurope",
    "westeurope",
    "francecentral",
    "italynorth",
    "switzerlandnorth",
    "uksouth",
    "australiaeast",
];

/// `West Europe` and `westeurope` name the same region.
fn region_key(location: &str) -> String {
    location
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn workspace_location<'c>(c: &'c Context<'_>, ws: Option<&'c Scope>) -> Option<&'c str> {
    c.config
        .in_workspace(ObjectKind::Workspace, ws)
        .find_map(|o| o.location.as_deref())
}

const FUSION_TEMPLATE: &str = "f71aba3d-28fb-450b-b192-4e76a83015c8";

fn is_fusion(o: &ConfigObject) -> bool {
    o.subkind_is("Fusion")
        || o.str(&["alertRuleTemplateName"])
            .is_some_and(|t| t.eq_ignore_ascii_case(FUSION_TEMPLATE))
}

fn detect_fusion(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter(|o| is_fusion(o) && o.enabled())
        .map(|o| affected(o, "enabled"))
        .collect();
    found(
        objects,
        "Fusion is switched off at onboarding and the Defender correlation engine takes over multistage detection.",
    )
}

/// Automation rules whose conditions name the Fusion rule: by the id of a Fusion rule in the
/// exports, or by the conventional resource name `BuiltInFusion` when the rules were not exported.
fn detect_fusion_automation(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let mut needles: Vec<String> = vec!["/alertrules/builtinfusion\"".into()];
    for f in rules(c).filter(|o| is_fusion(o)) {
        if !f.id.is_empty() {
            needles.push(f.id.to_ascii_lowercase());
        }
        needles.push(format!("/alertrules/{}\"", f.name.to_ascii_lowercase()));
    }
    let needles = Needles::new(needles);
    let objects: Vec<Affected> = ["IncidentRelatedAnalyticRuleIds", "AlertAnalyticRuleIds"]
        .into_iter()
        .flat_map(|p| automation_on(c, p, any_value))
        .filter(|a| needles.any_in(&a.detail.to_ascii_lowercase()))
        .collect();
    found(
        objects,
        "These automation rules run on Fusion incidents, which stop once the workspace is onboarded.",
    )
}

/// Texts looked for in automation conditions, found by where `/alertrules/` falls in them:
/// each is tried only where that falls in the condition, with the few bytes after it the
/// same. Searching every condition for every text grew with the product of Fusion rules and
/// automation rules (8,000 of each took 34 s).
struct Needles {
    /// (where the text's first mark starts, the text).
    marked: Vec<(usize, String)>,
    /// (up to `KEY` bytes after the first mark, position in `marked`), by key.
    keyed: Vec<(String, usize)>,
    /// Texts without the mark, searched for in full.
    other: Vec<String>,
}

impl Needles {
    const MARK: &'static str = "/alertrules/";
    const KEY: usize = 8;

    fn new(texts: Vec<String>) -> Self {
        let (mut marked, mut keyed, mut other) = (Vec::new(), Vec::new(), Vec::new());
        for text in texts {
            match text.find(Self::MARK) {
                Some(at) => {
                    let start = at + Self::MARK.len();
                    let key = (0..=Self::KEY)
                        .rev()
                        .find_map(|len| text.get(start..start + len))
                        .unwrap_or_default()
                        .to_string();
                    keyed.push((key, marked.len()));
                    marked.push((at, text));
                }
                None => other.push(text),
            }
        }
        crate::order::by_text(&mut keyed);
        Self { marked, keyed, other }
    }

    /// Does `text` contain any of them?
    fn any_in(&self, text: &str) -> bool {
        if self.other.iter().any(|n| text.contains(n.as_str())) {
            return true;
        }
        // Every place the mark starts, overlapping ones included.
        let mut from = 0;
        while let Some(p) = text
            .get(from..)
            .and_then(|rest| rest.find(Self::MARK))
            .map(|i| from + i)
        {
            let start = p + Self::MARK.len();
            for len in 0..=Self::KEY {
                let Some(key) = text.get(start..start + len) else {
                    continue;
                };
                let found = crate::order::with_text(&self.keyed, key).iter().any(|&(_, i)| {
                    self.marked.get(i).is_some_and(|(at, needle)| {
                        p.checked_sub(*at)
                            .and_then(|q| text.get(q..))
                            .is_some_and(|rest| rest.starts_with(needle.as_str()))
                    })
                });
                if found {
                    return true;
                }
            }
            from = p + 1;
        }
        false
    }
}

fn detect_msic(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter(|o| o.subkind_is("MicrosoftSecurityIncidentCreation") && o.enabled())
        .map(|o| {
            let mut filters = vec![format!("product: {}", o.str(&["productFilter"]).unwrap_or("?"))];
            for (label, key) in [
                ("severities", "severitiesFilter"),
                ("names", "displayNamesFilter"),
                ("excluded names", "displayNamesExcludeFilter"),
            ] {
                if let Some(Value::Array(a)) = o.get(&[key]) {
                    if !a.is_empty() {
                        let list: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                        filters.push(format!("{label}: {}", list.join(", ")));
                    }
                }
            }
            affected(o, filters.join("; "))
        })
        .collect();
    found(
        objects,
        "These rules are deactivated at onboarding; their filters must be rebuilt with alert tuning or automation.",
    )
}

fn detect_msic_any(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter(|o| o.subkind_is("MicrosoftSecurityIncidentCreation"))
        .map(|o| affected(o, ""))
        .collect();
    found(
        objects,
        "Candidates for the onboarding option that converts them into Defender alert grouping rules.",
    )
}

fn detect_alert_only(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter(|o| query_rule(o) && o.enabled())
        .filter(|o| create_incident(o) == Some(false))
        .map(|o| affected(o, "incident creation off"))
        .collect();
    found(
        objects,
        "Alerts from these rules do not show in the Defender alert and incident views.",
    )
}

/// An automation condition that waits for an incident to leave Closed: `PropertyChanged` on
/// IncidentStatus with `ChangedFrom` and the value Closed (move-to-defender.md, 2025-05-04 and
/// 2026-06-15). A negated operator (`NotEquals Closed`) reacts to the other statuses instead.
fn waits_for_reopen(cond: &Map<String, Value>) -> bool {
    let is = |key: &str, want: &str| {
        lookup(cond, &[key])
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(want))
    };
    let negated = lookup(cond, &["operator"])
        .and_then(Value::as_str)
        .is_some_and(|op| op.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("not")));
    is("propertyName", "IncidentStatus")
        && is("changeType", "ChangedFrom")
        && !negated
        && property_values(cond).iter().any(|v| v.eq_ignore_ascii_case("Closed"))
}

fn detect_reopen(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let mut objects: Vec<Affected> = rules(c)
        .filter(|o| o.enabled() && grouping_flag(o, "reopenClosedIncident"))
        .map(|o| affected(o, "reopenClosedIncident"))
        .collect();
    objects.extend(
        c.objects(ObjectKind::AutomationRule)
            .filter(|o| automation_enabled(o) && conditions(o).into_iter().any(waits_for_reopen))
            .map(|o| affected(o, "runs when an incident's status changes from Closed")),
    );
    found(
        objects,
        "Reopening closed incidents is not honoured once Defender correlation creates incidents.",
    )
}

/// One alert per query result, each raising incidents (move-to-defender.md). A rule whose export
/// omits the incident flag counts: leaving it out would read as an all-clear.
fn per_result_incidents(o: &ConfigObject) -> bool {
    alert_per_result(o) && create_incident(o) != Some(false)
}

fn detect_grouping(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter(|o| o.enabled())
        .filter_map(|o| {
            if !grouping_flag(o, "enabled") {
                return per_result_incidents(o).then(|| affected(o, "one alert per result"));
            }
            let method = grouping(o)
                .and_then(|g| lookup(g, &["matchingMethod"]))
                .and_then(Value::as_str)
                .unwrap_or("");
            Some(affected(o, format!("alert grouping {method}").trim().to_string()))
        })
        .collect();
    found(objects, "Defender correlation decides grouping after onboarding; the rule's grouping settings no longer govern incidents alone.")
}

/// The tag opens the text in any casing (exclude-analytics-rules-correlation.md, 2026-07-02).
fn opens_with_tag(text: &str, tag: &str) -> bool {
    text.get(..tag.len()).is_some_and(|p| p.eq_ignore_ascii_case(tag))
}

fn detect_correlation_tags(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter_map(|o| {
            let d = o.str(&["description"])?.trim_start();
            ["#DONT_CORR#", "#INC_CORR#"]
                .iter()
                .find(|t| opens_with_tag(d, t))
                .map(|t| affected(o, *t))
        })
        .collect();
    found(
        objects,
        "These rules already carry correlation tags; check the tenant's correlation default setting.",
    )
}

fn detect_titles(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let mut objects: Vec<Affected> = rules(c)
        .filter(|o| o.enabled())
        .filter_map(|o| {
            let f = o
                .path(&[&["alertDetailsOverride"], &["alertDisplayNameFormat"]])
                .and_then(Value::as_str)
                .or_else(|| o.str(&["AlertDetailOverrideAlertDisplayNameFormat"]))?;
            (!f.trim().is_empty()).then(|| affected(o, format!("alert title format \"{f}\"")))
        })
        .collect();
    objects.extend(automation_on(c, "IncidentTitle", any_value));
    found(objects, "Incident titles are set by the correlation engine; dynamic alert titles and title-based automation need review.")
}

fn detect_rule_actions(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::RuleAction)
        .map(|o| {
            affected(
                o,
                o.str(&["logicAppResourceId"])
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or(""),
            )
        })
        .collect();
    found(
        objects,
        "Playbooks attached directly to analytics rules use the deprecated method; move them to automation rules.",
    )
}

fn detect_provider(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    found(automation_on(c, "IncidentProviderName", any_value), "After onboarding every incident's provider is Microsoft XDR, so these conditions stop matching; use the alert product name instead.")
}

fn detect_description(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    found(
        automation_on(c, "IncidentDescription", any_value),
        "Incidents created by Defender correlation have no description; conditions on it stop matching.",
    )
}

fn detect_updated_by(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let filter = |v: &str| {
        let v = v.to_ascii_lowercase();
        v.contains("365") || v.contains("defender")
    };
    found(
        automation_on(c, "IncidentUpdatedBySource", filter),
        "The updated-by value for Defender changes; conditions on the old value stop matching.",
    )
}

fn detect_batching(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::AutomationRule)
        .filter(|o| automation_enabled(o))
        .filter(|o| {
            triggers(o, "triggersWhen", "TriggeringLogicTriggersWhen")
                .is_some_and(|t| t.eq_ignore_ascii_case("Updated"))
        })
        .filter(|o| conditions(o).iter().any(|cond| lookup(cond, &["changeType"]).is_some()))
        .map(|o| affected(o, "runs on incident updates"))
        .collect();
    found(
        objects,
        "Incident updates can arrive batched from Defender; rules that react to each change may fire less often.",
    )
}

fn detect_alert_trigger(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::AutomationRule)
        .filter(|o| automation_enabled(o))
        .filter(|o| {
            triggers(o, "triggersOn", "TriggeringLogicTriggersOn").is_some_and(|t| t.eq_ignore_ascii_case("Alerts"))
        })
        .map(|o| affected(o, "triggers on alerts"))
        .collect();
    found(
        objects,
        "Alert-triggered automation only runs for alerts of Sentinel analytics rules, not for Defender XDR alerts.",
    )
}

fn detect_title_conditions(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    found(
        automation_on(c, "IncidentTitle", any_value),
        "Incident titles change under Defender correlation; match on the analytics rule name instead.",
    )
}

fn detect_tasks(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::AutomationRule)
        .filter(|o| {
            o.get(&["actions", "Action"])
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter().filter_map(Value::as_object).any(|x| {
                        lookup(x, &["actionType"])
                            .and_then(Value::as_str)
                            .is_some_and(|t| t.eq_ignore_ascii_case("AddIncidentTask"))
                    })
                })
        })
        .map(|o| affected(o, "adds incident tasks"))
        .collect();
    found(
        objects,
        "Incident tasks behave differently in the Defender portal; check where analysts will see them.",
    )
}

fn detect_standalone_connectors(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    if c.primary == Some(true) {
        return None;
    }
    let kind = |o: &ConfigObject| o.subkind.clone().unwrap_or_default();
    let objects = connectors(c, STANDALONE_ALERT_CONNECTORS, "alerts")
        .map(|o| affected(o, kind(o)))
        .chain(
            connectors(c, MANUAL_ALERT_CONNECTORS, "alerts")
                .map(|o| affected(o, format!("{}: not disconnected automatically", kind(o)))),
        )
        .collect();
    let detail = match c.primary {
        Some(false) => "This secondary workspace has standalone Microsoft alert connectors: the five main ones are disconnected automatically, any other must be removed before onboarding.",
        _ => "No primary workspace chosen: if this workspace becomes a secondary, these standalone alert connectors are disconnected at onboarding, or have to be removed first where onboarding leaves them.",
    };
    found(objects, detail)
}

fn detect_xdr_outside_primary(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    if c.primary == Some(true) {
        return None;
    }
    let objects: Vec<Affected> = c
        .objects(ObjectKind::DataConnector)
        .filter(|o| xdr_streams(o))
        .map(|o| affected(o, "Defender XDR connector"))
        .collect();
    let elsewhere = c
        .config
        .of_kind(ObjectKind::DataConnector)
        .any(|o| xdr_streams(o) && o.workspace.as_ref() != c.workspace);
    if c.primary.is_none() && !elsewhere {
        return None;
    }
    found(objects, "Defender XDR data goes to the primary workspace only; XDR-based rules and automation here stop unless the tables are streamed another way.")
}

fn detect_defender_for_cloud(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let mut objects: Vec<Affected> = connectors(c, &["AzureSecurityCenter"], "alerts")
        .map(|o| affected(o, "subscription-based (legacy) connector"))
        .collect();
    objects.extend(
        rules(c)
            .filter(|o| incident_creation_for(o, defender_for_cloud_product))
            .map(|o| affected(o, "creates incidents from Defender for Cloud alerts")),
    );
    objects.extend(rules(c).filter(|o| queries_defender_for_cloud_alerts(o)).map(|o| {
        affected(
            o,
            "queries Defender for Cloud alerts in SecurityAlert and creates incidents",
        )
    }));
    found(objects, "Choose tenant-based or legacy Defender for Cloud alerts to avoid duplicate incidents in the primary workspace.")
}

fn detect_insider_risk(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    if c.primary == Some(true) {
        return None;
    }
    let mut objects: Vec<Affected> = connectors(c, &["OfficeIRM"], "alerts")
        .map(|o| affected(o, "Insider Risk Management connector"))
        .collect();
    let detail = match objects.is_empty() {
        false => "Insider Risk alerts correlate in the primary workspace only; disconnect this connector on secondaries before onboarding.",
        true => "Insider Risk alerts correlate in the primary workspace only; review the rules here that raise incidents from them.",
    };
    objects.extend(
        rules(c)
            .filter(|o| incident_creation_for(o, insider_risk_product))
            .map(|o| affected(o, "creates incidents from Insider Risk alerts")),
    );
    found(objects, detail)
}

fn detect_workspace_manager(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let mut objects: Vec<Affected> = c
        .objects(ObjectKind::WorkspaceManagerConfiguration)
        .filter(|o| o.str(&["mode"]).is_some_and(|m| m.eq_ignore_ascii_case("Enabled")))
        .map(|o| affected(o, "mode Enabled"))
        .collect();
    for kind in [
        ObjectKind::WorkspaceManagerMember,
        ObjectKind::WorkspaceManagerGroup,
        ObjectKind::WorkspaceManagerAssignment,
    ] {
        objects.extend(
            c.objects(kind)
                .map(|o| affected(o, o.str(&["targetWorkspaceResourceId"]).unwrap_or(""))),
        );
    }
    found(objects, "Workspace manager is not available in the Defender portal; plan repositories or multitenant content distribution.")
}

fn detect_cmk(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::OnboardingState)
        .filter(|o| o.bool(&["customerManagedKey"]) == Some(true))
        .map(|o| affected(o, "customerManagedKey true"))
        .collect();
    found(
        objects,
        "Workspace data stays CMK-encrypted, but alerts and incidents are no longer CMK-encrypted after onboarding.",
    )
}

fn detect_xdr_tables(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::Table)
        .filter(|o| is_xdr_table(&o.name))
        .map(|o| {
            let detail = match table_retention(o) {
                Some(r) if r <= XDR_FREE_DAYS => {
                    format!("{r} days: Defender already keeps 30 days at no charge; ingestion may not be needed")
                }
                Some(r) => {
                    format!("{r} days: longer than the 30 free days in Defender; keep ingesting for the retention")
                }
                None => "retention not in the export".to_string(),
            };
            affected(o, detail)
        })
        .collect();
    found(objects, "Defender XDR keeps raw advanced-hunting data for 30 days at no charge; review each table's retention against that.")
}

fn same_region(a: &str, b: &str) -> bool {
    region_key(a) == region_key(b)
}

fn detect_regions(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    if c.primary == Some(true) {
        return None;
    }
    let Some(primary) = c.primary_workspace else {
        return detect_regions_unplanned(c);
    };
    let primary_region = workspace_location(c, Some(primary))?;
    let objects = c
        .objects(ObjectKind::Workspace)
        .filter(|o| o.location.as_deref().is_some_and(|l| !same_region(l, primary_region)))
        .map(|o| {
            affected(
                o,
                format!("{} (primary: {primary_region})", o.location.as_deref().unwrap_or("")),
            )
        })
        .collect();
    found(
        objects,
        "The Sentinel data lake lives in the primary workspace's region and attaches only same-region workspaces.",
    )
}

/// No primary chosen: when the exported workspaces span regions, whichever becomes primary leaves
/// those in the other regions outside the lake (sentinel-lake-onboarding.md), so each is named
/// with the regions it could be cut off from.
fn detect_regions_unplanned(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    // The regions once, each as first written: comparing every workspace with every other
    // took quadratic time, and 2,000 workspaces did not finish in two minutes (round 36);
    // and once for all workspaces, not again for each (4,000 took seconds, round 37).
    let (seen, regions) = c.regions.get_or_init(|| {
        let mut seen: Vec<String> = Vec::new();
        let mut regions: Vec<(String, String)> = Vec::new();
        for l in c
            .config
            .of_kind(ObjectKind::Workspace)
            .filter_map(|w| w.location.as_deref())
        {
            let key = region_key(l);
            if let Err(at) = seen.binary_search(&key) {
                seen.insert(at, key.clone());
                regions.push((key, l.to_string()));
            }
        }
        (seen, regions)
    });
    let objects = c
        .objects(ObjectKind::Workspace)
        .filter_map(|o| {
            let location = o.location.as_deref()?;
            let here = region_key(location);
            let total = regions.len() - usize::from(seen.binary_search(&here).is_ok());
            let others: Vec<&str> = regions
                .iter()
                .filter(|(k, _)| *k != here)
                .map(|(_, l)| l.as_str())
                .take(crate::prerequisite::NAMES_LIMIT)
                .collect();
            (total > 0).then(|| {
                let listed = crate::prerequisite::few_of(&others, total);
                affected(o, format!("{location} (other workspaces in {listed})"))
            })
        })
        .collect();
    found(
        objects,
        "No primary workspace chosen and the workspaces sit in several regions: the data lake follows the primary's region, so the workspaces outside it will not be attached.",
    )
}

fn detect_disabled_rules(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = rules(c)
        .filter(|o| !o.enabled() && !is_fusion(o))
        .map(|o| affected(o, "disabled"))
        .collect();
    found(
        objects,
        "Disabled rules move as they are and stay disabled; nothing about them changes at onboarding.",
    )
}

fn detect_lake_region(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::Workspace)
        .filter_map(|o| {
            let location = o.location.as_deref()?;
            let key = region_key(location);
            (!DATA_LAKE_REGIONS_PER_HELPER.contains(&key.as_str())).then(|| affected(o, location))
        })
        .collect();
    found(
        objects,
        "This region is not in the adoption helper's list of data-lake regions (a list Microsoft's documentation in this knowledge base does not give; confirm it on the geographical-availability page).",
    )
}

fn tables_on_plan(c: &Context<'_>, plan: &'static str) -> Vec<Affected> {
    c.objects(ObjectKind::Table)
        .filter(|o| table_plan(o).is_some_and(|p| p.eq_ignore_ascii_case(plan)))
        .map(|o| affected(o, format!("plan {plan}")))
        .collect()
}

fn detect_basic_tables(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    found(
        tables_on_plan(c, "Basic"),
        "The adoption helper says Basic tables have to become Analytics or Auxiliary tables for the move; Microsoft documentation in this knowledge base does not say so.",
    )
}

fn detect_auxiliary_tables(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    found(
        tables_on_plan(c, "Auxiliary"),
        "Once the data lake is on, these tables live in the lake: query them with lake exploration rather than Advanced hunting.",
    )
}

fn detect_residency(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let objects = c
        .objects(ObjectKind::Workspace)
        .filter(|o| o.location.is_some())
        .map(|o| affected(o, o.location.clone().unwrap_or_default()))
        .collect();
    found(objects, "Defender XDR data storage and retention policies apply to this data in the Defender portal: review for compliance.")
}

/// What a finding about a whole workspace names: its exported settings or onboarding state, else
/// the workspace its connectors came from (a connectors-only export must not read as an
/// all-clear), else, for connectors of unknown workspace, one of them.
fn whole_workspace(c: &Context<'_>, detail: &'static str) -> Option<Affected> {
    if let Some(o) = c
        .objects(ObjectKind::Workspace)
        .next()
        .or_else(|| c.objects(ObjectKind::OnboardingState).next())
    {
        return Some(affected(o, detail));
    }
    let connector = c.objects(ObjectKind::DataConnector).next()?;
    Some(match c.workspace {
        Some(ws) => Affected {
            kind: ObjectKind::Workspace.label().into(),
            name: ws.name().to_string(),
            id: ws.as_str().to_string(),
            detail: detail.into(),
        },
        None => affected(connector, detail),
    })
}

fn detect_sentinel_only(c: &Context<'_>) -> Option<(Vec<Affected>, String)> {
    let israel_rule = c
        .as_of
        .is_some_and(|d| d >= Date::new(2025, 5, 4) && d < Date::new(2026, 6, 18));
    let mut objects: Vec<Affected> = Vec::new();
    if israel_rule {
        objects.extend(
            c.objects(ObjectKind::Workspace)
                .filter(|o| {
                    o.location
                        .as_deref()
                        .is_some_and(|l| l.to_ascii_lowercase().starts_with("israel"))
                })
                .map(|o| {
                    affected(
                        o,
                        "Israel region: new Sentinel-only customers could not onboard it (2025 rule)",
                    )
                }),
        );
    }
    let has_xdr = c
        .config
        .of_kind(ObjectKind::DataConnector)
        .any(|o| o.subkind_is("MicrosoftThreatProtection"));
    if !has_xdr && c.primary != Some(false) {
        objects.extend(whole_workspace(
            c,
            "no Defender XDR connector in the exports: Sentinel-only path",
        ));
    }
    found(
        objects,
        "Without Defender XDR there is no Exposure Management, no custom detection rules and no Action center.",
    )
}

/// Every detector, one per difference id with export evidence.
pub static DETECTORS: &[Detector] = &[
    Detector {
        id: "fusion-rule-disabled",
        severity: Severity::Medium,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_fusion,
    },
    Detector {
        id: "ms-incident-creation-rules-deactivated",
        severity: Severity::High,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_msic,
    },
    Detector {
        id: "ms-incident-creation-behaviour-migration-option",
        severity: Severity::Info,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_msic_any,
    },
    Detector {
        id: "alert-only-rules-not-visible",
        severity: Severity::High,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_alert_only,
    },
    Detector {
        id: "reopen-closed-incident-not-honoured",
        severity: Severity::Medium,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule, ObjectKind::AutomationRule],
        detect: detect_reopen,
    },
    Detector {
        id: "alert-grouping-governed-by-xdr-correlation",
        severity: Severity::Medium,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_grouping,
    },
    Detector {
        id: "analytics-rule-correlation-exclusion-tags",
        severity: Severity::Info,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_correlation_tags,
    },
    Detector {
        id: "incident-titles-set-by-correlation",
        severity: Severity::Medium,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_titles,
    },
    Detector {
        id: "analytics-rule-attached-playbooks-deprecated",
        severity: Severity::High,
        section: Section::Analytics,
        needs: &[ObjectKind::RuleAction],
        detect: detect_rule_actions,
    },
    Detector {
        id: "incident-provider-name-microsoft-xdr",
        severity: Severity::High,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_provider,
    },
    Detector {
        id: "automation-incident-provider-condition-removed",
        severity: Severity::High,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_provider,
    },
    Detector {
        id: "incident-description-field-missing",
        severity: Severity::High,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_description,
    },
    Detector {
        id: "updated-by-value-changes",
        severity: Severity::High,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_updated_by,
    },
    Detector {
        id: "incident-update-batching",
        severity: Severity::Low,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_batching,
    },
    Detector {
        id: "automation-alert-trigger-scope",
        severity: Severity::Medium,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_alert_trigger,
    },
    Detector {
        id: "automation-incident-title-conditions",
        severity: Severity::Medium,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_title_conditions,
    },
    Detector {
        id: "incident-tasks-availability",
        severity: Severity::Low,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_tasks,
    },
    Detector {
        id: "standalone-microsoft-alert-connectors-disconnected",
        severity: Severity::Medium,
        section: Section::Data,
        needs: &[ObjectKind::DataConnector],
        detect: detect_standalone_connectors,
    },
    Detector {
        id: "xdr-data-only-in-primary",
        severity: Severity::High,
        section: Section::Data,
        needs: &[ObjectKind::DataConnector],
        detect: detect_xdr_outside_primary,
    },
    Detector {
        id: "defender-for-cloud-duplicate-prevention",
        severity: Severity::Medium,
        section: Section::Data,
        needs: &[ObjectKind::DataConnector, ObjectKind::AnalyticsRule],
        detect: detect_defender_for_cloud,
    },
    Detector {
        id: "insider-risk-connector-primary-only",
        severity: Severity::Medium,
        section: Section::Data,
        needs: &[ObjectKind::DataConnector],
        detect: detect_insider_risk,
    },
    Detector {
        id: "workspace-manager-unavailable",
        severity: Severity::High,
        section: Section::Data,
        needs: &[ObjectKind::WorkspaceManagerConfiguration],
        detect: detect_workspace_manager,
    },
    Detector {
        id: "customer-managed-keys",
        severity: Severity::Medium,
        section: Section::Data,
        needs: &[ObjectKind::OnboardingState],
        detect: detect_cmk,
    },
    Detector {
        id: "xdr-raw-data-30-days-free",
        severity: Severity::Info,
        section: Section::Data,
        needs: &[ObjectKind::Table],
        detect: detect_xdr_tables,
    },
    Detector {
        id: "data-lake-requires-defender",
        severity: Severity::Low,
        section: Section::Data,
        needs: &[ObjectKind::Workspace],
        detect: detect_regions,
    },
    Detector {
        id: "data-residency-and-bcdr-policies",
        severity: Severity::Info,
        section: Section::Data,
        needs: &[ObjectKind::Workspace],
        detect: detect_residency,
    },
    Detector {
        id: "sentinel-only-onboarding-limits",
        severity: Severity::Medium,
        section: Section::Data,
        needs: &[ObjectKind::DataConnector],
        detect: detect_sentinel_only,
    },
    Detector {
        id: "analytics-rule-disabled",
        severity: Severity::Info,
        section: Section::Analytics,
        needs: &[ObjectKind::AnalyticsRule],
        detect: detect_disabled_rules,
    },
    Detector {
        id: "automation-fusion-incident-trigger",
        severity: Severity::Medium,
        section: Section::Automation,
        needs: &[ObjectKind::AutomationRule],
        detect: detect_fusion_automation,
    },
    Detector {
        id: "auxiliary-tables-leave-advanced-hunting-with-lake",
        severity: Severity::Info,
        section: Section::Data,
        needs: &[ObjectKind::Table],
        detect: detect_auxiliary_tables,
    },
    Detector {
        id: "basic-table-plan",
        severity: Severity::Low,
        section: Section::Data,
        needs: &[ObjectKind::Table],
        detect: detect_basic_tables,
    },
    Detector {
        id: "data-lake-region-availability",
        severity: Severity::Low,
        section: Section::Data,
        needs: &[ObjectKind::Workspace],
        detect: detect_lake_region,
    },
];

impl Detector {
    /// A rule only the adoption helper asserts never rates above low.
    pub fn severity_for(&self, basis: Basis) -> Severity {
        match basis {
            Basis::Documented => self.severity,
            Basis::HelperOnly => self.severity.max(Severity::Low),
        }
    }
}

pub fn detector(id: &str) -> Option<&'static Detector> {
    DETECTORS.iter().find(|d| d.id == id)
}

/// Whether a detector can say "not affected": all its export kinds were supplied.
pub fn can_run(det: &Detector, config: &SentinelConfig) -> bool {
    det.needs.iter().all(|k| config.has_kind(*k))
}

/// The rule a detector evidences, when it is in force at `as_of` and at least one of its
/// exports was given: what a partial export shows is reported, though only [`can_run`]
/// allows an all-clear.
pub fn active_rule(det: &Detector, config: &SentinelConfig, as_of: Option<Date>) -> Option<check::RuleText> {
    check::rule(det.id, as_of).filter(|r| r.in_force() && det.needs.iter().any(|k| config.has_kind(*k)))
}

/// `Some(true)` primary, `Some(false)` secondary, `None` not decided (or no workspace).
/// `primary` is the one chosen, or the only workspace when the exports show no other.
pub fn role_of(ws: Option<&Scope>, primary: Option<&Scope>) -> Option<bool> {
    primary.zip(ws).map(|(p, w)| p == w)
}

/// Runs every detector in force on every workspace (and on objects of unknown workspace).
pub fn analyze(
    config: &SentinelConfig,
    workspaces: &[Scope],
    primary: Option<&Scope>,
    as_of: Option<Date>,
) -> Vec<Finding> {
    let mut buckets: Vec<Option<&Scope>> = workspaces.iter().map(Some).collect();
    if config.objects.iter().any(|o| o.workspace.is_none()) {
        buckets.push(None);
    }
    let mut out = Vec::new();
    let regions = std::cell::OnceCell::new();
    for ws in buckets {
        let ctx = Context {
            config,
            workspace: ws,
            primary: role_of(ws, primary),
            primary_workspace: primary,
            as_of,
            regions: &regions,
        };
        for det in DETECTORS {
            let Some(rule) = active_rule(det, config, as_of) else {
                continue;
            };
            if let Some((objects, detail)) = (det.detect)(&ctx) {
                out.push(Finding {
                    id: det.id.into(),
                    title: rule.title.into(),
                    workspace: ws.cloned(),
                    severity: det.severity_for(rule.basis),
                    section: det.section,
                    basis: rule.basis,
                    objects,
                    detail,
                    action: rule.action.into(),
                    sources: rule.sources.iter().map(|s| s.path.to_string()).collect(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Needles;

    proptest::proptest! {
        /// Finding texts by their mark says what searching for each in full says, marks
        /// overlapping or not, and with texts and keys cut anywhere.
        #[test]
        fn needles_match_searching_for_each(
            needles in proptest::collection::vec("(/alertrules/|/al|s|a|b|é|\"|/){0,6}", 0..6),
            text in "(/alertrules/|/alertrules|lertrules/|a|b|é|\"|/){0,12}",
        ) {
            let naive = needles.iter().any(|n| text.contains(n.as_str()));
            proptest::prop_assert_eq!(Needles::new(needles).any_in(&text), naive);
        }
    }

    /// A mark that starts inside another is still a place to look.
    #[test]
    fn needles_are_found_at_overlapping_marks() {
        let needles = Needles::new(vec!["s/alertrules/x".to_string()]);
        assert!(needles.any_in("/alertrules/alertrules/x"));
        assert!(!needles.any_in("/alertrules/alertrules/y"));
    }
}
