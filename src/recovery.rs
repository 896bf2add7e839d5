//! Taking over and repairing databases: `adopt` (a database diesel migrated)
//! and `resolve` (a revision left `started`).
//!
//! Adoption is explicit, not automatic on first run: a database that has
//! `__diesel_schema_migrations` but no lithify bookkeeping is a deliberate
//! hand-over, and the operator should see which diesel versions lithify does
//! not know before anything is recorded. Run `adopt` once, then `upgrade`;
//! an `upgrade` before that is refused ([`RecoveryError::NotAdopted`]) rather
//! than running diesel's migrations a second time.
//! diesel's table is left untouched, so rolling back to diesel stays possible.

use std::fmt;

use lithify_core::listing::first_few;
use thiserror::Error;

/// How `resolve` settles a revision left `started`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveAs {
    /// Its changes are complete: record it applied.
    Applied,
    /// Its changes were undone (by hand, or never took effect): forget it.
    Reverted,
}

impl fmt::Display for ResolveAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResolveAs::Applied => "applied",
            ResolveAs::Reverted => "reverted",
        })
    }
}

/// What `adopt` recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptReport {
    /// Revisions newly recorded as applied, in chain order.
    pub adopted: Vec<&'static str>,
    /// diesel versions lithify already recorded as applied.
    pub already: Vec<&'static str>,
    /// diesel versions this binary does not contain: reported, never dropped
    /// from diesel's table, and not recorded by lithify.
    pub unknown: Vec<String>,
    /// Revisions not applied although a later revision is (diesel runs
    /// migrations out of order when one was added on an older branch); the
    /// next `upgrade` runs them.
    pub gaps: Vec<&'static str>,
    /// Where the database is recorded to be afterwards.
    pub now_at: String,
}

/// What `resolve` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveReport {
    /// The revision.
    pub id: &'static str,
    /// How it was settled.
    pub resolved_as: ResolveAs,
    /// Where the database is recorded to be afterwards.
    pub now_at: String,
}

/// Why `adopt` or `resolve` did nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecoveryError {
    /// `adopt` found no diesel bookkeeping.
    #[error("nothing to adopt: the database has no `__diesel_schema_migrations` table (it was not migrated by diesel); use `upgrade` or `stamp` instead")]
    NoDieselTable,
    /// `upgrade` on a database diesel migrated that lithify never recorded.
    #[error("the database was migrated by diesel ({known} of the {total} versions in `__diesel_schema_migrations` are revisions of this binary) and lithify has recorded nothing yet; upgrading would run them again.\n  fix: run `adopt` once to record them as applied, then `upgrade`")]
    NotAdopted {
        /// diesel versions that are revisions of this binary.
        known: usize,
        /// All versions diesel recorded.
        total: usize,
    },
    /// `resolve` was given a revision that is not left `started`.
    #[error("revision `{given}` is not left `started`, so there is nothing to resolve ({})", started_text(.started))]
    NotStarted {
        /// What the user asked for.
        given: String,
        /// The revisions that are left `started`.
        started: Vec<String>,
    },
    /// `resolve` was given a prefix matching several started revisions.
    #[error("`{given}` matches several revisions left `started` ({}); give more of the id", first_few(.matches))]
    Ambiguous {
        /// What the user asked for.
        given: String,
        /// The matching ids.
        matches: Vec<String>,
    },
}

fn started_text(started: &[String]) -> String {
    if started.is_empty() {
        "no revision is left started".to_owned()
    } else {
        format!("left started: {}", first_few(started))
    }
}
