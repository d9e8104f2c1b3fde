//! Error types. The engine never panics: every failure is one of these.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A scope string that is not an Azure resource path.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeError {
    #[error("scope `{0}` does not start with `/`; expected a path such as /subscriptions/<id>")]
    NotAPath(String),
    #[error("scope `{0}` has an empty segment (`//`)")]
    EmptySegment(String),
}

/// Where in a file a problem sits (1-based).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// A file that could not be used. Other files of the same run still count.
#[derive(Debug, Clone, Error, PartialEq, Eq, Serialize, Deserialize)]
#[error("{path}: {message}{}{}", .format.as_ref().map(|f| format!(" (looked like {f})")).unwrap_or_default(), .location.map(|l| format!(" at line {}, column {}", l.line, l.column)).unwrap_or_default())]
pub struct InputError {
    /// The file name as the user gave it.
    pub path: String,
    /// The export format the file looked like, when one could be guessed.
    pub format: Option<String>,
    pub location: Option<Location>,
    pub message: String,
    /// The text around the problem, for display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// Problems with the options of a run (not with a file).
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionsError {
    #[error("`{0}` is not a date; use YYYY-MM-DD")]
    BadDate(String),
    #[error("workspace `{given}` is not a workspace resource id and matches no workspace in the inputs; use /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>")]
    UnknownWorkspace { given: String },
    #[error("workspace name `{given}` matches several workspaces ({candidates}); pass the full resource id")]
    AmbiguousWorkspace { given: String, candidates: String },
    #[error("the primary workspace `{given}` is not among the workspaces chosen; choose it as well, or leave the choice of workspaces out")]
    PrimaryNotChosen { given: String },
}
