//! sentinel-readiness engine: Azure RBAC evaluation for moving Microsoft Sentinel from the
//! Azure portal to the Microsoft Defender portal.
//!
//! Pure Rust, no I/O: callers hand in file names and bytes, and get a [`Report`] whose
//! every verdict carries the assignments, roles, scopes and route that decided it.
//!
//! ```
//! use sentinel_readiness_engine::{analyze, sample, ReportOptions};
//! let files = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes()));
//! let opts = ReportOptions { workspaces: vec![], as_of: None, today: sample::SAMPLE_DATE, all_verdicts: false, primary: None, threads: 0 };
//! let report = analyze(files, &opts).map_err(|e| e.to_string())?;
//! assert_eq!(report.workspaces.len(), 2);
//! # Ok::<(), String>(())
//! ```

pub mod action;
pub mod assignment;
pub mod check;
pub mod checklist;
pub mod condition;
pub mod config;
pub mod csv_out;
pub mod date;
pub mod difference;
pub mod error;
pub mod evaluate;
pub mod ffi;
pub mod finding;
pub mod guidance;
pub mod html;
pub mod input;
pub mod json_indent;
pub mod order;
pub mod parallel;
pub mod positions;
pub mod prerequisite;
pub mod principal;
pub mod report;
pub mod role;
pub mod safe_text;
pub mod sample;
pub mod scope;
pub mod score;
pub mod shared_text;
pub mod svg;
pub mod task;
pub mod tenant;
pub mod variant;

/// Text that is usually a static string from the rules, but owned after deserialising.
pub type Text = std::borrow::Cow<'static, str>;

pub use date::Date;
pub use error::{InputError, OptionsError};
pub use evaluate::{Reason, Verdict, VerdictKind};
pub use input::{load, load_on, Format, Loaded};
pub use positions::Positions;
pub use report::{build, Report, ReportOptions, VerdictEntry};
pub use shared_text::SharedText;

/// Reads the files and builds the report in one call.
pub fn analyze<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    opts: &ReportOptions,
) -> Result<Report, OptionsError> {
    let loaded = load_on(files, opts.threads);
    build(&loaded, opts)
}
