//! A `schema.rs` read into the same model the fold fills: the schema it
//! asks for, given the chain's head. It can only say part of a schema —
//! tables, columns with diesel types, nullability, `#[max_length]`,
//! `#[sql_name]`, primary keys and `joinable!` — so everything else comes
//! from the head: a column whose diesel type did not change keeps the
//! head's exact engine type, a table keeps its indexes, defaults, CHECKs
//! and constraint names, and tables print-schema leaves out (unknown, no
//! primary key, filtered) stay as they are. What the file changes gets an
//! engine type by [`super::sql_type`].
//!
//! Printing a model and reading the text back into it gives the model
//! again, as far as a diff of what `schema.rs` can say goes: the property
//! test in `diff`'s tests.

use std::path::Path;
use std::sync::Arc;

use super::config::PrintSchemaConfig;
use super::infer::{infer, Inferred, TableData, TableName};
use super::keys::primary_key;
use super::printer::print;
use super::reader::{read_schema_file, FileColumn, FileTable, SchemaFile};
use super::sql_type::{spelling, sql_type, strip_nullable};
use crate::error::ConfigError;
use crate::model::{
    same_name, same_relation, Column, Dialect, ForeignKey, Identity, NameKind, ObjectName,
    PrimaryKey, ReferentialAction, Schema, SqlType, Table,
};

/// The schema a `schema.rs` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileModel {
    /// The wanted schema.
    pub schema: Schema,
    /// What the reviewer should know about how the file was read.
    pub notes: Vec<FileNote>,
}

/// A note about a line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNote {
    /// The line it is about.
    pub line: Option<u32>,
    /// What to know.
    pub message: String,
}

/// The schema `file` (read from `path`) asks for, where `head` is the
/// chain's schema and `config` the `[print_schema]` the file was printed with.
///
/// # Errors
/// A column whose diesel type no engine type prints as, a primary key or
/// `joinable!` naming a column or table the file does not have: each with
/// its line.
pub fn schema_from_file(
    head: &Schema,
    file: &SchemaFile,
    config: &PrintSchemaConfig,
    path: &Path,
) -> Result<FileModel, ConfigError> {
    let inferred = infer(head, config);
    let printed_text = print(&inferred, config);
    let printed = read_schema_file(Path::new("(the chain's schema)"), &printed_text)?;
    let mut reader = Reader {
        d: head.dialect,
        head,
        path,
        out: FileModel {
            schema: head.clone(),
            notes: Vec::new(),
        },
        removed: Vec::new(),
    };
    let pairs: Vec<(&TableData, &FileTable)> =
        inferred.tables.iter().zip(&printed.tables).collect();
    reader.printed_tables(&pairs, file)?;
    reader.new_tables(&pairs, file, config)?;
    reader.joinables(&inferred, file)?;
    Ok(reader.out)
}

/// The file's key of a table: its schema and SQL name.
fn key(t: &FileTable) -> (Option<&str>, &str) {
    (t.schema.as_deref(), t.sql_name.as_str())
}

fn model_name(t: &TableName) -> ObjectName {
    ObjectName::in_schema(t.schema.clone(), t.sql_name.clone())
}

struct Reader<'a> {
    d: Dialect,
    head: &'a Schema,
    path: &'a Path,
    out: FileModel,
    /// Printed tables the file no longer has, with their printed form.
    removed: Vec<(Table, FileTable)>,
}

impl Reader<'_> {
    fn error(&self, line: u32, message: String) -> ConfigError {
        ConfigError::at(self.path, Some(line), message)
    }

    fn note(&mut self, line: Option<u32>, message: String) {
        self.out.notes.push(FileNote { line, message });
    }

    /// Each table print-schema prints for the head: gone from the file, or
    /// merged with what the file says of it.
    fn printed_tables(
        &mut self,
        pairs: &[(&TableData, &FileTable)],
        file: &SchemaFile,
    ) -> Result<(), ConfigError> {
        for (data, pt) in pairs {
            let name = model_name(&data.name);
            let Some(ix) = self.out.schema.table_index(&name) else {
                continue;
            };
            let head_table = Table::clone(&self.out.schema.tables[ix]);
            match file.tables.iter().find(|ft| key(ft) == key(pt)) {
                None => {
                    self.out.schema.tables.remove(ix);
                    self.removed.push((head_table, (*pt).clone()));
                }
                Some(ft) => {
                    let merged = self.merged(&head_table, pt, ft)?;
                    self.out.schema.tables[ix] = Arc::new(merged);
                }
            }
        }
        Ok(())
    }

    /// A head table as the file now has it.
    fn merged(
        &mut self,
        head: &Table,
        pt: &FileTable,
        ft: &FileTable,
    ) -> Result<Table, ConfigError> {
        let mut t = head.clone();
        t.columns = Vec::new();
        let gone: Vec<(&Column, &FileColumn)> = pt
            .columns
            .iter()
            .filter(|pc| !ft.columns.iter().any(|fc| fc.sql_name == pc.sql_name))
            .filter_map(|pc| head.find_column(self.d, &pc.sql_name).map(|c| (c, pc)))
            .collect();
        for fc in &ft.columns {
            let hc = head.find_column(self.d, &fc.sql_name);
            let pc = pt.columns.iter().find(|c| c.sql_name == fc.sql_name);
            let column = match (hc, pc) {
                (Some(hc), Some(pc)) => {
                    let ty = if self.same_type(pc, fc) {
                        hc.ty.clone()
                    } else {
                        self.map(ft, fc)?
                    };
                    Column {
                        ty,
                        nullable: nullable(fc),
                        ..hc.clone()
                    }
                }
                // diesel's implicit SQLite `rowid`: not a column.
                (None, Some(_)) => continue,
                _ => {
                    // A column of the same shape that went: likely the same
                    // one renamed, so it keeps its exact type.
                    let like = gone.iter().find(|(_, pc)| self.same_type(pc, fc));
                    let ty = match like {
                        Some((c, _)) => c.ty.clone(),
                        None => self.map(ft, fc)?,
                    };
                    new_column(fc, ty)
                }
            };
            t.columns.push(column);
        }
        let wanted = self.primary_key_of(ft)?;
        if wanted != primary_key(self.d, head) {
            t.primary_key = (!wanted.is_empty()).then_some(PrimaryKey {
                name: None,
                columns: wanted,
            });
        }
        Ok(t)
    }

    /// Whether the printed column `pc` and the file's `fc` have the same
    /// engine type (nullability aside).
    fn same_type(&self, pc: &FileColumn, fc: &FileColumn) -> bool {
        let spelled = |c: &FileColumn| strip_nullable(&spelling(&c.shown)).1.to_owned();
        spelled(pc) == spelled(fc) && (self.d == Dialect::Sqlite || pc.max_length == fc.max_length)
    }

    /// The engine type for the file's column.
    fn map(&mut self, ft: &FileTable, fc: &FileColumn) -> Result<SqlType, ConfigError> {
        let spelled = spelling(&fc.shown);
        let inner = strip_nullable(&spelled).1;
        let mapped = sql_type(self.d, self.head, inner, fc.max_length).map_err(|e| {
            self.error(
                fc.line,
                format!("column `{}.{}`: {e}", ft.sql_name, fc.sql_name),
            )
        })?;
        if let Some(n) = mapped.note {
            self.note(
                Some(fc.line),
                format!("column `{}.{}`: {n}", ft.sql_name, fc.sql_name),
            );
        }
        Ok(mapped.ty)
    }

    /// The primary key's SQL names.
    fn primary_key_of(&self, ft: &FileTable) -> Result<Vec<String>, ConfigError> {
        ft.primary_key
            .iter()
            .map(|rust| {
                let found = ft.columns.iter().find(|c| &c.rust_name == rust);
                match found {
                    Some(c) => Ok(c.sql_name.clone()),
                    // SQLite's implicit rowid key is not a declared column.
                    None if self.d == Dialect::Sqlite && rust == "rowid" => Ok(rust.clone()),
                    None => Err(self.error(
                        ft.line,
                        format!("the primary key of `{}` names `{rust}`, which is not one of its columns", ft.sql_name),
                    )),
                }
            })
            .collect()
    }

    /// Tables the file has and print-schema does not print for the head.
    fn new_tables(
        &mut self,
        pairs: &[(&TableData, &FileTable)],
        file: &SchemaFile,
        config: &PrintSchemaConfig,
    ) -> Result<(), ConfigError> {
        for ft in &file.tables {
            if pairs.iter().any(|(_, pt)| key(pt) == key(ft)) {
                continue;
            }
            let name = ObjectName::in_schema(ft.schema.clone(), ft.sql_name.clone());
            if self.out.schema.find_table(&name).is_some() {
                self.note(Some(ft.line), format!(
                    "table `{name}` is not compared: the chain's schema has it, but not in the form diesel prints (`lithify schema --explain` says why)"
                ));
                continue;
            }
            if config.filter.ignores(&ft.sql_name) {
                self.note(Some(ft.line), format!(
                    "table `{name}` is not compared: diesel.toml's `filter` leaves it out of the schema"
                ));
                continue;
            }
            let table = self.new_table(name, ft)?;
            self.out.schema.push_table(table);
        }
        Ok(())
    }

    fn new_table(&mut self, name: ObjectName, ft: &FileTable) -> Result<Table, ConfigError> {
        // A table that went with the same columns: likely the same one
        // renamed, so its columns keep their exact types.
        let like = self.removed.iter().find(|(_, pt)| {
            pt.columns.len() == ft.columns.len()
                && ft.columns.iter().all(|fc| {
                    pt.columns
                        .iter()
                        .any(|pc| pc.sql_name == fc.sql_name && self.same_type(pc, fc))
                })
        });
        let like = like.map(|(t, _)| t.clone());
        let mut t = Table::new(name);
        for fc in &ft.columns {
            let ty = match like
                .as_ref()
                .and_then(|l| l.find_column(self.d, &fc.sql_name))
            {
                Some(c) => c.ty.clone(),
                None => self.map(ft, fc)?,
            };
            t.columns.push(new_column(fc, ty));
        }
        let pk = self.primary_key_of(ft)?;
        if let [only] = pk.as_slice() {
            let identity = identity_for(self.d);
            if let Some(c) = t
                .columns
                .iter_mut()
                .find(|c| same_name(self.d, NameKind::Member, &c.name, only))
            {
                if is_integer(&c.ty) {
                    c.identity = identity;
                }
            }
        }
        for c in t.columns.iter_mut() {
            if pk
                .iter()
                .any(|k| same_name(self.d, NameKind::Member, k, &c.name))
                && self.d != Dialect::Sqlite
            {
                c.nullable = false;
            }
        }
        t.primary_key = (!pk.is_empty()).then_some(PrimaryKey {
            name: None,
            columns: pk,
        });
        Ok(t)
    }

    /// Foreign keys: those print-schema prints as `joinable!` follow the
    /// file's `joinable!`s; the others (several columns, self references,
    /// two between one pair of tables) stay as the head has them.
    fn joinables(&mut self, inferred: &Inferred, file: &SchemaFile) -> Result<(), ConfigError> {
        let printable: Vec<(ObjectName, String, ObjectName)> = inferred
            .foreign_keys
            .iter()
            .filter_map(|f| {
                Some((
                    model_name(&f.child_table),
                    f.foreign_key_columns.first()?.clone(),
                    model_name(&f.parent_table),
                ))
            })
            .collect();
        let mut wanted = Vec::new();
        for j in &file.joinables {
            wanted.push((self.joinable(file, j)?, j.line));
        }
        let d = self.d;
        let same = |a: &(ObjectName, String, ObjectName), b: &(ObjectName, String, ObjectName)| {
            same_relation(d, &a.0, &b.0)
                && same_name(d, NameKind::Member, &a.1, &b.1)
                && same_relation(d, &a.2, &b.2)
        };
        for t in self.out.schema.tables_mut() {
            let name = t.name.clone();
            t.foreign_keys.retain(|f| {
                let [column] = f.columns.as_slice() else {
                    return true;
                };
                let k = (name.clone(), column.clone(), f.ref_table.clone());
                !printable.iter().any(|p| same(p, &k)) || wanted.iter().any(|(w, _)| same(w, &k))
            });
        }
        for (w, line) in wanted {
            if printable.iter().any(|p| same(p, &w)) {
                continue;
            }
            self.add_foreign_key(w, line)?;
        }
        Ok(())
    }

    /// `joinable!(child -> parent (column))` as SQL names.
    fn joinable(
        &self,
        file: &SchemaFile,
        j: &super::reader::FileJoinable,
    ) -> Result<(ObjectName, String, ObjectName), ConfigError> {
        let table = |rust: &str| {
            file.tables
                .iter()
                .find(|t| t.rust_name == rust)
                .ok_or_else(|| {
                    self.error(
                        j.line,
                        format!("`joinable!` names `{rust}`, which has no `table!` in this file"),
                    )
                })
        };
        let child = table(&j.child)?;
        let parent = table(&j.parent)?;
        let column = child
            .columns
            .iter()
            .find(|c| c.rust_name == j.column)
            .ok_or_else(|| {
                self.error(
                    j.line,
                    format!(
                        "`joinable!` names column `{}`, which `{}` does not have",
                        j.column, j.child
                    ),
                )
            })?;
        Ok((
            ObjectName::in_schema(child.schema.clone(), child.sql_name.clone()),
            column.sql_name.clone(),
            ObjectName::in_schema(parent.schema.clone(), parent.sql_name.clone()),
        ))
    }

    /// A foreign key for a `joinable!` the head does not print: to the
    /// parent's one primary-key column, as diesel joins.
    fn add_foreign_key(
        &mut self,
        (child, column, parent): (ObjectName, String, ObjectName),
        line: u32,
    ) -> Result<(), ConfigError> {
        let d = self.d;
        let parent_key = self
            .out
            .schema
            .find_table(&parent)
            .map(|p| primary_key(d, p))
            .unwrap_or_default();
        let [key] = parent_key.as_slice() else {
            return Err(self.error(line, format!(
                "`joinable!` to `{parent}`: diesel joins on the parent's one primary-key column, and `{parent}` has {}",
                if parent_key.is_empty() { "none".to_owned() } else { format!("({})", parent_key.join(", ")) }
            )));
        };
        let key = key.clone();
        let Some(t) = self.out.schema.find_table_mut(&child) else {
            return Ok(());
        };
        let exists = t.foreign_keys.iter().any(|f| {
            matches!(f.columns.as_slice(), [c] if same_name(d, NameKind::Member, c, &column))
                && same_relation(d, &f.ref_table, &parent)
        });
        if !exists {
            t.foreign_keys.push(ForeignKey {
                name: None,
                columns: vec![column],
                ref_table: parent,
                ref_columns: vec![key],
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::NoAction,
            });
        }
        Ok(())
    }
}

fn nullable(fc: &FileColumn) -> bool {
    strip_nullable(&fc.ty).0
}

fn new_column(fc: &FileColumn, ty: SqlType) -> Column {
    Column {
        name: fc.sql_name.clone(),
        ty,
        nullable: nullable(fc),
        default: None,
        identity: None,
        generated: None,
        comment: None,
    }
}

/// How a new table's one integer primary-key column numbers itself: what a
/// diesel application expects of `id` (PostgreSQL identity, MySQL
/// AUTO_INCREMENT; on SQLite an INTEGER key is the rowid, and the typed
/// operation's `identity` gives the other dialects theirs).
fn identity_for(d: Dialect) -> Option<Identity> {
    match d {
        Dialect::Postgres => Some(Identity::ByDefault),
        Dialect::Mysql | Dialect::Sqlite => Some(Identity::AutoIncrement),
    }
}

fn is_integer(ty: &SqlType) -> bool {
    match ty {
        SqlType::Postgres(p) => !p.array && matches!(p.name.as_str(), "int2" | "int4" | "int8"),
        SqlType::Mysql(m) => {
            matches!(m.name.as_str(), "smallint" | "mediumint" | "int" | "bigint")
        }
        SqlType::Sqlite(s) => s.declared.eq_ignore_ascii_case("integer"),
    }
}
