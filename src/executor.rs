//! Runs plans against a live connection, generic over [`MigrationConnection`].
//!
//! Order of work for every command that writes:
//! 1. session set-up and the run-wide migration lock (engines that have one);
//! 2. read the bookkeeping and verify it against the embedded chain, refusing
//!    on any inconsistency before anything changes;
//! 3. plan once;
//! 4. for each step, inside the revision's own transaction, re-read the
//!    bookkeeping and skip the step if another migrator did it meanwhile — on
//!    SQLite that transaction is `BEGIN IMMEDIATE`, so this re-check is what
//!    makes "every revision applied exactly once" hold across processes.

mod recovery;

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use lithify_core::planner::{self, PlanStep, StepDirection};

use crate::bookkeeping::{self, BookkeepingRow, Record, RowState};
use crate::chain::ChainView;
use crate::dialects::{BackendError, MigrationConnection, SqlDialect};
use crate::error::{db, Direction, Error};
use crate::report::{
    millis, CheckOutcome, CurrentState, Output, RunReport, StampReport, StepOutcome, StepReport,
};

/// Options of one run, from the [`crate::Migrator`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunOptions<'a> {
    pub table: &'a str,
    pub lock_timeout: Duration,
    pub output: Output,
}

/// One command's worth of work on one connection.
pub(crate) struct Executor<'a, C: MigrationConnection> {
    conn: &'a mut C,
    view: &'a ChainView,
    dialect: &'static dyn SqlDialect,
    options: RunOptions<'a>,
}

impl<'a, C: MigrationConnection> Executor<'a, C> {
    pub fn new(
        conn: &'a mut C,
        view: &'a ChainView,
        options: RunOptions<'a>,
    ) -> Result<Self, Error> {
        let dialect = conn.sql_dialect();
        conn.prepare_session(options.lock_timeout)
            .map_err(db("preparing the session"))?;
        Ok(Executor {
            conn,
            view,
            dialect,
            options,
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
            .map_err(db("reading the bookkeeping table"))
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
        let at = self.view.describe(&known);
        Ok(CurrentState { at, rows, problem })
    }

    /// The applied set for `history --indicate-current` and relative ranges.
    pub fn applied_set(&mut self) -> Result<Vec<bool>, Error> {
        self.applied()
    }

    pub fn check(&mut self) -> Result<CheckOutcome, Error> {
        let applied = self.applied()?;
        let at = self.view.describe(&applied);
        let pending: Vec<&'static str> = self
            .view
            .graph
            .topological_order()
            .iter()
            .filter(|&&ix| !applied[ix])
            .map(|&ix| self.view.revision(ix).id)
            .collect();
        Ok(if pending.is_empty() {
            CheckOutcome::AtHead { at }
        } else {
            CheckOutcome::Behind { at, pending }
        })
    }

    // ---- writing commands ---------------------------------------------------

    /// Run `f` holding the run-wide migration lock, releasing it on every
    /// path: success, error, and panic (caught, the lock released, then the
    /// panic resumed), so a caller that survives a panic does not keep other
    /// migrators out. A killed process's lock is freed by the server.
    fn locked<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        let (table, timeout) = (self.options.table, self.options.lock_timeout);
        self.conn
            .acquire_migration_lock(table, timeout)
            .map_err(db("taking the migration lock"))?;
        let result = panic::catch_unwind(AssertUnwindSafe(|| f(self)));
        let released = self
            .conn
            .release_migration_lock(table)
            .map_err(db("releasing the migration lock"));
        let result = result.unwrap_or_else(|payload| panic::resume_unwind(payload));
        // The run's own error matters more than a failed release after it.
        let value = result?;
        released?;
        Ok(value)
    }

    fn ensure_table(&mut self) -> Result<(), Error> {
        let sql = self.dialect.create_bookkeeping_table(self.options.table);
        self.conn
            .execute_sql(&sql)
            .map_err(db("creating the bookkeeping table"))
    }

    fn record(&mut self, record: &Record<'_>) -> Result<(), BackendError> {
        let sql = bookkeeping::render(record, self.options.table, self.dialect);
        self.conn.execute_sql(&sql)
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

    fn rollback(&mut self) {
        // Reporting the original failure matters more than a rollback error;
        // and a failed rollback leaves nothing committed anyway.
        let _ = self.conn.execute_sql(self.dialect.rollback_transaction());
    }

    pub fn upgrade(&mut self, target: &str) -> Result<RunReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let applied = ex.applied()?;
            ex.refuse_unadopted(&applied)?;
            let plan = planner::plan_upgrade(&ex.view.graph, &applied, target)?;
            ex.execute(&plan.steps, &applied)
        })
    }

    pub fn downgrade(&mut self, target: &str) -> Result<RunReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let applied = ex.applied()?;
            let plan = planner::plan_downgrade(&ex.view.graph, &applied, target)?;
            ex.execute(&plan.steps, &applied)
        })
    }

    fn execute(&mut self, steps: &[PlanStep], applied: &[bool]) -> Result<RunReport, Error> {
        let out = self.options.output;
        if steps.is_empty() {
            let now_at = self.view.describe(applied);
            out.line(&format!("nothing to do: database already at {now_at}"));
            return Ok(RunReport {
                steps: Vec::new(),
                now_at,
            });
        }
        // Every step's SQL must exist before the first one runs.
        let sqls = steps
            .iter()
            .map(|s| self.step_sql(*s))
            .collect::<Result<Vec<_>, _>>()?;
        let started = Instant::now();
        let mut reports = Vec::with_capacity(steps.len());
        for (step, sql) in steps.iter().zip(sqls) {
            let report = self.step(*step, sql)?;
            out.line(&self.step_line(step.revision, &report));
            reports.push(report);
        }
        let now_at = self.view.describe(&self.applied()?);
        let report = RunReport {
            steps: reports,
            now_at,
        };
        out.line(&summary(&report, started.elapsed()));
        Ok(report)
    }

    fn step_sql(&self, step: PlanStep) -> Result<&'static str, Error> {
        let revision = self.view.revision(step.revision);
        let direction = direction(step.direction);
        let sql = match direction {
            Direction::Up => revision.up.for_dialect(self.dialect.dialect()),
            Direction::Down => revision
                .down
                .and_then(|d| d.for_dialect(self.dialect.dialect())),
        };
        sql.ok_or_else(|| Error::MissingSql {
            id: revision.id.to_owned(),
            id_dir: revision.name.to_owned(),
            direction,
            dialect: self.dialect.dialect(),
        })
    }

    fn step(&mut self, step: PlanStep, sql: &str) -> Result<StepReport, Error> {
        let revision = self.view.revision(step.revision);
        let direction = direction(step.direction);
        let outcome = if revision.transactional && self.dialect.transactional_ddl() {
            self.step_in_transaction(step.revision, direction, sql)?
        } else {
            self.step_outside_transaction(step.revision, direction, sql)?
        };
        Ok(StepReport {
            revision,
            direction,
            outcome,
        })
    }

    /// SQL and bookkeeping commit together, or not at all.
    fn step_in_transaction(
        &mut self,
        ix: usize,
        direction: Direction,
        sql: &str,
    ) -> Result<StepOutcome, Error> {
        self.transaction(|ex| {
            let applied = ex.applied()?;
            if applied[ix] == (direction == Direction::Up) {
                return Ok(StepOutcome::AlreadyDone);
            }
            let started = Instant::now();
            ex.conn
                .run_revision_sql(sql, true)
                .map_err(|e| ex.failed(ix, direction, &applied, false, e))?;
            let duration = started.elapsed();
            let revision = ex.view.revision(ix);
            let record = match direction {
                Direction::Up => Record::Applied {
                    revision,
                    duration_ms: Some(as_ms(duration)),
                },
                Direction::Down => Record::Removed { id: revision.id },
            };
            ex.record(&record).map_err(db("recording the revision"))?;
            Ok(StepOutcome::Ran { duration })
        })
    }

    /// Marked started in a short transaction (which also claims the step
    /// against other migrators), run, then marked done; a crash in between
    /// leaves a `started` row that the next run refuses to ignore.
    fn step_outside_transaction(
        &mut self,
        ix: usize,
        direction: Direction,
        sql: &str,
    ) -> Result<StepOutcome, Error> {
        let revision = self.view.revision(ix);
        let claimed = self.transaction(|ex| {
            let applied = ex.applied()?;
            if applied[ix] == (direction == Direction::Up) {
                return Ok(None);
            }
            let record = match direction {
                Direction::Up => Record::Started { revision },
                Direction::Down => Record::Reverting { id: revision.id },
            };
            ex.record(&record)
                .map_err(db("marking the revision started"))?;
            Ok(Some(applied))
        })?;
        let Some(applied) = claimed else {
            return Ok(StepOutcome::AlreadyDone);
        };
        let started = Instant::now();
        self.conn
            .run_revision_sql(sql, false)
            .map_err(|e| self.failed(ix, direction, &applied, true, e))?;
        let duration = started.elapsed();
        let record = match direction {
            Direction::Up => Record::Finished {
                id: revision.id,
                duration_ms: Some(as_ms(duration)),
            },
            Direction::Down => Record::Removed { id: revision.id },
        };
        self.record(&record)
            .map_err(db("marking the revision finished"))?;
        Ok(StepOutcome::Ran { duration })
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
            StepOutcome::AlreadyDone => "(already done by another migrator, skipped)".to_owned(),
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
            let report = ex.transaction(|ex| ex.stamp_rows(targets, purge))?;
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
        for id in &report.removed {
            out.line(&format!("stamp: removed {id} from the record"));
        }
        for id in &report.added {
            out.line(&format!("stamp: recorded {id} as applied"));
        }
        out.line(&format!(
            "stamped: database now recorded at {} (no migration SQL was run)",
            report.now_at
        ));
    }
}

fn summary(report: &RunReport, elapsed: Duration) -> String {
    let ran = report.ran();
    let skipped = report.steps.len() - ran;
    let verb = match report.steps.first().map(|s| s.direction) {
        Some(Direction::Down) => "downgraded",
        _ => "upgraded",
    };
    let mut line = format!(
        "{verb} {ran} revision{} in {}",
        plural(ran),
        millis(elapsed)
    );
    if skipped > 0 {
        line.push_str(&format!(" ({skipped} already done by another migrator)"));
    }
    line.push_str(&format!("; database now at {}", report.now_at));
    line
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

fn as_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
