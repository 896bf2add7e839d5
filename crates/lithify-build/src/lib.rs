//! Build-script side of lithify.
//!
//! Reads a migrations directory, validates the revision graph and the seals in
//! `lithify.lock`, and generates the Rust module that embeds every revision.
//!
//! ```no_run
//! // build.rs: `fn main() { ... }` runs this
//! lithify_build::Builder::new("migrations").compile_or_exit();
//! ```
//!
//! Data flows one way: [`sources`] -> graph (lithify-core) -> [`seal`] -> [`compile`] -> [`codegen`].
//! [`authoring`] holds the file-writing operations of the `lithify` CLI (`new`, `merge`);
//! sealing (`seal_new`, `amend`) lives in [`seal`].

pub mod authoring;
pub mod codegen;
pub mod compile;
pub mod diagnostic;
pub mod seal;
pub mod sources;

pub use authoring::{merge, new_revision, NewOptions};
pub use compile::{Builder, CompiledChain, CompiledRevision, DialectSql, REQUIRE_SEALS_ENV};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use lithify_core::Dialect;
pub use seal::{amend, seal_new};
