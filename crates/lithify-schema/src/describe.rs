//! A schema as sorted lines of text, one per fact, for comparing two
//! schemas of one dialect — the model against the engine's introspection
//! (`lithify schema --verify`, drift checks) — and for showing what differs.
//!
//! Each line says only what both sides can know: constraint names where the
//! engine reports them and the model derives them (not on SQLite, whose
//! catalog has no constraint names, and not for MySQL's unnamed CHECKs in a
//! model folded without a [`crate::model::MysqlFlavor`], since MySQL and
//! MariaDB name them differently); defaults and CHECK conditions
//! by presence, since engines rewrite expressions (`'EUR'::character
//! varying`). Tables whose shape the model does not know are described by
//! name only, and [`describe`] says which they are.

use std::collections::BTreeSet;

use crate::model::{
    CustomTypeKind, Dialect, Identity, IndexPart, ObjectName, ReferentialAction, Schema, SqlType,
    Table,
};

/// The lines of `schema`, sorted; a table whose shape is unknown is one
/// line, its name.
pub fn describe(schema: &Schema) -> Vec<String> {
    describe_with(schema, &BTreeSet::new())
}

/// How a schema the fold built agrees with one read from the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Lines only the model has (`- `), then lines only the engine has (`+ `).
    pub differences: Vec<String>,
    /// Tables the model does not know the shape of: compared by name only.
    pub unchecked: Vec<ObjectName>,
}

/// Compare the model with what the engine reports.
pub fn compare(model: &Schema, found: &Schema) -> Comparison {
    let unchecked: Vec<ObjectName> = model
        .tables
        .iter()
        .filter(|t| t.unknown.is_some())
        .map(|t| t.name.clone())
        .collect();
    let names: BTreeSet<String> = unchecked.iter().map(ToString::to_string).collect();
    Comparison {
        differences: differences(&describe(model), &describe_with(found, &names)),
        unchecked,
    }
}

fn describe_with(schema: &Schema, names_only: &BTreeSet<String>) -> Vec<String> {
    let mut lines = Vec::new();
    for t in &schema.tables {
        let name = t.name.to_string();
        lines.push(format!("table {name}"));
        if t.unknown.is_none() && !names_only.contains(&name) {
            describe_table(schema.dialect, t, &mut lines);
        }
    }
    for v in &schema.views {
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        lines.push(format!("{kind} {}", v.name));
    }
    for ty in &schema.types {
        let what = match &ty.kind {
            CustomTypeKind::Enum(labels) => format!("enum ({})", labels.join(", ")),
            CustomTypeKind::Composite(attrs) => {
                let a: Vec<String> = attrs
                    .iter()
                    .map(|(n, t)| format!("{n} {}", shown_type(t)))
                    .collect();
                format!("composite ({})", a.join(", "))
            }
            CustomTypeKind::Domain { base, not_null } => format!(
                "domain over {}{}",
                shown_type(base),
                if *not_null { " not null" } else { "" }
            ),
            CustomTypeKind::Other => "type".to_owned(),
        };
        lines.push(format!("type {}: {what}", ty.name));
    }
    lines.sort();
    lines.dedup();
    lines
}

/// Lines only in `expected` (`- `) and only in `found` (`+ `).
pub fn differences(expected: &[String], found: &[String]) -> Vec<String> {
    let e: BTreeSet<&String> = expected.iter().collect();
    let f: BTreeSet<&String> = found.iter().collect();
    let missing = e.difference(&f).map(|l| format!("- {l}"));
    let extra = f.difference(&e).map(|l| format!("+ {l}"));
    missing.chain(extra).collect()
}

fn describe_table(d: Dialect, t: &Table, out: &mut Vec<String>) {
    let name = t.name.to_string();
    let named = |n: &Option<String>| -> String {
        match (d, n) {
            (Dialect::Sqlite, _) => String::new(),
            (_, Some(n)) => format!(" {n}"),
            (_, None) => " (unnamed)".to_owned(),
        }
    };
    for (i, c) in t.columns.iter().enumerate() {
        let mut line = format!("column {name}.{} #{} {}", c.name, i + 1, shown_type(&c.ty));
        if !c.nullable {
            line.push_str(" not null");
        }
        if c.default.is_some() {
            line.push_str(" default");
        }
        match (d, c.identity) {
            (Dialect::Postgres, Some(Identity::Always)) => line.push_str(" identity always"),
            (Dialect::Postgres, Some(Identity::ByDefault)) => line.push_str(" identity by default"),
            (Dialect::Mysql, Some(Identity::AutoIncrement)) => line.push_str(" auto_increment"),
            _ => {}
        }
        if let Some(g) = &c.generated {
            line.push_str(if g.stored {
                " generated stored"
            } else {
                " generated virtual"
            });
        }
        if let Some(comment) = &c.comment {
            line.push_str(&format!(" comment {comment:?}"));
        }
        out.push(line);
    }
    if let Some(pk) = &t.primary_key {
        out.push(format!(
            "primary key {name}{} ({})",
            named(&pk.name),
            pk.columns.join(", ")
        ));
    }
    for u in &t.uniques {
        out.push(format!(
            "unique {name}{} ({})",
            named(&u.name),
            u.columns.join(", ")
        ));
    }
    // SQLite's catalog has no CHECK constraints to compare with.
    for c in t.checks.iter().filter(|_| d != Dialect::Sqlite) {
        let n = if d == Dialect::Mysql && c.name.is_none() {
            String::new()
        } else {
            named(&c.name)
        };
        out.push(format!("check {name}{n}"));
    }
    for f in &t.foreign_keys {
        out.push(format!(
            "foreign key {name}{} ({}) -> {} ({}){}{}",
            named(&f.name),
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", "),
            action(d, " on delete", f.on_delete),
            action(d, " on update", f.on_update),
        ));
    }
    for i in &t.indexes {
        let parts: Vec<String> = i
            .parts
            .iter()
            .map(|p| match p {
                IndexPart::Column(c) => c.clone(),
                IndexPart::Expression(_) => "(expression)".to_owned(),
            })
            .collect();
        out.push(format!(
            "{}index {name} {} ({}){}{}",
            if i.unique { "unique " } else { "" },
            i.name,
            parts.join(", "),
            if i.predicate.is_some() {
                " where ..."
            } else {
                ""
            },
            i.method
                .as_deref()
                .map(|m| format!(" using {m}"))
                .unwrap_or_default(),
        ));
    }
    if let Some(c) = &t.comment {
        out.push(format!("comment on {name}: {c:?}"));
    }
    if t.without_rowid {
        out.push(format!("table {name} without rowid"));
    }
}

fn action(d: Dialect, label: &str, a: ReferentialAction) -> String {
    let word = match a {
        ReferentialAction::NoAction => return String::new(),
        // InnoDB's NO ACTION is RESTRICT, and the servers report either.
        ReferentialAction::Restrict if d == Dialect::Mysql => return String::new(),
        ReferentialAction::Restrict => "restrict",
        ReferentialAction::Cascade => "cascade",
        ReferentialAction::SetNull => "set null",
        ReferentialAction::SetDefault => "set default",
    };
    format!("{label} {word}")
}

/// A type as both sides can agree on it: SQLite's declared text in lower
/// case with single spaces, PostgreSQL's `format_type`, MySQL's
/// `COLUMN_TYPE` with display widths. Two types with the same text are the
/// same type to the engine.
pub fn shown_type(t: &SqlType) -> String {
    match t {
        SqlType::Sqlite(s) => {
            let spaced = s.declared.split_whitespace().collect::<Vec<_>>().join(" ");
            spaced
                .to_ascii_lowercase()
                .replace(" (", "(")
                .replace("( ", "(")
                .replace(" )", ")")
                .replace(", ", ",")
                .replace(" ,", ",")
        }
        SqlType::Postgres(p) => p.format_type(),
        SqlType::Mysql(m) => m.column_type(true),
    }
}
