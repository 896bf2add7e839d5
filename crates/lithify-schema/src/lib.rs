//! lithify's schema model, with no database.
//!
//! A migration chain's SQL is folded, statement by statement and per
//! dialect, into a [`model::Schema`] ([`fold`]); diesel's `table!` schema is
//! printed from it exactly as `diesel print-schema` prints it for a database
//! migrated by the same chain, and a committed `schema.rs` is read and
//! compared with it ([`diesel`]).
//!
//! Data flows one way: [`model`] (plain data) <- [`ops`] (typed
//! operations) <- [`fold`] (SQL -> model) and [`diff`] (model vs model ->
//! operations) <- [`diesel`] (model -> `table!` text, `schema.rs` ->
//! comparison, `schema.rs` -> model). [`naming`] holds the name rules all of
//! them share; [`lint`] reads a chain's statements with the schema before
//! each ([`fold`], [`model`]) and reports migration hazards.
//!
//! ```
//! use lithify_schema::{fold::{Fold, RevisionSql}, model::Dialect};
//!
//! let mut fold = Fold::new(Dialect::Postgres);
//! fold.apply(&RevisionSql {
//!     revision: "0001",
//!     file: "migrations/0001_jobs/up.sql".as_ref(),
//!     sql: "CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT NOT NULL);",
//! });
//! let jobs = fold.schema().find_table(&"jobs".into()).unwrap();
//! assert_eq!(jobs.columns.len(), 2);
//! assert!(fold.notes().is_empty());
//! ```

pub mod describe;
pub mod diesel;
pub mod diff;
mod engine;
pub mod error;
pub mod fold;
pub mod introspect;
pub mod lint;
pub mod model;
pub mod naming;
pub mod ops;
