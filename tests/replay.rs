//! `replay` on SQLite files: every revision up, down and up again, the first
//! down that does not restore its schema reported with the difference, and
//! a database that is not empty left alone.
mod sqlite_support;

use diesel::{Connection, RunQueryDsl};
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

/// Five revisions: a good down, one that leaves its index and column
/// behind, one that fails, one that re-adds a dropped column at the end of
/// its table, and a good one after them.
fn chain_with_three_faulty_downs() -> Fixture {
    Fixture::new(&[
        (
            "create_jobs",
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, company TEXT);",
            "DROP TABLE jobs;",
        ),
        (
            "index_jobs",
            "ALTER TABLE jobs ADD COLUMN salary INTEGER;\n\
             CREATE INDEX jobs_salary_idx ON jobs (salary);",
            "-- nobody wrote this one\nSELECT 1;",
        ),
        (
            "create_tags",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
            "DROP TABLE tagz;",
        ),
        (
            "drop_title",
            "ALTER TABLE jobs DROP COLUMN title;",
            "ALTER TABLE jobs ADD COLUMN title TEXT;",
        ),
        (
            "create_companies",
            "CREATE TABLE companies (id INTEGER PRIMARY KEY);",
            "DROP TABLE companies;",
        ),
    ])
}

fn keep_going() -> lithify::ReplayOptions {
    lithify::ReplayOptions {
        keep_going: true,
        ..Default::default()
    }
}

fn broken_report(err: &Error) -> &lithify::ReplayReport {
    let Error::Replay(ReplayError::Broken { report }) = err else {
        panic!("expected a replay report, got: {err}");
    };
    report
}

#[test]
fn keep_going_lists_every_broken_down_and_advances_the_chain_only_by_ups() {
    let fx = chain_with_three_faulty_downs();
    let mut conn = fx.conn();
    let err = fx
        .migrator()
        .replay_with(&mut conn, keep_going())
        .expect_err("two downs are broken");
    let report = broken_report(&err);
    let broken: Vec<&str> = report.broken.iter().map(|f| f.id).collect();
    assert_eq!(broken, ["0002", "0003"]);
    assert_eq!(report.replayed, ["0001", "0004", "0005"]);
    let warned: Vec<&str> = report.warnings.iter().map(|f| f.id).collect();
    assert_eq!(warned, ["0004"], "column order is a warning of its own");
    assert!(report.not_checked.is_empty() && report.stopped.is_none());
    assert_eq!(err.exit_code(), 1);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("replay_keep_going_report", err.to_string());
    });
    // Every down was rolled back: the database is at head with the schema
    // the ups make (title dropped, tags and companies there).
    assert_eq!(
        recorded(&mut conn),
        ["0001", "0002", "0003", "0004", "0005"]
    );
    assert_eq!(tables(&mut conn), ["companies", "jobs", "tags"]);
    let columns: Vec<String> =
        diesel::sql_query("SELECT name AS id FROM pragma_table_info('jobs') ORDER BY cid")
            .load::<IdRow>(&mut conn)
            .expect("columns")
            .into_iter()
            .map(|r| r.id)
            .collect();
    assert_eq!(columns, ["id", "company", "salary"]);
}

#[test]
fn a_column_order_change_is_a_warning_unless_strict_in_both_modes() {
    let fx = Fixture::new(&[
        (
            "create_jobs",
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, company TEXT);",
            "DROP TABLE jobs;",
        ),
        (
            "drop_title",
            "ALTER TABLE jobs DROP COLUMN title;",
            "ALTER TABLE jobs ADD COLUMN title TEXT;",
        ),
    ]);
    let report = fx
        .migrator()
        .replay(&mut fx.conn())
        .expect("a warning only");
    assert_eq!(report.replayed, ["0001", "0002"]);
    assert_eq!(
        report.warnings[0].problems,
        [lithify::DownProblem::ColumnOrder {
            tables: vec![
                "table jobs: id, title, company before the up; id, company, title after the down"
                    .to_owned()
            ]
        }]
    );

    let strict = lithify::ReplayOptions {
        strict_column_order: true,
        ..Default::default()
    };
    let fresh = || {
        let db = fx.tmp.path().join(format!("strict-{}.db", rand_suffix()));
        diesel::SqliteConnection::establish(&db.to_string_lossy()).expect("open")
    };
    let err = fx
        .migrator()
        .replay_with(&mut fresh(), strict)
        .expect_err("strict");
    assert!(
        matches!(&err, Error::Replay(ReplayError::ColumnOrder { id, .. }) if id == "0002"),
        "{err}"
    );
    let err = fx
        .migrator()
        .replay_with(
            &mut fresh(),
            lithify::ReplayOptions {
                keep_going: true,
                strict_column_order: true,
            },
        )
        .expect_err("strict, keep going");
    let broken: Vec<&str> = broken_report(&err).broken.iter().map(|f| f.id).collect();
    assert_eq!(broken, ["0002"]);
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[test]
fn keep_going_replays_a_non_transactional_revision_for_real_and_stops_when_its_down_fails() {
    let fx = Fixture::new(&[
        (
            "create_jobs",
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY);",
            "DROP TABLE jobs;",
        ),
        (
            "outside",
            "CREATE TABLE audit (id INTEGER PRIMARY KEY);",
            "DROP TABLE audit_log;",
        ),
        (
            "create_tags",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY);",
            "DROP TABLE tags;",
        ),
    ]);
    std::fs::write(
        fx.dir.join("0002_outside/metadata.toml"),
        "run_in_transaction = false\n",
    )
    .expect("metadata");
    let err = fx
        .migrator()
        .replay_with(&mut fx.conn(), keep_going())
        .expect_err("the real down fails");
    let report = broken_report(&err);
    assert_eq!(report.broken.len(), 1);
    assert_eq!(report.broken[0].id, "0002");
    assert!(!report.broken[0].rolled_back);
    assert!(
        matches!(&report.broken[0].problems[..], [lithify::DownProblem::DownFails { error }] if error.contains("audit_log")),
        "{:?}",
        report.broken[0].problems
    );
    assert_eq!(report.not_checked, ["0003"]);
    let text = err.to_string();
    assert!(
        text.contains(
            "revision `0002` (0002_outside, replayed for real: it cannot run in a transaction):"
        ),
        "{text}"
    );
    assert!(
        text.contains("the 1 revision(s) after it were not checked: 0003"),
        "{text}"
    );
    assert!(
        text.contains("checked 2, broken 1, column order only 0, not checked 1"),
        "{text}"
    );
}

#[test]
fn keep_going_reports_an_up_that_fails_and_what_it_left_unchecked() {
    let fx = Fixture::new(&[
        (
            "create_jobs",
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY);",
            "DROP TABLE jobs;",
        ),
        (
            "broken_up",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY;",
            "DROP TABLE tags;",
        ),
        (
            "create_companies",
            "CREATE TABLE companies (id INTEGER PRIMARY KEY);",
            "DROP TABLE companies;",
        ),
    ]);
    let mut conn = fx.conn();
    let err = fx
        .migrator()
        .replay_with(&mut conn, keep_going())
        .expect_err("an up fails");
    let report = broken_report(&err);
    assert_eq!(report.replayed, ["0001"]);
    assert!(report.broken.is_empty());
    assert_eq!(report.not_checked, ["0002", "0003"]);
    assert!(
        report
            .stopped
            .as_deref()
            .is_some_and(|s| s.starts_with("the up of revision `0002` failed")),
        "{report:?}"
    );
    assert_eq!(
        err.exit_code(),
        3,
        "a failing up fails the run as upgrade would"
    );
    assert_eq!(recorded(&mut conn), ["0001"]);
}

#[test]
fn the_cli_keep_going_exits_1_and_prints_every_broken_down() {
    let fx = chain_with_three_faulty_downs();
    let out = fx
        .lithify(&["replay", "--keep-going"])
        .output()
        .expect("run lithify");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("check down of 0002 (rolled back): BROKEN"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "replay --keep-going: checked 5, broken 2, column order only 1, not checked 0"
        ),
        "{stdout}"
    );
    for needle in [
        "revision `0002` (0002_index_jobs)",
        "revision `0003` (0003_create_tags)",
        "`0003_create_tags/down.sql` fails: no such table: tagz",
    ] {
        assert!(stderr.contains(needle), "{needle}\n{stderr}");
    }
    let strict = fx
        .lithify(&["replay", "--keep-going", "--strict-column-order"])
        .output()
        .expect("run lithify");
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("3 of 5 checked downs are broken"));
}
