//! Typed revisions (`revision.toml`) at build time: the SQL every operation
//! compiles to on each dialect, locked by snapshots (the chain in
//! `tests/fixtures/typed` uses every operation; `tests/typed_ops.rs` runs it
//! on the engines), and the build errors a user meets, rendered as `cargo
//! build` shows them.

mod common;

use std::fmt::Write as _;

use common::Fixture;
use lithify_build::{seal_new, Builder, CompiledChain, Dialect};

/// The fixture chain, relative to this crate (so no absolute path reaches a
/// snapshot).
const TYPED: &str = "../../tests/fixtures/typed";

fn compile_for(dialect: Dialect) -> CompiledChain {
    Builder::new(TYPED)
        .dialects([dialect])
        .compile()
        .unwrap_or_else(|d| panic!("the typed fixture does not compile for {dialect}:\n{d}"))
}

/// Every revision's upgrade and downgrade on `dialect`, as `lithify sql`
/// would run them.
fn listing(chain: &CompiledChain, dialect: Dialect) -> String {
    let mut out = String::new();
    for r in &chain.revisions {
        let down = r.down.as_ref().and_then(|d| d.for_dialect(dialect));
        let _ = write!(
            out,
            "==== {} {} (transactional: {})\n-- upgrade\n{}-- downgrade\n{}\n",
            r.id,
            r.message,
            r.transactional,
            r.up.for_dialect(dialect).unwrap_or("(none)\n"),
            down.unwrap_or("(none)\n"),
        );
    }
    out
}

#[test]
fn every_operation_compiles_on_sqlite() {
    let chain = compile_for(Dialect::Sqlite);
    // The rebuilds run with foreign keys off: they are marked, and only they.
    let marked: Vec<(&str, bool, bool)> = chain
        .revisions
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.foreign_keys_off.up,
                r.foreign_keys_off.down,
            )
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("20240201000000", false, false),
            ("20240202000000", true, true),
            ("20240203000000", true, true),
            ("20240204000000", true, true),
            ("20240205000000", true, true),
            ("20240206000000", false, true),
            ("20240207000000", false, false),
            ("20240208000000", false, false),
            ("20240209000000", false, false),
        ]
    );
    snap!("typed_sql_sqlite", listing(&chain, Dialect::Sqlite));
}

#[test]
fn every_operation_compiles_on_postgres() {
    let chain = compile_for(Dialect::Postgres);
    assert!(chain
        .revisions
        .iter()
        .all(|r| !r.foreign_keys_off.up && !r.foreign_keys_off.down));
    // CONCURRENTLY cannot run in a transaction: that revision runs without.
    let last = chain.revisions.last().expect("revisions");
    assert!(!last.transactional);
    snap!("typed_sql_postgres", listing(&chain, Dialect::Postgres));
}

#[test]
fn every_operation_compiles_on_mysql() {
    let chain = compile_for(Dialect::Mysql);
    snap!("typed_sql_mysql", listing(&chain, Dialect::Mysql));
}

#[test]
fn compiling_twice_gives_the_same_sql() {
    let (a, b) = (compile_for(Dialect::Sqlite), compile_for(Dialect::Sqlite));
    assert_eq!(listing(&a, Dialect::Sqlite), listing(&b, Dialect::Sqlite));
}

/// A base revision of plain SQL the typed ones change.
fn with_jobs(f: &Fixture) {
    f.rev(
        "2024-01-01-000000_create_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, salary INTEGER);\n",
        "DROP TABLE jobs;\n",
    );
}

fn typed(f: &Fixture, dir: &str, toml: &str) {
    f.file(&format!("{dir}/revision.toml"), toml);
}

#[test]
fn a_revision_toml_that_does_not_read() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_typos",
        "message = \"typos\"\n\
         \n\
         [[upgrade]]\n\
         op = \"add_colum\"\n\
         table = \"jobs\"\n\
         \n\
         [[upgrade]]\n\
         op = \"add_column\"\n\
         table = \"jobs\"\n\
         column = \"remote\"\n\
         type = \"boolean\"\n\
         nullabel = false\n\
         \n\
         [[upgrade]]\n\
         op = \"create_index\"\n\
         table = \"jobs\"\n\
         columns = \"title\"\n\
         \n\
         [[upgrade]]\n\
         op = \"add_column\"\n\
         table = \"jobs\"\n\
         column = \"pay\"\n\
         type = \"money\"\n",
    );
    snap!("typed_does_not_read", f.errors(f.builder()));
}

#[test]
fn revision_toml_beside_sql_files() {
    let f = Fixture::new();
    with_jobs(&f);
    f.file("2024-01-02-000000_both/up.sql", "SELECT 1;\n");
    typed(
        &f,
        "2024-01-02-000000_both",
        "[[upgrade]]\nop = \"drop_table\"\ntable = \"jobs\"\n",
    );
    snap!("typed_beside_sql", f.errors(f.builder()));
}

#[test]
fn operations_the_model_refuses() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_refused",
        "message = \"refused\"\n\
         \n\
         [[upgrade]]\n\
         op = \"drop_column\"\n\
         table = \"jobs\"\n\
         column = \"salry\"\n\
         \n\
         [[upgrade]]\n\
         op = \"add_column\"\n\
         table = \"job\"\n\
         column = \"remote\"\n\
         type = \"boolean\"\n\
         \n\
         [[upgrade]]\n\
         op = \"add_column\"\n\
         table = \"jobs\"\n\
         column = \"currency\"\n\
         type = \"varchar(3)\"\n\
         nullable = false\n",
    );
    snap!(
        "typed_refused",
        f.errors(f.builder().dialects([Dialect::Sqlite]))
    );
}

#[test]
fn a_downgrade_that_cannot_be_derived() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_data",
        "message = \"data\"\n\
         \n\
         [[upgrade]]\n\
         op = \"execute\"\n\
         sql = \"UPDATE jobs SET salary = 0 WHERE salary IS NULL\"\n\
         \n\
         [[upgrade]]\n\
         op = \"insert\"\n\
         table = \"jobs\"\n\
         rows = [{ title = \"no key\" }]\n",
    );
    snap!("typed_underivable_downgrade", f.errors(f.builder()));

    // Saying so is enough: the revision is irreversible on purpose.
    let toml = f.read("2024-01-02-000000_data/revision.toml");
    typed(
        &f,
        "2024-01-02-000000_data",
        &toml.replacen(
            "message = \"data\"\n",
            "message = \"data\"\nirreversible = true\n",
            1,
        ),
    );
    let chain = f.builder().compile().unwrap_or_else(|d| panic!("{d}"));
    assert!(chain.revisions[1].down.is_none());
}

#[test]
fn a_concurrent_index_shares_its_revision_with_nothing_else() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_mixed",
        "[[upgrade]]\n\
         op = \"create_index\"\n\
         table = \"jobs\"\n\
         columns = [\"title\"]\n\
         concurrently = true\n\
         \n\
         [[upgrade]]\n\
         op = \"add_column\"\n\
         table = \"jobs\"\n\
         column = \"remote\"\n\
         type = \"boolean\"\n",
    );
    snap!("typed_concurrently_mixed", f.errors(f.builder()));
}

#[test]
fn what_one_dialect_cannot_do_names_it() {
    let f = Fixture::new();
    typed(
        &f,
        "2024-01-01-000000_create",
        "[[upgrade]]\n\
         op = \"create_table\"\n\
         table = \"notes\"\n\
         columns = [\n\
         \x20   { name = \"id\", type = \"integer\", primary_key = true },\n\
         \x20   { name = \"body\", type = \"text\", unique = true },\n\
         \x20   { name = \"done\", type = \"boolean\" },\n\
         ]\n\
         \n\
         [[upgrade]]\n\
         op = \"create_index\"\n\
         table = \"notes\"\n\
         columns = [\"id\"]\n\
         where = \"done = FALSE\"\n",
    );
    snap!("typed_dialect_cannot", f.errors(f.builder()));
    // Without MySQL in the build, the same revision compiles.
    let chain = f
        .builder()
        .dialects([Dialect::Sqlite, Dialect::Postgres])
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(chain.revisions[0]
        .up
        .for_dialect(Dialect::Postgres)
        .is_some());
}

#[test]
fn a_table_the_model_does_not_know_is_not_rebuilt() {
    let f = Fixture::new();
    f.rev(
        "2024-01-01-000000_create_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT);\n\
         CREATE VIRTUAL TABLE jobs_search USING fts5(title);\n",
        "DROP TABLE jobs_search;\nDROP TABLE jobs;\n",
    );
    typed(
        &f,
        "2024-01-02-000000_alter",
        "[[upgrade]]\n\
         op = \"alter_column\"\n\
         table = \"jobs_search\"\n\
         column = \"title\"\n\
         nullable = false\n",
    );
    snap!(
        "typed_unknown_table",
        f.errors(f.builder().dialects([Dialect::Sqlite]))
    );
}

#[test]
fn the_naming_convention_comes_from_lithify_toml() {
    let f = Fixture::new();
    with_jobs(&f);
    f.file(
        "lithify.toml",
        "[naming]\nix = \"%(table_name)s_%(column_0_N_name)s_idx\"\n",
    );
    typed(
        &f,
        "2024-01-02-000000_index",
        "[[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"title\", \"salary\"]\n",
    );
    let chain = f.builder().compile().unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        chain.revisions[1].up.for_dialect(Dialect::Postgres),
        Some("CREATE INDEX jobs_title_salary_idx ON jobs (title, salary);\n")
    );
    assert_eq!(
        chain.revisions[1]
            .down
            .as_ref()
            .and_then(|d| d.for_dialect(Dialect::Mysql)),
        Some("DROP INDEX jobs_title_salary_idx ON jobs;\n")
    );

    f.file(
        "lithify.toml",
        "[naming]\nix = \"%(column_name)s_idx\"\nidx = \"x\"\n",
    );
    snap!("typed_bad_naming", f.errors(f.builder()));
}

#[test]
fn a_sealed_typed_revision_cannot_change() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_index",
        "[[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"title\"]\n",
    );
    seal_new(&f.dir).unwrap_or_else(|d| panic!("{d}"));
    f.builder()
        .require_seals(true)
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    // The seal covers revision.toml, like any revision's files.
    typed(
        &f,
        "2024-01-02-000000_index",
        "[[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"salary\"]\n",
    );
    let out = f.errors(f.builder());
    assert!(out.contains("2024-01-02-000000_index"), "{out}");
    assert!(out.contains("sealed"), "{out}");
}

#[test]
fn a_sealed_typed_revision_must_keep_compiling_to_what_it_was_sealed_with() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_index",
        "[[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"title\"]\n",
    );
    seal_new(&f.dir).unwrap_or_else(|d| panic!("{d}"));
    let lock = f.read("lithify.lock");
    assert!(
        lock.contains("[revision.compiled]\nsqlite = \"sha256:"),
        "{lock}"
    );
    assert!(lock.contains("\npostgres = \"sha256:") && lock.contains("\nmysql = \"sha256:"));

    // The index's name comes from [naming]: changing it changes what the
    // sealed revision runs, though its file is the same.
    f.file(
        "lithify.toml",
        "[naming]\nix = \"%(table_name)s_%(column_0_name)s_idx\"\n",
    );
    snap!("typed_sealed_compiles_differently", f.errors(f.builder()));

    // Deliberate: the amendment records the new SQL (the file's checksum
    // does not move), and the build passes.
    lithify_build::seal::amend(&f.dir, "20240102000000", "index names from our convention")
        .unwrap_or_else(|d| panic!("{d}"));
    let chain = f
        .builder()
        .require_seals(true)
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        chain.revisions[1].up.for_dialect(Dialect::Sqlite),
        Some("CREATE INDEX jobs_title_idx ON jobs (title);\n")
    );
    let lock = f.read("lithify.lock");
    assert!(
        lock.contains("reason = \"index names from our convention\""),
        "{lock}"
    );
}

#[test]
fn a_sqlite_rebuild_outside_a_transaction_is_refused() {
    let f = Fixture::new();
    with_jobs(&f);
    typed(
        &f,
        "2024-01-02-000000_retype",
        "transactional = false\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"jobs\"\ncolumn = \"salary\"\ntype = \"bigint\"\n",
    );
    let out = f.errors(f.builder());
    assert!(
        out.contains("rebuilds a table, which must run in a transaction"),
        "{out}"
    );
    assert!(out.contains("when compiling for sqlite"), "{out}");
    // PostgreSQL and MySQL alter in place: there it may run without one.
    f.builder()
        .dialects([Dialect::Postgres, Dialect::Mysql])
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
}
