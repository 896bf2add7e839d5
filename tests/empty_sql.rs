//! Revisions whose up or down holds no statement (an empty file, or only
//! comments: a data-only revision's `down.sql`) are no-op steps on every
//! engine: nothing is sent, the bookkeeping moves, `sql` says so, and
//! `replay` compares the schema as usual. On a real SQLite file and the real
//! PostgreSQL and MariaDB servers, each test on a database of its own.
#![cfg(feature = "cli")]

mod server_support;

use diesel::Connection;
use lithify::{MigrationConnection, Migrator, RunReport, StepOutcome};
use server_support::*;

/// Four revisions: a table, a backfill whose down is comments only (in
/// MySQL's own `#` syntax on MySQL), an empty non-transactional revision whose down
/// is a block comment and bare `;`, and a second table.
fn chain_with_empty_steps() -> Fixture {
    Fixture::new()
        .revision(
            "0001_create_t",
            &[
                (
                    "up.sql",
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, note VARCHAR(20));\n",
                ),
                ("down.sql", "DROP TABLE t;\n"),
            ],
        )
        .revision(
            "0002_backfill_t",
            &[
                (
                    "up.sql",
                    "UPDATE t SET note = 'backfilled' WHERE note IS NULL;\n",
                ),
                ("down.sql", "-- data-only revision: nothing to undo\n"),
                ("down.mysql.sql", "# data-only revision: nothing to undo\n"),
            ],
        )
        .revision(
            "0003_nothing",
            &[
                ("up.sql", ""),
                ("down.sql", "/* nothing to undo */\n;\n"),
                ("metadata.toml", "run_in_transaction = false\n"),
            ],
        )
        .revision(
            "0004_create_u",
            &[
                ("up.sql", "CREATE TABLE u (id INTEGER PRIMARY KEY);\n"),
                ("down.sql", "DROP TABLE u;\n"),
            ],
        )
}

/// Ids of the steps that had nothing to run, in run order.
fn no_statements(report: &RunReport) -> Vec<&'static str> {
    report
        .steps
        .iter()
        .filter(|s| s.outcome == StepOutcome::NoStatements)
        .map(|s| s.revision.id)
        .collect()
}

/// The application's tables, as replay's schema introspection sees them.
fn tables<C: MigrationConnection>(conn: &mut C, m: &Migrator) -> Vec<String> {
    let mut names: Vec<String> = conn
        .load_schema(m.table())
        .expect("schema")
        .into_iter()
        .filter_map(|l| {
            l.strip_prefix("table ")?
                .split(' ')
                .next()
                .map(str::to_owned)
        })
        .collect();
    names.dedup();
    names
}

fn recorded<C: MigrationConnection>(conn: &mut C, m: &Migrator) -> Vec<String> {
    let rows = m.current(conn).expect("current").rows;
    rows.into_iter().map(|r| r.id).collect()
}

/// The whole story on one engine: `url` names an empty database.
fn empty_steps_are_no_ops<C: MigrationConnection>(conn: &mut C, url: &str) {
    let fx = chain_with_empty_steps();
    let m = fx.migrator();

    let up = m
        .upgrade(conn, "head")
        .expect("upgrade through empty steps");
    assert_eq!(no_statements(&up), ["0003"]);
    assert_eq!(up.steps.len(), 4);
    assert_eq!(recorded(conn, &m), ["0001", "0002", "0003", "0004"]);
    assert_eq!(tables(conn, &m), ["t", "u"]);

    let down = m
        .downgrade(conn, "base")
        .expect("downgrade through empty downs");
    assert_eq!(no_statements(&down), ["0003", "0002"]);
    assert!(recorded(conn, &m).is_empty());
    assert!(tables(conn, &m).is_empty());

    // replay compares the schema around the empty steps as around any.
    let replay = m.replay(conn).expect("replay");
    assert_eq!(replay.replayed, ["0001", "0002", "0003", "0004"]);

    // The command line says so, and so does the offline script.
    let dialect = conn.sql_dialect().dialect().name();
    let out = run_lithify(fx.path(), url, &["sql", "--dialect", dialect]);
    assert!(out.status.success(), "{}", text(&out));
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(
        script.contains(
            "-- revision 0003 has no statements (its file is empty or only comments): nothing to run"
        ),
        "{script}"
    );
    for (args, line) in [
        (
            ["downgrade", "0002"],
            "downgrade 0003 -> 0002: nothing (no statements: nothing to run)",
        ),
        (
            ["upgrade", "0003"],
            "upgrade 0002 -> 0003: nothing (no statements: nothing to run)",
        ),
    ] {
        let out = run_lithify(fx.path(), url, &args);
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(line),
            "{}",
            text(&out)
        );
    }
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("app.db");
    let url = path.to_string_lossy().into_owned();
    let mut conn = diesel::SqliteConnection::establish(&url).expect("sqlite");
    empty_steps_are_no_ops(&mut conn, &url);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres() {
    let db = ServerDb::<Postgres>::new("pg_empty_sql");
    empty_steps_are_no_ops(&mut db.conn(), &db.url);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql() {
    let db = ServerDb::<Mysql>::new("my_empty_sql");
    empty_steps_are_no_ops(&mut db.conn(), &db.url);
}

/// diesel's own runner, given lithify's chain, treats them the same way
/// (diesel alone errors on these files).
#[cfg(all(feature = "sqlite", feature = "diesel-migrations"))]
#[test]
fn through_diesels_harness_too() {
    use lithify::MigrationHarness;
    let tmp = tempfile::tempdir().expect("tmp");
    let url = tmp.path().join("app.db").to_string_lossy().into_owned();
    let mut conn = diesel::SqliteConnection::establish(&url).expect("sqlite");
    let m = chain_with_empty_steps().migrator();
    let ran = conn
        .run_pending_migrations(m.diesel_source())
        .expect("diesel runs the empty steps");
    assert_eq!(ran.len(), 4);
    conn.revert_all_migrations(m.diesel_source())
        .expect("and reverts them");
    assert!(tables(&mut conn, &m).is_empty());
}
