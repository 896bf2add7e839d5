//! MySQL / MariaDB against a real server at MYSQL_URL (default
//! mysql://root@127.0.0.1:3306). Every test creates its own database and
//! drops it at the end, so tests run in parallel.
#![cfg(all(feature = "mysql", feature = "cli"))]

mod server_support;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::mysql::MysqlConnection;
use server_support::*;

type TestDb = ServerDb<Mysql>;

fn admin() -> MysqlConnection {
    admin_connection::<Mysql>()
}

/// Columns and indexes of the application's tables.
fn schema(conn: &mut MysqlConnection) -> Vec<String> {
    let sql = "SELECT CAST(CONCAT_WS(' ', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, \
                      COLUMN_DEFAULT) AS CHAR) AS line \
               FROM information_schema.COLUMNS \
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'lithify\\_revisions%' \
               UNION ALL SELECT CAST(CONCAT_WS(' ', 'index', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, \
                      COLUMN_NAME, NON_UNIQUE) AS CHAR) \
               FROM information_schema.STATISTICS \
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'lithify\\_revisions%' \
               ORDER BY 1";
    let mut schema = lines(conn, sql);
    schema.sort();
    schema
}

fn rows(migrator: &lithify::Migrator, conn: &mut MysqlConnection) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = migrator
        .current(conn)
        .expect("current")
        .rows
        .into_iter()
        .map(|r| (r.id, r.state))
        .collect();
    rows.sort();
    rows
}

fn lock_is_free(db: &TestDb) -> bool {
    let name = format!(
        "lithify:{:016x}",
        lithify::dialects::lock_key(&format!("{}.lithify_revisions", db.name))
    );
    count(
        &mut admin(),
        &format!("SELECT CAST(IS_FREE_LOCK('{name}') AS SIGNED) AS n"),
    ) == 1
}

#[test]
fn reference_chain_up_down_up_gives_the_same_schema() {
    let db = TestDb::new("my_ref");
    let migrator = migrator_for(&reference_dir());
    let mut conn = db.conn();
    let up = migrator.upgrade_to_head(&mut conn).expect("upgrade head");
    assert_eq!(up.ran(), migrator.chain().revisions.len());
    let first = schema(&mut conn);
    // The MySQL variant ran: a VARCHAR name, not the shared TEXT.
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("companies name varchar(255) NO")),
        "{first:#?}"
    );
    assert!(first
        .iter()
        .any(|l| l.contains("jobs_company_id_posted_at_idx")));
    assert!(rows(&migrator, &mut conn)
        .iter()
        .all(|(_, s)| s == "applied"));

    migrator
        .downgrade(&mut conn, "base")
        .expect("downgrade base");
    assert!(schema(&mut conn).is_empty(), "{:#?}", schema(&mut conn));
    assert!(rows(&migrator, &mut conn).is_empty());

    migrator
        .upgrade_to_head(&mut conn)
        .expect("upgrade head again");
    assert_eq!(schema(&mut conn), first);
    assert!(lock_is_free(&db));
}

#[test]
fn eight_processes_upgrade_one_database() {
    let db = TestDb::new("my_eight");
    let dir = reference_dir();
    let children: Vec<_> = (0..8)
        .map(|_| spawn_lithify(&dir, &db.url, &["upgrade", "head"]))
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
    }
    let migrator = migrator_for(&dir);
    for revision in migrator.chain().revisions {
        assert_eq!(times_ran(&outputs, revision.id), 1, "{}", revision.id);
    }
    let mut conn = db.conn();
    let rows = rows(&migrator, &mut conn);
    assert_eq!(rows.len(), migrator.chain().revisions.len());
    assert!(rows.iter().all(|(_, state)| state == "applied"));
    assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM companies"), 2);
    assert!(lock_is_free(&db));
}

#[test]
fn a_failing_revision_is_left_started_until_resolved() {
    let db = TestDb::new("my_fail");
    let fixture = Fixture::new()
        .revision(
            "2024-01-01-000000_a",
            &[
                ("up.sql", "CREATE TABLE a (x int);"),
                ("down.sql", "DROP TABLE a;"),
            ],
        )
        .revision(
            "2024-01-02-000000_b",
            &[
                (
                    "up.sql",
                    "CREATE TABLE b (x int);\nINSERT INTO gate VALUES (1);",
                ),
                ("down.sql", "DROP TABLE b;"),
            ],
        );
    let failed = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert_eq!(failed.status.code(), Some(3), "{}", text(&failed));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("marked `started`"), "{stderr}");
    let migrator = fixture.migrator();
    let mut conn = db.conn();
    assert_eq!(
        rows(&migrator, &mut conn),
        [
            ("20240101000000".to_owned(), "applied".to_owned()),
            ("20240102000000".to_owned(), "started".to_owned())
        ]
    );
    assert!(lock_is_free(&db), "the lock is released after a failure");

    let refused = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("revision `20240102000000`"), "{stderr}");
    assert!(
        stderr.contains("resolve 20240102000000 --reverted"),
        "{stderr}"
    );

    // The operator undoes the partial revision, fixes the cause, and resolves.
    conn.batch_execute("DROP TABLE b; CREATE TABLE gate (x int);")
        .expect("undo by hand");
    let resolved = run_lithify(
        fixture.path(),
        &db.url,
        &["resolve", "20240102000000", "--reverted"],
    );
    assert!(resolved.status.success(), "{}", text(&resolved));
    let again = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(times_ran(&[again], "20240102000000"), 1);
    assert!(rows(&migrator, &mut conn)
        .iter()
        .all(|(_, s)| s == "applied"));
}

#[test]
fn resolve_applied_and_resolve_errors() {
    let db = TestDb::new("my_resolve");
    let fixture = Fixture::new().revision(
        "2024-01-01-000000_half",
        &[
            (
                "up.sql",
                "CREATE TABLE half (x int);\nINSERT INTO gate VALUES (1);",
            ),
            ("down.sql", "DROP TABLE half;"),
        ],
    );
    let failed = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert_eq!(failed.status.code(), Some(3), "{}", text(&failed));
    let wrong = run_lithify(
        fixture.path(),
        &db.url,
        &["resolve", "20990101", "--applied"],
    );
    assert_eq!(wrong.status.code(), Some(3), "{}", text(&wrong));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("left started: 20240101000000"));
    let neither = run_lithify(fixture.path(), &db.url, &["resolve", "20240101000000"]);
    assert_eq!(neither.status.code(), Some(2), "{}", text(&neither));
    let ok = run_lithify(
        fixture.path(),
        &db.url,
        &["resolve", "20240101000000", "--applied"],
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let check = run_lithify(fixture.path(), &db.url, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn lock_timeout_names_the_holder() {
    let db = TestDb::new("my_lock");
    let name = format!(
        "lithify:{:016x}",
        lithify::dialects::lock_key(&format!("{}.lithify_revisions", db.name))
    );
    let mut holder = db.conn();
    assert_eq!(
        count(
            &mut holder,
            &format!("SELECT CAST(GET_LOCK('{name}', 1) AS SIGNED) AS n")
        ),
        1
    );
    let migrator = migrator_for(&reference_dir()).lock_timeout(Duration::from_millis(500));
    let mut conn = db.conn();
    let err = migrator.upgrade_to_head(&mut conn).expect_err("lock held");
    let message = err.to_string();
    assert!(message.contains("held by connection"), "{message}");
    assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'companies'"), 0);
    holder
        .batch_execute(&format!("DO RELEASE_LOCK('{name}')"))
        .expect("release");
    migrator.upgrade_to_head(&mut conn).expect("now it runs");
}

#[test]
fn literals_with_backslashes_round_trip() {
    let db = TestDb::new("my_lit");
    let fixture = Fixture::new().revision(
        "2024-01-01-000000_quoting",
        &[
            (
                "metadata.toml",
                "message = \"path C:\\\\temp\\\\ and it's \\\"quoted\\\"\"\n",
            ),
            ("up.sql", "CREATE TABLE t (x int);"),
            ("down.sql", "DROP TABLE t;"),
        ],
    );
    let migrator = fixture.migrator();
    let mut conn = db.conn();
    migrator.upgrade_to_head(&mut conn).expect("upgrade");
    let state = migrator.current(&mut conn).expect("current");
    let expected = migrator.chain().revisions[0].message;
    assert!(expected.contains('\\'), "{expected}");
    assert_eq!(state.rows[0].message, expected);
    assert!(state.problem.is_none());
}

#[test]
fn a_password_in_the_url_is_never_printed() {
    let db = TestDb::new("my_pw");
    let secret = "Sup3rS3cretPw";
    // root has no password, so a wrong one must fail the connection: the
    // error path is what could leak it.
    let url = url_with_password(&db.url, secret);
    let out = run_lithify(&reference_dir(), &url, &["upgrade", "head"]);
    let shown = text(&out);
    assert!(!shown.contains(secret), "{shown}");
    let out = run_lithify(&reference_dir(), &url, &["current"]);
    assert!(!text(&out).contains(secret), "{}", text(&out));
}

#[cfg(feature = "diesel-migrations")]
#[test]
fn diesel_harness_then_adopt() {
    use lithify::MigrationHarness;
    let db = TestDb::new("my_adopt");
    let migrator = migrator_for(&reference_dir());
    let mut conn = db.conn();
    conn.run_pending_migrations(migrator.diesel_source())
        .expect("diesel runs the chain on MySQL");
    let out = run_lithify(&reference_dir(), &db.url, &["adopt"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("adopted: 7 revision(s) recorded"));
    let check = run_lithify(&reference_dir(), &db.url, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn single_transaction_is_refused_and_says_why() {
    let db = TestDb::new("my_single_tx");
    let migrator = migrator_for(&reference_dir()).single_transaction(true);
    let mut conn = db.conn();
    let err = migrator
        .upgrade_to_head(&mut conn)
        .expect_err("no transactional DDL");
    assert!(
        matches!(err, lithify::Error::SingleTransaction { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("commits DDL implicitly"), "{err}");
    assert!(rows(&migrator, &mut conn).is_empty(), "nothing ran");
    assert!(lock_is_free(&db));
}

#[test]
fn replay_checks_every_down_of_the_reference_chain() {
    let db = TestDb::new("my_replay");
    let report = migrator_for(&reference_dir())
        .replay(&mut db.conn())
        .expect("the reference chain's downs undo their ups on MariaDB");
    assert_eq!(report.replayed.len(), 7);
    let err = migrator_for(&reference_dir())
        .replay(&mut db.conn())
        .expect_err("now it is not empty");
    assert!(
        err.to_string()
            .contains("replay needs an empty scratch database"),
        "{err}"
    );
}

/// A real MySQL chain's kind of revision: a table referencing one created
/// after it, which runs only with `SET FOREIGN_KEY_CHECKS = 0`, as its
/// application sets before migrating.
fn needs_fk_checks_off() -> Fixture {
    Fixture::new().revision(
        "0001_children_first",
        &[
            (
                "up.sql",
                "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, \
                 CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id));\n\
                 CREATE TABLE parent (id INT PRIMARY KEY);\n",
            ),
            ("down.sql", "DROP TABLE child;\nDROP TABLE parent;\n"),
        ],
    )
}

#[test]
fn session_sql_from_lithify_toml_or_the_flag() {
    let fx = needs_fk_checks_off();
    let failed = run_lithify(fx.path(), &TestDb::new("my_session_none").url, &["upgrade"]);
    assert_eq!(
        failed.status.code(),
        Some(3),
        "without the setting it fails: {}",
        text(&failed)
    );

    let flag = ["--session-sql", "SET FOREIGN_KEY_CHECKS = 0"];
    let db = TestDb::new("my_session_flag");
    let out = run_lithify(fx.path(), &db.url, &[&flag[..], &["upgrade"]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let out = run_lithify(
        fx.path(),
        &db.url,
        &[&flag[..], &["downgrade", "base"]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out));

    std::fs::write(
        fx.path().join("lithify.toml"),
        "[session]\nmysql = \"SET FOREIGN_KEY_CHECKS = 0\"\nsqlite = \"PRAGMA foreign_keys = OFF\"\n",
    )
    .expect("lithify.toml");
    let db = TestDb::new("my_session_toml");
    let out = run_lithify(fx.path(), &db.url, &["upgrade"]);
    assert!(out.status.success(), "{}", text(&out));
    let sql = run_lithify(fx.path(), &db.url, &["sql", "--dialect", "mysql"]);
    let script = String::from_utf8_lossy(&sql.stdout);
    assert!(
        script.contains(
            "-- session set-up, from `mysql` in [session] of migrations/lithify.toml: run first, \
             in the session that runs this script\nSET FOREIGN_KEY_CHECKS = 0;\n"
        ) && !script.contains("PRAGMA"),
        "{script}"
    );

    // The flag replaces lithify.toml's; a failing one names where it came from.
    let out = run_lithify(
        fx.path(),
        &db.url,
        &["--session-sql", "SET no_such_setting = 1", "current"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the session set-up SQL from --session-sql (Migrator::session_sql) failed"),
        "{}",
        text(&out)
    );
}

#[test]
fn replay_keep_going_stops_at_the_first_broken_down_and_says_why() {
    let db = TestDb::new("my_replay_keep_going");
    let fixture = Fixture::new()
        .revision(
            "0001_jobs",
            &[
                ("up.sql", "CREATE TABLE jobs (id INT PRIMARY KEY);"),
                ("down.sql", "SELECT 1;"),
            ],
        )
        .revision(
            "0002_tags",
            &[
                ("up.sql", "CREATE TABLE tags (id INT PRIMARY KEY);"),
                ("down.sql", "DROP TABLE tagz;"),
            ],
        );
    let out = run_lithify(
        fixture.path(),
        "unused.db",
        &["replay", "--keep-going", "--scratch", &db.url],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("commits DDL implicitly, so nothing could be rolled back"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the down of revision `0001` (0001_jobs) does not restore"),
        "{stderr}"
    );
    assert!(!stdout.contains("0002"), "stopped at the first: {stdout}");
}
