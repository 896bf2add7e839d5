//! The schema half of the build: a compiled chain folded into
//! [`lithify_schema`]'s model for one dialect, and what the fold could not
//! follow as diagnostics.

use std::path::{Path, PathBuf};

use lithify_core::{Dialect, Graph, RevisionNode};
use lithify_schema::diesel::{print_schema, DieselToml, LeftOut, PrintSchemaConfig};
use lithify_schema::error::ConfigError;
use lithify_schema::fold::{Fold, FoldNote, RevisionSql};
use lithify_schema::model::MysqlFlavor;

pub use crate::chain::ChainSchema;
use crate::chain::{CompiledChain, CompiledRevision};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

/// The file a revision's upgrade SQL for `dialect` is read from
/// (`up.<dialect>.sql` when there is one, else `up.sql`).
pub fn up_file(rev: &CompiledRevision, dialect: Dialect) -> PathBuf {
    if let Some(t) = &rev.typed {
        return t.file.clone();
    }
    if rev.up.per_dialect.contains_key(&dialect) {
        rev.dir.join(format!("up.{}.sql", dialect.name()))
    } else {
        rev.dir.join("up.sql")
    }
}

/// Fold every revision of `chain` (what `upgrade heads` applies), or, with
/// `at`, the revisions a database at that target has applied.
pub fn fold_chain(
    chain: &CompiledChain,
    dialect: Dialect,
    at: Option<&str>,
) -> Result<ChainSchema, Diagnostics> {
    let keep = match at {
        None => match chain.folded.get(&dialect) {
            Some(folded) => return Ok(folded.clone()),
            None => vec![true; chain.revisions.len()],
        },
        Some(target) => applied_at(chain, target)?,
    };
    Ok(fold_revisions(chain, dialect, &keep, MysqlFlavor::Unknown))
}

/// Fold the revisions of `chain` whose entry in `keep` (in the chain's
/// order) is true: the schema of a database that applied exactly those,
/// on a server of `flavor` where MySQL and MariaDB differ.
pub fn fold_revisions(
    chain: &CompiledChain,
    dialect: Dialect,
    keep: &[bool],
    flavor: MysqlFlavor,
) -> ChainSchema {
    let mut fold = Fold::new(dialect).with_mysql_flavor(flavor);
    let mut notes = Vec::new();
    for (rev, _) in chain.revisions.iter().zip(keep).filter(|(_, k)| **k) {
        fold_revision(&mut fold, rev, &mut notes);
    }
    ChainSchema {
        dialect,
        schema: fold.into_schema(),
        notes,
    }
}

/// Fold `rev`'s upgrade SQL for the fold's dialect, adding what it could
/// not follow to `notes`: a typed revision's at its operations' lines, not
/// at lines of SQL no file holds.
pub(crate) fn fold_revision(fold: &mut Fold, rev: &CompiledRevision, notes: &mut Vec<FoldNote>) {
    let dialect = fold.dialect();
    let Some(sql) = rev.up.for_dialect(dialect) else {
        return;
    };
    let file = up_file(rev, dialect);
    fold.apply(&RevisionSql {
        revision: &rev.id,
        file: &file,
        sql,
    });
    let found = fold.take_notes();
    match rev.typed.as_ref().and_then(|t| t.notes.get(&dialect)) {
        Some(typed) => notes.extend(typed.iter().cloned()),
        None => notes.extend(found),
    }
}

/// Which revisions (in `chain`'s order) a database at `target` has applied.
pub(crate) fn applied_at(chain: &CompiledChain, target: &str) -> Result<Vec<bool>, Diagnostics> {
    let nodes = chain
        .revisions
        .iter()
        .map(|r| RevisionNode {
            id: r.id.clone(),
            parents: r.parents.clone(),
            depends_on: r.depends_on.clone(),
            branch_labels: r.branch_labels.clone(),
        })
        .collect();
    let err = |msg: String| Diagnostics(vec![Diagnostic::error(msg).at(&chain.dir)]);
    let graph = Graph::new(nodes)
        .map_err(|e| err(e.first().map(ToString::to_string).unwrap_or_default()))?;
    let none = vec![false; graph.len()];
    let targets = if target == "base" {
        Vec::new()
    } else {
        lithify_core::target::resolve(target, &graph, &none).map_err(|e| err(e.to_string()))?
    };
    let ancestors = graph.ancestors_inclusive_of(&targets);
    // `chain.revisions` is in topological order; map ids to positions.
    Ok(chain
        .revisions
        .iter()
        .map(|r| graph.index_of(&r.id).is_some_and(|ix| ancestors[ix]))
        .collect())
}

/// The crate a migrations directory belongs to: the nearest directory
/// holding a `Cargo.toml`, from the migrations directory up (else the
/// current directory). diesel.toml lives there.
pub fn crate_root(migrations_dir: &Path) -> PathBuf {
    let start =
        std::fs::canonicalize(migrations_dir).unwrap_or_else(|_| migrations_dir.to_path_buf());
    start
        .ancestors()
        .find(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The diesel.toml of `crate_root`, or a diagnostic pointing at its line.
pub fn read_diesel_toml(crate_root: &Path) -> Result<DieselToml, Diagnostics> {
    DieselToml::read(crate_root).map_err(|e| Diagnostics(vec![config_diagnostic(&e)]))
}

/// A diesel.toml problem as a diagnostic.
pub fn config_diagnostic(e: &ConfigError) -> Diagnostic {
    let d = Diagnostic::error(e.message.clone()).at(e.path.clone());
    let d = match e.line {
        Some(l) => d.line(l),
        None => d,
    };
    d.with_help("diesel.toml's [print_schema] keys are documented at https://diesel.rs/guides/configuring-diesel-cli")
}

/// One printed schema: for one `[print_schema]` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSchema {
    /// The dialect.
    pub dialect: Dialect,
    /// The configuration's name (`default` for `[print_schema]`).
    pub name: String,
    /// Where `--write` puts it: the configuration's `file`, or
    /// `src/schema.rs` for the default configuration without one.
    pub file: Option<PathBuf>,
    /// The text.
    pub text: String,
    /// Tables not printed, and why.
    pub left_out: Vec<LeftOut>,
    /// What the fold could not follow.
    pub notes: Vec<FoldNote>,
}

impl GeneratedSchema {
    /// Notes for the fold's unknowns and the tables left out.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut d = notes_as_diagnostics(&self.notes, false);
        d.0.extend(left_out_diagnostics(&self.left_out));
        d
    }

    /// Write it to [`GeneratedSchema::file`], unless it already holds exactly this.
    pub fn write(&self) -> Result<PathBuf, Diagnostic> {
        let Some(path) = &self.file else {
            return Err(Diagnostic::error(format!(
                "the `{}` schema configuration has no `file` to write to",
                self.name
            ))
            .with_help("add `file = \"src/schema.rs\"` to its diesel.toml section"));
        };
        if std::fs::read_to_string(path).ok().as_deref() == Some(self.text.as_str()) {
            return Ok(path.clone());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(format!("cannot create {}: {e}", parent.display()))
                    .at(parent.to_path_buf())
            })?;
        }
        std::fs::write(path, &self.text).map_err(|e| {
            Diagnostic::error(format!("cannot write the schema: {e}")).at(path.clone())
        })?;
        Ok(path.clone())
    }
}

/// The diesel schema of `chain` on `dialect` (at `at`), for every
/// configuration in `crate_root`'s diesel.toml.
pub fn generate(
    chain: &CompiledChain,
    crate_root: &Path,
    dialect: Dialect,
    at: Option<&str>,
) -> Result<Vec<GeneratedSchema>, Diagnostics> {
    let toml = read_diesel_toml(crate_root)?;
    let folded = fold_chain(chain, dialect, at)?;
    let mut out = Vec::new();
    for (name, config) in &toml.configs {
        out.push(print_one(&folded, name, config, crate_root)?);
    }
    Ok(out)
}

/// Print the folded schema with one configuration.
pub fn print_one(
    folded: &ChainSchema,
    name: &str,
    config: &PrintSchemaConfig,
    crate_root: &Path,
) -> Result<GeneratedSchema, Diagnostics> {
    let printed = print_schema(&folded.schema, config).map_err(|e| {
        let at = config
            .patch_file
            .clone()
            .unwrap_or_else(|| crate_root.join("diesel.toml"));
        Diagnostics(vec![Diagnostic::error(format!("patch_file: {e}"))
            .at(at)
            .with_help(
            "the patch was made against a different schema: regenerate it against the printed one",
        )])
    })?;
    let file = config
        .file
        .clone()
        .or_else(|| (name == "default").then(|| crate_root.join("src/schema.rs")));
    Ok(GeneratedSchema {
        dialect: folded.dialect,
        name: name.to_owned(),
        file,
        text: printed.text,
        left_out: printed.left_out,
        notes: folded.notes.clone(),
    })
}

/// Compare the committed schema file at `path` with `expected` (the text
/// the chain produces): `None` when they mean the same, else an error
/// listing every difference with its line, and the command that fixes it.
/// `shown` is how diagnostics name the file (as the user gave it).
pub fn stale_check(
    path: &Path,
    shown: &Path,
    expected: &str,
    dialect: Dialect,
) -> Result<Option<Diagnostic>, Diagnostics> {
    use lithify_schema::diesel::{compare::compare, reader::read_schema_file};
    let name = shown.display().to_string().replace('\\', "/");
    let fix = format!(
        "regenerate it: `lithify schema --write --dialect {}`",
        dialect.name()
    );
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let text = std::fs::read_to_string(path).map_err(|e| {
        one(
            Diagnostic::error(format!("cannot read the schema file: {e}"))
                .at(shown.to_path_buf())
                .with_help(fix.clone()),
        )
    })?;
    let committed = read_schema_file(shown, &text)
        .map_err(|e| one(config_diagnostic(&e).with_help(fix.clone())))?;
    let expected = read_schema_file(Path::new("generated schema"), expected).map_err(|e| {
        one(
            Diagnostic::error(format!("lithify printed a schema it cannot read back: {e}"))
                .with_help("this is a bug in lithify: please report it with the migrations"),
        )
    })?;
    let differences = compare(&expected, &committed);
    let Some(first) = differences.first() else {
        return Ok(None);
    };
    let mut d = Diagnostic::error(format!(
        "{name} is stale: it does not match the schema the migrations produce on {} ({} difference{})",
        dialect.name(),
        differences.len(),
        if differences.len() == 1 { "" } else { "s" }
    ))
    .at(shown.to_path_buf());
    if let Some(line) = first.line {
        d = d.line(line);
    }
    for diff in &differences {
        d = match diff.line {
            Some(l) => d.with_note(format!("{name}:{l}: {}", diff.message)),
            None => d.with_note(diff.message.clone()),
        };
    }
    Ok(Some(d.with_help(fix)))
}

/// A warning when `other`'s schema has tables or columns `ours` does not, or
/// the other way round: the application's queries are typed against `ours`
/// but run on `other` too. Type differences are expected between engines
/// and not reported; tables either side cannot follow are not compared.
pub fn dialects_differ(ours: &ChainSchema, other: &ChainSchema) -> Option<Diagnostic> {
    use lithify_schema::model::{same_relation, Table};
    let d = ours.dialect;
    let columns = |t: &Table| -> Vec<String> {
        t.columns
            .iter()
            .map(|c| c.name.to_ascii_lowercase())
            .collect()
    };
    let mut lines = Vec::new();
    for t in ours.schema.known_tables() {
        match other
            .schema
            .tables
            .iter()
            .find(|o| same_relation(d, &o.name, &t.name))
        {
            None => lines.push(format!("table `{}` exists on {} only", t.name, d.name())),
            Some(o) if o.unknown.is_some() => {}
            Some(o) => {
                let theirs = columns(o);
                for c in &t.columns {
                    if !theirs.contains(&c.name.to_ascii_lowercase()) {
                        lines.push(format!(
                            "column `{}.{}` exists on {} only",
                            t.name,
                            c.name,
                            d.name()
                        ));
                    }
                }
                let mine = columns(t);
                for c in &o.columns {
                    if !mine.contains(&c.name.to_ascii_lowercase()) {
                        lines.push(format!(
                            "column `{}.{}` exists on {} only",
                            t.name,
                            c.name,
                            other.dialect.name()
                        ));
                    }
                }
            }
        }
    }
    for o in other.schema.known_tables() {
        if !ours
            .schema
            .tables
            .iter()
            .any(|t| same_relation(d, &t.name, &o.name))
        {
            lines.push(format!(
                "table `{}` exists on {} only",
                o.name,
                other.dialect.name()
            ));
        }
    }
    if lines.is_empty() {
        return None;
    }
    let mut w = Diagnostic::warning(format!(
        "the {} and {} schemas differ in more than types: queries typed against `migrations::schema` ({}) may fail on {}",
        d.name(),
        other.dialect.name(),
        d.name(),
        other.dialect.name()
    ));
    for l in lines {
        w = w.with_note(l);
    }
    Some(w.with_help(format!(
        "make the {} SQL of those revisions create the same tables and columns (`lithify schema --dialect {}` prints its schema)",
        other.dialect.name(),
        other.dialect.name()
    )))
}

/// A note for each table the diesel schema leaves out.
pub fn left_out_diagnostics(left_out: &[LeftOut]) -> Vec<Diagnostic> {
    left_out
        .iter()
        .map(|l| {
            Diagnostic::note(format!(
                "table `{}` is left out of the diesel schema: {}",
                l.table, l.reason
            ))
            .with_help(
                "write its `table!` by hand, or use diesel.toml's `filter` to leave it out quietly",
            )
            .grouped(
                "tables are left out of the diesel schema",
                l.table.to_string(),
            )
        })
        .collect()
}

/// The fold's notes as build diagnostics, one each, of one kind (so many
/// are one summary where the caller summarises). With `strict`, errors
/// instead (`require_schema`), which are never summarised.
pub fn notes_as_diagnostics(notes: &[FoldNote], strict: bool) -> Diagnostics {
    let severity = if strict {
        Severity::Error
    } else {
        Severity::Note
    };
    Diagnostics(notes.iter().map(|n| note_diagnostic(n, severity)).collect())
}

fn note_diagnostic(n: &FoldNote, severity: Severity) -> Diagnostic {
    let base = Diagnostic::note(format!("schema model: {}", n.message));
    let file = n.file.display().to_string().replace('\\', "/");
    let mut d = Diagnostic { severity, ..base }
        .at(n.file.clone())
        .line(n.line)
        .with_note(format!("the statement: {}", n.statement))
        .grouped(
            "statements are not followed by the schema model (`lithify schema --explain` lists them)",
            format!("{file}:{}", n.line),
        );
    if n.tables.is_empty() {
        d = d.with_help("if it does change a table, write that change in a form lithify reads, or `lithify schema --verify` to check against the engine");
    } else {
        d = d.with_help("nothing is generated for an unknown table until a later revision creates it again; `lithify schema --verify` shows what the engine makes of it");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(i: u32) -> FoldNote {
        FoldNote {
            revision: format!("{i:04}"),
            file: PathBuf::from(format!("migrations/{i:04}_x/up.sql")),
            line: i,
            statement: "ALTER TABLE jobs SET TABLESPACE fast".to_owned(),
            message: "not modelled; table `jobs` is unknown from here on".to_owned(),
            tables: vec!["jobs".into()],
        }
    }

    #[test]
    fn many_notes_are_one_summary_and_strict_makes_each_an_error() {
        let notes: Vec<FoldNote> = (1..=9).map(note).collect();
        let d = notes_as_diagnostics(&notes, false).summarised("set LITHIFY_VERBOSE=1");
        assert_eq!(d.0.len(), 1, "{d}");
        assert!(
            d.0[0].message.starts_with("9 statements are not followed"),
            "{d}"
        );
        let strict = notes_as_diagnostics(&notes, true);
        assert_eq!(strict.errors().count(), 9);
    }
}
