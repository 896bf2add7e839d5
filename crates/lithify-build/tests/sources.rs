//! Reading real-world diesel directories: ordering, formats, skipped entries,
//! line endings.

mod common;

use common::{two_revisions, Fixture};
use lithify_build::{Dialect, Severity};

#[test]
fn crlf_and_bom_give_the_same_checksum_and_sql() {
    let lf = Fixture::new();
    let crlf = Fixture::new();
    let name = "2024-01-01-000000_create_companies";
    lf.rev(
        name,
        "CREATE TABLE companies (\n    id INTEGER PRIMARY KEY\n);\n",
        "DROP TABLE companies;\n",
    );
    lf.file(
        &format!("{name}/metadata.toml"),
        "message = \"companies\"\n",
    );
    crlf.rev(
        name,
        "\u{feff}CREATE TABLE companies (\r\n    id INTEGER PRIMARY KEY\r\n);\r\n",
        "DROP TABLE companies;\r\n",
    );
    crlf.file(
        &format!("{name}/metadata.toml"),
        "\u{feff}message = \"companies\"\r\n",
    );
    let a = lf.builder().compile().expect("lf");
    let b = crlf.builder().compile().expect("crlf");
    assert_eq!(a.revisions[0].checksum, b.revisions[0].checksum);
    assert_eq!(a.revisions[0].up, b.revisions[0].up);
    assert_eq!(a.revisions[0].down, b.revisions[0].down);
    assert_eq!(a.revisions[0].message, "companies");
    assert_eq!(a.chain_hash, b.chain_hash);
}

#[test]
fn every_file_counts_in_the_checksum() {
    let f = Fixture::new();
    two_revisions(&f);
    let before = f.builder().compile().expect("compiles").revisions[0].checksum;
    f.file(
        "2024-01-01-000000_create_companies/up.mysql.sql",
        "CREATE TABLE companies (id BIGINT);\n",
    );
    let after = f.builder().compile().expect("compiles").revisions[0].checksum;
    assert_ne!(before, after);
}

/// Documentation is skipped without a word; anything that could be a
/// misplaced migration is reported once.
#[test]
fn skipped_entries_are_reported_once_each() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file("README.md", "# migrations\n");
    f.file("schema_dump.sql", "CREATE TABLE x (id INT);\n");
    f.file(".keep", "");
    f.file("notes/todo.txt", "later\n");
    f.file("2024-01-01-000000_create_companies/README", "why\n");
    f.file("CHANGES.txt", "1.0: jobs\n");
    f.file(
        "2024-01-01-000000_create_companies/notes.sql",
        "-- scratch\n",
    );
    f.file(
        "2024-01-01-000000_create_companies/up.postgresql.sql",
        "SELECT 1;\n",
    );
    let chain = f.builder().compile().expect("skips do not fail the build");
    let skipped = lithify_build::Diagnostics(
        chain
            .diagnostics
            .0
            .iter()
            .filter(|d| d.message.starts_with("skipped"))
            .cloned()
            .collect(),
    );
    let shown = f.render(&skipped);
    assert!(
        !shown.contains("README") && !shown.contains("CHANGES.txt"),
        "{shown}"
    );
    assert_eq!(skipped.0.len(), 5, "{skipped}");
    // The misspelt dialect is a warning: it would otherwise fall back silently.
    assert!(skipped.0.iter().any(|d| d.severity == Severity::Warning));
    snap!("skipped_entries", f.render(&skipped));
}

#[test]
fn diesel_order_with_mixed_version_formats() {
    let f = Fixture::new();
    f.rev(
        "00000000000000_diesel_initial_setup",
        "CREATE OR REPLACE FUNCTION diesel_manage_updated_at() RETURNS void AS $$ SELECT 1 $$ LANGUAGE sql;\n",
        "DROP FUNCTION IF EXISTS diesel_manage_updated_at();\n",
    );
    f.rev(
        "2023-12-31-235959_create users",
        "CREATE TABLE users (id INT);\n",
        "",
    );
    f.rev(
        "20240101000000_create_posts",
        "CREATE TABLE posts (id INT);\n",
        "-- irreversible\n",
    );
    f.rev(
        "2024-01-01-000001_add_index",
        "CREATE INDEX p ON posts (id);\n",
        "DROP INDEX p;\n",
    );
    f.rev(
        "2024-02-01-000000_add_tags",
        "CREATE TABLE tags (id INT);\n",
        "DROP TABLE tags;\n",
    );
    f.file(
        "2024-02-01-000000_add_tags/metadata.toml",
        "run_in_transaction = false\n",
    );
    let chain = f
        .builder()
        .compile()
        .expect("a diesel directory compiles unchanged");
    let order: Vec<(&str, &[String])> = chain
        .revisions
        .iter()
        .map(|r| (r.id.as_str(), r.parents.as_slice()))
        .collect();
    assert_eq!(
        order,
        [
            ("00000000000000", &[][..]),
            ("20231231235959", &["00000000000000".to_owned()][..]),
            ("20240101000000", &["20231231235959".to_owned()][..]),
            ("20240101000001", &["20240101000000".to_owned()][..]),
            ("20240201000000", &["20240101000001".to_owned()][..]),
        ]
    );
    assert_eq!(chain.revisions[1].message, "create users");
    assert_eq!(
        chain.revisions[1]
            .down
            .as_ref()
            .and_then(|d| d.shared.as_deref()),
        Some("")
    );
    assert!(!chain.revisions[4].transactional);
    assert!(chain.revisions[0].transactional);
    assert_eq!(chain.heads, ["20240201000000"]);
}

#[test]
fn explicit_empty_parents_make_a_base_and_dialect_files_override() {
    let f = Fixture::new();
    f.rev_meta(
        "2024-01-01-000000_first",
        "SELECT 1;\n",
        "parents = []\nmessage = \"first\"\n",
    );
    f.file("2024-01-01-000000_first/up.postgres.sql", "SELECT 2;\n");
    let chain = f.builder().compile().expect("compiles");
    let rev = &chain.revisions[0];
    assert!(rev.parents.is_empty());
    assert_eq!(rev.up.for_dialect(Dialect::Sqlite), Some("SELECT 1;\n"));
    assert_eq!(rev.up.for_dialect(Dialect::Postgres), Some("SELECT 2;\n"));
    assert_eq!(rev.message, "first");
}

#[test]
fn missing_down_sql_means_irreversible() {
    let f = Fixture::new();
    f.file("2024-01-01-000000_first/up.sql", "SELECT 1;\n");
    let chain = f.builder().compile().expect("compiles");
    assert_eq!(chain.revisions[0].down, None);
}

#[test]
fn missing_directory_is_an_error() {
    let f = Fixture::new();
    let err = lithify_build::Builder::new(f.dir.join("nope"))
        .compile()
        .expect_err("no dir");
    assert!(f
        .render(&err)
        .contains("cannot read the migrations directory"));
}

#[test]
fn empty_directory_compiles_to_an_empty_chain() {
    let f = Fixture::new();
    let chain = f.builder().compile().expect("empty is valid");
    assert!(chain.revisions.is_empty() && chain.heads.is_empty());
    let generated = f.builder().generate(&chain);
    let code = &generated.module;
    assert!(!code.contains("pub const HEAD:"));
    assert!(code.contains("pub const HEADS: &[&str] = &[];"));
    assert!(code.contains("        len: 0,\n"));
    assert!(code.contains("pub mod revisions {}\n"));
    assert_eq!(generated.packed, "lithify-chain 2\ncount 0\n");
}

/// Entries are typed from the directory listing; symlinks are still followed
/// (a linked revision directory is a revision, a linked file is a file).
#[cfg(unix)]
#[test]
fn symlinked_revision_directories_and_files_are_followed() {
    let plain = Fixture::new();
    plain.rev(
        "2024-01-01-000000_a",
        "CREATE TABLE a (x INT);\n",
        "DROP TABLE a;\n",
    );
    let linked = Fixture::new();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let target = elsewhere.path().join("a");
    std::fs::create_dir_all(&target).expect("mkdir");
    std::fs::write(target.join("up.sql"), "CREATE TABLE a (x INT);\n").expect("up");
    std::fs::write(elsewhere.path().join("down.sql"), "DROP TABLE a;\n").expect("down");
    std::os::unix::fs::symlink(elsewhere.path().join("down.sql"), target.join("down.sql"))
        .expect("link file");
    std::os::unix::fs::symlink(&target, linked.dir.join("2024-01-01-000000_a")).expect("link dir");
    let a = plain.builder().compile().expect("plain");
    let b = linked.builder().compile().expect("linked");
    assert_eq!(b.revisions.len(), 1);
    assert_eq!(a.revisions[0].checksum, b.revisions[0].checksum);
}
