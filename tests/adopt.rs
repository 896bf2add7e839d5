//! diesel interop on SQLite files: the embedded chain run by diesel's own
//! `MigrationHarness`, then adopted by lithify.
#![cfg(all(feature = "sqlite", feature = "cli", feature = "diesel-migrations"))]

mod server_support;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use lithify::recovery::RecoveryError;
use lithify::{Error, MigrationHarness};
use server_support::*;

fn open(dir: &tempfile::TempDir) -> SqliteConnection {
    let path = dir.path().join("app.db");
    SqliteConnection::establish(&path.to_string_lossy()).expect("open sqlite")
}

#[test]
fn diesel_harness_runs_the_embedded_chain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let migrator = migrator_for(&reference_dir());
    let mut conn = open(&tmp);
    let ran = conn
        .run_pending_migrations(migrator.diesel_source())
        .expect("diesel runs the chain");
    let ids: Vec<String> = ran.iter().map(ToString::to_string).collect();
    let expected: Vec<&str> = migrator.chain().revisions.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);
    assert!(!conn
        .has_pending_migration(migrator.diesel_source())
        .expect("pending"));
    // And back: diesel reverts with the embedded down SQL.
    conn.revert_all_migrations(migrator.diesel_source())
        .expect("revert all");
    assert!(conn.applied_migrations().expect("applied").is_empty());
}

#[test]
fn diesel_harness_refuses_a_sqlite_rebuild_with_foreign_keys_on() {
    let tmp = tempfile::tempdir().expect("tmp");
    let migrator = migrator_for(&reference_dir());
    let mut conn = open(&tmp);
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .expect("foreign keys on");
    let err = conn
        .run_pending_migrations(migrator.diesel_source())
        .expect_err("2024-01-06 rebuilds jobs");
    let said = err.to_string();
    assert!(
        said.contains("this revision rebuilds a table") && said.contains("lithify's migrator"),
        "{said}"
    );
    // diesel rolled that revision back and stopped there.
    let applied = conn.applied_migrations().expect("applied");
    assert_eq!(applied.len(), 5);
    // lithify's own migrator runs it on the same connection, enforcement on.
    migrator
        .upgrade_to_head(&mut conn)
        .expect_err("not adopted yet");
    migrator.adopt(&mut conn).expect("adopt");
    let report = migrator.upgrade_to_head(&mut conn).expect("upgrade");
    assert_eq!(report.ran(), 2);
}

#[test]
fn adopt_a_database_diesel_migrated() {
    let tmp = tempfile::tempdir().expect("tmp");
    let migrator = migrator_for(&reference_dir());
    let mut conn = open(&tmp);
    for _ in 0..3 {
        conn.run_next_migration(migrator.diesel_source())
            .expect("diesel runs one migration");
    }
    // A migration this binary does not know (an abandoned branch, say).
    conn.batch_execute(
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('20991231000000')",
    )
    .expect("unknown version");

    // `check` says what `upgrade` would: adopt first; then upgrade the rest.
    match migrator.check(&mut conn) {
        Ok(lithify::CheckOutcome::NotAdopted {
            known: 3,
            total: 4,
            pending,
        }) => assert_eq!(pending.len(), migrator.chain().len() - 3),
        other => panic!("expected NotAdopted, got {other:?}"),
    }

    // Upgrading first would run diesel's migrations again: refused, with the fix.
    match migrator.upgrade_to_head(&mut conn) {
        Err(e @ Error::Recovery(RecoveryError::NotAdopted { known: 3, total: 4 })) => {
            assert!(e.to_string().contains("run `adopt` once"), "{e}");
        }
        other => panic!("expected NotAdopted, got {other:?}"),
    }

    let report = migrator.adopt(&mut conn).expect("adopt");
    let ids: Vec<&str> = migrator.chain().revisions.iter().map(|r| r.id).collect();
    assert_eq!(report.adopted, ids[..3]);
    assert_eq!(report.unknown, ["20991231000000"]);
    assert!(report.gaps.is_empty());
    // Recorded with the embedded checksums, so verification passes.
    let state = migrator.current(&mut conn).expect("current");
    assert!(state.problem.is_none());
    for row in &state.rows {
        let revision = migrator
            .chain()
            .revisions
            .iter()
            .find(|r| r.id == row.id)
            .expect("known");
        assert_eq!(row.checksum, revision.checksum);
    }
    // diesel's table keeps the unknown version.
    let versions: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT COUNT(*) FROM __diesel_schema_migrations)",
    ))
    .get_result(&mut conn)
    .expect("count");
    assert_eq!(versions, 4);

    let up = migrator
        .upgrade_to_head(&mut conn)
        .expect("lithify takes over");
    assert_eq!(up.ran(), ids.len() - 3);
    let again = migrator.adopt(&mut conn).expect("adopt again");
    assert!(again.adopted.is_empty());
    assert_eq!(again.already.len(), 3);
}

#[test]
fn adopt_reports_gaps_and_refuses_without_diesel() {
    let tmp = tempfile::tempdir().expect("tmp");
    let migrator = migrator_for(&reference_dir());
    let mut conn = open(&tmp);
    match migrator.adopt(&mut conn) {
        Err(Error::Recovery(RecoveryError::NoDieselTable)) => {}
        other => panic!("expected NoDieselTable, got {other:?}"),
    }
    let ids: Vec<&str> = migrator.chain().revisions.iter().map(|r| r.id).collect();
    conn.batch_execute(&format!(
        "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, \
         run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP); \
         INSERT INTO __diesel_schema_migrations (version) VALUES ('{}'), ('{}');",
        ids[0], ids[2]
    ))
    .expect("diesel table");
    let report = migrator.adopt(&mut conn).expect("adopt");
    assert_eq!(report.adopted, [ids[0], ids[2]]);
    assert_eq!(report.gaps, [ids[1]]);
}

#[test]
fn adopt_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let migrator = migrator_for(&reference_dir());
    let mut conn = open(&tmp);
    conn.run_pending_migrations(migrator.diesel_source())
        .expect("diesel runs the chain");
    drop(conn);
    let url = format!("sqlite://{}", tmp.path().join("app.db").display());
    // Before adopting, `check` names the fix `upgrade` would ask for.
    let check = run_lithify(&reference_dir(), &url, &["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let said = String::from_utf8_lossy(&check.stderr).into_owned();
    assert!(
        said.contains("migrated by diesel (7 of the 7 versions")
            && said.contains("run `adopt` once")
            && !said.contains("upgrade head"),
        "{said}"
    );
    let out = run_lithify(&reference_dir(), &url, &["adopt"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("adopted: 7 revision(s) recorded"), "{said}");
    // One line for the six, not one each.
    assert_eq!(said.lines().count(), 2, "{said}");
    assert!(
        said.starts_with("adopt: recorded 7 revisions (20240101000000, "),
        "{said}"
    );
    let check = run_lithify(&reference_dir(), &url, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
}
