//! Typed operations: a revision written once (`revision.toml`) and compiled
//! at build time into each dialect's SQL, with the model at hand — so SQLite
//! gets the table rebuild its `ALTER TABLE` cannot do, MySQL the full column
//! definition its `MODIFY` needs, and every reversible operation its
//! downgrade without the user repeating what the model already knows.
//!
//! [`parse`] reads the TOML; [`compile`] turns operations into SQL for one
//! dialect against the schema before them: each is checked and lowered to
//! model-level changes (`lower`, `change`), rendered per dialect
//! (`render`, one file per dialect, SQLite's table rebuild among them) and
//! folded, and the downgrade is derived from the model (`reverse`) unless
//! the revision writes its own.

mod change;
pub mod compile;
mod lower;
pub mod parse;
pub mod portable;
mod render;
mod reverse;
mod sql_text;
pub mod write;

use std::collections::BTreeMap;

use crate::model::{Dialect, ReferentialAction};

/// A revision of typed operations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypedRevision {
    /// The upgrade, in order.
    pub upgrade: Vec<Located<Operation>>,
    /// The downgrade as written; `None`: derived from the upgrade.
    pub downgrade: Option<Vec<Located<Operation>>>,
    /// `irreversible = true`: no downgrade, on purpose.
    pub irreversible: bool,
}

/// A value and the 1-based line of `revision.toml` it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Its line.
    pub line: u32,
}

/// One typed operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// `create_table`.
    CreateTable(CreateTable),
    /// `drop_table`.
    DropTable {
        /// The table.
        table: String,
    },
    /// `rename_table`.
    RenameTable {
        /// The table.
        table: String,
        /// Its new name.
        to: String,
    },
    /// `add_column`.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: ColumnSpec,
    },
    /// `drop_column`.
    DropColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `alter_column`: any of type, nullability, default, name.
    AlterColumn(AlterColumn),
    /// `create_index`.
    CreateIndex(CreateIndex),
    /// `drop_index`.
    DropIndex {
        /// The table it is on.
        table: String,
        /// The index.
        name: String,
    },
    /// `create_foreign_key`.
    CreateForeignKey(ForeignKeySpec),
    /// `create_unique`.
    CreateUnique {
        /// The table.
        table: String,
        /// Its columns.
        columns: Vec<String>,
        /// Its name (default: the naming convention's).
        name: Option<String>,
    },
    /// `create_check`.
    CreateCheck {
        /// The table.
        table: String,
        /// The condition, as SQL.
        expr: String,
        /// Its name (default: the naming convention's).
        name: Option<String>,
    },
    /// `drop_constraint`: a primary key, UNIQUE, CHECK or foreign key by name.
    DropConstraint {
        /// The table.
        table: String,
        /// The constraint.
        name: String,
    },
    /// `execute`: SQL run as written, per dialect where needed.
    Execute(Execute),
    /// `insert`: rows of literal values, for seed data.
    Insert(Insert),
}

/// `create_table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTable {
    /// The table.
    pub table: String,
    /// Its columns, in order.
    pub columns: Vec<ColumnSpec>,
    /// A table-level primary key (instead of `primary_key = true` on columns).
    pub primary_key: Vec<String>,
    /// Table-level UNIQUE constraints.
    pub unique: Vec<UniqueSpec>,
    /// Table-level CHECK constraints.
    pub checks: Vec<CheckSpec>,
}

/// A table-level UNIQUE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueSpec {
    /// Its columns.
    pub columns: Vec<String>,
    /// Its name (default: the naming convention's).
    pub name: Option<String>,
}

/// A table-level CHECK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSpec {
    /// The condition, as SQL.
    pub expr: String,
    /// Its name (default: the naming convention's).
    pub name: Option<String>,
}

/// A column as a typed operation defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: PortableType,
    /// NULL allowed (default true; false for primary-key columns).
    pub nullable: bool,
    /// The default.
    pub default: Option<DefaultValue>,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Numbered by the database (identity / AUTO_INCREMENT / SQLite rowid).
    pub identity: bool,
    /// A one-column UNIQUE.
    pub unique: bool,
    /// `references = "table.column"`.
    pub references: Option<Reference>,
    /// A one-column CHECK, as SQL.
    pub check: Option<String>,
    /// The column's comment.
    pub comment: Option<String>,
}

/// A foreign key written on a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// `on_delete`.
    pub on_delete: ReferentialAction,
    /// `on_update`.
    pub on_update: ReferentialAction,
}

/// A default value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    /// A literal (`default = "EUR"`, `default = 0`, `default = true`),
    /// rendered as the dialect writes that literal.
    Literal(Literal),
    /// An SQL expression, as written (`default_sql = "CURRENT_TIMESTAMP"`).
    Sql(String),
}

/// A literal value in a typed operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A string.
    Text(String),
}

impl Eq for Literal {}

/// A column type: the portable vocabulary, mapped per dialect, or a type
/// given per dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortableType {
    /// `integer`.
    Integer,
    /// `bigint`.
    BigInt,
    /// `smallint`.
    SmallInt,
    /// `text`.
    Text,
    /// `varchar(n)`.
    Varchar(u32),
    /// `boolean`.
    Boolean,
    /// `timestamp` (no time zone).
    Timestamp,
    /// `timestamptz`.
    Timestamptz,
    /// `date`.
    Date,
    /// `time`.
    Time,
    /// `numeric(p, s)`.
    Numeric(u32, u32),
    /// `real` (4 bytes).
    Real,
    /// `double` (8 bytes).
    Double,
    /// `uuid`.
    Uuid,
    /// `json`.
    Json,
    /// `binary`.
    Binary,
    /// `{ sqlite = "...", postgres = "...", mysql = "..." }`: the type as each
    /// dialect writes it; a dialect without one cannot compile the revision.
    PerDialect(BTreeMap<Dialect, String>),
    /// No `type` on a column with `references`: the referenced column's
    /// type as the model has it on each dialect (an identity's plain
    /// integer), so the key's two ends match everywhere, as diesel's
    /// `joinable!` needs.
    Referenced,
}

/// `alter_column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterColumn {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// A new type.
    pub ty: Option<PortableType>,
    /// How PostgreSQL converts the values (`using = "amount::numeric"`).
    pub using: Option<String>,
    /// A new nullability.
    pub nullable: Option<bool>,
    /// A new default (`Some(None)`: drop it).
    pub default: Option<Option<DefaultValue>>,
    /// A new name.
    pub rename_to: Option<String>,
}

/// `create_index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateIndex {
    /// The table.
    pub table: String,
    /// The indexed columns.
    pub columns: Vec<String>,
    /// Its name (default: the naming convention's).
    pub name: Option<String>,
    /// UNIQUE.
    pub unique: bool,
    /// A partial index's condition, as SQL.
    pub where_clause: Option<String>,
    /// PostgreSQL `CONCURRENTLY` (the revision then runs outside a transaction).
    pub concurrently: bool,
}

/// `create_foreign_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeySpec {
    /// The referencing table.
    pub table: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// Its name (default: the naming convention's).
    pub name: Option<String>,
    /// `on_delete`.
    pub on_delete: ReferentialAction,
    /// `on_update`.
    pub on_update: ReferentialAction,
}

/// `execute`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execute {
    /// SQL for every dialect without its own.
    pub sql: Option<String>,
    /// Per-dialect SQL.
    pub per_dialect: BTreeMap<Dialect, String>,
    /// What undoes it, per dialect the same way (`down = "..."`, or
    /// `down = { sqlite = "...", ... }`); `None`: it cannot be undone.
    pub down: Option<BTreeMap<Option<Dialect>, String>>,
}

/// `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    /// The table.
    pub table: String,
    /// The rows, each a map of column to value.
    pub rows: Vec<BTreeMap<String, Literal>>,
}

impl Operation {
    /// The `op = "..."` name.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::CreateTable(_) => "create_table",
            Operation::DropTable { .. } => "drop_table",
            Operation::RenameTable { .. } => "rename_table",
            Operation::AddColumn { .. } => "add_column",
            Operation::DropColumn { .. } => "drop_column",
            Operation::AlterColumn(_) => "alter_column",
            Operation::CreateIndex(_) => "create_index",
            Operation::DropIndex { .. } => "drop_index",
            Operation::CreateForeignKey(_) => "create_foreign_key",
            Operation::CreateUnique { .. } => "create_unique",
            Operation::CreateCheck { .. } => "create_check",
            Operation::DropConstraint { .. } => "drop_constraint",
            Operation::Execute(_) => "execute",
            Operation::Insert(_) => "insert",
        }
    }

    /// True for the operations that change one existing table's columns,
    /// keys or indexes (consecutive ones on a table share a SQLite rebuild).
    pub fn is_table_change(&self) -> bool {
        matches!(
            self,
            Operation::AddColumn { .. }
                | Operation::DropColumn { .. }
                | Operation::AlterColumn(_)
                | Operation::CreateIndex(_)
                | Operation::DropIndex { .. }
                | Operation::CreateForeignKey(_)
                | Operation::CreateUnique { .. }
                | Operation::CreateCheck { .. }
                | Operation::DropConstraint { .. }
        )
    }

    /// The table the operation changes, if it changes one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Operation::CreateTable(c) => Some(&c.table),
            Operation::DropTable { table }
            | Operation::RenameTable { table, .. }
            | Operation::AddColumn { table, .. }
            | Operation::DropColumn { table, .. }
            | Operation::DropIndex { table, .. }
            | Operation::CreateUnique { table, .. }
            | Operation::CreateCheck { table, .. }
            | Operation::DropConstraint { table, .. } => Some(table),
            Operation::AlterColumn(a) => Some(&a.table),
            Operation::CreateIndex(c) => Some(&c.table),
            Operation::CreateForeignKey(f) => Some(&f.table),
            Operation::Insert(i) => Some(&i.table),
            Operation::Execute(_) => None,
        }
    }
}
