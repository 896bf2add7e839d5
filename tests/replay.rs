//! `replay` on SQLite files: every revision up, down and up again, the first
//! down that does not restore its schema reported with the difference, and
//! a database that is not empty left alone.
mod sqlite_support;

use lithify::{Error, ReplayError};
use sqlite_support::*;

fn chain_with_second_down(down: &str) -> Fixture {
    Fixture::new(&[
        (
            "create_jobs",
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT NOT NULL);",
            "DROP TABLE jobs;",
        ),
        (
            "index_jobs",
            "ALTER TABLE jobs ADD COLUMN company TEXT NOT NULL DEFAULT 'none';\n\
             CREATE INDEX jobs_company_idx ON jobs (company);",
            down,
        ),
        (
            "create_companies",
            "CREATE TABLE companies (id INTEGER PRIMARY KEY);",
            "DROP TABLE companies;",
        ),
    ])
}

#[test]
fn a_chain_whose_downs_undo_their_ups_replays_cleanly() {
    let fx = chain_with_second_down(
        "DROP INDEX jobs_company_idx;\nALTER TABLE jobs DROP COLUMN company;",
    );
    let m = fx.migrator();
    let mut conn = fx.conn();
    let report = m.replay(&mut conn).expect("replay");
    assert_eq!(report.replayed, ["0001", "0002", "0003"]);
    assert!(report.irreversible.is_empty());
    // The database is left at head, as a normal upgrade would leave it.
    assert_eq!(recorded(&mut conn), ["0001", "0002", "0003"]);
    assert_eq!(tables(&mut conn), ["companies", "jobs"]);
}

#[test]
fn a_down_that_leaves_an_index_behind_is_reported_with_the_difference() {
    // A down.sql that undoes nothing (a placeholder nobody filled in)
    // leaves the column and its index behind.
    let fx = chain_with_second_down("SELECT 1;");
    let m = fx.migrator();
    let mut conn = fx.conn();
    let err = m.replay(&mut conn).expect_err("broken down");
    let Error::Replay(ReplayError::DownDoesNotRestore { id, diff, .. }) = &err else {
        panic!("{err}");
    };
    assert_eq!(id, "0002");
    assert_eq!(
        diff,
        &[
            "+ index jobs_company_idx on jobs (company)",
            "+ table jobs column company TEXT not null default 'none'",
        ]
    );
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("replay_down_does_not_restore", err.to_string());
    });
    // Stopped there: the third revision never ran.
    assert_eq!(recorded(&mut conn), ["0001"]);
}

#[test]
fn an_irreversible_revision_is_applied_once_and_reported() {
    let fx = chain_with_second_down("");
    std::fs::remove_file(fx.dir.join("0002_index_jobs/down.sql")).expect("remove down.sql");
    let report = fx.migrator().replay(&mut fx.conn()).expect("replay");
    assert_eq!(report.replayed, ["0001", "0003"]);
    assert_eq!(report.irreversible, ["0002"]);
}

#[test]
fn a_database_that_is_not_empty_is_refused_and_left_alone() {
    let fx = chain_with_second_down(
        "DROP INDEX jobs_company_idx;\nALTER TABLE jobs DROP COLUMN company;",
    );
    let mut conn = fx.conn();
    exec(
        &mut conn,
        "CREATE TABLE customers (id INTEGER PRIMARY KEY);",
    );
    let err = fx.migrator().replay(&mut conn).expect_err("not empty");
    assert!(
        matches!(&err, Error::Replay(ReplayError::NotEmpty { objects }) if objects == &["table customers column id INTEGER primary key 1"]),
        "{err}"
    );
    assert_eq!(err.exit_code(), 2);
    assert_eq!(tables(&mut conn), ["customers"]);
}

#[test]
fn the_cli_replays_on_a_temporary_file_and_exits_1_on_a_broken_down() {
    let good = chain_with_second_down(
        "DROP INDEX jobs_company_idx;\nALTER TABLE jobs DROP COLUMN company;",
    );
    let out = good.lithify(&["replay"]).output().expect("run lithify");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("replaying on a temporary SQLite database"),
        "{stdout}"
    );
    assert!(
        stdout.contains("replayed 3 revisions up, down and up again"),
        "{stdout}"
    );
    assert!(!good.db.exists(), "--database-url is not where replay runs");

    let broken = chain_with_second_down("SELECT 1;");
    let out = broken.lithify(&["replay"]).output().expect("run lithify");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the down of revision `0002`"), "{stderr}");

    // --scratch names the database; an existing one is refused with 2.
    let scratch = broken.tmp.path().join("scratch.db");
    let scratch = scratch.to_string_lossy();
    let out = good
        .lithify(&["replay", "--scratch", &scratch])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = good
        .lithify(&["replay", "--scratch", &scratch])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replay needs an empty scratch database"));
}
