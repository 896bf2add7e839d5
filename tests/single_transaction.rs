//! `single_transaction(true)` / `--single-transaction` on SQLite: the whole
//! plan commits together or not at all.
mod sqlite_support;

use lithify::Error;
use sqlite_support::*;

/// Five revisions; the third fails after creating its table.
fn failing_third() -> Fixture {
    let mut revs = tables_chain(5);
    revs[2].1 = "CREATE TABLE t3 (id INTEGER PRIMARY KEY);\nINSERT INTO missing VALUES (1);".into();
    Fixture::new(&as_revs(&revs))
}

#[test]
fn a_failure_in_revision_three_of_five_leaves_nothing_applied() {
    let fx = failing_third();
    let m = fx.migrator().single_transaction(true);
    let mut conn = fx.conn();
    let err = m.upgrade_to_head(&mut conn).expect_err("third fails");
    match &err {
        Error::RevisionFailed { id, previous, .. } => {
            assert_eq!(id, "0003");
            assert_eq!(previous, "<base>");
        }
        other => panic!("unexpected error: {other}"),
    }
    assert!(
        err.to_string()
            .contains("rolled back: the database is still at <base>"),
        "{err}"
    );
    assert!(tables(&mut conn).is_empty(), "{:?}", tables(&mut conn));
    assert!(recorded(&mut conn).is_empty());

    // One transaction per revision (the default) keeps the first two.
    let err = fx.migrator().upgrade_to_head(&mut conn).expect_err("fails");
    assert!(err.to_string().contains("still at 0002"), "{err}");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
}

#[test]
fn a_successful_run_and_its_downgrade() {
    let revs = tables_chain(5);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator().single_transaction(true);
    let mut conn = fx.conn();
    let report = m.upgrade_to_head(&mut conn).expect("upgrade");
    assert_eq!(report.ran(), 5);
    // The state is written once, in the same commit, for the fast check.
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        chain_hash: String,
    }
    let stored: Vec<Hash> = diesel::RunQueryDsl::load(
        diesel::sql_query("SELECT chain_hash FROM lithify_revisions_state"),
        &mut conn,
    )
    .expect("state");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].chain_hash, m.chain().chain_hash);
    assert!(matches!(
        m.check(&mut conn),
        Ok(lithify::CheckOutcome::AtHead { .. })
    ));
    m.downgrade(&mut conn, "0002").expect("downgrade");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
    assert_eq!(tables(&mut conn), ["t1", "t2"]);
}

#[test]
fn a_non_transactional_revision_in_the_range_is_refused_before_anything_runs() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    std::fs::write(
        fx.dir.join("0003_create_t3/metadata.toml"),
        "run_in_transaction = false\n",
    )
    .expect("metadata");
    let m = fx.migrator().single_transaction(true);
    let mut conn = fx.conn();
    let err = m.upgrade_to_head(&mut conn).expect_err("refused");
    assert!(matches!(err, Error::SingleTransaction { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("0003") && text.contains("run_in_transaction = false"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 2);
    assert!(recorded(&mut conn).is_empty());
    // Up to the revision before it, the mode works.
    m.upgrade(&mut conn, "0002").expect("upgrade 0002");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
}

#[test]
fn the_cli_flag_turns_it_on() {
    let fx = failing_third();
    let run = |extra: &[&str]| {
        fx.lithify(&["upgrade"])
            .args(extra)
            .output()
            .expect("run lithify")
    };
    let out = run(&["--single-transaction", "head"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let mut conn = fx.conn();
    assert!(recorded(&mut conn).is_empty());
    let out = run(&["head"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
}
