//! The standalone HTML report of the sample tenant: reviewed as a snapshot, parsed as XML
//! (well-formed), and checked for what a reader relies on: text alternatives on every chart,
//! blockers above the scores, working in-page links, links out to documentation, no script.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeSet;

use sentinel_readiness_engine::{analyze, sample, Report, ReportOptions};

fn sample_report_with(all_verdicts: bool) -> Report {
    let files = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes()));
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: None,
        today: sample::SAMPLE_DATE,
        all_verdicts,
        primary: Some(sample::SAMPLE_PRIMARY.into()),
        threads: 0,
    };
    analyze(files, &opts).unwrap()
}

fn sample_report() -> Report {
    sample_report_with(false)
}

fn html() -> String {
    sample_report().to_html()
}

#[test]
fn sample_html() {
    insta::assert_snapshot!(html());
}

#[test]
fn principals_without_access_are_not_counted_as_having_it() {
    // With every verdict listed, everyone also has `not-allowed` entries: the overview's count
    // and the heat maps must be the same as without them.
    let with_all = sample_report_with(true).to_html();
    let count = |html: &str| {
        let end = html.find(" principal(s) with access to at least one task").unwrap();
        html[..end].rsplit(' ').next().unwrap().to_string()
    };
    let plain = html();
    assert_eq!(count(&with_all), count(&plain));
    let maps = |html: &str| html.matches("<svg").count();
    assert_eq!(maps(&with_all), maps(&plain));
    // The heat maps' cells (one per principal and task).
    let cells = |html: &str| html.matches("height=\"19\"").count();
    assert!(cells(&plain) > 0);
    assert_eq!(cells(&with_all), cells(&plain));
}

#[test]
fn html_is_well_formed_xml_without_scripts() {
    let text = html();
    let body = text.strip_prefix("<!DOCTYPE html>\n").expect("doctype first");
    let doc = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    let names: BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    assert!(!names.contains("script"), "the report must not need scripts");
    assert!(names.contains("svg") && names.contains("table"));
    // Every in-page link lands somewhere.
    let ids: BTreeSet<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
    for n in doc.descendants().filter(|n| n.has_tag_name("a")) {
        let href = n.attribute("href").unwrap_or_default();
        if let Some(target) = href.strip_prefix('#') {
            assert!(ids.contains(target), "broken link {href}");
        } else {
            assert!(href.starts_with("https://"), "unexpected link {href}");
        }
    }
}

#[test]
fn every_chart_has_a_title_and_a_description() {
    let text = html();
    let doc = roxmltree::Document::parse(text.strip_prefix("<!DOCTYPE html>\n").unwrap()).unwrap();
    let charts: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("svg")).collect();
    assert!(charts.len() >= 8, "{} charts", charts.len());
    for svg in charts {
        assert_eq!(svg.attribute("role"), Some("img"));
        let labels: Vec<&str> = svg.attribute("aria-labelledby").unwrap().split(' ').collect();
        assert_eq!(labels.len(), 2);
        for id in labels {
            let node = doc.descendants().find(|n| n.attribute("id") == Some(id)).unwrap();
            assert!(matches!(node.tag_name().name(), "title" | "desc"));
            assert!(node.text().unwrap_or_default().len() > 5, "{id} is empty");
        }
    }
}

#[test]
fn blockers_come_before_every_score_they_belong_to() {
    let text = html();
    let overview = text.find("id=\"overview\"").unwrap();
    let blockers = text[overview..].find("class=\"blockers\"").unwrap();
    let donut = text[overview..].find("id=\"chart-overall\"").unwrap();
    assert!(blockers < donut, "overall blockers below the overall score");
    let report = sample_report();
    for (i, ws) in report.scores.workspaces.iter().enumerate() {
        if ws.blockers.is_empty() {
            continue;
        }
        let section = text
            .find(&format!("<section class=\"workspace\" id=\"ws-{i}\""))
            .unwrap();
        let b = text[section..].find("class=\"blockers\"").unwrap();
        let d = text[section..].find(&format!("id=\"chart-ws{i}\"")).unwrap();
        assert!(b < d, "{}: blockers below its score", ws.name);
    }
}

#[test]
fn findings_link_to_documentation_and_to_the_portal() {
    let text = html();
    assert!(text.contains("href=\"https://learn.microsoft.com/azure/sentinel/move-to-defender\""));
    assert!(text.contains("href=\"https://security.microsoft.com/\""));
    // Helper-only rules are labelled as such.
    assert!(text.contains("helper-only</span>"));
}

#[test]
fn the_mssp_guidance_page_stands_alone_and_cites_its_sources() {
    let page = sentinel_readiness_engine::html::guidance_page(None, true);
    let doc = roxmltree::Document::parse(page.strip_prefix("<!DOCTYPE html>\n").unwrap()).unwrap();
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    for word in ["Azure Lighthouse", "Microsoft Entra B2B", "GDAP", "multitenant"] {
        assert!(text.contains(word), "{word} missing");
    }
    // Every access model points at a catalogue entry shown on the same page.
    assert!(page.contains("href=\"#g-gdap-lighthouse-limits\"") && page.contains("id=\"g-gdap-lighthouse-limits\""));
    assert!(page.contains("https://learn.microsoft.com/"));
}

/// The report on a task fixture's files (`tests/fixtures/tasks/<case>`) and extra files.
fn fixture_report(case: &str, extra: &[(&str, Vec<u8>)]) -> Report {
    let (mut files, _) = common::read_case(&common::fixtures("tasks").join(case));
    files.extend(extra.iter().map(|(n, b)| (n.to_string(), b.clone())));
    let opts = ReportOptions {
        workspaces: vec!["/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc".into()],
        as_of: None,
        today: sample::SAMPLE_DATE,
        all_verdicts: false,
        primary: None,
        threads: 0,
    };
    analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap()
}

/// Verdicts the sample has none of, shown in the heat map with their own mark and words, and
/// what the report says of objects without a workspace, of files it could not read and of a
/// workspace where nobody can do anything.
#[test]
fn the_html_report_names_rarer_verdicts_files_not_read_and_objects_without_a_workspace() {
    let conditional = fixture_report(
        "query-and-view-incidents/conditional-grant-with-unevaluable-condition",
        &[],
    )
    .to_html();
    assert!(conditional.contains(": conditional</title>"), "no conditional cell");
    let unknown = fixture_report("connect-workspace/unknown-management-group-without-hierarchy", &[]).to_html();
    assert!(unknown.contains(": unknown</title>"), "no unknown cell");
    let template = std::fs::read(common::fixtures("formats").join("arm-template-alert-rules.json")).unwrap();
    let html = fixture_report(
        "view-sentinel/deny-reader-on-another-workspace",
        &[("rules.json", template), ("broken.json", b"[{".to_vec())],
    )
    .to_html();
    for expected in [
        "Objects whose export did not say which workspace they belong to.",
        "<li>broken.json — error: broken.json: invalid JSON",
        "Nobody in the exports can do any task here.",
    ] {
        assert!(html.contains(expected), "no `{expected}`");
    }
}

/// The page trims a large report (no per-principal verdicts, the first names per task): its
/// downloads must not read as "nobody".
#[test]
fn a_report_trimmed_for_the_page_does_not_say_nobody() {
    let mut r = sample_report();
    let full = r.to_html();
    assert!(full.contains("principal(s) with access to at least one task"));
    r.principals.clear();
    let t = r.tasks.iter_mut().find(|t| !t.qualified.is_empty()).unwrap();
    let kept = t.qualified.len();
    t.shortened = Some(sentinel_readiness_engine::evaluate::ListSizes {
        qualified: kept + 5,
        potential: t.potential.len(),
        denied: t.denied.len(),
    });
    let html = r.to_html();
    assert!(!html.contains("Nobody in the exports can do any task here"));
    assert!(!html.contains("principal(s) with access to at least one task"));
    assert!(html.contains("per-principal verdicts left out"));
    assert!(r.to_markdown().contains(" and 5 more"));
}
