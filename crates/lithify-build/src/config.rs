//! `migrations/lithify.toml`: settings for the whole migrations directory.
//!
//! ```toml
//! [session]
//! # Run on every connection lithify opens, before anything else, on that
//! # engine only (the SQL of one engine rarely runs on another).
//! mysql = "SET FOREIGN_KEY_CHECKS = 0"
//! postgres = "SET lock_timeout = '5s'"
//! sqlite = "PRAGMA foreign_keys = OFF"
//! ```
//!
//! The file is optional, and so is every table in it. As in `metadata.toml`,
//! an unknown table or key, or a value of the wrong type, is an error naming
//! the file and line: a typo must not silently change how migrations run.
//! It is not a revision: it is in no checksum, and changing it seals nothing.
//!
//! Each table has its own parser, listed in `TABLES`; adding a table
//! (`[naming]`, `[lint]`) is one entry there, one field of [`Config`] and one
//! function, touching no other table's.
//!
//! ```toml
//! [lint]
//! postgres_version = 12            # the oldest PostgreSQL the chain runs on
//! start_after = "20240101000000"   # lint nothing up to this revision
//! check_down = true                # every rule on downs, not only failing ones
//! dialects = ["postgres"]          # lint only these (default: those built)
//! ban-drop-column = "deny"         # a rule's level: allow, warn or deny
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lithify_core::Dialect;
use lithify_schema::lint::{Level, Rule, Settings};
use lithify_schema::naming::convention::{Kind, NamingConvention};
use toml_edit::{ImDocument, Item, TableLike};

use crate::diagnostic::{Diagnostic, Diagnostics};
pub use crate::sources::CONFIG_FILE;
use crate::text::{decode, one_line, LineIndex};

/// The settings of a migrations directory; all empty without `lithify.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// `[session]`: SQL every connection runs first.
    pub session: Session,
    /// `[naming]`: the names typed operations give what they create.
    pub naming: NamingConvention,
    /// `[lint]`: the lint settings, read by the build and `lithify lint`.
    pub lint: LintConfig,
}

/// `[lint]`: how drafts are linted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    /// Rule levels, `postgres_version`, `check_down`.
    pub settings: Settings,
    /// `start_after`: the revision up to which nothing is linted (with its
    /// line, for the error when it names none).
    pub start_after: Option<(String, u32)>,
    /// `dialects`: the dialects linted (default: every dialect the build
    /// embeds; `lithify lint`: all three).
    pub dialects: Option<Vec<Dialect>>,
}

/// `[session]`: SQL run at the start of every session lithify opens, per
/// dialect. The build embeds it, so the application's binary runs it too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// The SQL of each dialect that has some.
    pub sql: BTreeMap<Dialect, String>,
}

impl Session {
    /// The session SQL for `dialect`, if any.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&str> {
        self.sql.get(&dialect).map(String::as_str)
    }
}

/// One table's parser: reads `table` (its entries' lines through `file`)
/// into `config`, reporting what is wrong to `file`.
type TableParser = fn(&mut File, &dyn TableLike, &mut Config);

/// Every table `lithify.toml` may hold, with its parser.
const TABLES: &[(&str, TableParser)] = &[
    ("session", parse_session),
    ("naming", parse_naming),
    ("lint", parse_lint),
];

/// Read `path`; a missing file is the empty configuration.
pub fn read_config(path: &Path) -> Result<Config, Diagnostics> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(Diagnostics(vec![Diagnostic::error(format!(
                "cannot read {CONFIG_FILE}: {e}"
            ))
            .at(path)]))
        }
    };
    let text = decode(&bytes).map_err(|line| {
        Diagnostics(vec![Diagnostic::error(format!(
            "{CONFIG_FILE} is not valid UTF-8"
        ))
        .at(path)
        .line(line)
        .with_help("re-save the file as UTF-8")])
    })?;
    parse_config(path, &text)
}

/// Parse the text of `lithify.toml` (`path` is for the diagnostics).
pub fn parse_config(path: &Path, text: &str) -> Result<Config, Diagnostics> {
    let doc = ImDocument::parse(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| LineIndex::new(text).line(s.start))
            .unwrap_or(1);
        Diagnostics(vec![Diagnostic::error(format!(
            "{CONFIG_FILE} is not valid TOML"
        ))
        .at(path)
        .line(line)
        .with_note(one_line(e.message()))
        .with_help(tables_help())])
    })?;
    let mut file = File {
        path: path.to_path_buf(),
        lines: LineIndex::new(text),
        diags: Diagnostics::default(),
    };
    let mut config = Config::default();
    for (name, item) in doc.iter() {
        let line = file.line(doc.key(name).and_then(|k| k.span()));
        let parser = TABLES.iter().find(|(table, _)| *table == name);
        match (parser, item.as_table_like()) {
            (Some((_, parse)), Some(table)) => parse(&mut file, table, &mut config),
            (Some(_), None) => file.error(
                Diagnostic::error(format!("`{name}` in {CONFIG_FILE} must be a table"))
                    .line(line)
                    .with_note(format!("found: {}", item.to_string().trim()))
                    .with_help(format!("write it as `[{name}]` followed by its keys")),
            ),
            (None, _) => file.error(
                Diagnostic::error(format!("unknown table `{name}` in {CONFIG_FILE}"))
                    .line(line)
                    .with_help(tables_help()),
            ),
        }
    }
    if file.diags.has_errors() {
        Err(file.diags)
    } else {
        Ok(config)
    }
}

fn tables_help() -> String {
    let names: Vec<String> = TABLES.iter().map(|(name, _)| format!("[{name}]")).collect();
    format!("{CONFIG_FILE} may hold the tables {}", names.join(", "))
}

/// The file being read: where it is, its lines, and what is wrong with it.
struct File {
    path: PathBuf,
    lines: LineIndex,
    diags: Diagnostics,
}

impl File {
    fn line(&self, span: Option<Range<usize>>) -> u32 {
        span.map_or(1, |s| self.lines.line(s.start))
    }

    /// Report `d` at this file (its line already set by the caller).
    fn error(&mut self, d: Diagnostic) {
        let d = Diagnostic {
            file: Some(self.path.clone()),
            ..d
        };
        self.diags.push(d);
    }
}

/// `[session]`: one string of SQL per dialect name.
fn parse_session(file: &mut File, table: &dyn TableLike, config: &mut Config) {
    let keys: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
    for (key, item) in table.iter() {
        let line = file.line(table.key(key).and_then(|k| k.span()));
        let Some(dialect) = Dialect::ALL.into_iter().find(|d| d.name() == key) else {
            file.error(
                Diagnostic::error(format!("unknown key `{key}` in [session] of {CONFIG_FILE}"))
                    .line(line)
                    .with_help(format!(
                        "[session] has one key per engine: {}",
                        keys.join(", ")
                    )),
            );
            continue;
        };
        match item.as_str() {
            Some(sql) => {
                config.session.sql.insert(dialect, sql.to_owned());
            }
            None => file.error(
                Diagnostic::error(format!(
                    "`{key}` in [session] of {CONFIG_FILE} must be a string of SQL"
                ))
                .line(line)
                .with_note(format!("found: {}", value_text(item)))
                .with_help(format!("e.g. {key} = \"SET ...\"")),
            ),
        }
    }
}

/// `[naming]`: a template per kind (`ix`, `uq`, `ck`, `fk`, `pk`), with
/// Alembic's tokens; the kinds not given keep Alembic's recommended ones.
fn parse_naming(file: &mut File, table: &dyn TableLike, config: &mut Config) {
    let keys: Vec<&str> = Kind::ALL.iter().map(|k| k.key()).collect();
    for (key, item) in table.iter() {
        let line = file.line(table.key(key).and_then(|k| k.span()));
        let Some(kind) = Kind::from_key(key) else {
            file.error(
                Diagnostic::error(format!("unknown key `{key}` in [naming] of {CONFIG_FILE}"))
                    .line(line)
                    .with_help(format!(
                        "[naming] has one template per kind: {}",
                        keys.join(", ")
                    )),
            );
            continue;
        };
        let Some(template) = item.as_str() else {
            file.error(
                Diagnostic::error(format!(
                    "`{key}` in [naming] of {CONFIG_FILE} must be a string"
                ))
                .line(line)
                .with_note(format!("found: {}", value_text(item)))
                .with_help(format!(
                    "e.g. {key} = \"{}\"",
                    NamingConvention::default().template(kind)
                )),
            );
            continue;
        };
        if let Err(e) = config.naming.set(kind, template) {
            file.error(
                Diagnostic::error(format!("`{key}` in [naming] of {CONFIG_FILE}: {e}"))
                    .line(line)
                    .with_help(format!(
                        "tokens: {}",
                        lithify_schema::naming::convention::TOKENS
                            .iter()
                            .map(|t| format!("%({t})s"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
    }
}

/// The keys of `[lint]` that are settings; every other key is a rule id.
const LINT_SETTINGS: &[&str] = &["postgres_version", "start_after", "check_down", "dialects"];

/// `[lint]`: settings, and a level per rule id.
fn parse_lint(file: &mut File, table: &dyn TableLike, config: &mut Config) {
    for (key, item) in table.iter() {
        let line = file.line(table.key(key).and_then(|k| k.span()));
        let result = match key {
            "postgres_version" => lint_postgres_version(item, &mut config.lint),
            "start_after" => match item.as_str() {
                Some(id) => {
                    config.lint.start_after = Some((id.to_owned(), line));
                    Ok(())
                }
                None => Err((
                    "must be a revision id in quotes",
                    "e.g. start_after = \"20240101000000\"".to_owned(),
                )),
            },
            "check_down" => match item.as_bool() {
                Some(on) => {
                    config.lint.settings.check_down = on;
                    Ok(())
                }
                None => Err(("must be true or false", "e.g. check_down = true".to_owned())),
            },
            "dialects" => lint_dialects(item, &mut config.lint),
            rule => lint_level(rule, item, &mut config.lint),
        };
        if let Err((what, help)) = result {
            file.error(
                Diagnostic::error(format!("`{key}` in [lint] of {CONFIG_FILE} {what}"))
                    .line(line)
                    .with_note(format!("found: {}", value_text(item)))
                    .with_help(help),
            );
        }
    }
}

/// A `[lint]` value's problem: what is wrong, and the fix.
type LintError = (&'static str, String);

fn lint_postgres_version(item: &Item, lint: &mut LintConfig) -> Result<(), LintError> {
    match item.as_integer().and_then(|v| u32::try_from(v).ok()) {
        Some(v) if (9..=99).contains(&v) => {
            lint.settings.postgres_version = v;
            Ok(())
        }
        _ => Err((
            "must be a PostgreSQL major version",
            "e.g. postgres_version = 12 (the oldest version the chain runs on)".to_owned(),
        )),
    }
}

fn lint_dialects(item: &Item, lint: &mut LintConfig) -> Result<(), LintError> {
    let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
    let err = || {
        (
            "must be a list of dialect names",
            format!(
                "e.g. dialects = [\"postgres\"] (names: {})",
                names.join(", ")
            ),
        )
    };
    let array = item.as_array().ok_or_else(err)?;
    let mut dialects = Vec::new();
    for value in array.iter() {
        let d = value
            .as_str()
            .and_then(|v| Dialect::ALL.into_iter().find(|d| d.name() == v))
            .ok_or_else(err)?;
        dialects.push(d);
    }
    lint.dialects = Some(dialects);
    Ok(())
}

fn lint_level(key: &str, item: &Item, lint: &mut LintConfig) -> Result<(), LintError> {
    let Some(rule) = Rule::from_id(key) else {
        let mut help = format!(
            "[lint] holds the settings {} and one level per rule id (README, \"Lint\")",
            LINT_SETTINGS.join(", ")
        );
        if let Some(near) = closest_rule(key) {
            help = format!("did you mean `{near}`? {help}");
        }
        return Err(("is not a setting or a lint rule", help));
    };
    let level = item.as_str().and_then(Level::parse).ok_or_else(|| {
        (
            "must be \"allow\", \"warn\" or \"deny\"",
            format!("e.g. {key} = \"deny\""),
        )
    })?;
    lint.settings.set_level(rule, level);
    Ok(())
}

/// The rule id nearest `key` (a typo of one), if one is near.
fn closest_rule(key: &str) -> Option<&'static str> {
    Rule::ALL
        .iter()
        .map(|r| (edit_distance(key, r.id()), r.id()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, id)| id)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// An item as written, on one line.
fn value_text(item: &Item) -> String {
    one_line(&item.to_string())
}
