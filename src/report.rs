//! What a run did, as data (returned to library callers) and as the lines a
//! person reads (printed by the executor as it goes, unless quiet).

use std::io::Write;
use std::time::Duration;

use crate::bookkeeping::BookkeepingRow;
use crate::embedded::Revision;
use crate::error::{Direction, Inconsistency};

/// What happened to one planned revision. A run holds the migration lock
/// from planning to its last step, so every planned step runs: no other
/// migrator can have done it meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// Its SQL ran and its bookkeeping committed.
    Ran {
        /// Time the revision's SQL took.
        duration: Duration,
    },
    /// Its SQL holds no statement (an empty or comment-only file, typical of
    /// a data-only revision's `down.sql`): nothing was sent to the
    /// database, and its bookkeeping committed like any step's.
    NoStatements,
}

/// One planned revision and what happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepReport {
    /// The revision.
    pub revision: &'static Revision,
    /// Upgrade or downgrade.
    pub direction: Direction,
    /// What happened.
    pub outcome: StepOutcome,
}

/// The result of an upgrade or downgrade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// Steps in execution order; empty when there was nothing to do.
    pub steps: Vec<StepReport>,
    /// Where the database is afterwards (`0005 (head)`, `<base>`).
    pub now_at: String,
}

impl RunReport {
    /// Revisions whose SQL this run executed (a revision without
    /// statements is a step of the run but not counted here).
    pub fn ran(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s.outcome, StepOutcome::Ran { .. }))
            .count()
    }
}

/// The result of a stamp: bookkeeping rows added and removed (no SQL ran).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampReport {
    /// Revisions recorded as applied.
    pub added: Vec<&'static str>,
    /// Revisions removed from the record.
    pub removed: Vec<&'static str>,
    /// Where the database is recorded to be afterwards.
    pub now_at: String,
}

/// The result of `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Every revision is applied.
    AtHead {
        /// The heads, described.
        at: String,
    },
    /// Some revisions are not applied.
    Behind {
        /// Where the database is.
        at: String,
        /// Revisions not applied, topological order.
        pending: Vec<&'static str>,
    },
    /// lithify has recorded nothing, but diesel's `__diesel_schema_migrations`
    /// lists revisions of this chain: the database was migrated by diesel
    /// and is waiting for `adopt` (an `upgrade` would refuse it).
    NotAdopted {
        /// diesel versions that are revisions of this chain.
        known: usize,
        /// All versions diesel recorded.
        total: usize,
        /// Revisions diesel did not apply, topological order: what an
        /// `upgrade head` after `adopt` runs.
        pending: Vec<&'static str>,
    },
}

/// What the database records, for `current`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentState {
    /// Applied heads (`<base>` when nothing is applied).
    pub at: String,
    /// Bookkeeping rows, in chain order (unknown revisions first).
    pub rows: Vec<BookkeepingRow>,
    /// Why the rows disagree with the embedded chain, if they do.
    pub problem: Option<Inconsistency>,
}

/// Where progress lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Output {
    pub quiet: bool,
}

impl Output {
    /// Print one progress line on stdout. A closed stdout (a pipe to `head`)
    /// must not fail a migration that already committed, so write errors are ignored.
    pub fn line(&self, text: &str) {
        if !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
        }
    }
}

/// `12 ms`; below 10 ms with one decimal (`0.4 ms`), since most SQLite
/// revisions take less than a millisecond and `0 ms` reads like nothing ran.
pub(crate) fn millis(d: Duration) -> String {
    if d < Duration::from_millis(10) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{} ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_durations_keep_a_decimal() {
        assert_eq!(millis(Duration::from_micros(420)), "0.4 ms");
        assert_eq!(millis(Duration::from_micros(9_960)), "10.0 ms");
        assert_eq!(millis(Duration::from_millis(12)), "12 ms");
        assert_eq!(millis(Duration::from_secs(2)), "2000 ms");
    }
}
