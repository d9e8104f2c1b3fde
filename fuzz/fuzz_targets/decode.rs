//! Byte decoding: UTF-8 with or without BOM, UTF-16 LE/BE with or without BOM.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = sentinel_readiness_engine::input::decode(data) {
        // Valid UTF-8 without a BOM decodes to itself.
        if let Ok(plain) = std::str::from_utf8(data) {
            if !plain.starts_with('\u{feff}') && !data.starts_with(&[0xff, 0xfe]) && !data.starts_with(&[0xfe, 0xff]) {
                assert!(text == plain || text.len() <= plain.len());
            }
        }
    }
});
