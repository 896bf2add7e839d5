//! The target grammar shared by every command: `head`, `base`, ids, prefixes,
//! relative steps and branch-qualified forms.

use thiserror::Error;

/// A parsed (not yet resolved) target expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Placeholder until the grammar lands.
    Head,
}

/// A target expression that does not parse or does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    /// Placeholder until the grammar lands.
    #[error("invalid target `{0}`")]
    Invalid(String),
}
