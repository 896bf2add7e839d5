//! `replay` on the executor (see [`crate::replay`]): a child module so it
//! runs its steps through the same lock, transactions and bookkeeping as
//! any upgrade.

use std::time::Instant;

use lithify_core::listing::first_few;

use lithify_core::planner::{PlanStep, StepDirection};

use super::{plural, Executor, Framing};
use crate::chain::Tracked;
use crate::dialects::MigrationConnection;
use crate::error::{db, Direction, Error};
use crate::replay::{
    column_order_warning, counts, DownFinding, DownProblem, ReplayError, ReplayOptions,
    ReplayReport, Schema,
};
use crate::report::millis;

/// How one revision's down is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Down and up again for real, with their bookkeeping.
    ForReal,
    /// Down and up again inside a transaction that is rolled back.
    RolledBack,
}

impl<C: MigrationConnection> Executor<'_, C> {
    /// Every revision in upgrade order: up, then (when it has down SQL for
    /// this engine) its down checked: the schema must be back where it was,
    /// and the up run again must make what the first up made. Without
    /// `keep_going` the checks run for real and the first broken down
    /// stops the run; with it, see [`crate::replay`]. Refuses a database
    /// that is not empty.
    pub fn replay(&mut self, options: ReplayOptions) -> Result<ReplayReport, Error> {
        self.locked(|ex| {
            let mut tracked = ex.refuse_non_empty()?;
            ex.ensure_table()?;
            let keep_going = options.keep_going && ex.keep_going_possible();
            let mut report = ReplayReport::default();
            // Empty, as refuse_non_empty found it; each revision hands on
            // the schema it leaves, so none is read twice.
            let mut schema = Schema::default();
            for ix in ex.view.graph.topological_order().to_vec() {
                if report.stopped.is_some() {
                    report.not_checked.push(ex.view.revision(ix).id);
                    continue;
                }
                schema = if keep_going {
                    ex.keep_going_one(ix, schema, &mut tracked, options, &mut report)?
                } else {
                    ex.replay_one(ix, schema, &mut tracked, options, &mut report)?
                };
            }
            ex.options.output.line(&replay_summary(&report, keep_going));
            if report.broken.is_empty() && report.stopped.is_none() {
                Ok(report)
            } else {
                Err(ReplayError::Broken {
                    report: Box::new(report),
                }
                .into())
            }
        })
    }

    /// Whether downs can be checked in rolled-back transactions here; says
    /// why not where DDL commits implicitly.
    fn keep_going_possible(&self) -> bool {
        let possible = self.dialect.transactional_ddl();
        if !possible {
            self.options.output.line(&format!(
                "note: --keep-going checks each down inside a transaction that is rolled back, \
                 but {} commits DDL implicitly, so nothing could be rolled back: replaying every \
                 revision for real and stopping at the first broken down",
                self.dialect.dialect()
            ));
        }
        possible
    }

    /// The bookkeeping as read (nothing applied), unless the database holds
    /// tables or applied revisions.
    fn refuse_non_empty(&mut self) -> Result<Tracked, Error> {
        let mut objects = self.schema()?.lines;
        let tracked = self.tracked()?;
        objects.extend(
            tracked
                .applied
                .iter()
                .enumerate()
                .filter(|(_, a)| **a)
                .map(|(ix, _)| {
                    format!("revision {} recorded as applied", self.view.revision(ix).id)
                }),
        );
        if objects.is_empty() {
            Ok(tracked)
        } else {
            Err(ReplayError::NotEmpty { objects }.into())
        }
    }

    /// Replay revision `ix` from schema `before` for real, stopping at the
    /// first problem; returns the schema it leaves (what its up makes).
    fn replay_one(
        &mut self,
        ix: usize,
        before: Schema,
        tracked: &mut Tracked,
        options: ReplayOptions,
        report: &mut ReplayReport,
    ) -> Result<Schema, Error> {
        let revision = self.view.revision(ix);
        self.replay_step(ix, StepDirection::Up, tracked)?;
        let after = self.schema()?;
        if !self.reversible(ix) {
            report.irreversible.push(revision.id);
            return Ok(after);
        }
        self.replay_step(ix, StepDirection::Down, tracked)?;
        let found = self.schema()?;
        let down = found.compare(&before);
        if !down.diff.is_empty() {
            return Err(ReplayError::DownDoesNotRestore {
                id: revision.id.to_owned(),
                name: revision.name.to_owned(),
                diff: down.diff,
            }
            .into());
        }
        self.replay_step(ix, StepDirection::Up, tracked)?;
        let up_again = self.schema()?.compare(&after);
        if !up_again.diff.is_empty() {
            return Err(ReplayError::UpAgainDiffers {
                id: revision.id.to_owned(),
                name: revision.name.to_owned(),
                diff: up_again.diff,
            }
            .into());
        }
        if !down.column_order.is_empty() {
            if options.strict_column_order {
                return Err(ReplayError::ColumnOrder {
                    id: revision.id.to_owned(),
                    name: revision.name.to_owned(),
                    tables: down.column_order,
                }
                .into());
            }
            let finding = self.finding(ix, Check::ForReal, Vec::new(), down.column_order);
            self.options.output.line(&column_order_warning(&finding));
            report.warnings.push(finding);
        }
        report.replayed.push(revision.id);
        Ok(after)
    }

    /// Keep-going: apply revision `ix` for real, then check its down
    /// (rolled back where the revision may run in a transaction, for real
    /// where it may not), recording what is wrong and going on. Returns the
    /// schema the chain is at afterwards.
    fn keep_going_one(
        &mut self,
        ix: usize,
        before: Schema,
        tracked: &mut Tracked,
        options: ReplayOptions,
        report: &mut ReplayReport,
    ) -> Result<Schema, Error> {
        let revision = self.view.revision(ix);
        if let Some(failure) = chain_failure(self.replay_step(ix, StepDirection::Up, tracked))? {
            report.not_checked.push(revision.id);
            report.stopped = Some(format!(
                "the up of revision `{}` failed: {failure}",
                revision.id
            ));
            return Ok(before);
        }
        let after = self.schema()?;
        if !self.reversible(ix) {
            report.irreversible.push(revision.id);
            return Ok(after);
        }
        let check = if revision.transactional {
            Check::RolledBack
        } else {
            Check::ForReal
        };
        let started = Instant::now();
        let (problems, column_order, intact) = match check {
            Check::RolledBack => {
                let (problems, order) = self.check_rolled_back(ix, &before, &after)?;
                (problems, order, true)
            }
            Check::ForReal => self.check_for_real(ix, &before, &after, tracked)?,
        };
        let strict = options.strict_column_order;
        let finding = self.finding(ix, check, problems, column_order);
        self.options.output.line(&check_line(
            revision.id,
            check,
            &finding,
            strict,
            millis(started.elapsed()),
        ));
        if !intact {
            report.stopped = Some(format!(
                "revision `{}` cannot run in a transaction, and replaying its down for real \
                 left the database where the revisions after it cannot run",
                revision.id
            ));
        }
        if finding.problems.is_empty() {
            report.replayed.push(revision.id);
        } else if is_broken(&finding, strict) {
            report.broken.push(finding);
        } else {
            self.options.output.line(&column_order_warning(&finding));
            report.replayed.push(revision.id);
            report.warnings.push(finding);
        }
        match check {
            // Rolled back: the database is as the up made it.
            Check::RolledBack => Ok(after),
            // For real: as the second up made it, which a broken down may
            // have changed; the next revision's down is compared with that.
            Check::ForReal if intact => self.schema(),
            Check::ForReal => Ok(after),
        }
    }

    /// Down, compare with `before`, up again, compare with `after`, all in
    /// a transaction that is rolled back, whatever happened: the problems
    /// and the column-order changes of the down.
    fn check_rolled_back(
        &mut self,
        ix: usize,
        before: &Schema,
        after: &Schema,
    ) -> Result<(Vec<DownProblem>, Vec<String>), Error> {
        let dialect = self.dialect;
        self.conn
            .execute_sql(dialect.begin_transaction())
            .map_err(db("starting the transaction a down is checked in"))?;
        let checked = self.down_and_up_again(before, after, |ex, direction| {
            let sql = ex.step_sql(step(ix, direction))?;
            Ok(ex
                .conn
                .run_revision_sql(sql, true)
                .err()
                .map(|e| e.to_string()))
        });
        // A failed statement leaves PostgreSQL's transaction aborted; the
        // rollback ends it either way.
        let rolled_back = self
            .conn
            .execute_sql(dialect.rollback_transaction())
            .map_err(db("rolling back the check of a down"));
        let checked = checked?;
        rolled_back?;
        Ok(checked)
    }

    /// Down and up again for real, with their bookkeeping (a revision that
    /// cannot run in a transaction): the problems, the column-order changes
    /// of the down, and whether the chain is still where the up left it.
    fn check_for_real(
        &mut self,
        ix: usize,
        before: &Schema,
        after: &Schema,
        tracked: &mut Tracked,
    ) -> Result<(Vec<DownProblem>, Vec<String>, bool), Error> {
        let mut failed = false;
        let (problems, order) = self.down_and_up_again(before, after, |ex, direction| {
            let failure = chain_failure(ex.replay_step(ix, direction, tracked))?;
            failed |= failure.is_some();
            Ok(failure)
        })?;
        Ok((problems, order, !failed))
    }

    /// The down, compared with `before`, then the up again, compared with
    /// `after`; `run` runs one direction and returns its failure, if any.
    /// A failure ends the check: nothing after it can be compared.
    fn down_and_up_again(
        &mut self,
        before: &Schema,
        after: &Schema,
        mut run: impl FnMut(&mut Self, StepDirection) -> Result<Option<String>, Error>,
    ) -> Result<(Vec<DownProblem>, Vec<String>), Error> {
        let mut problems = Vec::new();
        if let Some(error) = run(self, StepDirection::Down)? {
            problems.push(DownProblem::DownFails { error });
            return Ok((problems, Vec::new()));
        }
        let down = self.schema()?.compare(before);
        if !down.diff.is_empty() {
            problems.push(DownProblem::DoesNotRestore { diff: down.diff });
        }
        if let Some(error) = run(self, StepDirection::Up)? {
            problems.push(DownProblem::UpAgainFails { error });
            return Ok((problems, down.column_order));
        }
        let up_again = self.schema()?.compare(after);
        // After a down that left things behind, the second up's schema
        // differs for the same reason: the down's diff says it already.
        if !up_again.diff.is_empty() && problems.is_empty() {
            problems.push(DownProblem::UpAgainDiffers {
                diff: up_again.diff,
            });
        }
        Ok((problems, down.column_order))
    }

    /// Revision `ix`'s finding: its `problems`, then the column order
    /// changes ([`is_broken`] decides what they weigh).
    fn finding(
        &self,
        ix: usize,
        check: Check,
        mut problems: Vec<DownProblem>,
        column_order: Vec<String>,
    ) -> DownFinding {
        let revision = self.view.revision(ix);
        if !column_order.is_empty() {
            problems.push(DownProblem::ColumnOrder {
                tables: column_order,
            });
        }
        DownFinding {
            id: revision.id,
            name: revision.name,
            rolled_back: check == Check::RolledBack,
            transactional: revision.transactional,
            problems,
        }
    }

    fn reversible(&self, ix: usize) -> bool {
        self.view
            .revision(ix)
            .sql(Direction::Down, self.dialect.dialect())
            .is_some()
    }

    /// One step with its bookkeeping, printed like an upgrade's.
    fn replay_step(
        &mut self,
        ix: usize,
        step_direction: StepDirection,
        tracked: &mut Tracked,
    ) -> Result<(), Error> {
        let step = step(ix, step_direction);
        let sql = self.step_sql(step)?;
        let report = self.step(step, sql, tracked, true, Framing::TransactionEach)?;
        self.options.output.line(&self.step_line(ix, &report));
        Ok(())
    }

    /// The schema now: its description and each table's column order.
    fn schema(&mut self) -> Result<Schema, Error> {
        let table = self.options.table;
        let lines = self
            .conn
            .load_schema(table)
            .map_err(db("reading the schema"))?;
        let column_order = self
            .conn
            .load_column_order(table)
            .map_err(db("reading the column order"))?;
        Ok(Schema {
            lines,
            column_order,
        })
    }
}

fn step(revision: usize, direction: StepDirection) -> PlanStep {
    PlanStep {
        revision,
        direction,
    }
}

/// A revision's SQL failing is a finding of the replay (`Some` with the
/// engine's error); any other error stops it.
fn chain_failure(result: Result<(), Error>) -> Result<Option<String>, Error> {
    match result {
        Ok(()) => Ok(None),
        Err(Error::RevisionFailed { source, .. }) => Ok(Some(source.to_string())),
        Err(other) => Err(other),
    }
}

/// True when `finding` makes the down broken: any problem but a column
/// order change, which only counts when `strict`.
fn is_broken(finding: &DownFinding, strict: bool) -> bool {
    strict
        || finding
            .problems
            .iter()
            .any(|p| !matches!(p, DownProblem::ColumnOrder { .. }))
}

/// `check down of 0002 (rolled back): broken (12 ms)`.
fn check_line(id: &str, check: Check, finding: &DownFinding, strict: bool, took: String) -> String {
    let how = match check {
        Check::RolledBack => "rolled back",
        Check::ForReal => "for real: it cannot run in a transaction",
    };
    let verdict = if finding.problems.is_empty() {
        "restores the schema"
    } else if is_broken(finding, strict) {
        "BROKEN"
    } else {
        "restores the schema, columns in another order"
    };
    format!("check down of {id} ({how}): {verdict} ({took})")
}

/// The last line of a replay that found nothing broken (a broken one's
/// error says the rest).
fn replay_summary(report: &ReplayReport, keep_going: bool) -> String {
    let irreversible = match report.irreversible.len() {
        0 => String::new(),
        n => format!(
            " ({n} irreversible, applied once: {})",
            first_few(&report.irreversible)
        ),
    };
    if keep_going {
        return format!("replay --keep-going: {}{irreversible}", counts(report));
    }
    let replayed = report.replayed.len();
    let order = match report.warnings.len() {
        0 => String::new(),
        n => format!("; {n} with columns in another order (warnings above)"),
    };
    format!(
        "replayed {replayed} revision{} up, down and up again: every down restores its schema{order}{irreversible}",
        plural(replayed),
    )
}
