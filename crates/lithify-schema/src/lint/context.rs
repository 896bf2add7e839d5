//! What a rule reads and what it reports: the leaf of the lint module.
//!
//! Every rule is one function `fn(&Context<'_>, &mut Vec<Violation>)`
//! ([`RuleFn`]); it imports only this module (and the model and the
//! parser's syntax tree), never the registry that lists the rules.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Expr, Ident,
    ObjectName as SqlName, RenameTableNameKind, Statement,
};
use sqlparser::tokenizer::Token;

use crate::engine::Engine;
use crate::fold::FoldStatement;
use crate::model::{Column, Dialect, ObjectName, Schema, SqlType, Table, TypeShorthand};

/// A rule: reads one statement in its context, reports what is wrong.
pub(crate) type RuleFn = fn(&Context<'_>, &mut Vec<Violation>);

/// Which file of a revision a statement is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The upgrade (`up.sql`, or a typed revision's operations).
    Up,
    /// The downgrade (`down.sql`), linted against the schema its up leaves.
    Down,
}

/// What a rule found wrong with a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// What is wrong, in one sentence.
    pub message: String,
    /// The safe way to write it.
    pub help: String,
}

impl Violation {
    /// A violation with its `message` and the `help` that fixes it.
    pub(crate) fn new(message: impl Into<String>, help: impl Into<String>) -> Violation {
        Violation {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// One statement of a file as the linter walks it.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The statement, cut and parsed by the fold.
    pub statement: FoldStatement,
    /// False for SQL lithify wrote itself to make a typed operation safe
    /// (a SQLite table rebuild): folded, never linted.
    pub linted: bool,
}

/// What the statements before this one did, in this file and (for
/// `not_valid`) in the chain.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Tables created so far in this file (or renamed into place under a
    /// name no table had before the file).
    pub tables: Vec<ObjectName>,
    /// Tables that were there before the file and that it dropped (a
    /// rebuild renames its new table to one of these names: that table
    /// holds the old rows, it is not new).
    pub dropped: Vec<ObjectName>,
    /// Columns added or renamed into place so far in this file.
    pub columns: Vec<(ObjectName, String)>,
    /// Indexes created so far in this file.
    pub indexes: Vec<String>,
    /// Constraints added `NOT VALID` in this file.
    pub not_valid_here: Vec<(ObjectName, String)>,
}

/// A column's type changed by the statement.
pub(crate) struct TypeChange<'a> {
    /// The table.
    pub table: ObjectName,
    /// The column (its name before the statement).
    pub column: String,
    /// The column before the statement, when the model knows it.
    pub from: Option<&'a Column>,
    /// The new type.
    pub to: SqlType,
}

/// Everything a rule may read about the statement it looks at.
pub(crate) struct Context<'a> {
    /// The dialect the statement is linted for.
    pub dialect: Dialect,
    /// `[lint] postgres_version`: the oldest PostgreSQL major the chain runs on.
    pub postgres_version: u32,
    /// The engine's name rules.
    pub engine: &'a dyn Engine,
    /// The parsed statement; `None` when the parser could not read it (the
    /// rules that work from its words still run).
    pub statement: Option<&'a Statement>,
    /// The statement as the fold cut it: its text, words and comments.
    pub source: &'a FoldStatement,
    /// The schema before the statement.
    pub schema: &'a Schema,
    /// Up or down.
    pub direction: Direction,
    /// True when the revision runs in a transaction.
    pub transactional: bool,
    /// True for the SQL of a typed revision (`revision.toml`).
    pub typed: bool,
    /// What this file did before the statement.
    pub facts: &'a Facts,
    /// For a down: what its up created (what the down may drop).
    pub up: Option<&'a Facts>,
    /// Constraints added `NOT VALID` anywhere in the chain before, and not
    /// validated since.
    pub not_valid: &'a [(ObjectName, String)],
    /// Every statement of the file, this one at `index`.
    pub items: &'a [Item],
    /// This statement's position in `items`.
    pub index: usize,
    /// Mistakes in the statement's lint annotations.
    pub annotation_problems: &'a [String],
}

impl Context<'_> {
    /// A name as the engine stores it (PostgreSQL folds unquoted names).
    pub(crate) fn name(&self, name: &SqlName) -> ObjectName {
        self.engine.object_name(name)
    }

    /// An identifier as the engine stores it.
    pub(crate) fn ident(&self, ident: &Ident) -> String {
        self.engine.ident(ident)
    }

    /// True when `table` was created earlier in this file: nobody reads it
    /// yet, and it holds no rows worth a lock.
    pub(crate) fn is_new(&self, table: &ObjectName) -> bool {
        self.facts
            .tables
            .iter()
            .any(|t| self.schema.same_relation(t, table))
    }

    /// The table called `name` before the statement, when its shape is known.
    pub(crate) fn known_table(&self, name: &ObjectName) -> Option<&Table> {
        self.schema.find_table(name).filter(|t| t.unknown.is_none())
    }

    /// The statement's table and operations, when it is an `ALTER TABLE`
    /// of a table not created earlier in this file.
    pub(crate) fn alter_existing(&self) -> Option<(ObjectName, &[AlterTableOperation])> {
        let Some(Statement::AlterTable(alter)) = self.statement else {
            return None;
        };
        let table = self.name(&alter.name);
        (!self.is_new(&table)).then_some((table, alter.operations.as_slice()))
    }

    /// The statement's table and operations, when it is any `ALTER TABLE`.
    pub(crate) fn alter(&self) -> Option<(ObjectName, &[AlterTableOperation])> {
        let Some(Statement::AlterTable(alter)) = self.statement else {
            return None;
        };
        Some((self.name(&alter.name), alter.operations.as_slice()))
    }

    /// The column types the statement changes (PostgreSQL's `ALTER COLUMN
    /// ... TYPE`, MySQL's `MODIFY` and `CHANGE`) on a table not created
    /// earlier in this file.
    pub(crate) fn type_changes(&self) -> Vec<TypeChange<'_>> {
        let Some((table, ops)) = self.alter_existing() else {
            return Vec::new();
        };
        let known = self.known_table(&table);
        ops.iter()
            .filter_map(|op| {
                let (name, ty) = match op {
                    AlterTableOperation::AlterColumn {
                        column_name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    } => (column_name, data_type),
                    AlterTableOperation::ModifyColumn {
                        col_name,
                        data_type,
                        ..
                    } => (col_name, data_type),
                    AlterTableOperation::ChangeColumn {
                        old_name,
                        data_type,
                        ..
                    } => (old_name, data_type),
                    _ => return None,
                };
                let column = self.ident(name);
                let (to, _) = self.column_type(ty)?;
                Some(TypeChange {
                    from: known.and_then(|t| t.find_column(self.dialect, &column)),
                    table: table.clone(),
                    column,
                    to,
                })
            })
            .collect()
    }

    /// The type of a column definition as the engine records it, and what
    /// its name implies (`serial`); `None` when the model cannot read it.
    pub(crate) fn column_type(&self, ty: &DataType) -> Option<(SqlType, TypeShorthand)> {
        crate::fold::column_type(self.engine, ty)
    }

    /// The columns the statement defines (`CREATE TABLE`, `ADD COLUMN`,
    /// MySQL's `MODIFY` and `CHANGE` are not definitions of new columns),
    /// with the table they belong to.
    pub(crate) fn defined_columns(&self) -> Vec<(ObjectName, &ColumnDef)> {
        match self.statement {
            Some(Statement::CreateTable(create)) => {
                let table = self.name(&create.name);
                create.columns.iter().map(|c| (table.clone(), c)).collect()
            }
            Some(Statement::AlterTable(alter)) => {
                let table = self.name(&alter.name);
                alter
                    .operations
                    .iter()
                    .filter_map(|op| match op {
                        AlterTableOperation::AddColumn { column_def, .. } => {
                            Some((table.clone(), column_def))
                        }
                        _ => None,
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// True when token `i` of the statement is the unquoted word `w`.
    pub(crate) fn word_at(&self, i: usize, w: &str) -> bool {
        matches!(
            self.source.tokens().get(i).map(|t| &t.token),
            Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w)
        )
    }

    /// True when the statement starts with the words `words`.
    pub(crate) fn starts_with(&self, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(i, w)| self.word_at(i, w))
    }

    /// True when the unquoted word `w` is one of the statement's tokens.
    pub(crate) fn has_word(&self, w: &str) -> bool {
        (0..self.source.tokens().len()).any(|i| self.word_at(i, w))
    }

    /// The parsed statements after this one in the file.
    pub(crate) fn later(&self) -> impl Iterator<Item = &Statement> {
        self.items
            .iter()
            .skip(self.index + 1)
            .flat_map(|i| i.statement.parsed())
    }

    /// True when a later statement of the file renames a table to `name`:
    /// the statement is part of a table rebuild (create the new table, copy,
    /// drop the old one, rename the new one into place), which changes the
    /// table but removes nothing.
    pub(crate) fn renamed_into_place_later(&self, name: &ObjectName) -> bool {
        self.later().any(|s| {
            renamed_to(self, s)
                .iter()
                .any(|to| self.schema.same_relation(to, name))
        })
    }

    /// True when a later statement of the file creates a table `name`.
    pub(crate) fn created_later(&self, name: &ObjectName) -> bool {
        self.later().any(|s| match s {
            Statement::CreateTable(c) => self.schema.same_relation(&self.name(&c.name), name),
            _ => false,
        })
    }

    /// A violation whose help depends on the kind of revision: `sql` for an
    /// SQL file, `typed` for a `revision.toml`.
    pub(crate) fn fix(&self, sql: &str, typed: &str) -> String {
        if self.typed {
            typed.to_owned()
        } else {
            sql.to_owned()
        }
    }
}

/// The tables `statement` renames something to.
pub(crate) fn renamed_to(ctx: &Context<'_>, statement: &Statement) -> Vec<ObjectName> {
    match statement {
        Statement::AlterTable(alter) => alter
            .operations
            .iter()
            .filter_map(|op| match op {
                AlterTableOperation::RenameTable {
                    table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
                } => Some(renamed_in_schema(ctx, &alter.name, to)),
                _ => None,
            })
            .collect(),
        Statement::RenameTable(renames) => renames
            .iter()
            .map(|r| renamed_in_schema(ctx, &r.old_name, &r.new_name))
            .collect(),
        _ => Vec::new(),
    }
}

/// `ALTER TABLE s.a RENAME TO b` keeps `b` in `s`.
fn renamed_in_schema(ctx: &Context<'_>, from: &SqlName, to: &SqlName) -> ObjectName {
    let to_name = ctx.name(to);
    if to.0.len() > 1 {
        return to_name;
    }
    ObjectName::in_schema(ctx.name(from).schema, to_name.name)
}

/// True when the column definition has the option `pick` selects.
pub(crate) fn has_option(def: &ColumnDef, pick: fn(&ColumnOption) -> bool) -> bool {
    def.options.iter().any(|o| pick(&o.option))
}

/// The column definition's `DEFAULT`, if any.
pub(crate) fn default_of(def: &ColumnDef) -> Option<&Expr> {
    def.options.iter().find_map(|o| match &o.option {
        ColumnOption::Default(e) => Some(e),
        _ => None,
    })
}

/// True when `e` is a literal, possibly signed, cast or parenthesised: a
/// value computed once, the same for every row.
pub(crate) fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Value(_) | Expr::TypedString(_) | Expr::Interval(_) => true,
        Expr::UnaryOp { expr, .. } | Expr::Nested(expr) => is_constant(expr),
        Expr::Cast { expr, .. } => is_constant(expr),
        _ => false,
    }
}

/// True when `e` is SQL's `NULL`.
pub(crate) fn is_null(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => v.value == sqlparser::ast::Value::Null,
        Expr::Nested(inner) => is_null(inner),
        _ => false,
    }
}

/// The last part of a function's name, lower case.
pub(crate) fn function_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Function(f) => f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.to_ascii_lowercase()),
        _ => None,
    }
}
