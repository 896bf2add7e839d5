//! Turns (graph, applied revisions, target) into the ordered list of revisions
//! to apply or revert. Pure: the executor does the I/O.

use thiserror::Error;

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

/// Why no plan can be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// Placeholder until the planner lands.
    #[error("{0}")]
    Other(String),
}
