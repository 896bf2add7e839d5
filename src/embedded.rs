//! The types the generated module is made of. Everything is `'static` so the
//! whole chain lives in the binary's read-only data and costs nothing at start-up.

use lithify_core::Dialect;

/// SQL of one direction of a revision for each dialect; `None` where the
/// revision has no SQL for that dialect (or the dialect was not compiled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sql {
    /// SQL run on SQLite.
    pub sqlite: Option<&'static str>,
    /// SQL run on PostgreSQL.
    pub postgres: Option<&'static str>,
    /// SQL run on MySQL / MariaDB.
    pub mysql: Option<&'static str>,
}

impl Sql {
    /// The same SQL for every dialect (what generated modules use when the
    /// dialects share one text).
    pub const fn same(sql: &'static str) -> Self {
        Self {
            sqlite: Some(sql),
            postgres: Some(sql),
            mysql: Some(sql),
        }
    }

    /// The SQL for `dialect`, if any.
    pub const fn for_dialect(&self, dialect: Dialect) -> Option<&'static str> {
        match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::Postgres => self.postgres,
            Dialect::Mysql => self.mysql,
        }
    }
}

/// One revision, embedded in the application binary by the generated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    /// Revision id.
    pub id: &'static str,
    /// Directory name the revision was compiled from.
    pub name: &'static str,
    /// Human message.
    pub message: &'static str,
    /// Parent ids.
    pub parents: &'static [&'static str],
    /// Ids this revision depends on.
    pub depends_on: &'static [&'static str],
    /// Branch labels.
    pub branch_labels: &'static [&'static str],
    /// Whether up/down run in a transaction together with their bookkeeping.
    pub transactional: bool,
    /// `sha256:<hex>` checksum of the revision's canonical bytes.
    pub checksum: &'static str,
    /// Earlier checksums accepted through amendments recorded in the lock file.
    pub accepted_checksums: &'static [&'static str],
    /// Upgrade SQL.
    pub up: Sql,
    /// Downgrade SQL; `None` when the revision is irreversible.
    pub down: Option<Sql>,
}

impl Revision {
    /// True when `checksum` is this revision's checksum or an amended-away one.
    pub fn accepts_checksum(&self, checksum: &str) -> bool {
        self.checksum == checksum || self.accepted_checksums.contains(&checksum)
    }
}

/// The whole embedded chain: revisions in topological order plus facts computed at build time.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedChain {
    /// Revisions in the deterministic topological order.
    pub revisions: &'static [&'static Revision],
    /// Head ids.
    pub heads: &'static [&'static str],
    /// `sha256:<hex>` over (id, checksum) of every revision in order.
    pub chain_hash: &'static str,
}
