//! Offline `sql`: the reference chain's script is locked by a snapshot, and
//! running the script by hand gives the same database as the online migrator.
mod sqlite_support;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use lithify::Dialect;
use sqlite_support::*;

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn reference_chain_upgrade_script() {
    let m = migrator_for(&reference_dir());
    let script = m.sql(Dialect::Sqlite, None, false).expect("sql");
    snapshot("offline_sql_reference_sqlite_upgrade", &script);
}

#[test]
fn reference_chain_downgrade_script() {
    let m = migrator_for(&reference_dir());
    let script = m
        .sql(Dialect::Sqlite, Some("head:base"), true)
        .expect("sql");
    snapshot("offline_sql_reference_sqlite_downgrade", &script);
}

#[test]
fn offline_script_builds_the_same_database_as_the_migrator() {
    let m = migrator_for(&reference_dir());
    let online = Fixture::new(&[]);
    let mut online_conn = online.conn();
    m.upgrade(&mut online_conn, "head").expect("online upgrade");

    let offline = Fixture::new(&[]);
    let mut offline_conn = offline.conn();
    let script = m
        .sql(Dialect::Sqlite, Some("base:head"), false)
        .expect("sql");
    offline_conn
        .batch_execute(&script)
        .expect("run the offline script");

    assert_eq!(schema(&mut offline_conn), schema(&mut online_conn));
    assert_eq!(recorded(&mut offline_conn), recorded(&mut online_conn));
    // And the migrator accepts the result as being at head.
    assert!(matches!(
        m.check(&mut offline_conn),
        Ok(lithify::CheckOutcome::AtHead { .. })
    ));
}

#[test]
fn partial_ranges_in_both_directions() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let script = m
        .sql(Dialect::Sqlite, Some("0001:0002"), false)
        .expect("range");
    assert!(
        script.contains("CREATE TABLE t2")
            && !script.contains("CREATE TABLE t1 ")
            && !script.contains("t3"),
        "{script}"
    );
    let down = m
        .sql(Dialect::Sqlite, Some("0003:0001"), true)
        .expect("down range");
    assert!(
        down.contains("DROP TABLE t3;")
            && down.contains("DROP TABLE t2;")
            && !down.contains("DROP TABLE t1;"),
        "{down}"
    );

    // Applying the partial script to a database at 0001 brings it to 0002.
    let mut conn = diesel::SqliteConnection::establish(&fx.db.to_string_lossy()).expect("db");
    m.upgrade(&mut conn, "0001").expect("to 0001");
    conn.batch_execute(&script).expect("partial script");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
}
