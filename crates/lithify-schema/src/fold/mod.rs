//! The fold: revisions' SQL applied, statement by statement, to a
//! [`Schema`], the way the engine would apply it, with no database.
//!
//! Never a guess. A statement the parser cannot read, or one that changes a
//! table in a way the model does not follow, makes the tables it names
//! *unknown* ([`crate::model::Unknown`]) from there on, until a revision
//! creates them again; each such statement is reported once, as a
//! [`FoldNote`] with its file and line. Statements that do not change tables
//! (data, functions, triggers, grants, settings) leave the model alone. The
//! fold never fails and never panics: the engine is the judge of SQL, and a
//! revision may use syntax newer than the parser.
//!
//! Statements are parsed with sqlparser; the forms its grammar lacks that
//! real migrations write are read from their tokens (`fallback`), and
//! SQLite's column types, which are any words, are taken as written
//! (`declared`). On MySQL, what the fold makes of some DDL depends on the
//! server ([`crate::model::MysqlFlavor`], [`Fold::with_mysql_flavor`]).
//! A `SET search_path` that moves unqualified names away from `public` is
//! noted, not followed.

mod alter;
mod columns;
mod constraints;
mod declared;
mod fallback;
mod index;
mod objects;
mod scan;
mod split;
mod table;
mod triggers;

use std::path::{Path, PathBuf};

use sqlparser::ast::Statement;
use sqlparser::parser::Parser;

use crate::engine::{for_dialect, Engine};
use crate::model::{Dialect, MysqlFlavor, ObjectName, Schema, Table, Unknown};

/// sqlparser's nesting limit: deep enough for any real DDL, shallow enough
/// that hostile input cannot overflow the build script's stack.
pub(crate) const RECURSION_LIMIT: usize = 50;

/// One revision's upgrade SQL for the fold's dialect.
#[derive(Debug, Clone, Copy)]
pub struct RevisionSql<'a> {
    /// The revision's id.
    pub revision: &'a str,
    /// The file the SQL came from (`up.sql`, `up.postgres.sql`), for notes.
    pub file: &'a Path,
    /// The SQL.
    pub sql: &'a str,
}

/// Something the fold could not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldNote {
    /// The revision.
    pub revision: String,
    /// The SQL file.
    pub file: PathBuf,
    /// 1-based line of the statement.
    pub line: u32,
    /// The statement's first words, to recognise it by.
    pub statement: String,
    /// What happened: why the statement was not followed.
    pub message: String,
    /// The tables it made unknown (none: it names no table the model has,
    /// and is taken to leave the tables alone).
    pub tables: Vec<ObjectName>,
}

/// One statement of a revision's SQL, cut and parsed as the fold reads it
/// ([`Fold::statements`]), to be applied with [`Fold::apply_statement`].
#[derive(Debug, Clone)]
pub struct FoldStatement {
    /// 1-based line of its first token.
    pub line: u32,
    /// 1-based column of its first token.
    pub column: u32,
    /// What the parser read (usually one statement), or why it could not.
    pub(crate) parsed: Result<Vec<Statement>, String>,
    pub(crate) piece: split::Piece,
}

impl FoldStatement {
    /// The statement as written, without the final `;`.
    pub fn text(&self) -> &str {
        &self.piece.text
    }

    /// The comments written in or just before it, in order, without their
    /// `--` or `/* */` (lint annotations live there).
    pub fn comments(&self) -> &[String] {
        &self.piece.comments
    }

    /// True when the parser read it (a statement it could not read is
    /// still applied, by the fold's fallbacks or as unknown tables).
    pub fn is_parsed(&self) -> bool {
        self.parsed.is_ok()
    }

    /// The statements the parser read; empty when it could not read it.
    pub(crate) fn parsed(&self) -> &[Statement] {
        self.parsed.as_deref().unwrap_or(&[])
    }

    /// Its tokens, without whitespace and comments.
    pub(crate) fn tokens(&self) -> &[sqlparser::tokenizer::TokenWithSpan] {
        &self.piece.tokens
    }
}

/// Folds revisions, in upgrade order, into the schema of one dialect.
pub struct Fold {
    engine: Box<dyn Engine>,
    flavor: MysqlFlavor,
    schema: Schema,
    notes: Vec<FoldNote>,
}

/// A statement the model does not follow, and the tables it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unmodelled {
    /// Why, in a few words (`ALTER TABLE ... SET TABLESPACE is not modelled`).
    pub reason: String,
    /// Tables whose shape is no longer known.
    pub tables: Vec<ObjectName>,
    /// The statement creates these tables (they exist from now on).
    pub creates: bool,
}

impl Unmodelled {
    /// `table` is no longer known, because of `reason`.
    pub(crate) fn table(table: &ObjectName, reason: impl Into<String>) -> Unmodelled {
        Unmodelled {
            reason: reason.into(),
            tables: vec![table.clone()],
            creates: false,
        }
    }
}

/// Where a statement is, for notes and for [`Unknown`].
pub(crate) struct Ctx<'a> {
    /// The engine's rules.
    pub engine: &'a dyn Engine,
    revision: &'a str,
    file: &'a Path,
    line: u32,
    /// The statement, named by its first words in a note (made only when a
    /// note is: most statements get none).
    piece: &'a split::Piece,
}

impl Ctx<'_> {
    /// The text of a parsed node as the statement writes it, where the
    /// engine keeps it so (a SQLite default); the parser's rendering of
    /// `node` otherwise, or when the node has no place in the text.
    pub(crate) fn as_written(
        &self,
        node: &(impl sqlparser::ast::Spanned + std::fmt::Display),
    ) -> String {
        self.piece
            .source(node.span())
            .map_or_else(|| node.to_string(), str::to_owned)
    }

    /// The dialect.
    pub(crate) fn dialect(&self) -> Dialect {
        self.engine.dialect()
    }

    fn unknown(&self, reason: &str) -> Unknown {
        Unknown {
            revision: self.revision.to_owned(),
            file: self.file.to_path_buf(),
            line: self.line,
            reason: reason.to_owned(),
        }
    }

    fn note(&self, message: String, tables: Vec<ObjectName>) -> FoldNote {
        FoldNote {
            revision: self.revision.to_owned(),
            file: self.file.to_path_buf(),
            line: self.line,
            statement: scan::first_words(self.piece),
            message,
            tables,
        }
    }
}

impl Fold {
    /// A fold starting from an empty database.
    pub fn new(dialect: Dialect) -> Fold {
        Fold {
            engine: for_dialect(dialect, MysqlFlavor::Unknown),
            flavor: MysqlFlavor::Unknown,
            schema: Schema::new(dialect),
            notes: Vec::new(),
        }
    }

    /// A fold continuing from `schema` (the schema before a revision).
    pub fn from_schema(schema: Schema) -> Fold {
        Fold {
            engine: for_dialect(schema.dialect, MysqlFlavor::Unknown),
            flavor: MysqlFlavor::Unknown,
            schema,
            notes: Vec::new(),
        }
    }

    /// The same fold for a MySQL-dialect schema of the server `flavor` (see
    /// [`MysqlFlavor`] for what differs); no effect on other dialects.
    pub fn with_mysql_flavor(mut self, flavor: MysqlFlavor) -> Fold {
        self.engine = for_dialect(self.schema.dialect, flavor);
        self.flavor = flavor;
        self
    }

    /// The MySQL flavor this fold follows.
    pub fn mysql_flavor(&self) -> MysqlFlavor {
        self.flavor
    }

    /// Apply one revision's upgrade SQL.
    pub fn apply(&mut self, revision: &RevisionSql<'_>) {
        for statement in self.statements(revision.sql) {
            self.apply_statement(revision.revision, revision.file, &statement);
        }
    }

    /// `sql` cut into statements and parsed, as [`Fold::apply`] reads it,
    /// without applying anything: a caller that needs the schema before
    /// each statement (lint) applies them one at a time with
    /// [`Fold::apply_statement`], which gives exactly what `apply` gives.
    pub fn statements(&self, sql: &str) -> Vec<FoldStatement> {
        self.statements_and_trailing(sql).0
    }

    /// [`Fold::statements`], and the comments after the last statement.
    pub(crate) fn statements_and_trailing(&self, sql: &str) -> (Vec<FoldStatement>, Vec<String>) {
        let (pieces, trailing) =
            split::split_with_trailing(self.engine.parser(), self.engine.dialect(), sql);
        let statements = pieces
            .into_iter()
            .map(|piece| parse_piece(self.engine.as_ref(), piece))
            .collect();
        (statements, trailing)
    }

    /// The dialect folded.
    pub fn dialect(&self) -> Dialect {
        self.engine.dialect()
    }

    /// Apply one statement of [`Fold::statements`] (of `revision`'s `file`,
    /// for notes).
    pub fn apply_statement(&mut self, revision: &str, file: &Path, statement: &FoldStatement) {
        let piece = &statement.piece;
        let ctx = Ctx {
            engine: self.engine.as_ref(),
            revision,
            file,
            line: statement.line,
            piece,
        };
        triggers::observe(&mut self.schema, &ctx, piece);
        if let Some(note) = apply_parsed(&mut self.schema, &ctx, statement) {
            self.notes.push(note);
        }
    }

    /// The schema so far.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema so far, taken.
    pub fn into_schema(self) -> Schema {
        self.schema
    }

    /// Everything the fold could not follow so far, in order.
    pub fn notes(&self) -> &[FoldNote] {
        &self.notes
    }

    /// The notes, taken (the fold keeps none).
    pub fn take_notes(&mut self) -> Vec<FoldNote> {
        std::mem::take(&mut self.notes)
    }
}

/// The type of a column definition as `engine` records it (SQLite: the
/// declared words), and what its name implies; `None` when the model
/// cannot read it. What the fold reads for the column, for lint.
pub(crate) fn column_type(
    engine: &dyn Engine,
    ty: &sqlparser::ast::DataType,
) -> Option<(crate::model::SqlType, crate::model::TypeShorthand)> {
    let declared = Some(ty)
        .filter(|_| engine.types_are_words())
        .and_then(declared::declared_type);
    let text = match declared {
        Some(declared) => declared.to_owned(),
        None => ty.to_string(),
    };
    crate::model::SqlType::parse(engine.dialect(), &text).ok()
}

/// Fold `revisions` in order from an empty `dialect` database.
pub fn fold_all<'a>(
    dialect: Dialect,
    revisions: impl IntoIterator<Item = RevisionSql<'a>>,
) -> (Schema, Vec<FoldNote>) {
    let mut fold = Fold::new(dialect);
    for r in revisions {
        fold.apply(&r);
    }
    let notes = fold.take_notes();
    (fold.into_schema(), notes)
}

/// Parse one piece: its statements, or why the parser could not read it.
fn parse_piece(engine: &dyn Engine, piece: split::Piece) -> FoldStatement {
    let parsed = if piece.raw.is_some() {
        Err("the SQL could not be tokenized".to_owned())
    } else {
        let tokens = if engine.types_are_words() {
            declared::protect_types(&piece)
        } else {
            piece.tokens.clone()
        };
        Parser::new(engine.parser())
            .with_recursion_limit(RECURSION_LIMIT)
            .with_tokens_with_locations(tokens)
            .parse_statements()
            .map_err(|e| format!("the parser could not read it ({e})"))
    };
    FoldStatement {
        line: piece.line,
        column: piece.column,
        parsed,
        piece,
    }
}

fn apply_parsed(schema: &mut Schema, ctx: &Ctx<'_>, statement: &FoldStatement) -> Option<FoldNote> {
    match &statement.parsed {
        Ok(statements) => {
            let mut note = None;
            for s in statements {
                if let Err(u) = apply_statement(schema, ctx, s) {
                    note = Some(mark_unknown(schema, ctx, u));
                }
            }
            note
        }
        Err(why) => unreadable(schema, ctx, &statement.piece, why.clone()),
    }
}

/// A statement the parser could not read: a form [`fallback`] knows,
/// harmless by its first words, or the tables it names become unknown.
fn unreadable(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    piece: &split::Piece,
    why: String,
) -> Option<FoldNote> {
    if piece.raw.is_none() {
        match fallback::read(schema, ctx, &piece.tokens) {
            Some(Ok(())) => return None,
            Some(Err(u)) => return Some(mark_unknown(schema, ctx, u)),
            None => {}
        }
    }
    match scan::scan(schema, ctx.engine, piece) {
        scan::Scan::Harmless => None,
        scan::Scan::Names { tables, creates } => Some(mark_unknown(
            schema,
            ctx,
            Unmodelled {
                reason: why,
                tables,
                creates,
            },
        )),
    }
}

/// Mark `u`'s tables unknown (creating them when the statement does) and
/// say so.
fn mark_unknown(schema: &mut Schema, ctx: &Ctx<'_>, u: Unmodelled) -> FoldNote {
    let unknown = ctx.unknown(&u.reason);
    let mut marked = Vec::new();
    for name in &u.tables {
        match schema.find_table_mut(name) {
            Some(t) => {
                t.unknown = Some(unknown.clone());
                marked.push(t.name.clone());
            }
            None if u.creates => {
                schema.push_table(Table::unknown(name.clone(), unknown.clone()));
                marked.push(name.clone());
            }
            None => {}
        }
    }
    let message = if marked.is_empty() {
        format!(
            "{}; it names no table the schema has, so the tables are taken to be unchanged",
            u.reason
        )
    } else {
        let names: Vec<String> = marked.iter().map(|n| format!("`{n}`")).collect();
        format!(
            "{}; {} unknown from here on",
            u.reason,
            if names.len() == 1 {
                format!("table {} is", names[0])
            } else {
                format!("tables {} are", names.join(", "))
            }
        )
    };
    ctx.note(message, marked)
}

/// Apply one parsed statement.
pub(crate) fn apply_statement(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    statement: &Statement,
) -> Result<(), Unmodelled> {
    match statement {
        Statement::CreateTable(create) => table::create_table(schema, ctx, create),
        Statement::AlterTable(alter) => alter::alter_table(schema, ctx, alter),
        Statement::RenameTable(renames) => alter::rename_tables(schema, ctx, renames),
        Statement::CreateIndex(create) => index::create_index(schema, ctx, create),
        Statement::AlterIndex { name, operation } => {
            index::alter_index(schema, ctx, name, operation)
        }
        Statement::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            table,
            ..
        } => objects::drop(
            schema,
            ctx,
            *object_type,
            *if_exists,
            names,
            *cascade,
            table.as_ref(),
        ),
        Statement::CreateView(view) => objects::create_view(schema, ctx, view),
        Statement::AlterView(alter) => objects::alter_view(schema, ctx, alter),
        Statement::RefreshMaterializedView(_) => Ok(()),
        Statement::Query(query) => {
            search_path_in_query(ctx, query)?;
            select_into(ctx, query)
        }
        Statement::Set(set) => search_path_set(ctx, set),
        Statement::CreateType {
            name,
            representation,
        } => objects::create_type(schema, ctx, name, representation.as_ref()),
        Statement::AlterType(alter) => objects::alter_type(schema, ctx, alter),
        Statement::CreateDomain(domain) => objects::create_domain(schema, ctx, domain),
        Statement::DropDomain(drop) => objects::drop_domain(schema, ctx, drop),
        Statement::Comment {
            object_type,
            object_name,
            comment,
            ..
        } => objects::comment(schema, ctx, *object_type, object_name, comment.as_deref()),
        Statement::CreateVirtualTable {
            name, module_name, ..
        } => objects::create_virtual_table(schema, ctx, name, module_name),
        other if scan::leaves_tables_alone(other) => Ok(()),
        other => Err(Unmodelled {
            reason: format!("`{}` is not modelled", scan::abbreviate(&other.to_string())),
            tables: scan::statement_tables(ctx.engine, other),
            creates: false,
        }),
    }
}

/// PostgreSQL's `SET search_path` / `SET SCHEMA`: harmless when it keeps
/// unqualified names in `public` (or leaves none, as `pg_dump` does);
/// otherwise a note, since the fold keeps resolving them in `public`.
fn search_path_set(ctx: &Ctx<'_>, set: &sqlparser::ast::Set) -> Result<(), Unmodelled> {
    let sqlparser::ast::Set::SingleAssignment {
        variable, values, ..
    } = set
    else {
        return Ok(());
    };
    let name = variable.to_string().to_ascii_lowercase();
    if ctx.dialect() != Dialect::Postgres || !(name == "search_path" || name == "schema") {
        return Ok(());
    }
    let schemas: Vec<String> = values.iter().flat_map(path_items).collect();
    search_path_result(&schemas)
}

/// `SELECT pg_catalog.set_config('search_path', '...', ...)`, as pg_dump
/// writes it.
fn search_path_in_query(ctx: &Ctx<'_>, query: &sqlparser::ast::Query) -> Result<(), Unmodelled> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, SelectItem, SetExpr};
    if ctx.dialect() != Dialect::Postgres {
        return Ok(());
    }
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Ok(());
    };
    for item in &select.projection {
        let (SelectItem::UnnamedExpr(sqlparser::ast::Expr::Function(f))
        | SelectItem::ExprWithAlias {
            expr: sqlparser::ast::Expr::Function(f),
            ..
        }) = item
        else {
            continue;
        };
        let is_set_config = f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .is_some_and(|i| i.value.eq_ignore_ascii_case("set_config"));
        let FunctionArguments::List(list) = &f.args else {
            continue;
        };
        let arg = |i: usize| match list.args.get(i) {
            Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) => Some(e),
            _ => None,
        };
        let setting = arg(0).map(|e| path_items(e).join(","));
        if is_set_config && setting.as_deref() == Some("search_path") {
            let schemas = arg(1).map(path_items).unwrap_or_default();
            search_path_result(&schemas)?;
        }
    }
    Ok(())
}

/// The schema names a search-path value holds (`'a, "B"'`, `a`).
fn path_items(e: &sqlparser::ast::Expr) -> Vec<String> {
    let text = match e {
        sqlparser::ast::Expr::Identifier(i) => i.value.clone(),
        sqlparser::ast::Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::SingleQuotedString(s) => s.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    };
    text.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn search_path_result(schemas: &[String]) -> Result<(), Unmodelled> {
    let first = schemas.iter().find(|s| *s != "$user" && *s != "pg_catalog");
    match first {
        None => Ok(()),
        Some(s) if s == "public" => Ok(()),
        Some(s) => Err(Unmodelled {
            reason: format!(
                "the search_path now starts with `{s}`: unqualified names resolve there, and the \
                 fold keeps resolving them in `public` (qualify the names instead)"
            ),
            tables: Vec::new(),
            creates: false,
        }),
    }
}

/// PostgreSQL's `SELECT ... INTO t` makes a table, with the query's
/// columns; any other query leaves tables alone.
fn select_into(ctx: &Ctx<'_>, query: &sqlparser::ast::Query) -> Result<(), Unmodelled> {
    let into = match query.body.as_ref() {
        sqlparser::ast::SetExpr::Select(select) => select.into.as_ref(),
        _ => None,
    };
    let Some(into) = into.filter(|i| ctx.dialect() == Dialect::Postgres && !i.temporary) else {
        return Ok(());
    };
    let tables = into
        .targets
        .iter()
        .filter_map(|t| match t {
            sqlparser::ast::Expr::Identifier(i) => {
                Some(ctx.engine.object_name(&sqlparser::ast::ObjectName(vec![
                    sqlparser::ast::ObjectNamePart::Identifier(i.clone()),
                ])))
            }
            sqlparser::ast::Expr::CompoundIdentifier(parts) => Some(
                ctx.engine.object_name(&sqlparser::ast::ObjectName(
                    parts
                        .iter()
                        .cloned()
                        .map(sqlparser::ast::ObjectNamePart::Identifier)
                        .collect(),
                )),
            ),
            _ => None,
        })
        .collect();
    Err(Unmodelled {
        reason: "SELECT ... INTO is not modelled: its columns come from the query".to_owned(),
        tables,
        creates: true,
    })
}

/// The statement changes `name`, which the model does not have: the
/// statement ran, so the table exists, made by something the fold did not
/// read. It is unknown from here on.
pub(crate) fn missing_table(name: &ObjectName) -> Unmodelled {
    Unmodelled {
        reason: "the table is changed here, but no statement the fold read created it".to_owned(),
        tables: vec![name.clone()],
        creates: true,
    }
}

#[cfg(test)]
mod tests;
