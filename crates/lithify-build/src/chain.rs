//! A compiled chain: the validated revisions in order, as the code
//! generator, the schema fold and the authoring commands read them. Plain
//! data; the compiler ([`crate::compile`]) makes it.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use lithify_core::packed::ForeignKeysOff;
use lithify_core::{Checksum, Dialect};

/// SQL of one direction (up or down) of a revision: a shared file and/or
/// per-dialect overrides (`up.sql`, `up.postgres.sql`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialectSql {
    /// Contents of `up.sql` / `down.sql`, canonicalised (no BOM, LF line ends).
    pub shared: Option<String>,
    /// Contents of `up.<dialect>.sql` / `down.<dialect>.sql`, canonicalised.
    pub per_dialect: BTreeMap<Dialect, String>,
}

impl DialectSql {
    /// The SQL to run on `dialect`: its own file if present, else the shared one.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&str> {
        self.per_dialect
            .get(&dialect)
            .or(self.shared.as_ref())
            .map(String::as_str)
    }
}

/// A typed revision's operations, as read from its `revision.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedSource {
    /// The file.
    pub file: PathBuf,
    /// What it says.
    pub revision: lithify_schema::ops::TypedRevision,
    /// What the fold could not follow in its own SQL (`execute`), per
    /// dialect compiled, at the operations' lines.
    pub notes: BTreeMap<Dialect, Vec<lithify_schema::fold::FoldNote>>,
    /// What it compiled to when it was sealed, per dialect (the lock's
    /// `[revision.compiled]`); empty for a draft.
    pub sealed_compiled: BTreeMap<Dialect, Checksum>,
}

/// One revision after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledRevision {
    /// Revision id (diesel version with `-` removed, or `id` from metadata.toml).
    pub id: String,
    /// Directory name, e.g. `2024-01-01-000000_create_companies`.
    pub dir_name: String,
    /// Path of the revision directory.
    pub dir: PathBuf,
    /// Human message (metadata `message`, else the directory name's words).
    pub message: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Dependency ids.
    pub depends_on: Vec<String>,
    /// Branch labels.
    pub branch_labels: Vec<String>,
    /// Whether up and down run inside a transaction with their bookkeeping.
    pub transactional: bool,
    /// Checksum of the revision's canonical bytes.
    pub checksum: Checksum,
    /// Earlier checksums accepted through amendments in the lock file.
    pub accepted_checksums: Vec<Checksum>,
    /// True when recorded in lithify.lock.
    pub sealed: bool,
    /// Upgrade SQL.
    pub up: DialectSql,
    /// Downgrade SQL; `None` when the revision has no `down.sql` (irreversible).
    pub down: Option<DialectSql>,
    /// For a typed revision, its operations; `up` and `down` then hold the
    /// SQL compiled from them for each dialect the build embeds.
    pub typed: Option<TypedSource>,
    /// The directions SQLite runs with foreign keys off: their compiled SQL
    /// rebuilds a table.
    pub foreign_keys_off: ForeignKeysOff,
}

/// A validated migrations directory, revisions in topological order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledChain {
    /// The directory compiled.
    pub dir: PathBuf,
    /// Revisions in the graph's deterministic topological order.
    pub revisions: Vec<CompiledRevision>,
    /// Hash over (id, checksum) of every revision in that order.
    pub chain_hash: Checksum,
    /// Head ids, in topological order (one, unless branches are labelled).
    pub heads: Vec<String>,
    /// The directory's `lithify.toml` (empty without one). Not part of any
    /// checksum: its `[session]` SQL is embedded beside the revisions.
    pub config: crate::config::Config,
    /// Warnings and notes (never errors) found while compiling.
    pub diagnostics: crate::Diagnostics,
    /// The diesel schema the chain produces for the builder's schema
    /// dialect (`None` when the build generates no schema module).
    pub schema: Option<SchemaModule>,
    /// The whole chain folded, per dialect, where the build has folded it
    /// already (compiling typed revisions): the schema module's fold takes
    /// it instead of folding every revision again.
    pub folded: BTreeMap<Dialect, ChainSchema>,
}

/// The schema a chain produces on one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSchema {
    /// The dialect.
    pub dialect: Dialect,
    /// The schema after the revisions folded.
    pub schema: lithify_schema::model::Schema,
    /// What the fold could not follow, in upgrade order.
    pub notes: Vec<lithify_schema::fold::FoldNote>,
}

/// The diesel schema the build generated for the module's `schema`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaModule {
    /// The dialect it is for.
    pub dialect: Dialect,
    /// The `schema.rs` text.
    pub text: String,
}
