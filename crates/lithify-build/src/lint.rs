//! Lint at build time: the chain's draft revisions (not sealed in
//! lithify.lock; every revision with `all`), after the `[lint]`
//! `start_after` cut-off, linted for each dialect by
//! [`lithify_schema::lint`], and the findings as diagnostics with the file,
//! line and fix: warnings (one summary line per rule when there are
//! several), or errors for the rules set to `deny`.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use lithify_core::Dialect;
use lithify_schema::lint::{merge, Finding, Linter, RevisionInput, SqlFile, TypedInput, Up};

use crate::chain::{CompiledChain, CompiledRevision, DialectSql};
use crate::config::CONFIG_FILE;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// What linting a chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintReport {
    /// The findings, every dialect's merged, in file order.
    pub findings: Vec<Finding>,
    /// How many revisions were linted.
    pub revisions: usize,
    /// The dialects linted.
    pub dialects: Vec<Dialect>,
    /// True when those are the dialects the application was said to run on
    /// (`[lint] dialects`, `Builder::dialects`, `lithify lint --dialect`),
    /// not the build's default of all three.
    pub dialects_named: bool,
}

impl LintReport {
    /// Where the dialects were not named (a build's default of all three),
    /// a `deny` finding on only some of them is a warning that says so: an
    /// application on PostgreSQL must not fail to build over what SQLite
    /// would refuse. Named dialects leave the report as it is.
    pub fn unnamed_dialects_warn(mut self) -> LintReport {
        if self.dialects_named {
            return self;
        }
        let all = self.dialects.len();
        for f in self
            .findings
            .iter_mut()
            .filter(|f| f.is_error() && f.dialects.len() < all)
        {
            f.level = lithify_schema::lint::Level::Warn;
            let found: Vec<&str> = f.dialects.iter().map(|d| d.name()).collect();
            f.help.push_str(&format!(
                " (a `deny` rule, a warning here: the build embeds every dialect by default; if the application runs on {}, say so, `dialects = [\"{}\"]` in [lint] of lithify.toml or `Builder::dialects`, and it fails the build)",
                found.join(", "),
                found.join("\", \"")
            ));
        }
        self
    }

    /// True when a finding is an error (a rule at `deny`).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }

    /// The findings as diagnostics: errors for `deny`, warnings otherwise,
    /// each with its file, line and fix; warnings of one rule make one
    /// summary line when there are several.
    pub fn diagnostics(&self) -> Diagnostics {
        Diagnostics(self.findings.iter().map(|f| self.diagnostic(f)).collect())
    }

    fn diagnostic(&self, f: &Finding) -> Diagnostic {
        let message = format!("{}: {}", f.rule.id(), f.message);
        let d = if f.is_error() {
            Diagnostic::error(message)
        } else {
            Diagnostic::warning(message).grouped(
                format!("lint findings of `{}`", f.rule.id()),
                format!("{}:{}", f.file.display(), f.line),
            )
        };
        let mut d = d.at(&f.file).line(f.line);
        if f.dialects.len() < self.dialects.len() {
            let names: Vec<&str> = f.dialects.iter().map(|d| d.name()).collect();
            d = d.with_note(format!("on {}", names.join(", ")));
            if f.is_error() {
                d = d.with_note(only_some_dialects(&f.dialects, &self.dialects));
            }
        }
        d.with_help(f.help.clone())
    }
}

/// What to do about an error found for `found` only, when the application
/// may never run on those dialects.
fn only_some_dialects(found: &[Dialect], linted: &[Dialect]) -> String {
    let found: Vec<&str> = found.iter().map(|d| d.name()).collect();
    let others: Vec<String> = linted
        .iter()
        .filter(|d| !found.contains(&d.name()))
        .map(|d| format!("\"{}\"", d.name()))
        .collect();
    format!(
        "every dialect the build embeds is linted; if the application never runs on {}, lint only the ones it \
         runs on (`dialects = [{}]` in [lint] of lithify.toml) or embed only those (`Builder::dialects`)",
        found.join(", "),
        others.join(", ")
    )
}

/// Lint `chain` for `dialects` (those of `[lint] dialects` among them, when
/// it names some): its drafts, or with `all` every revision, after the
/// `start_after` cut-off.
///
/// # Errors
/// A `start_after` that names no revision, at its line of lithify.toml.
pub fn lint_chain(
    chain: &CompiledChain,
    dialects: &[Dialect],
    all: bool,
) -> Result<LintReport, Diagnostics> {
    let config = &chain.config.lint;
    let dialects: Vec<Dialect> = dialects
        .iter()
        .copied()
        .filter(|d| config.dialects.as_ref().is_none_or(|only| only.contains(d)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let before = cut_off(chain)?;
    let linted: Vec<bool> = chain
        .revisions
        .iter()
        .zip(&before)
        .map(|(r, before)| (all || !r.sealed) && !before)
        .collect();
    let revisions = linted.iter().filter(|l| **l).count();
    let mut findings = Vec::new();
    // Revisions after the last linted one change nothing the lint sees.
    if let Some(last) = linted.iter().rposition(|l| *l) {
        let lint_dialect = |dialect: Dialect| {
            let mut linter = Linter::new(dialect, config.settings.clone());
            let mut found = Vec::new();
            for (rev, lint) in chain.revisions.iter().zip(&linted).take(last + 1) {
                if let Some(input) = input(chain, rev, dialect, *lint) {
                    found.extend(linter.lint_revision(&input.revision()));
                }
            }
            found
        };
        // Each dialect folds the chain on its own: one thread each.
        std::thread::scope(|scope| {
            let running: Vec<_> = dialects
                .iter()
                .map(|&d| scope.spawn(move || lint_dialect(d)))
                .collect();
            for (thread, &dialect) in running.into_iter().zip(&dialects) {
                match thread.join() {
                    Ok(found) => findings.extend(found),
                    Err(_) => return Err(Diagnostics(vec![Diagnostic::error(format!(
                        "the lint stopped on an internal error while linting for {dialect}: a bug in lithify, please report it"
                    ))
                    .with_help("build with `Builder::lint(false)` until it is fixed")])),
                }
            }
            Ok(())
        })?;
    }
    Ok(LintReport {
        findings: in_chain_order(chain, merge(findings)),
        revisions,
        dialects,
        dialects_named: config.dialects.is_some(),
    })
}

/// `findings` in the chain's order: by revision, the up before the down,
/// then by line.
fn in_chain_order(chain: &CompiledChain, mut findings: Vec<Finding>) -> Vec<Finding> {
    let position: HashMap<&str, usize> = chain
        .revisions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let is_down = |f: &Finding| {
        f.file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("down"))
    };
    findings.sort_by_key(|f| {
        (
            position.get(f.revision.as_str()).copied(),
            is_down(f),
            f.line,
            f.column,
            f.rule,
        )
    });
    findings
}

/// One revision's files for one dialect, owned until linted.
struct Input<'a> {
    rev: &'a CompiledRevision,
    lint: bool,
    up: UpFile<'a>,
    down: Option<(PathBuf, &'a str)>,
}

enum UpFile<'a> {
    Sql(PathBuf, &'a str),
    Typed(TypedInput<'a>),
}

impl Input<'_> {
    fn revision(&self) -> RevisionInput<'_> {
        RevisionInput {
            id: &self.rev.id,
            transactional: self.rev.transactional,
            lint: self.lint,
            up: match &self.up {
                UpFile::Sql(file, sql) => Up::Sql(SqlFile { file, sql }),
                UpFile::Typed(t) => Up::Typed(*t),
            },
            down: self.down.as_ref().map(|(file, sql)| SqlFile { file, sql }),
        }
    }
}

/// `rev`'s files for `dialect`; `None` when it has no SQL for it.
fn input<'a>(
    chain: &'a CompiledChain,
    rev: &'a CompiledRevision,
    dialect: Dialect,
    lint: bool,
) -> Option<Input<'a>> {
    let sql = rev.up.for_dialect(dialect)?;
    let up = match &rev.typed {
        Some(typed) => UpFile::Typed(TypedInput {
            file: &typed.file,
            revision: &typed.revision,
            naming: &chain.config.naming,
            compiled: sql,
        }),
        None => UpFile::Sql(crate::schema::up_file(rev, dialect), sql),
    };
    let down = match (&rev.typed, &rev.down) {
        (None, Some(down)) => down
            .for_dialect(dialect)
            .map(|sql| (down_file(rev, down, dialect), sql)),
        _ => None,
    };
    Some(Input {
        rev,
        lint,
        up,
        down,
    })
}

/// The file a revision's downgrade SQL for `dialect` is read from.
fn down_file(rev: &CompiledRevision, down: &DialectSql, dialect: Dialect) -> PathBuf {
    if down.per_dialect.contains_key(&dialect) {
        rev.dir.join(format!("down.{}.sql", dialect.name()))
    } else {
        rev.dir.join("down.sql")
    }
}

/// For each revision (in `chain`'s order), true when it is at or before
/// the `start_after` cut-off: the revision it names and its ancestors, or,
/// for a diesel-guard timestamp that is no revision's id
/// (`2024_01_01_000000`, `2024-01-01-000000`, `20240101000000`), every
/// revision whose numeric id is not after it, as diesel orders versions.
fn cut_off(chain: &CompiledChain) -> Result<Vec<bool>, Diagnostics> {
    let Some((value, line)) = &chain.config.lint.start_after else {
        return Ok(vec![false; chain.revisions.len()]);
    };
    let normalized: String = value.chars().filter(|c| !matches!(c, '-' | '_')).collect();
    for id in [value.as_str(), normalized.as_str()] {
        if chain.revisions.iter().any(|r| r.id == id) {
            return crate::schema::applied_at(chain, id);
        }
    }
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if is_number(&normalized) {
        return Ok(chain
            .revisions
            .iter()
            .map(|r| is_number(&r.id) && r.id.as_str() <= normalized.as_str())
            .collect());
    }
    Err(Diagnostics(vec![Diagnostic::error(format!(
        "`start_after` in [lint] of {CONFIG_FILE} names no revision: `{value}`"
    ))
    .at(chain.dir.join(CONFIG_FILE))
    .line(*line)
    .with_help(
        "name a revision's id (nothing up to it and its ancestors is linted), or a diesel-guard timestamp \
         (YYYYMMDDHHMMSS, YYYY_MM_DD_HHMMSS or YYYY-MM-DD-HHMMSS)",
    )]))
}
