//! Reference chain: upgrade to head, downgrade to base, upgrade again gives the
//! same schema.
mod sqlite_support;

use sqlite_support::*;

#[test]
fn up_down_up_restores_identical_schema() {
    let fx = Fixture::new(&[]);
    let m = migrator_for(&reference_dir());
    let mut conn = fx.conn();

    let report = m.upgrade(&mut conn, "head").expect("upgrade");
    assert_eq!(report.ran(), m.chain().revisions.len());
    assert!(report.now_at.ends_with("(head)"), "{}", report.now_at);
    let first = schema(&mut conn);
    assert!(tables(&mut conn).contains(&"jobs".to_owned()));

    let down = m.downgrade(&mut conn, "base").expect("downgrade");
    assert_eq!(down.ran(), m.chain().revisions.len());
    assert_eq!(down.now_at, "<base>");
    assert!(
        tables(&mut conn).is_empty(),
        "left behind: {:?}",
        tables(&mut conn)
    );
    assert!(recorded(&mut conn).is_empty());

    m.upgrade(&mut conn, "head").expect("upgrade again");
    assert_eq!(schema(&mut conn), first);
}

#[test]
fn upgrade_at_head_has_nothing_to_do() {
    let fx = Fixture::new(&[]);
    let m = migrator_for(&reference_dir());
    let mut conn = fx.conn();
    m.upgrade_to_head(&mut conn).expect("upgrade");
    let again = m.upgrade_to_head(&mut conn).expect("again");
    assert!(again.steps.is_empty());
    assert!(matches!(
        m.check(&mut conn),
        Ok(lithify::CheckOutcome::AtHead { .. })
    ));
}
