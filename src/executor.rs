//! Runs plans against a live connection, generic over [`MigrationConnection`].
//!
//! Order of work for every command that writes:
//! 1. session set-up and the run-wide migration lock (PostgreSQL advisory
//!    lock, MySQL `GET_LOCK`, SQLite lock file), held until the last step;
//! 2. read the bookkeeping and verify it against the embedded chain, refusing
//!    on any inconsistency before anything changes;
//! 3. plan once;
//! 4. run each step: a transactional revision and its bookkeeping in one
//!    transaction; a non-transactional one marked started before and
//!    finished after.
//!
//! The lock keeps every other lithify migrator (of any version on the
//! servers: the lock key is pinned) out from step 2 to the end, so the
//! bookkeeping cannot change between the verification and the steps, and the
//! steps re-check nothing. What the lock does not exclude is a writer that
//! takes no lock at all (an offline script run by hand at the same moment):
//! its row then collides with the step's own `INSERT` on the primary key,
//! which rolls the revision back.
//!
//! The chain state (see [`crate::bookkeeping`]) is deleted by the run's
//! first bookkeeping change and written by its last, each in that change's
//! transaction ([`bookkeeping::StateUpdate`]): once per run, not per revision.

mod recovery;
mod replay;

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use lithify_core::listing::first_few;
use lithify_core::planner::{self, PlanStep, StepDirection};
use lithify_core::split::has_statements;

use crate::bookkeeping::{self, BookkeepingRow, ChainState, Record, RowState, StateUpdate};
use crate::chain::{ChainView, Tracked};
use crate::dialects::{BackendError, MigrationConnection, SqlDialect};
use crate::error::{db, Direction, Error};
use crate::report::{
    millis, CheckOutcome, CurrentState, Output, RunReport, StampReport, StepOutcome, StepReport,
};
use crate::session::{self, SessionSql};

/// Options of one run, from the [`crate::Migrator`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunOptions<'a> {
    pub table: &'a str,
    pub lock_timeout: Duration,
    pub output: Output,
    /// Run a whole upgrade or downgrade in one transaction.
    pub single_transaction: bool,
    /// SQL the session runs first ([`crate::session`]).
    pub session: Option<SessionSql<'a>>,
}

/// How the steps of a run are framed in transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Each transactional revision in its own transaction with its
    /// bookkeeping; a non-transactional one marked started and finished.
    TransactionEach,
    /// Inside the caller's one transaction for the whole run.
    OneTransaction,
}

/// One command's worth of work on one connection.
pub(crate) struct Executor<'a, C: MigrationConnection> {
    conn: &'a mut C,
    view: &'a ChainView,
    dialect: &'static dyn SqlDialect,
    options: RunOptions<'a>,
    /// Whether this run's bookkeeping changes have deleted the chain-state
    /// row yet (its first change does).
    state_cleared: bool,
}

impl<'a, C: MigrationConnection> Executor<'a, C> {
    pub fn new(
        conn: &'a mut C,
        view: &'a ChainView,
        options: RunOptions<'a>,
    ) -> Result<Self, Error> {
        let dialect = conn.sql_dialect();
        conn.prepare_session(options.lock_timeout)
            .and_then(|()| conn.check_database())
            .map_err(db("opening the database session"))?;
        session::run(conn, options.session)?;
        Ok(Executor {
            conn,
            view,
            dialect,
            options,
            state_cleared: false,
        })
    }

    // ---- read-only commands -------------------------------------------------

    /// Bookkeeping rows; empty when the table does not exist yet (read-only
    /// commands never create it).
    fn load(&mut self) -> Result<Vec<BookkeepingRow>, Error> {
        let table = self.options.table;
        if !self
            .conn
            .bookkeeping_table_exists(table)
            .map_err(db("looking for the bookkeeping table"))?
        {
            return Ok(Vec::new());
        }
        self.conn
            .load_bookkeeping(table)
            .map_err(|source| Error::UnreadableBookkeeping {
                table: table.to_owned(),
                source,
            })
    }

    /// The verified applied set.
    fn applied(&mut self) -> Result<Vec<bool>, Error> {
        let rows = self.load()?;
        Ok(self.view.verify(&rows)?)
    }

    pub fn current(&mut self) -> Result<CurrentState, Error> {
        let mut rows = self.load()?;
        rows.sort_by_key(|r| {
            (
                self.view.graph.index_of(&r.id).map_or(0, |ix| ix + 1),
                r.id.clone(),
            )
        });
        let problem = self.view.verify(&rows).err();
        let known: Vec<bool> = (0..self.view.len())
            .map(|ix| {
                rows.iter().any(|r| {
                    r.id == self.view.graph.id(ix) && r.state == RowState::Applied.as_str()
                })
            })
            .collect();
        let at = self.view.describe_all(&known);
        Ok(CurrentState { at, rows, problem })
    }

    /// The applied set for `history --indicate-current` and relative ranges.
    pub fn applied_set(&mut self) -> Result<Vec<bool>, Error> {
        self.applied()
    }

    /// The full up-to-date check; [`fast_at_head`] runs before it. A
    /// database diesel migrated that lithify has not adopted is
    /// [`CheckOutcome::NotAdopted`], not behind: `upgrade` would refuse it.
    pub fn check(&mut self) -> Result<CheckOutcome, Error> {
        let applied = self.applied()?;
        if let Some(diesel) = self.unadopted(&applied)? {
            return Ok(CheckOutcome::NotAdopted {
                known: diesel.known(),
                total: diesel.total,
                pending: self.pending(&diesel.applied),
            });
        }
        let at = self.view.describe(&applied);
        let pending = self.pending(&applied);
        Ok(if pending.is_empty() {
            CheckOutcome::AtHead { at }
        } else {
            CheckOutcome::Behind { at, pending }
        })
    }

    /// The revisions not in `applied`, in topological order.
    fn pending(&self, applied: &[bool]) -> Vec<&'static str> {
        self.view
            .graph
            .topological_order()
            .iter()
            .filter(|&&ix| !applied[ix])
            .map(|&ix| self.view.revision(ix).id)
            .collect()
    }

    // ---- writing commands ---------------------------------------------------

    /// Run `f` holding the run-wide migration lock, releasing it on every
    /// path: success, error, and panic (caught, the lock released, then the
    /// panic resumed), so a caller that survives a panic does not keep other
    /// migrators out. A killed process's lock is freed by the server (or, for
    /// SQLite's lock file, by the kernel).
    fn locked<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        let (table, timeout) = (self.options.table, self.options.lock_timeout);
        let lock = self
            .conn
            .acquire_migration_lock(table, timeout)
            .map_err(db("taking the migration lock"))?;
        let result = panic::catch_unwind(AssertUnwindSafe(|| f(self)));
        let released = self
            .conn
            .release_migration_lock(table)
            .map_err(db("releasing the migration lock"));
        drop(lock);
        let result = result.unwrap_or_else(|payload| panic::resume_unwind(payload));
        // The run's own error matters more than a failed release after it.
        let value = result?;
        released?;
        Ok(value)
    }

    /// Both tables in one transaction: on a new SQLite database that is one
    /// commit (one round of fsyncs) instead of two, a visible share of a
    /// short run.
    fn ensure_table(&mut self) -> Result<(), Error> {
        let table = self.options.table;
        let sql = format!(
            "{};\n{}",
            self.dialect.create_bookkeeping_table(table),
            self.dialect.create_state_table(table)
        );
        self.transaction(|ex| {
            ex.conn
                .execute_sql(&sql)
                .map_err(db("creating the bookkeeping tables"))
        })
    }

    /// Write one bookkeeping change without touching the chain state; the
    /// caller rewrites the state in the same transaction
    /// ([`Executor::write_state_from_rows`]).
    fn record(&mut self, record: &Record<'_>) -> Result<(), BackendError> {
        let sql = bookkeeping::render(record, self.options.table, self.dialect);
        self.conn.execute_sql(&sql)
    }

    /// Write one bookkeeping change of a run, account for it in `tracked`,
    /// and update the chain state as the run's rule says (module docs): the
    /// first change deletes it, the `last` one writes the state it leads to.
    fn record_step(
        &mut self,
        record: &Record<'_>,
        tracked: &mut Tracked,
        last: bool,
        action: &'static str,
    ) -> Result<(), Error> {
        tracked.after(self.view, record);
        let state = last.then(|| tracked.state(self.view));
        let update = StateUpdate {
            clear: !self.state_cleared,
            write: state.as_ref(),
        };
        let sql = bookkeeping::render_with_state(record, update, self.options.table, self.dialect)
            .join(";\n");
        self.conn.execute_sql(&sql).map_err(db(action))?;
        // Should this change's transaction roll back instead, the run stops
        // there, so no later change relies on the flag.
        self.state_cleared = true;
        Ok(())
    }

    fn write_state(&mut self, state: &ChainState) -> Result<(), Error> {
        let sql = bookkeeping::render_state(state, self.options.table, self.dialect).join(";\n");
        self.conn
            .execute_sql(&sql)
            .map_err(db("writing the chain state"))
    }

    /// Rewrite the chain state from the rows as they are now; for the
    /// commands that change several rows at once (stamp, adopt, resolve),
    /// inside their transaction.
    pub(super) fn write_state_from_rows(&mut self) -> Result<(), Error> {
        let rows = self.load()?;
        let state = self.view.state_of_rows(&rows);
        self.write_state(&state)
    }

    /// Run `f` in one transaction: committed when it succeeds, rolled back when not.
    fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let d = self.dialect;
        self.conn
            .execute_sql(d.begin_transaction())
            .map_err(db("starting a transaction"))?;
        match f(self) {
            Ok(value) => match self.conn.execute_sql(d.commit_transaction()) {
                Ok(()) => Ok(value),
                Err(e) => {
                    self.rollback();
                    Err(db("committing")(e))
                }
            },
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// Run `f` with foreign-key enforcement off when `needed` (a revision
    /// that rebuilds a table: [`crate::Revision::foreign_keys_off`]), and
    /// switched back on afterwards, on every path, if it was on.
    fn with_foreign_keys_off<T>(
        &mut self,
        needed: bool,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if !needed {
            return f(self);
        }
        let was_on = self
            .conn
            .suspend_foreign_keys()
            .map_err(db("switching foreign keys off for a table rebuild"))?;
        let result = f(self);
        if !was_on {
            return result;
        }
        let restored = self
            .conn
            .restore_foreign_keys()
            .map_err(db("switching foreign keys back on after a table rebuild"));
        // The revision's own error matters more than a failed restore.
        let value = result?;
        restored?;
        Ok(value)
    }

    fn rollback(&mut self) {
        // Reporting the original failure matters more than a rollback error;
        // and a failed rollback leaves nothing committed anyway.
        let _ = self.conn.execute_sql(self.dialect.rollback_transaction());
    }

    /// Read and verify the whole bookkeeping once, for planning a run.
    fn tracked(&mut self) -> Result<Tracked, Error> {
        let rows = self.load()?;
        let applied = self.view.verify(&rows)?;
        Ok(Tracked::new(applied, rows.len()))
    }

    pub fn upgrade(&mut self, target: &str) -> Result<RunReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let tracked = ex.tracked()?;
            ex.refuse_unadopted(&tracked.applied)?;
            let plan = planner::plan_upgrade(&ex.view.graph, &tracked.applied, target)?;
            ex.execute(&plan.steps, tracked)
        })
    }

    pub fn downgrade(&mut self, target: &str) -> Result<RunReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let tracked = ex.tracked()?;
            let plan = planner::plan_downgrade(&ex.view.graph, &tracked.applied, target)?;
            ex.execute(&plan.steps, tracked)
        })
    }

    fn nothing_to_do(&self, now_at: String) -> RunReport {
        nothing_to_do(self.options.output, now_at)
    }

    fn execute(&mut self, steps: &[PlanStep], mut tracked: Tracked) -> Result<RunReport, Error> {
        let out = self.options.output;
        if steps.is_empty() {
            self.heal_state(&tracked)?;
            return Ok(self.nothing_to_do(self.view.describe(&tracked.applied)));
        }
        // Every step's SQL must exist before the first one runs.
        let sqls = steps
            .iter()
            .map(|s| self.step_sql(*s))
            .collect::<Result<Vec<_>, _>>()?;
        let started = Instant::now();
        let reports = if self.options.single_transaction {
            self.execute_in_one_transaction(steps, &sqls, &mut tracked)?
        } else {
            self.run_steps(steps, &sqls, &mut tracked, Framing::TransactionEach)?
        };
        let now_at = self.view.describe(&tracked.applied);
        let report = RunReport {
            steps: reports,
            now_at,
        };
        out.line(&summary(&report, started.elapsed()));
        Ok(report)
    }

    /// A run with nothing to do still repairs a missing chain state (a
    /// database last written by an older lithify, or a run that stopped
    /// halfway), so the next start-up check takes the fast path. `tracked`
    /// was read under the migration lock, which is still held.
    fn heal_state(&mut self, tracked: &Tracked) -> Result<(), Error> {
        let expected = tracked.state(self.view);
        let stored = self
            .conn
            .load_chain_state(self.options.table)
            .ok()
            .flatten();
        if stored.as_ref() == Some(&expected) {
            return Ok(());
        }
        self.transaction(|ex| ex.write_state(&expected))
    }

    /// The whole plan in one transaction (see
    /// [`crate::Migrator::single_transaction`]): refused up front where one
    /// transaction cannot roll everything back.
    fn execute_in_one_transaction(
        &mut self,
        steps: &[PlanStep],
        sqls: &[&'static str],
        tracked: &mut Tracked,
    ) -> Result<Vec<StepReport>, Error> {
        if !self.dialect.transactional_ddl() {
            return Err(Error::SingleTransaction {
                reason: format!(
                    "{} commits DDL implicitly, so a failing revision could not take the ones before it back",
                    self.dialect.dialect()
                ),
            });
        }
        if let Some(revision) = steps
            .iter()
            .map(|s| self.view.revision(s.revision))
            .find(|r| !r.transactional)
        {
            return Err(Error::SingleTransaction {
                reason: format!(
                    "revision `{}` ({}) is marked `run_in_transaction = false`",
                    revision.id, revision.name
                ),
            });
        }
        let before = self.view.describe(&tracked.applied);
        let foreign_keys_off = steps.iter().any(|s| {
            self.view
                .revision(s.revision)
                .foreign_keys_off(direction(s.direction))
        });
        // The run lock has kept the bookkeeping as `tracked` read it; the
        // chain-state rule holds as in any run, all of it in one commit.
        let result = self.with_foreign_keys_off(foreign_keys_off, |ex| {
            ex.transaction(|ex| ex.run_steps(steps, sqls, tracked, Framing::OneTransaction))
        });
        // A failure rolled back the revisions before it too: say where the
        // database really is.
        result.map_err(|e| match e {
            Error::RevisionFailed {
                id,
                file,
                direction,
                left_started,
                source,
                ..
            } => Error::RevisionFailed {
                id,
                file,
                direction,
                previous: before,
                left_started,
                source,
            },
            other => other,
        })
    }

    fn step_sql(&self, step: PlanStep) -> Result<&'static str, Error> {
        self.view
            .revision(step.revision)
            .require_sql(direction(step.direction), self.dialect.dialect())
    }

    /// Run `steps` in order, printing a line for each: the steps of every
    /// run, whatever frames them.
    fn run_steps(
        &mut self,
        steps: &[PlanStep],
        sqls: &[&str],
        tracked: &mut Tracked,
        framing: Framing,
    ) -> Result<Vec<StepReport>, Error> {
        let out = self.options.output;
        let last = steps.len().saturating_sub(1);
        let mut reports = Vec::with_capacity(steps.len());
        for (i, (step, sql)) in steps.iter().zip(sqls).enumerate() {
            let report = self.step(*step, sql, tracked, i == last, framing)?;
            out.line(&self.step_line(step.revision, &report));
            reports.push(report);
        }
        Ok(reports)
    }

    /// One step, framed as `framing` says; `last` for the chain-state rule.
    fn step(
        &mut self,
        step: PlanStep,
        sql: &str,
        tracked: &mut Tracked,
        last: bool,
        framing: Framing,
    ) -> Result<StepReport, Error> {
        let revision = self.view.revision(step.revision);
        let direction = direction(step.direction);
        let ix = step.revision;
        let outcome = if framing == Framing::OneTransaction {
            // The caller switched foreign keys off around its transaction.
            self.run_step(ix, direction, sql, tracked, last)?
        } else {
            self.with_foreign_keys_off(revision.foreign_keys_off(direction), |ex| {
                if revision.transactional && ex.dialect.transactional_ddl() {
                    ex.transaction(|ex| ex.run_step(ix, direction, sql, tracked, last))
                } else {
                    ex.step_outside_transaction(ix, direction, sql, tracked, last)
                }
            })?
        };
        Ok(StepReport {
            revision,
            direction,
            outcome,
        })
    }

    /// Run step `ix`'s SQL and record it, in the caller's transaction so the
    /// two commit together or not at all; `last` for the chain-state rule
    /// ([`Executor::record_step`]).
    fn run_step(
        &mut self,
        ix: usize,
        direction: Direction,
        sql: &str,
        tracked: &mut Tracked,
        last: bool,
    ) -> Result<StepOutcome, Error> {
        let outcome = self
            .run_sql(sql, true)
            .map_err(|e| self.failed(ix, direction, &tracked.applied, false, e))?;
        let revision = self.view.revision(ix);
        let record = match direction {
            Direction::Up => Record::Applied {
                revision,
                duration_ms: Some(outcome_ms(outcome)),
            },
            Direction::Down => Record::Removed { id: revision.id },
        };
        self.record_step(&record, tracked, last, "recording the revision")?;
        Ok(outcome)
    }

    /// Send a step's SQL, timed; a script without statements (module docs
    /// of [`crate::split`]) is a no-op, sent nowhere: PostgreSQL and MySQL
    /// refuse an empty query, and diesel errors on such files.
    fn run_sql(&mut self, sql: &str, in_transaction: bool) -> Result<StepOutcome, BackendError> {
        if !has_statements(sql, self.dialect.dialect()) {
            return Ok(StepOutcome::NoStatements);
        }
        let started = Instant::now();
        self.conn.run_revision_sql(sql, in_transaction)?;
        Ok(StepOutcome::Ran {
            duration: started.elapsed(),
        })
    }

    /// Marked started in a short transaction, run, then marked done; a
    /// crash in between leaves a `started` row that the next run refuses to
    /// ignore.
    fn step_outside_transaction(
        &mut self,
        ix: usize,
        direction: Direction,
        sql: &str,
        tracked: &mut Tracked,
        last: bool,
    ) -> Result<StepOutcome, Error> {
        let revision = self.view.revision(ix);
        let before = tracked.applied.clone();
        let record = match direction {
            Direction::Up => Record::Started { revision },
            Direction::Down => Record::Reverting { id: revision.id },
        };
        self.transaction(|ex| {
            ex.record_step(&record, tracked, false, "marking the revision started")
        })?;
        let outcome = self
            .run_sql(sql, false)
            .map_err(|e| self.failed(ix, direction, &before, true, e))?;
        let record = match direction {
            Direction::Up => Record::Finished {
                id: revision.id,
                duration_ms: Some(outcome_ms(outcome)),
            },
            Direction::Down => Record::Removed { id: revision.id },
        };
        self.record_step(&record, tracked, last, "marking the revision finished")?;
        Ok(outcome)
    }

    fn failed(
        &self,
        ix: usize,
        direction: Direction,
        applied: &[bool],
        left_started: bool,
        source: BackendError,
    ) -> Error {
        let revision = self.view.revision(ix);
        Error::RevisionFailed {
            id: revision.id.to_owned(),
            file: format!("{}/{}.sql", revision.name, direction.file_stem()),
            direction,
            previous: self.view.describe(applied),
            left_started,
            source,
        }
    }

    /// `upgrade <from> -> <to>: <message> (12 ms)`.
    fn step_line(&self, ix: usize, report: &StepReport) -> String {
        let revision = report.revision;
        let parents = self.view.parents_text(ix);
        let (from, to) = match report.direction {
            Direction::Up => (parents, revision.id.to_owned()),
            Direction::Down => (revision.id.to_owned(), parents),
        };
        let tail = match report.outcome {
            StepOutcome::Ran { duration } => format!("({})", millis(duration)),
            StepOutcome::NoStatements => "(no statements: nothing to run)".to_owned(),
        };
        format!(
            "{} {from} -> {to}: {} {tail}",
            report.direction.verb(),
            revision.message
        )
    }

    pub fn stamp(&mut self, targets: &[&str], purge: bool) -> Result<StampReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let report = ex.transaction(|ex| {
                let report = ex.stamp_rows(targets, purge)?;
                ex.write_state_from_rows()?;
                Ok(report)
            })?;
            ex.print_stamp(&report);
            Ok(report)
        })
    }

    /// The bookkeeping change of a stamp. `started` rows are dropped first and
    /// re-added if the target includes them: stamping is how they are resolved.
    fn stamp_rows(&mut self, targets: &[&str], purge: bool) -> Result<StampReport, Error> {
        let rows = self.load()?;
        let applied = if purge {
            self.record(&Record::Purge)
                .map_err(db("purging the bookkeeping table"))?;
            self.view.none_applied()
        } else {
            let applied = self.view.verify_with(&rows, false)?;
            for row in rows
                .iter()
                .filter(|r| r.state != RowState::Applied.as_str())
            {
                self.record(&Record::Removed { id: &row.id })
                    .map_err(db("clearing a started revision"))?;
            }
            applied
        };
        let plan = planner::plan_stamp_all(&self.view.graph, &applied, targets)?;
        let mut now = applied;
        for &ix in &plan.remove {
            let id = self.view.revision(ix).id;
            self.record(&Record::Removed { id })
                .map_err(db("stamping"))?;
            now[ix] = false;
        }
        for &ix in &plan.add {
            let revision = self.view.revision(ix);
            self.record(&Record::Applied {
                revision,
                duration_ms: None,
            })
            .map_err(db("stamping"))?;
            now[ix] = true;
        }
        Ok(StampReport {
            added: plan
                .add
                .iter()
                .map(|&ix| self.view.revision(ix).id)
                .collect(),
            removed: plan
                .remove
                .iter()
                .map(|&ix| self.view.revision(ix).id)
                .collect(),
            now_at: self.view.describe(&now),
        })
    }

    fn print_stamp(&self, report: &StampReport) {
        let out = self.options.output;
        if report.added.is_empty() && report.removed.is_empty() {
            out.line(&format!(
                "nothing to do: database already stamped at {}",
                report.now_at
            ));
            return;
        }
        if !report.removed.is_empty() {
            out.line(&format!(
                "stamp: removed {} from the record",
                revisions_text(&report.removed)
            ));
        }
        if !report.added.is_empty() {
            out.line(&format!(
                "stamp: recorded {} as applied",
                revisions_text(&report.added)
            ));
        }
        out.line(&format!(
            "stamped: database now recorded at {} (no migration SQL was run)",
            report.now_at
        ));
    }
}

/// The fast path of the up-to-date check, before any graph is built or lock
/// taken: `Some(description)` when the chain state says every revision of
/// `chain` is applied (one single-row query; [`crate::bookkeeping`] says what
/// it trusts), `None` when the full verification must decide — a missing
/// state table or row, a failed query, any mismatch.
///
/// Answering without the migration lock is safe: it only ever concludes
/// "nothing to do", which is true at the moment of the read, exactly as if
/// this run had taken the lock just before any other migrator.
pub(crate) fn fast_at_head<C: MigrationConnection>(
    conn: &mut C,
    chain: &crate::embedded::EmbeddedChain,
    table: &str,
    lock_timeout: Duration,
    session: Option<SessionSql<'_>>,
) -> Option<String> {
    conn.prepare_session(lock_timeout).ok()?;
    // A failing session SQL is reported by the full path, which runs it again.
    session::run(conn, session).ok()?;
    let stored = conn.load_counted_chain_state(table).ok()??;
    let n = i64::try_from(chain.revisions.len()).ok()?;
    let at_head =
        stored.chain_hash == chain.chain_hash && stored.row_count == n && stored.actual_rows == n;
    // With every revision applied, the applied heads are the chain's heads
    // (in the same topological order `ChainView::describe` uses).
    at_head.then(|| {
        let heads: Vec<String> = chain.heads.iter().map(|h| format!("{h} (head)")).collect();
        first_few(&heads)
    })
}

/// True when upgrading to `target` from "everything applied" is a no-op, so
/// [`fast_at_head`] may answer for the planner. `head` with several heads is
/// an error the planner must report.
pub(crate) fn fast_target(chain: &crate::embedded::EmbeddedChain, target: &str) -> bool {
    target == "heads" || (target == "head" && chain.heads.len() == 1)
}

/// The report (and line) of a run with nothing to do.
pub(crate) fn nothing_to_do(out: Output, now_at: String) -> RunReport {
    out.line(&format!("nothing to do: database already at {now_at}"));
    RunReport {
        steps: Vec::new(),
        now_at,
    }
}

fn summary(report: &RunReport, elapsed: Duration) -> String {
    let ran = report.steps.len();
    let verb = match report.steps.first().map(|s| s.direction) {
        Some(Direction::Down) => "downgraded",
        _ => "upgraded",
    };
    format!(
        "{verb} {ran} revision{} in {}; database now at {}",
        plural(ran),
        millis(elapsed),
        report.now_at
    )
}

/// `0001`, or `3 revisions (0001, 0002, 0003)`: one line however many
/// (the report lists every one).
fn revisions_text(ids: &[&str]) -> String {
    match ids {
        [one] => (*one).to_owned(),
        many => format!("{} revisions ({})", many.len(), first_few(many)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn direction(d: StepDirection) -> Direction {
    match d {
        StepDirection::Up => Direction::Up,
        StepDirection::Down => Direction::Down,
    }
}

/// The `duration_ms` recorded for a step: 0 for one that had nothing to run.
fn outcome_ms(outcome: StepOutcome) -> u64 {
    match outcome {
        StepOutcome::Ran { duration } => as_ms(duration),
        StepOutcome::NoStatements => 0,
    }
}

fn as_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
