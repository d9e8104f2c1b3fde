//! The bundled fictional tenant (Contoso SOC) that the CLI's `--sample` and the web app
//! load on first visit. Every file is a real export shape; names and ids are invented.

/// Embeds fixture files by name: `(name, contents)`.
macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../tests/fixtures/formats/", $name)))),*]
    };
}

/// (file name, contents) of every sample export: role exports, then configuration exports.
pub const SAMPLE_FILES: &[(&str, &str)] = fixtures![
    "az-role-assignment-list.json",
    "az-role-definition-list-custom.json",
    "deny-assignments.json",
    "pim-eligibility.json",
    "pim-active-assignment-instances.json",
    "arg-resourcecontainers.json",
    "graph-groups-members.json",
    "graph-directory-role-assignments.json",
    "sentinel-alert-rules.json",
    "sentinel-alert-rule-actions.json",
    "sentinel-automation-rules.json",
    "sentinel-data-connectors.json",
    "sentinel-onboarding-states.json",
    "sentinel-workspace-manager.json",
    "sentinel-watchlists.json",
    "sentinel-content-packages.json",
    "log-analytics-workspaces.json",
    "log-analytics-tables.json",
];

/// The sample's primary workspace.
pub const SAMPLE_PRIMARY: &str = "law-soc-prod";

/// The date the sample's report snapshots are taken on, so PIM windows stay stable.
pub const SAMPLE_DATE: crate::Date = crate::Date::new(2026, 11, 23);
