//! Mixed chains (`synth::typed`, the benchmark chain with every other
//! revision written as `revision.toml`): they compile with lithify_build for
//! SQLite (the typed revisions into SQL, the fold with no note), apply up,
//! down to base and up again on a SQLite file with lithify's migrator
//! (derived downgrades included), and the model equals SQLite's catalog
//! after every revision (`lithify::verify`). Sizes stay small: the whole
//! file runs in seconds.

use std::fs;
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use lithify::verify::verify;
use lithify_bench::synth::typed::{self, MixedRevision};
use lithify_build::{Builder, CompiledChain, Dialect, Severity};

fn compile_sqlite(dir: &Path) -> CompiledChain {
    // The generated chain drops columns and tables: the lint would say so
    // (tests/lint.rs tests it); here only the schema model is in question.
    let chain = Builder::new(dir)
        .dialects([Dialect::Sqlite])
        .schema_dialect(Dialect::Sqlite)
        .crate_root(dir)
        .lint(false)
        .compile()
        .unwrap_or_else(|d| panic!("the mixed chain does not compile:\n{d}"));
    // Unsealed drafts are a warning; nothing else may be said about it.
    let other: Vec<String> = chain
        .diagnostics
        .0
        .iter()
        .filter(|d| !d.message.contains("not sealed"))
        .map(ToString::to_string)
        .collect();
    assert!(
        other.is_empty(),
        "unexpected diagnostics:\n{}",
        other.join("\n")
    );
    assert!(chain.schema.is_some(), "a schema module for SQLite");
    chain
}

#[derive(QueryableByName, Debug, PartialEq)]
struct SchemaRow {
    #[diesel(sql_type = Text)]
    sql: String,
}

/// The application's schema (lithify's bookkeeping left out).
fn schema(conn: &mut SqliteConnection) -> Vec<String> {
    diesel::sql_query(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE 'lithify_%' ORDER BY type, name",
    )
    .load::<SchemaRow>(conn)
    .expect("read schema")
    .into_iter()
    .map(|r| r.sql)
    .collect()
}

#[test]
fn a_half_typed_chain_compiles_and_applies_up_down_up_on_sqlite() {
    let n = 160;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("migrations");
    let revisions = typed::generate_into(n, 1, 2, &dir).expect("write chain");
    let toml_files = fs::read_dir(&dir)
        .expect("read chain")
        .filter(|e| {
            e.as_ref()
                .expect("entry")
                .path()
                .join("revision.toml")
                .is_file()
        })
        .count();
    assert_eq!(toml_files, n / 2, "every other revision is revision.toml");
    // Long enough for every kind of change to be typed at least once.
    let typed_ops: std::collections::BTreeSet<&str> = revisions
        .iter()
        .filter_map(|r| match r {
            MixedRevision::Typed { toml, .. } => toml
                .lines()
                .find(|l| l.starts_with("op = "))
                .map(|l| l.trim_start_matches("op = ").trim_matches('"')),
            MixedRevision::Sql(_) => None,
        })
        .collect();
    for op in [
        "create_table",
        "add_column",
        "create_index",
        "execute",
        "drop_column",
        "drop_table",
    ] {
        assert!(typed_ops.contains(op), "no typed {op} in {typed_ops:?}");
    }

    let chain = compile_sqlite(&dir);
    assert_eq!(chain.revisions.len(), n);
    let migrator = lithify::Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true);

    let db = tmp.path().join("test.sqlite3");
    let mut conn = SqliteConnection::establish(&db.to_string_lossy()).expect("open SQLite file");
    // Correctness only: durability is the benchmarks' business. Foreign
    // keys on, as an application's connection usually has them.
    conn.batch_execute("PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON")
        .expect("pragmas");
    migrator.upgrade_to_head(&mut conn).expect("first up");
    let after_first_up = schema(&mut conn);
    assert!(!after_first_up.is_empty());
    migrator.downgrade(&mut conn, "base").expect("down to base");
    assert_eq!(
        schema(&mut conn),
        Vec::<String>::new(),
        "down removes everything"
    );
    migrator.upgrade_to_head(&mut conn).expect("second up");
    assert_eq!(
        schema(&mut conn),
        after_first_up,
        "second up gives the same schema"
    );
}

#[test]
fn the_model_of_a_half_typed_chain_matches_sqlite_after_every_revision() {
    let n = 120;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("migrations");
    typed::generate_into(n, 3, 2, &dir).expect("write chain");
    let chain = compile_sqlite(&dir);
    let migrator = lithify::Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true);
    let db = tmp.path().join("verify.sqlite3");
    let mut conn = SqliteConnection::establish(&db.to_string_lossy()).expect("open SQLite file");
    conn.batch_execute("PRAGMA synchronous = OFF")
        .expect("pragma");
    let report = verify(&migrator, &chain, &mut conn).expect("apply the chain");
    if let Some(d) = report.disagreement {
        panic!(
            "after {} ({}) the model and SQLite disagree (- model, + engine):\n  {}",
            d.revision,
            d.file.display(),
            d.differences.join("\n  ")
        );
    }
    assert_eq!(report.revisions, n);
    assert!(report.unchecked.is_empty());
}

#[test]
fn a_fully_typed_chain_compiles_for_sqlite_and_postgres() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("migrations");
    typed::generate_into(100, 2, 1, &dir).expect("write chain");
    let chain = Builder::new(&dir)
        .dialects([Dialect::Sqlite, Dialect::Postgres])
        .crate_root(&dir)
        .compile()
        .unwrap_or_else(|d| panic!("the typed chain does not compile:\n{d}"));
    assert!(chain
        .diagnostics
        .0
        .iter()
        .all(|d| d.severity != Severity::Error));
    for rev in &chain.revisions {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            assert!(
                rev.up.for_dialect(dialect).is_some(),
                "{} has no {dialect:?} SQL",
                rev.id
            );
        }
    }
}
