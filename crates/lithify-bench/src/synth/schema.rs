//! Synthetic chains that exercise the schema model: beside tables, columns
//! and indexes (what [`super::generate`] makes), renames of tables and
//! columns, type changes, CHECK / UNIQUE / foreign-key constraints added and
//! dropped, partial and expression indexes, views, PostgreSQL enums (MySQL's
//! inline ones) and, on SQLite, the hand-written table rebuild for what its
//! `ALTER TABLE` cannot do. One chain per engine, since each engine gets the
//! SQL real migrations write for it.
//!
//! Like [`super::generate`], the output depends only on the arguments. The
//! generator keeps its own small model of the schema so that every revision
//! is valid where it stands on its engine. Only upgrades are generated: each
//! `down.sql` says the revision is not reversible. The benchmarks' chains
//! ([`super::generate`]) are not affected by this module.

use std::fmt::Write as _;

use super::{format_timestamp, Revision, XorShift64, START_EPOCH};

/// The engine a schema chain is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// SQLite 3.35 or later.
    Sqlite,
    /// PostgreSQL 12 or later.
    Postgres,
    /// MySQL 8 or MariaDB 10.5 or later.
    Mysql,
}

/// The kinds of change a schema-chain revision makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaOp {
    /// `CREATE TABLE` with a key, columns, perhaps a foreign key, a UNIQUE
    /// and a CHECK.
    CreateTable,
    /// `ADD COLUMN`.
    AddColumn,
    /// `DROP COLUMN`.
    DropColumn,
    /// `RENAME COLUMN`.
    RenameColumn,
    /// `RENAME TO` / `RENAME TABLE`.
    RenameTable,
    /// A column's type widened (`ALTER COLUMN TYPE`, `MODIFY`, or a SQLite
    /// rebuild).
    ChangeType,
    /// `CREATE [UNIQUE] INDEX`, sometimes partial or on an expression.
    CreateIndex,
    /// `DROP INDEX`.
    DropIndex,
    /// A CHECK or UNIQUE constraint added (a rebuild on SQLite).
    AddConstraint,
    /// A CHECK or UNIQUE constraint dropped (a rebuild on SQLite).
    DropConstraint,
    /// A column with a foreign key to another table's key.
    AddForeignKey,
    /// `CREATE VIEW`.
    CreateView,
    /// `DROP VIEW`.
    DropView,
    /// PostgreSQL `CREATE TYPE ... AS ENUM`.
    CreateEnum,
    /// PostgreSQL `ALTER TYPE ... ADD VALUE`.
    AddEnumValue,
    /// `DROP TABLE`.
    DropTable,
}

/// A column's type, as the generator tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Int,
    BigInt,
    Text,
    Varchar(u32),
    Bool,
    Real,
    Timestamp,
    Decimal,
    /// PostgreSQL: a `CREATE TYPE` enum, by index into the generator's list.
    PgEnum(usize),
    /// MySQL: an inline `ENUM(...)`.
    MyEnum,
    /// The key's type, for foreign keys to it.
    Key,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    ty: Ty,
    not_null: bool,
}

#[derive(Debug, Clone)]
struct Index {
    name: String,
    column: String,
    unique: bool,
    /// `lower(col)` instead of the column (SQLite and PostgreSQL).
    expression: bool,
    /// `WHERE col IS NOT NULL` (SQLite and PostgreSQL).
    partial: bool,
}

#[derive(Debug, Clone)]
enum Constraint {
    Check {
        name: String,
        column: String,
    },
    Unique {
        name: String,
        column: String,
    },
    ForeignKey {
        name: String,
        column: String,
        table: String,
    },
}

impl Constraint {
    fn name(&self) -> &str {
        match self {
            Constraint::Check { name, .. }
            | Constraint::Unique { name, .. }
            | Constraint::ForeignKey { name, .. } => name,
        }
    }

    fn column(&self) -> &str {
        match self {
            Constraint::Check { column, .. }
            | Constraint::Unique { column, .. }
            | Constraint::ForeignKey { column, .. } => column,
        }
    }
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    constraints: Vec<Constraint>,
    indexes: Vec<Index>,
}

#[derive(Debug, Clone)]
struct View {
    name: String,
    table: String,
    columns: Vec<String>,
}

#[derive(Debug, Clone)]
struct PgEnum {
    name: String,
    labels: Vec<String>,
}

const TABLE_WORDS: &[&str] = &[
    "users", "posts", "orders", "invoices", "products", "tags", "events", "jobs", "teams",
    "projects", "notes", "offers",
];

const COLUMN_WORDS: &[&str] = &[
    "status", "title", "email", "amount", "priority", "slug", "score", "region", "label", "rank",
    "owner", "kind",
];

const MAX_COLUMNS: usize = 10;

struct Generator {
    engine: Engine,
    rng: XorShift64,
    tables: Vec<Table>,
    views: Vec<View>,
    enums: Vec<PgEnum>,
    serial: u64,
    clock: u64,
}

/// Generates a schema chain of `revisions` revisions for `engine` from
/// `seed`, with the kind of each revision alongside.
pub fn generate_with_kinds(
    engine: Engine,
    revisions: usize,
    seed: u64,
) -> Vec<(Revision, SchemaOp)> {
    let mut g = Generator {
        engine,
        rng: XorShift64::new(seed),
        tables: Vec::new(),
        views: Vec::new(),
        enums: Vec::new(),
        serial: 0,
        clock: START_EPOCH,
    };
    let mut out = Vec::with_capacity(revisions);
    for _ in 0..revisions {
        let (op, name, up) = g.next_revision();
        g.clock += g.rng.range(600, 86_400);
        out.push((
            Revision {
                dir_name: format!("{}_{name}", format_timestamp(g.clock)),
                up_sql: up,
                down_sql: "-- not reversible: a schema-model test chain\n".to_owned(),
            },
            op,
        ));
    }
    out
}

/// Generates a schema chain of `revisions` revisions for `engine` from
/// `seed`; write it with [`super::write_chain`].
pub fn generate(engine: Engine, revisions: usize, seed: u64) -> Vec<Revision> {
    generate_with_kinds(engine, revisions, seed)
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

impl Generator {
    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn new_name(&mut self, words: &[&str]) -> String {
        let word = self.rng.pick(words).copied().unwrap_or("x");
        format!("{word}_{}", self.next_serial())
    }

    /// An operation that can run now, and the table it works on.
    fn next_revision(&mut self) -> (SchemaOp, String, String) {
        loop {
            let op = self.choose_op();
            if let Some((name, up)) = self.try_op(op) {
                return (op, name, up);
            }
        }
    }

    fn choose_op(&mut self) -> SchemaOp {
        use SchemaOp::*;
        let n = self.tables.len();
        if n < 3 {
            return CreateTable;
        }
        let pg = self.engine == Engine::Postgres;
        let weights: [(SchemaOp, u64); 16] = [
            (CreateTable, if n < 25 { 10 } else { 3 }),
            (AddColumn, 14),
            (DropColumn, 6),
            (RenameColumn, 7),
            (RenameTable, 4),
            (ChangeType, 7),
            (CreateIndex, 10),
            (DropIndex, 4),
            (AddConstraint, 7),
            (DropConstraint, 4),
            (AddForeignKey, 5),
            (CreateView, 4),
            (DropView, 2),
            (CreateEnum, if pg { 3 } else { 0 }),
            (AddEnumValue, if pg { 3 } else { 0 }),
            (DropTable, if n > 25 { 6 } else { 1 }),
        ];
        let total: u64 = weights.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(total);
        for (op, w) in weights {
            if roll < w {
                return op;
            }
            roll -= w;
        }
        CreateTable
    }

    /// The revision for `op` (its name and up.sql), or `None` when nothing
    /// in the schema allows it now.
    fn try_op(&mut self, op: SchemaOp) -> Option<(String, String)> {
        match op {
            SchemaOp::CreateTable => Some(self.create_table()),
            SchemaOp::AddColumn => self.add_column(),
            SchemaOp::DropColumn => self.drop_column(),
            SchemaOp::RenameColumn => self.rename_column(),
            SchemaOp::RenameTable => self.rename_table(),
            SchemaOp::ChangeType => self.change_type(),
            SchemaOp::CreateIndex => self.create_index(),
            SchemaOp::DropIndex => self.drop_index(),
            SchemaOp::AddConstraint => self.add_constraint(),
            SchemaOp::DropConstraint => self.drop_constraint(),
            SchemaOp::AddForeignKey => self.add_foreign_key(),
            SchemaOp::CreateView => self.create_view(),
            SchemaOp::DropView => self.drop_view(),
            SchemaOp::CreateEnum => Some(self.create_enum()),
            SchemaOp::AddEnumValue => self.add_enum_value(),
            SchemaOp::DropTable => self.drop_table(),
        }
    }

    /// A table chosen among those `ok` accepts.
    fn pick_table(&mut self, ok: impl Fn(&Generator, &Table) -> bool) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.tables.len())
            .filter(|&i| ok(self, &self.tables[i]))
            .collect();
        self.rng.pick(&candidates).copied()
    }

    /// A column of table `ti` (never `id`) chosen among those `ok` accepts.
    fn pick_column(
        &mut self,
        ti: usize,
        ok: impl Fn(&Generator, &Table, &Column) -> bool,
    ) -> Option<usize> {
        let t = &self.tables[ti];
        let candidates: Vec<usize> = (1..t.columns.len())
            .filter(|&i| ok(self, t, &t.columns[i]))
            .collect();
        self.rng.pick(&candidates).copied()
    }

    /// True when anything but the column itself uses `column` of `t`: an
    /// index, a constraint, a view, another table's foreign key.
    fn pinned(&self, t: &Table, column: &str) -> bool {
        t.indexes.iter().any(|i| i.column == column)
            || t.constraints.iter().any(|c| c.column() == column)
            || self.in_view(t, column)
    }

    fn in_view(&self, t: &Table, column: &str) -> bool {
        self.views
            .iter()
            .any(|v| v.table == t.name && v.columns.iter().any(|c| c == column))
    }

    fn has_views(&self, t: &Table) -> bool {
        self.views.iter().any(|v| v.table == t.name)
    }

    fn referenced(&self, t: &Table) -> bool {
        self.tables.iter().any(|o| {
            o.constraints
                .iter()
                .any(|c| matches!(c, Constraint::ForeignKey { table, .. } if *table == t.name))
        })
    }

    fn random_type(&mut self) -> Ty {
        let mut choices = vec![
            Ty::Int,
            Ty::BigInt,
            Ty::Text,
            Ty::Varchar(40),
            Ty::Bool,
            Ty::Real,
            Ty::Timestamp,
            Ty::Decimal,
        ];
        match self.engine {
            Engine::Postgres if !self.enums.is_empty() => {
                let e = self.rng.below(self.enums.len() as u64) as usize;
                choices.push(Ty::PgEnum(e));
            }
            Engine::Mysql => choices.push(Ty::MyEnum),
            _ => {}
        }
        self.rng.pick(&choices).cloned().unwrap_or(Ty::Int)
    }

    fn type_sql(&self, ty: &Ty) -> String {
        let e = self.engine;
        match (ty, e) {
            (Ty::Int, Engine::Mysql) => "INT".into(),
            (Ty::Int, _) => "INTEGER".into(),
            (Ty::BigInt, _) => "BIGINT".into(),
            (Ty::Text, _) => "TEXT".into(),
            (Ty::Varchar(n), _) => format!("VARCHAR({n})"),
            (Ty::Bool, Engine::Mysql) => "TINYINT(1)".into(),
            (Ty::Bool, _) => "BOOLEAN".into(),
            (Ty::Real, Engine::Postgres) => "DOUBLE PRECISION".into(),
            (Ty::Real, Engine::Mysql) => "DOUBLE".into(),
            (Ty::Real, Engine::Sqlite) => "REAL".into(),
            (Ty::Timestamp, Engine::Postgres) => "TIMESTAMPTZ".into(),
            (Ty::Timestamp, _) => "DATETIME".into(),
            (Ty::Decimal, _) => "NUMERIC(12, 2)".into(),
            (Ty::PgEnum(i), _) => self
                .enums
                .get(*i)
                .map_or_else(|| "TEXT".into(), |en| en.name.clone()),
            (Ty::MyEnum, _) => "ENUM('new', 'done')".into(),
            (Ty::Key, Engine::Postgres) => "BIGINT".into(),
            (Ty::Key, Engine::Mysql) => "BIGINT UNSIGNED".into(),
            (Ty::Key, Engine::Sqlite) => "INTEGER".into(),
        }
    }

    /// A literal default for `ty` (NOT NULL columns added to existing tables
    /// need one).
    fn default_sql(&self, ty: &Ty) -> Option<String> {
        Some(match ty {
            Ty::Int | Ty::BigInt | Ty::Real | Ty::Decimal => "0".into(),
            Ty::Varchar(_) => "''".into(),
            Ty::Bool if self.engine == Engine::Postgres => "false".into(),
            Ty::Bool => "0".into(),
            // A constant: SQLite adds no column with CURRENT_TIMESTAMP.
            Ty::Timestamp => "'2021-01-01 00:00:00'".into(),
            Ty::PgEnum(i) => format!("'{}'", self.enums.get(*i)?.labels.first()?),
            Ty::MyEnum => "'new'".into(),
            // MySQL takes no literal default on TEXT.
            Ty::Text if self.engine != Engine::Mysql => "''".into(),
            Ty::Text | Ty::Key => return None,
        })
    }

    fn column_sql(&self, c: &Column) -> String {
        let mut sql = format!("{} {}", c.name, self.type_sql(&c.ty));
        if c.not_null {
            sql.push_str(" NOT NULL");
            if let Some(d) = self.default_sql(&c.ty) {
                let _ = write!(sql, " DEFAULT {d}");
            }
        }
        sql
    }

    fn key_sql(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite => "id INTEGER PRIMARY KEY",
            Engine::Postgres => "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            Engine::Mysql => "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY",
        }
    }

    fn constraint_sql(c: &Constraint) -> String {
        match c {
            Constraint::Check { name, column } => {
                format!("CONSTRAINT {name} CHECK ({column} IS NOT NULL OR {column} IS NULL)")
            }
            Constraint::Unique { name, column } => format!("CONSTRAINT {name} UNIQUE ({column})"),
            Constraint::ForeignKey {
                name,
                column,
                table,
            } => format!(
                "CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {table} (id) ON DELETE CASCADE"
            ),
        }
    }

    /// `CREATE TABLE` for `t` as it is now, under `name`.
    fn create_sql(&self, t: &Table, name: &str) -> String {
        let mut parts = vec![format!("    {}", self.key_sql())];
        parts.extend(
            t.columns[1..]
                .iter()
                .map(|c| format!("    {}", self.column_sql(c))),
        );
        parts.extend(
            t.constraints
                .iter()
                .map(|c| format!("    {}", Self::constraint_sql(c))),
        );
        format!("CREATE TABLE {name} (\n{}\n);\n", parts.join(",\n"))
    }

    fn index_sql(&self, t: &Table, ix: &Index) -> String {
        let unique = if ix.unique { "UNIQUE " } else { "" };
        let key = if ix.expression {
            format!("lower({})", ix.column)
        } else {
            ix.column.clone()
        };
        let predicate = if ix.partial {
            format!(" WHERE {} IS NOT NULL", ix.column)
        } else {
            String::new()
        };
        format!(
            "CREATE {unique}INDEX {} ON {} ({key}){predicate};\n",
            ix.name, t.name
        )
    }

    fn create_table(&mut self) -> (String, String) {
        let name = self.new_name(TABLE_WORDS);
        let mut t = Table {
            name: name.clone(),
            columns: vec![Column {
                name: "id".into(),
                ty: Ty::Key,
                not_null: true,
            }],
            constraints: Vec::new(),
            indexes: Vec::new(),
        };
        for _ in 0..self.rng.range(1, 3) {
            let ty = self.random_type();
            let c = Column {
                name: self.new_name(COLUMN_WORDS),
                not_null: self.rng.chance(40) && self.default_sql(&ty).is_some(),
                ty,
            };
            t.columns.push(c);
        }
        if !self.tables.is_empty() && self.rng.chance(40) {
            let parent = self.rng.below(self.tables.len() as u64) as usize;
            let column = format!("{}_id", self.tables[parent].name);
            t.columns.push(Column {
                name: column.clone(),
                ty: Ty::Key,
                not_null: false,
            });
            t.constraints.push(Constraint::ForeignKey {
                name: format!("fk_{}", self.next_serial()),
                column,
                table: self.tables[parent].name.clone(),
            });
        }
        if self.rng.chance(30) {
            let column = t.columns[1].name.clone();
            if self.uniquable(&t.columns[1].ty) {
                t.constraints.push(Constraint::Unique {
                    name: format!("uq_{}", self.next_serial()),
                    column,
                });
            }
        }
        let mut up = self.create_sql(&t, &name);
        if self.rng.chance(30) {
            let ix = Index {
                name: format!("ix_{}", self.next_serial()),
                column: t.columns[1].name.clone(),
                unique: false,
                expression: false,
                partial: false,
            };
            if self.indexable(&t.columns[1].ty) {
                up.push_str(&self.index_sql(&t, &ix));
                t.indexes.push(ix);
            }
        }
        self.tables.push(t);
        (format!("create_{name}"), up)
    }

    /// MySQL cannot index TEXT without a prefix length.
    fn indexable(&self, ty: &Ty) -> bool {
        !(self.engine == Engine::Mysql && *ty == Ty::Text)
    }

    fn uniquable(&self, ty: &Ty) -> bool {
        self.indexable(ty) && !matches!(ty, Ty::Bool | Ty::MyEnum | Ty::PgEnum(_))
    }

    fn add_column(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|_, t| t.columns.len() < MAX_COLUMNS)?;
        let ty = self.random_type();
        let not_null = self.rng.chance(40) && self.default_sql(&ty).is_some();
        let column = Column {
            name: self.new_name(COLUMN_WORDS),
            ty,
            not_null,
        };
        let t = &self.tables[ti];
        let up = format!(
            "ALTER TABLE {} ADD COLUMN {};\n",
            t.name,
            self.column_sql(&column)
        );
        let name = format!("add_{}_to_{}", column.name, t.name);
        self.tables[ti].columns.push(column);
        Some((name, up))
    }

    fn drop_column(&mut self) -> Option<(String, String)> {
        let ti =
            self.pick_table(|g, t| (1..t.columns.len()).any(|i| !g.pinned(t, &t.columns[i].name)))?;
        let ci = self.pick_column(ti, |g, t, c| !g.pinned(t, &c.name))?;
        let t = &mut self.tables[ti];
        let column = t.columns.remove(ci);
        let up = format!("ALTER TABLE {} DROP COLUMN {};\n", t.name, column.name);
        Some((format!("drop_{}_from_{}", column.name, t.name), up))
    }

    fn rename_column(&mut self) -> Option<(String, String)> {
        // Views would need their definitions rewritten on MySQL.
        let ti = self.pick_table(|g, t| t.columns.len() > 1 && !g.has_views(t))?;
        let ci = self.pick_column(ti, |_, _, _| true)?;
        let serial = self.next_serial();
        let new = format!("{}_r{serial}", base_word(&self.tables[ti].columns[ci].name));
        let t = &mut self.tables[ti];
        let old = std::mem::replace(&mut t.columns[ci].name, new.clone());
        for c in &mut t.constraints {
            match c {
                Constraint::Check { column, .. }
                | Constraint::Unique { column, .. }
                | Constraint::ForeignKey { column, .. } => {
                    if *column == old {
                        column.clone_from(&new);
                    }
                }
            }
        }
        for i in &mut t.indexes {
            if i.column == old {
                i.column.clone_from(&new);
            }
        }
        let up = format!("ALTER TABLE {} RENAME COLUMN {old} TO {new};\n", t.name);
        Some((format!("rename_{old}_in_{}", t.name), up))
    }

    fn rename_table(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|g, t| !g.has_views(t))?;
        let serial = self.next_serial();
        let new = format!("{}_r{serial}", base_word(&self.tables[ti].name));
        let old = std::mem::replace(&mut self.tables[ti].name, new.clone());
        for t in &mut self.tables {
            for c in &mut t.constraints {
                if let Constraint::ForeignKey { table, .. } = c {
                    if *table == old {
                        table.clone_from(&new);
                    }
                }
            }
        }
        let up = match self.engine {
            Engine::Mysql => format!("RENAME TABLE {old} TO {new};\n"),
            _ => format!("ALTER TABLE {old} RENAME TO {new};\n"),
        };
        Some((format!("rename_{old}"), up))
    }

    /// The type a column of `ty` can widen to, if any.
    fn wider(ty: &Ty) -> Option<Ty> {
        match ty {
            Ty::Int => Some(Ty::BigInt),
            Ty::Varchar(n) if *n < 200 => Some(Ty::Varchar(n + 40)),
            _ => None,
        }
    }

    fn change_type(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|g, t| {
            t.columns[1..]
                .iter()
                .any(|c| Self::wider(&c.ty).is_some() && !g.in_view(t, &c.name))
        })?;
        let ci = self.pick_column(ti, |g, t, c| {
            Self::wider(&c.ty).is_some() && !g.in_view(t, &c.name)
        })?;
        let to = Self::wider(&self.tables[ti].columns[ci].ty)?;
        self.tables[ti].columns[ci].ty = to.clone();
        let (table, column) = (
            self.tables[ti].name.clone(),
            self.tables[ti].columns[ci].clone(),
        );
        let up = match self.engine {
            Engine::Postgres => format!(
                "ALTER TABLE {table} ALTER COLUMN {c} TYPE {ty} USING {c}::{ty};\n",
                c = column.name,
                ty = self.type_sql(&to),
            ),
            Engine::Mysql => format!(
                "ALTER TABLE {table} MODIFY COLUMN {};\n",
                self.column_sql(&column)
            ),
            Engine::Sqlite => self.rebuild(ti),
        };
        Some((format!("widen_{}_in_{table}", column.name), up))
    }

    /// SQLite's hand-written rebuild of table `ti` as the generator's model
    /// now has it: new table, copy, drop, rename, indexes again. Views on
    /// the table are dropped first (SQLite refuses the rename while a view
    /// names the dropped table).
    fn rebuild(&mut self, ti: usize) -> String {
        let mut up = String::new();
        let name = self.tables[ti].name.clone();
        let gone: Vec<String> = self
            .views
            .iter()
            .filter(|v| v.table == name)
            .map(|v| v.name.clone())
            .collect();
        for v in &gone {
            let _ = writeln!(up, "DROP VIEW {v};");
        }
        self.views.retain(|v| v.table != name);
        let t = &self.tables[ti];
        let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        let columns = columns.join(", ");
        let temp = format!("{name}__new");
        up.push_str(&self.create_sql(t, &temp));
        let _ = writeln!(
            up,
            "INSERT INTO {temp} ({columns}) SELECT {columns} FROM {name};"
        );
        let _ = writeln!(up, "DROP TABLE {name};");
        let _ = writeln!(up, "ALTER TABLE {temp} RENAME TO {name};");
        for ix in &t.indexes {
            up.push_str(&self.index_sql(t, ix));
        }
        up
    }

    fn create_index(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|g, t| t.columns[1..].iter().any(|c| g.indexable(&c.ty)))?;
        let ci = self.pick_column(ti, |g, _, c| g.indexable(&c.ty))?;
        let column = self.tables[ti].columns[ci].clone();
        let textual = matches!(column.ty, Ty::Text | Ty::Varchar(_));
        let rich = self.engine != Engine::Mysql;
        let ix = Index {
            name: format!("ix_{}", self.next_serial()),
            unique: self.uniquable(&column.ty) && self.rng.chance(25),
            expression: rich && textual && self.rng.chance(30),
            partial: rich && self.rng.chance(25),
            column: column.name,
        };
        let up = self.index_sql(&self.tables[ti], &ix);
        let name = format!("index_{}_{}", self.tables[ti].name, ix.column);
        self.tables[ti].indexes.push(ix);
        Some((name, up))
    }

    /// False for an index on a foreign key's column on MySQL: InnoDB may
    /// have made it the key's index, and refuses to drop it.
    fn index_droppable(&self, t: &Table, column: &str) -> bool {
        self.engine != Engine::Mysql
            || !t
                .constraints
                .iter()
                .any(|c| matches!(c, Constraint::ForeignKey { column: fk, .. } if fk == column))
    }

    fn drop_index(&mut self) -> Option<(String, String)> {
        let ti =
            self.pick_table(|g, t| t.indexes.iter().any(|i| g.index_droppable(t, &i.column)))?;
        let candidates: Vec<usize> = (0..self.tables[ti].indexes.len())
            .filter(|&i| {
                let t = &self.tables[ti];
                self.index_droppable(t, &t.indexes[i].column)
            })
            .collect();
        let ii = *self.rng.pick(&candidates)?;
        let t = &mut self.tables[ti];
        let ix = t.indexes.remove(ii);
        let up = match self.engine {
            Engine::Mysql => format!("DROP INDEX {} ON {};\n", ix.name, t.name),
            _ => format!("DROP INDEX {};\n", ix.name),
        };
        Some((format!("drop_{}", ix.name), up))
    }

    fn add_constraint(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|_, t| t.columns.len() > 1)?;
        let ci = self.pick_column(ti, |_, _, _| true)?;
        let column = self.tables[ti].columns[ci].clone();
        let unique = self.uniquable(&column.ty) && self.rng.chance(50);
        let c = if unique {
            Constraint::Unique {
                name: format!("uq_{}", self.next_serial()),
                column: column.name,
            }
        } else {
            Constraint::Check {
                name: format!("ck_{}", self.next_serial()),
                column: column.name,
            }
        };
        let name = format!("add_{}", c.name());
        let sql = format!(
            "ALTER TABLE {} ADD {};\n",
            self.tables[ti].name,
            Self::constraint_sql(&c)
        );
        self.tables[ti].constraints.push(c);
        let up = match self.engine {
            Engine::Sqlite => self.rebuild(ti),
            _ => sql,
        };
        Some((name, up))
    }

    fn drop_constraint(&mut self) -> Option<(String, String)> {
        let droppable = |g: &Generator, t: &Table, c: &Constraint| match c {
            Constraint::ForeignKey { .. } => false,
            Constraint::Unique { column, .. } => g.index_droppable(t, column),
            Constraint::Check { .. } => true,
        };
        let ti = self.pick_table(|g, t| t.constraints.iter().any(|c| droppable(g, t, c)))?;
        let candidates: Vec<usize> = (0..self.tables[ti].constraints.len())
            .filter(|&i| {
                let t = &self.tables[ti];
                droppable(self, t, &t.constraints[i])
            })
            .collect();
        let ci = *self.rng.pick(&candidates)?;
        let c = self.tables[ti].constraints.remove(ci);
        let table = self.tables[ti].name.clone();
        let up = match (self.engine, &c) {
            (Engine::Sqlite, _) => self.rebuild(ti),
            (Engine::Mysql, Constraint::Unique { name, .. }) => {
                format!("ALTER TABLE {table} DROP INDEX {name};\n")
            }
            _ => format!("ALTER TABLE {table} DROP CONSTRAINT {};\n", c.name()),
        };
        Some((format!("drop_{}", c.name()), up))
    }

    fn add_foreign_key(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|_, t| t.columns.len() < MAX_COLUMNS)?;
        let parent = self.rng.below(self.tables.len() as u64) as usize;
        let parent_name = self.tables[parent].name.clone();
        let column = format!("ref_{}", self.next_serial());
        let fk = Constraint::ForeignKey {
            name: format!("fk_{}", self.next_serial()),
            column: column.clone(),
            table: parent_name.clone(),
        };
        let t = &self.tables[ti];
        let ty = self.type_sql(&Ty::Key);
        let up = match self.engine {
            Engine::Sqlite => format!(
                "ALTER TABLE {} ADD COLUMN {column} {ty} REFERENCES {parent_name} (id) ON DELETE CASCADE;\n",
                t.name
            ),
            _ => format!(
                "ALTER TABLE {} ADD COLUMN {column} {ty};\nALTER TABLE {} ADD {};\n",
                t.name,
                t.name,
                Self::constraint_sql(&fk)
            ),
        };
        let name = format!("link_{}_to_{parent_name}", t.name);
        let t = &mut self.tables[ti];
        t.columns.push(Column {
            name: column,
            ty: Ty::Key,
            not_null: false,
        });
        t.constraints.push(fk);
        Some((name, up))
    }

    fn create_view(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|_, t| t.columns.len() > 1)?;
        let ci = self.pick_column(ti, |_, _, _| true)?;
        let t = &self.tables[ti];
        let (table, column) = (t.name.clone(), t.columns[ci].name.clone());
        let view = View {
            name: format!("v_{}", self.next_serial()),
            table,
            columns: vec!["id".to_owned(), column],
        };
        let up = format!(
            "CREATE VIEW {} AS SELECT {} FROM {};\n",
            view.name,
            view.columns.join(", "),
            view.table
        );
        let name = format!("view_{}", view.table);
        self.views.push(view);
        Some((name, up))
    }

    fn drop_view(&mut self) -> Option<(String, String)> {
        if self.views.is_empty() {
            return None;
        }
        let vi = self.rng.below(self.views.len() as u64) as usize;
        let v = self.views.remove(vi);
        Some((
            format!("drop_{}", v.name),
            format!("DROP VIEW {};\n", v.name),
        ))
    }

    fn create_enum(&mut self) -> (String, String) {
        let name = format!("state_{}", self.next_serial());
        let labels = vec!["new".to_owned(), "open".to_owned(), "done".to_owned()];
        let quoted: Vec<String> = labels.iter().map(|l| format!("'{l}'")).collect();
        let up = format!("CREATE TYPE {name} AS ENUM ({});\n", quoted.join(", "));
        self.enums.push(PgEnum {
            name: name.clone(),
            labels,
        });
        (format!("create_type_{name}"), up)
    }

    fn add_enum_value(&mut self) -> Option<(String, String)> {
        if self.enums.is_empty() {
            return None;
        }
        let ei = self.rng.below(self.enums.len() as u64) as usize;
        let label = format!("l{}", self.next_serial());
        let before = self.rng.chance(30);
        let e = &mut self.enums[ei];
        let up = if before {
            let first = e.labels.first().cloned().unwrap_or_default();
            e.labels.insert(0, label.clone());
            format!(
                "ALTER TYPE {} ADD VALUE '{label}' BEFORE '{first}';\n",
                e.name
            )
        } else {
            e.labels.push(label.clone());
            format!("ALTER TYPE {} ADD VALUE '{label}';\n", e.name)
        };
        Some((format!("extend_{}", e.name), up))
    }

    fn drop_table(&mut self) -> Option<(String, String)> {
        let ti = self.pick_table(|g, t| !g.referenced(t))?;
        let t = self.tables.remove(ti);
        let mut up = String::new();
        let gone: Vec<String> = self
            .views
            .iter()
            .filter(|v| v.table == t.name)
            .map(|v| v.name.clone())
            .collect();
        for v in &gone {
            let _ = writeln!(up, "DROP VIEW {v};");
        }
        self.views.retain(|v| v.table != t.name);
        let _ = writeln!(up, "DROP TABLE {};", t.name);
        Some((format!("drop_{}", t.name), up))
    }
}

/// `title_12_r40` -> `title`: renamed names do not grow.
fn base_word(name: &str) -> &str {
    name.split('_').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_appears_on_each_engine() {
        for engine in [Engine::Sqlite, Engine::Postgres, Engine::Mysql] {
            let kinds: std::collections::BTreeSet<SchemaOp> = generate_with_kinds(engine, 400, 5)
                .into_iter()
                .map(|(_, k)| k)
                .collect();
            let expected = if engine == Engine::Postgres { 16 } else { 14 };
            assert_eq!(kinds.len(), expected, "{engine:?}: {kinds:?}");
        }
    }

    #[test]
    fn same_arguments_same_chain() {
        assert_eq!(
            generate(Engine::Postgres, 200, 9),
            generate(Engine::Postgres, 200, 9)
        );
        assert_ne!(
            generate(Engine::Mysql, 200, 9),
            generate(Engine::Mysql, 200, 10)
        );
    }
}
