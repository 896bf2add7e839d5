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
//! # The directory
//!
//! diesel's layout compiles unchanged: `<version>_<name>/` with `up.sql`,
//! optional `down.sql` (none: irreversible), optional `up.<dialect>.sql` /
//! `down.<dialect>.sql` overrides (sqlite, postgres, mysql) and optional
//! `metadata.toml` (`run_in_transaction`, `transactional`, `parents`,
//! `message`, `branch_labels`, `depends_on`; any other key is an error).
//!
//! - The revision id is the version (text before the first `_`) without `-`;
//!   it may use only ASCII letters, digits and `_` (no whitespace, and none of
//!   the target grammar's `@ + - :`), so `2024-01-01-000000` becomes
//!   `20240101000000`. The name after the `_` may contain anything, spaces
//!   included; it gives the default message and the generated item's name.
//! - Without `parents`, a revision's parent is the previous one in diesel's
//!   order (ids compared as strings); `parents = []` makes a base.
//! - Other entries are skipped with a note; `lithify.lock` holds the seals,
//!   `lithify.toml` the settings of the whole directory ([`config`]).
//!
//! Data flows one way: [`sources`] (and [`config`], [`lock`]) -> the graph
//! (lithify-core) -> [`seal`] -> [`typed`] -> [`lint`] and [`schema`] (the
//! fold, lithify-schema) -> [`codegen`]; [`compile`]'s `Builder` runs them, and [`chain`] is the plain
//! data they hand on. [`text`] and [`diagnostic`] sit under all of them.
//! [`authoring`] holds the file-writing operations of the `lithify` CLI
//! (`new`, `merge`), [`autogenerate`] `new --autogenerate`; sealing
//! (`seal_new`, `amend`) lives in [`seal`].

mod analysis;
pub mod authoring;
pub mod autogenerate;
pub mod chain;
pub mod codegen;
pub mod compile;
pub mod config;
pub mod diagnostic;
pub mod lint;
pub mod lock;
pub mod schema;
pub mod seal;
pub mod sources;
pub mod text;
pub mod typed;

pub use authoring::{merge, new_revision, NewOptions};
pub use compile::{
    Builder, CompiledChain, CompiledRevision, DialectSql, Generated, BUILD_LIST_HINT,
    REQUIRE_SEALS_ENV, VERBOSE_ENV,
};
pub use diagnostic::{Diagnostic, Diagnostics, Group, Severity};
pub use lithify_core::Dialect;
pub use seal::{amend, seal_new};
