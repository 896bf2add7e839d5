//! The schema half of the build, as a build reports it: notes for what the
//! model does not follow, errors with `require_schema`, tables left out, the
//! warning when the embedded dialects' schemas differ, and the schema module
//! at a target.

mod common;

use common::Fixture;
use lithify_build::{Builder, Dialect};

fn with_root(f: &Fixture, builder: Builder) -> Builder {
    // No diesel.toml in the temporary crate: diesel's defaults.
    builder.crate_root(f.tmp.path())
}

fn notes(f: &Fixture, builder: Builder) -> String {
    let chain = with_root(f, builder)
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    f.render(
        &chain
            .diagnostics
            .summarised("LITHIFY_VERBOSE=1 lists each one"),
    )
}

#[test]
fn unknown_tables_are_notes_and_with_require_schema_errors() {
    let f = Fixture::new();
    f.rev(
        "0001_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY NOT NULL, title TEXT NOT NULL);\n\
         CREATE TABLE logs (line TEXT);\n",
        "-- x\n",
    );
    f.rev(
        "0002_copy",
        "CREATE TABLE archive AS SELECT * FROM jobs;\nALTER TABLE jobs ADD COLUMN x INT;\n",
        "-- x\n",
    );
    let builder = f.builder().dialects([Dialect::Sqlite]).require_seals(false);
    let shown = notes(&f, builder.clone());
    snap!("schema_notes", shown);
    let errors = f.errors(with_root(&f, builder.require_schema(true)));
    snap!("schema_required", errors);
}

#[test]
fn differing_dialects_are_one_warning() {
    let f = Fixture::new();
    f.rev(
        "0001_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY NOT NULL, title TEXT NOT NULL);\n",
        "-- x\n",
    );
    f.file(
        "0001_jobs/up.postgres.sql",
        "CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT NOT NULL, tags TEXT[]);\nCREATE TABLE audit (id SERIAL PRIMARY KEY);\n",
    );
    let builder = f
        .builder()
        .dialects([Dialect::Sqlite, Dialect::Postgres])
        .schema_dialect(Dialect::Sqlite);
    snap!("schema_dialects_differ", notes(&f, builder));
}

#[test]
fn the_schema_at_a_target_is_what_a_database_there_has() {
    let f = Fixture::new();
    f.rev(
        "0001_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY NOT NULL);\n",
        "-- x\n",
    );
    f.rev(
        "0002_title",
        "ALTER TABLE jobs ADD COLUMN title TEXT;\n",
        "-- x\n",
    );
    let chain = with_root(&f, f.builder().dialects([Dialect::Sqlite]))
        .compile()
        .expect("compiles");
    let at = |target: Option<&str>| {
        lithify_build::schema::generate(&chain, f.tmp.path(), Dialect::Sqlite, target)
            .expect("generates")
            .remove(0)
            .text
    };
    assert!(at(None).contains("title -> Nullable<Text>,"));
    let first = at(Some("0001"));
    assert!(
        first.contains("jobs (id)") && !first.contains("title"),
        "{first}"
    );
    assert_eq!(
        at(Some("base")).trim(),
        "// @generated automatically by Diesel CLI."
    );
    // The module's schema is the one at head.
    let head = at(None);
    assert_eq!(chain.schema.as_ref().expect("a schema").text, head);
}

#[test]
fn a_bad_diesel_toml_is_an_error_at_its_line() {
    let f = Fixture::new();
    f.rev(
        "0001_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY NOT NULL);\n",
        "-- x\n",
    );
    std::fs::write(
        f.tmp.path().join("diesel.toml"),
        "[print_schema]\nfile = \"src/schema.rs\"\nwith_doc = true\n",
    )
    .expect("write");
    snap!(
        "schema_bad_diesel_toml",
        f.errors(with_root(&f, f.builder().dialects([Dialect::Sqlite])))
    );
}
