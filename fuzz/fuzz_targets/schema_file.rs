//! The schema.rs reader: any text reads or is an error with a line inside
//! the file, and a file that reads compares with itself without a difference.
//! Read into the model (what `new --autogenerate` does) against an empty
//! head on each dialect, it is a schema or an error with a line, and the
//! diff from nothing to that schema gives operations that can be written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_schema::diesel::compare::compare;
use lithify_schema::diesel::config::PrintSchemaConfig;
use lithify_schema::diesel::into_model::schema_from_file;
use lithify_schema::diesel::reader::read_schema_file;
use lithify_schema::diff::{diff, NobodyToAsk, Options, Renames, Scope};
use lithify_schema::model::{Dialect, Schema};
use lithify_schema::ops::write::write_operations;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1) as u32 + 1;
    let path = std::path::Path::new("src/schema.rs");
    match read_schema_file(path, text) {
        Ok(file) => {
            assert!(compare(&file, &file).is_empty());
            for d in Dialect::ALL {
                let head = Schema::new(d);
                match schema_from_file(&head, &file, &PrintSchemaConfig::default(), path) {
                    Ok(wanted) => {
                        let options = Options {
                            scope: Scope::DieselSchema,
                            renames: Renames::default(),
                        };
                        let found = diff(&head, &wanted.schema, &options, &mut NobodyToAsk)
                            .expect("no renames given, same dialect");
                        write_operations("upgrade", &found.operations).expect("writable");
                    }
                    Err(e) => assert!(e.line.is_some_and(|l| l <= lines), "{e}"),
                }
            }
        }
        Err(e) => {
            assert!(
                e.line.is_none_or(|l| l <= lines),
                "error line {:?} of {lines}",
                e.line
            );
        }
    }
});
