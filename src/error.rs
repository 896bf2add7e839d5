//! Typed errors of the run time. Each message says what is wrong and how to fix it.

use std::process::ExitCode;

use lithify_core::listing::{first_few_of, FIRST_FEW};
use lithify_core::{Dialect, PlanError};
use thiserror::Error;

use crate::dialects::BackendError;
use crate::url::UrlError;

/// Process exit codes used by both front ends.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// `check` failed: the database is not at head, or it is inconsistent.
    pub const CHECK_FAILED: u8 = 1;
    /// The command line (or a target in it) is wrong.
    pub const USAGE: u8 = 2;
    /// A database, connection or revision failure.
    pub const FAILURE: u8 = 3;
    /// The migrator refused to run: the database disagrees with the embedded chain.
    pub const REFUSED: u8 = 4;
}

/// Why the database's bookkeeping disagrees with the embedded chain. The
/// migrator refuses to change anything while one of these holds.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Inconsistency {
    /// The database has applied a revision this binary does not contain.
    #[error(
        "the database has revision `{id}` (\"{message}\") applied, but this binary does not contain it: \
         the database is ahead of this binary or has diverged from it.\n  \
         fix: deploy the binary built from the newer migrations; if `{id}` was abandoned, \
         record the real state with `stamp <REVISION> --purge`"
    )]
    UnknownRevision {
        /// The unknown revision id.
        id: String,
        /// The message recorded with it.
        message: String,
    },
    /// An applied revision's recorded checksum differs from the embedded one.
    #[error(
        "checksum drift in revision `{id}` ({name}): the database applied {applied}, \
         this binary embeds {embedded}; the revision was edited after it was applied.\n  \
         fix: restore the revision's original files, or record the change deliberately with \
         `lithify seal --amend {id} --reason \"...\"` and rebuild"
    )]
    ChecksumDrift {
        /// Revision id.
        id: String,
        /// Its directory name.
        name: String,
        /// Checksum recorded in the database.
        applied: String,
        /// Checksum embedded in this binary.
        embedded: String,
    },
    /// A non-transactional run of the revision began and never finished.
    #[error(
        "revision `{id}` ({name}) was left `started` by an interrupted non-transactional run; \
         the database may hold part of it.\n  \
         fix: inspect the database, then run `resolve {id} --applied` if its changes are complete, \
         or undo them by hand and run `resolve {id} --reverted` (then `upgrade` runs it again; \
         the database stays at {parent} until then)"
    )]
    LeftStarted {
        /// Revision id.
        id: String,
        /// Its directory name.
        name: String,
        /// Its parents (`<base>` for none), the stamp target when it is undone.
        parent: String,
    },
    /// A `state` value lithify never writes.
    #[error("revision `{id}` has state `{state}` in the bookkeeping table, which lithify never writes (expected `applied` or `started`); fix the row or run `stamp <REVISION> --purge`")]
    UnknownState {
        /// Revision id.
        id: String,
        /// The state found.
        state: String,
    },
}

/// Whether a revision was being applied or reverted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Upgrade.
    Up,
    /// Downgrade.
    Down,
}

impl Direction {
    /// `upgrade` / `downgrade`.
    pub const fn verb(self) -> &'static str {
        match self {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        }
    }

    /// `up` / `down`, the file stem.
    pub const fn file_stem(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// Everything that can go wrong at run time.
#[derive(Debug, Error)]
pub enum Error {
    /// The database disagrees with the embedded chain; nothing was changed.
    #[error("refusing to migrate: {0}")]
    Inconsistent(#[from] Inconsistency),
    /// The target does not parse, does not resolve, or points the wrong way.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A revision's SQL failed. Transactional revisions were rolled back.
    #[error(
        "{} of revision `{id}` failed in {file}: {source}\n  {}",
        .direction.verb(),
        if *.left_started {
            format!("the revision could not run in a transaction and is now marked `started`; statements before the failing one may have taken effect. Inspect the database, then `resolve {id} --applied` if its changes are complete, or undo them and `resolve {id} --reverted` (back at {previous})")
        } else {
            format!("rolled back: the database is still at {previous}")
        }
    )]
    RevisionFailed {
        /// Revision id.
        id: String,
        /// The file that failed, relative to the migrations directory.
        file: String,
        /// Upgrade or downgrade.
        direction: Direction,
        /// Where the database is now.
        previous: String,
        /// True when a non-transactional revision was left `started`.
        left_started: bool,
        /// The database's error.
        #[source]
        source: BackendError,
    },
    /// The plan needs SQL this binary does not have.
    #[error("revision `{id}` has no {} SQL for {dialect}: add `{id_dir}/{}.sql` (or `{}.{dialect}.sql`)", .direction.verb(), .direction.file_stem(), .direction.file_stem())]
    MissingSql {
        /// Revision id.
        id: String,
        /// Its directory.
        id_dir: String,
        /// Upgrade or downgrade.
        direction: Direction,
        /// The dialect.
        dialect: Dialect,
    },
    /// The session set-up SQL failed; nothing else ran on the session.
    #[error(
        "the session set-up SQL from {origin} failed: {source}\n  \
         fix: correct it there, or replace it with `--session-sql SQL` (`--session-sql ''` runs none)"
    )]
    SessionSql {
        /// Where it came from (`[session]` of lithify.toml, or the option).
        origin: String,
        /// The engine's error.
        #[source]
        source: BackendError,
    },
    /// The bookkeeping could not be read or written.
    #[error("database error while {action}: {source}")]
    Database {
        /// What lithify was doing.
        action: &'static str,
        /// The engine's error.
        #[source]
        source: BackendError,
    },
    /// The bookkeeping table exists but its rows cannot be read as
    /// lithify's (another tool's table of the same name, or one altered by
    /// hand).
    #[error(
        "cannot read the bookkeeping table `{table}`: {source}\n  \
         lithify expects the columns id, checksum, message, state, applied_at and duration_ms.\n  \
         fix: if another tool owns a table of that name, give lithify its own with \
         `--bookkeeping-table NAME` (`Migrator::bookkeeping_table`); if it is lithify's and was \
         altered by hand, restore those columns"
    )]
    UnreadableBookkeeping {
        /// The table.
        table: String,
        /// The engine's error.
        #[source]
        source: BackendError,
    },
    /// The database could not be opened.
    #[error("could not connect to {url}: {reason}")]
    Connect {
        /// The URL with any password hidden.
        url: String,
        /// The engine's message.
        reason: String,
    },
    /// The database URL is wrong or names an engine not compiled in.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// No database URL was given.
    #[error("no database given: pass `--database-url URL`, set DATABASE_URL, or put DATABASE_URL=... in ./.env")]
    MissingDatabaseUrl,
    /// The dialect asked for is not compiled into this binary.
    #[error("the {0} dialect is not available in this build (enable lithify's `{0}` feature)")]
    DialectUnavailable(Dialect),
    /// The bookkeeping table name is not a plain identifier.
    #[error("bookkeeping table name `{0}` is not valid: use ASCII letters, digits and `_`, not starting with a digit, optionally as `schema.table`")]
    InvalidTableName(String),
    /// A single-transaction run was asked for where one transaction cannot
    /// hold the plan; nothing was changed.
    #[error("cannot run the plan in a single transaction: {reason}.\n  fix: run without `--single-transaction` (one transaction per revision)")]
    SingleTransaction {
        /// Why: the engine has no transactional DDL, or which revision opts out.
        reason: String,
    },
    /// `adopt` or `resolve` had nothing to act on.
    #[error(transparent)]
    Recovery(#[from] crate::recovery::RecoveryError),
    /// `replay` found a down that does not restore its schema, or was given
    /// a database that is not empty.
    #[error(transparent)]
    Replay(#[from] crate::replay::ReplayError),
    /// The embedded chain does not form a valid graph (the generated module was altered).
    #[error("the embedded migration chain is invalid: {}", first_few_of(.problems, FIRST_FEW, "; "))]
    InvalidChain {
        /// Each problem.
        problems: Vec<String>,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Plan(_)
            | Error::Url(_)
            | Error::MissingDatabaseUrl
            | Error::DialectUnavailable(_)
            | Error::SingleTransaction { .. } => exit::USAGE,
            Error::Inconsistent(_) => exit::REFUSED,
            Error::Replay(crate::replay::ReplayError::NotEmpty { .. }) => exit::USAGE,
            // No down broken, but an up failed: the chain itself fails, as
            // it would in any upgrade.
            Error::Replay(crate::replay::ReplayError::Broken { report })
                if report.broken.is_empty() =>
            {
                exit::FAILURE
            }
            Error::Replay(_) => exit::CHECK_FAILED,
            _ => exit::FAILURE,
        }
    }

    /// [`Error::exit_code`] as an [`ExitCode`].
    pub fn exit(&self) -> ExitCode {
        ExitCode::from(self.exit_code())
    }
}

/// Wrap a backend error with what lithify was doing.
pub(crate) fn db(action: &'static str) -> impl FnOnce(BackendError) -> Error {
    move |source| Error::Database { action, source }
}
