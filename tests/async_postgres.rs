//! A tokio application migrating PostgreSQL on start-up through the
//! connection type it already uses: diesel-async's
//! `AsyncConnectionWrapper<AsyncPgConnection>` (feature `diesel-async`), on
//! a blocking thread. Against the real server at POSTGRES_URL, one database
//! per test.
#![cfg(all(feature = "diesel-async", feature = "cli"))]

mod server_support;

use diesel::Connection;
use lithify::dialects::postgres::AsyncPgWrapper;
use lithify::CheckOutcome;
use server_support::*;

type TestDb = ServerDb<Postgres>;

#[tokio::test(flavor = "multi_thread")]
async fn an_async_application_migrates_on_start_up_through_the_async_connection_wrapper() {
    let db = TestDb::new("pg_async_startup");
    let migrator = migrator_for(&reference_dir());
    let (url, m) = (db.url.clone(), migrator.clone());
    // What the application's start-up does before it serves anything.
    let report = tokio::task::spawn_blocking(move || {
        let mut conn = AsyncPgWrapper::establish(&url).expect("connect");
        // Boxed: lithify's Error is large to move between threads.
        m.upgrade_to_head(&mut conn).map_err(Box::new)
    })
    .await
    .expect("the blocking task ran")
    .expect("the migration ran");
    assert_eq!(report.ran(), 7);

    // A second start-up finds nothing to do; so does a plain sync connection.
    let (url, m) = (db.url.clone(), migrator.clone());
    let again = tokio::task::spawn_blocking(move || {
        let mut conn = AsyncPgWrapper::establish(&url).expect("connect");
        m.upgrade_to_head(&mut conn).map_err(Box::new)
    })
    .await
    .expect("the blocking task ran")
    .expect("nothing to do");
    assert_eq!(again.ran(), 0);
    let outcome = migrator.check(&mut db.conn()).expect("check");
    assert!(
        matches!(outcome, CheckOutcome::AtHead { .. }),
        "{outcome:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_async_wrapper_reports_a_failing_revision_like_any_connection() {
    let db = TestDb::new("pg_async_failure");
    let fixture = Fixture::new()
        .revision(
            "0001_ok",
            &[
                ("up.sql", "CREATE TABLE ok (id INT);"),
                ("down.sql", "DROP TABLE ok;"),
            ],
        )
        .revision("0002_broken", &[("up.sql", "CREATE TABLE broken (id INT;")]);
    let migrator = fixture.migrator();
    let url = db.url.clone();
    let err = tokio::task::spawn_blocking(move || {
        let mut conn = AsyncPgWrapper::establish(&url).expect("connect");
        migrator.upgrade_to_head(&mut conn).map_err(Box::new)
    })
    .await
    .expect("the blocking task ran")
    .expect_err("the second revision fails");
    assert!(
        matches!(&*err, lithify::Error::RevisionFailed { id, .. } if id == "0002"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("rolled back: the database is still at 0001"),
        "{err}"
    );
}
