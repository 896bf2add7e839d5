//! The packed chain at run time: parsed only when needed, and damaged data is
//! an error that says how to rebuild, never a panic in the migrator.
mod sqlite_support;

use lithify::{EmbeddedChain, Error, Migrator, PackedRevisions, Revisions};
use sqlite_support::*;

/// `good`'s facts over packed data that does not parse, as if someone had
/// edited the build's OUT_DIR.
fn damaged_copy_of(good: &EmbeddedChain) -> &'static EmbeddedChain {
    let revisions: &'static Revisions = Box::leak(Box::new(Revisions::new(PackedRevisions {
        data: "lithify-chain 2\ncount 6\nrevision 0\nid 99:oops\n",
        len: good.len(),
        package: "myapp",
    })));
    Box::leak(Box::new(EmbeddedChain {
        revisions,
        heads: good.heads,
        chain_hash: good.chain_hash,
        session: good.session,
    }))
}

#[test]
fn leaked_chain_parses_through_the_packed_format() {
    let m = migrator_for(&reference_dir());
    let revisions = m.chain().try_revisions().expect("parses");
    assert_eq!(revisions.len(), 7);
    assert_eq!(m.chain().len(), 7);
    assert_eq!(revisions[0].id, "20240101000000");
    assert!(revisions[2].down.is_some_and(|d| d.mysql != d.sqlite));
    // The typed revision that rebuilds jobs on SQLite says so, both ways.
    assert!(revisions[5].foreign_keys_off.up && revisions[5].foreign_keys_off.down);
    assert!(!revisions[6].foreign_keys_off.up);
    // Parsed once: the same slice every time.
    let again = m.chain().try_revisions().expect("parses");
    assert!(std::ptr::eq(revisions, again));
}

#[test]
fn damaged_data_is_an_error_naming_the_fix() {
    let good = migrator_for(&reference_dir());
    let damaged = damaged_copy_of(good.chain());
    // The length is a build-time constant: no parsing needed for it.
    assert_eq!(damaged.revisions.len(), 7);
    let message = match damaged.try_revisions() {
        Err(e @ Error::InvalidChain { .. }) => e.to_string(),
        other => panic!("expected InvalidChain, got {other:?}"),
    };
    assert!(message.contains("at byte 41"), "{message}");
    assert!(message.contains("`cargo clean -p myapp`"), "{message}");

    let fx = Fixture::new(&[]);
    let mut conn = fx.conn();
    let err = Migrator::new(damaged)
        .quiet(true)
        .upgrade_to_head(&mut conn)
        .expect_err("cannot migrate without revisions");
    assert!(matches!(err, Error::InvalidChain { .. }), "{err}");
}

#[test]
fn up_to_date_check_does_not_parse_the_revisions() {
    let good = migrator_for(&reference_dir());
    let fx = Fixture::new(&[]);
    let mut conn = fx.conn();
    good.upgrade_to_head(&mut conn).expect("upgrade");
    // Same heads, hash and count over unparseable data: only the one-query
    // fast path can answer, and it does.
    let report = Migrator::new(damaged_copy_of(good.chain()))
        .quiet(true)
        .upgrade_to_head(&mut conn)
        .expect("at head, answered without parsing");
    assert_eq!(report.ran(), 0);
    assert!(report.now_at.ends_with("(head)"), "{}", report.now_at);
}
