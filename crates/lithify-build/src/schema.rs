//! The schema half of the build: a compiled chain folded into
//! [`lithify_schema`]'s model for one dialect, and what the fold could not
//! follow as diagnostics.

use std::path::PathBuf;

use lithify_core::{Dialect, Graph, RevisionNode};
use lithify_schema::fold::{Fold, FoldNote, RevisionSql};
use lithify_schema::model::Schema;

use crate::compile::{CompiledChain, CompiledRevision};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

/// Notes about unknown tables shown one by one; past this many they are
/// summarised.
const NOTES_SHOWN: usize = 5;

/// The schema a chain produces on one dialect.
#[derive(Debug, Clone)]
pub struct ChainSchema {
    /// The dialect.
    pub dialect: Dialect,
    /// The schema after the revisions folded.
    pub schema: Schema,
    /// What the fold could not follow, in upgrade order.
    pub notes: Vec<FoldNote>,
}

/// The file a revision's upgrade SQL for `dialect` is read from
/// (`up.<dialect>.sql` when there is one, else `up.sql`).
pub fn up_file(rev: &CompiledRevision, dialect: Dialect) -> PathBuf {
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
        None => vec![true; chain.revisions.len()],
        Some(target) => applied_at(chain, target)?,
    };
    let mut fold = Fold::new(dialect);
    for (rev, _) in chain.revisions.iter().zip(&keep).filter(|(_, k)| **k) {
        let Some(sql) = rev.up.for_dialect(dialect) else {
            continue;
        };
        let file = up_file(rev, dialect);
        fold.apply(&RevisionSql {
            revision: &rev.id,
            file: &file,
            sql,
        });
    }
    let notes = fold.take_notes();
    Ok(ChainSchema {
        dialect,
        schema: fold.into_schema(),
        notes,
    })
}

/// Which revisions (in `chain`'s order) a database at `target` has applied.
fn applied_at(chain: &CompiledChain, target: &str) -> Result<Vec<bool>, Diagnostics> {
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

/// The fold's notes as build diagnostics: one note each for the first few,
/// then one summary. With `strict`, errors instead (`require_schema`).
pub fn notes_as_diagnostics(notes: &[FoldNote], strict: bool, verbose: bool) -> Diagnostics {
    let severity = if strict {
        Severity::Error
    } else {
        Severity::Note
    };
    let mut out = Diagnostics::default();
    let shown = if verbose || strict {
        notes.len()
    } else {
        NOTES_SHOWN
    };
    for n in notes.iter().take(shown) {
        out.push(note_diagnostic(n, severity));
    }
    if notes.len() > shown {
        let rest = notes.len() - shown;
        out.push(
            Diagnostic::note(format!(
                "and {rest} more statement{} the schema model does not follow",
                if rest == 1 { "" } else { "s" }
            ))
            .with_help("`lithify schema --explain` lists every one"),
        );
    }
    out
}

fn note_diagnostic(n: &FoldNote, severity: Severity) -> Diagnostic {
    let base = Diagnostic::note(format!("schema model: {}", n.message));
    let mut d = Diagnostic { severity, ..base }
        .at(n.file.clone())
        .line(n.line)
        .with_note(format!("the statement: {}", n.statement));
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
    fn many_notes_become_a_few_and_one_summary() {
        let notes: Vec<FoldNote> = (1..=9).map(note).collect();
        let d = notes_as_diagnostics(&notes, false, false);
        assert_eq!(d.0.len(), NOTES_SHOWN + 1);
        assert!(d
            .0
            .last()
            .is_some_and(|s| s.message.starts_with("and 4 more")));
        assert!(!d.has_errors());
        let strict = notes_as_diagnostics(&notes, true, false);
        assert_eq!(strict.errors().count(), 9);
    }
}
