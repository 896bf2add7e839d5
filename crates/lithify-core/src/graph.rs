//! The revision graph: a DAG of revisions linked by parents (and `depends_on`).
//!
//! Revisions are addressed by index (`usize`, position in the `Vec` given to
//! [`Graph::new`]) for speed; [`Graph::id`] and [`Graph::index_of`] convert.

use thiserror::Error;

/// One revision as the graph sees it: its id and its edges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevisionNode {
    /// The revision id.
    pub id: String,
    /// Parent ids. None: a base. Two or more: a merge.
    pub parents: Vec<String>,
    /// Ids this revision depends on without joining their branch.
    pub depends_on: Vec<String>,
    /// Branch labels (`label@head`).
    pub branch_labels: Vec<String>,
}

/// A structural problem with the graph. Each names the revisions involved.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GraphError {
    /// Two revisions share an id.
    #[error("revision id `{id}` is used more than once")]
    DuplicateId {
        /// The duplicated id.
        id: String,
    },
    /// A parent names no revision.
    #[error("revision `{id}` names parent `{parent}`, which does not exist")]
    DanglingParent {
        /// The child.
        id: String,
        /// The missing parent.
        parent: String,
    },
    /// A revision lists itself as parent or dependency.
    #[error("revision `{id}` names itself as a parent")]
    SelfParent {
        /// The revision.
        id: String,
    },
    /// A `depends_on` names no revision.
    #[error("revision `{id}` depends on `{dependency}`, which does not exist")]
    DanglingDependency {
        /// The dependent revision.
        id: String,
        /// The missing dependency.
        dependency: String,
    },
    /// Parents (or parents and dependencies) form a cycle.
    #[error("revisions form a cycle: {}", .ids.join(" -> "))]
    Cycle {
        /// The revisions on the cycle, in order, first repeated at the end.
        ids: Vec<String>,
    },
    /// A branch label is used by more than one revision.
    #[error("branch label `{label}` is used by more than one revision: {}", .ids.join(", "))]
    DuplicateBranchLabel {
        /// The label.
        label: String,
        /// The revisions carrying it.
        ids: Vec<String>,
    },
    /// A branch label collides with a revision id.
    #[error("branch label `{label}` on revision `{id}` is also a revision id")]
    LabelIsRevisionId {
        /// The label.
        label: String,
        /// The revision carrying it.
        id: String,
    },
    /// More than one head, and they are not each on a labelled branch.
    #[error("there are {} heads: {}", .heads.len(), .heads.join(", "))]
    MultipleHeads {
        /// The head ids, in topological order.
        heads: Vec<String>,
    },
}

/// A validated revision graph (no dangling edges, no cycles, unique ids and labels).
#[derive(Debug, Clone)]
pub struct Graph {
    _private: (),
}

impl Graph {
    /// Build and validate. Returns every problem found, not just the first.
    /// Multiple heads are not checked here (see [`Graph::check_heads`]).
    pub fn new(nodes: Vec<RevisionNode>) -> Result<Graph, Vec<GraphError>> {
        let _ = nodes;
        todo!()
    }

    /// Error when more than one head exists and they are not each on a
    /// labelled branch (Alembic's rule, made a build error).
    pub fn check_heads(&self) -> Result<(), GraphError> {
        todo!()
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// True when there are no revisions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index of the revision with this exact id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        let _ = id;
        todo!()
    }

    /// Id of the revision at `ix`.
    pub fn id(&self, ix: usize) -> &str {
        let _ = ix;
        todo!()
    }

    /// The node at `ix`, as given to [`Graph::new`].
    pub fn node(&self, ix: usize) -> &RevisionNode {
        let _ = ix;
        todo!()
    }

    /// Parent indexes of `ix`.
    pub fn parents(&self, ix: usize) -> &[usize] {
        let _ = ix;
        todo!()
    }

    /// Child indexes of `ix` (revisions naming it as parent), in topological order.
    pub fn children(&self, ix: usize) -> &[usize] {
        let _ = ix;
        todo!()
    }

    /// Dependency indexes of `ix`.
    pub fn dependencies(&self, ix: usize) -> &[usize] {
        let _ = ix;
        todo!()
    }

    /// Heads: revisions with no child, in topological order.
    pub fn heads(&self) -> Vec<usize> {
        todo!()
    }

    /// Bases: revisions with no parent, in topological order.
    pub fn bases(&self) -> Vec<usize> {
        todo!()
    }

    /// Every revision in the deterministic topological order (parents and
    /// dependencies first; ties broken by the documented rule).
    pub fn topological_order(&self) -> &[usize] {
        todo!()
    }

    /// Position of `ix` in [`Graph::topological_order`].
    pub fn topological_position(&self, ix: usize) -> usize {
        let _ = ix;
        todo!()
    }

    /// `ix` and everything it needs (parents and dependencies, transitively).
    pub fn ancestors_inclusive(&self, ix: usize) -> Vec<bool> {
        let _ = ix;
        todo!()
    }

    /// `ix` and everything that needs it (children and dependents, transitively).
    pub fn descendants_inclusive(&self, ix: usize) -> Vec<bool> {
        let _ = ix;
        todo!()
    }

    /// The revision carrying branch label `label`.
    pub fn label(&self, label: &str) -> Option<usize> {
        let _ = label;
        todo!()
    }
}
