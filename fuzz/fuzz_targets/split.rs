//! The SQL statement splitter: every statement is a non-empty piece of the
//! script, in order, and the line it names (that of its first token, after
//! any leading comment) lies within it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_core::split::split_statements;

fuzz_target!(|data: &[u8]| {
    let Ok(script) = std::str::from_utf8(data) else {
        return;
    };
    let base = script.as_ptr() as usize;
    let mut previous_end = 0;
    for statement in split_statements(script) {
        assert!(!statement.sql.is_empty());
        let start = statement.sql.as_ptr() as usize - base;
        let end = start + statement.sql.len();
        assert!(
            start >= previous_end && end <= script.len(),
            "pieces in order"
        );
        let line_of = |at: usize| 1 + script[..at].bytes().filter(|b| *b == b'\n').count();
        assert!(
            (line_of(start)..=line_of(end)).contains(&statement.line),
            "the statement's line lies within it"
        );
        previous_end = end;
    }
});
