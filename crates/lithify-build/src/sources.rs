//! Reading a migrations directory in diesel's layout.
//!
//! Each entry `<version>_<name>/` is one revision. Its id is the version (the text
//! before the first `_`) with every `-` removed, so `2024-01-01-000000_create_jobs`,
//! `20240101000000_create_jobs` and `00000000000000_diesel_initial_setup` all work,
//! and revisions are ordered as diesel orders them: ids compared as strings.
//!
//! Files a revision may contain: `up.sql`, `down.sql`, `up.<dialect>.sql`,
//! `down.<dialect>.sql` (dialect `sqlite`, `postgres` or `mysql`) and
//! `metadata.toml`. Documentation (`README`, `*.md`, `*.txt`) is skipped
//! quietly: it is there on purpose, and a note about it on every build is
//! noise. Everything else (loose `.sql` files, dot-entries, directories
//! without `_`, unknown files in a revision) is skipped with a note, never
//! silently: it may be a migration in the wrong place. `lithify.lock` at the
//! top level is the seal file, `lithify.toml` the settings ([`crate::config`]).

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lithify_core::{validate_revision_id, Checksum, Dialect};
use toml_edit::{ImDocument, Item, Value};

use crate::chain::{DialectSql, TypedSource};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::text::{decode, line_of, one_line};

/// Name of the seal file at the top of a migrations directory.
pub const LOCK_FILE: &str = "lithify.lock";

/// Name of the settings file at the top of a migrations directory
/// ([`crate::config`]).
pub const CONFIG_FILE: &str = "lithify.toml";

/// Name of a revision's optional metadata file.
pub const METADATA_FILE: &str = "metadata.toml";

/// Name of a typed revision's file: metadata and typed operations, instead
/// of up.sql, down.sql and metadata.toml.
pub const TYPED_FILE: &str = "revision.toml";

/// Keys `metadata.toml` may contain; anything else is an error.
pub const METADATA_KEYS: &[&str] = &[
    "run_in_transaction",
    "transactional",
    "parents",
    "message",
    "branch_labels",
    "depends_on",
];

/// One revision as read from disk, before graph validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRevision {
    /// Revision id (version with `-` removed).
    pub id: String,
    /// Directory name, e.g. `2024-01-01-000000_create_companies`.
    pub dir_name: String,
    /// The part of the directory name after the first `_`.
    pub name: String,
    /// Path of the directory: the migrations directory as given, joined with `dir_name`.
    pub dir: PathBuf,
    /// Message: metadata `message`, else `name` with `_` turned into spaces.
    pub message: String,
    /// Parent ids (explicit, or the previous revision in diesel order).
    pub parents: Vec<String>,
    /// True when `parents` came from `metadata.toml`.
    pub explicit_parents: bool,
    /// Dependency ids.
    pub depends_on: Vec<String>,
    /// Branch labels.
    pub branch_labels: Vec<String>,
    /// Whether the revision runs inside a transaction.
    pub transactional: bool,
    /// Checksum over every file read for the revision.
    pub checksum: Checksum,
    /// Upgrade SQL.
    pub up: DialectSql,
    /// Downgrade SQL, `None` when there is no down file at all.
    pub down: Option<DialectSql>,
    /// A typed revision's operations (`revision.toml`): its SQL is compiled
    /// per dialect once the schema before it is known.
    pub typed: Option<TypedSource>,
    /// 1-based lines in `metadata.toml` of `parents` and `depends_on`, for diagnostics.
    pub metadata_lines: MetadataLines,
}

/// Where interesting keys sit in `metadata.toml`, so graph errors can point at them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataLines {
    /// True when the revision has a `metadata.toml` (or `revision.toml`).
    pub present: bool,
    /// Line of `parents`.
    pub parents: Option<u32>,
    /// Line of `depends_on`.
    pub depends_on: Option<u32>,
    /// Line of `branch_labels`.
    pub branch_labels: Option<u32>,
}

impl SourceRevision {
    /// The file a diagnostic about this revision's edges should point at:
    /// `revision.toml` or `metadata.toml`, where the keys are written, else
    /// the directory.
    pub fn metadata_path(&self) -> PathBuf {
        match &self.typed {
            Some(typed) => typed.file.clone(),
            None if self.metadata_lines.present => self.dir.join(METADATA_FILE),
            None => self.dir.clone(),
        }
    }
}

/// A migrations directory as read from disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceDir {
    /// The directory, as given.
    pub dir: PathBuf,
    /// Revisions in diesel order (id, then directory name).
    pub revisions: Vec<SourceRevision>,
    /// Path of `lithify.lock`, when present.
    pub lock: Option<PathBuf>,
    /// Path of `lithify.toml`, when present.
    pub config: Option<PathBuf>,
    /// Notes about skipped entries, and errors about broken revisions.
    pub diagnostics: Diagnostics,
}

/// Read every revision in `dir`. Problems are collected in
/// [`SourceDir::diagnostics`] (check [`Diagnostics::has_errors`]); broken
/// revisions are left out of [`SourceDir::revisions`].
pub fn read_dir(dir: &Path) -> SourceDir {
    let mut out = SourceDir {
        dir: dir.to_path_buf(),
        ..SourceDir::default()
    };
    let entries = match sorted_entries(dir) {
        Ok(entries) => entries,
        Err(err) => {
            out.diagnostics.push(
                Diagnostic::error(format!("cannot read the migrations directory: {err}"))
                    .at(dir)
                    .with_help("create it (for example with `lithify new -m \"initial schema\"`) or point the builder at the right path"),
            );
            return out;
        }
    };
    let mut pending = Vec::new();
    for (name, path, is_dir) in entries {
        classify_entry(&mut out, &mut pending, name, path, is_dir);
    }
    // diesel's order: the version (id) as a string; the directory name breaks
    // ties so duplicate ids still come out in a stable order.
    pending.sort_by(|a: &Pending, b: &Pending| (&a.id, &a.dir_name).cmp(&(&b.id, &b.dir_name)));
    let mut previous: Option<String> = None;
    let mut before_previous: Option<String> = None;
    for p in pending {
        // A duplicate id must not become its own implicit parent: the graph
        // reports the duplicate, and that is the whole story.
        if previous.as_deref() == Some(p.id.as_str()) {
            std::mem::swap(&mut previous, &mut before_previous);
        }
        let id = p.id.clone();
        if let Some(rev) = read_revision(p, previous.as_deref(), &mut out.diagnostics) {
            out.revisions.push(rev);
        }
        if previous.as_deref() != Some(id.as_str()) {
            before_previous = previous.replace(id);
        }
    }
    out
}

/// A revision directory found at the top level, not yet read.
struct Pending {
    id: String,
    dir_name: String,
    name: String,
    dir: PathBuf,
}

/// Directory entries sorted by name: `read_dir` order differs between file systems.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<(String, PathBuf, bool)>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        // The entry's type comes with the listing on most file systems (no
        // system call); only a symlink, or a type the listing did not give,
        // costs a `stat` — one per file made this scan half again slower
        // than reading the files. Symlinks are followed: a linked revision
        // directory is still a revision.
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_dir() => true,
            Ok(t) if !t.is_symlink() => false,
            _ => fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false),
        };
        entries.push((name, path, is_dir));
    }
    entries.sort();
    Ok(entries)
}

/// Decide what one top-level entry is: the lock, a revision, or skipped.
fn classify_entry(
    out: &mut SourceDir,
    pending: &mut Vec<Pending>,
    name: String,
    path: PathBuf,
    is_dir: bool,
) {
    if name == LOCK_FILE && !is_dir {
        out.lock = Some(path);
        return;
    }
    if name == CONFIG_FILE && !is_dir {
        out.config = Some(path);
        return;
    }
    if name.starts_with('.') {
        out.diagnostics
            .push(skipped(path, "hidden entries are not migrations"));
        return;
    }
    if !is_dir && is_documentation(&name) {
        return;
    }
    if !is_dir {
        out.diagnostics.push(skipped(
            path,
            "only directories named `<version>_<name>` are revisions; loose files are ignored",
        ));
        return;
    }
    let Some((version, rest)) = name.split_once('_') else {
        out.diagnostics.push(skipped(
            path,
            "a revision directory is named `<version>_<name>`, and this name has no `_`",
        ));
        return;
    };
    let id = version.replace('-', "");
    if let Err(err) = validate_revision_id(&id) {
        out.diagnostics.push(
            Diagnostic::error(format!("directory `{name}` does not give a valid revision id"))
                .at(&path)
                .with_note(format!("the id is the text before the first `_` with `-` removed: `{id}`"))
                .with_note(err.to_string())
                .with_help("rename the directory to `<version>_<name>`, e.g. `2024-01-01-000000_create_users` (`lithify new` does this)"),
        );
        return;
    }
    pending.push(Pending {
        id,
        name: rest.to_owned(),
        dir_name: name,
        dir: path,
    });
}

/// A file written for people: `README` (any extension), `*.md`, `*.txt`.
fn is_documentation(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "readme"
        || lower.starts_with("readme.")
        || lower.ends_with(".md")
        || lower.ends_with(".txt")
}

fn skipped(path: PathBuf, why: &str) -> Diagnostic {
    let item = shown(&path);
    Diagnostic::note("skipped: not a migration")
        .at(path)
        .with_note(why)
        .grouped("entries skipped (not migrations)", item)
}

/// A path as diagnostics show it: forward slashes on every platform.
fn shown(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// Which role a file in a revision directory plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileRole {
    Up(Option<Dialect>),
    Down(Option<Dialect>),
    Metadata,
    Typed,
}

fn file_role(name: &str) -> Option<FileRole> {
    match name {
        "up.sql" => return Some(FileRole::Up(None)),
        "down.sql" => return Some(FileRole::Down(None)),
        METADATA_FILE => return Some(FileRole::Metadata),
        TYPED_FILE => return Some(FileRole::Typed),
        _ => {}
    }
    let stem = name.strip_suffix(".sql")?;
    let (direction, dialect) = stem.split_once('.')?;
    let dialect = Dialect::ALL.into_iter().find(|d| d.name() == dialect)?;
    match direction {
        "up" => Some(FileRole::Up(Some(dialect))),
        "down" => Some(FileRole::Down(Some(dialect))),
        _ => None,
    }
}

/// Everything read from one revision directory.
#[derive(Default)]
struct RevisionFiles {
    up: DialectSql,
    down: DialectSql,
    has_down: bool,
    metadata: Option<(PathBuf, String)>,
    typed: Option<(PathBuf, String)>,
    raw: Vec<(String, Vec<u8>)>,
}

fn read_revision(
    p: Pending,
    previous: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<SourceRevision> {
    let files = read_revision_files(&p, diags)?;
    if let Some((path, text)) = &files.typed {
        return read_typed_revision(p, previous, &files, path, text, diags);
    }
    if files.up.shared.is_none() && files.up.per_dialect.is_empty() {
        diags.push(
            Diagnostic::error(format!("revision `{}` has no up.sql", p.id))
                .at(&p.dir)
                .with_note("every revision needs `up.sql` (or `up.<dialect>.sql` for each dialect it supports)")
                .with_help(format!("add {}", p.dir.join("up.sql").display().to_string().replace('\\', "/"))),
        );
        return None;
    }
    let meta = match &files.metadata {
        Some((path, text)) => parse_metadata(path, text, diags)?,
        None => Metadata::default(),
    };
    Some(source_revision(
        p,
        previous,
        meta,
        &files,
        files.up.clone(),
        files.has_down.then(|| files.down.clone()),
        None,
    ))
}

/// A revision from its read parts.
fn source_revision(
    p: Pending,
    previous: Option<&str>,
    meta: Metadata,
    files: &RevisionFiles,
    up: DialectSql,
    down: Option<DialectSql>,
    typed: Option<TypedSource>,
) -> SourceRevision {
    let checksum = Checksum::of_files(files.raw.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let (parents, explicit_parents) = match meta.parents {
        Some(parents) => (parents, true),
        None => (previous.map(str::to_owned).into_iter().collect(), false),
    };
    let message = meta
        .message
        .unwrap_or_else(|| p.name.replace('_', " ").trim().to_owned());
    SourceRevision {
        id: p.id,
        dir_name: p.dir_name,
        name: p.name,
        dir: p.dir,
        message,
        parents,
        explicit_parents,
        depends_on: meta.depends_on,
        branch_labels: meta.branch_labels,
        transactional: meta.transactional.unwrap_or(true),
        checksum,
        up,
        down,
        typed,
        metadata_lines: MetadataLines {
            present: files.metadata.is_some() || files.typed.is_some(),
            ..meta.lines
        },
    }
}

/// A revision written as `revision.toml`: the metadata keys and the typed
/// operations in one file, and no SQL files beside it.
fn read_typed_revision(
    p: Pending,
    previous: Option<&str>,
    files: &RevisionFiles,
    path: &Path,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<SourceRevision> {
    let beside: Vec<&str> = files
        .raw
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| *n != TYPED_FILE)
        .collect();
    if !beside.is_empty() {
        diags.push(
            Diagnostic::error(format!("revision `{}` has both {TYPED_FILE} and {}", p.id, beside.join(", ")))
                .at(path)
                .with_note(format!("{TYPED_FILE} holds the metadata and the operations, and lithify compiles the SQL from it"))
                .with_help("keep either revision.toml, or the SQL files (and metadata.toml)"),
        );
        return None;
    }
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            diags.push(toml_error(path, text, &err));
            return None;
        }
    };
    let meta = read_metadata(path, text, &doc, true, diags);
    let typed = match lithify_schema::ops::parse::typed_revision(doc.as_table(), text) {
        Ok(typed) => Some(typed),
        Err(errors) => {
            for e in errors {
                let d = Diagnostic::error(e.message).at(path).line(e.line);
                diags.push(match e.help {
                    Some(h) => d.with_help(h),
                    None => d.with_help(
                        "the README's `revision.toml` section lists every operation and its keys",
                    ),
                });
            }
            None
        }
    };
    let (meta, typed) = (meta?, typed?);
    let down = (!typed.irreversible).then(DialectSql::default);
    let typed = TypedSource {
        file: path.to_path_buf(),
        revision: typed,
        notes: Default::default(),
        sealed_compiled: Default::default(),
    };
    Some(source_revision(
        p,
        previous,
        meta,
        files,
        DialectSql::default(),
        down,
        Some(typed),
    ))
}

fn read_revision_files(p: &Pending, diags: &mut Diagnostics) -> Option<RevisionFiles> {
    let entries = match sorted_entries(&p.dir) {
        Ok(entries) => entries,
        Err(err) => {
            diags.push(
                Diagnostic::error(format!("cannot read revision directory: {err}")).at(&p.dir),
            );
            return None;
        }
    };
    let mut files = RevisionFiles::default();
    let mut ok = true;
    for (name, path, is_dir) in entries {
        let role = if is_dir { None } else { file_role(&name) };
        let Some(role) = role else {
            if is_dir || !is_documentation(&name) {
                diags.push(skipped_in_revision(path, &name, is_dir));
            }
            continue;
        };
        ok &= read_one_file(&mut files, role, name, path, diags);
    }
    ok.then_some(files)
}

fn skipped_in_revision(path: PathBuf, name: &str, is_dir: bool) -> Diagnostic {
    let looks_like_sql =
        name.ends_with(".sql") && (name.starts_with("up.") || name.starts_with("down."));
    if looks_like_sql {
        // A typo in a dialect name would otherwise silently fall back to up.sql.
        let item = shown(&path);
        return Diagnostic::warning("skipped: not a recognised migration file")
            .at(path)
            .with_note("dialect files are named `up.<dialect>.sql` / `down.<dialect>.sql` with dialect sqlite, postgres or mysql")
            .grouped("files skipped (not recognised migration files)", item);
    }
    let why = if is_dir {
        "a revision directory holds only files"
    } else {
        "a revision reads up.sql, down.sql, up.<dialect>.sql, down.<dialect>.sql and metadata.toml"
    };
    skipped(path, why)
}

/// Read one file into `files`; false (with an error pushed) when it cannot be used.
fn read_one_file(
    files: &mut RevisionFiles,
    role: FileRole,
    name: String,
    path: PathBuf,
    diags: &mut Diagnostics,
) -> bool {
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diags.push(Diagnostic::error(format!("cannot read file: {err}")).at(&path));
            return false;
        }
    };
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(line) => {
            diags.push(
                Diagnostic::error("file is not valid UTF-8")
                    .at(&path)
                    .line(line)
                    .with_note("migrations are read as UTF-8 text so that checksums and SQL are the same everywhere")
                    .with_help("re-save the file as UTF-8"),
            );
            return false;
        }
    };
    match role {
        FileRole::Up(d) => put_sql(&mut files.up, d, text),
        FileRole::Down(d) => {
            files.has_down = true;
            put_sql(&mut files.down, d, text);
        }
        FileRole::Metadata => files.metadata = Some((path, text)),
        FileRole::Typed => files.typed = Some((path, text)),
    }
    files.raw.push((name, bytes));
    true
}

fn put_sql(sql: &mut DialectSql, dialect: Option<Dialect>, text: String) {
    match dialect {
        Some(d) => {
            sql.per_dialect.insert(d, text);
        }
        None => sql.shared = Some(text),
    }
}

/// The parsed contents of `metadata.toml`.
#[derive(Debug, Default)]
struct Metadata {
    transactional: Option<bool>,
    parents: Option<Vec<String>>,
    message: Option<String>,
    branch_labels: Vec<String>,
    depends_on: Vec<String>,
    lines: MetadataLines,
}

/// Parse `metadata.toml` strictly: unlike diesel, an unknown key or a wrong type
/// is an error, because a typo (`run_in_transation`) would otherwise silently
/// change how a migration runs in production.
fn parse_metadata(path: &Path, text: &str, diags: &mut Diagnostics) -> Option<Metadata> {
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            diags.push(toml_error(path, text, &err));
            return None;
        }
    };
    read_metadata(path, text, &doc, false, diags)
}

/// A TOML syntax error, at its line.
fn toml_error(path: &Path, text: &str, err: &toml_edit::TomlError) -> Diagnostic {
    let line = err
        .span()
        .map(|s| line_of(text.as_bytes(), s.start))
        .unwrap_or(1);
    Diagnostic::error(format!("{} is not valid TOML", file_name(path)))
        .at(path)
        .line(line)
        .with_note(one_line(err.message()))
        .with_help(accepted_keys_help(path))
}

/// The file's own name, for messages.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || METADATA_FILE.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The metadata keys of `doc`; in a `revision.toml` (`typed`) the
/// operations' keys are left to their reader.
fn read_metadata(
    path: &Path,
    text: &str,
    doc: &ImDocument<&str>,
    typed: bool,
    diags: &mut Diagnostics,
) -> Option<Metadata> {
    let mut meta = Metadata::default();
    let mut run_in_transaction = None;
    let mut ok = true;
    for (key, item) in doc.iter() {
        let span = doc.get_key_value(key).and_then(|(k, _)| k.span());
        let line = line_at(text, span.clone());
        let mut field = Field {
            path,
            key,
            item,
            line,
            diags: &mut *diags,
        };
        let good = match key {
            "run_in_transaction" => field.bool().map(|b| run_in_transaction = Some((b, line))),
            "transactional" => field.bool().map(|b| meta.transactional = Some(b)),
            "parents" => field.strings(false).map(|v| {
                meta.parents = Some(v);
                meta.lines.parents = Some(line);
            }),
            "message" => field.string().map(|s| meta.message = Some(s)),
            "branch_labels" => field.strings(true).map(|v| {
                meta.branch_labels = v;
                meta.lines.branch_labels = Some(line);
            }),
            "depends_on" => field.strings(true).map(|v| {
                meta.depends_on = v;
                meta.lines.depends_on = Some(line);
            }),
            _ if typed && lithify_schema::ops::parse::KEYS.contains(&key) => Some(()),
            _ => {
                field.unknown();
                None
            }
        };
        ok &= good.is_some();
    }
    ok &= merge_transactional(path, &mut meta, run_in_transaction, diags);
    ok.then_some(meta)
}

/// diesel's `run_in_transaction` and lithify's `transactional` mean the same;
/// both may be given (for tools that read either) but must agree.
fn merge_transactional(
    path: &Path,
    meta: &mut Metadata,
    diesel: Option<(bool, u32)>,
    diags: &mut Diagnostics,
) -> bool {
    let Some((value, line)) = diesel else {
        return true;
    };
    match meta.transactional {
        Some(t) if t != value => {
            diags.push(
                Diagnostic::error("`run_in_transaction` and `transactional` disagree")
                    .at(path)
                    .line(line)
                    .with_note(format!("run_in_transaction = {value}, transactional = {t}"))
                    .with_help("they mean the same thing: keep one of them"),
            );
            false
        }
        _ => {
            meta.transactional = Some(value);
            true
        }
    }
}

fn line_at(text: &str, span: Option<Range<usize>>) -> u32 {
    span.map(|s| line_of(text.as_bytes(), s.start)).unwrap_or(1)
}

/// The keys `path` (a `metadata.toml` or a `revision.toml`) takes.
fn accepted_keys_help(path: &Path) -> String {
    let mut keys = METADATA_KEYS.to_vec();
    if file_name(path) == TYPED_FILE {
        keys.extend(lithify_schema::ops::parse::KEYS);
    }
    format!("accepted keys: {}", keys.join(", "))
}

/// One key of `metadata.toml` being type-checked.
struct Field<'a> {
    path: &'a Path,
    key: &'a str,
    item: &'a Item,
    line: u32,
    diags: &'a mut Diagnostics,
}

impl Field<'_> {
    fn wrong_type(&mut self, expected: &str) {
        self.diags.push(
            Diagnostic::error(format!(
                "`{}` in {} must be {expected}",
                self.key,
                file_name(self.path)
            ))
            .at(self.path)
            .line(self.line)
            .with_note(format!("found: {}", self.item.to_string().trim())),
        );
    }

    fn unknown(&mut self) {
        self.diags.push(
            Diagnostic::error(format!("unknown key `{}` in {}", self.key, file_name(self.path)))
                .at(self.path)
                .line(self.line)
                .with_note("diesel ignores unknown keys; lithify refuses them so that a typo cannot change how a migration runs")
                .with_help(accepted_keys_help(self.path)),
        );
    }

    fn bool(&mut self) -> Option<bool> {
        let found = self.item.as_bool();
        if found.is_none() {
            self.wrong_type("`true` or `false`");
        }
        found
    }

    fn string(&mut self) -> Option<String> {
        let found = self.item.as_str().map(str::to_owned);
        if found.is_none() {
            self.wrong_type("a string");
        }
        found
    }

    /// An array of strings; a single string too when `allow_single` (Alembic
    /// accepts `branch_labels = "x"`, and so do we).
    fn strings(&mut self, allow_single: bool) -> Option<Vec<String>> {
        let found = match self.item.as_value() {
            Some(Value::String(s)) if allow_single => Some(vec![s.value().clone()]),
            Some(Value::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
            _ => None,
        };
        if found.is_none() {
            self.wrong_type(if allow_single {
                "a string or an array of strings"
            } else {
                "an array of strings, e.g. `[\"20240101000000\"]`"
            });
        }
        found
    }
}
