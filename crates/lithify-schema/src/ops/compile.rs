//! Typed operations to one dialect's SQL, against the schema before them.
//!
//! Each operation is checked against the model and lowered to model-level
//! `Step`s (`lower`); each step is rendered by the dialect
//! (`render`) and its SQL folded into the working schema by the
//! same fold that reads SQL revisions, so a typed revision means to the
//! model exactly what its SQL does. Consecutive changes to one table form
//! one step, so that SQLite rebuilds the table once for all of them.
//!
//! The downgrade is the user's `[[downgrade]]`, or derived from the model
//! (`reverse`), and then checked: folded onto the schema the
//! upgrade leaves, it must give back the schema before it.

use std::path::Path;

use super::change::{apply, Change, Step};
use super::render::{self, Plan, Render};
use super::{Located, Operation, TypedRevision};
use crate::describe::describe;
use crate::fold::{Fold, FoldNote, RevisionSql};
use crate::model::{Dialect, Schema, Table};
use crate::naming::convention::NamingConvention;

/// One direction of a typed revision as SQL for one dialect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompiledSql {
    /// The statements, each ending with `;` and a newline; `--` comments say
    /// what a SQLite rebuild does.
    pub sql: String,
    /// True when it rebuilds a SQLite table: foreign keys must be off around
    /// the revision's transaction (SQLite ignores the switch inside one).
    pub rebuilds_tables: bool,
}

/// A typed revision compiled for one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledRevision {
    /// The upgrade.
    pub up: CompiledSql,
    /// The downgrade; `None` for `irreversible = true`.
    pub down: Option<CompiledSql>,
    /// False when an operation cannot run inside a transaction (a
    /// `concurrently` index): the revision must not be transactional.
    pub transactional: bool,
    /// What the fold could not follow in the revision's own SQL (`execute`).
    pub notes: Vec<FoldNote>,
    /// The schema after the upgrade.
    pub schema: Schema,
}

/// Why a typed revision does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The operation's line in `revision.toml`.
    pub line: u32,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

impl CompileError {
    pub(crate) fn at(line: u32, message: impl Into<String>) -> CompileError {
        CompileError {
            line,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> CompileError {
        self.help = Some(help.into());
        self
    }
}

/// What a typed revision is compiled with.
#[derive(Debug, Clone, Copy)]
pub struct CompileInput<'a> {
    /// The revision's id.
    pub revision: &'a str,
    /// Its `revision.toml`, for notes.
    pub file: &'a Path,
    /// The schema before it, for the dialect to compile for.
    pub schema: &'a Schema,
    /// The names it gives what it creates.
    pub naming: &'a NamingConvention,
}

/// Compile `typed` for `input.schema`'s dialect.
///
/// # Errors
/// Every operation that cannot be compiled, with its line: a table or
/// column that is not there, a change the dialect cannot make, a
/// downgrade that cannot be derived.
pub fn compile_revision(
    input: CompileInput<'_>,
    typed: &TypedRevision,
) -> Result<CompiledRevision, Vec<CompileError>> {
    let mut errors = Vec::new();
    check_concurrency(&typed.upgrade, &mut errors);
    let mut up = Compiler::new(input, input.schema.clone());
    let recorded = up.operations(&typed.upgrade);
    errors.append(&mut up.errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let after = std::mem::replace(&mut up.schema, Schema::new(input.schema.dialect));
    // A derived downgrade undoes the upgrade's steps: where they name their
    // tables, it runs on the part of the schema around them.
    let reach = reach_of(&recorded);
    let down = if typed.irreversible {
        None
    } else {
        let start = match (&typed.downgrade, &reach) {
            // What it reaches before the upgrade and after (a dropped key no
            // longer leads to the table it referenced).
            (None, Some(tables)) => {
                let mut names = input.schema.neighbours(tables);
                names.extend(after.neighbours(tables));
                after.only(&names)
            }
            _ => after.clone(),
        };
        let mut down = Compiler::new(input, start);
        match &typed.downgrade {
            Some(ops) => {
                down.operations(ops);
            }
            None => {
                let steps = super::reverse::derive(input.schema.dialect, &recorded, &typed.upgrade);
                match steps {
                    Ok(steps) => {
                        for (line, step) in steps {
                            down.step(line, step);
                        }
                        if down.errors.is_empty() {
                            if let Err(e) =
                                check_restores(input.schema, &down.schema, reach.as_deref())
                            {
                                down.errors.push(e);
                            }
                        }
                    }
                    Err(e) => down.errors.extend(e),
                }
            }
        }
        errors.append(&mut down.errors);
        Some(down.out)
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let transactional = !typed.upgrade.iter().any(|o| is_concurrent(&o.value))
        && !typed
            .downgrade
            .iter()
            .flatten()
            .any(|o| is_concurrent(&o.value));
    Ok(CompiledRevision {
        up: up.out,
        down,
        transactional,
        notes: up.notes,
        schema: after,
    })
}

fn is_concurrent(op: &Operation) -> bool {
    matches!(op, Operation::CreateIndex(c) if c.concurrently)
}

/// `CONCURRENTLY` cannot run in a transaction, so a revision with it runs
/// without one: then every operation in it must be an index operation, or
/// a failure halfway would leave the rest applied.
fn check_concurrency(ops: &[Located<Operation>], errors: &mut Vec<CompileError>) {
    let Some(first) = ops.iter().find(|o| is_concurrent(&o.value)) else {
        return;
    };
    for other in ops.iter().filter(|o| {
        !matches!(
            &o.value,
            Operation::CreateIndex(_) | Operation::DropIndex { .. }
        )
    }) {
        errors.push(
            CompileError::at(
                other.line,
                format!(
                    "`{}` cannot share a revision with the `concurrently` index of line {}: that revision runs outside a transaction",
                    other.value.name(),
                    first.line
                ),
            )
            .help("move the concurrent index into a revision of its own"),
        );
    }
}

/// One step as it ran: what the derived downgrade undoes.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    /// The operation's line (the first, for a group).
    pub line: u32,
    /// Index of the (first) operation in the upgrade.
    pub op: usize,
    /// The step.
    pub step: Step,
    /// The schema before it, as much as the derived downgrade reads: the
    /// part the step can reach ([`Schema::around`] its tables), all of it
    /// for an insert, none for an `execute`.
    pub before: Schema,
    /// The schema after it, the same part.
    pub after: Schema,
}

/// A run of changes to one table, not rendered yet: the operations after
/// it may change the same table, and SQLite rebuilds it once for all.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    /// Line of its first operation.
    pub line: u32,
    /// Index of its first operation.
    pub op: usize,
    /// The table, as named before the run.
    pub table: crate::model::ObjectName,
    /// The changes so far.
    pub changes: Vec<Change>,
    /// The table as the changes so far leave it.
    pub working: Table,
}

/// Lowers operations, renders steps and folds their SQL into the working
/// schema.
pub(crate) struct Compiler<'a> {
    pub(crate) r: Box<dyn Render>,
    pub(crate) input: CompileInput<'a>,
    /// The schema as the statements so far leave it.
    pub(crate) schema: Schema,
    /// Changes to one table not rendered yet.
    pub(crate) pending: Option<Pending>,
    /// Tables this revision created (a NOT NULL column may be added to them).
    pub(crate) created: Vec<crate::model::ObjectName>,
    pub(crate) out: CompiledSql,
    pub(crate) notes: Vec<FoldNote>,
    pub(crate) errors: Vec<CompileError>,
    pub(crate) recorded: Vec<Recorded>,
}

impl<'a> Compiler<'a> {
    fn new(input: CompileInput<'a>, schema: Schema) -> Compiler<'a> {
        Compiler {
            r: render::for_dialect(schema.dialect),
            input,
            schema,
            pending: None,
            created: Vec::new(),
            out: CompiledSql::default(),
            notes: Vec::new(),
            errors: Vec::new(),
            recorded: Vec::new(),
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.schema.dialect
    }

    /// Lower and run `ops`; the steps, as they ran.
    fn operations(&mut self, ops: &[Located<Operation>]) -> Vec<Recorded> {
        for (i, op) in ops.iter().enumerate() {
            if let Err(e) = self.operation(i, op) {
                self.errors.push(e);
            }
        }
        self.flush();
        std::mem::take(&mut self.recorded)
    }

    /// Lower one operation: a change to the pending table joins it;
    /// anything else runs what is pending first.
    fn operation(&mut self, i: usize, op: &Located<Operation>) -> Result<(), CompileError> {
        let same_table = match (&self.pending, op.value.table()) {
            (Some(p), Some(t)) if op.value.is_table_change() => self
                .schema
                .same_relation(&p.table, &crate::model::ObjectName::new(t)),
            _ => false,
        };
        if !same_table {
            self.flush();
        }
        match self.lower(op)? {
            Lowered::Changes(table, changes) => {
                let d = self.dialect();
                let pending = match self.pending.take() {
                    Some(p) => p,
                    None => {
                        let working = self.known_table(&table, op.line)?.clone();
                        Pending {
                            line: op.line,
                            op: i,
                            table,
                            changes: Vec::new(),
                            working,
                        }
                    }
                };
                let mut pending = pending;
                for c in &changes {
                    apply(d, &mut pending.working, c);
                }
                pending.changes.extend(changes);
                self.pending = Some(pending);
            }
            Lowered::Step(step) => self.run(op.line, i, *step),
        }
        Ok(())
    }

    /// Render what is pending.
    pub(crate) fn flush(&mut self) {
        if let Some(p) = self.pending.take() {
            let step = Step::Table {
                table: p.table,
                changes: p.changes,
                target: None,
            };
            self.run(p.line, p.op, step);
        }
    }

    /// Run one step and record it.
    fn run(&mut self, line: u32, op: usize, step: Step) {
        // What the derived downgrade reads of the schemas around the step:
        // the part a change of tables can reach; all of it for the rows an
        // insert adds (their table's key); nothing for the user's SQL,
        // undone by its own `down`.
        let part = |s: &Schema| match &step {
            Step::Sql { user: true, .. } => Schema::new(s.dialect),
            Step::Sql { user: false, .. } => s.clone(),
            other => s.around(&other.tables().unwrap_or_default()),
        };
        let before = part(&self.schema);
        self.step(line, step.clone());
        let after = part(&self.schema);
        self.recorded.push(Recorded {
            line,
            op,
            step,
            before,
            after,
        });
    }

    /// Render `step`, emit its SQL and fold it.
    pub(crate) fn step(&mut self, line: u32, step: Step) {
        match self.render(&step) {
            Ok(Rendered { sql, rebuilt }) => {
                let user = matches!(step, Step::Sql { user: true, .. });
                self.emit(line, &sql, user);
                if let Some(target) = rebuilt {
                    self.out.rebuilds_tables = true;
                    self.check_rebuilt(line, &target);
                }
            }
            Err(message) => {
                self.errors.push(CompileError::at(line, message));
                // The operations after it are checked against the table
                // it would have made, not failed for its absence.
                if let Step::CreateTable { table, .. } = step {
                    if self.schema.find_table(&table.name).is_none() {
                        self.schema.push_table(table);
                    }
                }
            }
        }
    }

    /// The statements of `step`.
    fn render(&self, step: &Step) -> Result<Rendered, String> {
        let r = self.r.as_ref();
        let sql = match step {
            Step::CreateTable { table, triggers } => {
                r.check_table(table)?;
                let mut sql = r.create_table(table);
                for index in r.indexes_to_create(table) {
                    sql.push(r.create_index(table, index, false)?);
                }
                sql.extend(triggers.iter().map(|t| t.sql.clone()));
                sql
            }
            Step::DropTable(name) => vec![r.drop_table(name)],
            Step::RenameTable { from, to } => vec![r.rename_table(from, to)],
            Step::Sql { sql, .. } => vec![sql.clone()],
            Step::Table {
                table,
                changes,
                target,
            } => return self.render_table(table, changes, target.as_ref()),
        };
        Ok(Rendered { sql, rebuilt: None })
    }

    /// The statements of changes to one table: each change's own, or, when
    /// one of them needs it (SQLite), one rebuild to the shape they leave.
    fn render_table(
        &self,
        name: &crate::model::ObjectName,
        changes: &[Change],
        target: Option<&Table>,
    ) -> Result<Rendered, String> {
        let d = self.dialect();
        let current = self
            .schema
            .find_table(name)
            .ok_or_else(|| format!("there is no table `{name}` here"))?;
        let mut working = current.clone();
        let mut sql = Vec::new();
        let mut rebuild = false;
        for change in changes {
            match self.r.change(&self.schema, &working, change) {
                Plan::Sql(s) => sql.extend(s),
                Plan::Rebuild => rebuild = true,
                Plan::Unsupported(why) => return Err(why),
            }
            apply(d, &mut working, change);
        }
        self.r.check_table(&working)?;
        if !rebuild {
            return Ok(Rendered { sql, rebuilt: None });
        }
        let target = target.cloned().unwrap_or(working);
        let renames = super::reverse::renames_in(changes);
        let why = describe_changes(changes);
        let sql =
            render::rebuild(&self.schema, current, &target, &renames, &why).map_err(|e| e.0)?;
        Ok(Rendered {
            sql,
            rebuilt: Some(target),
        })
    }

    /// Append `statements` to the output and fold them.
    fn emit(&mut self, line: u32, statements: &[String], user: bool) {
        let sql: String = statements.iter().map(|s| terminated(s)).collect();
        if sql.is_empty() {
            return;
        }
        let dialect = self.dialect();
        let schema = std::mem::replace(&mut self.schema, Schema::new(dialect));
        let mut fold = Fold::from_schema(schema);
        fold.apply(&RevisionSql {
            revision: self.input.revision,
            file: self.input.file,
            sql: &sql,
        });
        let notes = fold.take_notes();
        self.schema = fold.into_schema();
        if user {
            // The SQL's own lines mean nothing in revision.toml: the
            // operation's line does.
            self.notes
                .extend(notes.into_iter().map(|n| FoldNote { line, ..n }));
        } else if let Some(n) = notes.first() {
            self.errors.push(
                CompileError::at(
                    line,
                    format!(
                        "lithify's own SQL for this operation is not followed by its schema model ({}): a bug, please report it",
                        n.message
                    ),
                )
                .help(format!("the statement: {}", n.statement)),
            );
        }
        self.out.sql.push_str(&sql);
    }

    /// A rebuilt table must be the target exactly.
    fn check_rebuilt(&mut self, line: u32, target: &Table) {
        let Some(found) = self.schema.find_table(&target.name) else {
            self.errors.push(CompileError::at(
                line,
                format!(
                    "the rebuild of `{}` left no such table: a bug, please report it",
                    target.name
                ),
            ));
            return;
        };
        let lines = |t: &Table| table_lines(self.dialect(), t);
        let differences = crate::describe::differences(&lines(target), &lines(found));
        if !differences.is_empty() {
            self.errors.push(CompileError::at(
                line,
                format!(
                    "the rebuild of `{}` does not give the table it should ({}): a bug, please report it",
                    target.name,
                    differences.join("; ")
                ),
            ));
        }
    }
}

/// A step's statements.
struct Rendered {
    sql: Vec<String>,
    /// The table a rebuild must leave.
    rebuilt: Option<Table>,
}

/// What `lower` makes of one operation.
pub(crate) enum Lowered {
    /// Changes to one table (they may join the pending run).
    Changes(crate::model::ObjectName, Vec<Change>),
    /// A step of its own (boxed: a step holds a whole table).
    Step(Box<Step>),
}

/// `sql` ending with `;` and a newline (a `--` comment line as it is).
fn terminated(sql: &str) -> String {
    let s = sql.trim_end();
    if s.starts_with("--") && !s.contains('\n') {
        return format!("{s}\n");
    }
    if s.ends_with(';') {
        format!("{s}\n")
    } else {
        format!("{s};\n")
    }
}

/// What changes a rebuild makes, for its comment.
fn describe_changes(changes: &[Change]) -> String {
    let words: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::AddColumn { column, .. } => format!("add column {}", column.name),
            Change::DropColumn(c) => format!("drop column {c}"),
            Change::RenameColumn { from, to } => format!("rename column {from} to {to}"),
            Change::AlterColumn { to, .. } => format!("alter column {}", to.name),
            Change::AddConstraint(c) => {
                format!("add constraint {}", c.name().unwrap_or("(unnamed)"))
            }
            Change::DropConstraint(c) => {
                format!("drop constraint {}", c.name().unwrap_or("(unnamed)"))
            }
            Change::CreateIndex { index, .. } => format!("create index {}", index.name),
            Change::DropIndex(i) => format!("drop index {}", i.name),
            Change::SetComment(_) => "set comment".to_owned(),
        })
        .collect();
    words.join(", ")
}

/// A table as lines to compare: [`describe`]'s, with CHECKs (which the
/// engines' catalogs do not all show, but the model has) and, on
/// PostgreSQL, without column positions (a column put back goes last
/// there, which lithify cannot change).
pub(crate) fn table_lines(d: Dialect, t: &Table) -> Vec<String> {
    let mut s = Schema::new(d);
    s.push_table(t.clone());
    let mut lines = schema_lines(&s);
    lines.extend(
        t.checks
            .iter()
            .map(|c| format!("check {} {:?}: {}", t.name, c.name, c.expr)),
    );
    lines.sort();
    lines
}

/// A schema as lines to compare (see [`table_lines`]).
pub(crate) fn schema_lines(s: &Schema) -> Vec<String> {
    let mut lines: Vec<String> = describe(s)
        .into_iter()
        .map(|l| {
            if s.dialect == Dialect::Postgres {
                without_position(&l)
            } else {
                l
            }
        })
        .collect();
    for t in s.known_tables() {
        lines.extend(
            t.checks
                .iter()
                .map(|c| format!("check {} {:?}", t.name, c.name)),
        );
    }
    lines.extend(
        s.triggers
            .iter()
            .map(|t| format!("trigger {} on {}", t.name, t.table)),
    );
    lines.sort();
    lines.dedup();
    lines
}

/// `column t.c #3 integer` without ` #3`.
fn without_position(line: &str) -> String {
    match line.split_once(" #") {
        Some((head, rest)) if line.starts_with("column ") => {
            let tail = rest.split_once(' ').map_or("", |(_, t)| t);
            format!("{head} {tail}")
        }
        _ => line.to_owned(),
    }
}

/// The tables the steps change, or `None` when one of them is SQL.
fn reach_of(recorded: &[Recorded]) -> Option<Vec<crate::model::ObjectName>> {
    let mut tables = Vec::new();
    for r in recorded {
        tables.extend(r.step.tables()?);
    }
    Some(tables)
}

/// The derived downgrade must give back the schema before the upgrade;
/// where the upgrade's steps name the tables they change (`reach`), the
/// part of the schema around them is compared, which is all they can move.
fn check_restores(
    before: &Schema,
    restored: &Schema,
    reach: Option<&[crate::model::ObjectName]>,
) -> Result<(), CompileError> {
    match reach {
        Some(tables) => {
            let names = before.neighbours(tables);
            restores(&before.only(&names), &restored.only(&names))
        }
        None => restores(before, restored),
    }
}

/// [`check_restores`] on the schemas (or parts) to compare.
fn restores(before: &Schema, restored: &Schema) -> Result<(), CompileError> {
    // Equal as data is restored; only a difference needs the lines (which
    // also forgive what lithify cannot restore, such as a PostgreSQL column
    // put back at the end).
    if before == restored {
        return Ok(());
    }
    let differences = crate::describe::differences(&schema_lines(before), &schema_lines(restored));
    if differences.is_empty() {
        return Ok(());
    }
    Err(CompileError::at(
        1,
        format!(
            "the downgrade lithify derives would not give back the schema before this revision: {}",
            lithify_core::listing::first_few_of(&differences, 5, "; ")
        ),
    )
    .help("write the downgrade as `[[downgrade]]` operations, or set `irreversible = true`"))
}
