//! Seals: checking a directory's revisions against `lithify.lock`
//! ([`crate::lock`] holds the format), and `lithify seal` / `--amend`,
//! which record new checksums in it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use lithify_core::{ChainHash, Checksum, Dialect};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use crate::analysis::{analyse, Analysis};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lock::{malformed, one, Amendment, Lock, LockEntry, HEADER, LOCK_VERSION};
use crate::sources::{SourceRevision, LOCK_FILE};

/// How strictly [`verify`] treats the revisions it looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VerifyOptions<'a> {
    /// Unsealed revisions are errors rather than warnings.
    pub require_seals: bool,
    /// Do not report unsealed revisions at all (`lithify seal` is about to seal them).
    pub ignore_unsealed: bool,
    /// Skip the checksum comparison of this revision (it is being amended).
    pub amending: Option<&'a str>,
}

/// Compare the revisions (in topological order) with the lock. Returns the
/// findings; errors mean the build must fail.
pub(crate) fn verify(
    dir: &Path,
    lock: Option<&Lock>,
    revisions: &[&SourceRevision],
    opts: VerifyOptions<'_>,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    let lock_path = dir.join(LOCK_FILE);
    let by_id: HashMap<&str, &SourceRevision> =
        revisions.iter().map(|r| (r.id.as_str(), *r)).collect();
    if let Some(lock) = lock {
        verify_total(lock, &mut out);
        for entry in &lock.entries {
            match by_id.get(entry.id.as_str()) {
                None => out.push(deleted(dir, &lock_path, entry)),
                Some(rev)
                    if Some(rev.id.as_str()) != opts.amending && rev.checksum != entry.checksum =>
                {
                    out.push(edited(rev, entry))
                }
                Some(rev) if rev.dir_name != entry.name => out.push(renamed(rev, entry)),
                Some(_) => {}
            }
        }
    }
    let sealed: HashSet<&str> = lock
        .map(|l| l.entries.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default();
    for rev in revisions {
        if sealed.contains(rev.id.as_str()) {
            check_parents_sealed(rev, &sealed, &by_id, &mut out);
        } else if !opts.ignore_unsealed {
            out.push(unsealed(rev, opts.require_seals));
        }
    }
    out
}

fn verify_total(lock: &Lock, out: &mut Diagnostics) {
    let computed = lock.computed_total();
    if computed != lock.total {
        out.push(
            Diagnostic::error("lithify.lock was edited by hand: its `total` does not match its revisions")
                .at(&lock.path)
                .with_note(format!("recorded total: {}", lock.total))
                .with_note(format!("computed total: {computed}"))
                .with_help(format!(
                    "restore it with `git checkout -- {}`; change seals only with `lithify seal` or `lithify seal --amend <ID> --reason \"...\"`",
                    lock.path.display().to_string().replace('\\', "/")
                )),
        );
    }
}

fn deleted(dir: &Path, lock_path: &Path, entry: &LockEntry) -> Diagnostic {
    let rev_dir = dir
        .join(&entry.name)
        .display()
        .to_string()
        .replace('\\', "/");
    Diagnostic::error(format!("sealed revision `{}` was deleted", entry.id))
        .at(lock_path)
        .line(entry.line)
        .with_note(format!(
            "`{rev_dir}` is sealed in lithify.lock but no longer exists"
        ))
        .with_note("databases may already have applied it; a released revision cannot be removed")
        .with_help(format!("restore it with `git checkout -- {rev_dir}`"))
}

/// The checksum covers the files, not the directory's name, and databases
/// record only the id, so a rename breaks nothing already applied; but it
/// renames the generated `revisions::<NAME>` item, and the lock should say
/// where the sealed revision lives now.
fn renamed(rev: &SourceRevision, entry: &LockEntry) -> Diagnostic {
    Diagnostic::warning(format!("sealed revision `{}` was renamed", rev.id))
        .at(&rev.dir)
        .with_note(format!(
            "sealed as `{}`, now `{}`; its files are unchanged",
            entry.name, rev.dir_name
        ))
        .with_note("the generated `revisions::<NAME>` item follows the directory's new name")
        .with_help("run `lithify seal` to record the new name in lithify.lock")
        .grouped("sealed revisions were renamed", rev.id.clone())
}

fn edited(rev: &SourceRevision, entry: &LockEntry) -> Diagnostic {
    let dir = rev.dir.display().to_string().replace('\\', "/");
    Diagnostic::error(format!("sealed revision `{}` was edited", rev.id))
        .at(&rev.dir)
        .with_note(format!("sealed checksum:  {}", entry.checksum))
        .with_note(format!("current checksum: {}", rev.checksum))
        .with_note("databases that applied the sealed version would no longer match this binary")
        .with_help(format!("undo the edit: `git checkout -- {dir}`"))
        .with_help(format!(
            "or, if the change is deliberate, amend the seal: `lithify seal --amend {} --reason \"...\"`",
            rev.id
        ))
}

/// A new revision that sorts before a sealed one becomes its parent under
/// diesel's implicit ordering: that rewrites released history, so refuse it.
fn check_parents_sealed(
    rev: &SourceRevision,
    sealed: &HashSet<&str>,
    by_id: &HashMap<&str, &SourceRevision>,
    out: &mut Diagnostics,
) {
    for parent in rev.parents.iter().filter(|p| !sealed.contains(p.as_str())) {
        let parent_dir = by_id.get(parent.as_str()).map_or_else(
            || parent.clone(),
            |p| p.dir.display().to_string().replace('\\', "/"),
        );
        out.push(
            Diagnostic::error(format!("sealed revision `{}` has unsealed parent `{parent}`", rev.id))
                .at(rev.metadata_path())
                .with_note(if rev.explicit_parents {
                    "a sealed revision's history cannot change"
                } else {
                    "without `parents` in metadata.toml the parent is the previous directory in diesel order, so a new revision whose version sorts before a sealed one changed released history"
                })
                .with_help(format!(
                    "give `{parent_dir}` a version after the sealed revisions (rename the directory), or explicit `parents` in its metadata.toml"
                )),
        );
    }
}

fn unsealed(rev: &SourceRevision, required: bool) -> Diagnostic {
    let dir = rev.dir.display().to_string().replace('\\', "/");
    let d = if required {
        Diagnostic::error(format!(
            "revision `{}` is not sealed, and this build requires seals",
            rev.id
        ))
        .with_note(
            "seals are required by `Builder::require_seals(true)` or LITHIFY_REQUIRE_SEALS=1",
        )
    } else {
        Diagnostic::warning(format!("revision `{}` is not sealed (draft)", rev.id))
            .grouped("revisions are not sealed (drafts)", rev.id.clone())
    };
    d.at(dir)
        .with_help("run `lithify seal` and commit lithify.lock before merging or releasing")
}

/// Seal every unsealed revision of `dir`: append them to `lithify.lock` (created
/// if missing) in topological order and rewrite the total. Returns the ids sealed.
/// Refuses (with the build's diagnostics) when the directory does not compile.
pub fn seal_new(dir: impl AsRef<Path>) -> Result<Vec<String>, Diagnostics> {
    let dir = dir.as_ref();
    let analysis = analyse(dir)?;
    let opts = VerifyOptions {
        require_seals: false,
        ignore_unsealed: true,
        amending: None,
    };
    let found = verify(dir, analysis.lock.as_ref(), &analysis.ordered(), opts);
    if found.has_errors() {
        return Err(found);
    }
    let sealed: HashSet<&str> = analysis
        .lock
        .iter()
        .flat_map(|l| l.entries.iter().map(|e| e.id.as_str()))
        .collect();
    let new: Vec<&SourceRevision> = analysis
        .ordered()
        .into_iter()
        .filter(|r| !sealed.contains(r.id.as_str()))
        .collect();
    let compiled = if new.iter().any(|r| r.typed.is_some()) {
        typed_checksums(dir)?
    } else {
        BTreeMap::new()
    };
    let mut doc = load_for_edit(dir, &analysis)?;
    let revisions = revision_tables(&mut doc, dir)?;
    record_renames(revisions, &analysis.ordered());
    for rev in &new {
        revisions.push(entry_table(rev, compiled.get(&rev.id)));
    }
    write_lock(dir, doc)?;
    Ok(new.iter().map(|r| r.id.clone()).collect())
}

/// Record a deliberate change to sealed revision `id` (exact id or unique
/// prefix): appends `{from, to, reason}` to its entry and updates its checksum
/// (and, for a typed revision, what it compiles to: a change there alone is an
/// amendment whose `from` and `to` are the same). Databases that applied the
/// old version keep being accepted through the amendment's `from` checksum.
pub fn amend(dir: impl AsRef<Path>, id: &str, reason: &str) -> Result<Amendment, Diagnostics> {
    let dir = dir.as_ref();
    let lock_path = dir.join(LOCK_FILE);
    if reason.trim().is_empty() {
        return Err(one(Diagnostic::error("an amendment needs a reason")
            .with_help(format!(
                "lithify seal --amend {id} --reason \"why the sealed revision had to change\""
            ))));
    }
    let analysis = analyse(dir)?;
    let rev = analysis.find(id)?;
    let Some(entry) = analysis.lock.as_ref().and_then(|l| l.entry(&rev.id)) else {
        return Err(one(Diagnostic::error(format!(
            "revision `{}` is not sealed: there is nothing to amend",
            rev.id
        ))
        .at(&lock_path)
        .with_help("run `lithify seal` to seal it")));
    };
    // A typed revision's seal also holds what it compiles to, which may
    // change with its file unchanged.
    let compiled = if rev.typed.is_some() {
        typed_checksums(dir)?.remove(&rev.id).unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    let compiled_changed = entry
        .compiled
        .iter()
        .any(|(d, sealed)| compiled.get(d) != Some(sealed));
    if entry.checksum == rev.checksum && !compiled_changed {
        return Err(one(Diagnostic::error(format!(
            "revision `{}` matches its seal: there is nothing to amend",
            rev.id
        ))
        .at(&rev.dir)));
    }
    let opts = VerifyOptions {
        require_seals: false,
        ignore_unsealed: true,
        amending: Some(&rev.id),
    };
    let found = verify(dir, analysis.lock.as_ref(), &analysis.ordered(), opts);
    if found.has_errors() {
        return Err(found);
    }
    let amendment = Amendment {
        from: entry.checksum,
        to: rev.checksum,
        reason: reason.trim().to_owned(),
    };
    let mut doc = load_for_edit(dir, &analysis)?;
    let table = revision_tables(&mut doc, dir)?
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(rev.id.as_str()))
        .ok_or_else(|| {
            one(malformed(
                &lock_path,
                1,
                format!("no entry for `{}`", rev.id),
            ))
        })?;
    table["checksum"] = toml_edit::value(rev.checksum.to_string());
    if !compiled.is_empty() {
        table["compiled"] = compiled_table(&compiled);
    }
    let list = table
        .entry("amendment")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    if let Some(list) = list.as_array_of_tables_mut() {
        let mut t = Table::new();
        t["from"] = toml_edit::value(amendment.from.to_string());
        t["to"] = toml_edit::value(amendment.to.to_string());
        t["reason"] = toml_edit::value(amendment.reason.clone());
        list.push(t);
    }
    write_lock(dir, doc)?;
    Ok(amendment)
}

/// The lock as an editable document (comments kept), or a fresh one.
fn load_for_edit(dir: &Path, analysis: &Analysis) -> Result<DocumentMut, Diagnostics> {
    let path = dir.join(LOCK_FILE);
    let text = match &analysis.lock {
        Some(_) => fs::read_to_string(&path).map_err(|e| {
            one(Diagnostic::error(format!("cannot read the lock file: {e}")).at(&path))
        })?,
        None => format!("{HEADER}version = {LOCK_VERSION}\ntotal = \"\"\n"),
    };
    text.parse::<DocumentMut>()
        .map_err(|e| one(malformed(&path, 1, crate::text::one_line(e.message()))))
}

fn revision_tables<'d>(
    doc: &'d mut DocumentMut,
    dir: &Path,
) -> Result<&'d mut ArrayOfTables, Diagnostics> {
    doc.entry("revision")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            one(malformed(
                &dir.join(LOCK_FILE),
                1,
                "`revision` must be a list of `[[revision]]` tables",
            ))
        })
}

/// Point sealed entries whose directory was renamed at the new name (the
/// name is not part of `total`, so nothing else changes).
fn record_renames(tables: &mut ArrayOfTables, revisions: &[&SourceRevision]) {
    for table in tables.iter_mut() {
        let id = table.get("id").and_then(Item::as_str).unwrap_or_default();
        let Some(rev) = revisions.iter().find(|r| r.id == id) else {
            continue;
        };
        if table.get("name").and_then(Item::as_str) != Some(rev.dir_name.as_str()) {
            table["name"] = toml_edit::value(rev.dir_name.clone());
        }
    }
}

fn entry_table(rev: &SourceRevision, compiled: Option<&BTreeMap<Dialect, Checksum>>) -> Table {
    let mut t = Table::new();
    t["id"] = toml_edit::value(rev.id.clone());
    t["name"] = toml_edit::value(rev.dir_name.clone());
    t["checksum"] = toml_edit::value(rev.checksum.to_string());
    if let Some(compiled) = compiled.filter(|c| !c.is_empty()) {
        t["compiled"] = compiled_table(compiled);
    }
    t
}

/// `[revision.compiled]`: a checksum per dialect.
fn compiled_table(compiled: &BTreeMap<Dialect, Checksum>) -> Item {
    let mut t = Table::new();
    for (d, sum) in compiled {
        t[d.name()] = toml_edit::value(sum.to_string());
    }
    Item::Table(t)
}

/// What the typed revisions of `dir` compile to on each dialect, for the
/// seal ([`crate::typed::compiled_checksums`]).
fn typed_checksums(
    dir: &Path,
) -> Result<BTreeMap<String, BTreeMap<Dialect, Checksum>>, Diagnostics> {
    let chain = analyse(dir)?.into_chain(Diagnostics::default());
    Ok(crate::typed::compiled_checksums(&chain))
}

/// Recompute `total` from the entries as they now stand, and write the file.
fn write_lock(dir: &Path, mut doc: DocumentMut) -> Result<(), Diagnostics> {
    let path = dir.join(LOCK_FILE);
    let mut hash = ChainHash::new();
    if let Some(list) = doc.get("revision").and_then(Item::as_array_of_tables) {
        for t in list.iter() {
            let id = t.get("id").and_then(Item::as_str).unwrap_or_default();
            let sum = t
                .get("checksum")
                .and_then(Item::as_str)
                .and_then(|s| s.parse::<Checksum>().ok());
            let Some(sum) = sum else {
                return Err(one(malformed(
                    &path,
                    1,
                    format!("entry `{id}` has no valid checksum"),
                )));
            };
            hash.push(id, &sum);
        }
    }
    doc["total"] = toml_edit::value(hash.finish().to_string());
    fs::write(&path, doc.to_string())
        .map_err(|e| one(Diagnostic::error(format!("cannot write the lock file: {e}")).at(&path)))
}
