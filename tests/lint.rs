//! Lint as a user meets it: `lithify lint`'s formats and exit codes, and
//! the hazards it reports, shown on the real engines where they can be
//! seen: SQLite refusing `ADD COLUMN ... UNIQUE`, PostgreSQL refusing
//! `CREATE INDEX CONCURRENTLY` in a transaction, a plain `CREATE INDEX`
//! holding a lock that blocks writes (seen from a second connection in
//! `pg_locks`), and MariaDB leaving a revision that mixes DDL and data half
//! applied.
#![cfg(feature = "cli")]

mod server_support;

use std::path::Path;
use std::process::Output;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use lithify::Migrator;
use lithify_build::lint::{lint_chain, LintReport};
use lithify_build::{Builder, Dialect};
use server_support::*;

const JOBS: &str = "CREATE TABLE jobs (id BIGINT PRIMARY KEY, title TEXT, salary INTEGER);\n";

/// `dir` compiled without the build's lint, and linted for `dialect`.
fn lint(dir: &Path, dialect: Dialect) -> LintReport {
    let chain = Builder::new(dir)
        .lint(false)
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    lint_chain(&chain, &[dialect], false).unwrap_or_else(|d| panic!("{d}"))
}

/// The rule ids `report` found.
fn rules(report: &LintReport) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.rule.id()).collect()
}

/// A migrator of `dir` that runs what the lint would stop at build time.
fn unlinted_migrator(dir: &Path) -> Migrator {
    let chain = Builder::new(dir)
        .lint(false)
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true)
}

fn lithify_lint(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lithify"))
        .arg("--dir")
        .arg(dir)
        .arg("lint")
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("lithify runs")
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// A sealed base and a draft with a finding of each level.
fn risky_chain() -> Fixture {
    let base = Fixture::new().revision(
        "2024-01-01-000000_create_jobs",
        &[
            (
                "up.sql",
                "CREATE TABLE jobs (id BIGINT PRIMARY KEY, title TEXT, salary INTEGER, posted_at TIMESTAMP);\n",
            ),
            ("down.sql", "DROP TABLE jobs;\n"),
        ],
    );
    lithify_build::seal_new(base.path()).expect("seal");
    base.revision(
        "2024-01-02-000000_slug",
        &[
            (
                "up.sql",
                "-- a slug per job\nALTER TABLE jobs ADD COLUMN slug TEXT UNIQUE;\nALTER TABLE jobs DROP COLUMN salary;\n",
            ),
            (
                "down.sql",
                "ALTER TABLE jobs DROP COLUMN slug;\nALTER TABLE jobs ADD COLUMN salary INTEGER;\n",
            ),
        ],
    )
}

#[test]
fn gcc_and_json_output_and_the_exit_code() {
    let fx = risky_chain();
    let dir = fx.path().display().to_string();
    let redact = |o: &Output| String::from_utf8_lossy(&o.stdout).replace(&dir, "migrations");

    let all_three = [
        "--format",
        "gcc",
        "--dialect",
        "sqlite",
        "--dialect",
        "postgres",
        "--dialect",
        "mysql",
    ];
    let gcc = lithify_lint(fx.path(), &all_three);
    assert_eq!(gcc.status.code(), Some(1), "an error-level finding");
    snapshot("lint_gcc", &redact(&gcc));
    // Not told which dialects the application runs on, what only SQLite
    // refuses is a warning, and the exit code says no error.
    let unnamed = lithify_lint(fx.path(), &["--format", "gcc"]);
    assert_eq!(unnamed.status.code(), Some(0), "{}", redact(&unnamed));
    assert!(
        redact(&unnamed).contains("warning: sqlite-add-column-with-key"),
        "{}",
        redact(&unnamed)
    );

    let json = lithify_lint(fx.path(), &["--format", "json", "--dialect", "sqlite"]);
    assert_eq!(json.status.code(), Some(1));
    snapshot("lint_json", &redact(&json));

    // Without the error-level finding, warnings alone exit 0.
    let pg = lithify_lint(fx.path(), &["--dialect", "postgres"]);
    assert_eq!(pg.status.code(), Some(0));
    assert!(
        redact(&pg)
            .ends_with("lint: 2 finding(s), 0 error(s), in 1 revision(s) linted for postgres\n"),
        "{}",
        redact(&pg)
    );
    // The sealed base is linted with --all only.
    let sealed = "2024-01-01-000000_create_jobs/up.sql:1:1: warning: prefer-timestamptz";
    let drafts = lithify_lint(fx.path(), &["--format", "gcc", "--dialect", "postgres"]);
    assert!(!redact(&drafts).contains(sealed), "{}", redact(&drafts));
    let all = lithify_lint(
        fx.path(),
        &["--all", "--format", "gcc", "--dialect", "postgres"],
    );
    assert!(redact(&all).contains(sealed), "{}", redact(&all));
    assert_eq!(all.status.code(), Some(0));
}

/// SQLite refuses `ADD COLUMN ... UNIQUE`: the lint says so before it runs,
/// and the column plus a unique index is quiet and runs.
#[cfg(feature = "sqlite")]
#[test]
fn sqlite_refuses_what_sqlite_add_column_with_key_reports() {
    let risky = risky_chain();
    assert_eq!(
        rules(&lint(risky.path(), Dialect::Sqlite)),
        // The down cannot drop a UNIQUE column either.
        [
            "sqlite-add-column-with-key",
            "ban-drop-column",
            "sqlite-drop-column-in-use"
        ]
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("app.db");
    let url = db.to_string_lossy().into_owned();
    let mut conn = diesel::SqliteConnection::establish(&url).expect("sqlite");
    let err = unlinted_migrator(risky.path())
        .upgrade_to_head(&mut conn)
        .expect_err("SQLite refuses it");
    assert!(
        err.to_string().contains("Cannot add a UNIQUE column"),
        "{err}"
    );

    let safe = Fixture::new()
        .revision("2024-01-01-000000_create_jobs", &[("up.sql", JOBS)])
        .revision(
            "2024-01-02-000000_slug",
            &[(
                "up.sql",
                "ALTER TABLE jobs ADD COLUMN slug TEXT;\nCREATE UNIQUE INDEX jobs_slug_key ON jobs (slug);\n",
            )],
        );
    assert!(lint(safe.path(), Dialect::Sqlite).findings.is_empty());
    let mut fresh =
        diesel::SqliteConnection::establish(&tmp.path().join("safe.db").to_string_lossy())
            .expect("sqlite");
    unlinted_migrator(safe.path())
        .upgrade_to_head(&mut fresh)
        .expect("the safe variant runs");
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::pg::PgConnection;

    /// A transactional revision with `CREATE INDEX CONCURRENTLY` fails on
    /// PostgreSQL, as the lint says; marked `run_in_transaction = false` it
    /// runs, and the lint is quiet.
    #[test]
    fn concurrently_in_a_transaction_fails_as_reported() {
        let index = "CREATE INDEX CONCURRENTLY jobs_title_idx ON jobs (title);\n";
        let base = || Fixture::new().revision("2024-01-01-000000_create_jobs", &[("up.sql", JOBS)]);
        let risky = base().revision("2024-01-02-000000_index", &[("up.sql", index)]);
        assert_eq!(
            rules(&lint(risky.path(), Dialect::Postgres)),
            ["ban-concurrent-index-creation-in-transaction"]
        );
        let db = ServerDb::<Postgres>::new("lint_concurrently");
        let err = unlinted_migrator(risky.path())
            .upgrade_to_head(&mut db.conn())
            .expect_err("PostgreSQL refuses it");
        assert!(
            err.to_string()
                .contains("cannot run inside a transaction block"),
            "{err}"
        );

        let safe = base().revision(
            "2024-01-02-000000_index",
            &[
                ("up.sql", index),
                ("metadata.toml", "run_in_transaction = false\n"),
            ],
        );
        assert!(lint(safe.path(), Dialect::Postgres).findings.is_empty());
        let db = ServerDb::<Postgres>::new("lint_concurrently_safe");
        unlinted_migrator(safe.path())
            .upgrade_to_head(&mut db.conn())
            .expect("outside a transaction it runs");
    }

    /// While a plain `CREATE INDEX` runs (here: while its transaction is
    /// open), the table is held in SHARE mode, which blocks every write; a
    /// second connection sees the lock in `pg_locks`.
    #[test]
    fn a_plain_create_index_holds_a_lock_that_blocks_writes() {
        let index = "CREATE INDEX jobs_title_idx ON jobs (title)";
        let fx = Fixture::new()
            .revision("2024-01-01-000000_create_jobs", &[("up.sql", JOBS)])
            .revision(
                "2024-01-02-000000_index",
                &[("up.sql", format!("{index};\n").as_str())],
            );
        assert_eq!(
            rules(&lint(fx.path(), Dialect::Postgres)),
            ["require-concurrent-index-creation"]
        );
        let db = ServerDb::<Postgres>::new("lint_index_lock");
        let mut writer: PgConnection = db.conn();
        writer.batch_execute(JOBS).expect("table");
        writer
            .batch_execute(&format!("BEGIN; {index};"))
            .expect("index in an open transaction");
        let mut observer: PgConnection = db.conn();
        let held = lines(
            &mut observer,
            "SELECT l.mode AS line FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             WHERE c.relname = 'jobs' AND l.granted",
        );
        assert!(held.iter().any(|m| m == "ShareLock"), "{held:?}");
        writer.batch_execute("ROLLBACK").expect("rollback");
    }
}

/// MariaDB commits each DDL statement: a revision whose data change fails
/// after its DDL is left half applied, as `mixing-ddl-and-dml` warns.
#[cfg(feature = "mysql")]
#[test]
fn mariadb_leaves_a_mixed_revision_half_applied() {
    let fx = Fixture::new().revision(
        "2024-01-01-000000_mixed",
        &[(
            "up.sql",
            "CREATE TABLE tags (id BIGINT PRIMARY KEY);\nINSERT INTO tags (id) VALUES (1), (1);\n",
        )],
    );
    assert_eq!(
        rules(&lint(fx.path(), Dialect::Mysql)),
        ["mixing-ddl-and-dml"]
    );
    let db = ServerDb::<Mysql>::new("lint_mixed");
    let mut conn = db.conn();
    unlinted_migrator(fx.path())
        .upgrade_to_head(&mut conn)
        .expect_err("the duplicate key fails the INSERT");
    let tables = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'tags'",
    );
    assert_eq!(tables, 1, "the CREATE TABLE stayed");
}

/// The README's table of rules says, for each rule, its engines and its
/// default level as the registry does, and whether downs get it.
#[test]
fn the_readme_lists_every_rule_as_it_is() {
    use lithify_schema::lint::Rule;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for rule in Rule::ALL {
        let start = format!("| `{}` | ", rule.id());
        let row = readme
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no README row for {}", rule.id()));
        let cells: Vec<&str> = row.split(" | ").collect();
        let engines: Vec<&str> = rule.engines().iter().map(|d| d.name()).collect();
        let level = rule.default_level().as_str();
        assert_eq!(cells[1], engines.join(", "), "{row}");
        assert_eq!(cells[2], level, "{row}");
        assert_eq!(cells[3] == "✓", rule.on_down(), "{row}");
    }
}
