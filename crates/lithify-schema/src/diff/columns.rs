//! The changes inside a table both schemas have: column renames, drops,
//! adds and alterations, the primary key, foreign keys, and (comparing with
//! a database) defaults, UNIQUE and CHECK constraints and indexes.

use super::rename::{self, Ask, RenameQuestion, Renames};
use super::rules::narrowing;
use super::{type_text, DiffError, Differ, Hazard, Maybe, Scope};
use crate::describe::shown_type;
use crate::model::{
    same_name, Column, ForeignKey, Index, IndexPart, NameKind, ObjectName, Schema, Table,
};
use crate::ops::portable::{own_text, portable_or_own};
use crate::ops::{
    AlterColumn, ColumnSpec, CreateIndex, DefaultValue, Execute, ForeignKeySpec, Operation,
    PortableType,
};

/// A foreign key as compared: its columns, the table it references and the
/// columns there (the referenced table's primary key when the SQL named
/// none), in the dialect's case rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FkKey {
    columns: Vec<String>,
    ref_table: String,
    ref_columns: Vec<String>,
}

impl Differ<'_> {
    /// A name as the dialect compares it.
    fn folded(&self, kind: NameKind, name: &str) -> String {
        if same_name(self.d, kind, "A", "a") {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        }
    }

    pub(super) fn fk_key(&self, schema: &Schema, f: &ForeignKey) -> FkKey {
        let ref_columns = if f.ref_columns.is_empty() {
            schema
                .find_table(&f.ref_table)
                .and_then(|t| t.primary_key.as_ref())
                .map(|p| p.columns.clone())
                .unwrap_or_default()
        } else {
            f.ref_columns.clone()
        };
        let member = |c: &String| self.folded(NameKind::Member, c);
        FkKey {
            columns: f.columns.iter().map(member).collect(),
            ref_table: self.folded(NameKind::Relation, &f.ref_table.to_string()),
            ref_columns: ref_columns.iter().map(member).collect(),
        }
    }

    /// The foreign keys of `t` in `to` that can exist there: the table
    /// they reference is in `to`, with the columns they name.
    pub(super) fn valid_foreign_keys<'t>(&self, t: &'t Table) -> Vec<&'t ForeignKey> {
        t.foreign_keys
            .iter()
            .filter(|f| {
                let parent = self.to.find_table(&f.ref_table);
                let columns_there = f.columns.iter().all(|c| t.find_column(self.d, c).is_some());
                parent.is_some_and(|p| {
                    p.unknown.is_some()
                        || f.ref_columns
                            .iter()
                            .all(|c| p.find_column(self.d, c).is_some())
                }) && columns_there
            })
            .collect()
    }

    /// Decide the column renames of every table both schemas have, write
    /// them, and make `base` follow them.
    pub(super) fn rename_columns(
        &mut self,
        given: &Renames,
        ask: &mut dyn Ask,
    ) -> Result<(), DiffError> {
        let matched = self.matched_tables();
        for r in &given.columns {
            if !matched.iter().any(|n| self.names_table(&r.table, n)) {
                return Err(DiffError::ColumnRename {
                    table: r.table.clone(),
                    from: r.from.clone(),
                    to: r.to.clone(),
                    why: format!("`{}` is not a table both schemas have", r.table),
                });
            }
        }
        for name in &matched {
            let given: Vec<(String, String)> = given
                .columns
                .iter()
                .filter(|r| self.names_table(&r.table, name))
                .map(|r| (r.from.clone(), r.to.clone()))
                .collect();
            self.rename_columns_of(name, &given, ask)?;
        }
        Ok(())
    }

    /// Whether `text` (as given on the command line) names the table now
    /// called `name` (or what it was called before a rename).
    fn names_table(&self, text: &str, name: &ObjectName) -> bool {
        let is = |n: &ObjectName| {
            same_name(self.d, NameKind::Relation, text, &n.name)
                || same_name(self.d, NameKind::Relation, text, &n.to_string())
        };
        is(name)
            || self
                .renamed_tables
                .iter()
                .any(|(old, new)| self.same_table(new, name) && is(old))
    }

    fn rename_columns_of(
        &mut self,
        name: &ObjectName,
        given: &[(String, String)],
        ask: &mut dyn Ask,
    ) -> Result<(), DiffError> {
        let (Some(b), Some(t)) = (self.base_table(name).cloned(), self.to_table(name).cloned())
        else {
            return Ok(());
        };
        let removed: Vec<&Column> = b
            .columns
            .iter()
            .filter(|c| t.find_column(self.d, &c.name).is_none())
            .collect();
        let added: Vec<&Column> = t
            .columns
            .iter()
            .filter(|c| b.find_column(self.d, &c.name).is_none())
            .collect();
        let r_names: Vec<String> = removed.iter().map(|c| c.name.clone()).collect();
        let a_names: Vec<String> = added.iter().map(|c| c.name.clone()).collect();
        let table = b.name.name.clone();
        let d = self.d;
        let question = |i: usize, j: usize| RenameQuestion {
            table: Some(table.clone()),
            from: r_names[i].clone(),
            to: a_names[j].clone(),
            ty: Some(type_text(removed[i])),
        };
        let pairing = rename::pair(
            &rename::Candidates {
                removed: &r_names,
                added: &a_names,
                given,
                same: &|a, b| same_name(d, NameKind::Member, a, b),
                alike: &|i, j| {
                    shown_type(&removed[i].ty) == shown_type(&added[j].ty)
                        && removed[i].nullable == added[j].nullable
                },
                question: &question,
                refuse: &|from, to, why| DiffError::ColumnRename {
                    table: table.clone(),
                    from: from.to_owned(),
                    to: to.to_owned(),
                    why,
                },
            },
            ask,
        )?;
        for &(i, j) in &pairing.renamed {
            self.write_column_rename(name, &r_names[i], &a_names[j]);
        }
        for &(i, j) in &pairing.maybe {
            let q = question(i, j);
            self.maybe.push(Maybe {
                table: Some(table.clone()),
                from: q.from.clone(),
                to: q.to.clone(),
                flag: q.flag(),
            });
        }
        Ok(())
    }

    /// Rename column `from` of table `name` to `to`: the operation, and
    /// `base` following it.
    fn write_column_rename(&mut self, name: &ObjectName, from: &str, to: &str) {
        let table = name.name.clone();
        self.detect(
            format!("renamed column `{table}.{from}` to `{table}.{to}`"),
            None,
        );
        let mut a = alter(&table, from);
        a.rename_to = Some(to.to_owned());
        self.op(Operation::AlterColumn(a), Vec::new());
        rename_column_in(&mut self.base, name, from, to);
    }

    /// Drop the foreign keys of tables both schemas have that `to` does not
    /// keep: first, so that nothing they hold on to is in the way.
    pub(super) fn drop_foreign_keys(&mut self) {
        for name in self.matched_tables() {
            let (Some(b), Some(t)) = (self.base_table(&name).cloned(), self.to_table(&name)) else {
                continue;
            };
            let wanted: Vec<FkKey> = self
                .valid_foreign_keys(t)
                .into_iter()
                .map(|f| self.fk_key(self.to, f))
                .collect();
            for f in &b.foreign_keys {
                let key = self.fk_key(&self.base, f);
                if wanted.contains(&key) {
                    continue;
                }
                let shown = fk_text(&b.name.name, f);
                match &f.name {
                    Some(n) => {
                        self.detect(format!("removed foreign key {shown}"), None);
                        self.op(
                            Operation::DropConstraint {
                                table: b.name.name.clone(),
                                name: n.clone(),
                            },
                            Vec::new(),
                        );
                    }
                    None => self.note(format!(
                        "foreign key {shown} is gone, but it has no name, so a typed operation cannot drop it: write that change as SQL"
                    )),
                }
            }
        }
    }

    /// Add the foreign keys `to` has on table `name` that `base` does not.
    pub(super) fn add_foreign_keys(&mut self, name: &ObjectName) {
        let (Some(b), Some(t)) = (self.base_table(name).cloned(), self.to_table(name).cloned())
        else {
            return;
        };
        let have: Vec<FkKey> = b
            .foreign_keys
            .iter()
            .map(|f| self.fk_key(&self.base, f))
            .collect();
        for f in self.valid_foreign_keys(&t) {
            if have.contains(&self.fk_key(self.to, f)) {
                continue;
            }
            self.detect(
                format!("added foreign key {}", fk_text(&b.name.name, f)),
                None,
            );
            let spec = self.foreign_key_spec(&b.name.name, f);
            self.op(Operation::CreateForeignKey(spec), Vec::new());
        }
    }

    /// `create_foreign_key` for `f` of `table`.
    pub(super) fn foreign_key_spec(&self, table: &str, f: &ForeignKey) -> ForeignKeySpec {
        let ref_columns = if f.ref_columns.is_empty() {
            self.to
                .find_table(&f.ref_table)
                .and_then(|p| p.primary_key.as_ref())
                .map(|p| p.columns.clone())
                .unwrap_or_default()
        } else {
            f.ref_columns.clone()
        };
        ForeignKeySpec {
            table: table.to_owned(),
            columns: f.columns.clone(),
            ref_table: f.ref_table.name.clone(),
            ref_columns,
            name: self.kept_name(f.name.as_ref()),
            on_delete: f.on_delete,
            on_update: f.on_update,
        }
    }

    /// A name `to` gives what is created: kept when comparing with a
    /// database (the database has it), else the naming convention's.
    pub(super) fn kept_name(&self, name: Option<&String>) -> Option<String> {
        match self.scope {
            Scope::Database => name.cloned(),
            Scope::DieselSchema => None,
        }
    }

    /// Everything that changes inside table `name`, foreign keys aside.
    pub(super) fn change_table(&mut self, name: &ObjectName) {
        let (Some(b), Some(t)) = (self.base_table(name).cloned(), self.to_table(name).cloned())
        else {
            return;
        };
        if self.scope == Scope::Database {
            self.drop_indexes_and_constraints(&b, &t);
        }
        for c in &b.columns {
            if t.find_column(self.d, &c.name).is_none() {
                self.drop_column(&b, c);
            }
        }
        for c in &t.columns {
            match b.find_column(self.d, &c.name) {
                None => self.add_column(&b, c),
                Some(old) => self.alter_column(&b, old, c),
            }
        }
        self.primary_key(&b, &t);
        if self.scope == Scope::Database {
            self.add_indexes_and_constraints(&b, &t);
        }
    }

    fn maybe_comments(&self, table: &str, column: &str) -> (Option<Hazard>, Vec<String>) {
        let found = self.maybe.iter().find(|m| {
            m.table.as_deref() == Some(table)
                && (self.same_column(&m.from, column) || self.same_column(&m.to, column))
        });
        match found {
            Some(m) => (Some(Hazard::MaybeRename(m.flag.clone())), m.comments()),
            None => (None, Vec::new()),
        }
    }

    fn drop_column(&mut self, b: &Table, c: &Column) {
        let table = &b.name.name;
        let (maybe, mut comments) = self.maybe_comments(table, &c.name);
        comments.insert(
            0,
            format!(
                "DESTRUCTIVE: drops column `{table}.{}` and the data in it.",
                c.name
            ),
        );
        self.detect(
            format!("removed column `{table}.{}`", c.name),
            Some(maybe.unwrap_or(Hazard::Destructive)),
        );
        self.op(
            Operation::DropColumn {
                table: table.clone(),
                column: c.name.clone(),
            },
            comments,
        );
    }

    /// The spec of a new column (not a key, no constraints of its own).
    pub(super) fn column_spec(&mut self, table: &str, c: &Column) -> ColumnSpec {
        ColumnSpec {
            name: c.name.clone(),
            ty: self.portable(table, c),
            nullable: c.nullable,
            default: self.default_of(c),
            primary_key: false,
            identity: false,
            unique: false,
            references: None,
            check: None,
            comment: None,
        }
    }

    /// A column's default as written: compared with a database, what the
    /// database says (a sequence's `nextval` is identity instead).
    pub(super) fn default_of(&self, c: &Column) -> Option<DefaultValue> {
        match self.scope {
            Scope::DieselSchema => None,
            Scope::Database => c
                .default
                .clone()
                .filter(|d| !d.starts_with("nextval("))
                .map(DefaultValue::Sql),
        }
    }

    /// `c`'s type in the portable vocabulary, or for its dialect alone (said
    /// in a note: the revision then compiles only for that dialect).
    pub(super) fn portable(&mut self, table: &str, c: &Column) -> PortableType {
        let p = portable_or_own(&c.ty);
        if matches!(p, PortableType::PerDialect(_)) {
            let note = format!(
                "`{table}.{}`: `{}` has no portable type, so the revision gives it for {} only; add the type for the other dialects you build for",
                c.name,
                own_text(&c.ty),
                self.d.name()
            );
            self.note(note);
        }
        p
    }

    fn add_column(&mut self, b: &Table, c: &Column) {
        let table = b.name.name.clone();
        let (maybe, comments) = match self.maybe_comments(&table, &c.name) {
            (Some(h), _) => (
                Some(h),
                vec!["MAY BE A RENAME: see the drop_column above.".to_owned()],
            ),
            none => none,
        };
        let mut spec = self.column_spec(&table, c);
        let fill = !c.nullable && spec.default.is_none();
        spec.nullable |= fill;
        let hazard = maybe.or(fill.then_some(Hazard::NotNull));
        let shown = if c.nullable { "" } else { " NOT NULL" };
        self.detect(
            format!(
                "added column `{table}.{}` ({}{shown})",
                c.name,
                type_text(c)
            ),
            hazard,
        );
        self.op(
            Operation::AddColumn {
                table: table.clone(),
                column: spec,
            },
            comments,
        );
        if fill {
            self.fill_nulls(&table, &c.name);
            let mut a = alter(&table, &c.name);
            a.nullable = Some(false);
            self.op(Operation::AlterColumn(a), Vec::new());
        }
    }

    /// The data step before a column becomes NOT NULL: a placeholder for
    /// the UPDATE that gives existing rows a value.
    fn fill_nulls(&mut self, table: &str, column: &str) {
        self.op(
            Operation::Execute(Execute {
                sql: Some(format!(
                    "-- UPDATE {table} SET {column} = <value> WHERE {column} IS NULL;"
                )),
                per_dialect: Default::default(),
                down: Some(std::iter::once((None, String::new())).collect()),
            }),
            vec![
                format!("DATA STEP: `{table}.{column}` becomes NOT NULL next, so rows where it is NULL need a"),
                "value first. Replace the comment in `sql` with the UPDATE that gives them one (it".to_owned(),
                "may differ per dialect: `sqlite`, `postgres`, `mysql` keys); leave it if the table is empty.".to_owned(),
            ],
        );
    }

    fn alter_column(&mut self, b: &Table, old: &Column, new: &Column) {
        let table = b.name.name.clone();
        let mut a = alter(&table, &old.name);
        let mut comments = Vec::new();
        if shown_type(&old.ty) != shown_type(&new.ty) {
            let why = narrowing(&old.ty, &new.ty);
            self.detect(
                format!(
                    "type of `{table}.{}`: {} -> {}",
                    old.name,
                    type_text(old),
                    type_text(new)
                ),
                why.clone().map(Hazard::Narrowing),
            );
            if let Some(why) = why {
                comments.push(format!(
                    "NARROWING: `{table}.{}` {} -> {}: this can fail on existing rows ({why}).",
                    old.name,
                    type_text(old),
                    type_text(new)
                ));
            }
            a.ty = Some(self.portable(&table, new));
            a.using = self.rules.using(&old.name, &old.ty, &new.ty);
        }
        if old.nullable != new.nullable {
            a.nullable = Some(new.nullable);
            if new.nullable {
                self.detect(format!("`{table}.{}` is now nullable", old.name), None);
            } else {
                self.detect(
                    format!("NOT NULL on `{table}.{}`", old.name),
                    Some(Hazard::NotNull),
                );
                self.fill_nulls(&table, &old.name);
            }
        }
        if self.scope == Scope::Database && old.default.is_some() != new.default.is_some() {
            match &new.default {
                Some(text) => {
                    self.detect(format!("added default on `{table}.{}`", old.name), None);
                    a.default = Some(Some(DefaultValue::Sql(text.clone())));
                }
                None => {
                    self.detect(format!("removed default on `{table}.{}`", old.name), None);
                    a.default = Some(None);
                }
            }
        }
        if a.ty.is_some() || a.nullable.is_some() || a.default.is_some() {
            self.op(Operation::AlterColumn(a), comments);
        }
    }

    /// A primary key that changes: typed operations cannot add one to an
    /// existing table, so the step is a placeholder to replace.
    fn primary_key(&mut self, b: &Table, t: &Table) {
        let cols = |t: &Table| -> Vec<String> {
            t.primary_key
                .iter()
                .flat_map(|p| &p.columns)
                .map(|c| self.folded(NameKind::Member, c))
                .collect()
        };
        if cols(b) == cols(t) {
            return;
        }
        let table = b.name.name.clone();
        let show = |t: &Table| {
            t.primary_key
                .as_ref()
                .map_or("none".to_owned(), |p| format!("({})", p.columns.join(", ")))
        };
        let why = "typed operations cannot change a primary key: replace the placeholder with the SQL for each dialect";
        self.detect(
            format!("primary key of `{table}`: {} -> {}", show(b), show(t)),
            Some(Hazard::NeedsEditing(why.to_owned())),
        );
        self.op(
            Operation::Execute(Execute {
                sql: Some(format!(
                    "-- the primary key of {table} becomes {}: write the statements that change it",
                    show(t)
                )),
                per_dialect: Default::default(),
                down: Some(std::iter::once((None, String::new())).collect()),
            }),
            vec![
                format!(
                    "NEEDS EDITING: the primary key of `{table}` changes {} -> {}, which typed",
                    show(b),
                    show(t)
                ),
                "operations cannot do. Replace this step with the SQL for each dialect (`sqlite`,"
                    .to_owned(),
                "`postgres`, `mysql` keys, and their `down`), or write the change as SQL files."
                    .to_owned(),
            ],
        );
    }

    /// Indexes, UNIQUE and CHECK constraints the database no longer has.
    fn drop_indexes_and_constraints(&mut self, b: &Table, t: &Table) {
        let table = b.name.name.clone();
        for i in &b.indexes {
            if !t.indexes.iter().any(|o| self.same_index(i, o)) {
                self.detect(format!("removed index `{}` on `{table}`", i.name), None);
                self.op(
                    Operation::DropIndex {
                        table: table.clone(),
                        name: i.name.clone(),
                    },
                    Vec::new(),
                );
            }
        }
        let named = |names: Vec<Option<&String>>| -> Vec<String> {
            names.into_iter().flatten().cloned().collect()
        };
        let gone_uniques = named(b.uniques.iter().map(|u| u.name.as_ref()).collect());
        let gone_checks = named(b.checks.iter().map(|c| c.name.as_ref()).collect());
        let there = named(
            t.uniques
                .iter()
                .map(|u| u.name.as_ref())
                .chain(t.checks.iter().map(|c| c.name.as_ref()))
                .collect(),
        );
        for n in gone_uniques.iter().chain(&gone_checks) {
            if !there.iter().any(|o| self.same_column(o, n)) {
                self.detect(format!("removed constraint `{n}` on `{table}`"), None);
                self.op(
                    Operation::DropConstraint {
                        table: table.clone(),
                        name: n.clone(),
                    },
                    Vec::new(),
                );
            }
        }
    }

    /// Indexes, UNIQUE and CHECK constraints the database has and the chain does not.
    fn add_indexes_and_constraints(&mut self, b: &Table, t: &Table) {
        let table = b.name.name.clone();
        for u in &t.uniques {
            let known = b.uniques.iter().any(|o| {
                o.name
                    .as_deref()
                    .zip(u.name.as_deref())
                    .is_some_and(|(x, y)| self.same_column(x, y))
            });
            if known {
                continue;
            }
            self.detect(
                format!("added unique ({}) on `{table}`", u.columns.join(", ")),
                None,
            );
            self.op(
                Operation::CreateUnique {
                    table: table.clone(),
                    columns: u.columns.clone(),
                    name: u.name.clone(),
                },
                Vec::new(),
            );
        }
        for c in &t.checks {
            let known = b.checks.iter().any(|o| {
                o.name
                    .as_deref()
                    .zip(c.name.as_deref())
                    .is_some_and(|(x, y)| self.same_column(x, y))
            });
            if !known {
                self.check_not_captured(&table, c);
            }
        }
        for i in &t.indexes {
            if !b.indexes.iter().any(|o| self.same_index(o, i)) {
                self.create_index(&table, i);
            }
        }
    }

    pub(super) fn check_not_captured(&mut self, table: &str, c: &crate::model::CheckConstraint) {
        self.note(format!(
            "CHECK `{}` on `{table}` is not written: the database's catalog does not give its condition here; add it with `create_check`",
            c.name.as_deref().unwrap_or("(unnamed)")
        ));
    }

    /// `create_index` for `i`, when typed operations can say it.
    pub(super) fn create_index(&mut self, table: &str, i: &Index) {
        let columns: Option<Vec<String>> = i
            .parts
            .iter()
            .map(|p| match p {
                IndexPart::Column(c) => Some(c.clone()),
                IndexPart::Expression(_) => None,
            })
            .collect();
        match columns {
            Some(columns) if i.predicate.is_none() && i.method.is_none() => {
                self.detect(format!("added index `{}` on `{table}`", i.name), None);
                self.op(
                    Operation::CreateIndex(CreateIndex {
                        table: table.to_owned(),
                        columns,
                        name: Some(i.name.clone()),
                        unique: i.unique,
                        where_clause: None,
                        concurrently: false,
                    }),
                    Vec::new(),
                );
            }
            _ => self.note(format!(
                "index `{}` on `{table}` is not written: an expression, partial or non-default index needs SQL",
                i.name
            )),
        }
    }

    fn same_index(&self, a: &Index, b: &Index) -> bool {
        let parts = |i: &Index| -> Vec<String> {
            i.parts
                .iter()
                .map(|p| match p {
                    IndexPart::Column(c) => self.folded(NameKind::Member, c),
                    IndexPart::Expression(_) => "(expression)".to_owned(),
                })
                .collect()
        };
        self.same_column(&a.name, &b.name)
            && a.unique == b.unique
            && parts(a) == parts(b)
            && a.predicate.is_some() == b.predicate.is_some()
    }
}

/// An `alter_column` of `table.column` that changes nothing yet.
fn alter(table: &str, column: &str) -> AlterColumn {
    AlterColumn {
        table: table.to_owned(),
        column: column.to_owned(),
        ty: None,
        using: None,
        nullable: None,
        default: None,
        rename_to: None,
    }
}

/// `table(columns) -> parent(columns)`, for messages.
pub(super) fn fk_text(table: &str, f: &ForeignKey) -> String {
    let refs = if f.ref_columns.is_empty() {
        String::new()
    } else {
        format!("({})", f.ref_columns.join(", "))
    };
    format!(
        "`{table}({})` -> `{}{refs}`",
        f.columns.join(", "),
        f.ref_table
    )
}

/// Rename column `from` of table `table` to `to` everywhere `schema` names
/// it: the column, the table's keys and indexes, and foreign keys to it.
fn rename_column_in(schema: &mut Schema, table: &ObjectName, from: &str, to: &str) {
    let d = schema.dialect;
    let is = |c: &str| same_name(d, NameKind::Member, c, from);
    let rename = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| is(c)) {
            *c = to.to_owned();
        }
    };
    for t in schema.tables_mut() {
        let this = crate::model::same_relation(d, &t.name, table);
        for f in &mut t.foreign_keys {
            if crate::model::same_relation(d, &f.ref_table, table) {
                rename(&mut f.ref_columns);
            }
            if this {
                rename(&mut f.columns);
            }
        }
        if !this {
            continue;
        }
        for c in t.columns.iter_mut().filter(|c| is(&c.name)) {
            c.name = to.to_owned();
        }
        if let Some(p) = &mut t.primary_key {
            rename(&mut p.columns);
        }
        for u in &mut t.uniques {
            rename(&mut u.columns);
        }
        for i in &mut t.indexes {
            for p in &mut i.parts {
                if let IndexPart::Column(c) = p {
                    if is(c) {
                        *c = to.to_owned();
                    }
                }
            }
        }
    }
}
