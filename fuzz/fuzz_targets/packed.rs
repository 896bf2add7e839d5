//! The packed chain (what a generated module parses at run time): decode,
//! and for data that decodes, encode and decode again to the same revisions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_core::packed;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(revisions) = packed::decode(text) {
        let again = packed::encode(&revisions);
        let round = packed::decode(&again).expect("what encode writes, decode reads");
        assert_eq!(round, revisions);
    }
});
