//! A failing revision rolls back whole and leaves the database at the previous one.
mod sqlite_support;

use lithify::Error;
use sqlite_support::*;

#[test]
fn failing_revision_three_leaves_database_at_two() {
    let fx = Fixture::new(&[
        ("one", "CREATE TABLE t1 (id INTEGER PRIMARY KEY);", "DROP TABLE t1;"),
        ("two", "CREATE TABLE t2 (id INTEGER PRIMARY KEY);", "DROP TABLE t2;"),
        (
            "three",
            "CREATE TABLE t3 (id INTEGER PRIMARY KEY);\nINSERT INTO t1 (id) VALUES (7);\nINSERT INTO no_such_table VALUES (1);",
            "DROP TABLE t3;",
        ),
        ("four", "CREATE TABLE t4 (id INTEGER PRIMARY KEY);", "DROP TABLE t4;"),
    ]);
    let m = fx.migrator();
    let mut conn = fx.conn();
    let err = m.upgrade(&mut conn, "head").expect_err("revision 3 fails");
    let Error::RevisionFailed {
        id,
        file,
        left_started,
        ..
    } = &err
    else {
        panic!("expected RevisionFailed, got {err}");
    };
    assert_eq!(id, "0003");
    assert_eq!(file, "0003_three/up.sql");
    assert!(!left_started);
    let text = err.to_string();
    assert!(
        text.contains("no_such_table"),
        "the database error is shown: {text}"
    );
    assert!(
        text.contains("rolled back") && text.contains("0002"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 3);

    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
    assert_eq!(
        tables(&mut conn),
        ["t1", "t2"],
        "nothing of revision 3 may remain"
    );
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<N> = diesel::sql_query("SELECT COUNT(*) AS n FROM t1")
        .load(&mut conn)
        .expect("count");
    assert_eq!(
        rows[0].n, 0,
        "revision 3's data change must be rolled back too"
    );
}

#[test]
fn missing_down_sql_is_refused_before_anything_runs() {
    let fx = Fixture::new(&[
        ("one", "CREATE TABLE t1 (id INTEGER);", "DROP TABLE t1;"),
        ("two", "CREATE TABLE t2 (id INTEGER);", "DROP TABLE t2;"),
    ]);
    // Make revision 1 irreversible: no down.sql at all.
    std::fs::remove_file(fx.dir.join("0001_one/down.sql")).expect("rm");
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade(&mut conn, "head").expect("up");
    let err = m.downgrade(&mut conn, "base").expect_err("irreversible");
    assert!(
        matches!(err, Error::MissingSql { ref id, .. } if id == "0001"),
        "{err}"
    );
    assert_eq!(
        tables(&mut conn),
        ["t1", "t2"],
        "revision 2 must not be reverted either"
    );
}
