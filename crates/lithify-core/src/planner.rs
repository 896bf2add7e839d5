//! Turns (graph, applied revisions, target) into the ordered list of revisions
//! to apply or revert. Pure: the executor does the I/O.
//!
//! - Upgrade to a target applies exactly the target's ancestors (parents and
//!   dependencies, inclusive) that are not applied, in topological order.
//! - Downgrade to a target reverts exactly the applied revisions that descend
//!   from it (not the target itself), children before parents. `base` reverts all.

use thiserror::Error;

use crate::{target::TargetError, Graph};

/// Whether a step applies or reverts its revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepDirection {
    /// Run the revision's upgrade.
    Up,
    /// Run the revision's downgrade.
    Down,
}

/// One step of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStep {
    /// Graph index of the revision.
    pub revision: usize,
    /// Apply or revert.
    pub direction: StepDirection,
}

/// The ordered steps that take the database to the target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Steps in execution order.
    pub steps: Vec<PlanStep>,
}

/// The change a `stamp` makes to the bookkeeping (no SQL runs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StampPlan {
    /// Revisions to record as applied, topological order.
    pub add: Vec<usize>,
    /// Revisions to remove from the record, reverse topological order.
    pub remove: Vec<usize>,
}

/// Why no plan can be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// The target does not parse or resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// An upgrade target is behind what is applied, or a downgrade target ahead.
    #[error("{0}")]
    WrongDirection(String),
}

/// Plan an upgrade to `target` from the `applied` set (`applied[ix]`).
pub fn plan_upgrade(graph: &Graph, applied: &[bool], target: &str) -> Result<Plan, PlanError> {
    let _ = (graph, applied, target);
    todo!()
}

/// Plan a downgrade to `target` from the `applied` set.
pub fn plan_downgrade(graph: &Graph, applied: &[bool], target: &str) -> Result<Plan, PlanError> {
    let _ = (graph, applied, target);
    todo!()
}

/// Plan a stamp: the applied set becomes (applied + ancestors of target) minus
/// strict descendants of the target; `base` clears everything.
pub fn plan_stamp(graph: &Graph, applied: &[bool], target: &str) -> Result<StampPlan, PlanError> {
    let _ = (graph, applied, target);
    todo!()
}

/// The applied revisions none of whose children are applied (the database's
/// current heads), in topological order.
pub fn applied_heads(graph: &Graph, applied: &[bool]) -> Vec<usize> {
    let _ = (graph, applied);
    todo!()
}
