//! Every role-export and configuration parser, reached the way users reach them: one file whose
//! format is detected from its content (JSON of any supported shape, CSV, PowerShell list text).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = sentinel_readiness_engine::load([("input", data)]);
    // Every file is either used or reported, never both silently dropped.
    assert_eq!(loaded.inputs.len() + loaded.errors.len(), 1);
});
