//! The migration lock is released on every path, panics included: a fake
//! connection that records lock calls and panics in a revision's SQL.
#![cfg(all(feature = "sqlite", feature = "cli"))]

mod server_support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use lithify::bookkeeping::BookkeepingRow;
use lithify::dialects::{BackendError, MigrationConnection, RunLock, SqlDialect, SqliteDialect};
use server_support::*;

/// Records whether the lock is held; fails or panics inside revision SQL.
#[derive(Default)]
struct FakeConnection {
    held: bool,
    acquired: usize,
    panic_in_revision: bool,
}

impl MigrationConnection for FakeConnection {
    fn sql_dialect(&self) -> &'static dyn SqlDialect {
        &SqliteDialect
    }

    fn prepare_session(&mut self, _lock_timeout: Duration) -> Result<(), BackendError> {
        Ok(())
    }

    fn acquire_migration_lock(
        &mut self,
        _table: &str,
        _t: Duration,
    ) -> Result<RunLock, BackendError> {
        self.held = true;
        self.acquired += 1;
        Ok(RunLock::in_session())
    }

    fn release_migration_lock(&mut self, _table: &str) -> Result<(), BackendError> {
        self.held = false;
        Ok(())
    }

    fn execute_sql(&mut self, _sql: &str) -> Result<(), BackendError> {
        Ok(())
    }

    fn run_revision_sql(&mut self, _sql: &str, _in_tx: bool) -> Result<(), BackendError> {
        if self.panic_in_revision {
            panic!("a bug while running a revision");
        }
        Err(BackendError::Query(diesel::result::Error::NotFound))
    }

    fn bookkeeping_table_exists(&mut self, _table: &str) -> Result<bool, BackendError> {
        Ok(false)
    }

    fn load_bookkeeping(&mut self, _table: &str) -> Result<Vec<BookkeepingRow>, BackendError> {
        Ok(Vec::new())
    }

    fn load_diesel_versions(&mut self) -> Result<Option<Vec<String>>, BackendError> {
        Ok(None)
    }
}

#[test]
fn released_after_an_error() {
    let migrator = migrator_for(&reference_dir());
    let mut conn = FakeConnection::default();
    assert!(migrator.upgrade_to_head(&mut conn).is_err());
    assert_eq!(conn.acquired, 1);
    assert!(!conn.held);
}

#[test]
fn released_after_a_panic() {
    let migrator = migrator_for(&reference_dir());
    let mut conn = FakeConnection {
        panic_in_revision: true,
        ..FakeConnection::default()
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        migrator.upgrade_to_head(&mut conn).is_ok()
    }));
    assert!(outcome.is_err(), "the panic is passed on to the caller");
    assert_eq!(conn.acquired, 1);
    assert!(!conn.held, "the lock was released before the panic went on");
}
