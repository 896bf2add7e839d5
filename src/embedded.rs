//! The types the generated module is made of. The chain's data lives in the
//! binary's read-only data as one packed text (see [`lithify_core::packed`]):
//! rustc compiles one string literal far faster than one struct expression per
//! revision, and the text is parsed into [`Revision`] values once, on first
//! use. The one-query up-to-date check at start-up never parses it.

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

pub use lithify_core::packed::ForeignKeysOff;
use lithify_core::packed::{self, PackedRevision, PackedSql};
use lithify_core::Dialect;

use crate::error::{Direction, Error};

/// SQL text for each dialect: one direction of a revision, or the chain's
/// session set-up; `None` where there is none for that dialect (or the
/// dialect was not compiled in).
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
    /// The directions SQLite runs with foreign-key enforcement switched off
    /// around their transaction, because their SQL rebuilds a table.
    pub foreign_keys_off: ForeignKeysOff,
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

    /// True when SQLite runs `direction` with foreign keys switched off.
    pub fn foreign_keys_off(&self, direction: Direction) -> bool {
        match direction {
            Direction::Up => self.foreign_keys_off.up,
            Direction::Down => self.foreign_keys_off.down,
        }
    }

    /// The SQL that runs `direction` of this revision on `dialect`; `None`
    /// when it has none (an irreversible revision's down, or no SQL for
    /// that dialect).
    pub fn sql(&self, direction: Direction, dialect: Dialect) -> Option<&'static str> {
        match direction {
            Direction::Up => self.up.for_dialect(dialect),
            Direction::Down => self.down.and_then(|d| d.for_dialect(dialect)),
        }
    }

    /// [`Revision::sql`], or the error naming the file to add.
    pub fn require_sql(
        &self,
        direction: Direction,
        dialect: Dialect,
    ) -> Result<&'static str, Error> {
        self.sql(direction, dialect)
            .ok_or_else(|| Error::MissingSql {
                id: self.id.to_owned(),
                id_dir: self.name.to_owned(),
                direction,
                dialect,
            })
    }
}

/// The whole embedded chain: revisions in topological order plus facts computed at build time.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedChain {
    /// Revisions in the deterministic topological order, parsed on first use.
    /// `revisions.len()` is known without parsing (the one-query up-to-date
    /// check at start-up relies on it).
    pub revisions: &'static Revisions,
    /// Head ids.
    pub heads: &'static [&'static str],
    /// `sha256:<hex>` over (id, checksum) of every revision in order.
    pub chain_hash: &'static str,
    /// SQL every session the migrator opens runs first, per dialect
    /// (`[session]` of `migrations/lithify.toml`; see
    /// [`crate::Migrator::session_sql`]). Not part of `chain_hash`.
    pub session: Sql,
}

impl EmbeddedChain {
    /// Number of revisions, known without parsing them.
    pub const fn len(&self) -> usize {
        self.revisions.len()
    }

    /// True when the chain has no revision.
    pub const fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The revisions, parsed on the first call (see [`Revisions::try_slice`]).
    pub fn try_revisions(&self) -> Result<&'static [Revision], Error> {
        self.revisions.try_slice()
    }
}

/// What the generated module knows about its packed data.
#[derive(Debug, Clone, Copy)]
pub struct PackedRevisions {
    /// Every revision in [`lithify_core::packed`]'s format: the generated
    /// module's `include_str!` of the file the build script wrote beside it.
    pub data: &'static str,
    /// Number of revisions in `data`.
    pub len: usize,
    /// The application's package name, for the "rebuild" hint if `data`
    /// turns out damaged (empty when the chain was not built by cargo).
    pub package: &'static str,
}

/// Every revision of a chain (the generated module's `REVISIONS`):
/// dereferences to `[Revision]`, in topological order, parsing the packed
/// data on first use.
pub struct Revisions {
    packed: PackedRevisions,
    /// The parsed revisions, or why the packed data could not be parsed.
    parsed: OnceLock<Result<Box<[Revision]>, String>>,
}

impl Revisions {
    /// The revisions in `packed`; nothing is parsed until they are first used.
    pub const fn new(packed: PackedRevisions) -> Revisions {
        Revisions {
            packed,
            parsed: OnceLock::new(),
        }
    }

    /// Number of revisions, known without parsing them.
    pub const fn len(&self) -> usize {
        self.packed.len
    }

    /// True when there is no revision.
    pub const fn is_empty(&self) -> bool {
        self.packed.len == 0
    }

    /// The revisions, parsed on the first call. An error means the packed
    /// data in the build's `OUT_DIR` was altered after the build script wrote
    /// it; it says how to rebuild.
    pub fn try_slice(&self) -> Result<&[Revision], Error> {
        let parsed = self.parsed.get_or_init(|| {
            unpack(self.packed.data, self.packed.len).map_err(|p| self.damaged(&p))
        });
        match parsed {
            Ok(revisions) => Ok(revisions),
            Err(problem) => Err(Error::InvalidChain {
                problems: vec![problem.clone()],
            }),
        }
    }

    fn damaged(&self, problem: &str) -> String {
        let clean = if self.packed.package.is_empty() {
            "`cargo clean`".to_owned()
        } else {
            format!("`cargo clean -p {}`", self.packed.package)
        };
        format!(
            "its packed data (written by the build script next to the generated module in \
             OUT_DIR) is damaged: {problem}; run {clean} and build again"
        )
    }
}

impl Deref for Revisions {
    type Target = [Revision];

    /// # Panics
    ///
    /// When [`Revisions::try_slice`] fails (only if the build's output was
    /// altered), with its message. Code that can report an error should call
    /// `try_slice`.
    fn deref(&self) -> &[Revision] {
        match self.try_slice() {
            Ok(revisions) => revisions,
            Err(e) => panic!("{e}"),
        }
    }
}

impl<'a> IntoIterator for &'a Revisions {
    type Item = &'a Revision;
    type IntoIter = std::slice::Iter<'a, Revision>;

    /// # Panics
    ///
    /// As [`Revisions`]' `deref`.
    fn into_iter(self) -> Self::IntoIter {
        self.deref().iter()
    }
}

impl fmt::Debug for Revisions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the packed text: it holds every revision's SQL.
        f.debug_struct("Revisions")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// Parse `packed` into revisions whose texts borrow from it.
fn unpack(packed: &'static str, len: usize) -> Result<Box<[Revision]>, String> {
    let decoded = packed::decode(packed).map_err(|e| e.to_string())?;
    if decoded.len() != len {
        return Err(format!(
            "it holds {} revisions where the generated module expects {len}",
            decoded.len()
        ));
    }
    let mut lists = leak_lists(&decoded);
    Ok(decoded
        .iter()
        .map(|r| Revision {
            id: r.id,
            name: r.dir_name,
            message: r.message,
            parents: take(&mut lists, r.parents.len()),
            depends_on: take(&mut lists, r.depends_on.len()),
            branch_labels: take(&mut lists, r.branch_labels.len()),
            transactional: r.transactional,
            foreign_keys_off: r.foreign_keys_off,
            checksum: r.checksum,
            accepted_checksums: take(&mut lists, r.accepted_checksums.len()),
            up: Sql::from(r.up),
            down: r.down.map(Sql::from),
        })
        .collect())
}

/// Every list of every revision, in the order [`unpack`] takes them, in one
/// leaked slice. [`Revision`]'s lists are `&'static [&'static str]` (so the
/// generated module's types need no lifetime), which a value built at run
/// time can only get by leaking; this happens once per process per chain
/// (the parsed chain lives in a static until exit anyway), as one allocation
/// rather than one per list.
fn leak_lists(decoded: &[PackedRevision<'static>]) -> &'static [&'static str] {
    let all: Vec<&'static str> = decoded
        .iter()
        .flat_map(|r| {
            [
                &r.parents,
                &r.depends_on,
                &r.branch_labels,
                &r.accepted_checksums,
            ]
        })
        .flatten()
        .copied()
        .collect();
    Box::leak(all.into_boxed_slice())
}

/// The first `n` items of `rest`, advancing it.
fn take(rest: &mut &'static [&'static str], n: usize) -> &'static [&'static str] {
    // `leak_lists` laid out exactly these lengths, so the split always fits.
    let (head, tail) = rest.split_at_checked(n).unwrap_or((*rest, &[]));
    *rest = tail;
    head
}

impl From<PackedSql<'static>> for Sql {
    fn from(sql: PackedSql<'static>) -> Sql {
        Sql {
            sqlite: sql.sqlite,
            postgres: sql.postgres,
            mysql: sql.mysql,
        }
    }
}

/// One revision, as the generated module names it
/// (`migrations::revisions::CREATE_USERS`): dereferences to the [`Revision`].
#[derive(Clone, Copy)]
pub struct RevisionRef {
    revisions: &'static Revisions,
    index: usize,
}

impl RevisionRef {
    /// The revision at `index` (in topological order) of `revisions`.
    pub const fn new(revisions: &'static Revisions, index: usize) -> RevisionRef {
        RevisionRef { revisions, index }
    }

    /// The revision, or why the packed data could not be parsed.
    pub fn try_get(&self) -> Result<&'static Revision, Error> {
        let revisions = self.revisions.try_slice()?;
        revisions
            .get(self.index)
            .ok_or_else(|| Error::InvalidChain {
                problems: vec![format!(
                    "revision index {} is out of range (the chain has {})",
                    self.index,
                    revisions.len()
                )],
            })
    }
}

impl Deref for RevisionRef {
    type Target = Revision;

    /// # Panics
    ///
    /// When [`RevisionRef::try_get`] fails (only if the build's output was altered).
    fn deref(&self) -> &Revision {
        match self.try_get() {
            Ok(revision) => revision,
            Err(e) => panic!("{e}"),
        }
    }
}

impl fmt::Debug for RevisionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.try_get() {
            Ok(revision) => revision.fmt(f),
            Err(_) => f
                .debug_struct("RevisionRef")
                .field("index", &self.index)
                .finish_non_exhaustive(),
        }
    }
}
