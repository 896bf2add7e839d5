//! Model against model: the typed operations that turn one schema into
//! another, written once for every dialect. `lithify new --autogenerate`
//! diffs the chain's head with what `schema.rs` asks for, or with what a
//! live database holds; the operations are then compiled per dialect like
//! any typed revision, and their downgrade derived.
//!
//! What is compared depends on where the wanted schema comes from
//! ([`Scope`]): a `schema.rs` says tables, columns, types, nullability,
//! primary keys and foreign keys (diesel's `joinable!`), and nothing of
//! indexes, defaults, CHECKs or constraint names, so those are never
//! touched; a database says more, and indexes and defaults are compared too.
//!
//! Renames are decided before anything else ([`rename`]); type changes are
//! `alter_column` (with PostgreSQL's `USING` where it needs one,
//! `rules`), never drop + add; and the hazards of each change are said
//! where it is written ([`Hazard`]): a column made NOT NULL gets a data step
//! placeholder first, drops are marked destructive, narrowing type changes
//! are warned about.

mod columns;
mod create;
pub mod rename;
mod rules;

use std::fmt;

use crate::model::{same_name, same_relation, Dialect, NameKind, ObjectName, Schema, Table};
use crate::ops::portable::own_text;
use crate::ops::write::Commented;
use crate::ops::Operation;
use rules::Rules;

pub use crate::error::DiffError;
pub use rename::{Always, Answer, Ask, ColumnRename, NobodyToAsk, RenameQuestion, Renames};

/// What the wanted schema can say, and so what is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A diesel `schema.rs`: tables, columns, types, nullability, primary
    /// keys, foreign keys. Names of what is created are left to the naming
    /// convention.
    DieselSchema,
    /// A live database: also defaults (by presence) and indexes, and the
    /// names the database gave keys and indexes.
    Database,
}

/// How to diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// What is compared.
    pub scope: Scope,
    /// Renames decided by the caller.
    pub renames: Renames,
}

/// The operations that turn one schema into another, and what they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Each detected change, one line each, in the order found.
    pub changes: Vec<Detected>,
    /// The operations, in an order every dialect can run, each with the
    /// comments written above it.
    pub operations: Vec<Commented<Operation>>,
    /// What was seen but is not written (not comparable, not expressible).
    pub notes: Vec<String>,
}

impl Diff {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

/// One detected change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// What changed (`added column jobs.currency`).
    pub summary: String,
    /// What to watch for, if anything.
    pub hazard: Option<Hazard>,
}

/// What makes a change need the reviewer's attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hazard {
    /// It drops data.
    Destructive,
    /// It may be a rename written as drop + add (nobody was asked).
    MaybeRename(String),
    /// A column becomes NOT NULL: existing rows need a value first.
    NotNull,
    /// A type change existing rows may not survive, and why.
    Narrowing(String),
    /// What is written is a placeholder the reviewer must replace, and why.
    NeedsEditing(String),
}

impl fmt::Display for Detected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)?;
        match &self.hazard {
            None => Ok(()),
            Some(Hazard::Destructive) => f.write_str(" (destructive: its data is lost)"),
            Some(Hazard::MaybeRename(flag)) => write!(
                f,
                " (may be a rename: written as drop + add, which loses the data; `{flag}` keeps it)"
            ),
            Some(Hazard::NotNull) => f.write_str(
                " (existing rows need a value first: fill in the placeholder data step)",
            ),
            Some(Hazard::Narrowing(why)) => write!(f, " (can fail on existing rows: {why})"),
            Some(Hazard::NeedsEditing(why)) => write!(f, " (needs editing: {why})"),
        }
    }
}

/// The operations that turn `from` into `to` (both of one dialect),
/// asking `ask` about possible renames the options do not decide.
///
/// # Errors
/// Schemas of two dialects, or a given rename that names nothing removed
/// and added.
pub fn diff(
    from: &Schema,
    to: &Schema,
    options: &Options,
    ask: &mut dyn Ask,
) -> Result<Diff, DiffError> {
    if from.dialect != to.dialect {
        return Err(DiffError::Dialects(from.dialect, to.dialect));
    }
    let mut differ = Differ {
        d: from.dialect,
        scope: options.scope,
        rules: rules::for_dialect(from.dialect),
        base: from.clone(),
        to,
        out: Diff::default(),
        maybe: Vec::new(),
        renamed_tables: Vec::new(),
    };
    differ.run(options, ask)?;
    Ok(differ.out)
}

/// The diff in progress. `base` is `from` with the decided renames applied,
/// so that everything after them compares by name.
struct Differ<'a> {
    d: Dialect,
    scope: Scope,
    rules: &'static dyn Rules,
    base: Schema,
    to: &'a Schema,
    out: Diff,
    /// Pairs written as drop + add that may be renames (nobody was asked).
    maybe: Vec<Maybe>,
    /// Table renames written: (old name, new name).
    renamed_tables: Vec<(ObjectName, ObjectName)>,
}

/// A drop + add that may be a rename.
#[derive(Debug, Clone)]
struct Maybe {
    /// The table, for a column; `None` for a table.
    table: Option<String>,
    /// What went.
    from: String,
    /// What came.
    to: String,
    /// The flag that would have made it a rename.
    flag: String,
}

impl Maybe {
    /// The comment lines for the drop and the add.
    fn comments(&self) -> Vec<String> {
        let (what, old, new) = match &self.table {
            Some(t) => (
                "column",
                format!("{t}.{}", self.from),
                format!("{t}.{}", self.to),
            ),
            None => ("table", self.from.clone(), self.to.clone()),
        };
        vec![
            format!("MAY BE A RENAME: {what} `{old}` was removed and `{new}` added with the same shape."),
            format!("As written (drop + add) the data of `{old}` is lost; to keep it, write the rename"),
            format!("instead (rerun with `{}`).", self.flag),
        ]
    }
}

impl Differ<'_> {
    fn run(&mut self, options: &Options, ask: &mut dyn Ask) -> Result<(), DiffError> {
        self.note_unknown();
        self.rename_tables(&options.renames, ask)?;
        self.rename_columns(&options.renames, ask)?;
        self.drop_foreign_keys();
        let matched = self.matched_tables();
        for name in &matched {
            self.change_table(name);
        }
        self.drop_tables();
        self.create_tables();
        for name in &matched {
            self.add_foreign_keys(name);
        }
        Ok(())
    }

    fn same_table(&self, a: &ObjectName, b: &ObjectName) -> bool {
        same_relation(self.d, a, b)
    }

    fn same_column(&self, a: &str, b: &str) -> bool {
        same_name(self.d, NameKind::Member, a, b)
    }

    fn detect(&mut self, summary: String, hazard: Option<Hazard>) {
        self.out.changes.push(Detected { summary, hazard });
    }

    fn op(&mut self, op: Operation, comments: Vec<String>) {
        self.out.operations.push(Commented::with(op, comments));
    }

    fn note(&mut self, note: String) {
        self.out.notes.push(note);
    }

    /// Tables whose shape either side does not know are left alone; views
    /// and custom types are not written (a database may have them).
    fn note_unknown(&mut self) {
        let mut notes = std::collections::BTreeSet::new();
        for t in self.base.tables.iter().chain(&self.to.tables) {
            if t.unknown.is_some() {
                notes.insert(format!(
                    "table `{}` is not compared: the schema model does not know its shape",
                    t.name
                ));
            }
        }
        if self.scope == Scope::Database {
            let views = |s: &Schema| -> Vec<String> {
                s.views.iter().map(|v| v.name.to_string()).collect()
            };
            let types = |s: &Schema| -> Vec<String> {
                s.types.iter().map(|t| t.name.to_string()).collect()
            };
            let (bv, tv) = (views(&self.base), views(self.to));
            let (bt, tt) = (types(&self.base), types(self.to));
            for (what, a, b) in [("view", &bv, &tv), ("type", &bt, &tt)] {
                for name in a.iter().filter(|n| !b.contains(n)) {
                    notes.insert(format!("{what} `{name}` is gone from the database: not written (drop it with `execute`)"));
                }
                for name in b.iter().filter(|n| !a.contains(n)) {
                    notes.insert(format!("{what} `{name}` is new in the database: not written (create it with `execute`)"));
                }
            }
        }
        self.out.notes.extend(notes);
    }

    /// Known tables of `base` that `to` has too (by name, after renames).
    fn matched_tables(&self) -> Vec<ObjectName> {
        self.to
            .known_tables()
            .filter(|t| self.base_table(&t.name).is_some())
            .map(|t| t.name.clone())
            .collect()
    }

    fn base_table(&self, name: &ObjectName) -> Option<&Table> {
        self.base
            .known_tables()
            .find(|t| self.same_table(&t.name, name))
    }

    fn to_table(&self, name: &ObjectName) -> Option<&Table> {
        self.to
            .tables
            .iter()
            .map(|t| &**t)
            .find(|t| self.same_table(&t.name, name))
    }

    /// Known tables only in `base`, and only in `to` (an unknown table on
    /// either side is neither).
    fn removed_and_added(&self) -> (Vec<Table>, Vec<Table>) {
        let removed = self
            .base
            .known_tables()
            .filter(|t| self.to_table(&t.name).is_none())
            .cloned()
            .collect();
        let added = self
            .to
            .known_tables()
            .filter(|t| {
                !self
                    .base
                    .tables
                    .iter()
                    .any(|b| self.same_table(&b.name, &t.name))
            })
            .cloned()
            .collect();
        (removed, added)
    }

    /// Decide table renames and write them; `base` follows them.
    fn rename_tables(&mut self, given: &Renames, ask: &mut dyn Ask) -> Result<(), DiffError> {
        let (removed, added) = self.removed_and_added();
        let names =
            |ts: &[Table]| -> Vec<String> { ts.iter().map(|t| t.name.name.clone()).collect() };
        let (r_names, a_names) = (names(&removed), names(&added));
        let d = self.d;
        let pairing = rename::pair(
            &rename::Candidates {
                removed: &r_names,
                added: &a_names,
                given: &given.tables,
                same: &|a, b| same_name(d, NameKind::Relation, a, b),
                alike: &|i, j| same_columns(d, &removed[i], &added[j]),
                question: &|i, j| RenameQuestion {
                    table: None,
                    from: r_names[i].clone(),
                    to: a_names[j].clone(),
                    ty: None,
                },
                refuse: &|from, to, why| DiffError::TableRename {
                    from: from.to_owned(),
                    to: to.to_owned(),
                    why,
                },
            },
            ask,
        )?;
        for &(i, j) in &pairing.renamed {
            let (old, new) = (&removed[i].name, &added[j].name);
            self.detect(format!("renamed table `{old}` to `{}`", new.name), None);
            self.op(
                Operation::RenameTable {
                    table: old.name.clone(),
                    to: new.name.clone(),
                },
                Vec::new(),
            );
            rename_table_in(&mut self.base, old, &new.name);
        }
        for &(i, j) in &pairing.renamed {
            self.renamed_tables
                .push((removed[i].name.clone(), added[j].name.clone()));
        }
        for &(i, j) in &pairing.maybe {
            let q = RenameQuestion {
                table: None,
                from: r_names[i].clone(),
                to: a_names[j].clone(),
                ty: None,
            };
            self.maybe.push(Maybe {
                table: None,
                from: q.from.clone(),
                to: q.to.clone(),
                flag: q.flag(),
            });
        }
        Ok(())
    }
}

/// Two tables with the same columns (names, types, nullability): a table
/// rename candidate.
fn same_columns(d: Dialect, a: &Table, b: &Table) -> bool {
    a.columns.len() == b.columns.len()
        && a.columns.iter().all(|c| {
            b.find_column(d, &c.name).is_some_and(|o| {
                crate::describe::shown_type(&o.ty) == crate::describe::shown_type(&c.ty)
                    && o.nullable == c.nullable
            })
        })
}

/// Rename table `old` to `new` in `schema`, and every foreign key to it.
fn rename_table_in(schema: &mut Schema, old: &ObjectName, new: &str) {
    let d = schema.dialect;
    let renamed = ObjectName::in_schema(old.schema.clone(), new);
    for t in schema.tables_mut() {
        if same_relation(d, &t.name, old) {
            t.name = renamed.clone();
        }
        for f in &mut t.foreign_keys {
            if same_relation(d, &f.ref_table, old) {
                f.ref_table = renamed.clone();
            }
        }
    }
}

/// The type as the dialect writes it, for messages.
fn type_text(c: &crate::model::Column) -> String {
    own_text(&c.ty)
}

#[cfg(test)]
mod tests;
