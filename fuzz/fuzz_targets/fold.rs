//! The SQL schema fold: any text, on any engine, folds without a panic; the
//! schema it leaves describes and prints as a diesel schema, and every note
//! names a line of the script. Linted (as a draft over itself, with itself
//! as its down, every rule on), it finds only findings at its lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_schema::describe::describe;
use lithify_schema::diesel::{print_schema, PrintSchemaConfig};
use lithify_schema::fold::{Fold, RevisionSql};
use lithify_schema::lint::{Level, Linter, RevisionInput, Rule, Settings, SqlFile, Up};
use lithify_schema::model::Dialect;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let lines = u32::try_from(sql.lines().count().max(1)).unwrap_or(u32::MAX);
    for dialect in Dialect::ALL {
        let mut fold = Fold::new(dialect);
        // Twice: a second revision folds on top of whatever the first left.
        for revision in ["0001", "0002"] {
            fold.apply(&RevisionSql {
                revision,
                file: "up.sql".as_ref(),
                sql,
            });
        }
        for note in fold.notes() {
            assert!(
                note.line >= 1 && note.line <= lines,
                "note line {} of {lines}",
                note.line
            );
        }
        let _ = describe(fold.schema());
        let _ = print_schema(fold.schema(), &PrintSchemaConfig::default());
        lint(dialect, sql, lines);
    }
});

fn lint(dialect: Dialect, sql: &str, lines: u32) {
    let mut settings = Settings::default();
    settings.check_down = true;
    for rule in Rule::ALL {
        settings.set_level(*rule, Level::Warn);
    }
    let mut linter = Linter::new(dialect, settings);
    for (id, lint) in [("0001", false), ("0002", true)] {
        let file = SqlFile {
            file: "up.sql".as_ref(),
            sql,
        };
        let found = linter.lint_revision(&RevisionInput {
            id,
            transactional: true,
            lint,
            up: Up::Sql(file),
            down: Some(file),
        });
        for f in found {
            assert!(
                f.line >= 1 && f.line <= lines,
                "finding line {} of {lines}",
                f.line
            );
        }
    }
}
