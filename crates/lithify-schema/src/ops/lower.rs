//! Typed operations checked against the model and lowered to model-level
//! steps: what each operation means, with the names the convention gives,
//! the types the dialect declares, and what goes with a dropped column
//! spelled out (so every dialect drops the same things).

use std::collections::BTreeMap;

use super::change::{Change, Constraint, Position, Step};
use super::compile::{CompileError, Compiler, Lowered};
use super::parse::TYPES;
use super::render::literal;
use super::sql_text::mentions;
use super::{
    AlterColumn, ColumnSpec, CreateIndex, CreateTable, DefaultValue, Execute, ForeignKeySpec,
    Insert, Literal, Located, Operation, PortableType,
};
use crate::model::{
    same_name, CheckConstraint, Column, Dialect, ForeignKey, Identity, Index, IndexPart, NameKind,
    ObjectName, PrimaryKey, SqlType, Table, UniqueConstraint,
};
use crate::naming::convention::{Kind, NameParts};

impl Compiler<'_> {
    /// What `op` means here.
    pub(crate) fn lower(&mut self, op: &Located<Operation>) -> Result<Lowered, CompileError> {
        let line = op.line;
        let changes = |table: &str, changes: Vec<Change>| {
            Ok(Lowered::Changes(ObjectName::new(table), changes))
        };
        match &op.value {
            Operation::CreateTable(c) => self
                .create_table(c, line)
                .map(|s| Lowered::Step(Box::new(s))),
            Operation::DropTable { table } => self
                .drop_table(table, line)
                .map(|s| Lowered::Step(Box::new(s))),
            Operation::RenameTable { table, to } => self
                .rename_table(table, to, line)
                .map(|s| Lowered::Step(Box::new(s))),
            Operation::AddColumn { table, column } => {
                changes(table, self.add_column(table, column, line)?)
            }
            Operation::DropColumn { table, column } => {
                changes(table, self.drop_column(table, column, line)?)
            }
            Operation::AlterColumn(a) => changes(&a.table, self.alter_column(a, line)?),
            Operation::CreateIndex(c) => changes(&c.table, self.create_index(c, line)?),
            Operation::DropIndex { table, name } => {
                changes(table, self.drop_index(table, name, line)?)
            }
            Operation::CreateForeignKey(f) => {
                let t = self.current(&f.table, line)?;
                let fk = self.foreign_key(&t, f, line)?;
                changes(
                    &f.table,
                    vec![Change::AddConstraint(Constraint::ForeignKey(fk))],
                )
            }
            Operation::CreateUnique {
                table,
                columns,
                name,
            } => {
                let t = self.current(table, line)?;
                self.columns_exist(&t, columns, line)?;
                let name = match name {
                    Some(n) => n.clone(),
                    None => self.name(Kind::Unique, table, columns, None, None, line)?,
                };
                self.constraint_name_free(&t, &name, line)?;
                changes(
                    table,
                    vec![Change::AddConstraint(Constraint::Unique(
                        UniqueConstraint {
                            name: Some(name),
                            columns: columns.clone(),
                        },
                    ))],
                )
            }
            Operation::CreateCheck { table, expr, name } => {
                let t = self.current(table, line)?;
                let check = self.check(&t, expr, name.as_deref(), None, line)?;
                changes(table, vec![Change::AddConstraint(Constraint::Check(check))])
            }
            Operation::DropConstraint { table, name } => {
                changes(table, self.drop_constraint(table, name, line)?)
            }
            Operation::Execute(e) => Ok(Lowered::Step(Box::new(self.execute(e)))),
            Operation::Insert(i) => self.insert(i, line).map(|s| Lowered::Step(Box::new(s))),
        }
    }

    /// The table `name` as the operations so far leave it, checked known.
    pub(crate) fn current(&self, name: &str, line: u32) -> Result<Table, CompileError> {
        let name = ObjectName::new(name);
        if let Some(p) = &self.pending {
            if self.schema.same_relation(&p.table, &name) {
                return Ok(p.working.clone());
            }
        }
        self.known_table(&name, line).cloned()
    }

    /// The table `name` in the schema, checked to exist and be known.
    pub(crate) fn known_table(&self, name: &ObjectName, line: u32) -> Result<&Table, CompileError> {
        let t = self.schema.find_table(name).ok_or_else(|| {
            CompileError::at(line, format!("there is no table `{name}` here"))
                .help("the chain's schema before this operation has no such table (`lithify schema --at <parent>` prints it)")
        })?;
        if let Some(u) = &t.unknown {
            return Err(CompileError::at(
                line,
                format!(
                    "the shape of table `{name}` is not known (since {}:{}: {}), so a typed operation cannot change it",
                    u.file.display(),
                    u.line,
                    u.reason
                ),
            )
            .help("write this change as SQL (an `execute` operation, or up.sql), or recreate the table with `create_table`"));
        }
        Ok(t)
    }

    fn column<'t>(
        &self,
        t: &'t Table,
        column: &str,
        line: u32,
    ) -> Result<&'t Column, CompileError> {
        t.find_column(self.dialect(), column).ok_or_else(|| {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            CompileError::at(line, format!("table `{}` has no column `{column}`", t.name))
                .help(format!("its columns: {}", names.join(", ")))
        })
    }

    fn columns_exist(&self, t: &Table, columns: &[String], line: u32) -> Result<(), CompileError> {
        if columns.is_empty() {
            return Err(CompileError::at(line, "`columns` is empty"));
        }
        for c in columns {
            self.column(t, c, line)?;
        }
        Ok(())
    }

    fn name(
        &self,
        kind: Kind,
        table: &str,
        columns: &[String],
        referred: Option<(&str, &[String])>,
        constraint_name: Option<&str>,
        line: u32,
    ) -> Result<String, CompileError> {
        let (referred_table, referred_columns) = match referred {
            Some((t, c)) => (Some(t), c),
            None => (None, &[][..]),
        };
        self.input
            .naming
            .name(
                kind,
                &NameParts {
                    table,
                    columns,
                    referred_table,
                    referred_columns,
                    constraint_name,
                },
            )
            .map_err(|e| {
                CompileError::at(line, e.0)
                    .help("give it a `name`, or change the template in lithify.toml's [naming]")
            })
    }

    fn constraint_name_free(&self, t: &Table, name: &str, line: u32) -> Result<(), CompileError> {
        let d = self.dialect();
        let taken = t
            .constraint_names()
            .iter()
            .any(|n| same_name(d, NameKind::Member, n, name))
            || t.indexes
                .iter()
                .any(|i| same_name(d, NameKind::Member, &i.name, name));
        if taken {
            return Err(CompileError::at(
                line,
                format!(
                    "table `{}` already has a constraint or index `{name}`",
                    t.name
                ),
            ));
        }
        Ok(())
    }

    /// A column of the model from its spec; `siblings`, the columns of the
    /// table being created so far (a self-reference's type is there).
    fn column_model(
        &self,
        table: &str,
        spec: &ColumnSpec,
        siblings: &[Column],
        line: u32,
    ) -> Result<Column, CompileError> {
        let d = self.dialect();
        let ty = match &spec.ty {
            PortableType::Referenced => self.referenced_type(table, spec, siblings, line)?,
            portable => {
                let declared = self.r.portable_type(portable).map_err(|e| {
                    CompileError::at(line, format!("column `{table}.{}`: {e}", spec.name))
                })?;
                // A SQLite table's rowid is only an INTEGER PRIMARY KEY.
                let declared = if spec.identity && d == Dialect::Sqlite {
                    "INTEGER".to_owned()
                } else {
                    declared
                };
                SqlType::parse(d, &declared)
                    .map_err(|e| {
                        CompileError::at(line, format!("column `{table}.{}`: {e}", spec.name))
                    })?
                    .0
            }
        };
        let identity = match (spec.identity, d) {
            (false, _) | (true, Dialect::Sqlite) => None,
            (true, Dialect::Postgres) => Some(Identity::ByDefault),
            (true, Dialect::Mysql) => Some(Identity::AutoIncrement),
        };
        Ok(Column {
            name: spec.name.clone(),
            ty,
            nullable: spec.nullable && !spec.primary_key,
            default: spec.default.as_ref().map(|v| default_sql(v, d)),
            identity,
            generated: None,
            // SQLite keeps no comments.
            comment: spec.comment.clone().filter(|_| d != Dialect::Sqlite),
        })
    }

    /// The type of the column `spec` references, from the model (or from
    /// `siblings`, for a reference to the table being created).
    fn referenced_type(
        &self,
        table: &str,
        spec: &ColumnSpec,
        siblings: &[Column],
        line: u32,
    ) -> Result<SqlType, CompileError> {
        let d = self.dialect();
        let missing = |what: String| {
            CompileError::at(
                line,
                format!("column `{table}.{}` has no `type`, and {what}", spec.name),
            )
            .help(format!("give it a `type` ({TYPES})"))
        };
        let Some(r) = &spec.references else {
            return Err(missing("no `references` to take one from".to_owned()));
        };
        let referenced = if same_name(d, NameKind::Relation, &r.table, table) {
            siblings
                .iter()
                .find(|c| same_name(d, NameKind::Member, &c.name, &r.column))
        } else {
            self.schema
                .find_table(&ObjectName::new(r.table.as_str()))
                .filter(|t| t.unknown.is_none())
                .and_then(|t| t.find_column(d, &r.column))
        };
        referenced.map(|c| c.ty.clone()).ok_or_else(|| {
            missing(format!(
                "the model has no column `{}.{}` to take its type from",
                r.table, r.column
            ))
        })
    }

    fn create_table(&mut self, c: &CreateTable, line: u32) -> Result<Step, CompileError> {
        let d = self.dialect();
        let name = ObjectName::new(c.table.as_str());
        if self.schema.find_table(&name).is_some() || self.schema.find_view(&name).is_some() {
            return Err(CompileError::at(
                line,
                format!("table `{name}` already exists here"),
            ));
        }
        if c.columns.is_empty() {
            return Err(CompileError::at(
                line,
                format!("table `{name}` needs at least one column"),
            ));
        }
        let mut table = Table::new(name.clone());
        for spec in &c.columns {
            if table.find_column(d, &spec.name).is_some() {
                return Err(CompileError::at(
                    line,
                    format!("column `{}` is given twice", spec.name),
                ));
            }
            let column = self.column_model(&c.table, spec, &table.columns, line)?;
            table.columns.push(column);
        }
        let mut pk: Vec<String> = c
            .columns
            .iter()
            .filter(|s| s.primary_key)
            .map(|s| s.name.clone())
            .collect();
        if !c.primary_key.is_empty() {
            if !pk.is_empty() {
                return Err(CompileError::at(
                    line,
                    "a primary key both on columns and in `primary_key`: give one",
                ));
            }
            self.columns_exist(&table, &c.primary_key, line)?;
            pk.clone_from(&c.primary_key);
            for col in &mut table.columns {
                if pk
                    .iter()
                    .any(|k| same_name(d, NameKind::Member, k, &col.name))
                {
                    col.nullable = false;
                }
            }
        }
        for spec in c.columns.iter().filter(|s| s.identity) {
            if pk.len() != 1 || !same_name(d, NameKind::Member, &pk[0], &spec.name) {
                return Err(CompileError::at(
                    line,
                    format!(
                        "`identity` on `{}.{}` needs it to be the table's one primary-key column",
                        c.table, spec.name
                    ),
                ));
            }
        }
        if !pk.is_empty() {
            table.primary_key = Some(PrimaryKey {
                name: Some(self.name(Kind::PrimaryKey, &c.table, &pk, None, None, line)?),
                columns: pk,
            });
        }
        for spec in c.columns.iter().filter(|s| s.unique) {
            let cols = vec![spec.name.clone()];
            table.uniques.push(UniqueConstraint {
                name: Some(self.name(Kind::Unique, &c.table, &cols, None, None, line)?),
                columns: cols,
            });
        }
        for u in &c.unique {
            self.columns_exist(&table, &u.columns, line)?;
            let name = match &u.name {
                Some(n) => n.clone(),
                None => self.name(Kind::Unique, &c.table, &u.columns, None, None, line)?,
            };
            table.uniques.push(UniqueConstraint {
                name: Some(name),
                columns: u.columns.clone(),
            });
        }
        for spec in &c.columns {
            if let Some(check) = &spec.check {
                let k = self.check(&table, check, None, Some(&spec.name), line)?;
                table.checks.push(k);
            }
        }
        for k in &c.checks {
            let check = self.check(&table, &k.expr, k.name.as_deref(), None, line)?;
            table.checks.push(check);
        }
        for spec in &c.columns {
            if let Some(r) = &spec.references {
                let fk = self.foreign_key(
                    &table,
                    &ForeignKeySpec {
                        table: c.table.clone(),
                        columns: vec![spec.name.clone()],
                        ref_table: r.table.clone(),
                        ref_columns: vec![r.column.clone()],
                        name: None,
                        on_delete: r.on_delete,
                        on_update: r.on_update,
                    },
                    line,
                )?;
                table.foreign_keys.push(fk);
            }
        }
        self.created.push(name);
        Ok(Step::CreateTable {
            table,
            triggers: Vec::new(),
        })
    }

    fn drop_table(&mut self, table: &str, line: u32) -> Result<Step, CompileError> {
        let t = self.known_table(&ObjectName::new(table), line)?;
        let name = t.name.clone();
        if let Some((other, fk)) = self.referencing(&name, None) {
            return Err(CompileError::at(
                line,
                format!(
                    "table `{name}` is referenced by foreign key `{}` of table `{other}`",
                    fk.name.as_deref().unwrap_or("(unnamed)")
                ),
            )
            .help("drop that foreign key (or its table) first"));
        }
        if let Some(v) = self.views_reading(&name, None) {
            return Err(
                CompileError::at(line, format!("view `{v}` reads table `{name}`"))
                    .help("drop the view first (`execute`)"),
            );
        }
        Ok(Step::DropTable(name))
    }

    fn rename_table(&mut self, table: &str, to: &str, line: u32) -> Result<Step, CompileError> {
        let t = self.known_table(&ObjectName::new(table), line)?;
        let from = t.name.clone();
        let new = ObjectName::in_schema(from.schema.clone(), to);
        if self.schema.find_table(&new).is_some() || self.schema.find_view(&new).is_some() {
            return Err(CompileError::at(
                line,
                format!("a table or view `{new}` already exists"),
            ));
        }
        if self.dialect() == Dialect::Mysql {
            if let Some(v) = self.views_reading(&from, None) {
                return Err(CompileError::at(
                    line,
                    format!(
                        "view `{v}` reads `{from}`, and MySQL does not follow a rename in views"
                    ),
                )
                .help("drop the view before the rename and create it again after (`execute`)"));
            }
        }
        Ok(Step::RenameTable {
            from,
            to: to.to_owned(),
        })
    }

    fn add_column(
        &mut self,
        table: &str,
        spec: &ColumnSpec,
        line: u32,
    ) -> Result<Vec<Change>, CompileError> {
        let t = self.current(table, line)?;
        if t.find_column(self.dialect(), &spec.name).is_some() {
            return Err(CompileError::at(
                line,
                format!("table `{table}` already has a column `{}`", spec.name),
            ));
        }
        if spec.primary_key || spec.identity {
            return Err(CompileError::at(
                line,
                format!("`{table}.{}`: add_column cannot add a primary-key or identity column", spec.name),
            )
            .help("create the table with it (`create_table`), or add the column and then the key with SQL (`execute`)"));
        }
        let fresh = self
            .created
            .iter()
            .any(|n| self.schema.same_relation(n, &t.name));
        let has_default = matches!(&spec.default, Some(DefaultValue::Sql(_)))
            || matches!(&spec.default, Some(DefaultValue::Literal(l)) if *l != Literal::Null);
        if !spec.nullable && !has_default && !fresh {
            return Err(CompileError::at(
                line,
                format!("`{table}.{}` is added NOT NULL without a default: the table's existing rows would have no value", spec.name),
            )
            .help("give it a `default`, or add it nullable, fill it (`execute`), then `alter_column` it to `nullable = false`"));
        }
        let column = self.column_model(table, spec, &[], line)?;
        let mut constraints = Vec::new();
        let mut probe = t.clone();
        probe.columns.push(column.clone());
        if spec.unique {
            let cols = vec![spec.name.clone()];
            constraints.push(Constraint::Unique(UniqueConstraint {
                name: Some(self.name(Kind::Unique, table, &cols, None, None, line)?),
                columns: cols,
            }));
        }
        if let Some(check) = &spec.check {
            constraints.push(Constraint::Check(self.check(
                &probe,
                check,
                None,
                Some(&spec.name),
                line,
            )?));
        }
        if let Some(r) = &spec.references {
            let fk = self.foreign_key(
                &probe,
                &ForeignKeySpec {
                    table: table.to_owned(),
                    columns: vec![spec.name.clone()],
                    ref_table: r.table.clone(),
                    ref_columns: vec![r.column.clone()],
                    name: None,
                    on_delete: r.on_delete,
                    on_update: r.on_update,
                },
                line,
            )?;
            constraints.push(Constraint::ForeignKey(fk));
        }
        Ok(vec![Change::AddColumn {
            column,
            position: Position::End,
            constraints,
        }])
    }

    fn drop_column(
        &mut self,
        table: &str,
        column: &str,
        line: u32,
    ) -> Result<Vec<Change>, CompileError> {
        let d = self.dialect();
        let t = self.current(table, line)?;
        let col = self.column(&t, column, line)?.name.clone();
        let is = |c: &String| same_name(d, NameKind::Member, c, &col);
        if t.primary_key
            .as_ref()
            .is_some_and(|p| p.columns.iter().any(is))
        {
            return Err(CompileError::at(
                line,
                format!("`{table}.{col}` is part of the primary key"),
            )
            .help("drop the primary key first (`drop_constraint`), or the table"));
        }
        if t.columns.len() == 1 {
            return Err(
                CompileError::at(line, format!("`{col}` is the only column of `{table}`"))
                    .help("drop the table instead"),
            );
        }
        if let Some((other, fk)) = self.referencing(&t.name, Some(&col)) {
            return Err(CompileError::at(
                line,
                format!(
                    "`{table}.{col}` is referenced by foreign key `{}` of table `{other}`",
                    fk.name.as_deref().unwrap_or("(unnamed)")
                ),
            )
            .help("drop that foreign key first"));
        }
        if let Some(v) = self.views_reading(&t.name, Some(&col)) {
            return Err(
                CompileError::at(line, format!("view `{v}` may read `{table}.{col}`")).help(
                    "drop the view before this operation and create it again after (`execute`)",
                ),
            );
        }
        let mut changes = Vec::new();
        for f in t.foreign_keys.iter().filter(|f| f.columns.iter().any(is)) {
            changes.push(Change::DropConstraint(Constraint::ForeignKey(f.clone())));
        }
        for k in t.checks.iter().filter(|k| mentions(d, &k.expr, &col)) {
            changes.push(Change::DropConstraint(Constraint::Check(k.clone())));
        }
        for u in t.uniques.iter().filter(|u| u.columns.iter().any(is)) {
            changes.push(Change::DropConstraint(Constraint::Unique(u.clone())));
        }
        for i in t.indexes.iter().filter(|i| index_uses(d, i, &col)) {
            changes.push(Change::DropIndex(i.clone()));
        }
        changes.push(Change::DropColumn(col));
        Ok(changes)
    }

    fn alter_column(&mut self, a: &AlterColumn, line: u32) -> Result<Vec<Change>, CompileError> {
        let d = self.dialect();
        let t = self.current(&a.table, line)?;
        let from = self.column(&t, &a.column, line)?.clone();
        let mut to = from.clone();
        if let Some(ty) = &a.ty {
            let spec = ColumnSpec {
                name: from.name.clone(),
                ty: ty.clone(),
                nullable: from.nullable,
                default: None,
                primary_key: false,
                identity: false,
                unique: false,
                references: None,
                check: None,
                comment: None,
            };
            to.ty = self.column_model(&a.table, &spec, &[], line)?.ty;
            if d == Dialect::Postgres {
                if let Some(v) = self.views_reading(&t.name, Some(&from.name)) {
                    return Err(CompileError::at(line, format!("view `{v}` may read `{}.{}`, and PostgreSQL cannot change the type of a column a view uses", a.table, from.name))
                        .help("drop the view before this operation and create it again after (`execute`)"));
                }
            }
        }
        if let Some(n) = a.nullable {
            let in_key = t.primary_key.as_ref().is_some_and(|p| {
                p.columns
                    .iter()
                    .any(|c| same_name(d, NameKind::Member, c, &from.name))
            });
            if n && in_key {
                return Err(CompileError::at(
                    line,
                    format!(
                        "`{}.{}` is part of the primary key, which cannot be NULL",
                        a.table, from.name
                    ),
                ));
            }
            to.nullable = n;
        }
        if let Some(default) = &a.default {
            to.default = default.as_ref().map(|v| default_sql(v, d));
        }
        let mut changes = Vec::new();
        if to != from {
            changes.push(Change::AlterColumn {
                from: from.clone(),
                to,
                using: a.using.clone(),
            });
        }
        if let Some(new) = &a.rename_to {
            if t.find_column(d, new).is_some() && !same_name(d, NameKind::Member, new, &from.name) {
                return Err(CompileError::at(
                    line,
                    format!("table `{}` already has a column `{new}`", a.table),
                ));
            }
            if d == Dialect::Mysql {
                if let Some(v) = self.views_reading(&t.name, Some(&from.name)) {
                    return Err(CompileError::at(line, format!("view `{v}` may read `{}.{}`, and MySQL does not follow a rename in views", a.table, from.name))
                        .help("drop the view before the rename and create it again after (`execute`)"));
                }
            }
            changes.push(Change::RenameColumn {
                from: from.name.clone(),
                to: new.clone(),
            });
        }
        Ok(changes)
    }

    fn create_index(&mut self, c: &CreateIndex, line: u32) -> Result<Vec<Change>, CompileError> {
        let d = self.dialect();
        let t = self.current(&c.table, line)?;
        self.columns_exist(&t, &c.columns, line)?;
        let name = match &c.name {
            Some(n) => n.clone(),
            None => self.name(Kind::Index, &c.table, &c.columns, None, None, line)?,
        };
        let taken = if d == Dialect::Mysql {
            t.find_index(d, &name).is_some()
        } else {
            self.schema
                .table_of_index(t.name.schema.as_deref(), &name)
                .is_some()
                || t.find_index(d, &name).is_some()
        };
        if taken {
            return Err(CompileError::at(
                line,
                format!("an index `{name}` already exists"),
            ));
        }
        if c.where_clause.is_some() && d == Dialect::Mysql {
            return Err(
                CompileError::at(line, "MySQL has no partial indexes (`where`)")
                    .help("write the index as an `execute` with `sqlite`, `postgres` and `mysql` variants (MySQL's without `where`) and a `down`, or build without MySQL"),
            );
        }
        Ok(vec![Change::CreateIndex {
            index: Index {
                name,
                unique: c.unique,
                parts: c.columns.iter().cloned().map(IndexPart::Column).collect(),
                predicate: c.where_clause.clone(),
                method: None,
                for_foreign_key: false,
            },
            concurrently: c.concurrently && d == Dialect::Postgres,
        }])
    }

    fn drop_index(
        &mut self,
        table: &str,
        name: &str,
        line: u32,
    ) -> Result<Vec<Change>, CompileError> {
        let t = self.current(table, line)?;
        let index = t.find_index(self.dialect(), name).cloned().ok_or_else(|| {
            let names: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
            CompileError::at(line, format!("table `{table}` has no index `{name}`")).help(format!(
                "its indexes: {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ))
        })?;
        Ok(vec![Change::DropIndex(index)])
    }

    fn drop_constraint(
        &mut self,
        table: &str,
        name: &str,
        line: u32,
    ) -> Result<Vec<Change>, CompileError> {
        let d = self.dialect();
        let t = self.current(table, line)?;
        let is = |n: &Option<String>| {
            n.as_deref()
                .is_some_and(|n| same_name(d, NameKind::Member, n, name))
        };
        if let Some(pk) = t.primary_key.as_ref().filter(|p| {
            is(&p.name) || (d == Dialect::Mysql && name.eq_ignore_ascii_case("primary"))
        }) {
            if let Some((other, fk)) =
                self.referencing(&t.name, pk.columns.first().map(String::as_str))
            {
                return Err(CompileError::at(
                    line,
                    format!("the primary key of `{table}` is referenced by foreign key `{}` of `{other}`", fk.name.as_deref().unwrap_or("(unnamed)")),
                )
                .help("drop that foreign key first"));
            }
            return Ok(vec![Change::DropConstraint(Constraint::PrimaryKey(
                pk.clone(),
            ))]);
        }
        if let Some(f) = t.foreign_keys.iter().find(|f| is(&f.name)) {
            let mut out = vec![Change::DropConstraint(Constraint::ForeignKey(f.clone()))];
            // InnoDB keeps the index it made for the key: it goes too, so
            // that the table is the same on every dialect.
            let cols: Vec<IndexPart> = f.columns.iter().cloned().map(IndexPart::Column).collect();
            if let Some(i) = t
                .indexes
                .iter()
                .find(|i| i.for_foreign_key && i.parts == cols)
            {
                out.push(Change::DropIndex(i.clone()));
            }
            return Ok(out);
        }
        if let Some(u) = t.uniques.iter().find(|u| is(&u.name)) {
            return Ok(vec![Change::DropConstraint(Constraint::Unique(u.clone()))]);
        }
        if let Some(k) = t.checks.iter().find(|k| is(&k.name)) {
            return Ok(vec![Change::DropConstraint(Constraint::Check(k.clone()))]);
        }
        if d == Dialect::Mysql {
            // MySQL's UNIQUE constraints are unique indexes.
            if let Some(i) = t
                .indexes
                .iter()
                .find(|i| i.unique && same_name(d, NameKind::Member, &i.name, name))
            {
                return Ok(vec![Change::DropIndex(i.clone())]);
            }
        }
        let names = t.constraint_names();
        Err(CompileError::at(line, format!("table `{table}` has no constraint `{name}`")).help(if names.is_empty() {
            "it has no named constraints; SQLite keeps only the names the SQL wrote, and typed operations name theirs by the naming convention".to_owned()
        } else {
            format!("its constraints: {}", names.join(", "))
        }))
    }

    fn execute(&self, e: &Execute) -> Step {
        let sql = e
            .per_dialect
            .get(&self.dialect())
            .or(e.sql.as_ref())
            .cloned()
            .unwrap_or_default();
        Step::Sql { sql, user: true }
    }

    fn insert(&self, i: &Insert, line: u32) -> Result<Step, CompileError> {
        let d = self.dialect();
        let t = self.current(&i.table, line)?;
        let mut statements = Vec::new();
        // Rows with the same columns share one INSERT.
        let mut groups: BTreeMap<Vec<String>, Vec<&BTreeMap<String, Literal>>> = BTreeMap::new();
        for row in &i.rows {
            for c in row.keys() {
                self.column(&t, c, line)?;
            }
            groups
                .entry(row.keys().cloned().collect())
                .or_default()
                .push(row);
        }
        for (cols, rows) in groups {
            let values: Vec<String> = rows
                .iter()
                .map(|row| {
                    let v: Vec<String> = cols
                        .iter()
                        .map(|c| {
                            row.get(c)
                                .map_or_else(|| "NULL".to_owned(), |l| literal(l, d))
                        })
                        .collect();
                    format!("({})", v.join(", "))
                })
                .collect();
            statements.push(format!(
                "INSERT INTO {} ({}) VALUES\n    {}",
                super::render::qualified(self.r.as_ref(), &t.name),
                super::render::column_list(self.r.as_ref(), &cols),
                values.join(",\n    ")
            ));
        }
        Ok(Step::Sql {
            sql: statements.join(";\n"),
            user: false,
        })
    }

    /// A CHECK named by `name`, or by the convention with the column it is
    /// on (or the one column its condition uses) as `%(constraint_name)s`.
    fn check(
        &self,
        t: &Table,
        expr: &str,
        name: Option<&str>,
        column: Option<&str>,
        line: u32,
    ) -> Result<CheckConstraint, CompileError> {
        let d = self.dialect();
        let name = match name {
            Some(n) => n.to_owned(),
            None => {
                let used = column.map(str::to_owned).or_else(|| {
                    let mut cols = t.columns.iter().filter(|c| mentions(d, expr, &c.name));
                    match (cols.next(), cols.next()) {
                        (Some(c), None) => Some(c.name.clone()),
                        _ => None,
                    }
                });
                let cols: Vec<String> = used.iter().cloned().collect();
                self.name(
                    Kind::Check,
                    &t.name.name,
                    &cols,
                    None,
                    used.as_deref(),
                    line,
                )?
            }
        };
        Ok(CheckConstraint {
            name: Some(name),
            expr: expr.to_owned(),
            column: column.map(str::to_owned),
        })
    }

    /// A foreign key of `t` (which may be the table being created), checked.
    fn foreign_key(
        &self,
        t: &Table,
        f: &ForeignKeySpec,
        line: u32,
    ) -> Result<ForeignKey, CompileError> {
        let d = self.dialect();
        self.columns_exist(t, &f.columns, line)?;
        let ref_name = ObjectName::new(f.ref_table.as_str());
        let referenced = if self.schema.same_relation(&ref_name, &t.name) {
            t.clone()
        } else {
            self.current(&f.ref_table, line)?
        };
        self.columns_exist(&referenced, &f.ref_columns, line)?;
        if f.columns.len() != f.ref_columns.len() {
            return Err(CompileError::at(
                line,
                "a foreign key needs as many referenced columns as columns",
            ));
        }
        let name = match &f.name {
            Some(n) => n.clone(),
            None => self.name(
                Kind::ForeignKey,
                &t.name.name,
                &f.columns,
                Some((&f.ref_table, &f.ref_columns)),
                None,
                line,
            )?,
        };
        let canonical = |table: &Table, c: &String| {
            table
                .find_column(d, c)
                .map_or_else(|| c.clone(), |c| c.name.clone())
        };
        Ok(ForeignKey {
            name: Some(name),
            columns: f.columns.iter().map(|c| canonical(t, c)).collect(),
            ref_table: referenced.name.clone(),
            ref_columns: f
                .ref_columns
                .iter()
                .map(|c| canonical(&referenced, c))
                .collect(),
            on_delete: f.on_delete,
            on_update: f.on_update,
        })
    }

    /// Another table's foreign key to `table` (to `column` of it, if given).
    fn referencing(
        &self,
        table: &ObjectName,
        column: Option<&str>,
    ) -> Option<(ObjectName, ForeignKey)> {
        let d = self.dialect();
        self.schema
            .known_tables()
            .filter(|t| !self.schema.same_relation(&t.name, table))
            .find_map(|t| {
                t.foreign_keys
                    .iter()
                    .find(|f| {
                        self.schema.same_relation(&f.ref_table, table)
                            && column.is_none_or(|c| {
                                f.ref_columns
                                    .iter()
                                    .any(|r| same_name(d, NameKind::Member, r, c))
                                    || f.ref_columns.is_empty()
                            })
                    })
                    .map(|f| (t.name.clone(), f.clone()))
            })
    }

    /// A view that reads `table` (and names `column`, if given).
    fn views_reading(&self, table: &ObjectName, column: Option<&str>) -> Option<ObjectName> {
        let d = self.dialect();
        self.schema
            .views
            .iter()
            .find(|v| {
                v.tables.iter().any(|t| self.schema.same_relation(t, table))
                    && column
                        .is_none_or(|c| v.definition.as_deref().is_none_or(|q| mentions(d, q, c)))
            })
            .map(|v| v.name.clone())
    }
}

/// True when `index` uses `column` (as a key, in an expression or in its
/// condition).
fn index_uses(d: Dialect, index: &Index, column: &str) -> bool {
    index.parts.iter().any(|p| match p {
        IndexPart::Column(c) => same_name(d, NameKind::Member, c, column),
        IndexPart::Expression(e) => mentions(d, e, column),
    }) || index
        .predicate
        .as_deref()
        .is_some_and(|w| mentions(d, w, column))
}

/// A default as the SQL text the model keeps.
pub(crate) fn default_sql(v: &DefaultValue, d: Dialect) -> String {
    match v {
        DefaultValue::Literal(l) => literal(l, d),
        DefaultValue::Sql(s) => s.clone(),
    }
}
