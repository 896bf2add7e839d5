//! Typed revisions (`revision.toml`) on the real engines. The chain in
//! `tests/fixtures/typed` uses every operation; on each engine it is
//! verified (after every revision the engine's catalog equals the model
//! the build compiled against) and replayed (every derived downgrade gives
//! back the schema its upgrade started from). On SQLite, where most of it
//! is table rebuilds, the data survives them with the application's
//! `PRAGMA foreign_keys = ON`, and a rebuild that would break a foreign key
//! fails naming the table, changing nothing.
#![cfg(feature = "cli")]

mod server_support;

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use lithify::verify::verify;
use lithify::{Error, MigrationConnection, Migrator};
use lithify_build::{Builder, CompiledChain};
use server_support::*;

/// The typed chain's directory.
fn typed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed")
}

fn compile(dir: &Path) -> CompiledChain {
    Builder::new(dir)
        .compile()
        .unwrap_or_else(|d| panic!("{} does not compile:\n{d}", dir.display()))
}

fn migrator(chain: &CompiledChain) -> Migrator {
    Migrator::new(lithify::leak::leak_chain(chain)).quiet(true)
}

/// Verify the typed chain on `verify_conn` and replay it on `replay_conn`,
/// both empty databases of one engine.
fn verify_and_replay<C: MigrationConnection>(verify_conn: &mut C, replay_conn: &mut C) {
    let chain = compile(&typed_dir());
    let m = migrator(&chain);
    let report = verify(&m, &chain, verify_conn).unwrap_or_else(|e| panic!("verify: {e}"));
    if let Some(d) = &report.disagreement {
        panic!(
            "after {} the model and the engine differ (- model, + engine):\n{}",
            d.revision,
            d.differences.join("\n")
        );
    }
    assert_eq!(report.revisions, chain.revisions.len());
    assert!(report.unchecked.is_empty(), "{:?}", report.unchecked);

    let replayed = m
        .replay(replay_conn)
        .unwrap_or_else(|e| panic!("replay: {e}"));
    let ids: Vec<&str> = chain.revisions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(replayed.replayed, ids, "every derived downgrade restores");
    assert!(replayed.irreversible.is_empty());
}

fn sqlite_file(dir: &tempfile::TempDir, name: &str) -> SqliteConnection {
    let path = dir.path().join(name);
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).expect("open sqlite");
    // As an application's connection: foreign keys enforced.
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .expect("foreign keys on");
    conn
}

#[test]
fn every_operation_verifies_and_replays_on_sqlite() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = (
        sqlite_file(&tmp, "verify.db"),
        sqlite_file(&tmp, "replay.db"),
    );
    verify_and_replay(&mut a, &mut b);
    // The migrator switched enforcement off around each rebuild, and back on.
    assert_eq!(foreign_keys(&mut a), 1);
    assert_eq!(foreign_keys(&mut b), 1);
}

#[cfg(feature = "postgres")]
#[test]
fn every_operation_verifies_and_replays_on_postgres() {
    let (a, b) = (
        ServerDb::<Postgres>::new("typed_v"),
        ServerDb::<Postgres>::new("typed_r"),
    );
    verify_and_replay(&mut a.conn(), &mut b.conn());
}

#[cfg(feature = "mysql")]
#[test]
fn every_operation_verifies_and_replays_on_mysql() {
    let (a, b) = (
        ServerDb::<Mysql>::new("typed_v"),
        ServerDb::<Mysql>::new("typed_r"),
    );
    verify_and_replay(&mut a.conn(), &mut b.conn());
}

/// `PRAGMA foreign_keys`.
fn foreign_keys(conn: &mut SqliteConnection) -> i64 {
    count(conn, "SELECT foreign_keys AS n FROM pragma_foreign_keys")
}

/// Every row of `table` as text, in `id` order: what must survive.
fn rows(conn: &mut SqliteConnection, table: &str, columns: &str) -> Vec<String> {
    lines(
        conn,
        &format!(
            "SELECT quote(id) || '|' || {} AS line FROM {table} ORDER BY id",
            columns
                .split(", ")
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        ),
    )
}

#[test]
fn rows_survive_sqlite_rebuilds_with_foreign_keys_on() {
    let chain = compile(&typed_dir());
    let m = migrator(&chain);
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut conn = sqlite_file(&tmp, "app.db");
    m.upgrade(&mut conn, "20240202000000")
        .expect("up to grow_jobs");
    // NULLs, unicode, a large blob, rows referenced by another table's
    // foreign key (ON DELETE CASCADE) and by the same table's (SET NULL).
    let big = "ab".repeat(600_000);
    conn.batch_execute(&format!(
        "INSERT INTO companies (id, name, founded, logo) VALUES
             (3, 'Zürich Ærø 東京 🚀', '1999-12-31', x'{big}'),
             (4, 'nothing known', NULL, NULL);
         INSERT INTO jobs (id, company_id, parent_id, title, salary, remote, salary_currency)
             VALUES (10, 3, NULL, 'Lead ''quoted'' — “dev”', 100, TRUE, 'EUR'),
                    (11, 3, 10, 'Assistant', NULL, FALSE, NULL),
                    (12, 4, 11, 'Intern', 0, FALSE, NULL);"
    ))
    .expect("rows");
    let companies = rows(&mut conn, "companies", "name, founded, logo");
    let jobs_before = rows(
        &mut conn,
        "jobs",
        "company_id, parent_id, title, salary, remote",
    );

    // Rebuilds of jobs (twice) and of companies, which jobs references.
    m.upgrade(&mut conn, "20240205000000")
        .expect("up through the rebuilds");
    assert_eq!(foreign_keys(&mut conn), 1, "enforcement back on");
    assert_eq!(
        rows(&mut conn, "companies", "name, founded, logo"),
        companies
    );
    assert_eq!(
        rows(
            &mut conn,
            "jobs",
            "company_id, parent_id, headline, salary, remote"
        ),
        jobs_before,
        "no row deleted through ON DELETE CASCADE, none orphaned by SET NULL"
    );
    // The backfill ran before NOT NULL: every job has a currency.
    assert_eq!(
        lines(
            &mut conn,
            "SELECT salary_currency AS line FROM jobs ORDER BY id"
        ),
        ["EUR", "USD", "USD"]
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM pragma_foreign_key_check"
        ),
        0
    );

    // And back down: the rebuilds of the derived downgrades keep them too.
    m.downgrade(&mut conn, "20240201000000")
        .expect("down to the base");
    assert_eq!(
        rows(&mut conn, "companies", "name, founded, logo"),
        companies
    );
    assert_eq!(
        rows(
            &mut conn,
            "jobs",
            "company_id, parent_id, title, salary, remote"
        ),
        jobs_before
    );
    assert_eq!(foreign_keys(&mut conn), 1);
}

#[test]
fn a_rebuild_that_would_break_a_foreign_key_fails_and_changes_nothing() {
    let fx = Fixture::new()
        .revision(
            "2024-03-01-000000_create",
            &[(
                "up.sql",
                "CREATE TABLE teams (id INTEGER PRIMARY KEY);\n\
                 CREATE TABLE players (id INTEGER PRIMARY KEY, team_id INTEGER);\n",
            )],
        )
        .revision(
            "2024-03-02-000000_players_belong_to_teams",
            &[(
                "revision.toml",
                "message = \"players belong to teams\"\n\n\
                 [[upgrade]]\nop = \"create_foreign_key\"\ntable = \"players\"\n\
                 columns = [\"team_id\"]\nreferences = \"teams\"\nreferenced_columns = [\"id\"]\n",
            )],
        );
    let m = fx.migrator();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut conn = sqlite_file(&tmp, "app.db");
    m.upgrade(&mut conn, "20240301000000")
        .expect("first revision");
    // A player of a team that does not exist: the new key would not hold.
    conn.batch_execute("INSERT INTO teams VALUES (1); INSERT INTO players VALUES (1, 1), (2, 99);")
        .expect("rows");
    let schema_before = lines(
        &mut conn,
        "SELECT sql AS line FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name",
    );

    let err = m.upgrade(&mut conn, "head").expect_err("the key is broken");
    let Error::RevisionFailed { id, source, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(id, "20240302000000");
    assert!(
        source
            .to_string()
            .contains("the rebuild of players leaves rows that break a foreign key"),
        "{source}"
    );
    assert_eq!(
        lines(
            &mut conn,
            "SELECT sql AS line FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ),
        schema_before,
        "the rebuild was rolled back"
    );
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM players"), 2);
    assert_eq!(
        foreign_keys(&mut conn),
        1,
        "enforcement back on after the failure"
    );
    let current = m.current(&mut conn).expect("current");
    assert_eq!(current.at, "20240301000000");
}

#[test]
fn a_single_transaction_run_switches_foreign_keys_off_around_the_whole_run() {
    let m = migrator(&compile(&typed_dir())).single_transaction(true);
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut conn = sqlite_file(&tmp, "app.db");
    m.upgrade(&mut conn, "20240202000000")
        .expect("up to grow_jobs");
    conn.batch_execute(
        "INSERT INTO jobs (id, company_id, title) VALUES (1, 1, 'Engineer'), (2, 2, 'Analyst');",
    )
    .expect("jobs of both companies");
    // 2024-02-05 rebuilds companies, which jobs references with ON DELETE
    // CASCADE: with enforcement on, its DROP TABLE would delete every job.
    let report = m
        .upgrade(&mut conn, "20240205000000")
        .expect("three revisions, one transaction");
    assert_eq!(report.ran(), 3);
    assert_eq!(
        lines(&mut conn, "SELECT headline AS line FROM jobs ORDER BY id"),
        ["Engineer", "Analyst"]
    );
    assert_eq!(foreign_keys(&mut conn), 1);
}

#[test]
fn a_revision_one_engine_cannot_take_does_not_stop_commands_on_another() {
    // A partial index: MySQL has none, SQLite and PostgreSQL do.
    let fx = Fixture::new().revision(
        "2024-03-01-000000_notes",
        &[(
            "revision.toml",
            "[[upgrade]]\nop = \"create_table\"\ntable = \"notes\"\n\
             columns = [{ name = \"id\", type = \"integer\", primary_key = true }, \
             { name = \"done\", type = \"boolean\" }]\n\n\
             [[upgrade]]\nop = \"create_index\"\ntable = \"notes\"\ncolumns = [\"id\"]\n\
             where = \"done = FALSE\"\n",
        )],
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("app.db").to_string_lossy().into_owned();
    let up = run_lithify(fx.path(), &db, &["upgrade", "head"]);
    assert!(up.status.success(), "{}", text(&up));
    let sql = run_lithify(fx.path(), &db, &["sql", "--dialect", "postgres"]);
    assert!(
        String::from_utf8_lossy(&sql.stdout)
            .contains("CREATE INDEX ix_notes_id ON notes (id) WHERE done = FALSE;"),
        "{}",
        text(&sql)
    );
    // `check` compiles every dialect unless told one, and says which fails.
    let all = run_lithify(fx.path(), &db, &["check"]);
    assert_eq!(all.status.code(), Some(1), "{}", text(&all));
    let said = String::from_utf8_lossy(&all.stderr);
    assert!(
        said.contains("MySQL has no partial indexes") && said.contains("when compiling for mysql"),
        "{said}"
    );
    let sqlite = run_lithify(fx.path(), &db, &["check", "--dialect", "sqlite"]);
    assert!(sqlite.status.success(), "{}", text(&sqlite));
}
