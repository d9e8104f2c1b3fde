//! The catalogue of documented differences between the Azure portal and the Defender
//! portal, with stable ids, sources and doc dates. The entries live in
//! `data/differences/*.toml` (our own words, from `shared/knowledge/feature-differences.md`)
//! and are compiled in by `build.rs`, so no parser for them ships in the Wasm.

use serde::Serialize;

use crate::date::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Plan,
    Onboard,
    Configure,
    Operate,
    Offboard,
}

impl Phase {
    pub fn title(self) -> &'static str {
        match self {
            Self::Plan => "Plan and set up the transition",
            Self::Onboard => "Onboard the workspaces",
            Self::Configure => "Configure and review settings and content",
            Self::Operate => "Run operations in the Defender portal",
            Self::Offboard => "Offboarding",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Persona {
    Architect,
    Engineer,
    Analyst,
}

impl Persona {
    pub fn title(self) -> &'static str {
        match self {
            Self::Architect => "security architects",
            Self::Engineer => "security engineers",
            Self::Analyst => "security analysts",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub path: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub id: &'static str,
    pub title: &'static str,
    pub area: &'static str,
    pub impact: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact_secondary: Option<&'static str>,
    pub azure: &'static str,
    pub defender: &'static str,
    pub action: &'static str,
    pub evidence: &'static str,
    pub export_evidence: bool,
    pub question: &'static str,
    pub phase: Phase,
    pub persona: Persona,
    pub since: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Part of the statement has no stored source: never the only basis of a finding.
    pub unverified: bool,
    pub keywords: &'static [&'static str],
    pub sources: &'static [SourceRef],
}

include!(concat!(env!("OUT_DIR"), "/differences.rs"));

impl Difference {
    /// Documented at `as_of` (always, when `as_of` is `None`)?
    pub fn in_force(&self, as_of: Option<Date>) -> bool {
        match as_of {
            None => self.until.is_none(),
            Some(d) => self.since <= d && self.until.is_none_or(|u| d < u),
        }
    }
}

/// The catalogue's areas, in its order (build.rs keeps the same list to sort the entries).
pub const AREAS: &[&str] = &[
    "analytics",
    "incidents",
    "automation",
    "hunting",
    "threat-intel",
    "entities/UEBA",
    "content-management",
    "data-connectors",
    "api",
    "rbac",
    "multi-workspace",
    "workbooks",
    "other",
];

/// The impact values an entry may carry.
pub const IMPACTS: &[&str] = &[
    "breaking",
    "behaviour-change",
    "relocation",
    "new-capability",
    "unavailable",
];

/// Every entry, in catalogue order.
pub fn catalogue() -> &'static [Difference] {
    DIFFERENCES
}

pub fn get(id: &str) -> Option<&'static Difference> {
    DIFFERENCES.iter().find(|d| d.id == id)
}

/// Product names people use interchangeably; a query word on the left also searches the
/// words on the right.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "xdr",
        &[
            "defender xdr",
            "microsoft 365 defender",
            "m365d",
            "mtp",
            "microsoft threat protection",
        ],
    ),
    ("m365d", &["xdr", "microsoft 365 defender", "defender xdr"]),
    ("mtp", &["xdr", "microsoft threat protection"]),
    ("m365", &["microsoft 365", "xdr"]),
    (
        "mde",
        &[
            "defender for endpoint",
            "microsoftdefenderadvancedthreatprotection",
            "endpoint",
        ],
    ),
    (
        "mdi",
        &["defender for identity", "azureadvancedthreatprotection", "identity"],
    ),
    ("mdo", &["defender for office", "officeatp", "office 365"]),
    (
        "mdca",
        &[
            "defender for cloud apps",
            "microsoftcloudappsecurity",
            "cloud app security",
        ],
    ),
    ("mcas", &["defender for cloud apps", "cloud app security"]),
    (
        "mdc",
        &["defender for cloud", "azure security center", "azuresecuritycenter"],
    ),
    ("asc", &["defender for cloud", "azure security center"]),
    ("irm", &["insider risk", "officeirm"]),
    ("cmk", &["customer-managed key", "customer managed key", "encryption"]),
    ("ti", &["threat intelligence", "threat-intel"]),
    ("ueba", &["entity behavior", "identityinfo", "entities"]),
    ("aad", &["entra", "azure active directory"]),
    ("entra", &["aad", "azure active directory"]),
    (
        "msic",
        &[
            "microsoft incident creation",
            "microsoftsecurityincidentcreation",
            "incident creation",
        ],
    ),
    ("soar", &["automation", "playbook"]),
    ("playbooks", &["playbook", "logic app"]),
    ("mssp", &["multitenant", "lighthouse", "gdap", "b2b"]),
    ("rbac", &["role", "permission", "access"]),
    ("kql", &["hunting", "query"]),
];

/// A search hit with its score (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hit {
    pub score: u32,
    pub difference: &'static Difference,
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Ranked, case-insensitive search over ids, titles, keywords and text. An empty query
/// returns the whole catalogue in order. Each query word must match somewhere (directly or
/// through a synonym); scores favour id, then title and keywords, then body text.
pub fn search(query: &str, area: Option<&str>, impact: Option<&str>, as_of: Option<Date>) -> Vec<Hit> {
    let terms = words(query);
    let mut hits: Vec<Hit> = DIFFERENCES
        .iter()
        .filter(|d| d.in_force(as_of) || as_of.is_none())
        .filter(|d| {
            area.is_none_or(|a| d.area.eq_ignore_ascii_case(a) || d.area.to_lowercase().starts_with(&a.to_lowercase()))
        })
        .filter(|d| {
            impact.is_none_or(|i| {
                d.impact.eq_ignore_ascii_case(i) || d.impact_secondary.is_some_and(|s| s.eq_ignore_ascii_case(i))
            })
        })
        .filter_map(|d| {
            let id = d.id.to_lowercase();
            let title = d.title.to_lowercase();
            let keywords: Vec<String> = d.keywords.iter().map(|k| k.to_lowercase()).collect();
            let body = format!(
                "{} {} {} {} {} {}",
                d.area, d.azure, d.defender, d.action, d.evidence, d.question
            )
            .to_lowercase();
            let mut score = 0;
            for term in &terms {
                let mut variants = vec![term.clone()];
                if let Some((_, syn)) = SYNONYMS.iter().find(|(k, _)| k == term) {
                    variants.extend(syn.iter().map(|s| s.to_string()));
                }
                let best = variants
                    .iter()
                    .map(|v| {
                        if id == *v {
                            100
                        } else if id.contains(v.as_str()) {
                            40
                        } else if title.contains(v.as_str()) {
                            30
                        } else if keywords.iter().any(|k| k == v) {
                            25
                        } else if keywords.iter().any(|k| k.contains(v.as_str())) {
                            15
                        } else if body.contains(v.as_str()) {
                            5
                        } else {
                            0
                        }
                    })
                    .max()
                    .unwrap_or(0);
                if best == 0 {
                    return None;
                }
                score += best;
            }
            Some(Hit { score, difference: d })
        })
        .collect();
    hits.sort_by_key(|h| std::cmp::Reverse(h.score));
    hits
}

/// Search results as a Markdown list, one entry per section.
pub fn to_markdown(hits: &[Hit]) -> String {
    let mut s = String::new();
    for h in hits {
        let d = h.difference;
        let impact = match d.impact_secondary {
            Some(x) => format!("{} ({x})", d.impact),
            None => d.impact.to_string(),
        };
        s.push_str(&format!(
            "## {}\n\n**{}** · {} · {} · since {}{}\n\n- Azure portal: {}\n- Defender portal: {}\n- Action: {}\n- Evidence: {}\n- Sources: {}\n\n",
            d.id,
            d.title,
            d.area,
            impact,
            d.since,
            if d.unverified { " · partly unverified" } else { "" },
            d.azure,
            d.defender,
            d.action,
            d.evidence,
            d.sources
                .iter()
                .map(|s| match s.date {
                    Some(date) => format!("{} ({date})", s.path),
                    None => s.path.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    s
}

/// Search results as CSV.
pub fn to_csv(hits: &[Hit]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["id", "title", "area", "impact", "action", "sources", "since"]);
    for h in hits {
        let d = h.difference;
        let sources: Vec<&str> = d.sources.iter().map(|s| s.path).collect();
        let since = d.since.to_string();
        let _ = w.write_record([d.id, d.title, d.area, d.impact, d.action, &sources.join("; "), &since]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
