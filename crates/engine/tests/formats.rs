//! The same fictional tenant exported in every role-assignment format must give the same
//! verdicts; broken files must fail with a located error while the other files still count.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::Path;

use sentinel_readiness_engine::{analyze, load, Date, Format, ReportOptions};

const WS: &str = "/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/resourceGroups/rg-soc-prod/providers/Microsoft.OperationalInsights/workspaces/law-soc-prod";
/// The deleted user: the portal download leaves it out.
const DELETED: &str = "f1b7d3e9-6a2c-4f8b-9d4e-2c7a5f1e8b36";
const CONTEXT: &[&str] = &[
    "az-role-definition-list-custom.json",
    "arg-resourcecontainers.json",
    "graph-groups-members.json",
];

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats")
            .join(name),
    )
    .unwrap()
}

/// The report on `files` for the workspace `WS`, on the fixtures' date.
fn report(files: &[(String, Vec<u8>)], all_verdicts: bool) -> sentinel_readiness_engine::Report {
    report_at(WS, files, all_verdicts)
}

/// The report on `files` for the workspace `ws`, on the fixtures' date.
fn report_at(ws: &str, files: &[(String, Vec<u8>)], all_verdicts: bool) -> sentinel_readiness_engine::Report {
    let opts = ReportOptions {
        workspaces: vec![ws.into()],
        as_of: None,
        today: Date::new(2026, 11, 23),
        all_verdicts,
        primary: None,
        threads: 0,
    };
    analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap()
}

fn verdicts(files: &[(String, Vec<u8>)]) -> BTreeMap<(String, String), String> {
    let report = report(files, true);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .principals
        .iter()
        .flat_map(|p| {
            p.tasks
                .iter()
                .map(move |v| ((p.id.clone(), v.task.to_string()), v.verdict.as_str().to_string()))
        })
        .collect()
}

/// The fixture tenant's assignments and its context files but those whose name holds
/// `left_out`, with `extra` in their place.
fn tenant_files(left_out: &str, extra: impl IntoIterator<Item = (String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = CONTEXT
        .iter()
        .filter(|c| !c.contains(left_out))
        .map(|c| (c.to_string(), read(c)))
        .collect();
    files.push((
        "az-role-assignment-list.json".into(),
        read("az-role-assignment-list.json"),
    ));
    files.extend(extra);
    files
}

fn with_context(name: &str, bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = CONTEXT.iter().map(|c| (c.to_string(), read(c))).collect();
    files.push((name.to_string(), bytes));
    files
}

fn utf16le_bom(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in std::str::from_utf8(bytes).unwrap().encode_utf16() {
        out.extend(u.to_le_bytes());
    }
    out
}

/// UTF-16 big-endian without a byte order mark: recognised by the zero bytes of ASCII text.
fn utf16be(bytes: &[u8]) -> Vec<u8> {
    std::str::from_utf8(bytes)
        .unwrap()
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect()
}

#[test]
fn every_assignment_format_gives_the_same_verdicts() {
    let baseline = verdicts(&with_context(
        "az-role-assignment-list.json",
        read("az-role-assignment-list.json"),
    ));
    assert!(
        baseline.values().any(|v| v == "allowed"),
        "baseline has no allowed verdict"
    );
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("get-azroleassignment.json", read("get-azroleassignment.json")),
        ("get-azroleassignment.csv", read("get-azroleassignment.csv")),
        ("portal-download.csv", read("portal-download.csv")),
        ("portal-download.json", read("portal-download.json")),
        ("rest-roleassignments.json", read("rest-roleassignments.json")),
        (
            "arg-authorizationresources.json",
            read("arg-authorizationresources.json"),
        ),
        (
            "get-azroleassignment-utf16.json",
            utf16le_bom(&read("get-azroleassignment.json")),
        ),
        (
            "get-azroleassignment-utf16be.json",
            utf16be(&read("get-azroleassignment.json")),
        ),
        (
            "get-azroleassignment-ps51.csv",
            [
                b"#TYPE Microsoft.Azure.Commands.Resources.Models.Authorization.PSRoleAssignment\r\n".as_slice(),
                &read("get-azroleassignment.csv"),
            ]
            .concat(),
        ),
    ];
    for (name, bytes) in variants {
        let got = verdicts(&with_context(name, bytes));
        let expected: BTreeMap<_, _> = if name.starts_with("portal") {
            baseline
                .iter()
                .filter(|((p, _), _)| p != DELETED)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        } else {
            baseline.clone()
        };
        assert_eq!(got, expected, "{name} disagrees with az role assignment list");
    }
}

/// The console-text fixture holds only the first records; compare it with the same
/// records of the CLI export.
#[test]
fn console_text_export_matches_the_same_records_in_json() {
    let txt = read("get-azroleassignment.txt");
    let names: Vec<String> = String::from_utf8(txt.clone())
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("RoleAssignmentName : ").map(|n| n.trim().to_string()))
        .collect();
    assert!(names.len() >= 3);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&read("az-role-assignment-list.json")).unwrap();
    let subset: Vec<&serde_json::Value> = all
        .iter()
        .filter(|a| names.iter().any(|n| a["name"] == n.as_str()))
        .collect();
    assert_eq!(subset.len(), names.len());
    let baseline = verdicts(&with_context("subset.json", serde_json::to_vec(&subset).unwrap()));
    assert_eq!(
        verdicts(&with_context("get-azroleassignment.txt", txt.clone())),
        baseline
    );
    assert_eq!(
        verdicts(&with_context("get-azroleassignment-utf16.txt", utf16le_bom(&txt))),
        baseline
    );
}

#[test]
fn formats_are_detected_by_shape() {
    let cases = [
        ("az-role-assignment-list.json", Format::AzRoleAssignmentList),
        ("get-azroleassignment.json", Format::PowerShellRoleAssignmentJson),
        ("get-azroleassignment.csv", Format::PowerShellRoleAssignmentCsv),
        ("get-azroleassignment.txt", Format::PowerShellRoleAssignmentText),
        ("portal-download.csv", Format::PortalRoleAssignmentCsv),
        ("portal-download.json", Format::PortalRoleAssignmentJson),
        ("rest-roleassignments.json", Format::RestRoleAssignments),
        ("arg-authorizationresources.json", Format::ResourceGraphAuthorization),
        ("arg-resourcecontainers.json", Format::ResourceGraphContainers),
        ("az-role-definition-list-custom.json", Format::RoleDefinitionsCli),
        ("get-azroledefinition.json", Format::RoleDefinitionsPowerShell),
        ("deny-assignments.json", Format::DenyAssignmentsRest),
        ("get-azdenyassignment.json", Format::DenyAssignmentsPowerShell),
        ("rest-roledefinitions.json", Format::RoleDefinitionsRest),
        ("pim-eligibility.json", Format::PimEligibility),
        ("pim-active-assignment-instances.json", Format::PimAssignmentInstances),
        ("graph-groups-members.json", Format::GraphGroupMembers),
        ("graph-groups-transitive-members.json", Format::GraphGroupMembers),
        (
            "graph-directory-role-assignments.json",
            Format::GraphDirectoryRoleAssignments,
        ),
        ("graph-directory-roles.json", Format::GraphDirectoryRoles),
        ("arm-template-alert-rules.json", Format::ArmTemplate),
    ];
    for (name, format) in cases {
        let bytes = read(name);
        let loaded = load([("renamed.bin", bytes.as_slice())]);
        assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
        assert_eq!(loaded.inputs.first().map(|i| i.format), Some(format), "{name}");
        assert!(loaded.inputs.first().is_some_and(|i| i.records > 0), "{name}");
    }
}

#[test]
fn role_definition_and_deny_formats_agree() {
    let run = |defs: &str, deny: &str| {
        let mut files = with_context("az-role-assignment-list.json", read("az-role-assignment-list.json"));
        files.retain(|(n, _)| n != "az-role-definition-list-custom.json");
        files.push((defs.to_string(), read(defs)));
        files.push((deny.to_string(), read(deny)));
        verdicts(&files)
    };
    let baseline = run("az-role-definition-list-custom.json", "deny-assignments.json");
    assert!(baseline.values().any(|v| v == "denied"));
    assert_eq!(run("get-azroledefinition.json", "get-azdenyassignment.json"), baseline);
    assert_eq!(run("rest-roledefinitions.json", "deny-assignments.json"), baseline);
}

#[test]
fn transitive_and_direct_membership_exports_agree() {
    let base = |groups: &str| {
        let mut files = with_context("az-role-assignment-list.json", read("az-role-assignment-list.json"));
        files.retain(|(n, _)| n != "graph-groups-members.json");
        files.push((groups.to_string(), read(groups)));
        verdicts(&files)
    };
    assert_eq!(
        base("graph-groups-members.json"),
        base("graph-groups-transitive-members.json")
    );
}

#[test]
fn a_broken_file_is_located_and_the_others_still_count() {
    let good = read("az-role-assignment-list.json");
    let text = String::from_utf8(good.clone()).unwrap();
    // Cut a record in half: invalid JSON on a known line.
    let broken: String = text.lines().take(20).collect::<Vec<_>>().join("\n") + "\n  \"principalId\": ,\n";
    let loaded = load([
        ("good.json", good.as_slice()),
        ("broken.json", broken.as_bytes()),
        ("notes.txt", b"hello world".as_slice()),
    ]);
    assert_eq!(loaded.inputs.len(), 1);
    assert_eq!(loaded.errors.len(), 2);
    let e = loaded.errors.iter().find(|e| e.path == "broken.json").unwrap();
    assert_eq!(e.format.as_deref(), Some("az role assignment list (JSON)"));
    let loc = e.location.unwrap();
    assert_eq!(loc.line, 21);
    assert!(loc.column > 1);
    assert!(e.to_string().contains("broken.json"), "{e}");
    // The location is said once, by the error itself, not again inside serde_json's message.
    assert!(!e.message.contains(" column "), "{e}");
    assert!(e.message.starts_with("invalid JSON: "), "{e}");
    let other = loaded.errors.iter().find(|e| e.path == "notes.txt").unwrap();
    assert!(other.message.contains("not a supported export"), "{other}");
}

#[test]
fn a_record_of_the_wrong_shape_is_reported_with_its_line() {
    let text = "[\n  {\"principalId\": \"a\", \"scope\": \"/subscriptions/x\", \"roleDefinitionName\": \"Owner\"},\n  {\"principalId\": \"b\", \"scope\": \"subscriptions/x\", \"roleDefinitionName\": \"Owner\"}\n]";
    let loaded = load([("partial.json", text.as_bytes())]);
    let summary = loaded.inputs.first().unwrap();
    assert_eq!(summary.records, 1);
    assert!(
        summary.warnings.first().unwrap().contains("line 3, column 3"),
        "{:?}",
        summary.warnings
    );
}

#[test]
fn hostile_inputs_give_errors_not_crashes() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let full = read("az-role-assignment-list.json");
    let truncated = full[..500].to_vec();
    let huge = vec![b' '; sentinel_readiness_engine::input::MAX_FILE_BYTES + 1];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.json", vec![]),
        ("deep.json", deep.into_bytes()),
        ("truncated.json", truncated),
        ("invalid-utf8.json", vec![b'[', 0xff, 0xfe, 0xfd, b']']),
        ("odd-utf16.json", vec![0xff, 0xfe, b'[', 0]),
        ("huge.json", huge),
        ("numbers.json", b"[1, 2, 3]".to_vec()),
        ("null.json", b"null".to_vec()),
    ];
    for (name, bytes) in &cases {
        let loaded = load([(*name, bytes.as_slice())]);
        assert!(loaded.inputs.is_empty(), "{name} was accepted");
        let e = loaded.errors.first().unwrap_or_else(|| panic!("{name}: no error"));
        assert_eq!(e.path, *name);
        assert!(!e.message.is_empty());
    }
}

#[test]
fn records_that_are_there_but_unreadable_are_not_called_missing() {
    // Each holds one record that cannot be read; the error says why, and where it starts.
    let nested = format!(
        "[\n  {{\"principalId\": \"a\", \"deep\": {}1{}}}\n]",
        "{\"a\":".repeat(500),
        "}".repeat(500)
    );
    let cases = [
        (
            "number.json",
            "[\n  {\"principalId\": \"a\", \"n\": 1e999999}\n]".to_string(),
            "number out of range",
        ),
        ("nested.json", nested, "recursion limit"),
        ("numbers.json", "[\n  1, 2]".to_string(), "expected an object"),
    ];
    for (name, text, why) in &cases {
        let loaded = load([(*name, text.as_bytes())]);
        let e = loaded.errors.first().unwrap_or_else(|| panic!("{name}: no error"));
        assert!(
            e.message.starts_with("no record could be read") && e.message.contains(why),
            "{e}"
        );
        assert_eq!(e.location.map(|l| l.line), Some(2), "{e}");
    }
    // A CSV cut short inside its first record: the line and what is wrong with it, once.
    let csv = String::from_utf8(read("get-azroleassignment.csv")).unwrap();
    let cut = csv.lines().take(2).collect::<Vec<_>>().join("\n");
    let cut = &cut[..cut.len() - 40];
    let e = load([("cut.csv", cut.as_bytes())]).errors.remove(0);
    assert_eq!(e.location.map(|l| l.line), Some(2), "{e}");
    assert!(
        e.message.contains("where the header has") && !e.message.contains("line:"),
        "{e}"
    );
    // A document with no record at all still says so.
    let e = load([("none.json", b"[]".as_slice())]).errors.remove(0);
    assert_eq!(e.message, "the export holds no records");
}

/// Every file of the shared formats folder, by name: the same tenant in every format.
fn every_format() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names.iter().map(|n| (n.clone(), read(n))).collect()
}

fn caveats(files: &[(String, Vec<u8>)]) -> Vec<String> {
    report(files, false).caveats
}

/// The same tenant in every format at once must not raise the caveat that contains `text`.
fn assert_no_caveat_in_every_format(text: &str) {
    let found = caveats(&every_format());
    assert!(!found.iter().any(|c| c.contains(text)), "{found:#?}");
}

#[test]
fn records_that_give_one_assignment_id_different_grants_are_reported() {
    const CONFLICT: &str = "role assignment id(s) appear in more than one record";
    // Every format of the same tenant at once: the same ids again and again, none in conflict.
    assert_no_caveat_in_every_format(CONFLICT);
    // The same export taken again after a role changed on one assignment.
    let text = String::from_utf8(read("az-role-assignment-list.json")).unwrap();
    let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    let owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    let (from, to) = if text.contains(reader) {
        (reader, owner)
    } else {
        (owner, reader)
    };
    let later = text.replacen(from, to, 1);
    assert_ne!(later, text, "the fixture names neither role");
    let mut files = with_context("before.json", text.into_bytes());
    files.push(("after.json".into(), later.into_bytes()));
    let found = caveats(&files);
    let conflict = found.iter().find(|c| c.contains(CONFLICT)).expect("no caveat");
    assert!(conflict.starts_with("1 role assignment id(s)"), "{conflict}");
    assert!(
        conflict.contains("before.json record") && conflict.contains("after.json record"),
        "{conflict}"
    );
}

#[test]
fn records_without_a_condition_field_are_named_in_a_caveat() {
    const UNSEEN: &str = "carry no `condition` field";
    // Every format writes the field (null when there is none): no caveat.
    assert_no_caveat_in_every_format(UNSEEN);
    // The REST export as an api-version before 2022-04-01 wrote it, and the CLI's through a
    // query that picked fields (the flat reader's path).
    let old_rest = first_record_edited("rest-roleassignments.json", Some("value"), |r| {
        r["properties"].as_object_mut().unwrap().remove("condition");
    });
    let picked = first_record_edited("az-role-assignment-list.json", None, |r| {
        r.as_object_mut().unwrap().remove("condition");
    });
    for (name, bytes) in [("old-rest.json", old_rest), ("picked.json", picked)] {
        let found = caveats(&[(name.to_string(), bytes)]);
        let unseen = found.iter().find(|c| c.contains(UNSEEN)).expect("no caveat");
        assert!(unseen.contains(name), "{unseen}");
    }
}

#[test]
fn workspace_options_that_name_nothing_or_several_are_refused() {
    use sentinel_readiness_engine::OptionsError;
    // Two workspaces called `law` in different resource groups, one called `other`.
    let ws = |rg: &str, name: &str| {
        format!("/subscriptions/9b2e7c41-3d5a-4f86-a1c9-7e0d4b6f2a13/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}")
    };
    let record = |scope: String, n: u32| {
        format!(
            r#"{{"id":"{scope}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-00000000000{n}","principalId":"0d8f5e2a-7b1c-4c3e-9a4f-6b2d8e1c3a57","principalType":"User","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7","roleDefinitionName":"Reader","scope":"{scope}"}}"#
        )
    };
    let text = format!(
        "[{},{},{}]",
        record(ws("rg-a", "law"), 1),
        record(ws("rg-b", "law"), 2),
        record(ws("rg-a", "other"), 3)
    );
    let files = [("a.json", text.as_bytes())];
    let with = |workspaces: Vec<String>, primary: Option<String>| {
        let opts = ReportOptions {
            workspaces,
            as_of: None,
            today: Date::new(2026, 11, 23),
            all_verdicts: false,
            primary,
            threads: 1,
        };
        analyze(files.iter().copied(), &opts)
    };
    match with(vec!["LAW".into()], None) {
        Err(OptionsError::AmbiguousWorkspace { given, candidates }) => {
            assert_eq!(given, "LAW");
            assert!(
                candidates.contains("rg-a") && candidates.contains("rg-b"),
                "{candidates}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        with(vec!["nowhere".into()], None),
        Err(OptionsError::UnknownWorkspace { given }) if given == "nowhere"
    ));
    // A primary workspace must be one of those evaluated; the exports name it, so it is
    // not "unknown" (round 35: the message said it matched no workspace in the inputs).
    assert!(matches!(
        with(vec!["other".into()], Some(ws("rg-a", "law"))),
        Err(OptionsError::PrimaryNotChosen { .. })
    ));
    // By name when it is unique, or by full id whatever the name.
    let report = with(vec!["Other".into(), ws("rg-b", "law")], Some(ws("rg-b", "law"))).unwrap();
    let ids: Vec<String> = report.workspaces.iter().map(|w| w.id.as_str().to_string()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids.contains(&ws("rg-a", "other")) && ids.contains(&ws("rg-b", "law")),
        "{ids:?}"
    );
}

/// A fixture's JSON with `edit` applied to its first record (`list` names the array inside
/// an envelope; `None` for a top-level array).
fn first_record_edited(name: &str, list: Option<&str>, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_slice(&read(name)).unwrap();
    let records = match list {
        Some(key) => &mut doc[key],
        None => &mut doc,
    };
    edit(&mut records[0]);
    serde_json::to_vec(&doc).unwrap()
}

/// A fixture's JSON with a copy of its first record, edited, added at the end of `list`: the
/// format is known from the first record, so the copy is read as one and skipped with a reason.
fn record_added(name: &str, list: &str, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_slice(&read(name)).unwrap();
    let records = doc[list].as_array_mut().unwrap();
    let mut copy = records[0].clone();
    edit(&mut copy);
    records.push(copy);
    serde_json::to_vec(&doc).unwrap()
}

#[test]
fn each_kind_of_unusable_input_says_what_is_wrong() {
    use serde_json::json;
    // (file, bytes, what the file's error or its first skipped record's warning says)
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", vec![], "the file is empty"),
        ("odd.json", vec![0xff, 0xfe, b'['], "odd number of bytes"),
        ("number.json", b"42".to_vec(), "not a supported export"),
        ("shape.json", br#"[{"foo": 1}]"#.to_vec(), "records of an unknown shape"),
        (
            "columns.csv",
            b"Name,Value\na,b\n".to_vec(),
            "without the columns of a role-assignment export",
        ),
        (
            "no-role.json",
            first_record_edited("az-role-assignment-list.json", None, |r| {
                r.as_object_mut()
                    .unwrap()
                    .retain(|k, _| !k.starts_with("roleDefinition"));
            }),
            "no role definition id or name",
        ),
        (
            "classic.json",
            first_record_edited("az-role-assignment-list.json", None, |r| {
                r["roleDefinitionId"] = json!("NA(classic admins)");
            }),
            "classic administrator row",
        ),
        (
            "no-grant.json",
            first_record_edited("az-role-definition-list-custom.json", None, |r| {
                r["permissions"] = json!([{"actions": [], "notActions": [], "dataActions": [], "notDataActions": []}]);
            }),
            "grants nothing",
        ),
        (
            "deny.json",
            first_record_edited("deny-assignments.json", Some("value"), |r| {
                r["properties"]["principals"] = json!([]);
            }),
            "deny assignment without principals",
        ),
        (
            "groups.json",
            first_record_edited("graph-groups-members.json", Some("value"), |r| {
                r.as_object_mut().unwrap().remove("members");
            }),
            "without an expanded members or transitiveMembers list",
        ),
        (
            "arg.json",
            first_record_edited("arg-authorizationresources.json", Some("data"), |r| {
                r["type"] = json!("microsoft.authorization/roleassignmentschedules");
            }),
            "Resource Graph row of type",
        ),
        (
            "pim-end.json",
            first_record_edited("pim-eligibility.json", Some("value"), |r| {
                r["properties"]["endDateTime"] = json!("2026-02-30T00:00:00Z");
            }),
            "endDateTime `2026-02-30T00:00:00Z` is not a date",
        ),
        (
            // Windows PowerShell writes a date as an object: not a window that never closes.
            "pim-date-object.json",
            first_record_edited("pim-eligibility.json", Some("value"), |r| {
                r["properties"]["endDateTime"] =
                    json!({"value": "/Date(1767225600000)/", "DateTime": "Thursday, 1 January 2026"});
            }),
            "endDateTime is not a date: not text",
        ),
        (
            "entra-duration.json",
            first_record_edited("graph-directory-role-assignments.json", Some("value"), |r| {
                r["scheduleInfo"] = json!({"startDateTime": "2026-01-01T00:00:00Z", "expiration": {"type": "afterDuration", "duration": "PT8H"}});
            }),
            "ends after a duration: export roleEligibilityScheduleInstances",
        ),
        (
            "entra-cut.json",
            first_record_edited("graph-directory-role-assignments.json", Some("value"), |r| {
                r["scheduleInfo"] = json!({"startDateTime": "2026-01-01T00:00:00Z", "expiration": "Microsoft.Graph.PowerShell.Models.MicrosoftGraphExpirationPattern"});
            }),
            "cut short by ConvertTo-Json",
        ),
        (
            "entra-no-end.json",
            first_record_edited("graph-directory-role-assignments.json", Some("value"), |r| {
                r["scheduleInfo"] =
                    json!({"startDateTime": "2026-01-01T00:00:00Z", "expiration": {"type": "afterDateTime"}});
            }),
            "PIM schedule expiration without an end date",
        ),
        (
            "no-scope.json",
            first_record_edited("az-role-assignment-list.json", None, |r| {
                let r = r.as_object_mut().unwrap();
                r.remove("scope");
                r.remove("id");
            }),
            "no scope and no assignment id to take it from",
        ),
        (
            "containers.json",
            first_record_edited("arg-resourcecontainers.json", Some("data"), |r| {
                r["properties"]
                    .as_object_mut()
                    .unwrap()
                    .remove("managementGroupAncestorsChain");
            }),
            "no managementGroupAncestorsChain in the row",
        ),
        (
            "directory-roles.json",
            record_added("graph-directory-roles.json", "value", |r| {
                r["members"] = json!(null);
            }),
            "directory role without an expanded members list",
        ),
        (
            "directory-role-template.json",
            record_added("graph-directory-roles.json", "value", |r| {
                r.as_object_mut().unwrap().remove("roleTemplateId");
            }),
            "directory role without roleTemplateId",
        ),
    ];
    for (name, bytes, says) in &cases {
        let loaded = load([(*name, bytes.as_slice())]);
        let said = match (loaded.errors.first(), loaded.inputs.first()) {
            (Some(e), _) => e.message.clone(),
            (None, Some(input)) => input.warnings.first().cloned().unwrap_or_default(),
            (None, None) => String::new(),
        };
        assert!(said.contains(says), "{name}: {said:?}");
    }
}

/// What the report says about access: each principal's verdicts with the reasons they rest on.
fn access(files: &[(String, Vec<u8>)]) -> String {
    let report = report(files, true);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    serde_json::to_string(&(&report.principals, &report.reasons)).unwrap()
}

#[test]
fn custom_roles_that_exports_define_differently_are_settled_and_reported() {
    const REDEFINED: &str = "have different permissions in different records of the role-definition exports";
    const READS: &str = "\"Microsoft.SecurityInsights/*/read\",";
    let original = String::from_utf8(read("az-role-definition-list-custom.json")).unwrap();
    // The triage role exported again after it lost its reads of Sentinel.
    let later =
        original
            .replacen(READS, "", 1)
            .replacen("2025-07-29T13:30:02.117845+00:00", "2026-01-10T08:00:00.5+00:00", 1);
    assert!(
        original.contains(READS) && !later.contains(READS),
        "the fixture changed"
    );
    let undated = |text: &str| text.replace("\"updatedOn\"", "\"notUpdatedOn\"");
    let files = |definitions: &[(&str, &str)]| {
        tenant_files(
            "role-definition",
            definitions.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())),
        )
    };
    let only_before = access(&files(&[("roles.json", &original)]));
    let only_after = access(&files(&[("roles.json", &later)]));
    assert_ne!(only_before, only_after, "the change decides nothing");
    // Every format of the same roles at once (CLI, PowerShell, REST, Resource Graph): the
    // same definitions in other shapes, none reported.
    assert_no_caveat_in_every_format(REDEFINED);
    for (before, after, expected, decision) in [
        (
            original.clone(),
            later.clone(),
            &only_after,
            "most recently updated definition was used",
        ),
        // Without update times the role grants what either version grants.
        (
            undated(&original),
            undated(&later),
            &only_before,
            "may be more generous",
        ),
    ] {
        let mut reports = Vec::new();
        for order in [
            [("before.json", &before), ("after.json", &after)],
            [("after.json", &after), ("before.json", &before)],
        ] {
            let files = files(&order.map(|(n, t)| (n, t.as_str())));
            assert_eq!(&access(&files), expected, "{decision}");
            let found = caveats(&files);
            let caveat = found.iter().find(|c| c.contains(REDEFINED)).expect("no caveat");
            assert!(caveat.starts_with("1 role(s) have"), "{caveat}");
            assert!(caveat.contains(decision), "{caveat}");
            assert!(
                caveat.contains("`SOC Incident Triage (Custom)` (2d6f9b3e-8a1c-4e7d-b5f2-9c3a6e8d1b70")
                    && caveat.contains("before.json record 1")
                    && caveat.contains("after.json record 1"),
                "{caveat}"
            );
            let mut report = serde_json::to_value(report(&files, true)).unwrap();
            report["inputs"] = serde_json::Value::Null;
            reports.push(report);
        }
        assert_eq!(reports[0], reports[1], "the order of the files changed the report");
    }
}

/// Each finding as its id and the names of the objects it names, sorted.
fn findings(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<String>)> {
    let report = report(files, false);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut out: Vec<(String, Vec<String>)> = report
        .findings
        .iter()
        .map(|f| {
            let mut names: Vec<String> = f.objects.iter().map(|o| o.name.clone()).collect();
            names.sort();
            (f.id.to_string(), names)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_shape_of_an_analytics_rule_export_gives_the_same_findings() {
    use serde_json::{Map, Value};
    let rest: Value = serde_json::from_slice(&read("sentinel-alert-rules.json")).unwrap();
    let baseline = findings(&[("rules.json".into(), read("sentinel-alert-rules.json"))]);
    assert!(baseline.len() >= 5, "{baseline:?}");
    // `az sentinel alert-rule list`: each rule's properties beside its id, name and kind.
    let flattened: Vec<Map<String, Value>> = rest["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| {
            let mut flat: Map<String, Value> = rule["properties"].as_object().unwrap().clone();
            for key in ["id", "name", "kind", "etag"] {
                flat.insert(key.into(), rule[key].clone());
            }
            flat
        })
        .collect();
    // `Get-AzSentinelAlertRule | ConvertTo-Json`: the same, in PascalCase.
    let pascal: Vec<Map<String, Value>> = flattened
        .iter()
        .map(|flat| {
            flat.iter()
                .map(|(k, v)| (format!("{}{}", k[..1].to_uppercase(), &k[1..]), v.clone()))
                .collect()
        })
        .collect();
    let shapes = [
        ("arm-template-alert-rules.json", read("arm-template-alert-rules.json")),
        ("az-sentinel.json", serde_json::to_vec(&flattened).unwrap()),
        ("get-azsentinelalertrule.json", serde_json::to_vec(&pascal).unwrap()),
    ];
    for (name, bytes) in shapes {
        let files = [(name.to_string(), bytes)];
        let loaded = load(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        let records = loaded.inputs.first().map(|i| (i.records, i.warnings.len()));
        assert_eq!(records, Some((9, 0)), "{name}: {:?}", loaded.errors);
        assert_eq!(findings(&files), baseline, "{name}");
    }
    // A template that also deploys a playbook: the workflow is skipped and said to be, not
    // read as one more analytics rule.
    let mut template: Value = serde_json::from_slice(&read("arm-template-alert-rules.json")).unwrap();
    template["resources"].as_array_mut().unwrap().push(serde_json::json!({
        "type": "Microsoft.Logic/workflows",
        "apiVersion": "2017-07-01",
        "name": "[parameters('PlaybookName')]",
        "properties": {"state": "Enabled", "definition": {"triggers": {}}}
    }));
    let bytes = serde_json::to_vec(&template).unwrap();
    let loaded = load([("template.json", bytes.as_slice())]);
    let input = loaded.inputs.first().unwrap();
    assert_eq!((input.format, input.records), (Format::ArmTemplate, 9));
    assert!(
        input.warnings.len() == 1 && input.warnings[0].contains("`Microsoft.Logic/workflows`"),
        "{:?}",
        input.warnings
    );
}

/// A file cut short does not parse, and its error says which format it looked like: past its
/// first record, the one the whole file is read as, for every JSON fixture; before, that one
/// or none, never another (bar one prefix that two formats share).
#[test]
fn a_file_cut_short_is_named_by_the_format_it_would_have_been() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 25, "{names:?}");
    let mut named = 0;
    for name in &names {
        let text = String::from_utf8(read(name)).unwrap();
        let whole = load([(name.as_str(), text.as_bytes())]);
        let label = whole.inputs.first().map(|i| i.format.label()).unwrap();
        for percent in (5..=95).step_by(5) {
            let mut cut = text.len() * percent / 100;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let short = load([(name.as_str(), &text.as_bytes()[..cut])]);
            let error = short
                .errors
                .first()
                .unwrap_or_else(|| panic!("{name} cut at {percent} %: read"));
            let said = error.format.as_deref();
            named += usize::from(said == Some(label));
            // A PIM eligibility record starts with the fields of a REST role assignment.
            let shared_prefix = name == "pim-eligibility.json" && said == Some(Format::RestRoleAssignments.label());
            let past_first_record = percent >= 50;
            assert!(
                said == Some(label) || (!past_first_record && (said.is_none() || shared_prefix)),
                "{name} cut at {percent} %: {error}"
            );
        }
    }
    // Most cuts are named (480 of 532 when written).
    assert!(named * 10 >= names.len() * 19 * 8, "{named} named");
}

/// Microsoft Graph PowerShell (`Get-Mg… | ConvertTo-Json`) writes the same objects as the REST
/// API, as a list, with PascalCase names (`@odata` annotations as they are).
fn graph_powershell(rest: &[u8]) -> Vec<u8> {
    fn pascal(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(o) => o
                .iter()
                .map(|(k, v)| {
                    let key = match k.starts_with('@') {
                        true => k.clone(),
                        false => format!("{}{}", k[..1].to_uppercase(), &k[1..]),
                    };
                    (key, pascal(v))
                })
                .collect(),
            serde_json::Value::Array(a) => a.iter().map(pascal).collect(),
            other => other.clone(),
        }
    }
    let doc: serde_json::Value = serde_json::from_slice(rest).unwrap();
    serde_json::to_vec(&pascal(&doc["value"])).unwrap()
}

#[test]
fn graph_powershell_exports_read_as_the_rest_ones() {
    // The groups and directory exports with the tenant's assignments: each decides verdicts.
    let tenant = |graph: Option<(&str, Vec<u8>)>| {
        verdicts(&tenant_files(
            "graph-",
            graph.map(|(name, bytes)| (name.to_string(), bytes)),
        ))
    };
    let without = tenant(None);
    for name in [
        "graph-groups-members.json",
        "graph-groups-transitive-members.json",
        "graph-directory-role-assignments.json",
        "graph-directory-roles.json",
    ] {
        let rest = tenant(Some((name, read(name))));
        assert_ne!(rest, without, "{name} decides nothing");
        assert_eq!(tenant(Some((name, graph_powershell(&read(name))))), rest, "{name}");
    }
    // Graph's PIM lists for directory roles, in both forms: the same verdict.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tasks/connect-workspace");
    for (case, list, verdict) in [
        (
            "allow-entra-security-administrator-through-a-pim-activation",
            "directory-activations.json",
            "allowed",
        ),
        (
            "eligible-entra-security-administrator-through-a-pim-eligibility-instance",
            "directory-eligibility-instances.json",
            "eligible",
        ),
    ] {
        let rest = std::fs::read(dir.join(case).join(list)).unwrap();
        let files = [
            (
                "assignments.json".to_string(),
                std::fs::read(dir.join(case).join("assignments.json")).unwrap(),
            ),
            (list.to_string(), graph_powershell(&rest)),
        ];
        let ws = "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc";
        let report = report_at(ws, &files, true);
        assert!(report.errors.is_empty(), "{case}: {:?}", report.errors);
        let got = report
            .principals
            .iter()
            .filter(|p| p.id == "aaaaaaaa-0000-4000-8000-000000000001")
            .flat_map(|p| &p.tasks)
            .find(|v| v.task == "connect-workspace")
            .map(|v| v.verdict.as_str());
        assert_eq!(got, Some(verdict), "{case}");
    }
}
