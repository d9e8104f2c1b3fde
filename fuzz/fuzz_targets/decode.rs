//! Byte decoding: UTF-8 with or without BOM, UTF-16 LE/BE with or without BOM.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = sentinel_readiness_engine::input::decode(data);
    // Plain UTF-8 (no BOM, no NUL byte that could suggest UTF-16) comes back unchanged.
    if let Ok(plain) = std::str::from_utf8(data) {
        if !plain.starts_with('\u{feff}') && !data.contains(&0) {
            assert_eq!(decoded.as_deref(), Ok(plain));
        }
    }
});
