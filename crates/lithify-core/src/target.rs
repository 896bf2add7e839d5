//! The target grammar shared by every command: `head`, `base`, ids, prefixes,
//! relative steps and branch-qualified forms.
//!
//! Grammar (N is a positive decimal integer):
//!
//! | form | meaning |
//! |---|---|
//! | `ID` | that revision |
//! | `PREFIX` (>= 4 chars) | the one revision whose id starts with it |
//! | `head` / `heads` / `base` | the single head / all heads / nothing applied |
//! | `LABEL@head`, `REV@head` | the head of that branch / the head descending from REV |
//! | `LABEL@base` | the base of the labelled branch |
//! | `+N`, `-N` | N steps up / down from the current revision |
//! | `REV+N`, `REV-N`, `head-N` | N steps up / down from REV or head |
//! | `LABEL@+N`, `LABEL@-N` | N steps from the current revision of that branch |
//! | `current` | what the database has applied (commands that read it) |

use thiserror::Error;

use crate::Graph;

/// A parsed (not yet resolved) target expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Nothing applied.
    Base,
    /// The single head (error when there are several).
    Head,
    /// Every head.
    Heads,
    /// What the database currently has.
    Current,
    /// An id, a prefix or a branch label, with an optional `@head` / `@base`
    /// qualifier and an optional relative offset.
    Revision {
        /// The id, prefix or label text before `@`, `+` or `-`.
        name: String,
        /// `@head` / `@base` qualifier.
        qualifier: Option<Qualifier>,
        /// Relative steps (positive up, negative down), 0 when absent.
        offset: i64,
    },
    /// `+N` / `-N` / `LABEL@+N`: relative to the current revision (of a branch).
    Relative {
        /// Branch label for `LABEL@+N`.
        branch: Option<String>,
        /// Steps, positive up, negative down.
        offset: i64,
    },
    /// `head-N`.
    HeadRelative {
        /// Steps (negative).
        offset: i64,
    },
}

/// `@head` or `@base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// `X@head`.
    Head,
    /// `X@base`.
    Base,
}

/// A target expression that does not parse or does not resolve. Each message
/// names the expression and says what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    /// The text does not follow the grammar.
    #[error("`{input}` is not a valid target: {reason}")]
    Syntax {
        /// The expression.
        input: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// No revision or label matches.
    #[error("no revision or branch label matches `{input}`")]
    NotFound {
        /// The expression.
        input: String,
    },
    /// A prefix matches several revisions.
    #[error("`{input}` is ambiguous: it is a prefix of {}", .candidates.join(", "))]
    Ambiguous {
        /// The expression.
        input: String,
        /// The matching ids.
        candidates: Vec<String>,
    },
    /// `head` (or a relative step) is ambiguous because there are several heads.
    #[error("`{input}` is ambiguous: there are multiple heads ({}); use `LABEL@head` or `heads`", .heads.join(", "))]
    MultipleHeads {
        /// The expression.
        input: String,
        /// The heads.
        heads: Vec<String>,
    },
    /// A relative step crosses a fork or a merge, or starts from several heads.
    #[error("`{input}` is ambiguous: {reason}")]
    AmbiguousStep {
        /// The expression.
        input: String,
        /// Where the ambiguity is.
        reason: String,
    },
    /// A relative step goes past a base or a head.
    #[error("`{input}` goes {steps} step(s) beyond the {end}")]
    OutOfRange {
        /// The expression.
        input: String,
        /// How many steps too far.
        steps: i64,
        /// `base` or `head`.
        end: &'static str,
    },
}

impl Target {
    /// Parse a target expression.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let _ = input;
        todo!()
    }

    /// Resolve to the set of revisions it names (empty for `base`), given the
    /// revisions the database has applied (`applied[ix]`; pass all-false when
    /// no database is involved). The result is sorted in topological order.
    pub fn resolve(&self, input: &str, graph: &Graph, applied: &[bool]) -> Result<Vec<usize>, TargetError> {
        let _ = (input, graph, applied);
        todo!()
    }
}

/// Parse and resolve in one call.
pub fn resolve(input: &str, graph: &Graph, applied: &[bool]) -> Result<Vec<usize>, TargetError> {
    Target::parse(input)?.resolve(input, graph, applied)
}

/// Split a range `START:END` (either side may be empty: `:head`, `base:`).
pub fn split_range(input: &str) -> Option<(&str, &str)> {
    input.split_once(':')
}
