//! `migrations/lithify.toml`: read strictly (errors with file and line),
//! never a skipped entry, in no checksum, and its `[session]` SQL embedded
//! in the generated module for the dialects the build embeds.

mod common;

use std::process::Command;

use common::{two_revisions, Fixture};
use lithify_build::Dialect;

const SESSION: &str = "# Settings of the whole directory.\n\
                       [session]\n\
                       mysql = \"SET FOREIGN_KEY_CHECKS = 0\"\n\
                       postgres = \"SET lock_timeout = '5s'\"\n";

#[test]
fn session_sql_is_read_and_changes_no_checksum() {
    let f = Fixture::new();
    two_revisions(&f);
    let before = f.builder().compile().expect("compiles");
    f.file("lithify.toml", "[session]\nmysql = \"SET FOREIGN_KEY_CHECKS = 0\"\npostgres = \"SET lock_timeout = '5s'\"\n");
    let after = f.builder().compile().expect("compiles with lithify.toml");
    assert_eq!(
        after.config.session.for_dialect(Dialect::Mysql),
        Some("SET FOREIGN_KEY_CHECKS = 0")
    );
    assert_eq!(
        after.config.session.for_dialect(Dialect::Postgres),
        Some("SET lock_timeout = '5s'")
    );
    assert_eq!(after.config.session.for_dialect(Dialect::Sqlite), None);
    // Not a revision, not a skipped entry, in no checksum.
    assert_eq!(
        after.diagnostics, before.diagnostics,
        "only the drafts' warnings"
    );
    assert_eq!(after.chain_hash, before.chain_hash);
    let sums = |c: &lithify_build::CompiledChain| {
        c.revisions.iter().map(|r| r.checksum).collect::<Vec<_>>()
    };
    assert_eq!(sums(&after), sums(&before));
    lithify_build::seal_new(&f.dir).expect("seal");
    f.file("lithify.toml", "[session]\nmysql = \"SET sql_mode = ''\"\n");
    f.builder()
        .require_seals(true)
        .compile()
        .expect("changing lithify.toml breaks no seal");
}

#[test]
fn the_module_embeds_the_session_of_embedded_dialects_only() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file("lithify.toml", SESSION);
    let builder = f.builder().dialects([Dialect::Sqlite, Dialect::Mysql]);
    let chain = builder.compile().expect("compiles");
    let module = builder.generate(&chain).module;
    assert!(
        module.contains(
            "    session: ::lithify::Sql {\n        sqlite: None,\n        postgres: None,\n        mysql: Some(\"SET FOREIGN_KEY_CHECKS = 0\"),\n    },\n"
        ),
        "{module}"
    );
    rustfmt_clean(&module);
}

#[test]
fn unknown_tables_and_keys_and_wrong_types_are_errors_with_lines() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "lithify.toml",
        "[session]\nmysql = \"SET FOREIGN_KEY_CHECKS = 0\"\nsqlite3 = \"PRAGMA x\"\npostgres = 5\n\n[sesion]\nx = 1\n",
    );
    snap!("config_errors", f.errors(f.builder()));
    f.file("lithify.toml", "session = \"SET x\"\n");
    let out = f.errors(f.builder());
    assert!(
        out.contains("`session` in lithify.toml must be a table"),
        "{out}"
    );
}

#[test]
fn malformed_toml_is_a_clear_error() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "lithify.toml",
        "[session]\nmysql = \"SET FOREIGN_KEY_CHECKS = 0\n",
    );
    snap!("config_malformed", f.errors(f.builder()));
}

/// `[lint]`: a setting of the wrong type, a rule id with a typo (and the
/// nearest one), a level that is none, each at its line; a `start_after`
/// naming no revision, at its line, once the chain is known.
#[test]
fn lint_settings_are_checked_with_lines() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "lithify.toml",
        "[lint]\npostgres_version = \"12\"\nban-drop-colum = \"deny\"\nban-drop-table = \"error\"\ndialects = [\"oracle\"]\ncheck_down = 1\n",
    );
    snap!("lint_config_errors", f.errors(f.builder()));
    f.file("lithify.toml", "[lint]\nstart_after = \"create_jobs\"\n");
    snap!("lint_start_after_unknown", f.errors(f.builder()));
}

#[test]
fn lint_settings_are_read() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "lithify.toml",
        "[lint]\npostgres_version = 10\nstart_after = \"2024_01_01_000000\"\ncheck_down = true\ndialects = [\"postgres\"]\nban-drop-column = \"deny\"\n",
    );
    let chain = f.builder().compile().expect("compiles");
    let lint = &chain.config.lint;
    assert_eq!(lint.settings.postgres_version, 10);
    assert!(lint.settings.check_down);
    assert_eq!(lint.dialects, Some(vec![Dialect::Postgres]));
    assert_eq!(
        lint.settings
            .level(lithify_schema::lint::Rule::BanDropColumn),
        lithify_schema::lint::Level::Deny
    );
    assert_eq!(lint.start_after, Some(("2024_01_01_000000".to_owned(), 3)));
}

#[test]
fn errors_in_lithify_toml_and_the_revisions_come_together() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file("lithify.toml", "[lints]\n");
    f.file(
        "2024-01-02-000000_create_jobs/metadata.toml",
        "transactionl = true\n",
    );
    let out = f.errors(f.builder());
    assert!(
        out.contains("unknown table `lints` in lithify.toml")
            && out.contains("unknown key `transactionl` in metadata.toml"),
        "{out}"
    );
}

fn rustfmt_clean(code: &str) {
    let Ok(mut child) = Command::new("rustfmt")
        .args(["--check", "--edition", "2021"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("rustfmt not found; skipping the formatting check");
        return;
    };
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(code.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("rustfmt");
    assert!(
        out.status.success(),
        "not rustfmt-clean:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
