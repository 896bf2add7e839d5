//! The crate's errors. The fold has none (it never fails: what it cannot
//! follow becomes a note); reading configuration and schema files can fail,
//! a diff can be given renames that name nothing, and a written revision
//! cannot hold what TOML cannot.

use std::fmt;
use std::path::{Path, PathBuf};

use lithify_core::Dialect;

/// A diesel.toml or schema.rs that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    /// An error about `path` (at `line`).
    pub fn at(path: &Path, line: Option<u32>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display().to_string().replace('\\', "/");
        match self.line {
            Some(line) => write!(f, "{path}:{line}: {}", self.message),
            None => write!(f, "{path}: {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why the diff cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// The two schemas are for different engines.
    #[error("cannot diff a {0} schema with a {1} one")]
    Dialects(Dialect, Dialect),
    /// A `--rename-table` that names no removed / added table.
    #[error("--rename-table {from}={to}: {why}")]
    TableRename {
        /// Old name.
        from: String,
        /// New name.
        to: String,
        /// What is wrong.
        why: String,
    },
    /// A `--rename` that names no removed / added column.
    #[error("--rename {table}.{from}={to}: {why}")]
    ColumnRename {
        /// The table.
        table: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
        /// What is wrong.
        why: String,
    },
}

/// A value TOML cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// `revision.toml` has no NULL: an `insert` row leaves the column out
    /// instead, and a default of NULL is `default_sql = "NULL"`.
    #[error("an `insert` into `{table}` has a NULL value for `{column}`: TOML has no null (leave the column out of the row)")]
    NullValue {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column typed [`crate::ops::PortableType::Referenced`] that
    /// references nothing (or an `alter_column` to it): only a column with
    /// `references` takes its type from the referenced one.
    #[error("column `{column}` takes the referenced column's type, but references none: give its `type`")]
    ReferencedType {
        /// The column.
        column: String,
    },
    /// A default given as a NULL literal.
    #[error("column `{column}` has a NULL literal default: write `default_sql = \"NULL\"`")]
    NullDefault {
        /// The column.
        column: String,
    },
}
