//! The seal file, `migrations/lithify.lock`: its format, read and checked
//! for well-formedness. What is sealed is decided in [`crate::seal`].
//!
//! ```toml
//! # header comment
//! version = 1
//! total = "sha256:…"   # ChainHash over (id, checksum) of the entries, in lock order
//!
//! [[revision]]
//! id = "20240101000000"
//! name = "2024-01-01-000000_create_companies"
//! checksum = "sha256:…"
//!
//! [revision.compiled]      # a typed revision (revision.toml): what it compiled to
//! sqlite = "sha256:…"      # when sealed, per dialect (`Checksum` of its up and
//! postgres = "sha256:…"    # down SQL), so that a change of what it compiles to
//! mysql = "sha256:…"       # (a [naming] template, lithify's compiler) is caught
//!
//! [[revision.amendment]]   # optional, one per deliberate change
//! from = "sha256:…"
//! to = "sha256:…"
//! reason = "fix a typo in a comment"
//! ```
//!
//! Entries are appended in topological order, so the lock order is a
//! topological order. The file is edited with `toml_edit` so that comments and
//! layout written by people survive `lithify seal`.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use lithify_core::{ChainHash, Checksum, Dialect};
use toml_edit::{ImDocument, Item, Table};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::text::{line_of, LineIndex};

/// The only lock format version this crate reads and writes.
pub const LOCK_VERSION: i64 = 1;

pub(crate) const HEADER: &str = "\
# lithify.lock: checksums of the sealed (released) revisions in this directory.
# Written by `lithify seal` and checked by every build, so a sealed revision
# cannot change silently. Commit it. To change a sealed revision on purpose, run
# `lithify seal --amend <ID> --reason \"...\"`; never edit this file by hand.
";

/// A parsed `lithify.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// Path of the file.
    pub path: PathBuf,
    /// Recorded total over the entries.
    pub total: Checksum,
    /// Sealed revisions, in lock (topological) order.
    pub entries: Vec<LockEntry>,
}

/// One sealed revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEntry {
    /// Revision id.
    pub id: String,
    /// Directory name when sealed.
    pub name: String,
    /// Sealed checksum (after the last amendment).
    pub checksum: Checksum,
    /// Deliberate changes, oldest first.
    pub amendments: Vec<Amendment>,
    /// For a typed revision, the checksum of the SQL it compiled to on each
    /// dialect when sealed (or last amended); empty for SQL revisions.
    pub compiled: BTreeMap<Dialect, Checksum>,
    /// 1-based line of the entry in the lock, for diagnostics.
    pub line: u32,
}

/// A deliberate change to a sealed revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// Checksum before the change (still accepted from databases that applied it).
    pub from: Checksum,
    /// Checksum after the change.
    pub to: Checksum,
    /// Why the change was made.
    pub reason: String,
}

impl Lock {
    /// The total the entries should have: [`ChainHash`] over them in lock order.
    pub fn computed_total(&self) -> Checksum {
        let mut hash = ChainHash::new();
        for e in &self.entries {
            hash.push(&e.id, &e.checksum);
        }
        hash.finish()
    }

    /// The entry for `id`.
    pub fn entry(&self, id: &str) -> Option<&LockEntry> {
        self.entries.iter().find(|e| e.id == id)
    }
}

/// Read and parse a lock file.
pub fn read_lock(path: &Path) -> Result<Lock, Diagnostics> {
    let bytes = fs::read(path)
        .map_err(|e| one(Diagnostic::error(format!("cannot read the lock file: {e}")).at(path)))?;
    let text = crate::text::decode(&bytes)
        .map_err(|line| one(malformed(path, line, "the lock file is not valid UTF-8")))?;
    parse_lock(path, &text)
}

pub(crate) fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

pub(crate) fn malformed(path: &Path, line: u32, what: impl Into<String>) -> Diagnostic {
    Diagnostic::error(format!("malformed lithify.lock: {}", what.into()))
        .at(path)
        .line(line)
        .with_help(format!(
            "restore it with `git checkout -- {}`, or delete it and run `lithify seal` to seal every revision again",
            path.display().to_string().replace('\\', "/")
        ))
}

/// Parse the text of a lock file.
pub fn parse_lock(path: &Path, text: &str) -> Result<Lock, Diagnostics> {
    let doc = ImDocument::parse(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| line_of(text.as_bytes(), s.start))
            .unwrap_or(1);
        one(malformed(path, line, crate::text::one_line(e.message())))
    })?;
    let line_of_item = |item: Option<&Item>| {
        item.and_then(Item::span)
            .map(|s| line_of(text.as_bytes(), s.start))
            .unwrap_or(1)
    };
    let version = doc.get("version").and_then(Item::as_integer);
    if version != Some(LOCK_VERSION) {
        let what = format!("expected `version = {LOCK_VERSION}`");
        return Err(one(malformed(path, line_of_item(doc.get("version")), what)));
    }
    let total = doc
        .get("total")
        .and_then(Item::as_str)
        .and_then(|s| s.parse::<Checksum>().ok())
        .ok_or_else(|| {
            one(malformed(
                path,
                line_of_item(doc.get("total")),
                "expected `total = \"sha256:…\"`",
            ))
        })?;
    let mut entries = Vec::new();
    let mut errors = Diagnostics::default();
    let lines = LineIndex::new(text);
    if let Some(item) = doc.get("revision") {
        let Some(tables) = item.as_array_of_tables() else {
            return Err(one(malformed(
                path,
                line_of_item(Some(item)),
                "`revision` must be a list of `[[revision]]` tables",
            )));
        };
        for table in tables.iter() {
            match parse_entry(path, &lines, table) {
                Ok(e) => entries.push(e),
                Err(d) => errors.push(d),
            }
        }
    }
    check_unique(path, &entries, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Lock {
        path: path.to_path_buf(),
        total,
        entries,
    })
}

fn check_unique(path: &Path, entries: &[LockEntry], errors: &mut Diagnostics) {
    let mut seen = HashSet::new();
    for e in entries {
        if !seen.insert(e.id.as_str()) {
            errors.push(malformed(
                path,
                e.line,
                format!("revision `{}` is listed twice", e.id),
            ));
        }
    }
}

fn parse_entry(path: &Path, lines: &LineIndex, table: &Table) -> Result<LockEntry, Diagnostic> {
    let line = table
        .get("id")
        .and_then(Item::span)
        .or_else(|| table.span())
        .map(|s| lines.line(s.start))
        .unwrap_or(1);
    let string = |key: &str| table.get(key).and_then(Item::as_str).map(str::to_owned);
    let checksum = |t: &Table, key: &str| {
        t.get(key)
            .and_then(Item::as_str)
            .and_then(|s| s.parse::<Checksum>().ok())
    };
    let (Some(id), Some(name), Some(sum)) =
        (string("id"), string("name"), checksum(table, "checksum"))
    else {
        return Err(malformed(
            path,
            line,
            "each [[revision]] needs `id`, `name` and `checksum = \"sha256:…\"`",
        ));
    };
    let mut amendments = Vec::new();
    if let Some(item) = table.get("amendment") {
        let tables = item
            .as_array_of_tables()
            .map(|a| a.iter().collect::<Vec<_>>())
            .unwrap_or_default();
        if tables.is_empty() {
            return Err(malformed(
                path,
                line,
                "`amendment` must be a list of `[[revision.amendment]]` tables",
            ));
        }
        for t in tables {
            let reason = t.get("reason").and_then(Item::as_str).map(str::to_owned);
            let (Some(from), Some(to), Some(reason)) =
                (checksum(t, "from"), checksum(t, "to"), reason)
            else {
                return Err(malformed(
                    path,
                    line,
                    format!("an amendment of `{id}` needs `from`, `to` (checksums) and `reason`"),
                ));
            };
            amendments.push(Amendment { from, to, reason });
        }
        check_amendments_link(path, line, &id, &amendments, &sum)?;
    }
    let compiled = match table.get("compiled") {
        None => BTreeMap::new(),
        Some(item) => parse_compiled(item).ok_or_else(|| {
            malformed(
                path,
                line,
                format!(
                    "`compiled` of `{id}` must be a [revision.compiled] table of `sqlite`, `postgres` and `mysql` checksums"
                ),
            )
        })?,
    };
    Ok(LockEntry {
        id,
        name,
        checksum: sum,
        amendments,
        compiled,
        line,
    })
}

/// `[revision.compiled]`: dialect name to checksum, nothing else.
fn parse_compiled(item: &Item) -> Option<BTreeMap<Dialect, Checksum>> {
    let mut out = BTreeMap::new();
    for (key, value) in item.as_table_like()?.iter() {
        let dialect = Dialect::ALL.into_iter().find(|d| d.name() == key)?;
        out.insert(dialect, value.as_str()?.parse::<Checksum>().ok()?);
    }
    Some(out)
}

/// `lithify seal --amend` appends `{from = current, to = new}` and moves the
/// checksum to `to`, so a revision's amendments always form one chain ending
/// at its checksum. One that does not was edited by hand: `total` does not
/// cover amendments, and a forged `from` would make the run time accept a
/// checksum nobody sealed.
fn check_amendments_link(
    path: &Path,
    line: u32,
    id: &str,
    amendments: &[Amendment],
    checksum: &Checksum,
) -> Result<(), Diagnostic> {
    let ends = amendments.iter().map(|a| &a.to);
    let starts = amendments.iter().skip(1).map(|a| &a.from).chain([checksum]);
    for (n, (end, next)) in ends.zip(starts).enumerate() {
        if end != next {
            let what = if n + 1 == amendments.len() {
                format!("the last amendment of `{id}` ends at {end}, but its checksum is {next}")
            } else {
                format!(
                    "amendment {} of `{id}` ends at {end}, but amendment {} starts from {next}",
                    n + 1,
                    n + 2
                )
            };
            return Err(malformed(path, line, what));
        }
    }
    Ok(())
}
