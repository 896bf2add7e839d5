//! A tokio application that migrates its database on start-up, before it
//! serves anything: the migrator is synchronous (diesel's connections are),
//! so it runs on a blocking thread (`tokio::task::spawn_blocking`) with a
//! plain diesel connection, and the async runtime's worker threads are never
//! blocked.
//!
//! ```text
//! cargo run --example tokio_startup -- app.db                   # migrate, then "serve"
//! cargo run --example tokio_startup -- --migrate current        # the migrator's own CLI
//! ```
//!
//! With diesel-async, the application's own `AsyncPgConnection` type works
//! too, wrapped (feature `diesel-async`, README "Async applications"):
//! `lithify::dialects::postgres::AsyncPgWrapper::establish(&url)` in the same
//! `spawn_blocking` closure.

use std::ffi::OsString;
use std::process::ExitCode;

use lithify::error::exit;
use lithify::{DatabaseUrl, Error, RunReport};

lithify::include_migrations!();

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    // `app --migrate upgrade head` and friends: the migrator's command line,
    // also on a blocking thread.
    let cli_args = args.clone();
    match tokio::task::spawn_blocking(move || migrations::MIGRATOR.handle_cli_flag(cli_args)).await
    {
        Ok(Some(code)) => return code,
        Ok(None) => {}
        Err(e) => return panicked(&e),
    }
    let database = args
        .get(1)
        .map_or_else(|| "app.db".to_owned(), |a| a.to_string_lossy().into_owned());
    match migrate_on_start_up(database).await {
        Ok(report) => println!(
            "migrated {} revision(s); schema at {}; serving",
            report.ran(),
            report.now_at
        ),
        Err(StartUpError::Migration(e)) => {
            eprintln!("error: {e}");
            return e.exit();
        }
        Err(StartUpError::Panicked(e)) => return panicked(&e),
    }
    // ... the application's server would start here.
    ExitCode::SUCCESS
}

/// Why start-up did not get past the migration.
#[derive(Debug)]
enum StartUpError {
    /// The migrator's own error (connection, refusal, a failing revision).
    Migration(Box<Error>),
    /// The blocking task panicked.
    Panicked(tokio::task::JoinError),
}

/// Bring `database` (a SQLite path or URL) to head on a blocking thread.
/// Safe when several instances start at once: the migration lock lets one
/// migrate and the others find the work done.
async fn migrate_on_start_up(database: String) -> Result<RunReport, StartUpError> {
    tokio::task::spawn_blocking(move || migrate(&database))
        .await
        .map_err(StartUpError::Panicked)?
        .map_err(StartUpError::Migration)
}

/// The blocking part: open the connection, upgrade to head. The error is
/// boxed to keep the task's result small (lithify's `Error` is large).
fn migrate(database: &str) -> Result<RunReport, Box<Error>> {
    let url = DatabaseUrl::parse(database).map_err(Error::from)?;
    if !matches!(url, DatabaseUrl::Sqlite { .. }) {
        return Err(Box::new(Error::Connect {
            url: url.to_string(),
            reason: "this example migrates SQLite; see tests/async_postgres.rs for PostgreSQL"
                .to_owned(),
        }));
    }
    // lithify's own opener: `file:` URIs, and errors that name the path.
    let mut conn = lithify::connect::open_sqlite(&url)?;
    // Quiet: a service logs what the report says instead.
    Ok(migrations::MIGRATOR
        .clone()
        .quiet(true)
        .upgrade_to_head(&mut conn)?)
}

fn panicked(e: &tokio::task::JoinError) -> ExitCode {
    eprintln!("error: the migration task did not finish: {e}");
    ExitCode::from(exit::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn start_up_migrates_once_and_then_finds_nothing_to_do() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("app.db").to_string_lossy().into_owned();
        let first = migrate_on_start_up(db.clone()).await.expect("migrates");
        assert_eq!(first.ran(), migrations::REVISIONS.len());
        assert_eq!(first.now_at, format!("{} (head)", migrations::HEAD));
        let second = migrate_on_start_up(db).await.expect("nothing to do");
        assert_eq!(second.ran(), 0);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn three_instances_starting_at_once_apply_each_revision_once() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("app.db").to_string_lossy().into_owned();
        let (a, b, c) = tokio::join!(
            migrate_on_start_up(db.clone()),
            migrate_on_start_up(db.clone()),
            migrate_on_start_up(db.clone())
        );
        let ran: usize = [a, b, c]
            .into_iter()
            .map(|r| r.expect("every instance starts").ran())
            .sum();
        assert_eq!(ran, migrations::REVISIONS.len());
    }

    #[tokio::test]
    async fn a_database_that_cannot_be_opened_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("missing-dir/app.db");
        let err = migrate_on_start_up(db.to_string_lossy().into_owned())
            .await
            .expect_err("no such directory");
        assert!(
            matches!(&err, StartUpError::Migration(e) if matches!(**e, Error::Connect { .. })),
            "{err:?}"
        );
    }
}
