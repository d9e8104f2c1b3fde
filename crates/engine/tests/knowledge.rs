//! The task rules are data: check them against the bundled role file and the provider
//! operation list, so a typo cannot silently make a rule unsatisfiable.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::Path;

use sentinel_readiness_engine::role::RoleCatalog;
use sentinel_readiness_engine::task::{Requirement, TASKS};

fn operations() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/azure-provider-operations-subset.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = BTreeSet::new();
    for provider in v["providers"].as_object().unwrap().values() {
        for op in provider["operations"].as_array().unwrap() {
            let name = op["operation"].as_str().unwrap();
            out.insert(name.to_ascii_lowercase());
        }
    }
    out
}

#[test]
fn every_named_role_is_a_bundled_builtin_with_that_name() {
    for task in TASKS {
        for v in task.variants {
            let named = v
                .routes
                .iter()
                .flat_map(|r| r.requirements.iter())
                .flat_map(|req| match req {
                    Requirement::Role { roles, .. } => roles.to_vec(),
                    Requirement::Actions { .. } => vec![],
                });
            for n in named.chain(v.remediation.iter().map(|(r, _)| *r)) {
                let role = RoleCatalog::builtin(n.id).unwrap_or_else(|| panic!("{}: {} not bundled", task.id, n.id));
                assert_eq!(role.name, n.name, "{}", task.id);
            }
        }
    }
}

#[test]
fn every_operation_in_the_rules_exists() {
    let ops = operations();
    assert!(ops.len() > 1000, "operation list not read: {}", ops.len());
    for task in TASKS {
        for v in task.variants {
            let listed = v
                .routes
                .iter()
                .flat_map(|r| r.requirements.iter())
                .flat_map(|req| match req {
                    Requirement::Actions { operations, .. } => operations.to_vec(),
                    Requirement::Role { .. } => vec![],
                });
            for op in listed.chain(v.key_operations.iter().map(|k| k.operation)) {
                let pattern = sentinel_readiness_engine::action::ActionPattern::new(op);
                assert!(
                    ops.iter().any(|o| pattern.matches(o)),
                    "{}: `{op}` matches no real operation",
                    task.id
                );
            }
        }
    }
}

#[test]
fn every_rule_has_sources_dates_and_ordered_eras() {
    let mut ids = BTreeSet::new();
    for task in TASKS {
        assert!(ids.insert(task.id), "duplicate task id {}", task.id);
        assert!(!task.variants.is_empty());
        for pair in task.variants.windows(2) {
            assert!(pair[0].since < pair[1].since, "{}: eras out of order", task.id);
        }
        for v in task.variants {
            assert!(!v.sources.is_empty(), "{}: a variant without sources", task.id);
            assert!(v.sources.iter().all(|s| s.path.contains(".md")), "{}", task.id);
            assert!(!v.routes.is_empty() && !v.note.is_empty(), "{}", task.id);
        }
    }
    let fixed = [
        "connect-workspace",
        "view-sentinel",
        "query-and-view-incidents",
        "investigate-incidents",
        "create-support-request",
    ];
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), {
        let mut f = fixed.to_vec();
        f.sort();
        f
    });
}

mod catalogue {
    use std::collections::BTreeSet;

    use sentinel_readiness_engine::difference::{catalogue, search, AREAS, IMPACTS};
    use sentinel_readiness_engine::finding::DETECTORS;
    use sentinel_readiness_engine::Date;

    #[test]
    fn ids_are_the_101_stable_ids_unique_and_in_order() {
        let expected: Vec<String> = include_str!("fixtures/difference-ids.txt")
            .lines()
            .map(str::to_string)
            .collect();
        let got: Vec<String> = catalogue().iter().map(|d| d.id.to_string()).collect();
        assert_eq!(got.len(), 101);
        assert_eq!(got, expected);
        assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), got.len());
    }

    #[test]
    fn every_entry_has_sources_dates_and_text() {
        for d in catalogue() {
            assert!(!d.sources.is_empty(), "{}: no source", d.id);
            // Doc pages carry a repository prefix; a few entries also cite a GitHub issue.
            assert!(
                d.sources
                    .iter()
                    .all(|s| s.path.contains(": ") || s.path.starts_with("issue ")),
                "{}: source without repository prefix",
                d.id
            );
            assert!(
                d.since >= Date::new(2023, 1, 1) && d.since <= Date::new(2026, 12, 31),
                "{}: odd date {}",
                d.id,
                d.since
            );
            assert!(d.until.is_none_or(|u| u > d.since), "{}", d.id);
            assert!(AREAS.contains(&d.area), "{}: area {}", d.id, d.area);
            assert!(IMPACTS.contains(&d.impact), "{}: impact {}", d.id, d.impact);
            for text in [d.title, d.azure, d.defender, d.action, d.evidence] {
                assert!(!text.trim().is_empty(), "{}: empty text", d.id);
            }
            assert!(d.question.ends_with('?'), "{}: question", d.id);
        }
    }

    #[test]
    fn every_detector_evidences_a_catalogue_entry_with_export_evidence_or_a_parity_check() {
        for det in DETECTORS {
            if sentinel_readiness_engine::check::parity_checks()
                .iter()
                .any(|c| c.id == det.id)
            {
                continue;
            }
            let d = catalogue()
                .iter()
                .find(|d| d.id == det.id)
                .unwrap_or_else(|| panic!("{} is neither in the catalogue nor a parity check", det.id));
            assert!(
                d.export_evidence,
                "{}: a detector for an entry without export evidence",
                d.id
            );
        }
    }

    /// docs/parity.md names a rule (or prerequisite) for every helper check: each must exist.
    #[test]
    fn the_parity_page_names_only_rules_that_exist() {
        let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/parity.md")).unwrap();
        let mut named = 0;
        for line in page.lines().filter(|l| l.starts_with('|')) {
            for id in line.split('`').skip(1).step_by(2) {
                let known = DETECTORS.iter().any(|d| d.id == id)
                    || catalogue().iter().any(|d| d.id == id)
                    || sentinel_readiness_engine::prerequisite::CHECKS
                        .iter()
                        .any(|p| p.id == id);
                let looks_like_id = id.chars().all(|c| c.is_ascii_lowercase() || c == '-') && id.contains('-');
                if looks_like_id {
                    assert!(known, "docs/parity.md names `{id}`, which is no rule");
                    named += 1;
                }
            }
        }
        assert!(named >= 17, "only {named} rule ids in docs/parity.md");
    }

    #[test]
    fn every_parity_check_has_a_detector() {
        for c in sentinel_readiness_engine::check::parity_checks() {
            assert!(DETECTORS.iter().any(|d| d.id == c.id), "{}: no detector", c.id);
            assert_eq!(
                DETECTORS.iter().find(|d| d.id == c.id).map(|d| d.section),
                Some(c.section),
                "{}: the detector's section differs from checks.toml",
                c.id
            );
        }
    }

    #[test]
    fn search_ranks_ids_first_and_knows_product_synonyms() {
        let hits = search("fusion", None, None, None);
        assert_eq!(hits.first().map(|h| h.difference.id), Some("fusion-rule-disabled"));
        // "M365D" and "Microsoft 365 Defender" are the same product as "XDR".
        let m365d: BTreeSet<&str> = search("M365D", None, None, None)
            .iter()
            .map(|h| h.difference.id)
            .collect();
        assert!(m365d.contains("xdr-data-only-in-primary"), "{m365d:?}");
        let mde = search("MDE", Some("data-connectors"), None, None);
        assert!(mde
            .iter()
            .any(|h| h.difference.id == "standalone-microsoft-alert-connectors-disconnected"));
        assert!(search("nothing-like-this-anywhere", None, None, None).is_empty());
        let breaking = search("", None, Some("breaking"), None);
        assert!(!breaking.is_empty() && breaking.iter().all(|h| h.difference.impact == "breaking"));
        assert_eq!(search("", None, None, None).len(), 101);
    }

    #[test]
    fn as_of_hides_entries_not_yet_documented() {
        let early = search("", None, None, Some(Date::new(2024, 1, 1))).len();
        let later = search("", None, None, Some(Date::new(2026, 10, 1))).len();
        assert!(early < later, "{early} vs {later}");
        assert!(search("", None, None, Some(Date::new(2024, 1, 1)))
            .iter()
            .all(|h| h.difference.since <= Date::new(2024, 1, 1)));
    }
}

mod rest_examples {
    use std::path::Path;

    use sentinel_readiness_engine::{load, Format};

    /// Published Microsoft.SecurityInsights and Log Analytics API examples (see SOURCE.md):
    /// each must be recognised as its kind and read without errors.
    #[test]
    fn published_api_examples_are_recognised() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/rest-examples");
        let expect = |name: &str| -> Format {
            let n = name.to_ascii_lowercase();
            if n.starts_with("alertrule-actions") {
                Format::SentinelRuleActions
            } else if n.starts_with("alertrule") {
                Format::SentinelAnalyticsRules
            } else if n.starts_with("automationrule") {
                Format::SentinelAutomationRules
            } else if n.starts_with("dataconnector") {
                Format::SentinelDataConnectors
            } else if n.starts_with("onboardingstates") {
                Format::SentinelOnboardingStates
            } else if n.starts_with("watchlists") {
                Format::SentinelWatchlists
            } else if n.starts_with("incidents") {
                Format::SentinelIncidents
            } else if n.starts_with("contentpackages") {
                Format::SentinelContentPackages
            } else if n.starts_with("workspacemanager") {
                Format::SentinelWorkspaceManager
            } else if n.starts_with("workspace-get") {
                Format::LogAnalyticsWorkspaces
            } else {
                Format::LogAnalyticsTables
            }
        };
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".json") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let loaded = load([(name.as_str(), bytes.as_slice())]);
            assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
            let input = loaded.inputs.first().unwrap();
            assert_eq!(input.format, expect(&name), "{name}");
            assert!(input.records > 0, "{name}");
            seen += 1;
        }
        assert!(seen >= 15, "only {seen} examples");
    }
}

/// The bundled built-in roles keep only the permissions that can matter to a task (see
/// build.rs). Rebuild every role in full from the source file and check that both versions
/// answer every task operation and every named-role coverage question the same way.
#[test]
fn pruned_builtin_roles_answer_like_the_full_definitions() {
    use sentinel_readiness_engine::action::ActionPattern;
    use sentinel_readiness_engine::role::{PermissionBlock, RoleDefinition, RoleKind};

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/azure-builtin-roles.json");
    let roles: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let full: Vec<RoleDefinition> = roles
        .iter()
        .map(|r| RoleDefinition {
            id: r["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_ascii_lowercase(),
            name: r["roleName"].as_str().unwrap().to_string(),
            kind: RoleKind::BuiltIn,
            blocks: r["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    PermissionBlock::from_lists(
                        &list(&b["actions"]),
                        &list(&b["notActions"]),
                        &list(&b["dataActions"]),
                        &list(&b["notDataActions"]),
                        sentinel_readiness_engine::condition::Condition::new(
                            b["condition"].as_str().filter(|c| !c.trim().is_empty()),
                            Some("2.0"),
                        ),
                    )
                })
                .collect(),
            assignable_scopes: vec![],
        })
        .collect();
    assert_eq!(full.len(), RoleCatalog::builtin_count());

    let mut ops: BTreeSet<&str> = BTreeSet::new();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for task in TASKS {
        for v in task.variants {
            ops.extend(v.key_operations.iter().map(|k| k.operation));
            for req in v.routes.iter().flat_map(|r| r.requirements.iter()) {
                match req {
                    Requirement::Actions { operations, .. } => ops.extend(operations.iter().copied()),
                    Requirement::Role { roles, .. } => named.extend(roles.iter().map(|n| n.id)),
                }
            }
        }
    }
    let named: Vec<(RoleDefinition, RoleDefinition)> = named
        .iter()
        .map(|id| {
            let whole = full.iter().find(|r| r.id == *id).unwrap().clone();
            (RoleCatalog::builtin(id).unwrap(), whole)
        })
        .collect();
    let mut differences = Vec::new();
    for whole in &full {
        let bundled = RoleCatalog::builtin(&whole.id).unwrap();
        // The bundled table is stored in columns (build.rs): each id must keep its own name.
        assert_eq!(bundled.name, whole.name, "{}", whole.id);
        for op in &ops {
            let pattern = ActionPattern::new(op);
            // The evaluator's own question: granted, and through which condition if any.
            let grants = |r: &RoleDefinition| r.grant_pattern(&pattern).map(|c| c.map(|c| c.text.clone()));
            if grants(&bundled) != grants(whole) {
                differences.push(format!("{} on {op}", whole.name));
            }
        }
        for (bundled_named, whole_named) in &named {
            if bundled.covers(bundled_named) != whole.covers(whole_named) {
                differences.push(format!("{} covering {}", whole.name, whole_named.name));
            }
        }
    }
    assert!(differences.is_empty(), "{differences:?}");
}
