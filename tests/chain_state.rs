//! The chain-state row: cleared by a run's first bookkeeping change and
//! written by its last, rewritten by every other command that changes the
//! bookkeeping (online and in the offline script), trusted by the up-to-date
//! check, and falling back to the full verification when it is missing or
//! does not match.
mod sqlite_support;

use diesel::RunQueryDsl;
use lithify::{CheckOutcome, Dialect, Error, Inconsistency, ResolveAs};
use lithify_core::ChainHash;
use sqlite_support::*;

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct State {
    #[diesel(sql_type = diesel::sql_types::Text)]
    chain_hash: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    row_count: i64,
}

fn state(conn: &mut diesel::SqliteConnection) -> Vec<State> {
    diesel::sql_query("SELECT chain_hash, row_count FROM lithify_revisions_state")
        .load::<State>(conn)
        .expect("state")
}

/// The hash of the first `n` revisions of `m`'s chain.
fn hash_of_first(m: &lithify::Migrator, n: usize) -> String {
    let mut hash = ChainHash::new();
    for r in &m.chain().revisions[..n] {
        hash.push_text(r.id, r.checksum);
    }
    hash.finish().to_string()
}

fn at_head(m: &lithify::Migrator, conn: &mut diesel::SqliteConnection) -> bool {
    matches!(m.check(conn), Ok(CheckOutcome::AtHead { .. }))
}

#[test]
fn every_change_rewrites_the_state() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    assert_eq!(hash_of_first(&m, 3), m.chain().chain_hash);

    m.upgrade(&mut conn, "0002").expect("upgrade");
    let want = |n: usize, rows: i64| {
        vec![State {
            chain_hash: hash_of_first(&m, n),
            row_count: rows,
        }]
    };
    assert_eq!(state(&mut conn), want(2, 2));
    m.upgrade_to_head(&mut conn).expect("head");
    assert_eq!(state(&mut conn), want(3, 3));
    assert!(at_head(&m, &mut conn));
    m.downgrade(&mut conn, "0001").expect("downgrade");
    assert_eq!(state(&mut conn), want(1, 1));
    m.stamp(&mut conn, "head", false).expect("stamp");
    assert_eq!(state(&mut conn), want(3, 3));
    m.stamp(&mut conn, "base", true).expect("stamp --purge");
    assert_eq!(state(&mut conn), want(0, 0));
}

#[test]
fn during_a_run_there_is_no_state_row() {
    // Revision three records what a start-up check running at that moment
    // (after two, the run's first, committed) would find in the state table.
    let fx = Fixture::new(&[
        ("one", "CREATE TABLE t1 (id INTEGER);", "DROP TABLE t1;"),
        ("two", "CREATE TABLE t2 (id INTEGER);", "DROP TABLE t2;"),
        (
            "three",
            "CREATE TABLE seen AS SELECT COUNT(*) AS n FROM lithify_revisions_state;",
            "DROP TABLE seen;",
        ),
        ("four", "CREATE TABLE t4 (id INTEGER);", "DROP TABLE t4;"),
    ]);
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade(&mut conn, "0001").expect("first");
    assert_eq!(state(&mut conn).len(), 1);
    m.upgrade_to_head(&mut conn).expect("rest");
    #[derive(diesel::QueryableByName)]
    struct Seen {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let seen: Vec<Seen> = diesel::sql_query("SELECT n FROM seen")
        .load(&mut conn)
        .expect("seen");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].n, 0, "the run's first change cleared the state");
    assert_eq!(
        state(&mut conn),
        [State {
            chain_hash: m.chain().chain_hash.to_owned(),
            row_count: 4,
        }],
        "the run's last change wrote it"
    );
}

#[test]
fn a_run_that_stops_halfway_leaves_no_state_and_resolve_writes_it() {
    let fx = Fixture::failing_outside_a_transaction();
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade_to_head(&mut conn).expect_err("two fails");
    assert_eq!(state(&mut conn), [], "a stale state could claim head");
    assert!(matches!(
        m.check(&mut conn),
        Err(Error::Inconsistent(Inconsistency::LeftStarted { .. }))
    ));
    m.resolve(&mut conn, "0002", ResolveAs::Applied)
        .expect("resolve");
    // The started row was in the count, not the hash; resolved, it is both.
    assert_eq!(
        state(&mut conn),
        [State {
            chain_hash: m.chain().chain_hash.to_owned(),
            row_count: 2,
        }]
    );
    assert!(at_head(&m, &mut conn));
}

#[test]
fn without_a_state_row_the_full_verification_decides_and_upgrade_heals() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade_to_head(&mut conn).expect("upgrade");
    // A database written by a lithify without the state table.
    exec(&mut conn, "DROP TABLE lithify_revisions_state");
    assert!(at_head(&m, &mut conn), "full verification");
    exec(
        &mut conn,
        "UPDATE lithify_revisions SET checksum = 'sha256:beef' WHERE id = '0001'",
    );
    assert!(
        matches!(
            m.check(&mut conn),
            Err(Error::Inconsistent(Inconsistency::ChecksumDrift { .. }))
        ),
        "no state: drift is caught"
    );
    exec(
        &mut conn,
        &format!(
            "UPDATE lithify_revisions SET checksum = '{}' WHERE id = '0001'",
            m.chain().revisions[0].checksum
        ),
    );
    // Nothing to upgrade, but the state is written for the next start.
    let report = m.upgrade_to_head(&mut conn).expect("no-op upgrade");
    assert!(report.steps.is_empty());
    assert_eq!(
        state(&mut conn),
        [State {
            chain_hash: m.chain().chain_hash.to_owned(),
            row_count: 3,
        }]
    );
}

#[test]
fn rows_added_or_removed_by_hand_defeat_the_fast_path() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade_to_head(&mut conn).expect("upgrade");
    exec(
        &mut conn,
        "INSERT INTO lithify_revisions (id, checksum, message, state) VALUES ('9999', 'sha256:x', 'from the future', 'applied')",
    );
    assert!(matches!(
        m.check(&mut conn),
        Err(Error::Inconsistent(Inconsistency::UnknownRevision { .. }))
    ));
    assert!(matches!(
        m.upgrade_to_head(&mut conn),
        Err(Error::Inconsistent(Inconsistency::UnknownRevision { .. }))
    ));
    exec(
        &mut conn,
        "DELETE FROM lithify_revisions WHERE id IN ('9999', '0003')",
    );
    assert!(matches!(
        m.check(&mut conn),
        Ok(CheckOutcome::Behind { .. })
    ));
}

/// The documented trade-off: an in-place edit of a row at head is not seen by
/// the fast path, only by the full verification (`applied`, `current`, and
/// every command that changes something).
#[test]
fn an_in_place_edit_at_head_is_caught_by_the_full_verification_only() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade_to_head(&mut conn).expect("upgrade");
    exec(
        &mut conn,
        "UPDATE lithify_revisions SET checksum = 'sha256:beef' WHERE id = '0001'",
    );
    assert!(at_head(&m, &mut conn), "fast path trusts the state row");
    assert!(matches!(
        m.applied(&mut conn),
        Err(Error::Inconsistent(Inconsistency::ChecksumDrift { .. }))
    ));
    assert!(matches!(
        m.downgrade(&mut conn, "base"),
        Err(Error::Inconsistent(Inconsistency::ChecksumDrift { .. }))
    ));
}

#[test]
fn the_offline_script_writes_the_same_state_as_the_migrator() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut online = fx.conn();
    m.upgrade(&mut online, "0002").expect("online");

    let other = Fixture::new(&[]);
    let mut offline = other.conn();
    let script = m
        .sql(Dialect::Sqlite, Some("base:0002"), false)
        .expect("sql");
    diesel::connection::SimpleConnection::batch_execute(&mut offline, &script).expect("script");
    assert_eq!(state(&mut offline), state(&mut online));

    let down = m
        .sql(Dialect::Sqlite, Some("0002:0001"), true)
        .expect("sql");
    diesel::connection::SimpleConnection::batch_execute(&mut offline, &down).expect("down");
    m.downgrade(&mut online, "0001").expect("online down");
    assert_eq!(state(&mut offline), state(&mut online));
}

#[test]
fn fast_and_full_checks_describe_several_heads_alike() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/branching");
    let m = migrator_for(&dir);
    let fx = Fixture::new(&[]);
    let mut conn = fx.conn();
    m.upgrade(&mut conn, "heads").expect("upgrade heads");
    let fast = m.check(&mut conn).expect("fast check");
    exec(&mut conn, "DELETE FROM lithify_revisions_state");
    let full = m.check(&mut conn).expect("full check");
    assert!(matches!(fast, CheckOutcome::AtHead { .. }), "{fast:?}");
    assert_eq!(fast, full);
}
