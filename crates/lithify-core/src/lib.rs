//! The parts of lithify that build time and run time share: revision ids, checksums,
//! the revision graph, the target grammar, the planner and the SQL statement splitter.
//!
//! Nothing here touches a file system or a database, so the same code decides at
//! `cargo build` what the migrator will decide at run time.

pub mod checksum;
pub mod dialect;
pub mod graph;
pub mod id;
pub mod layout;
pub mod listing;
pub mod packed;
pub mod planner;
pub mod split;
pub mod target;

pub use checksum::{ChainHash, Checksum, ChecksumParseError};
pub use dialect::Dialect;
pub use graph::{Graph, GraphError, RevisionNode};
pub use id::{validate_revision_id, IdError};
pub use packed::{PackError, PackProblem, PackedRevision, PackedSql};
pub use planner::{Plan, PlanError, PlanStep, StepDirection};
pub use target::{Resolution, Target, TargetError};
