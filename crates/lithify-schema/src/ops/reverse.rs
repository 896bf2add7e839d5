//! The downgrade lithify derives from the model: each step of the upgrade
//! undone, last first, from the schema it was taken on. A dropped table or
//! column comes back as the model had it (type, default, keys, indexes,
//! triggers), an altered column gets its previous definition: nothing for
//! the user to repeat, unlike Alembic's `existing_type`. Data steps undo
//! only what they say (`execute`'s `down`, an `insert`'s rows by key).

use super::change::{diff, Change, Step};
use super::compile::{CompileError, Recorded};
use super::render::{literal, quoted};
use super::{Located, Operation};
use crate::model::{same_name, Dialect, NameKind, ObjectName};

/// The downgrade of the steps `recorded` (made by `ops`), in the order it
/// runs.
pub(crate) fn derive(
    d: Dialect,
    recorded: &[Recorded],
    ops: &[Located<Operation>],
) -> Result<Vec<(u32, Step)>, Vec<CompileError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in recorded.iter().rev() {
        match reverse(d, r, ops.get(r.op).map(|o| &o.value)) {
            Ok(Some(step)) => out.push((r.line, step)),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn reverse(d: Dialect, r: &Recorded, op: Option<&Operation>) -> Result<Option<Step>, CompileError> {
    Ok(Some(match &r.step {
        Step::CreateTable { table, .. } => Step::DropTable(table.name.clone()),
        Step::DropTable(name) => {
            let Some(table) = r.before.find_table(name) else {
                return Err(CompileError::at(
                    r.line,
                    format!("table `{name}` was not in the model"),
                ));
            };
            Step::CreateTable {
                table: table.clone(),
                triggers: r
                    .before
                    .triggers
                    .iter()
                    .filter(|t| r.before.same_relation(&t.table, name))
                    .cloned()
                    .collect(),
            }
        }
        Step::RenameTable { from, to } => Step::RenameTable {
            from: ObjectName::in_schema(from.schema.clone(), to.clone()),
            to: from.name.clone(),
        },
        Step::Table { table, changes, .. } => {
            let (Some(target), Some(current)) =
                (r.before.find_table(table), r.after.find_table(table))
            else {
                return Err(CompileError::at(
                    r.line,
                    format!("table `{table}` was not in the model"),
                ));
            };
            let back: Vec<(String, String)> = renames_in(changes)
                .into_iter()
                .map(|(a, b)| (b, a))
                .collect();
            let changes = diff(d, current, target, &back);
            if changes.is_empty() {
                return Ok(None);
            }
            Step::Table {
                table: table.clone(),
                changes,
                target: Some(target.clone()),
            }
        }
        Step::Sql { .. } => return data_step(d, r, op),
    }))
}

/// An `execute`'s `down`, or the rows an `insert` added deleted by key.
fn data_step(
    d: Dialect,
    r: &Recorded,
    op: Option<&Operation>,
) -> Result<Option<Step>, CompileError> {
    match op {
        Some(Operation::Execute(e)) => {
            let runs_here = e.per_dialect.contains_key(&d) || e.sql.is_some();
            if !runs_here {
                return Ok(None);
            }
            let down = e
                .down
                .as_ref()
                .and_then(|m| m.get(&Some(d)).or_else(|| m.get(&None)));
            match down {
                Some(sql) if sql.trim().is_empty() => Ok(None),
                Some(sql) => Ok(Some(Step::Sql {
                    sql: sql.clone(),
                    user: true,
                })),
                None => Err(CompileError::at(
                    r.line,
                    "this `execute` has no `down`, so lithify cannot derive the revision's downgrade",
                )
                .help("give it `down = \"...\"` (`down = \"\"` when there is nothing to undo), write `[[downgrade]]` operations, or set `irreversible = true`")),
            }
        }
        Some(Operation::Insert(i)) => delete_rows(d, r, i).map(Some),
        _ => Ok(None),
    }
}

fn delete_rows(d: Dialect, r: &Recorded, i: &super::Insert) -> Result<Step, CompileError> {
    let table = r
        .before
        .find_table(&ObjectName::new(i.table.as_str()))
        .ok_or_else(|| {
            CompileError::at(r.line, format!("table `{}` was not in the model", i.table))
        })?;
    let key = table
        .primary_key
        .as_ref()
        .map(|p| p.columns.clone())
        .unwrap_or_default();
    let quote = if d == Dialect::Mysql { '`' } else { '"' };
    let mut statements = Vec::new();
    for row in &i.rows {
        let mut conditions = Vec::new();
        for k in &key {
            let value = row
                .iter()
                .find(|(c, _)| same_name(d, NameKind::Member, c, k))
                .map(|(_, v)| v);
            match value {
                Some(v) => conditions.push(format!("{} = {}", quoted(k, quote), literal(v, d))),
                None => conditions.clear(),
            }
            if conditions.is_empty() {
                break;
            }
        }
        if key.is_empty() || conditions.len() != key.len() {
            return Err(CompileError::at(
                r.line,
                format!(
                    "an `insert` row into `{}` does not give its primary key, so lithify cannot delete it in the downgrade",
                    i.table
                ),
            )
            .help("give every row its key columns, write `[[downgrade]]` operations, or set `irreversible = true`"));
        }
        statements.push(format!(
            "DELETE FROM {} WHERE {}",
            quoted(&table.name.name, quote),
            conditions.join(" AND ")
        ));
    }
    Ok(Step::Sql {
        sql: statements.join(";\n"),
        user: false,
    })
}

/// The column renames `changes` make, as (first name, last name): a column
/// renamed twice is one rename.
pub(crate) fn renames_in(changes: &[Change]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for c in changes {
        if let Change::RenameColumn { from, to } = c {
            match out.iter_mut().find(|(_, last)| last == from) {
                Some(pair) => pair.1.clone_from(to),
                None => out.push((from.clone(), to.clone())),
            }
        }
    }
    out.retain(|(a, b)| a != b);
    out
}
