//! Whole tables: dropped ones (those that reference others first) and
//! created ones (those referenced first), with their columns, keys and —
//! comparing with a database — constraints and indexes.

use super::columns::fk_text;
use super::{Differ, Hazard, Scope};
use crate::model::{ForeignKey, ObjectName, Table};
use crate::ops::{CheckSpec, CreateTable, Operation, Reference, UniqueSpec};

impl Differ<'_> {
    /// Drop the tables only `base` has, each after the tables that
    /// reference it.
    pub(super) fn drop_tables(&mut self) {
        let (mut left, _) = self.removed_and_added();
        while !left.is_empty() {
            let pick = (0..left.len())
                .find(|&i| {
                    !left.iter().enumerate().any(|(j, other)| {
                        j != i
                            && other
                                .foreign_keys
                                .iter()
                                .any(|f| self.same_table(&f.ref_table, &left[i].name))
                    })
                })
                .unwrap_or(0);
            let t = left.remove(pick);
            self.drop_table(&t);
        }
    }

    fn drop_table(&mut self, t: &Table) {
        let name = t.name.name.clone();
        let maybe = self
            .maybe
            .iter()
            .find(|m| m.table.is_none() && m.from == name)
            .cloned();
        let mut comments = vec![format!(
            "DESTRUCTIVE: drops table `{name}` and every row in it."
        )];
        if let Some(m) = &maybe {
            comments.extend(m.comments());
        }
        self.detect(
            format!("removed table `{name}`"),
            Some(maybe.map_or(Hazard::Destructive, |m| Hazard::MaybeRename(m.flag))),
        );
        self.op(Operation::DropTable { table: name }, comments);
    }

    /// Create the tables only `to` has, each after the tables it
    /// references; foreign keys that cannot go with their table (a cycle)
    /// come after all of them.
    pub(super) fn create_tables(&mut self) {
        let (_, mut left) = self.removed_and_added();
        let mut created: Vec<ObjectName> = Vec::new();
        let mut deferred: Vec<(String, ForeignKey)> = Vec::new();
        while !left.is_empty() {
            let waits = |t: &Table, created: &[ObjectName], left: &[Table]| {
                t.foreign_keys.iter().any(|f| {
                    !self.same_table(&f.ref_table, &t.name)
                        && left.iter().any(|o| self.same_table(&o.name, &f.ref_table))
                        && !created.iter().any(|c| self.same_table(c, &f.ref_table))
                })
            };
            let pick = (0..left.len())
                .find(|&i| !waits(&left[i], &created, &left))
                .unwrap_or(0);
            let t = left.remove(pick);
            let mut existing: Vec<ObjectName> =
                self.base.known_tables().map(|b| b.name.clone()).collect();
            existing.extend(created.iter().cloned());
            existing.push(t.name.clone());
            let (op, later) = self.create_table(&t, &existing);
            deferred.extend(later.into_iter().map(|f| (t.name.name.clone(), f)));
            let maybe = self
                .maybe
                .iter()
                .find(|m| m.table.is_none() && m.to == t.name.name)
                .cloned();
            self.detect(
                format!("added table `{}`", t.name.name),
                maybe.as_ref().map(|m| Hazard::MaybeRename(m.flag.clone())),
            );
            let comments = maybe.map_or_else(Vec::new, |_| {
                vec!["MAY BE A RENAME: see the drop_table above.".to_owned()]
            });
            self.op(op, comments);
            for i in &t.indexes {
                if self.scope == Scope::Database {
                    self.create_index(&t.name.name, i);
                }
            }
            created.push(t.name.clone());
        }
        for (table, f) in deferred {
            self.detect(format!("added foreign key {}", fk_text(&table, &f)), None);
            let spec = self.foreign_key_spec(&table, &f);
            self.op(Operation::CreateForeignKey(spec), Vec::new());
        }
    }

    /// `create_table` for `t`, and the foreign keys it cannot hold itself
    /// (`existing`: the tables there when it is created, itself included).
    fn create_table(&mut self, t: &Table, existing: &[ObjectName]) -> (Operation, Vec<ForeignKey>) {
        let table = t.name.name.clone();
        let pk: Vec<String> = t
            .primary_key
            .iter()
            .flat_map(|p| p.columns.clone())
            .collect();
        let mut later = Vec::new();
        let mut inline: Vec<(String, Reference)> = Vec::new();
        for f in self.valid_foreign_keys(t) {
            match self.inline_reference(f, existing) {
                Some((column, r)) if !inline.iter().any(|(c, _)| self.same_column(c, &column)) => {
                    inline.push((column, r));
                }
                _ => later.push(f.clone()),
            }
        }
        let mut columns = Vec::new();
        for c in &t.columns {
            let mut spec = self.column_spec(&table, c);
            let single_key = matches!(pk.as_slice(), [k] if self.same_column(k, &c.name));
            spec.primary_key = single_key;
            spec.nullable = c.nullable && !single_key;
            let sequence = c
                .default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
            spec.identity = single_key && (c.identity.is_some() || sequence);
            spec.references = inline
                .iter()
                .find(|(col, _)| self.same_column(col, &c.name))
                .map(|(_, r)| r.clone());
            if self.scope == Scope::Database {
                spec.comment.clone_from(&c.comment);
            }
            columns.push(spec);
        }
        let (unique, checks) = self.table_constraints(t);
        let op = Operation::CreateTable(CreateTable {
            table,
            columns,
            primary_key: if pk.len() > 1 { pk } else { Vec::new() },
            unique,
            checks,
        });
        (op, later)
    }

    /// A foreign key written on its column (`references = "t.c"`): one
    /// column, to a table already there, named by the convention (so not
    /// when comparing with a database, whose names are kept).
    fn inline_reference(
        &self,
        f: &ForeignKey,
        existing: &[ObjectName],
    ) -> Option<(String, Reference)> {
        let exists = existing.iter().any(|n| self.same_table(n, &f.ref_table));
        if self.scope == Scope::Database || f.columns.len() != 1 || !exists {
            return None;
        }
        let spec = self.foreign_key_spec("", f);
        let [column] = spec.ref_columns.as_slice() else {
            return None;
        };
        Some((
            f.columns[0].clone(),
            Reference {
                table: f.ref_table.name.clone(),
                column: column.clone(),
                on_delete: f.on_delete,
                on_update: f.on_update,
            },
        ))
    }

    /// A new table's UNIQUE and CHECK constraints, comparing with a database.
    fn table_constraints(&mut self, t: &Table) -> (Vec<UniqueSpec>, Vec<CheckSpec>) {
        if self.scope != Scope::Database {
            return (Vec::new(), Vec::new());
        }
        let unique = t
            .uniques
            .iter()
            .map(|u| UniqueSpec {
                columns: u.columns.clone(),
                name: u.name.clone(),
            })
            .collect();
        let mut checks = Vec::new();
        for c in &t.checks {
            if c.expr.trim().is_empty() {
                self.check_not_captured(&t.name.name, c);
            } else {
                checks.push(CheckSpec {
                    expr: c.expr.clone(),
                    name: c.name.clone(),
                });
            }
        }
        (unique, checks)
    }
}
