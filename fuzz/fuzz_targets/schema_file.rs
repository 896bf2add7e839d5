//! The schema.rs reader: any text reads or is an error with a line inside
//! the file, and a file that reads compares with itself without a difference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_schema::diesel::compare::compare;
use lithify_schema::diesel::reader::read_schema_file;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match read_schema_file("src/schema.rs".as_ref(), text) {
        Ok(file) => assert!(compare(&file, &file).is_empty()),
        Err(e) => {
            let lines = text.lines().count().max(1) as u32 + 1;
            assert!(
                e.line.is_none_or(|l| l <= lines),
                "error line {:?} of {lines}",
                e.line
            );
        }
    }
});
