//! The bookkeeping table: one row per applied (or started) revision.
//!
//! Columns: `id` (primary key), `checksum`, `message`, `state` (`applied` or
//! `started`), `applied_at`, `duration_ms`. Every change to it is rendered as
//! SQL text by [`render`], which both the online executor and the offline `sql`
//! command call, so the offline script shows exactly the statements that run
//! (only `duration_ms` differs: offline it is `NULL`, as nothing was timed).
//!
//! # The chain state
//!
//! Beside the bookkeeping table lives a one-row state table,
//! [`state_table`] of its name (`lithify_revisions_state`), holding a
//! [`ChainState`]: the [`lithify_core::ChainHash`] over the applied
//! revisions (id and embedded checksum, in the chain's topological order) and
//! the number of bookkeeping rows. Whenever the row exists it describes the
//! bookkeeping exactly: a command that changes one row (stamp, adopt,
//! resolve) rewrites it in the same transaction; a run of revisions deletes
//! it in the transaction of its first change and writes it in the
//! transaction of its last ([`StateUpdate`]), so while a run is under way, or
//! after one stopped halfway, there is no row. That keeps the state's cost
//! per run, not per revision. The up-to-date check an application runs at
//! start-up is then one single-row query:
//! stored hash equal to the binary's `CHAIN_HASH`, stored row count equal to
//! the real `COUNT(*)` and to the number of revisions means "at head" without
//! loading a row or building the graph. Anything else (no state row: a run
//! under way or interrupted, a database written by an older lithify; a
//! different hash) falls back to the full verification.
//!
//! Trust: the fast path believes the state row, which only lithify writes.
//! The row count catches rows inserted or deleted by hand (and a `started`
//! row, which is never in the hash); an in-place hand edit of a row's
//! checksum or state at head is *not* seen by the fast path — only by the
//! full verification, which every command that changes something (and
//! `current`, [`crate::Migrator::applied`]) still runs. That is the trade-off
//! for a check that costs one row read whatever the chain's length.
//!
//! On PostgreSQL `COUNT(*)` is a scan of the table (MVCC keeps no row
//! count), so counting would make the check grow with N. There a statement
//! trigger on the bookkeeping table deletes the state row whenever any
//! statement writes the bookkeeping
//! ([`crate::dialects::PostgresDialect`]'s `create_state_table`); lithify's
//! own changes write the row again after their change in the same
//! transaction, so a state row means nobody else has written the bookkeeping
//! since, and its recorded count stands without counting. That guards more
//! than the count did (an in-place `UPDATE` at head is caught too). Where the
//! trigger is missing or disabled (a database last written by an older
//! lithify, `ALTER TABLE ... DISABLE TRIGGER`), the query counts as before;
//! the next run that gets past the fast path creates the trigger. What it
//! cannot see: a writer that bypasses triggers altogether (`session_replication_role
//! = replica` does not, the trigger is `ENABLE ALWAYS`; a superuser dropping the
//! trigger and editing rows in the same breath does).

use std::fmt;

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::QueryableByName;

use crate::dialects::SqlDialect;
use crate::embedded::Revision;

/// The default bookkeeping table name.
pub const DEFAULT_TABLE: &str = "lithify_revisions";

/// The chain-state table that goes with bookkeeping table `table`
/// (`schema.table` gives `schema.table_state`): configured together, so two
/// bookkeeping tables in one database never share a state.
pub fn state_table(table: &str) -> String {
    format!("{table}_state")
}

/// What the state table records (module docs): the hash over the applied
/// revisions and the number of bookkeeping rows (applied and started).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ChainState {
    /// `sha256:<hex>` [`lithify_core::ChainHash`] over the applied revisions.
    #[diesel(sql_type = Text)]
    pub chain_hash: String,
    /// Number of rows in the bookkeeping table.
    #[diesel(sql_type = BigInt)]
    pub row_count: i64,
}

/// The state row read together with the bookkeeping table's real row count:
/// what the up-to-date fast path compares.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CountedChainState {
    /// `sha256:<hex>` hash recorded by the last migrator.
    #[diesel(sql_type = Text)]
    pub chain_hash: String,
    /// Row count recorded by the last migrator.
    #[diesel(sql_type = BigInt)]
    pub row_count: i64,
    /// `COUNT(*)` of the bookkeeping table now.
    #[diesel(sql_type = BigInt)]
    pub actual_rows: i64,
}

/// State of a bookkeeping row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// The revision's upgrade completed (or it was stamped).
    Applied,
    /// A non-transactional run began and has not finished: the database may
    /// hold part of the revision.
    Started,
}

impl RowState {
    /// The text stored in the `state` column.
    pub const fn as_str(self) -> &'static str {
        match self {
            RowState::Applied => "applied",
            RowState::Started => "started",
        }
    }

    /// Parse the `state` column; `None` for text lithify never writes.
    pub fn parse(text: &str) -> Option<RowState> {
        match text {
            "applied" => Some(RowState::Applied),
            "started" => Some(RowState::Started),
            _ => None,
        }
    }
}

impl fmt::Display for RowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the bookkeeping table as read from the database.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct BookkeepingRow {
    /// Revision id.
    #[diesel(sql_type = Text)]
    pub id: String,
    /// Checksum of the revision when it was applied.
    #[diesel(sql_type = Text)]
    pub checksum: String,
    /// The revision's message when it was applied.
    #[diesel(sql_type = Text)]
    pub message: String,
    /// `applied` or `started` (see [`RowState`]).
    #[diesel(sql_type = Text)]
    pub state: String,
    /// When it was applied, as the engine renders its timestamp.
    #[diesel(sql_type = Nullable<Text>)]
    pub applied_at: Option<String>,
    /// How long the revision's SQL took, when it was timed.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub duration_ms: Option<i64>,
}

/// One change to the bookkeeping table.
#[derive(Debug, Clone, Copy)]
pub enum Record<'a> {
    /// Insert `revision` in state `applied` (transactional upgrade, stamp).
    Applied {
        /// The revision.
        revision: &'a Revision,
        /// Time its SQL took; `None` for stamps and offline scripts.
        duration_ms: Option<u64>,
    },
    /// Insert `revision` in state `started` (before a non-transactional upgrade).
    Started {
        /// The revision.
        revision: &'a Revision,
    },
    /// Mark a started revision applied (after a non-transactional upgrade).
    Finished {
        /// Revision id.
        id: &'a str,
        /// Time its SQL took; `None` offline.
        duration_ms: Option<u64>,
    },
    /// Mark an applied revision started again (before a non-transactional downgrade).
    Reverting {
        /// Revision id.
        id: &'a str,
    },
    /// Delete the revision's row (downgrade finished, or stamp below it).
    Removed {
        /// Revision id.
        id: &'a str,
    },
    /// Delete every row (`stamp --purge`).
    Purge,
}

/// Render `record` as one SQL statement (without the trailing `;`) for the
/// bookkeeping table `table` in `dialect`. The only place bookkeeping SQL is made.
pub fn render(record: &Record<'_>, table: &str, dialect: &dyn SqlDialect) -> String {
    let t = dialect.quote_table(table);
    let lit = |s: &str| dialect.quote_literal(s);
    let ms = |d: Option<u64>| d.map_or_else(|| "NULL".to_owned(), |d| d.to_string());
    match *record {
        Record::Applied {
            revision,
            duration_ms,
        } => insert(dialect, &t, revision, RowState::Applied, &ms(duration_ms)),
        Record::Started { revision } => insert(dialect, &t, revision, RowState::Started, "NULL"),
        Record::Finished { id, duration_ms } => format!(
            "UPDATE {t} SET state = {}, applied_at = {}, duration_ms = {} WHERE id = {}",
            lit(RowState::Applied.as_str()),
            dialect.now(),
            ms(duration_ms),
            lit(id)
        ),
        Record::Reverting { id } => format!(
            "UPDATE {t} SET state = {} WHERE id = {}",
            lit(RowState::Started.as_str()),
            lit(id)
        ),
        Record::Removed { id } => format!("DELETE FROM {t} WHERE id = {}", lit(id)),
        Record::Purge => format!("DELETE FROM {t}"),
    }
}

/// Render the statement that deletes the state row, without the trailing `;`.
pub fn render_state_clear(table: &str, dialect: &dyn SqlDialect) -> String {
    format!("DELETE FROM {}", dialect.quote_table(&state_table(table)))
}

/// Render the statements that replace the state row with `state`, without
/// the trailing `;`. A delete and an insert rather than an upsert: the same
/// text on every engine, and a missing row is always safe (it only sends the
/// next check down the full verification).
pub fn render_state(state: &ChainState, table: &str, dialect: &dyn SqlDialect) -> [String; 2] {
    let t = dialect.quote_table(&state_table(table));
    [
        render_state_clear(table, dialect),
        format!(
            "INSERT INTO {t} (chain_hash, row_count) VALUES ({}, {})",
            dialect.quote_literal(&state.chain_hash),
            state.row_count
        ),
    ]
}

/// What one bookkeeping change of a run does to the chain-state row.
///
/// A run clears the row with its first change and writes the state it leads
/// to with its last, each in the same transaction as that change (module
/// docs): a run of N revisions pays for the state once instead of N times,
/// and a run that stops halfway (a failed revision, a crash) leaves no state
/// row, which is always safe: the next check takes the full verification and
/// the next run writes the row again.
#[derive(Debug, Clone, Copy)]
pub struct StateUpdate<'a> {
    /// Delete the state row before the change (the run's first change).
    pub clear: bool,
    /// Write this state after the change (the run's last change).
    pub write: Option<&'a ChainState>,
}

/// Render one bookkeeping change with its [`StateUpdate`], as statements
/// without the trailing `;`; the online executor and the offline script both
/// use this. The state row is deleted *before* the row changes and written
/// after: where the statements are not one transaction (a non-transactional
/// revision's bookkeeping on MySQL), a crash in between leaves no state row,
/// which is safe, rather than a stale one that could still claim "at head".
pub fn render_with_state(
    record: &Record<'_>,
    update: StateUpdate<'_>,
    table: &str,
    dialect: &dyn SqlDialect,
) -> Vec<String> {
    let mut statements = Vec::with_capacity(3);
    match update.write {
        // Writing deletes first too: the table holds one row.
        Some(state) => {
            let [delete, insert] = render_state(state, table, dialect);
            statements.extend([delete, render(record, table, dialect), insert]);
        }
        None => {
            if update.clear {
                statements.push(render_state_clear(table, dialect));
            }
            statements.push(render(record, table, dialect));
        }
    }
    statements
}

fn insert(
    dialect: &dyn SqlDialect,
    table: &str,
    revision: &Revision,
    state: RowState,
    duration: &str,
) -> String {
    format!(
        "INSERT INTO {table} (id, checksum, message, state, applied_at, duration_ms) VALUES ({}, {}, {}, {}, {}, {duration})",
        dialect.quote_literal(revision.id),
        dialect.quote_literal(revision.checksum),
        dialect.quote_literal(revision.message),
        dialect.quote_literal(state.as_str()),
        dialect.now(),
    )
}
