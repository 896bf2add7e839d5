//! `sqlite-drop-column-in-use`: SQLite's `DROP COLUMN` fails when the
//! column is part of the primary key, has a UNIQUE constraint, is indexed,
//! is in a foreign key of its table, in a CHECK of the table, in a
//! generated column, a view or a trigger; and when another table's foreign
//! key references it, SQLite drops it and leaves that key pointing at a
//! column that is gone.

use sqlparser::ast::AlterTableOperation;

use crate::lint::context::{Context, Violation};
use crate::model::{IndexPart, Schema, Table};

pub(crate) fn sqlite_drop_column_in_use(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter() else {
        return;
    };
    let Some(known) = ctx.known_table(&table) else {
        return;
    };
    for op in ops {
        let AlterTableOperation::DropColumn { column_names, .. } = op else {
            continue;
        };
        for name in column_names {
            let column = ctx.ident(name);
            let Some(why) = in_use(ctx.schema, known, &column) else {
                continue;
            };
            out.push(Violation::new(
                format!("SQLite cannot drop `{table}.{column}`: {why}"),
                "drop what uses the column first (the index, the constraint, the view), or write a typed \
                 `drop_column` in revision.toml, which rebuilds the table on SQLite",
            ));
        }
    }
}

/// Why `column` of `table` cannot simply be dropped, if it cannot.
fn in_use(schema: &Schema, table: &Table, column: &str) -> Option<String> {
    let is = |c: &String| c.eq_ignore_ascii_case(column);
    if table.primary_key.as_ref().is_some_and(|k| k.columns.iter().any(is)) {
        return Some("it is part of the primary key".to_owned());
    }
    if table.uniques.iter().any(|u| u.columns.iter().any(is)) {
        return Some("it has a UNIQUE constraint".to_owned());
    }
    if let Some(index) = table.indexes.iter().find(|i| {
        i.parts.iter().any(|p| match p {
            IndexPart::Column(c) => is(c),
            IndexPart::Expression(e) => mentions(e, column),
        }) || i.predicate.as_deref().is_some_and(|p| mentions(p, column))
    }) {
        return Some(format!("the index `{}` uses it", index.name));
    }
    if table.foreign_keys.iter().any(|f| f.columns.iter().any(is)) {
        return Some("it is in a foreign key of the table".to_owned());
    }
    if table
        .checks
        .iter()
        .any(|c| mentions(&c.expr, column) && !c.column.as_deref().is_some_and(|on| on.eq_ignore_ascii_case(column)))
    {
        return Some("a CHECK of the table uses it".to_owned());
    }
    if let Some(g) = table
        .columns
        .iter()
        .find(|c| c.generated.as_ref().is_some_and(|g| mentions(&g.expr, column)))
    {
        return Some(format!("the generated column `{}` uses it", g.name));
    }
    referenced(schema, table, column)
}

/// Views, triggers and other tables' foreign keys that use the column.
fn referenced(schema: &Schema, table: &Table, column: &str) -> Option<String> {
    let same = |name| schema.same_relation(name, &table.name);
    if let Some(view) = schema.views.iter().find(|v| {
        v.tables.iter().any(same) && v.definition.as_deref().is_some_and(|d| mentions(d, column))
    }) {
        return Some(format!("the view `{}` uses it", view.name));
    }
    if let Some(trigger) = schema
        .triggers
        .iter()
        .find(|t| same(&t.table) && mentions(&t.sql, column))
    {
        return Some(format!("the trigger `{}` uses it", trigger.name));
    }
    let is_key = table
        .primary_key
        .as_ref()
        .is_some_and(|k| k.columns.len() == 1 && k.columns[0].eq_ignore_ascii_case(column));
    schema
        .tables
        .iter()
        .flat_map(|t| t.foreign_keys.iter().map(move |f| (t, f)))
        .find(|(_, f)| {
            same(&f.ref_table)
                && (f.ref_columns.iter().any(|c| c.eq_ignore_ascii_case(column))
                    || (f.ref_columns.is_empty() && is_key))
        })
        .map(|(t, _)| {
            format!(
                "a foreign key of `{}` references it (SQLite would drop it and leave that key pointing at nothing)",
                t.name
            )
        })
}

/// True when `text` names `column` as a whole word (any case).
fn mentions(text: &str, column: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let column = column.to_ascii_lowercase();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    lower.match_indices(&column).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + column.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    const SETUP: &str = "CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT, code TEXT UNIQUE);\n\
        CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, salary INTEGER, note TEXT, company_id INTEGER REFERENCES companies (id));\n\
        CREATE INDEX jobs_salary_idx ON jobs (salary);";

    #[test]
    fn a_key_indexed_unique_or_referenced_column() {
        let sqlite = case(Rule::SqliteDropColumnInUse, Dialect::Sqlite).setup(SETUP);
        snap!(
            "sqlite_drop_column_in_use",
            sqlite.errors(
                "ALTER TABLE jobs DROP COLUMN salary;\nALTER TABLE companies DROP COLUMN code;\n\
                 ALTER TABLE jobs DROP COLUMN company_id;\nALTER TABLE companies DROP COLUMN id;"
            )
        );
        sqlite.ok("ALTER TABLE jobs DROP COLUMN note;");
    }
}
