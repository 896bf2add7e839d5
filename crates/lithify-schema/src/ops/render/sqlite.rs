//! SQLite: `ALTER TABLE` renames tables and columns, adds plain columns and
//! drops unused ones; everything else rebuilds the table by SQLite's own
//! procedure (lang_altertable.html, section 8), written here at build time
//! from the model:
//!
//! 1. `CREATE TABLE` the new shape under a temporary name;
//! 2. `INSERT INTO new SELECT ... FROM old`, columns mapped by name (and
//!    renames), new columns left to their defaults;
//! 3. `DROP TABLE old`, then rename the new table to the old name with
//!    `legacy_alter_table` on, so that views and other tables' triggers
//!    that name the table are kept as written rather than checked against
//!    a schema where it is briefly missing;
//! 4. the table's indexes and triggers created again.
//!
//! Foreign keys must be off around the revision's transaction (a
//! `DROP TABLE` with them on deletes through `ON DELETE CASCADE`); the
//! compiled revision says so, and the run checks `foreign_key_check` before
//! it commits. The old table is never renamed first: since SQLite 3.26 that
//! rewrites the references other tables hold to it.

use super::{
    column_definition, create_index_head, index_parts, qualified, quoted, string_literal, Plan,
    Render,
};
use crate::model::{same_name, Dialect, Identity, Index, NameKind, ObjectName, Schema, Table};
use crate::ops::change::{Change, Constraint, Position};
use crate::ops::PortableType;

/// The SQLite renderer.
pub(crate) struct Sqlite;

impl Render for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn ident(&self, name: &str) -> String {
        quoted(name, '"')
    }

    fn builtin_type(&self, ty: &PortableType) -> String {
        // The names diesel's SQLite rules read as the intended type.
        match ty {
            PortableType::Integer => "INTEGER".into(),
            PortableType::BigInt => "BIGINT".into(),
            PortableType::SmallInt => "SMALLINT".into(),
            PortableType::Text | PortableType::Uuid | PortableType::Json => "TEXT".into(),
            PortableType::Varchar(n) => format!("VARCHAR({n})"),
            PortableType::Boolean => "BOOLEAN".into(),
            PortableType::Timestamp | PortableType::Timestamptz => "TIMESTAMP".into(),
            PortableType::Date => "DATE".into(),
            PortableType::Time => "TIME".into(),
            PortableType::Numeric(p, s) => format!("NUMERIC({p},{s})"),
            PortableType::Real => "REAL".into(),
            PortableType::Double => "DOUBLE".into(),
            PortableType::Binary => "BLOB".into(),
            PortableType::PerDialect(_) | PortableType::Referenced => String::new(),
        }
    }

    fn identity_clause(&self, _identity: Identity) -> &'static str {
        // An INTEGER primary key is the rowid: it numbers itself.
        ""
    }

    fn default_clause(&self, default: &str) -> String {
        if is_plain_default(default) {
            default.to_owned()
        } else {
            format!("({default})")
        }
    }

    fn table_comment(&self, _table: &ObjectName, _comment: Option<&str>) -> Plan {
        // SQLite keeps no comments; there is nothing to set.
        Plan::Sql(Vec::new())
    }

    fn table_options(&self, table: &Table) -> String {
        if table.without_rowid {
            " WITHOUT ROWID".to_owned()
        } else {
            String::new()
        }
    }

    fn table_constraints(&self, table: &Table) -> Vec<Constraint> {
        Constraint::all_of(table)
            .into_iter()
            .filter(|c| {
                !matches!(c, Constraint::PrimaryKey(_)) || autoincrement_key(table).is_none()
            })
            .collect()
    }

    fn create_table(&self, table: &Table) -> Vec<String> {
        let auto = autoincrement_key(table);
        let mut parts: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let mut def = column_definition(self, table, c);
                if auto.as_deref() == Some(c.name.as_str()) {
                    let name = table
                        .primary_key
                        .as_ref()
                        .and_then(|p| p.name.as_deref())
                        .map(|n| format!(" CONSTRAINT {}", self.ident(n)))
                        .unwrap_or_default();
                    def.push_str(&format!("{name} PRIMARY KEY AUTOINCREMENT"));
                }
                def
            })
            .collect();
        parts.extend(
            self.table_constraints(table)
                .iter()
                .map(|c| self.constraint_clause(c)),
        );
        vec![format!(
            "CREATE TABLE {} (\n    {}\n){}",
            qualified(self, &table.name),
            parts.join(",\n    "),
            self.table_options(table)
        )]
    }

    fn change(&self, schema: &Schema, table: &Table, change: &Change) -> Plan {
        let t = qualified(self, &table.name);
        let alter = |what: String| format!("ALTER TABLE {t} {what}");
        match change {
            Change::AddColumn {
                column,
                position,
                constraints,
            } => {
                if !can_add_column(table, column, position, constraints) {
                    return Plan::Rebuild;
                }
                let mut def = column_definition(self, table, column);
                for c in constraints {
                    def.push(' ');
                    def.push_str(&column_constraint(self, c));
                }
                Plan::Sql(vec![alter(format!("ADD COLUMN {def}"))])
            }
            Change::DropColumn(c) => {
                if used_by_keys(table, c) || used_by_views_or_triggers(schema, table, c) {
                    Plan::Rebuild
                } else {
                    Plan::Sql(vec![alter(format!("DROP COLUMN {}", self.ident(c)))])
                }
            }
            Change::RenameColumn { from, to } => Plan::Sql(vec![alter(format!(
                "RENAME COLUMN {} TO {}",
                self.ident(from),
                self.ident(to)
            ))]),
            Change::AlterColumn { .. } | Change::AddConstraint(_) | Change::DropConstraint(_) => {
                Plan::Rebuild
            }
            Change::CreateIndex { index, .. } => match self.create_index(table, index, false) {
                Ok(s) => Plan::Sql(vec![s]),
                Err(e) => Plan::Unsupported(e),
            },
            Change::DropIndex(index) => Plan::Sql(vec![self.drop_index(table, index)]),
            Change::SetComment(_) => Plan::Sql(Vec::new()),
        }
    }

    fn create_index(
        &self,
        table: &Table,
        index: &Index,
        _concurrently: bool,
    ) -> Result<String, String> {
        let name = ObjectName::in_schema(table.name.schema.clone(), index.name.clone());
        let head = create_index_head(self, table, index, false, &qualified(self, &name));
        // SQLite's `CREATE INDEX s.i ON t`: the table is never qualified.
        let head = head.replace(
            &format!(" ON {}", qualified(self, &table.name)),
            &format!(" ON {}", self.ident(&table.name.name)),
        );
        let mut sql = format!("{head} ({})", index_parts(self, &index.parts));
        if let Some(w) = &index.predicate {
            sql.push_str(&format!(" WHERE {w}"));
        }
        Ok(sql)
    }

    fn drop_index(&self, table: &Table, index: &Index) -> String {
        let name = ObjectName::in_schema(table.name.schema.clone(), index.name.clone());
        format!("DROP INDEX {}", qualified(self, &name))
    }
}

/// A literal or `CURRENT_*` keyword: written without parentheses (the only
/// defaults `ADD COLUMN` accepts, and what SQLite itself echoes).
fn is_plain_default(d: &str) -> bool {
    let t = d.trim();
    let upper = t.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "NULL" | "TRUE" | "FALSE" | "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP"
    ) || (t.starts_with('\'') && t.ends_with('\'') && t.len() >= 2)
        || (t.starts_with('(') && t.ends_with(')'))
        || t.parse::<f64>().is_ok()
        || t.strip_prefix('-')
            .is_some_and(|n| n.parse::<f64>().is_ok())
}

/// An expression default (one `ADD COLUMN` refuses): not a literal.
fn is_expression_default(d: &str) -> bool {
    let upper = d.trim().to_ascii_uppercase();
    !is_plain_default(d) || upper.starts_with("CURRENT_") || d.trim().starts_with('(')
}

/// The column of a one-column AUTOINCREMENT primary key, which SQLite only
/// accepts written on the column.
fn autoincrement_key(table: &Table) -> Option<String> {
    let pk = table.primary_key.as_ref()?;
    let [only] = pk.columns.as_slice() else {
        return None;
    };
    let c = table.find_column(Dialect::Sqlite, only)?;
    (c.identity == Some(Identity::AutoIncrement)).then(|| c.name.clone())
}

/// What `ALTER TABLE ADD COLUMN` takes (lang_altertable.html): not a key,
/// not UNIQUE, no expression default, NOT NULL only with a non-NULL
/// default, a foreign key only with a NULL default, not STORED, at the end.
fn can_add_column(
    table: &Table,
    column: &crate::model::Column,
    position: &Position,
    constraints: &[Constraint],
) -> bool {
    let _ = table;
    let default_is_null = column
        .default
        .as_deref()
        .is_none_or(|d| d.trim().eq_ignore_ascii_case("null"));
    *position == Position::End
        && column.identity.is_none()
        && column.generated.as_ref().is_none_or(|g| !g.stored)
        && column
            .default
            .as_deref()
            .is_none_or(|d| !is_expression_default(d))
        && (column.nullable || !default_is_null)
        && constraints.iter().all(|c| match c {
            Constraint::Check(_) => true,
            Constraint::ForeignKey(_) => default_is_null,
            Constraint::PrimaryKey(_) | Constraint::Unique(_) => false,
        })
}

/// A constraint written on its column (`ADD COLUMN c INT CONSTRAINT n
/// REFERENCES t (id)`).
fn column_constraint(r: &Sqlite, c: &Constraint) -> String {
    let named = |n: Option<&str>| {
        n.map(|n| format!("CONSTRAINT {} ", r.ident(n)))
            .unwrap_or_default()
    };
    match c {
        Constraint::Check(k) => format!("{}CHECK ({})", named(k.name.as_deref()), k.expr),
        Constraint::ForeignKey(f) => {
            let refs = if f.ref_columns.is_empty() {
                String::new()
            } else {
                format!(" ({})", super::column_list(r, &f.ref_columns))
            };
            format!(
                "{}REFERENCES {}{refs}{}",
                named(f.name.as_deref()),
                r.ident(&f.ref_table.name),
                super::actions(f.on_delete, f.on_update)
            )
        }
        other => r.constraint_clause(other),
    }
}

/// The column is part of a key, a UNIQUE, an index, a foreign key, or a
/// CHECK other than its own: `DROP COLUMN` refuses it.
fn used_by_keys(table: &Table, column: &str) -> bool {
    let is = |c: &String| same_name(Dialect::Sqlite, NameKind::Member, c, column);
    let in_parts = |i: &Index| {
        i.parts.iter().any(|p| match p {
            crate::model::IndexPart::Column(c) => is(c),
            crate::model::IndexPart::Expression(e) => {
                crate::ops::sql_text::mentions(Dialect::Sqlite, e, column)
            }
        }) || i
            .predicate
            .as_deref()
            .is_some_and(|w| crate::ops::sql_text::mentions(Dialect::Sqlite, w, column))
    };
    table
        .primary_key
        .as_ref()
        .is_some_and(|p| p.columns.iter().any(is))
        || table.uniques.iter().any(|u| u.columns.iter().any(is))
        || table.indexes.iter().any(in_parts)
        || table.foreign_keys.iter().any(|f| f.columns.iter().any(is))
        || table.checks.iter().any(|k| {
            crate::ops::sql_text::mentions(Dialect::Sqlite, &k.expr, column)
                && !k.column.as_deref().is_some_and(|c| is(&c.to_owned()))
        })
}

/// A view or trigger names the column (conservatively, by its words).
fn used_by_views_or_triggers(schema: &Schema, table: &Table, column: &str) -> bool {
    let d = Dialect::Sqlite;
    schema.views.iter().any(|v| {
        v.tables
            .iter()
            .any(|t| schema.same_relation(t, &table.name))
            && v.definition
                .as_deref()
                .is_none_or(|q| crate::ops::sql_text::mentions(d, q, column))
    }) || schema.triggers.iter().any(|t| {
        crate::ops::sql_text::mentions(d, &t.sql, column)
            && crate::ops::sql_text::mentions(d, &t.sql, &table.name.name)
    })
}

/// Why a rebuild cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RebuildError(pub String);

/// The statements that rebuild `current` (in `schema`) as `target`;
/// `renames` maps columns of `current` to their names in `target`, and
/// `why` says what needed the rebuild, for the comment above it.
///
/// # Errors
/// When a view or trigger would lose a column it names, or a new NOT NULL
/// column has no default to fill the existing rows with.
pub(crate) fn rebuild(
    schema: &Schema,
    current: &Table,
    target: &Table,
    renames: &[(String, String)],
    why: &str,
) -> Result<Vec<String>, RebuildError> {
    let r = Sqlite;
    let d = Dialect::Sqlite;
    let source_of = |name: &str| {
        let from = renames
            .iter()
            .find(|(_, to)| same_name(d, NameKind::Member, to, name))
            .map_or(name, |(from, _)| from.as_str());
        current.find_column(d, from)
    };
    let mut copied = Vec::new();
    let mut sources = Vec::new();
    for c in &target.columns {
        match source_of(&c.name) {
            Some(src) => {
                copied.push(r.ident(&c.name));
                // A changed type converts as SQLite's CAST does (Alembic's
                // batch mode too); the same type copies as it is.
                sources.push(if src.ty == c.ty {
                    r.ident(&src.name)
                } else {
                    format!(
                        "CAST({} AS {})",
                        r.ident(&src.name),
                        super::declared_type(&c.ty)
                    )
                });
            }
            None if !c.nullable && c.default.is_none() && c.generated.is_none() => {
                return Err(RebuildError(format!(
                    "the new column `{}.{}` is NOT NULL without a default: the table's existing rows would have no value",
                    target.name, c.name
                )));
            }
            None => {}
        }
    }
    check_dependents(schema, current, target, renames)?;
    let temp = ObjectName::in_schema(
        current.name.schema.clone(),
        format!("_lithify_new_{}", current.name.name),
    );
    let mut new_table = target.clone();
    new_table.name = temp.clone();
    let mut out = vec![format!(
        "-- SQLite's ALTER TABLE cannot do this ({why}): {} is rebuilt",
        current.name
    )];
    out.extend(r.create_table(&new_table));
    out.push(format!(
        "INSERT INTO {} ({})\nSELECT {} FROM {}",
        qualified(&r, &temp),
        copied.join(", "),
        sources.join(", "),
        qualified(&r, &current.name)
    ));
    out.push(r.drop_table(&current.name));
    // Views and other tables' triggers keep naming the table as written.
    out.push("PRAGMA legacy_alter_table = ON".to_owned());
    out.push(r.rename_table(&temp, &target.name.name));
    out.push("PRAGMA legacy_alter_table = OFF".to_owned());
    for index in r.indexes_to_create(target) {
        out.push(r.create_index(target, index, false).map_err(RebuildError)?);
    }
    for t in schema
        .triggers
        .iter()
        .filter(|t| schema.same_relation(&t.table, &current.name))
    {
        out.push(t.sql.clone());
    }
    out.extend(foreign_key_check(&r, &target.name));
    Ok(out)
}

/// Statements that stop the revision, naming the table, when a row of the
/// rebuilt table, or a row referencing it, breaks a foreign key: step 10
/// of SQLite's procedure, written into the SQL so that a script run by
/// hand stops there too. A failed CHECK is the one error plain SQL can
/// raise; its constraint's name is the message.
fn foreign_key_check(r: &Sqlite, table: &ObjectName) -> Vec<String> {
    let check = r.ident("_lithify_foreign_key_check");
    let message = format!(
        "the rebuild of {table} leaves rows that break a foreign key (PRAGMA foreign_key_check lists them)"
    );
    let name = string_literal(&table.name, Dialect::Sqlite);
    let schema = string_literal(table.schema.as_deref().unwrap_or("main"), Dialect::Sqlite);
    vec![
        format!(
            "CREATE TEMP TABLE {check} (violations INTEGER CONSTRAINT {} CHECK (violations = 0))",
            r.ident(&message)
        ),
        format!(
            "INSERT INTO {check}\nSELECT count(*) FROM pragma_foreign_key_check(NULL, {schema})\n\
             WHERE \"table\" = {name} COLLATE NOCASE OR parent = {name} COLLATE NOCASE"
        ),
        format!("DROP TABLE {check}"),
    ]
}

/// A view or trigger that names a column the rebuild drops or renames
/// would break: refuse, rather than leave it to fail at run time.
fn check_dependents(
    schema: &Schema,
    current: &Table,
    target: &Table,
    renames: &[(String, String)],
) -> Result<(), RebuildError> {
    let d = Dialect::Sqlite;
    for c in &current.columns {
        let renamed = renames.iter().any(|(from, to)| {
            same_name(d, NameKind::Member, from, &c.name)
                && !same_name(d, NameKind::Member, from, to)
        });
        let kept = target.find_column(d, &c.name).is_some() && !renamed;
        if kept {
            continue;
        }
        let what = if renamed { "renames" } else { "drops" };
        if let Some(v) = schema.views.iter().find(|v| {
            v.tables
                .iter()
                .any(|t| schema.same_relation(t, &current.name))
                && v.definition
                    .as_deref()
                    .is_none_or(|q| crate::ops::sql_text::mentions(d, q, &c.name))
        }) {
            return Err(RebuildError(format!(
                "view `{}` reads `{}`, and the rebuild {what} its column `{}`; drop the view before this operation and create it again after (`execute`)",
                v.name, current.name, c.name
            )));
        }
        if let Some(t) = schema.triggers.iter().find(|t| {
            schema.same_relation(&t.table, &current.name)
                && crate::ops::sql_text::mentions(d, &t.sql, &c.name)
        }) {
            return Err(RebuildError(format!(
                "trigger `{}` on `{}` names its column `{}`, which the rebuild {what}; drop the trigger before this operation and create it again after (`execute`)",
                t.name, current.name, c.name
            )));
        }
    }
    Ok(())
}
