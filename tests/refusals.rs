//! Before changing anything, the migrator refuses databases that disagree with
//! the embedded chain: checksum drift, unknown revisions, revisions left started.
mod sqlite_support;

use lithify::{Error, Inconsistency};
use sqlite_support::*;

fn at_two_of_three() -> (Fixture, lithify::Migrator, diesel::SqliteConnection) {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade(&mut conn, "0002").expect("upgrade");
    (fx, m, conn)
}

#[test]
fn checksum_drift_is_refused_and_named() {
    let (_fx, m, mut conn) = at_two_of_three();
    let fake = format!("sha256:{}", "0".repeat(64));
    exec(
        &mut conn,
        &format!("UPDATE lithify_revisions SET checksum = '{fake}' WHERE id = '0001'"),
    );
    let err = m.upgrade(&mut conn, "head").expect_err("drift");
    match &err {
        Error::Inconsistent(Inconsistency::ChecksumDrift {
            id,
            applied,
            embedded,
            ..
        }) => {
            assert_eq!(id, "0001");
            assert_eq!(applied, &fake);
            assert_eq!(embedded, m.chain().revisions[0].checksum);
        }
        other => panic!("expected drift, got {other}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("0001") && text.contains(&fake) && text.contains("seal --amend"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 4);
    assert_eq!(tables(&mut conn), ["t1", "t2"], "nothing may change");
}

#[test]
fn unknown_revision_is_refused_with_the_fix() {
    let (_fx, m, mut conn) = at_two_of_three();
    exec(
        &mut conn,
        "INSERT INTO lithify_revisions (id, checksum, message, state) VALUES ('9999', 'sha256:x', 'from the future', 'applied')",
    );
    let err = m.upgrade(&mut conn, "head").expect_err("unknown");
    assert!(
        matches!(&err, Error::Inconsistent(Inconsistency::UnknownRevision { id, .. }) if id == "9999"),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("newer") && text.contains("stamp") && text.contains("--purge"),
        "{text}"
    );
    assert_eq!(tables(&mut conn), ["t1", "t2"]);

    // The suggested fix works: purge and stamp the real state, then upgrade.
    m.stamp(&mut conn, "0002", true).expect("stamp --purge");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
    m.upgrade(&mut conn, "head").expect("upgrade after purge");
    assert_eq!(tables(&mut conn), ["t1", "t2", "t3"]);
}

#[test]
fn revision_left_started_is_refused() {
    let (_fx, m, mut conn) = at_two_of_three();
    exec(
        &mut conn,
        "UPDATE lithify_revisions SET state = 'started' WHERE id = '0002'",
    );
    let err = m.upgrade(&mut conn, "head").expect_err("started");
    assert!(
        matches!(&err, Error::Inconsistent(Inconsistency::LeftStarted { id, .. }) if id == "0002"),
        "{err}"
    );
    assert_eq!(tables(&mut conn), ["t1", "t2"]);
}

#[test]
fn downgrade_and_stamp_refuse_too() {
    let (_fx, m, mut conn) = at_two_of_three();
    exec(
        &mut conn,
        "UPDATE lithify_revisions SET checksum = 'sha256:beef' WHERE id = '0002'",
    );
    assert!(matches!(
        m.downgrade(&mut conn, "base"),
        Err(Error::Inconsistent(_))
    ));
    assert!(matches!(
        m.stamp(&mut conn, "head", false),
        Err(Error::Inconsistent(_))
    ));
    assert_eq!(tables(&mut conn), ["t1", "t2"]);
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
}
