//! The JS API's entry points: a request document as a page would send it, the same request
//! with its files as spans of a byte buffer (`evaluateBytes`: the request, a zero byte, then
//! the buffer), and the search. Answers are written as the JS API writes them (`compact_json`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentinel_readiness_engine::{ffi, shared_text, Date};

fuzz_target!(|data: &[u8]| {
    let today = Date::new(2026, 11, 23);
    if let Some((head, buffer)) = data.iter().position(|&b| b == 0).map(|i| data.split_at(i)) {
        if let Ok(request) = std::str::from_utf8(head) {
            let buffer = buffer.get(1..).unwrap_or_default();
            let answer = ffi::evaluate_request(request, Some(buffer), today);
            let _ = shared_text::compact_json(|| serde_json::to_string(&answer));
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let answer = ffi::evaluate_request(text, None, today);
    let _ = shared_text::compact_json(|| serde_json::to_string(&answer));
    let _ = ffi::search_differences(text, None, None, None);
});
