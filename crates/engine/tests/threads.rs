//! The evaluation shares workspaces out between threads; the report must not depend on how
//! many. Inputs with several workspaces, groups and assignments above the workspaces, so
//! the threads meet the same reasons and hand back verdicts that cite them.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use sentinel_readiness_engine::{analyze, sample, Date, ReportOptions};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "json" || e == "csv") {
            out.push(path);
        }
    }
}

/// The report's JSON for `files` evaluated on `threads` threads, and its workspace count.
fn report(files: &[(String, Vec<u8>)], all_verdicts: bool, threads: usize) -> (String, usize) {
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: None,
        today: Date::new(2026, 11, 23),
        all_verdicts,
        primary: None,
        threads,
    };
    let report = analyze(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())), &opts).unwrap();
    (serde_json::to_string(&report).unwrap(), report.workspaces.len())
}

fn same_for_every_thread_count(files: &[(String, Vec<u8>)]) {
    for all_verdicts in [false, true] {
        let (one, workspaces) = report(files, all_verdicts, 1);
        // One workspace is one thread's work whatever the count: nothing would be tested.
        assert!(workspaces >= 2, "only {workspaces} workspace(s)");
        for threads in [2, 3, 7] {
            assert!(
                report(files, all_verdicts, threads).0 == one,
                "{threads} threads, all verdicts {all_verdicts}, {workspaces} workspaces: the report differs from one thread's"
            );
        }
    }
}

#[test]
fn sample_tenant() {
    let files: Vec<(String, Vec<u8>)> = sample::SAMPLE_FILES
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
    same_for_every_thread_count(&files);
}

#[test]
fn every_fixture_together() {
    // Every task fixture's exports read as one tenant: dozens of workspaces, many of them
    // reached by the same management-group and subscription assignments.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = Vec::new();
    files_under(&root.join("tasks"), &mut paths);
    files_under(&root.join("formats"), &mut paths);
    paths.sort();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter(|p| !p.ends_with("expect.json"))
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    same_for_every_thread_count(&files);
}
