//! Text from the exports in every output: an export whose names and ids were written to
//! attack whoever reads the report (round 35's review of the outputs). The suggested
//! commands keep each value one shell argument, the Markdown renders no markup from the
//! export, the CSV starts no formula, and no output holds a terminal's control characters.
//! Files are in `fixtures/outputs/`.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sentinel_readiness_engine::{Date, Report};

mod common;

const SUBSCRIPTION: &str = "/subscriptions/11111111-1111-1111-1111-111111111111";
const RESOURCE_GROUP: &str = "rg-$(touch${IFS}PWNED)`id`'quote";
const WORKSPACE: &str = "law|x`<img src=x onerror=alert(1)>\n```\n# Heading \u{1b}[41mESC\u{202e}evil";
/// Holds the custom role, whose name is a formula.
const TRIAGE: &str = "bbbbbbbb-0000-0000-0000-000000000002";
/// Holds User Access Administrator: the one chosen to connect the workspace.
const PRINCIPAL: &str = "0d8f5e2a;touch\tpwned;#'\",\"roledefinitionid\":\"62e90394-69f5-4237-9190-012177145e10";

fn report() -> Report {
    common::report_on_files(
        "outputs",
        &["role-assignments.json", "role-definitions.json"],
        &[],
        Date::new(2026, 11, 23),
    )
}

fn resource_group() -> String {
    format!("{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}")
}

fn workspace() -> String {
    format!(
        "{}/providers/Microsoft.OperationalInsights/workspaces/{WORKSPACE}",
        resource_group()
    )
}

/// The words a POSIX shell makes of `command`, or why it would do more than pass them on:
/// anything outside single quotes but plain words, spaces and `\'` fails.
fn shell_words(command: &str) -> Result<Vec<String>, String> {
    let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (_, '\'') => (quoted, started) = (!quoted, true),
            (true, c) => word.push(c),
            (false, '\\') => word.push(chars.next().ok_or("a trailing backslash")?),
            (false, ' ') => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (false, c) if c.is_ascii_alphanumeric() || "-_./:=,<>".contains(c) => {
                // `<` and `>` only as a placeholder's brackets, which the engine never leaves bare.
                if "<>".contains(c) {
                    return Err(format!("a bare `{c}` in {command}"));
                }
                word.push(c);
            }
            (false, c) => return Err(format!("`{c}` outside quotes in {command}")),
        }
    }
    if quoted {
        return Err(format!("an unclosed quote in {command}"));
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

fn argument<'w>(words: &'w [String], flag: &str) -> &'w str {
    let at = words
        .iter()
        .position(|w| w == flag)
        .unwrap_or_else(|| panic!("no {flag} in {words:?}"));
    &words[at + 1]
}

#[test]
fn suggested_commands_keep_each_value_one_argument() {
    let r = report();
    let commands: Vec<&str> = r
        .tasks
        .iter()
        .flat_map(|t| t.remediation.iter().map(|s| s.command.as_str()))
        .collect();
    assert!(commands.len() >= 3, "{commands:?}");
    let mut bodies = 0;
    for command in &commands {
        let words = shell_words(command).unwrap();
        if words[1] == "role" {
            let scope = argument(&words, "--scope");
            assert!(scope == SUBSCRIPTION || scope == resource_group(), "{scope}");
            let assignee = argument(&words, "--assignee-object-id");
            assert!(
                [PRINCIPAL, TRIAGE, "<principal-object-id>"].contains(&assignee),
                "{assignee}"
            );
        } else {
            // The Entra role's body: the id stays one JSON string, and adds no field.
            let body: serde_json::Value = serde_json::from_str(argument(&words, "--body")).unwrap();
            let fields = body.as_object().unwrap();
            assert_eq!(fields.len(), 3, "{body}");
            assert_eq!(fields["roleDefinitionId"], "194ae4cb-b126-40b2-bd5b-6091b380977d");
            if fields["principalId"] == PRINCIPAL {
                bodies += 1;
            }
        }
    }
    assert_eq!(bodies, 1, "{commands:#?}");
    // The prerequisites' "To find out" commands.
    let finding_out: Vec<&str> = r
        .prerequisites
        .iter()
        .filter_map(|p| p.remedy.strip_prefix("To find out: "))
        .collect();
    assert!(
        finding_out.iter().any(|c| c.contains("onboardingStates")),
        "{finding_out:?}"
    );
    for command in finding_out {
        let words = shell_words(command).unwrap();
        let url = argument(&words, "--url");
        if url.starts_with("https://management.azure.com") {
            assert!(
                url.starts_with(&format!("https://management.azure.com{}/providers/", workspace())),
                "{url}"
            );
        } else {
            assert!(url.ends_with("?$expand=principal"), "{url}");
        }
    }
}

#[test]
fn markdown_renders_no_markup_from_the_export() {
    let md = Report::to_markdown(&report());
    let mut html = String::new();
    let tables = pulldown_cmark::Options::ENABLE_TABLES;
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&md, tables));
    // Every table keeps its columns: a `|` in a name (even in a code span) splits a cell.
    for table in html.split("<table>").skip(1) {
        let table = table.split("</table>").next().unwrap();
        let columns = table.split("</thead>").next().unwrap().matches("</th>").count();
        for row in table.split("<tr>").skip(2) {
            assert_eq!(row.matches("</td>").count(), columns, "{row}");
        }
    }
    assert!(!html.contains("<img"), "an image from a workspace name");
    assert_eq!(html.matches("<h1>").count(), 1, "a heading from a workspace name");
    assert!(!html.contains("<a "), "a link from the export");
    // Every workspace heading names the workspace as code, whole.
    assert!(
        html.contains("<h2>Workspace <code>law|x`&lt;img src=x onerror=alert(1)&gt; ``` # Heading"),
        "{html}"
    );
    for hidden in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!md.contains(hidden), "{hidden:?} in the Markdown");
    }
}

#[test]
fn csv_cells_start_no_formula_and_hold_no_control_characters() {
    let csv = report().to_csv();
    let mut rows = csv::ReaderBuilder::new().has_headers(true).from_reader(csv.as_bytes());
    let mut cells = 0;
    for row in rows.records() {
        for cell in row.unwrap().iter() {
            cells += 1;
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell}");
            assert!(!cell.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{cell:?}");
        }
    }
    // The custom role's name begins a reason, and the principal's name is a formula.
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(csv.contains("'=1+1\\u{1b}[2J"), "{csv}");
    assert!(cells > 100, "{cells}");
}

#[test]
fn the_html_report_shows_bidirectional_controls() {
    let html = report().to_html();
    assert!(!html.contains(['\u{1b}', '\u{202e}']));
    assert!(html.contains("\\u{202e}evil"));
}
