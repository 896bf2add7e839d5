//! File-writing operations behind the `lithify` CLI: `new` and `merge`.
//!
//! New revisions always get explicit `parents` in `metadata.toml`. With diesel's
//! implicit ordering, two developers who each add a revision produce a straight
//! line after merging their branches, and the conflict goes unnoticed; with
//! explicit parents the graph has two heads and the build says so.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use lithify_core::listing::first_few;

use crate::analysis::analyse;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::sources::read_dir;

/// Options of [`new_revision`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewOptions {
    /// Parent revision (id, prefix or target; `base` starts a new base);
    /// default: the single head.
    pub head: Option<String>,
    /// Branch label for the new revision.
    pub branch_label: Option<String>,
    /// Revisions the new one depends on.
    pub depends_on: Vec<String>,
    /// Allow `head` to name a revision that already has children, which
    /// starts a new branch (Alembic's `--splice`).
    pub splice: bool,
    /// Write a typed revision (`revision.toml`, its operations to fill in)
    /// instead of `up.sql`, `down.sql` and `metadata.toml`.
    pub typed: bool,
}

/// What `lithify new --typed` writes after the metadata: an example, to be
/// replaced (the build asks for at least one operation).
const TYPED_TEMPLATE: &str = "
# The operations, in order; the downgrade is derived from the schema the
# revisions before this one leave (`[[downgrade]]` to write it yourself).
# Every operation and its keys: the README, \"Typed revisions\".
#
# [[upgrade]]
# op = \"add_column\"
# table = \"jobs\"
# column = \"remote\"
# type = \"boolean\"
# nullable = false
# default = false
";

/// Write a new revision `<YYYY-MM-DD-HHMMSS>_<slug>/` whose parent is the head
/// (or `opts.head`), with a placeholder `up.sql`, `down.sql` and a
/// `metadata.toml` naming its parents (or, `opts.typed`, a `revision.toml`
/// with the metadata and an example operation to replace). Returns the new
/// directory.
pub fn new_revision(
    dir: impl AsRef<Path>,
    message: &str,
    opts: NewOptions,
) -> Result<PathBuf, Diagnostics> {
    let dir = dir.as_ref();
    let message = message.trim();
    if message.is_empty() {
        return Err(one(Diagnostic::error("a new revision needs a message")
            .with_help("lithify new -m \"add user preferences\"")));
    }
    fs::create_dir_all(dir).map_err(|e| {
        one(Diagnostic::error(format!("cannot create the migrations directory: {e}")).at(dir))
    })?;
    let parents = new_parents(dir, opts.head.as_deref(), opts.splice)?;
    let mut depends_on = Vec::new();
    if !opts.depends_on.is_empty() {
        let analysis = analyse(dir)?;
        for d in &opts.depends_on {
            depends_on.push(analysis.find(d)?.id.clone());
        }
    }
    let mut meta = String::new();
    meta.push_str(&format!("message = {}\n", toml_str(message)));
    meta.push_str(&format!("parents = {}\n", toml_list(&parents)));
    if let Some(label) = &opts.branch_label {
        meta.push_str(&format!(
            "branch_labels = {}\n",
            toml_list(std::slice::from_ref(label))
        ));
    }
    if !depends_on.is_empty() {
        meta.push_str(&format!("depends_on = {}\n", toml_list(&depends_on)));
    }
    if opts.typed {
        let typed = format!("{meta}{TYPED_TEMPLATE}");
        return write_revision(dir, message, &[(crate::sources::TYPED_FILE, &typed)]);
    }
    let up = format!("-- {message}\n-- Write the SQL that applies this change (shared by every dialect;\n-- add up.postgres.sql / up.mysql.sql where a dialect needs its own).\n");
    let down = format!("-- Undo: {message}\n-- Write the SQL that reverts up.sql exactly.\n");
    write_revision(
        dir,
        message,
        &[
            ("up.sql", &up),
            ("down.sql", &down),
            ("metadata.toml", &meta),
        ],
    )
}

/// Write a merge revision whose parents are `revs` (ids, unique prefixes or
/// targets), with comment-only SQL. Returns the new directory.
pub fn merge(
    dir: impl AsRef<Path>,
    revs: &[String],
    message: &str,
    branch_label: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    let dir = dir.as_ref();
    let sources = read_dir(dir);
    if sources.diagnostics.has_errors() {
        return Err(sources.diagnostics);
    }
    let revs: Vec<String> = if revs.is_empty() {
        heads_even_if_many(dir)?
    } else {
        revs.to_vec()
    };
    let mut parents = Vec::new();
    for r in &revs {
        let id = resolve_loose(dir, &sources.revisions, r)?;
        if !parents.contains(&id) {
            parents.push(id);
        }
    }
    if parents.len() < 2 {
        return Err(one(Diagnostic::error(
            "a merge needs at least two different revisions",
        )
        .at(dir)
        .with_help("lithify merge <REV> <REV> -m \"merge heads\"")));
    }
    let message = if message.trim().is_empty() {
        "merge heads"
    } else {
        message.trim()
    };
    let mut meta = format!(
        "message = {}\nparents = {}\n",
        toml_str(message),
        toml_list(&parents)
    );
    if let Some(label) = branch_label {
        meta.push_str(&format!(
            "branch_labels = {}\n",
            toml_list(&[label.to_owned()])
        ));
    }
    let up = format!("-- Merge of {}: no schema change.\n", parents.join(", "));
    let down = format!("-- Un-merge of {}: no schema change.\n", parents.join(", "));
    write_revision(
        dir,
        message,
        &[
            ("up.sql", &up),
            ("down.sql", &down),
            ("metadata.toml", &meta),
        ],
    )
}

/// Parents for `new`: the requested target, else the single head; none for an
/// empty directory. Several heads without `--head` is an error.
fn new_parents(dir: &Path, head: Option<&str>, splice: bool) -> Result<Vec<String>, Diagnostics> {
    let sources = read_dir(dir);
    if sources.diagnostics.has_errors() {
        return Err(sources.diagnostics);
    }
    if sources.revisions.is_empty() || head == Some("base") {
        return Ok(Vec::new());
    }
    if let Some(head) = head.filter(|h| *h != "head") {
        let id = resolve_loose(dir, &sources.revisions, head)?;
        let has_child = sources.revisions.iter().any(|r| r.parents.contains(&id));
        if has_child && !splice {
            return Err(one(Diagnostic::error(format!("revision `{id}` is not a head: a revision on it starts a new branch"))
                .at(dir)
                .with_help("pass `--splice` to branch on purpose, or omit `--head` to build on the current head")));
        }
        return Ok(vec![id]);
    }
    // The graph must be valid (one head) to know where to attach.
    let analysis = analyse(dir)?;
    let heads = analysis.head_ids();
    match heads.as_slice() {
        [one_head] => Ok(vec![one_head.clone()]),
        _ => Err(one(Diagnostic::error(format!(
            "there are {} heads: {}",
            heads.len(),
            first_few(&heads)
        ))
        .at(dir)
        .with_help(
            "pick the parent with `--head <REV>`, or merge the heads first with `lithify merge`",
        ))),
    }
}

/// Heads for a merge without explicit revisions; works when the graph has
/// several heads, which is exactly when a merge is needed.
fn heads_even_if_many(dir: &Path) -> Result<Vec<String>, Diagnostics> {
    let sources = read_dir(dir);
    let named: std::collections::HashSet<&str> = sources
        .revisions
        .iter()
        .flat_map(|r| r.parents.iter().map(String::as_str))
        .collect();
    Ok(sources
        .revisions
        .iter()
        .filter(|r| !named.contains(r.id.as_str()))
        .map(|r| r.id.clone())
        .collect())
}

/// An exact id, else a unique prefix (at least 4 characters). Done without the
/// graph so that it works while the graph has several heads.
fn resolve_loose(
    dir: &Path,
    revisions: &[crate::sources::SourceRevision],
    target: &str,
) -> Result<String, Diagnostics> {
    if revisions.iter().any(|r| r.id == target) {
        return Ok(target.to_owned());
    }
    let matches: Vec<&str> = if target.len() >= 4 {
        revisions
            .iter()
            .filter(|r| r.id.starts_with(target))
            .map(|r| r.id.as_str())
            .collect()
    } else {
        Vec::new()
    };
    match matches.as_slice() {
        [id] => Ok((*id).to_owned()),
        [] => {
            // Fall back to the full target grammar (`head`, `REV-1`, ...).
            let analysis = analyse(dir)?;
            analysis.find(target).map(|r| r.id.clone())
        }
        many => Err(one(Diagnostic::error(format!(
            "`{target}` is ambiguous: it is a prefix of {}; use more characters of the id",
            first_few(many)
        ))
        .at(dir))),
    }
}

/// Create `<version>_<slug>/` with `files` (name, text), bumping the
/// version by a second while it is taken (two revisions created in the same
/// second).
pub(crate) fn write_revision(
    dir: &Path,
    message: &str,
    files: &[(&str, &str)],
) -> Result<PathBuf, Diagnostics> {
    let existing: std::collections::HashSet<String> =
        read_dir(dir).revisions.into_iter().map(|r| r.id).collect();
    let mut secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut version = format_version(secs);
    while existing.contains(&version.replace('-', ""))
        || dir.join(format!("{version}_{}", slug(message))).exists()
    {
        secs += 1;
        version = format_version(secs);
    }
    let path = dir.join(format!("{version}_{}", slug(message)));
    let write = |name: &str, text: &str| {
        fs::write(path.join(name), text)
            .map_err(|e| one(Diagnostic::error(format!("cannot write {name}: {e}")).at(&path)))
    };
    fs::create_dir(&path).map_err(|e| {
        one(Diagnostic::error(format!("cannot create the revision directory: {e}")).at(&path))
    })?;
    for (name, text) in files {
        write(name, text)?;
    }
    Ok(path)
}

/// `YYYY-MM-DD-HHMMSS` (UTC) for seconds since the Unix epoch, diesel's format.
pub fn format_version(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm),
/// so no date crate is needed.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// The directory name part: lowercase ASCII words joined by `_`.
pub fn slug(message: &str) -> String {
    let mut out = String::new();
    for word in message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word.to_ascii_lowercase());
        if out.len() >= 60 {
            break;
        }
    }
    if out.is_empty() {
        out.push_str("revision");
    }
    out
}

pub(crate) fn toml_str(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_owned()
}

pub(crate) fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| toml_str(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_utc_calendar_dates() {
        assert_eq!(format_version(0), "1970-01-01-000000");
        assert_eq!(format_version(951_782_400), "2000-02-29-000000");
        assert_eq!(format_version(1_704_067_199), "2023-12-31-235959");
        assert_eq!(format_version(1_709_210_096), "2024-02-29-123456");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Add user preferences!"), "add_user_preferences");
        assert_eq!(slug("  ---  "), "revision");
        assert_eq!(slug("café au lait"), "caf_au_lait");
    }
}
