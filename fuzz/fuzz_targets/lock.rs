//! lithify.lock: the parser, then, for a lock that parses, its total
//! recomputed (what the build compares).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(lock) = lithify_build::lock::parse_lock(std::path::Path::new("lithify.lock"), text) {
        let _ = lock.computed_total();
        for entry in &lock.entries {
            assert!(lock.entry(&entry.id).is_some());
        }
    }
});
