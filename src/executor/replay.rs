//! `replay` on the executor (see [`crate::replay`]): a child module so it
//! runs its steps through the same lock, transactions and bookkeeping as
//! any upgrade.

use lithify_core::listing::first_few;
use lithify_core::planner::{PlanStep, StepDirection};

use super::{plural, Executor, Framing};
use crate::chain::Tracked;
use crate::dialects::MigrationConnection;
use crate::error::{db, Direction, Error};
use crate::replay::{schema_diff, ReplayError, ReplayReport};

impl<C: MigrationConnection> Executor<'_, C> {
    /// Every revision in upgrade order: up, then (when it has down SQL for
    /// this engine) down, checking the schema is back where it was, then up
    /// again, checking the schema is what the first up made. Stops at the
    /// first problem. Refuses a database that is not empty.
    pub fn replay(&mut self) -> Result<ReplayReport, Error> {
        self.locked(|ex| {
            let mut tracked = ex.refuse_non_empty()?;
            ex.ensure_table()?;
            let mut report = ReplayReport {
                replayed: Vec::new(),
                irreversible: Vec::new(),
            };
            // Empty, as refuse_non_empty found it; each revision hands on
            // the schema it leaves, so none is read twice.
            let mut schema = Vec::new();
            for ix in ex.view.graph.topological_order().to_vec() {
                schema = ex.replay_one(ix, schema, &mut tracked, &mut report)?;
            }
            let replayed = report.replayed.len();
            ex.options.output.line(&format!(
                "replayed {replayed} revision{} up, down and up again: every down restores its schema{}",
                plural(replayed),
                match report.irreversible.len() {
                    0 => String::new(),
                    n => format!(
                        " ({n} irreversible, applied once: {})",
                        first_few(&report.irreversible)
                    ),
                }
            ));
            Ok(report)
        })
    }

    /// The bookkeeping as read (nothing applied), unless the database holds
    /// tables or applied revisions.
    fn refuse_non_empty(&mut self) -> Result<Tracked, Error> {
        let mut objects = self.schema()?;
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

    /// Replay revision `ix` from schema `before`; returns the schema it
    /// leaves (what its up makes).
    fn replay_one(
        &mut self,
        ix: usize,
        before: Vec<String>,
        tracked: &mut Tracked,
        report: &mut ReplayReport,
    ) -> Result<Vec<String>, Error> {
        let revision = self.view.revision(ix);
        self.replay_step(ix, StepDirection::Up, tracked)?;
        let after = self.schema()?;
        if revision
            .sql(Direction::Down, self.dialect.dialect())
            .is_none()
        {
            report.irreversible.push(revision.id);
            return Ok(after);
        }
        self.replay_step(ix, StepDirection::Down, tracked)?;
        self.expect_schema(ix, &before, |id, name, diff| {
            ReplayError::DownDoesNotRestore { id, name, diff }
        })?;
        self.replay_step(ix, StepDirection::Up, tracked)?;
        self.expect_schema(ix, &after, |id, name, diff| ReplayError::UpAgainDiffers {
            id,
            name,
            diff,
        })?;
        report.replayed.push(revision.id);
        Ok(after)
    }

    /// The schema now must be `expected`; otherwise `problem` with revision
    /// `ix`'s id and directory and the differing lines.
    fn expect_schema(
        &mut self,
        ix: usize,
        expected: &[String],
        problem: impl FnOnce(String, String, Vec<String>) -> ReplayError,
    ) -> Result<(), Error> {
        let found = self.schema()?;
        if found == expected {
            return Ok(());
        }
        let revision = self.view.revision(ix);
        let diff = schema_diff(expected, &found);
        Err(problem(revision.id.to_owned(), revision.name.to_owned(), diff).into())
    }

    /// One step with its bookkeeping, printed like an upgrade's.
    fn replay_step(
        &mut self,
        ix: usize,
        step_direction: StepDirection,
        tracked: &mut Tracked,
    ) -> Result<(), Error> {
        let step = PlanStep {
            revision: ix,
            direction: step_direction,
        };
        let sql = self.step_sql(step)?;
        let report = self.step(step, sql, tracked, true, Framing::TransactionEach)?;
        self.options.output.line(&self.step_line(ix, &report));
        Ok(())
    }

    fn schema(&mut self) -> Result<Vec<String>, Error> {
        let table = self.options.table;
        self.conn
            .load_schema(table)
            .map_err(db("reading the schema"))
    }
}
