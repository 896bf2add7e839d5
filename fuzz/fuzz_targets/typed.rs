//! Typed revisions: any `revision.toml` text is read (`ops::parse`) and,
//! when it reads, compiled on each engine against a small schema (two
//! tables with a key between them) without a panic; every error names a
//! line of the file; what compiles folds back without a note.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_schema::fold::{Fold, RevisionSql};
use lithify_schema::model::Dialect;
use lithify_schema::naming::convention::NamingConvention;
use lithify_schema::ops::compile::{compile_revision, CompileInput};
use lithify_schema::ops::parse::typed_revision;

/// The schema the operations change, as each engine declares it.
fn base(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Mysql => {
            "CREATE TABLE companies (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE);\n\
             CREATE TABLE jobs (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, company_id BIGINT NOT NULL, \
             title VARCHAR(200) NOT NULL, salary INT, CONSTRAINT jobs_company FOREIGN KEY (company_id) REFERENCES companies (id));\n\
             CREATE INDEX jobs_title ON jobs (title);\n"
        }
        _ => {
            "CREATE TABLE companies (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE);\n\
             CREATE TABLE jobs (id BIGINT PRIMARY KEY, company_id BIGINT NOT NULL REFERENCES companies (id), \
             title VARCHAR(200) NOT NULL, salary INT);\n\
             CREATE INDEX jobs_title ON jobs (title);\n"
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return;
    };
    let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
    let in_file = |line: u32| line >= 1 && line <= lines;
    let typed = match typed_revision(doc.as_table(), text) {
        Ok(typed) => typed,
        Err(errors) => {
            for e in errors {
                assert!(in_file(e.line), "read error at line {} of {lines}", e.line);
            }
            return;
        }
    };
    let naming = NamingConvention::default();
    for dialect in Dialect::ALL {
        let mut fold = Fold::new(dialect);
        fold.apply(&RevisionSql {
            revision: "0001",
            file: "up.sql".as_ref(),
            sql: base(dialect),
        });
        let input = CompileInput {
            revision: "0002",
            file: "revision.toml".as_ref(),
            schema: fold.schema(),
            naming: &naming,
        };
        match compile_revision(input, &typed) {
            Err(errors) => {
                for e in errors {
                    assert!(
                        in_file(e.line),
                        "compile error at line {} of {lines}",
                        e.line
                    );
                }
            }
            Ok(compiled) => {
                let mut again = Fold::from_schema(fold.schema().clone());
                again.apply(&RevisionSql {
                    revision: "0002",
                    file: "revision.toml".as_ref(),
                    sql: &compiled.up.sql,
                });
                let _ = again.schema();
                for note in &compiled.notes {
                    assert!(in_file(note.line), "note at line {} of {lines}", note.line);
                }
            }
        }
    }
});
