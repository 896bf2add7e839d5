//! Bookkeeping: stamps, custom table names, awkward messages, and the
//! started/applied protocol of non-transactional revisions.
mod sqlite_support;

use diesel::RunQueryDsl;
use lithify::{Error, Inconsistency};
use sqlite_support::*;

#[test]
fn stamp_records_without_running_sql() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    let report = m.stamp(&mut conn, "0002", false).expect("stamp");
    assert_eq!(report.added, ["0001", "0002"]);
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
    assert!(tables(&mut conn).is_empty(), "stamp runs no migration SQL");
    let again = m.stamp(&mut conn, "0002", false).expect("again");
    assert!(again.added.is_empty() && again.removed.is_empty());
    m.stamp(&mut conn, "base", false).expect("stamp base");
    assert!(recorded(&mut conn).is_empty());
}

#[test]
fn custom_bookkeeping_table_and_quoted_messages() {
    let fx = Fixture::new(&[("one", "CREATE TABLE t1 (id INTEGER);", "DROP TABLE t1;")]);
    std::fs::write(
        fx.dir.join("0001_one/metadata.toml"),
        "message = \"it's a 'quoted' message; DROP TABLE x; --\"\n",
    )
    .expect("metadata");
    let m = fx.migrator().bookkeeping_table("schema_history");
    let mut conn = fx.conn();
    m.upgrade(&mut conn, "head").expect("upgrade");
    let state = m.current(&mut conn).expect("current");
    assert_eq!(state.rows.len(), 1);
    assert_eq!(
        state.rows[0].message,
        "it's a 'quoted' message; DROP TABLE x; --"
    );
    let names: Vec<String> = schema(&mut conn).into_iter().map(|r| r.name).collect();
    assert!(
        names.contains(&"schema_history".to_owned())
            && !names.contains(&"lithify_revisions".to_owned()),
        "{names:?}"
    );

    let bad = fx.migrator().bookkeeping_table("x; DROP TABLE t1");
    assert!(matches!(
        bad.upgrade(&mut conn, "head"),
        Err(Error::InvalidTableName(_))
    ));
}

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct StateRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
}

fn states(conn: &mut diesel::SqliteConnection) -> Vec<(String, String)> {
    diesel::sql_query("SELECT id, state FROM lithify_revisions ORDER BY id")
        .load::<StateRow>(conn)
        .expect("states")
        .into_iter()
        .map(|r| (r.id, r.state))
        .collect()
}

#[test]
fn non_transactional_revision_failing_is_left_started_and_refused() {
    let fx = Fixture::failing_outside_a_transaction();
    let m = fx.migrator();
    let mut conn = fx.conn();
    let err = m.upgrade(&mut conn, "head").expect_err("fails");
    assert!(
        matches!(err, Error::RevisionFailed { left_started: true, ref id, .. } if id == "0002"),
        "{err}"
    );
    // Outside a transaction the first statement stays: the row says so.
    assert_eq!(
        states(&mut conn),
        [
            ("0001".into(), "applied".into()),
            ("0002".into(), "started".into())
        ]
    );
    assert_eq!(tables(&mut conn), ["t1", "t2"]);

    let again = m.upgrade(&mut conn, "head").expect_err("refused");
    assert!(
        matches!(again, Error::Inconsistent(Inconsistency::LeftStarted { ref id, .. }) if id == "0002"),
        "{again}"
    );

    // Undo by hand, stamp the previous revision, fix nothing else: the started row is resolved.
    exec(&mut conn, "DROP TABLE t2");
    m.stamp(&mut conn, "0001", false).expect("stamp");
    assert_eq!(states(&mut conn), [("0001".into(), "applied".into())]);
}

#[test]
fn non_transactional_revision_succeeds_through_started() {
    let fx = Fixture::new(&[
        ("one", "CREATE TABLE t1 (id INTEGER);", "DROP TABLE t1;"),
        ("two", "CREATE TABLE t2 (id INTEGER);", "DROP TABLE t2;"),
    ]);
    std::fs::write(
        fx.dir.join("0002_two/metadata.toml"),
        "run_in_transaction = false\n",
    )
    .expect("metadata");
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade(&mut conn, "head").expect("upgrade");
    assert_eq!(
        states(&mut conn),
        [
            ("0001".into(), "applied".into()),
            ("0002".into(), "applied".into())
        ]
    );
    m.downgrade(&mut conn, "base").expect("downgrade");
    assert!(states(&mut conn).is_empty());
    let script = m.sql(lithify::Dialect::Sqlite, None, false).expect("sql");
    assert!(script.contains("-- non-transactional"), "{script}");
}

#[test]
fn a_foreign_table_of_the_same_name_is_an_error_with_the_fix_and_stays_untouched() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    let mut conn = fx.conn();
    exec(
        &mut conn,
        "CREATE TABLE lithify_revisions (id TEXT); INSERT INTO lithify_revisions VALUES ('mine');",
    );
    let err = fx
        .migrator()
        .upgrade_to_head(&mut conn)
        .expect_err("not lithify's table");
    let message = err.to_string();
    assert!(
        matches!(err, Error::UnreadableBookkeeping { .. })
            && message.contains("cannot read the bookkeeping table `lithify_revisions`")
            && message.contains("--bookkeeping-table NAME"),
        "{message}"
    );
    assert!(tables(&mut conn).is_empty(), "no revision ran");
    let ids: Vec<String> = diesel::sql_query("SELECT id FROM lithify_revisions")
        .load::<IdRow>(&mut conn)
        .expect("still readable")
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["mine"]);
}
