//! The walk: a chain folded revision by revision for one dialect, and the
//! revisions to lint read statement by statement by the rules, each with
//! the schema before it.
//!
//! Typed revisions (`revision.toml`) are linted through the SQL lithify
//! compiles for each operation, every finding at the operation's line:
//! each operation is compiled on its own against the schema the ones
//! before it leave, so a finding knows its operation. The SQL of a SQLite
//! table rebuild is lithify's own safe procedure and is folded, never
//! linted (no `ban-drop-table` for the old table it replaces); an
//! `execute` operation's SQL is the user's, linted like a file, its
//! `-- lithify:allow(...)` comments included. The downgrade of a typed
//! revision is derived and checked by lithify, and not linted.

use std::path::Path;

use sqlparser::ast::{AlterTableOperation, RenameTableNameKind, Statement, TableConstraint};

use super::annotations::{annotate, Annotated};
use super::context::{Context, Direction, Facts, Item, Violation};
use super::{Finding, Level, Rule, Settings};
use crate::engine::{for_dialect, Engine};
use crate::fold::{Fold, FoldStatement, RevisionSql};
use crate::model::{Dialect, MysqlFlavor, ObjectName, Schema};
use crate::naming::convention::NamingConvention;
use crate::ops::compile::{compile_revision, CompileInput};
use crate::ops::TypedRevision;

/// An SQL file of a revision.
#[derive(Debug, Clone, Copy)]
pub struct SqlFile<'a> {
    /// Where it is, for findings.
    pub file: &'a Path,
    /// Its SQL.
    pub sql: &'a str,
}

/// A typed revision, for one dialect.
#[derive(Debug, Clone, Copy)]
pub struct TypedInput<'a> {
    /// Its `revision.toml`, for findings.
    pub file: &'a Path,
    /// Its operations.
    pub revision: &'a TypedRevision,
    /// The naming convention it was compiled with.
    pub naming: &'a NamingConvention,
    /// The upgrade SQL compiled from it for the dialect (what is folded
    /// when it is not linted, or when an operation does not compile on its
    /// own).
    pub compiled: &'a str,
}

/// A revision's upgrade for one dialect.
#[derive(Debug, Clone, Copy)]
pub enum Up<'a> {
    /// SQL (`up.sql`, `up.<dialect>.sql`).
    Sql(SqlFile<'a>),
    /// Typed operations.
    Typed(TypedInput<'a>),
}

/// One revision, in upgrade order, for [`Linter::lint_revision`].
#[derive(Debug, Clone, Copy)]
pub struct RevisionInput<'a> {
    /// Its id.
    pub id: &'a str,
    /// True when it runs in a transaction.
    pub transactional: bool,
    /// Lint it; false: only fold it (a sealed revision, or one before the
    /// cut-off), for the schema the later ones are linted against.
    pub lint: bool,
    /// Its upgrade for the dialect.
    pub up: Up<'a>,
    /// Its SQL downgrade for the dialect, if it has one.
    pub down: Option<SqlFile<'a>>,
}

/// Lints a chain for one dialect, revision by revision in upgrade order.
pub struct Linter {
    settings: Settings,
    fold: Fold,
    engine: Box<dyn Engine>,
    /// Constraints added `NOT VALID` and not validated since, chain-wide.
    not_valid: Vec<(ObjectName, String)>,
}

/// One file to walk.
struct File<'a> {
    path: &'a Path,
    items: Vec<Item>,
    trailing: Vec<String>,
    direction: Direction,
    typed: bool,
}

/// What does not change while a file is walked.
struct Walk<'a> {
    settings: &'a Settings,
    engine: &'a dyn Engine,
    revision: &'a RevisionInput<'a>,
    rules: Vec<Rule>,
}

impl Linter {
    /// A linter for `dialect` with `settings`, starting from an empty database.
    pub fn new(dialect: Dialect, settings: Settings) -> Linter {
        Linter {
            settings,
            fold: Fold::new(dialect),
            engine: for_dialect(dialect, MysqlFlavor::Unknown),
            not_valid: Vec::new(),
        }
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.engine.dialect()
    }

    /// The schema after the revisions so far.
    pub fn schema(&self) -> &Schema {
        self.fold.schema()
    }

    /// Fold the next revision, and lint it when [`RevisionInput::lint`]
    /// says so: its up with every rule, its down (against the schema its
    /// up leaves) with the rules of [`Rule::on_down`], or all with
    /// [`Settings::check_down`]. The findings, in file order.
    pub fn lint_revision(&mut self, revision: &RevisionInput<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let walk = Walk {
            settings: &self.settings,
            engine: self.engine.as_ref(),
            revision,
            rules: self.rules(revision.lint, Direction::Up),
        };
        let up = match revision.up {
            Up::Sql(f) => {
                let (statements, trailing) = self.fold.statements_and_trailing(f.sql);
                Some(File {
                    path: f.file,
                    items: linted(statements),
                    trailing,
                    direction: Direction::Up,
                    typed: false,
                })
            }
            Up::Typed(t) => typed_items(&self.fold, revision, &t).map(|items| File {
                path: t.file,
                items,
                trailing: Vec::new(),
                direction: Direction::Up,
                typed: true,
            }),
        };
        let Some(up) = up else {
            if let Up::Typed(t) = revision.up {
                self.fold.apply(&RevisionSql {
                    revision: revision.id,
                    file: t.file,
                    sql: t.compiled,
                });
            }
            return findings;
        };
        let facts = walk.file(
            &mut self.fold,
            &mut self.not_valid,
            &up,
            None,
            &mut findings,
        );
        if let (true, Some(down), Up::Sql(_)) = (revision.lint, revision.down, revision.up) {
            let walk = Walk {
                rules: self.rules(true, Direction::Down),
                ..walk
            };
            let (statements, trailing) = self.fold.statements_and_trailing(down.sql);
            let file = File {
                path: down.file,
                items: linted(statements),
                trailing,
                direction: Direction::Down,
                typed: false,
            };
            let mut not_valid = self.not_valid.clone();
            if file.items.len() <= 1 {
                // Nothing is folded before the only statement: it reads
                // the schema the up left, which is not changed.
                walk.down(&mut self.fold, &mut not_valid, &file, &facts, &mut findings);
            } else {
                let view = down_view(self.fold.schema(), self.engine.as_ref(), &file.items);
                let mut fold = Fold::from_schema(view);
                walk.down(&mut fold, &mut not_valid, &file, &facts, &mut findings);
            }
        }
        findings
    }

    /// The rules that read statements of this dialect in `direction`.
    fn rules(&self, lint: bool, direction: Direction) -> Vec<Rule> {
        if !lint {
            return Vec::new();
        }
        let dialect = self.dialect();
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.applies_to(dialect) && self.settings.level(*r) != Level::Allow)
            .filter(|r| direction == Direction::Up || r.on_down() || self.settings.check_down)
            .collect()
    }
}

fn linted(statements: Vec<FoldStatement>) -> Vec<Item> {
    statements
        .into_iter()
        .map(|statement| Item {
            statement,
            linted: true,
        })
        .collect()
}

impl Walk<'_> {
    /// Lint a down against `fold`'s schema, folding each statement but
    /// the last (what follows it is nothing), so `fold` is left as it was
    /// when the down has one statement.
    fn down(
        &self,
        fold: &mut Fold,
        not_valid: &mut Vec<(ObjectName, String)>,
        file: &File<'_>,
        up: &Facts,
        findings: &mut Vec<Finding>,
    ) {
        self.walk(fold, not_valid, file, Some(up), false, findings);
    }

    /// Lint (when there are rules) and fold every statement of `file`;
    /// what it did.
    fn file(
        &self,
        fold: &mut Fold,
        not_valid: &mut Vec<(ObjectName, String)>,
        file: &File<'_>,
        up: Option<&Facts>,
        findings: &mut Vec<Finding>,
    ) -> Facts {
        self.walk(fold, not_valid, file, up, true, findings)
    }

    /// Lint and fold `file`'s statements (the last one folded only with
    /// `fold_last`); what the file did.
    fn walk(
        &self,
        fold: &mut Fold,
        not_valid: &mut Vec<(ObjectName, String)>,
        file: &File<'_>,
        up: Option<&Facts>,
        fold_last: bool,
        findings: &mut Vec<Finding>,
    ) -> Facts {
        let annotated = if self.rules.is_empty() {
            Vec::new()
        } else {
            annotate(
                file.items.iter().map(|i| i.statement.comments()),
                &file.trailing,
            )
        };
        let mut facts = Facts::default();
        for (index, item) in file.items.iter().enumerate() {
            if let (true, Some(a)) = (item.linted, annotated.get(index)) {
                let base = Context {
                    dialect: fold.dialect(),
                    postgres_version: self.settings.postgres_version,
                    engine: self.engine,
                    statement: None,
                    source: &item.statement,
                    schema: fold.schema(),
                    direction: file.direction,
                    transactional: self.revision.transactional,
                    typed: file.typed,
                    facts: &facts,
                    up,
                    not_valid,
                    items: &file.items,
                    index,
                    annotation_problems: &a.problems,
                };
                let parsed = item.statement.parsed();
                if parsed.is_empty() {
                    self.check(&base, a, file.path, findings);
                }
                for (i, statement) in parsed.iter().enumerate() {
                    let ctx = Context {
                        statement: Some(statement),
                        annotation_problems: if i == 0 { &a.problems } else { &[] },
                        ..base
                    };
                    self.check(&ctx, a, file.path, findings);
                }
            }
            if fold_last || index + 1 < file.items.len() {
                observe(self.engine, &mut facts, not_valid, &item.statement);
                fold.apply_statement(self.revision.id, file.path, &item.statement);
            }
        }
        facts
    }

    /// Run every rule on one statement.
    fn check(&self, ctx: &Context<'_>, a: &Annotated, path: &Path, findings: &mut Vec<Finding>) {
        let mut found: Vec<Violation> = Vec::new();
        for &rule in &self.rules {
            // Annotations are checked inside safety-assured blocks too.
            let off =
                a.allowed.contains(&rule) || (a.assured && rule != Rule::InvalidLintAnnotation);
            if off {
                continue;
            }
            (rule.check())(ctx, &mut found);
            findings.extend(found.drain(..).map(|v| Finding {
                rule,
                level: self.settings.level(rule),
                revision: self.revision.id.to_owned(),
                file: path.to_path_buf(),
                line: ctx.source.line,
                column: ctx.source.column,
                message: v.message,
                help: v.help,
                dialects: vec![ctx.dialect],
            }));
        }
    }
}

/// The statements of a typed revision's operations, each compiled on its
/// own against the schema the ones before it leave, at its line; `None`
/// when an operation does not compile on its own (one that relies on an
/// earlier operation of the revision, as a NOT NULL column added to a
/// table the revision creates): the revision is then folded, not linted.
fn typed_items(fold: &Fold, revision: &RevisionInput<'_>, t: &TypedInput<'_>) -> Option<Vec<Item>> {
    if !revision.lint {
        return None;
    }
    let mut schema = fold.schema().clone();
    let mut items = Vec::new();
    for op in &t.revision.upgrade {
        let single = TypedRevision {
            upgrade: vec![op.clone()],
            downgrade: None,
            irreversible: true,
        };
        let input = CompileInput {
            revision: revision.id,
            file: t.file,
            schema: &schema,
            naming: t.naming,
        };
        let compiled = compile_revision(input, &single).ok()?;
        for mut statement in fold.statements(&compiled.up.sql) {
            statement.line = op.line;
            statement.column = 1;
            items.push(Item {
                statement,
                linted: !compiled.up.rebuilds_tables,
            });
        }
        schema = compiled.schema;
    }
    Some(items)
}

/// The part of `schema` a down's `statements` can see: the tables they
/// name (an index's by the index), the tables those reference and the
/// tables that reference them (a dropped column may be another table's
/// key), and every view, type and trigger. A down is linted on a copy of
/// the schema its up leaves, and copying all of it for every draft would
/// cost more than the rest of the lint (BENCHMARKS.md, issue 12).
fn down_view(schema: &Schema, engine: &dyn Engine, items: &[Item]) -> Schema {
    let mut named: Vec<ObjectName> = Vec::new();
    for s in items.iter().flat_map(|i| i.statement.parsed()) {
        match s {
            Statement::AlterTable(a) => named.push(engine.object_name(&a.name)),
            Statement::CreateIndex(c) => named.push(engine.object_name(&c.table_name)),
            Statement::RenameTable(r) => {
                named.extend(r.iter().map(|r| engine.object_name(&r.old_name)));
            }
            Statement::Drop {
                object_type, names, ..
            } => {
                for n in names {
                    let name = engine.object_name(n);
                    if *object_type == sqlparser::ast::ObjectType::Index {
                        let table = schema.table_of_index(name.schema.as_deref(), &name.name);
                        named.extend(
                            table
                                .and_then(|ix| schema.tables.get(ix))
                                .map(|t| t.name.clone()),
                        );
                    } else {
                        named.push(name);
                    }
                }
            }
            _ => {}
        }
    }
    let related = |t: &crate::model::Table| {
        named.iter().any(|n| {
            schema.same_relation(&t.name, n)
                || t.foreign_keys
                    .iter()
                    .any(|f| schema.same_relation(&f.ref_table, n))
        })
    };
    let referenced: Vec<ObjectName> = schema
        .tables
        .iter()
        .filter(|t| named.iter().any(|n| schema.same_relation(&t.name, n)))
        .flat_map(|t| t.foreign_keys.iter().map(|f| f.ref_table.clone()))
        .collect();
    Schema {
        dialect: schema.dialect,
        tables: schema
            .tables
            .iter()
            .filter(|t| related(t) || referenced.iter().any(|r| schema.same_relation(&t.name, r)))
            .cloned()
            .collect(),
        views: schema.views.clone(),
        types: schema.types.clone(),
        triggers: schema.triggers.clone(),
    }
}

/// Record what `statement` does that later rules ask about.
fn observe(
    engine: &dyn Engine,
    facts: &mut Facts,
    not_valid: &mut Vec<(ObjectName, String)>,
    statement: &FoldStatement,
) {
    for s in statement.parsed() {
        match s {
            Statement::CreateTable(c) => facts.tables.push(engine.object_name(&c.name)),
            Statement::CreateIndex(c) => {
                if let Some(name) = c.name.as_ref().and_then(|n| n.0.last()) {
                    if let Some(ident) = name.as_ident() {
                        facts.indexes.push(engine.ident(ident));
                    }
                }
            }
            Statement::Drop {
                object_type: sqlparser::ast::ObjectType::Table,
                names,
                ..
            } => {
                for name in names {
                    let table = engine.object_name(name);
                    match facts.tables.iter().position(|t| *t == table) {
                        Some(at) => {
                            facts.tables.remove(at);
                        }
                        None => facts.dropped.push(table),
                    }
                }
            }
            Statement::RenameTable(renames) => {
                for r in renames {
                    renamed(engine, facts, &r.old_name, &r.new_name);
                }
            }
            Statement::AlterTable(alter) => {
                let table = engine.object_name(&alter.name);
                for op in &alter.operations {
                    observe_alter(engine, facts, not_valid, &table, &alter.name, op);
                }
            }
            _ => {}
        }
    }
}

fn observe_alter(
    engine: &dyn Engine,
    facts: &mut Facts,
    not_valid: &mut Vec<(ObjectName, String)>,
    table: &ObjectName,
    written: &sqlparser::ast::ObjectName,
    op: &AlterTableOperation,
) {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            facts
                .columns
                .push((table.clone(), engine.ident(&column_def.name)));
        }
        AlterTableOperation::RenameColumn {
            new_column_name, ..
        } => facts
            .columns
            .push((table.clone(), engine.ident(new_column_name))),
        AlterTableOperation::ChangeColumn { new_name, .. } => {
            facts.columns.push((table.clone(), engine.ident(new_name)));
        }
        AlterTableOperation::RenameTable {
            table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
        } => renamed(engine, facts, written, to),
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid: true,
        } => {
            let name = match constraint {
                TableConstraint::Check(c) => c.name.as_ref(),
                TableConstraint::ForeignKey(f) => f.name.as_ref(),
                _ => None,
            };
            if let Some(name) = name {
                let key = (table.clone(), engine.ident(name));
                facts.not_valid_here.push(key.clone());
                not_valid.push(key);
            }
        }
        AlterTableOperation::ValidateConstraint { name } => {
            let name = engine.ident(name);
            not_valid.retain(|(t, n)| !(t == table && *n == name));
        }
        _ => {}
    }
}

/// A table renamed: the new name is new in this file when the old one
/// was, unless a table of that name was there before the file (a rebuild
/// renaming its copy into place: the rows are the old table's).
fn renamed(
    engine: &dyn Engine,
    facts: &mut Facts,
    from: &sqlparser::ast::ObjectName,
    to: &sqlparser::ast::ObjectName,
) {
    let old = engine.object_name(from);
    let Some(at) = facts.tables.iter().position(|t| *t == old) else {
        return;
    };
    facts.tables.remove(at);
    let mut new = engine.object_name(to);
    if to.0.len() == 1 {
        new.schema = old.schema;
    }
    if !facts.dropped.contains(&new) {
        facts.tables.push(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{render, snap};
    use crate::ops::compile::{compile_revision, CompileInput};

    /// A table with rows, then a draft typed revision: its findings.
    fn typed(dialect: Dialect, toml: &str) -> Vec<Finding> {
        let doc = toml_edit::ImDocument::parse(toml).unwrap_or_else(|e| panic!("{e}"));
        let revision = crate::ops::parse::typed_revision(doc.as_table(), toml)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let naming = NamingConvention::default();
        let mut linter = Linter::new(dialect, Settings::default());
        let setup =
            "CREATE TABLE jobs (id BIGINT PRIMARY KEY, title TEXT, salary INTEGER, note TEXT);";
        let base = RevisionInput {
            id: "0001",
            transactional: true,
            lint: false,
            up: Up::Sql(SqlFile {
                file: Path::new("0001/up.sql"),
                sql: setup,
            }),
            down: None,
        };
        assert!(linter.lint_revision(&base).is_empty());
        let file = Path::new("0002/revision.toml");
        let input = CompileInput {
            revision: "0002",
            file,
            schema: linter.schema(),
            naming: &naming,
        };
        let compiled = compile_revision(input, &revision).unwrap_or_else(|e| panic!("{e:?}"));
        let draft = RevisionInput {
            id: "0002",
            transactional: compiled.transactional,
            lint: true,
            up: Up::Typed(TypedInput {
                file,
                revision: &revision,
                naming: &naming,
                compiled: &compiled.up.sql,
            }),
            down: None,
        };
        let found = linter.lint_revision(&draft);
        // Linted or not, the fold ends where the compiled revision does.
        assert_eq!(linter.schema(), &compiled.schema);
        found
    }

    const TYPED: &str = "irreversible = true\n\n[[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"title\"]\n\n\
        [[upgrade]]\nop = \"alter_column\"\ntable = \"jobs\"\ncolumn = \"salary\"\nnullable = false\n\n\
        [[upgrade]]\nop = \"execute\"\nsql = \"-- lithify:allow(ban-drop-table)\\nDROP TABLE jobs_archive;\\nALTER TABLE jobs DROP COLUMN note\"\n";

    #[test]
    fn typed_operations_are_linted_through_their_sql_at_their_lines() {
        snap!(
            "typed_revision_postgres",
            render(&typed(Dialect::Postgres, TYPED))
        );
    }

    #[test]
    fn a_sqlite_rebuild_is_lithify_s_own_and_not_linted() {
        // The alter_column rebuilds `jobs` on SQLite (create, copy, drop
        // the old table, rename): no ban-drop-table, no renaming-table.
        let found = typed(Dialect::Sqlite, TYPED);
        let rules: Vec<&str> = found.iter().map(|f| f.rule.id()).collect();
        assert_eq!(rules, ["ban-drop-column"], "{}", render(&found));
        assert_eq!(found[0].line, 15);
    }
}
