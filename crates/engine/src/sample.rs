//! The bundled fictional tenant (Contoso SOC) that the CLI's `--sample` and the web app
//! load on first visit. Every file is a real export shape; names and ids are invented.

/// (file name, contents) of every sample export.
pub const SAMPLE_FILES: &[(&str, &str)] = &[
    (
        "az-role-assignment-list.json",
        include_str!("../tests/fixtures/formats/az-role-assignment-list.json"),
    ),
    (
        "az-role-definition-list-custom.json",
        include_str!("../tests/fixtures/formats/az-role-definition-list-custom.json"),
    ),
    (
        "deny-assignments.json",
        include_str!("../tests/fixtures/formats/deny-assignments.json"),
    ),
    (
        "pim-eligibility.json",
        include_str!("../tests/fixtures/formats/pim-eligibility.json"),
    ),
    (
        "pim-active-assignment-instances.json",
        include_str!("../tests/fixtures/formats/pim-active-assignment-instances.json"),
    ),
    (
        "arg-resourcecontainers.json",
        include_str!("../tests/fixtures/formats/arg-resourcecontainers.json"),
    ),
    (
        "graph-groups-members.json",
        include_str!("../tests/fixtures/formats/graph-groups-members.json"),
    ),
    (
        "graph-directory-role-assignments.json",
        include_str!("../tests/fixtures/formats/graph-directory-role-assignments.json"),
    ),
];

/// The date the sample's report snapshots are taken on, so PIM windows stay stable.
pub const SAMPLE_DATE: crate::Date = crate::Date::new(2026, 11, 23);
