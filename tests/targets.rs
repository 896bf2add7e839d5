//! Relative targets (+N, -N) and unique prefixes.
mod sqlite_support;

use lithify::{CheckOutcome, Error};
use sqlite_support::*;

#[test]
fn plus_minus_and_prefix_targets() {
    let revs = tables_chain(4);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();

    m.upgrade(&mut conn, "+1").expect("+1");
    assert_eq!(recorded(&mut conn), ["0001"]);
    m.upgrade(&mut conn, "+2").expect("+2");
    assert_eq!(recorded(&mut conn), ["0001", "0002", "0003"]);
    m.downgrade(&mut conn, "-1").expect("-1");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
    assert_eq!(tables(&mut conn), ["t1", "t2"]);

    // A unique prefix of at least four characters names the revision.
    m.upgrade(&mut conn, "0004").expect("id");
    assert_eq!(recorded(&mut conn).len(), 4);
    m.downgrade(&mut conn, "0002").expect("down to 0002");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
    assert!(
        matches!(m.check(&mut conn), Ok(CheckOutcome::Behind { ref pending, .. }) if pending == &["0003", "0004"])
    );
}

#[test]
fn prefix_of_a_long_id() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("migrations");
    for (name, table) in [("2024-01-01-000000_a", "a"), ("2024-02-01-000000_b", "b")] {
        let rev = dir.join(name);
        std::fs::create_dir_all(&rev).expect("mkdir");
        std::fs::write(
            rev.join("up.sql"),
            format!("CREATE TABLE {table} (id INTEGER);"),
        )
        .expect("up");
        std::fs::write(rev.join("down.sql"), format!("DROP TABLE {table};")).expect("down");
    }
    let m = migrator_for(&dir);
    let mut conn =
        diesel::Connection::establish(&tmp.path().join("db").to_string_lossy()).expect("db");
    m.upgrade(&mut conn, "202401").expect("prefix");
    assert_eq!(recorded(&mut conn), ["20240101000000"]);
    // `2024` matches both: ambiguous, a usage error that changes nothing.
    let err = m.upgrade(&mut conn, "2024").expect_err("ambiguous");
    assert!(matches!(err, Error::Plan(_)), "{err}");
    assert_eq!(err.exit_code(), 2);
    assert_eq!(recorded(&mut conn), ["20240101000000"]);
}

#[test]
fn bad_targets_are_usage_errors() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    for target in ["nope", "+5"] {
        let err = m.upgrade(&mut conn, target).expect_err(target);
        assert_eq!(err.exit_code(), 2, "{target}: {err}");
    }
}
