//! The JS API's entry points: a request document as a page would send it, and the search.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentinel_readiness_engine::{ffi, Date};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(req) = serde_json::from_str::<ffi::EvaluateRequest>(text) {
        let _ = serde_json::to_string(&ffi::evaluate(req, Date::new(2026, 11, 23)));
    }
    let _ = ffi::search_differences(text, None, None, None);
});
