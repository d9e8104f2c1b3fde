//! The CLI contract: formats, exit codes, stdin, workspace selection, error messages.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sentinel-readiness"))
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/fixtures/formats")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// A fresh folder of this test's own: tests run side by side in one process, so each
/// needs its own name (two that shared one removed each other's files).
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sentinel-readiness-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn sample_markdown_report() {
    let out = run(&["report", "--sample", "--format", "md", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("### Access matrix"));
    assert!(md.contains("| Priya Shah | User | denied |"), "{md}");
}

#[test]
fn json_contract_fields() {
    let out = run(&[
        "report",
        fixture("az-role-assignment-list.json").to_str().unwrap(),
        "--today",
        "2026-11-23",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 4);
    assert_eq!(v["inputs"][0]["format"], "az-role-assignment-list");
    assert_eq!(v["inputs"][0]["records"], 13);
    assert_eq!(v["workspaces"].as_array().unwrap().len(), 1);
    let priya = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "4a7c9e1b-2d3f-4b8a-8c6e-5f1a0b9d2e74")
        .unwrap();
    assert_eq!(priya["type"], "User");
    let support = priya["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == "create-support-request")
        .unwrap();
    assert_eq!(support["verdict"], "allowed");
    // Reasons are listed once at the top level; verdicts point at them.
    let first = support["reasons"][0].as_u64().unwrap() as usize;
    assert_eq!(v["reasons"][first]["role"], "Owner");
    // Without --all-verdicts, not-allowed verdicts are left out.
    assert!(v["principals"].as_array().unwrap().iter().all(|p| p["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["verdict"] != "not-allowed")));
    assert!(v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["task"] == "connect-workspace"));
}

#[test]
fn all_verdicts_adds_what_is_missing() {
    let out = run(&["report", "--sample", "--all-verdicts", "--today", "2026-11-23"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sam = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "7e3b1a9c-5d2f-4e6a-b8c1-0a9f3e7d2b46")
        .unwrap();
    let view = sam["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == "view-sentinel")
        .unwrap();
    assert_eq!(view["verdict"], "not-allowed");
    assert!(view["missing"][0]
        .as_str()
        .unwrap()
        .contains("Microsoft Sentinel Reader"));
}

#[test]
fn csv_has_one_row_per_verdict() {
    let out = run(&[
        "report",
        "--sample",
        "--format",
        "csv",
        "--all-verdicts",
        "--today",
        "2026-11-23",
    ]);
    let csv = text(&out.stdout);
    let rows = csv.lines().filter(|l| l.starts_with("verdict,")).count();
    let json = run(&["report", "--sample", "--today", "2026-11-23"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let principals = v["principals"].as_array().unwrap().len();
    assert!(principals > 10);
    let workspaces = v["workspaces"].as_array().unwrap().len();
    // Every principal × 5 tasks × every workspace, then the checks and findings.
    assert_eq!(rows, principals * 5 * workspaces, "{csv}");
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("prerequisite,")).count(),
        v["prerequisites"].as_array().unwrap().len()
    );
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("finding,")).count(),
        v["findings"].as_array().unwrap().len()
    );
}

#[test]
fn reads_standard_input() {
    let mut child = bin()
        .args(["report", "-", "--format", "md"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(fixture("get-azroleassignment.csv")).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("stdin\\> | Get-AzRoleAssignment (CSV)"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_bad_file_is_named_with_its_location_and_others_still_count() {
    let dir = scratch("bad-file");
    let bad = dir.join("broken.json");
    std::fs::write(&bad, "[\n  {\"principalId\": \"x\",\n   \"scope\": }\n]").unwrap();
    let out = run(&[
        "report",
        bad.to_str().unwrap(),
        fixture("rest-roleassignments.json").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("broken.json") && err.contains("line 3"), "{err}");
    let only_bad = run(&["report", bad.to_str().unwrap()]);
    assert_eq!(only_bad.status.code(), Some(2));
    let failing = run(&[
        "report",
        "--fail-on",
        "input-error",
        bad.to_str().unwrap(),
        fixture("rest-roleassignments.json").to_str().unwrap(),
    ]);
    assert_eq!(failing.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fail_on_not_ready_gates_ci() {
    let out = run(&["report", "--sample", "--fail-on", "not-ready", "--today", "2026-11-23"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("nobody can connect-workspace on law-soc-prod"));
}

#[test]
fn workspace_by_name_or_id_and_unknown_workspace() {
    let ok = run(&["report", "--sample", "--workspace", "LAW-SOC-PROD"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let bad = run(&["report", "--sample", "--workspace", "law-nowhere"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("law-nowhere"));
    let explicit = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/other";
    let out = run(&["report", "--sample", "--workspace", explicit]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["workspaces"][0]["id"], explicit);
}

#[test]
fn no_input_and_bad_dates_exit_2() {
    assert_eq!(run(&["report"]).status.code(), Some(2));
    assert_eq!(
        run(&["report", "--sample", "--as-of", "2025-13-01"]).status.code(),
        Some(2)
    );
    // Round 35: a date is the whole option, not its first ten characters.
    let out = run(&["report", "--sample", "--today", "2026-11-2399"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn tasks_lists_rules_with_sources() {
    let out = run(&["tasks", "--as-of", "2024-01-15"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("connect-workspace") && s.contains("source: m365-docs"),
        "{s}"
    );
    assert!(s.contains("view-sentinel") && s.contains("not documented yet"));
}

#[test]
fn features_json_has_the_contract_fields() {
    let out = run(&["features", "m365d", "connector", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    for key in ["id", "title", "area", "impact", "action", "sources", "since"] {
        assert!(!first[key].is_null(), "missing {key}: {first}");
    }
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "xdr-connector-managed-by-onboarding"),
        "{v}"
    );
    let early = run(&["features", "--as-of", "2024-01-01", "--format", "json"]);
    let n: Vec<serde_json::Value> = serde_json::from_slice(&early.stdout).unwrap();
    assert!(!n.is_empty() && n.len() < 101);
}

#[test]
fn output_goes_to_the_named_file_or_says_why_it_cannot() {
    let dir = scratch("output");
    let path = dir.join("report.html");
    let out = run(&[
        "report",
        "--sample",
        "--format",
        "html",
        "--today",
        "2026-11-23",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("Priya Shah"),
        "{html:.300}"
    );
    // Written whole, then put in place: nothing is left beside it.
    assert!(!dir.join("report.html.partial").exists());
    // A target that cannot be replaced (a folder): exit 2, and no partial file left behind.
    let folder = dir.join("taken");
    std::fs::create_dir_all(&folder).unwrap();
    let out = run(&["report", "--sample", "--output", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(folder.is_dir() && !dir.join("taken.partial").exists());
    // A symbolic link is written through, not replaced by a file (renaming over it did that,
    // and over `-o /dev/null` as root replaced the device).
    let target = dir.join("target.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run(&[
        "report",
        "--sample",
        "--today",
        "2026-11-23",
        "--output",
        link.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("\"schema_version\""));
    assert!(!dir.join("link.json.partial").exists());
    // A device is written to, and stays a device.
    let out = run(&["report", "--sample", "--output", "/dev/null"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }
    // A folder that does not exist: exit 2, naming the path.
    let missing = dir.join("no-such-folder").join("report.json");
    let out = run(&["report", "--sample", "--output", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(missing.to_str().unwrap()),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn features_in_every_format_and_when_nothing_matches() {
    let ids = |format: &str| {
        let out = run(&["features", "m365d", "connector", "--format", format]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    for format in ["csv", "md"] {
        assert!(
            ids(format).contains("xdr-connector-managed-by-onboarding"),
            "{format}: {}",
            ids(format)
        );
    }
    assert!(ids("csv").starts_with("id,"), "{}", ids("csv"));
    let none = run(&["features", "zzzz-no-such-words", "--format", "json"]);
    assert!(none.status.success());
    assert_eq!(text(&none.stdout).trim(), "[]");
    assert!(
        text(&none.stderr).contains("no entry matches"),
        "{}",
        text(&none.stderr)
    );
    assert_eq!(run(&["features", "--as-of", "2025-02-30"]).status.code(), Some(2));
    // A misspelt filter is refused with the known values, not answered with nothing.
    let typo = run(&["features", "--impact", "breakng"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(typo.stdout.is_empty());
    let said = String::from_utf8_lossy(&typo.stderr);
    assert!(
        said.contains("`breakng`; the impacts are behaviour-change, breaking"),
        "{said}"
    );
}

#[test]
fn mssp_guidance_page_and_bad_dates() {
    let out = run(&["mssp", "--as-of", "2026-11-23"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("Lighthouse"),
        "{html:.300}"
    );
    for command in ["mssp", "tasks"] {
        let out = run(&[command, "--as-of", "yesterday"]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(
            text(&out.stderr).contains("`yesterday` is not a date"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn no_workspace_to_assess_is_blocked_not_ready() {
    // Roles at a subscription only: no export names a workspace, so no check can run.
    let dir = scratch("no-workspace");
    let file = dir.join("roles.json");
    std::fs::write(
        &file,
        r#"[{"id": "/subscriptions/11111111-1111-4111-8111-111111111111/providers/Microsoft.Authorization/roleAssignments/00000001-0000-4000-8000-000000000001",
            "principalId": "aaaaaaaa-0000-4000-8000-000000000001", "principalType": "User",
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "roleDefinitionName": "Owner", "scope": "/subscriptions/11111111-1111-4111-8111-111111111111"}]"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let plain = run(&["report", path, "--today", "2026-11-23"]);
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    let v: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(v["summary"]["overall"], "blocked");
    assert!(v["summary"]["blockers"][0]
        .as_str()
        .unwrap()
        .starts_with("No workspace to assess"));
    let gated = run(&["report", path, "--today", "2026-11-23", "--fail-on", "not-ready"]);
    assert_eq!(gated.status.code(), Some(1));
    assert!(text(&gated.stderr).contains("blocked: No workspace to assess"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn skipped_records_are_printed_and_fail_the_input_gate() {
    // The CLI's export with one record that has no principal: it is skipped, the rest read.
    let mut records: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("az-role-assignment-list.json")).unwrap()).unwrap();
    records[0].as_object_mut().unwrap().remove("principalId");
    let dir = scratch("skipped");
    let file = dir.join("roles.json");
    std::fs::write(&file, serde_json::to_vec(&records).unwrap()).unwrap();
    let path = file.to_str().unwrap();
    let plain = run(&["report", path]);
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    let err = text(&plain.stderr);
    assert!(
        err.contains("roles.json: 1 record(s) skipped; the first: record 1"),
        "{err}"
    );
    let gated = run(&["report", path, "--fail-on", "input-error"]);
    assert_eq!(gated.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Round 35: messages quote file names and export text; an escape code in either is shown,
/// not sent to the terminal (it could clear the screen and print a fake all-clear), and
/// (round 36) a line break in either does not start a line.
#[test]
fn messages_show_control_characters_instead_of_sending_them() {
    let dir = scratch("control-characters");
    let bad = dir.join("evil\u{1b}[2J.json");
    std::fs::write(
        &bad,
        "[{\"roleDefinitionName\":\"Owner \u{1b}]0;PWNED\u{7}\u{1b}[2J\", \"scope\": 3",
    )
    .unwrap();
    let skipped = dir.join("skipped.json");
    std::fs::write(
        &skipped,
        r#"[{"principalId":"bbbbbbbb-0000-0000-0000-000000000001","roleDefinitionId":"acdd72a7-3385-48ef-bd42-f606fba81ae7","scope":"\u001b[2J\u202eAll tasks ready"},
            {"principalId":"bbbbbbbb-0000-0000-0000-000000000001","roleDefinitionId":"acdd72a7-3385-48ef-bd42-f606fba81ae7","scope":"/subscriptions/11111111-1111-1111-1111-111111111111"}]"#,
    )
    .unwrap();
    // Round 36: a line break in a name would start a message line of its own.
    let broken = dir.join("x.json\nsentinel-readiness: all tasks ready");
    std::fs::write(&broken, "{").unwrap();
    let out = bin()
        .args([
            "report",
            "--today",
            "2026-11-23",
            "--fail-on",
            "not-ready",
            "-o",
            "/dev/null",
        ])
        .arg(&bad)
        .arg(&skipped)
        .arg(&broken)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        stderr.contains("x.json\\u{a}sentinel-readiness: all tasks ready"),
        "{stderr}"
    );
    assert!(
        !stderr.lines().any(|l| l.starts_with("sentinel-readiness: all")),
        "{stderr}"
    );
    assert!(stderr.contains("evil\\u{1b}[2J.json"), "{stderr}");
    assert!(stderr.contains("\\u{202e}All tasks ready"), "{stderr}");
    assert!(!stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{stderr:?}");
}

#[test]
fn a_folder_stands_for_its_export_files() {
    // Thousands of per-subscription files are beyond the shell's argument limit; a folder
    // is read whole, subfolders included, in path order, and gives the same report as its
    // files named one by one.
    let dir = scratch("folder");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub-b/nested")).unwrap();
    let files = [
        ("az-role-assignment-list.json", "sub-a.json"),
        ("az-role-definition-list-custom.json", "sub-b/roles.json"),
        ("sentinel-alert-rules.json", "sub-b/nested/rules.json"),
    ];
    for (from, to) in files {
        std::fs::copy(fixture(from), dir.join(to)).unwrap();
    }
    std::fs::write(dir.join("README.md"), "notes").unwrap();
    std::fs::write(dir.join(".hidden.json"), "not json").unwrap();
    // A link back to a parent folder is not followed (it would loop).
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("sub-b/loop")).unwrap();
    // Nor is a pipe read, which would wait for a writer. (Should one be read, the writer
    // here lets the run end, and the count below fails.)
    #[cfg(unix)]
    {
        let pipe = dir.join("sub-b/pipe.json");
        assert!(std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success());
        std::thread::spawn(move || drop(std::fs::OpenOptions::new().write(true).open(pipe)));
    }
    let report = |args: &[PathBuf]| {
        let mut cmd = bin();
        cmd.args(["report", "--format", "json", "--today", "2026-11-23"])
            .args(args);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["inputs"] = serde_json::Value::Null;
        (json, text(&out.stderr))
    };
    let (by_folder, said) = report(std::slice::from_ref(&dir));
    // A link whose target is missing is opened, and the run stops naming it (exit 2), as for
    // any path that cannot be opened: never a silent pass.
    #[cfg(unix)]
    {
        let gone = dir.join("sub-b/deny.json");
        std::os::unix::fs::symlink(dir.join("no-such-file.json"), &gone).unwrap();
        let out = bin()
            .args(["report", "--fail-on", "input-error"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("deny.json"), "{}", text(&out.stderr));
        std::fs::remove_file(&gone).unwrap();
    }
    let left_out = if cfg!(unix) { "3 file(s)" } else { "1 file(s)" };
    assert!(
        said.contains(&format!(
            "{left_out} of other types, links to folders or pipes left out"
        )),
        "{said}"
    );
    let named: Vec<PathBuf> = files.iter().map(|(_, to)| dir.join(to)).collect();
    let (by_name, _) = report(&named);
    assert_eq!(by_folder, by_name);
    // A folder with no export in it is an error, not an empty report.
    let empty = scratch("folder-empty");
    let out = bin().args(["report"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no .json, .csv or .txt file"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&empty);
}

#[test]
fn a_deny_export_cut_short_fails_the_not_ready_gate() {
    // Whole, the deny blocks everyone who could connect the workspace; cut short, no deny
    // is read, and the gate must not pass on what it could not see.
    let dir = scratch("cut-deny");
    let deny = std::fs::read(fixture("deny-assignments.json")).unwrap();
    let cut = dir.join("deny.json");
    std::fs::write(&cut, &deny[..deny.len() / 2]).unwrap();
    let roles = fixture("rest-roleassignments.json");
    let out = run(&[
        "report",
        "--fail-on",
        "not-ready",
        "--today",
        "2026-11-23",
        cut.to_str().unwrap(),
        roles.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not ready: Deny assignments not all read"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_to_standard_output_exits_2() {
    // A full disk cuts the report short: that is a failure, unlike a closed pipe.
    for format in ["json", "md"] {
        let out = bin()
            .args(["report", "--sample", "--format", format])
            .stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(text(&out.stderr).contains("standard output"), "{}", text(&out.stderr));
    }
}
