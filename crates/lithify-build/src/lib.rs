//! Build-script side of lithify.
//!
//! Reads a migrations directory, validates the revision graph and the seals in
//! `lithify.lock`, and generates the Rust module that embeds every revision.
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     lithify_build::Builder::new("migrations").compile_or_exit();
//! }
//! ```
//!
//! Data flows one way: [`sources`] -> graph (lithify-core) -> [`seal`] -> [`compile`] -> [`codegen`].

pub mod codegen;
pub mod compile;
pub mod diagnostic;
pub mod seal;
pub mod sources;

pub use compile::{Builder, CompiledChain, CompiledRevision, DialectSql};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
