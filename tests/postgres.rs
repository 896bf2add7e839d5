//! PostgreSQL against a real server at POSTGRES_URL (default
//! postgres://postgres@127.0.0.1:5432). Every test creates its own database
//! and drops it at the end, so tests run in parallel.
#![cfg(all(feature = "postgres", feature = "cli"))]

mod server_support;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use lithify::{Error, StepOutcome};
use server_support::*;

type TestDb = ServerDb<Postgres>;

fn server_url() -> String {
    server_base_url::<Postgres>()
}

fn admin() -> PgConnection {
    admin_connection::<Postgres>()
}

/// Columns, indexes and constraints of the application's tables.
fn schema(conn: &mut PgConnection) -> Vec<String> {
    lines(
        conn,
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
                || ' ' || COALESCE(column_default, '') AS line \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE 'lithify\\_revisions%' \
         UNION ALL SELECT 'index ' || indexdef FROM pg_indexes \
         WHERE schemaname = 'public' AND tablename NOT LIKE 'lithify\\_revisions%' \
         UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' \
                || pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE connamespace = 'public'::regnamespace \
           AND conrelid::regclass::text NOT LIKE 'lithify\\_revisions%' \
         ORDER BY 1",
    )
}

/// Advisory locks held in `db` (the migration lock is the only one lithify takes).
fn advisory_locks(db: &TestDb) -> i64 {
    count(
        &mut admin(),
        &format!(
            "SELECT COUNT(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
             WHERE l.locktype = 'advisory' AND d.datname = '{}'",
            db.name
        ),
    )
}

fn applied_ids(migrator: &lithify::Migrator, conn: &mut PgConnection) -> Vec<(String, String)> {
    let state = migrator.current(conn).expect("current");
    let mut rows: Vec<(String, String)> = state.rows.into_iter().map(|r| (r.id, r.state)).collect();
    rows.sort();
    rows
}

#[test]
fn reference_chain_up_down_up_gives_the_same_schema() {
    let db = TestDb::new("pg_ref");
    let migrator = migrator_for(&reference_dir());
    let mut conn = db.conn();
    let up = migrator.upgrade_to_head(&mut conn).expect("upgrade head");
    assert_eq!(up.ran(), migrator.chain().revisions.len());
    let first = schema(&mut conn);
    // The PostgreSQL variant ran (BIGSERIAL), not the shared SQLite-flavoured up.sql.
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("companies.id bigint NO nextval")),
        "{first:#?}"
    );
    assert!(first
        .iter()
        .any(|l| l.contains("jobs_company_id_posted_at_idx")));
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM jobs WHERE salary_currency = 'USD'"
        ),
        3
    );

    migrator
        .downgrade(&mut conn, "base")
        .expect("downgrade base");
    assert!(schema(&mut conn).is_empty(), "{:#?}", schema(&mut conn));
    assert!(applied_ids(&migrator, &mut conn).is_empty());

    migrator
        .upgrade_to_head(&mut conn)
        .expect("upgrade head again");
    assert_eq!(schema(&mut conn), first);
    assert_eq!(advisory_locks(&db), 0);
}

#[test]
fn bookkeeping_table_in_its_own_schema() {
    let db = TestDb::new("pg_schema");
    let migrator = migrator_for(&reference_dir()).bookkeeping_table("ops.schema_revisions");
    let mut conn = db.conn();
    migrator.upgrade(&mut conn, "+2").expect("upgrade +2");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM ops.schema_revisions WHERE state = 'applied'"
        ),
        2
    );
    assert_eq!(
        migrator
            .applied(&mut conn)
            .expect("applied")
            .iter()
            .filter(|a| **a)
            .count(),
        2
    );
    let sql = migrator
        .sql(lithify::Dialect::Postgres, Some("base:+1"), false)
        .expect("offline sql");
    assert!(sql.contains("CREATE SCHEMA IF NOT EXISTS \"ops\""), "{sql}");
    assert!(
        sql.contains("INSERT INTO \"ops\".\"schema_revisions\""),
        "{sql}"
    );
}

#[test]
fn eight_processes_upgrade_one_database() {
    let db = TestDb::new("pg_eight");
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
    let rows = applied_ids(&migrator, &mut conn);
    assert_eq!(rows.len(), migrator.chain().revisions.len());
    assert!(rows.iter().all(|(_, state)| state == "applied"));
    assert!(matches!(
        migrator.check(&mut conn),
        Ok(lithify::CheckOutcome::AtHead { .. })
    ));
    assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM companies"), 2);
    assert_eq!(advisory_locks(&db), 0);
}

/// Two revisions: a table, then a sleep whose length comes from a database
/// setting, so the same (checksummed) revision is slow once and quick later.
fn sleepy_fixture() -> Fixture {
    Fixture::new()
        .revision(
            "2024-01-01-000000_create_t",
            &[("up.sql", "CREATE TABLE t (x int);"), ("down.sql", "DROP TABLE t;")],
        )
        .revision(
            "2024-01-02-000000_slow",
            &[
                (
                    "up.sql",
                    "CREATE TABLE slow_marker (x int);\n\
                     SELECT pg_sleep(COALESCE(NULLIF(current_setting('lithify_test.sleep', true), ''), '0')::float);",
                ),
                ("down.sql", "DROP TABLE slow_marker;"),
            ],
        )
}

#[test]
fn sigkill_during_a_long_revision_leaves_the_previous_revision_and_no_lock() {
    let db = TestDb::new("pg_kill");
    let fixture = sleepy_fixture();
    admin()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET lithify_test.sleep = '30'",
            db.name
        ))
        .expect("set the sleep");
    let mut child = spawn_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    let sleeping = wait_until(Duration::from_secs(8), || {
        count(
            &mut admin(),
            &format!(
                "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = '{}' \
                 AND query LIKE '%pg_sleep%' AND state = 'active'",
                db.name
            ),
        ) > 0
    });
    assert!(sleeping, "the migrator never reached the long revision");
    child.kill().expect("SIGKILL");
    let _ = child.wait();

    // The server notices the dead connection, rolls back and frees the lock.
    assert!(
        wait_until(Duration::from_secs(5), || advisory_locks(&db) == 0),
        "the migration lock outlived the killed migrator"
    );
    let migrator = fixture.migrator();
    let mut conn = db.conn();
    assert_eq!(
        applied_ids(&migrator, &mut conn),
        [("20240101000000".to_owned(), "applied".to_owned())]
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'slow_marker'"
        ),
        0,
        "the killed revision's transaction must not have committed"
    );

    admin()
        .batch_execute(&format!(
            "ALTER DATABASE {} RESET lithify_test.sleep",
            db.name
        ))
        .expect("reset the sleep");
    let output = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert!(output.status.success(), "{}", text(&output));
    let mut conn = db.conn();
    assert_eq!(applied_ids(&migrator, &mut conn).len(), 2);
}

#[test]
fn concurrent_index_outside_a_transaction_while_others_wait() {
    let db = TestDb::new("pg_cic");
    let fixture = Fixture::new()
        .revision(
            "2024-01-01-000000_items",
            &[
                (
                    "up.sql",
                    "CREATE TABLE items (id int, name text);\n\
                     INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;",
                ),
                ("down.sql", "DROP TABLE items;"),
            ],
        )
        .revision(
            "2024-01-02-000000_index_items",
            &[
                ("metadata.toml", "run_in_transaction = false\n"),
                (
                    "up.sql",
                    "-- Keeps the other migrators waiting while the indexes build.\n\
                     SELECT pg_sleep(1);\n\
                     CREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n\
                     CREATE INDEX CONCURRENTLY items_id_idx ON items (id);\n",
                ),
                (
                    "down.sql",
                    "DROP INDEX CONCURRENTLY items_name_idx;\nDROP INDEX CONCURRENTLY items_id_idx;\n",
                ),
            ],
        );
    let children: Vec<_> = (0..4)
        .map(|_| spawn_lithify(fixture.path(), &db.url, &["upgrade", "head"]))
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
    }
    assert_eq!(times_ran(&outputs, "20240102000000"), 1);
    let mut conn = db.conn();
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname IN ('items_name_idx', 'items_id_idx') AND i.indisvalid"
        ),
        2
    );
    // And back down, also statement by statement.
    let migrator = fixture.migrator();
    migrator.downgrade(&mut conn, "-1").expect("downgrade -1");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM pg_indexes WHERE tablename = 'items'"
        ),
        0
    );
    assert_eq!(advisory_locks(&db), 0);
}

#[test]
fn a_failing_revision_leaves_the_database_at_the_previous_revision() {
    let db = TestDb::new("pg_fail");
    let fixture = Fixture::new()
        .revision(
            "2024-01-01-000000_a",
            &[("up.sql", "CREATE TABLE a (x int);"), ("down.sql", "DROP TABLE a;")],
        )
        .revision(
            "2024-01-02-000000_b",
            &[
                (
                    "up.sql",
                    "CREATE TABLE b (x int);\nALTER TABLE a ADD COLUMN y int;\nINSERT INTO missing VALUES (1);",
                ),
                ("down.sql", "DROP TABLE b;"),
            ],
        );
    let migrator = fixture.migrator();
    let mut conn = db.conn();
    let before = |conn: &mut PgConnection| schema(conn);
    migrator.upgrade(&mut conn, "+1").expect("first revision");
    let at_first = before(&mut conn);
    let err = migrator
        .upgrade_to_head(&mut conn)
        .expect_err("second revision fails");
    match &err {
        Error::RevisionFailed {
            id, left_started, ..
        } => {
            assert_eq!(id, "20240102000000");
            assert!(!left_started);
        }
        other => panic!("unexpected error: {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("rolled back: the database is still at 20240101000000"),
        "{message}"
    );
    assert_eq!(
        schema(&mut conn),
        at_first,
        "nothing of the failed revision remains"
    );
    assert_eq!(
        applied_ids(&migrator, &mut conn),
        [("20240101000000".to_owned(), "applied".to_owned())]
    );
    assert_eq!(
        advisory_locks(&db),
        0,
        "the lock is released after a failure"
    );
}

#[test]
fn a_failing_non_transactional_revision_is_left_started_and_resolved() {
    let db = TestDb::new("pg_nontx");
    let fixture = Fixture::new().revision(
        "2024-01-01-000000_two_steps",
        &[
            ("metadata.toml", "transactional = false\n"),
            (
                "up.sql",
                "CREATE TABLE first_half (x int);\nINSERT INTO gate VALUES (1);\n",
            ),
            ("down.sql", "DROP TABLE first_half;"),
        ],
    );
    let out = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("statement 2 (line 2)"), "{stderr}");
    assert!(
        stderr.contains("resolve 20240101000000 --applied"),
        "{stderr}"
    );

    let refused = run_lithify(fixture.path(), &db.url, &["upgrade", "head"]);
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`20240101000000`"));

    // The operator finishes the revision by hand and records it applied.
    db.conn()
        .batch_execute("CREATE TABLE gate (x int); INSERT INTO gate VALUES (1);")
        .expect("finish by hand");
    let resolved = run_lithify(
        fixture.path(),
        &db.url,
        &["resolve", "2024010100", "--applied"],
    );
    assert!(resolved.status.success(), "{}", text(&resolved));
    let check = run_lithify(fixture.path(), &db.url, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn lock_timeout_names_the_holder() {
    let db = TestDb::new("pg_lock");
    let migrator = migrator_for(&reference_dir()).lock_timeout(Duration::from_millis(300));
    let mut holder = db.conn();
    holder
        .batch_execute("SET application_name = 'the-other-migrator'")
        .expect("name the holder");
    let key = lithify::dialects::lock_key("lithify_revisions") as i64;
    holder
        .batch_execute(&format!("SELECT pg_advisory_lock({key})"))
        .expect("hold the lock");
    let mut conn = db.conn();
    let err = migrator
        .upgrade_to_head(&mut conn)
        .expect_err("the lock is held");
    let message = err.to_string();
    assert!(message.contains("the-other-migrator"), "{message}");
    assert!(message.contains("held by pid"), "{message}");
    assert!(
        message.contains("wait for it or raise the lock timeout"),
        "{message}"
    );
    // Nothing ran.
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'companies'"
        ),
        0
    );
    holder
        .batch_execute(&format!("SELECT pg_advisory_unlock({key})"))
        .expect("release");
    let report = migrator.upgrade_to_head(&mut conn).expect("now it runs");
    assert!(report
        .steps
        .iter()
        .all(|s| matches!(s.outcome, StepOutcome::Ran { .. })));
}

#[test]
fn a_password_in_the_url_is_never_printed() {
    let db = TestDb::new("pg_pw");
    let secret = "Sup3rS3cretPw";
    let url = url_with_password(&db.url, secret);
    let dir = reference_dir();
    for args in [
        &["upgrade", "head"][..],
        &["current", "--verbose"][..],
        &["stamp", "nope"][..],
    ] {
        let out = run_lithify(&dir, &url, args);
        assert!(!text(&out).contains(secret), "{}", text(&out));
    }
    // A connection failure shows the URL, redacted.
    let bad = url_with_password(
        &url_with_database(&server_url(), "no_such_db_lithify"),
        secret,
    );
    let out = run_lithify(&dir, &bad, &["upgrade", "head"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let shown = text(&out);
    assert!(!shown.contains(secret), "{shown}");
    assert!(shown.contains(":***@"), "{shown}");
}

#[cfg(feature = "diesel-migrations")]
#[test]
fn diesel_harness_then_adopt() {
    use lithify::MigrationHarness;
    let db = TestDb::new("pg_adopt");
    let migrator = migrator_for(&reference_dir());
    let mut conn = db.conn();
    conn.run_pending_migrations(migrator.diesel_source())
        .expect("diesel runs the chain on PostgreSQL");
    let diesel_schema = schema(&mut conn);
    conn.batch_execute(
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('20991231000000')",
    )
    .expect("unknown version");
    let out = run_lithify(&reference_dir(), &db.url, &["adopt"]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("diesel version 20991231000000 is not a revision"),
        "{stdout}"
    );
    assert!(
        stdout.contains("adopted: 7 revision(s) recorded"),
        "{stdout}"
    );
    assert!(matches!(
        migrator.check(&mut conn),
        Ok(lithify::CheckOutcome::AtHead { .. })
    ));
    // Same schema as lithify's own run (the diesel table aside).
    let lithify_db = TestDb::new("pg_adopt_ref");
    let mut other = lithify_db.conn();
    migrator.upgrade_to_head(&mut other).expect("upgrade");
    let ours: Vec<String> = schema(&mut other);
    let theirs: Vec<String> = diesel_schema
        .into_iter()
        .filter(|l| !l.contains("__diesel_schema_migrations"))
        .collect();
    assert_eq!(theirs, ours);
}

#[test]
fn single_transaction_failure_in_revision_three_of_five_leaves_nothing() {
    let db = TestDb::new("pg_single_tx");
    let mut fixture = Fixture::new();
    for i in 1..=5 {
        let up = if i == 3 {
            "CREATE TABLE t3 (x int);\nINSERT INTO missing VALUES (1);".to_owned()
        } else {
            format!("CREATE TABLE t{i} (x int);")
        };
        fixture = fixture.revision(
            &format!("2024-01-0{i}-000000_t{i}"),
            &[("up.sql", &up), ("down.sql", &format!("DROP TABLE t{i};"))],
        );
    }
    let migrator = fixture.migrator().single_transaction(true);
    let mut conn = db.conn();
    let err = migrator
        .upgrade_to_head(&mut conn)
        .expect_err("third revision fails");
    assert!(
        matches!(&err, Error::RevisionFailed { id, .. } if id == "20240103000000"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("rolled back: the database is still at <base>"),
        "{err}"
    );
    assert!(schema(&mut conn).is_empty(), "{:#?}", schema(&mut conn));
    assert!(applied_ids(&migrator, &mut conn).is_empty());
    assert_eq!(advisory_locks(&db), 0);
}

#[test]
fn replay_checks_every_down_of_the_reference_chain_and_finds_an_unreverted_type_change() {
    let db = TestDb::new("pg_replay");
    let report = migrator_for(&reference_dir())
        .replay(&mut db.conn())
        .expect("the reference chain's downs undo their ups on PostgreSQL");
    assert_eq!(report.replayed.len(), 7);

    let broken = TestDb::new("pg_replay_broken");
    let fixture = Fixture::new()
        .revision(
            "0001_codes",
            &[
                ("up.sql", "CREATE TABLE codes (code VARCHAR(10) NOT NULL);"),
                ("down.sql", "DROP TABLE codes;"),
            ],
        )
        .revision(
            "0002_widen",
            &[
                (
                    "up.sql",
                    "ALTER TABLE codes ALTER COLUMN code TYPE VARCHAR(20);",
                ),
                (
                    "down.sql",
                    "ALTER TABLE codes ALTER COLUMN code DROP NOT NULL;",
                ),
            ],
        );
    let err = fixture
        .migrator()
        .replay(&mut broken.conn())
        .expect_err("the down neither narrows the column nor keeps NOT NULL");
    let Error::Replay(lithify::ReplayError::DownDoesNotRestore { id, diff, .. }) = &err else {
        panic!("{err}");
    };
    assert_eq!(id, "0002");
    assert_eq!(
        diff,
        &[
            "- table codes column code character varying(10) not null",
            "+ table codes column code character varying(20)",
        ]
    );
}

#[test]
fn replay_keep_going_lists_every_broken_down_and_replays_a_concurrent_index_for_real() {
    let db = TestDb::new("pg_replay_keep_going");
    let fixture = Fixture::new()
        .revision(
            "0001_jobs",
            &[
                (
                    "up.sql",
                    "CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT, company TEXT);",
                ),
                ("down.sql", "DROP TABLE jobs;"),
            ],
        )
        .revision(
            "0002_widen",
            &[
                (
                    "up.sql",
                    "ALTER TABLE jobs ALTER COLUMN title TYPE VARCHAR(200);",
                ),
                ("down.sql", "SELECT 1;"),
            ],
        )
        .revision(
            "0003_index",
            &[
                (
                    "up.sql",
                    "CREATE INDEX CONCURRENTLY jobs_company_idx ON jobs (company);",
                ),
                ("down.sql", "DROP INDEX CONCURRENTLY jobs_company_idx;"),
                ("metadata.toml", "run_in_transaction = false\n"),
            ],
        )
        .revision(
            "0004_drop_title",
            &[
                ("up.sql", "ALTER TABLE jobs DROP COLUMN title;"),
                (
                    "down.sql",
                    "ALTER TABLE jobs ADD COLUMN title VARCHAR(200);",
                ),
            ],
        )
        .revision(
            "0005_tags",
            &[
                ("up.sql", "CREATE TABLE tags (id SERIAL PRIMARY KEY);"),
                ("down.sql", "DROP TABLE tagz;"),
            ],
        );
    let mut conn = db.conn();
    let err = fixture
        .migrator()
        .replay_with(
            &mut conn,
            lithify::ReplayOptions {
                keep_going: true,
                ..Default::default()
            },
        )
        .expect_err("two downs are broken");
    let Error::Replay(lithify::ReplayError::Broken { report }) = &err else {
        panic!("{err}");
    };
    let broken: Vec<&str> = report.broken.iter().map(|f| f.id).collect();
    assert_eq!(broken, ["0002", "0005"], "{err}");
    assert_eq!(
        report.broken[0].problems,
        [lithify::DownProblem::DoesNotRestore {
            diff: vec![
                "- table jobs column title text".to_owned(),
                "+ table jobs column title character varying(200)".to_owned(),
            ]
        }]
    );
    assert!(
        err.to_string()
            .contains("`0005_tags/down.sql` fails: table \"tagz\" does not exist"),
        "{err}"
    );
    assert_eq!(report.warnings.len(), 1, "{err}");
    assert_eq!(report.warnings[0].id, "0004");
    assert_eq!(report.replayed, ["0001", "0003", "0004"]);
    assert!(report.not_checked.is_empty());
    // The chain is at head, the concurrent index there, no lock left.
    assert_eq!(applied_ids(&fixture.migrator(), &mut conn).len(), 5);
    assert!(schema(&mut conn)
        .iter()
        .any(|l| l.contains("jobs_company_idx")));
    assert_eq!(advisory_locks(&db), 0);
}

/// Rows of the chain-state table (0 or 1).
fn state_rows(conn: &mut PgConnection) -> i64 {
    count(conn, "SELECT COUNT(*) AS n FROM lithify_revisions_state")
}

fn at_head(migrator: &lithify::Migrator, conn: &mut PgConnection) -> Result<bool, Box<Error>> {
    Ok(matches!(
        migrator.check(conn).map_err(Box::new)?,
        lithify::CheckOutcome::AtHead { .. }
    ))
}

#[test]
fn the_start_up_check_sees_rows_written_by_hand_without_counting_them() {
    let db = TestDb::new("pg_state_guard");
    let migrator = migrator_for(&reference_dir());
    let mut conn = db.conn();
    migrator.upgrade_to_head(&mut conn).expect("upgrade");
    assert_eq!(
        state_rows(&mut conn),
        1,
        "lithify's own run leaves the state"
    );
    assert!(at_head(&migrator, &mut conn).expect("check"));

    // A row inserted by hand: the trigger drops the state, the full
    // verification finds a revision this binary does not know.
    conn.batch_execute(
        "INSERT INTO lithify_revisions (id, checksum, message, state) \
         VALUES ('29990101000000', 'sha256:00', 'by hand', 'applied')",
    )
    .expect("insert by hand");
    assert_eq!(state_rows(&mut conn), 0);
    let err = at_head(&migrator, &mut conn).expect_err("unknown revision");
    assert!(matches!(&*err, Error::Inconsistent(_)), "{err}");
    conn.batch_execute("DELETE FROM lithify_revisions WHERE id = '29990101000000'")
        .expect("delete by hand");

    // An in-place edit of a checksum at head, which a row count cannot see.
    migrator
        .upgrade_to_head(&mut conn)
        .expect("heals the state");
    assert_eq!(state_rows(&mut conn), 1);
    conn.batch_execute(
        "UPDATE lithify_revisions SET checksum = 'sha256:edited' WHERE id = '20240101000000'",
    )
    .expect("edit by hand");
    let err = at_head(&migrator, &mut conn).expect_err("drift");
    assert!(err.to_string().contains("checksum drift"), "{err}");
}

#[test]
fn without_the_guard_trigger_the_check_counts_the_rows() {
    // A database whose trigger is gone (written by an older lithify, or
    // disabled by hand) keeps the count's protection.
    let db = TestDb::new("pg_state_no_guard");
    let migrator = migrator_for(&reference_dir());
    let mut conn = db.conn();
    migrator.upgrade_to_head(&mut conn).expect("upgrade");
    let by_hand = "INSERT INTO lithify_revisions (id, checksum, message, state) \
                   VALUES ('29990101000000', 'sha256:00', 'by hand', 'applied')";
    let undo = "DELETE FROM lithify_revisions WHERE id = '29990101000000'";
    for without in [
        "ALTER TABLE lithify_revisions DISABLE TRIGGER lithify_state_guard",
        "DROP TRIGGER lithify_state_guard ON lithify_revisions",
    ] {
        conn.batch_execute(without).expect(without);
        conn.batch_execute(by_hand).expect("insert by hand");
        assert_eq!(state_rows(&mut conn), 1, "nothing dropped the state");
        let err = at_head(&migrator, &mut conn).expect_err("the count sees the row");
        assert!(matches!(&*err, Error::Inconsistent(_)), "{err}");
        conn.batch_execute(undo).expect("delete by hand");
        assert!(at_head(&migrator, &mut conn).expect("check"));
    }
    // The next run that goes past the fast path (one with work to do)
    // puts the trigger back.
    migrator.downgrade(&mut conn, "-1").expect("downgrade");
    migrator.upgrade_to_head(&mut conn).expect("upgrade");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM pg_trigger WHERE tgname = 'lithify_state_guard' AND tgenabled = 'A'"
        ),
        1
    );
    conn.batch_execute(by_hand).expect("insert by hand");
    assert_eq!(state_rows(&mut conn), 0, "the trigger is back");
}
