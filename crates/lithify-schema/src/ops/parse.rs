//! Reading the operations of a `revision.toml` (its `[[upgrade]]` and
//! `[[downgrade]]` tables). Every key is checked: an unknown key, a wrong
//! type or a missing one is an error naming its line, so a typo cannot
//! change what a migration does.

use std::collections::BTreeMap;

use toml_edit::{Item, TableLike, Value};

use super::{
    AlterColumn, CheckSpec, ColumnSpec, CreateIndex, CreateTable, DefaultValue, Execute,
    ForeignKeySpec, Insert, Literal, Located, Operation, PortableType, Reference, TypedRevision,
    UniqueSpec,
};
use crate::model::{Dialect, ReferentialAction};

/// Something wrong in an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpError {
    /// 1-based line in the file.
    pub line: u32,
    /// What is wrong.
    pub message: String,
    /// How to write it instead.
    pub help: Option<String>,
}

/// The operation names, for messages.
pub const OPERATIONS: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "add_column",
    "drop_column",
    "alter_column",
    "create_index",
    "drop_index",
    "create_foreign_key",
    "create_unique",
    "create_check",
    "drop_constraint",
    "execute",
    "insert",
];

/// The portable type names, for messages.
pub const TYPES: &str = "integer, bigint, smallint, text, varchar(N), boolean, timestamp, \
    timestamptz, date, time, numeric(P, S), real, double, uuid, json, binary, or \
    { sqlite = \"...\", postgres = \"...\", mysql = \"...\" }";

/// The keys of `revision.toml` this module reads; the others are
/// `metadata.toml`'s.
pub const KEYS: &[&str] = &["upgrade", "downgrade", "irreversible"];

/// Read the typed part of `revision.toml` (`doc` parsed from `text`).
///
/// # Errors
/// Every operation that does not read, each with its line.
pub fn typed_revision(doc: &dyn TableLike, text: &str) -> Result<TypedRevision, Vec<OpError>> {
    let mut errors = Vec::new();
    let upgrade = match doc.get("upgrade") {
        None => {
            errors.push(OpError {
                line: 1,
                message: "revision.toml has no `[[upgrade]]` operations".to_owned(),
                help: Some("add `[[upgrade]]` sections, e.g. `op = \"add_column\"` (the README lists the operations)".to_owned()),
            });
            Vec::new()
        }
        Some(item) => operations(item, text).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        }),
    };
    let downgrade = doc.get("downgrade").map(|item| {
        operations(item, text).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        })
    });
    let irreversible = match doc.get_key_value("irreversible") {
        None => false,
        Some((key, item)) => match item.as_bool() {
            Some(b) => b,
            None => {
                errors.push(err(
                    line(text, key.span()),
                    "`irreversible` must be true or false",
                ));
                false
            }
        },
    };
    if irreversible && downgrade.is_some() {
        let at = doc
            .get_key_value("irreversible")
            .map_or(1, |(k, _)| line(text, k.span()));
        errors.push(OpError {
            line: at,
            message: "`irreversible = true` and `[[downgrade]]` together".to_owned(),
            help: Some(
                "keep the downgrade, or say the revision cannot be undone, not both".to_owned(),
            ),
        });
    }
    if errors.is_empty() {
        Ok(TypedRevision {
            upgrade,
            downgrade,
            irreversible,
        })
    } else {
        Err(errors)
    }
}

/// Read the operations of `item` (an array of tables), in `text` (for lines).
pub fn operations(item: &Item, text: &str) -> Result<Vec<Located<Operation>>, Vec<OpError>> {
    let tables: Vec<&dyn TableLike> = match item {
        Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Item::Value(Value::Array(a)) => {
            let mut v = Vec::new();
            for value in a.iter() {
                match value.as_inline_table() {
                    Some(t) => v.push(t as &dyn TableLike),
                    None => {
                        return Err(vec![err(
                        line(text, value.span()),
                        "an operation is a table: write `[[upgrade]]` / `[[downgrade]]` sections",
                    )])
                    }
                }
            }
            v
        }
        other => {
            return Err(vec![err(
                line(text, other.span()),
                "`upgrade` and `downgrade` are lists of operations: write `[[upgrade]]` sections",
            )])
        }
    };
    let mut ops = Vec::new();
    let mut errors = Vec::new();
    for t in tables {
        let mut f = Fields::new(t, text);
        match operation(&mut f) {
            Ok(op) => {
                f.no_other_keys(&mut errors);
                ops.push(Located {
                    value: op,
                    line: f.line,
                });
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ops)
    } else {
        Err(errors)
    }
}

fn err(line: u32, message: impl Into<String>) -> OpError {
    OpError {
        line,
        message: message.into(),
        help: None,
    }
}

fn line(text: &str, span: Option<std::ops::Range<usize>>) -> u32 {
    let at = span.map_or(0, |s| s.start).min(text.len());
    u32::try_from(text[..at].matches('\n').count() + 1).unwrap_or(u32::MAX)
}

/// The keys of one operation table, with the ones read marked.
struct Fields<'a> {
    table: &'a dyn TableLike,
    text: &'a str,
    used: Vec<&'a str>,
    /// Every key the operation's reader looked for: the keys it takes.
    asked: Vec<&'a str>,
    /// Line of the table (its `op` key, else its first key).
    line: u32,
}

impl<'a> Fields<'a> {
    fn new(table: &'a dyn TableLike, text: &'a str) -> Fields<'a> {
        let first = table.get_key_value("op").or_else(|| {
            table
                .iter()
                .next()
                .and_then(|(k, _)| table.get_key_value(k))
        });
        let line = first.map_or(1, |(k, _)| self::line(text, k.span()));
        Fields {
            table,
            text,
            used: Vec::new(),
            asked: Vec::new(),
            line,
        }
    }

    fn key_line(&self, key: &str) -> u32 {
        self.table
            .get_key_value(key)
            .map_or(self.line, |(k, _)| line(self.text, k.span()))
    }

    fn get(&mut self, key: &'a str) -> Option<&'a Item> {
        if !self.asked.contains(&key) {
            self.asked.push(key);
        }
        let item = self.table.get(key)?;
        self.used.push(key);
        Some(item)
    }

    fn wrong(&self, key: &str, expected: &str) -> OpError {
        err(self.key_line(key), format!("`{key}` must be {expected}"))
    }

    fn string(&mut self, key: &'a str) -> Result<Option<String>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(i) => i
                .as_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| self.wrong(key, "a string")),
        }
    }

    fn required(&mut self, key: &'a str, op: &str) -> Result<String, OpError> {
        self.string(key)?.ok_or_else(|| OpError {
            line: self.line,
            message: format!("`{op}` needs `{key}`"),
            help: None,
        })
    }

    fn bool(&mut self, key: &'a str) -> Result<Option<bool>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(i) => i
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "true or false")),
        }
    }

    fn strings(&mut self, key: &'a str) -> Result<Option<Vec<String>>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(i) => {
                let arr = i
                    .as_array()
                    .ok_or_else(|| self.wrong(key, "an array of strings"))?;
                arr.iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .map(Some)
                    .ok_or_else(|| self.wrong(key, "an array of strings"))
            }
        }
    }

    fn no_other_keys(&self, errors: &mut Vec<OpError>) {
        let takes: Vec<&str> = self.asked.iter().copied().filter(|k| *k != "op").collect();
        for (k, _) in self.table.iter() {
            if !self.used.contains(&k) {
                let guess = takes.iter().find(|t| close_to(k, t));
                errors.push(OpError {
                    line: self.key_line(k),
                    message: match guess {
                        Some(t) => format!(
                            "unknown key `{k}` in `{}`: did you mean `{t}`?",
                            self.op_name()
                        ),
                        None => format!("unknown key `{k}` in `{}`", self.op_name()),
                    },
                    help: Some(format!("`{}` takes: {}", self.op_name(), takes.join(", "))),
                });
            }
        }
    }

    fn op_name(&self) -> &str {
        self.table.get("op").and_then(Item::as_str).unwrap_or("?")
    }
}

/// A likely typo of `known`: the same length give or take one, and at most
/// two characters replaced, inserted, deleted or swapped.
fn close_to(typed: &str, known: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (typed.chars().collect(), known.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    // Optimal string alignment distance, rows of the usual table.
    let mut before: Vec<usize> = (0..=b.len()).collect();
    let mut earlier = before.clone();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (before[j] + 1)
                .min(row[j - 1] + 1)
                .min(before[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(earlier[j - 2] + 1);
            }
        }
        earlier = std::mem::replace(&mut before, row);
    }
    before[b.len()] <= 2
}

fn operation(f: &mut Fields<'_>) -> Result<Operation, OpError> {
    let Some(op) = f.string("op")? else {
        return Err(OpError {
            line: f.line,
            message: "an operation needs `op`".to_owned(),
            help: Some(format!("one of: {}", OPERATIONS.join(", "))),
        });
    };
    let op = op.as_str();
    Ok(match op {
        "create_table" => Operation::CreateTable(create_table(f)?),
        "drop_table" => Operation::DropTable {
            table: f.required("table", op)?,
        },
        "rename_table" => Operation::RenameTable {
            table: f.required("table", op)?,
            to: f.required("to", op)?,
        },
        "add_column" => Operation::AddColumn {
            table: f.required("table", op)?,
            column: column_fields(f, op, "column")?,
        },
        "drop_column" => Operation::DropColumn {
            table: f.required("table", op)?,
            column: f.required("column", op)?,
        },
        "alter_column" => Operation::AlterColumn(alter_column(f)?),
        "create_index" => Operation::CreateIndex(CreateIndex {
            table: f.required("table", op)?,
            columns: f
                .strings("columns")?
                .ok_or_else(|| needs(f, op, "columns"))?,
            name: f.string("name")?,
            unique: f.bool("unique")?.unwrap_or(false),
            where_clause: f.string("where")?,
            concurrently: f.bool("concurrently")?.unwrap_or(false),
        }),
        "drop_index" => Operation::DropIndex {
            table: f.required("table", op)?,
            name: f.required("name", op)?,
        },
        "create_foreign_key" => Operation::CreateForeignKey(ForeignKeySpec {
            table: f.required("table", op)?,
            columns: f
                .strings("columns")?
                .ok_or_else(|| needs(f, op, "columns"))?,
            ref_table: f.required("references", op)?,
            ref_columns: f
                .strings("referenced_columns")?
                .ok_or_else(|| needs(f, op, "referenced_columns"))?,
            name: f.string("name")?,
            on_delete: action(f, "on_delete")?,
            on_update: action(f, "on_update")?,
        }),
        "create_unique" => Operation::CreateUnique {
            table: f.required("table", op)?,
            columns: f
                .strings("columns")?
                .ok_or_else(|| needs(f, op, "columns"))?,
            name: f.string("name")?,
        },
        "create_check" => Operation::CreateCheck {
            table: f.required("table", op)?,
            expr: f.required("check", op)?,
            name: f.string("name")?,
        },
        "drop_constraint" => Operation::DropConstraint {
            table: f.required("table", op)?,
            name: f.required("name", op)?,
        },
        "execute" => Operation::Execute(execute(f)?),
        "insert" => Operation::Insert(insert(f)?),
        other => {
            return Err(OpError {
                line: f.key_line("op"),
                message: match OPERATIONS.iter().find(|o| close_to(other, o)) {
                    Some(o) => format!("unknown operation `{other}`: did you mean `{o}`?"),
                    None => format!("unknown operation `{other}`"),
                },
                help: Some(format!("one of: {}", OPERATIONS.join(", "))),
            })
        }
    })
}

fn needs(f: &Fields<'_>, op: &str, key: &str) -> OpError {
    OpError {
        line: f.line,
        message: format!("`{op}` needs `{key}`"),
        help: None,
    }
}

fn create_table(f: &mut Fields<'_>) -> Result<CreateTable, OpError> {
    let table = f.required("table", "create_table")?;
    let columns_item = f
        .get("columns")
        .ok_or_else(|| needs(f, "create_table", "columns"))?;
    let list: Vec<&dyn TableLike> = match columns_item {
        Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Item::Value(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| f.wrong("columns", "an array of column tables"))?,
        _ => return Err(f.wrong("columns", "an array of column tables")),
    };
    let mut columns = Vec::new();
    for t in list {
        let mut cf = Fields::new(t, f.text);
        let column = column_fields(&mut cf, "create_table", "name")?;
        let mut errors = Vec::new();
        cf.no_other_keys(&mut errors);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        columns.push(column);
    }
    let unique = match f.get("unique") {
        None => Vec::new(),
        Some(item) => uniques(f, item)?,
    };
    let checks = match f.get("checks") {
        None => Vec::new(),
        Some(item) => checks(f, item)?,
    };
    Ok(CreateTable {
        table,
        columns,
        primary_key: f.strings("primary_key")?.unwrap_or_default(),
        unique,
        checks,
    })
}

/// `unique = [["a", "b"], { columns = ["c"], name = "uq_x" }]`.
fn uniques(f: &Fields<'_>, item: &Item) -> Result<Vec<UniqueSpec>, OpError> {
    let arr = item
        .as_array()
        .ok_or_else(|| f.wrong("unique", "an array of column lists"))?;
    arr.iter()
        .map(|v| match v {
            Value::Array(cols) => Ok(UniqueSpec {
                columns: str_list(cols)
                    .ok_or_else(|| f.wrong("unique", "an array of column lists"))?,
                name: None,
            }),
            Value::InlineTable(t) => Ok(UniqueSpec {
                columns: t
                    .get("columns")
                    .and_then(Value::as_array)
                    .and_then(str_list)
                    .ok_or_else(|| f.wrong("unique", "`{ columns = [...], name = \"...\" }`"))?,
                name: t.get("name").and_then(Value::as_str).map(str::to_owned),
            }),
            _ => Err(f.wrong("unique", "an array of column lists")),
        })
        .collect()
}

/// `checks = ["a > 0", { check = "b > a", name = "b_after_a" }]`.
fn checks(f: &Fields<'_>, item: &Item) -> Result<Vec<CheckSpec>, OpError> {
    let arr = item
        .as_array()
        .ok_or_else(|| f.wrong("checks", "an array of conditions"))?;
    arr.iter()
        .map(|v| match v {
            Value::String(s) => Ok(CheckSpec {
                expr: s.value().clone(),
                name: None,
            }),
            Value::InlineTable(t) => Ok(CheckSpec {
                expr: t
                    .get("check")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| f.wrong("checks", "`{ check = \"...\", name = \"...\" }`"))?,
                name: t.get("name").and_then(Value::as_str).map(str::to_owned),
            }),
            _ => Err(f.wrong("checks", "an array of conditions")),
        })
        .collect()
}

fn str_list(a: &toml_edit::Array) -> Option<Vec<String>> {
    a.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// A column's keys; the name is under `name_key` (`name` in `columns`,
/// `column` in `add_column`).
fn column_fields(
    f: &mut Fields<'_>,
    op: &str,
    name_key: &'static str,
) -> Result<ColumnSpec, OpError> {
    let name = f.required(name_key, op)?;
    let ty = match f.get("type") {
        Some(item) => portable_type(f, item)?,
        // A foreign-key column takes the type of the column it references.
        None if f.table.contains_key("references") => PortableType::Referenced,
        None => {
            return Err(OpError {
                line: f.line,
                message: format!("column `{name}` needs a `type`"),
                help: Some(format!(
                    "types: {TYPES}; a column with `references` may leave it out to take the referenced column's"
                )),
            })
        }
    };
    let primary_key = f.bool("primary_key")?.unwrap_or(false);
    let nullable = f.bool("nullable")?.unwrap_or(!primary_key);
    let references = match f.string("references")? {
        None => None,
        Some(r) => {
            let Some((table, column)) = r.split_once('.') else {
                return Err(f.wrong("references", "`\"table.column\"`"));
            };
            Some(Reference {
                table: table.to_owned(),
                column: column.to_owned(),
                on_delete: action(f, "on_delete")?,
                on_update: action(f, "on_update")?,
            })
        }
    };
    Ok(ColumnSpec {
        name,
        ty,
        nullable,
        default: default(f)?,
        primary_key,
        identity: f.bool("identity")?.unwrap_or(false),
        unique: f.bool("unique")?.unwrap_or(false),
        references,
        check: f.string("check")?,
        comment: f.string("comment")?,
    })
}

/// `default = <literal>` or `default_sql = "<expression>"`.
fn default(f: &mut Fields<'_>) -> Result<Option<DefaultValue>, OpError> {
    let literal = match f.get("default") {
        None => None,
        Some(item) => Some(literal(f, "default", item)?),
    };
    let sql = f.string("default_sql")?;
    match (literal, sql) {
        (Some(_), Some(_)) => Err(OpError {
            line: f.key_line("default_sql"),
            message: "`default` and `default_sql` together: give one".to_owned(),
            help: Some("`default` is a value (`default = \"EUR\"`), `default_sql` an SQL expression (`default_sql = \"CURRENT_TIMESTAMP\"`)".to_owned()),
        }),
        (Some(l), None) => Ok(Some(DefaultValue::Literal(l))),
        (None, Some(s)) => Ok(Some(DefaultValue::Sql(s))),
        (None, None) => Ok(None),
    }
}

fn literal(f: &Fields<'_>, key: &str, item: &Item) -> Result<Literal, OpError> {
    match item.as_value() {
        Some(v) => value_literal(v).ok_or_else(|| f.wrong(key, "a string, number or boolean")),
        None => Err(f.wrong(key, "a string, number or boolean")),
    }
}

fn value_literal(v: &Value) -> Option<Literal> {
    Some(match v {
        Value::String(s) => Literal::Text(s.value().clone()),
        Value::Integer(i) => Literal::Integer(*i.value()),
        Value::Float(x) => Literal::Float(*x.value()),
        Value::Boolean(b) => Literal::Bool(*b.value()),
        _ => return None,
    })
}

fn action(f: &mut Fields<'_>, key: &'static str) -> Result<ReferentialAction, OpError> {
    Ok(match f.string(key)?.as_deref() {
        None | Some("no action") => ReferentialAction::NoAction,
        Some("restrict") => ReferentialAction::Restrict,
        Some("cascade") => ReferentialAction::Cascade,
        Some("set null") => ReferentialAction::SetNull,
        Some("set default") => ReferentialAction::SetDefault,
        Some(_) => {
            return Err(f.wrong(
                key,
                "one of \"no action\", \"restrict\", \"cascade\", \"set null\", \"set default\"",
            ))
        }
    })
}

fn portable_type(f: &Fields<'_>, item: &Item) -> Result<PortableType, OpError> {
    if let Some(t) = item.as_table_like() {
        let mut per = BTreeMap::new();
        for (k, v) in t.iter() {
            let d = dialect(k)
                .ok_or_else(|| f.wrong("type", "a table with sqlite, postgres and mysql keys"))?;
            let s = v
                .as_str()
                .ok_or_else(|| f.wrong("type", "a table of type names per dialect"))?;
            per.insert(d, s.to_owned());
        }
        return Ok(PortableType::PerDialect(per));
    }
    let text = item.as_str().ok_or_else(|| OpError {
        line: f.key_line("type"),
        message: "`type` must be a type name".to_owned(),
        help: Some(format!("types: {TYPES}")),
    })?;
    parse_type(text).ok_or_else(|| OpError {
        line: f.key_line("type"),
        message: format!("unknown type `{text}`"),
        help: Some(format!(
            "types: {TYPES}; for an engine's own type, give it per dialect"
        )),
    })
}

/// A portable type name (`varchar(20)`, `numeric(10, 2)`, ...).
pub fn parse_type(text: &str) -> Option<PortableType> {
    let t = text.trim().to_ascii_lowercase();
    let (name, args) = match t.split_once('(') {
        Some((n, rest)) => (n.trim(), Some(rest.strip_suffix(')')?)),
        None => (t.as_str(), None),
    };
    let nums: Option<Vec<u32>> = match args {
        None => None,
        Some(a) => Some(
            a.split(',')
                .map(|n| n.trim().parse().ok())
                .collect::<Option<Vec<u32>>>()?,
        ),
    };
    Some(match (name, nums.as_deref()) {
        ("integer" | "int", None) => PortableType::Integer,
        ("bigint", None) => PortableType::BigInt,
        ("smallint", None) => PortableType::SmallInt,
        ("text", None) => PortableType::Text,
        ("varchar", Some([n])) => PortableType::Varchar(*n),
        ("boolean" | "bool", None) => PortableType::Boolean,
        ("timestamp", None) => PortableType::Timestamp,
        ("timestamptz", None) => PortableType::Timestamptz,
        ("date", None) => PortableType::Date,
        ("time", None) => PortableType::Time,
        ("numeric" | "decimal", Some([p, s])) => PortableType::Numeric(*p, *s),
        ("numeric" | "decimal", Some([p])) => PortableType::Numeric(*p, 0),
        ("real", None) => PortableType::Real,
        ("double", None) => PortableType::Double,
        ("uuid", None) => PortableType::Uuid,
        ("json", None) => PortableType::Json,
        ("binary", None) => PortableType::Binary,
        _ => return None,
    })
}

fn dialect(name: &str) -> Option<Dialect> {
    Dialect::ALL.into_iter().find(|d| d.name() == name)
}

fn alter_column(f: &mut Fields<'_>) -> Result<AlterColumn, OpError> {
    let op = "alter_column";
    let table = f.required("table", op)?;
    let column = f.required("column", op)?;
    let ty = match f.get("type") {
        None => None,
        Some(item) => Some(portable_type(f, item)?),
    };
    let default = match (
        f.table.contains_key("default"),
        f.table.contains_key("default_sql"),
    ) {
        (false, false) => None,
        _ => Some(self::default(f)?),
    };
    let drop_default = f.bool("drop_default")?.unwrap_or(false);
    let a = AlterColumn {
        table,
        column,
        ty,
        using: f.string("using")?,
        nullable: f.bool("nullable")?,
        default: if drop_default { Some(None) } else { default },
        rename_to: f.string("rename_to")?,
    };
    if a.ty.is_none() && a.nullable.is_none() && a.default.is_none() && a.rename_to.is_none() {
        return Err(OpError {
            line: f.line,
            message: "`alter_column` changes nothing".to_owned(),
            help: Some("give `type`, `nullable`, `default` / `default_sql` / `drop_default = true`, or `rename_to`".to_owned()),
        });
    }
    if a.using.is_some() && a.ty.is_none() {
        return Err(f.wrong(
            "using",
            "given with `type` (it converts the values to the new type)",
        ));
    }
    Ok(a)
}

fn execute(f: &mut Fields<'_>) -> Result<Execute, OpError> {
    let sql = f.string("sql")?;
    let mut per_dialect = BTreeMap::new();
    for d in lithify_core::Dialect::ALL {
        if let Some(s) = f.string(d.name())? {
            per_dialect.insert(d, s);
        }
    }
    if sql.is_none() && per_dialect.is_empty() {
        return Err(OpError {
            line: f.line,
            message: "`execute` needs `sql` (or `sqlite` / `postgres` / `mysql`)".to_owned(),
            help: None,
        });
    }
    let down = match f.get("down") {
        None => None,
        Some(item) if item.is_str() => Some(BTreeMap::from([(
            None,
            item.as_str().unwrap_or_default().to_owned(),
        )])),
        Some(item) => {
            let t = item.as_table_like().ok_or_else(|| {
                f.wrong(
                    "down",
                    "SQL, or a table of SQL per dialect (`sql`, `sqlite`, ...)",
                )
            })?;
            let mut m = BTreeMap::new();
            for (k, v) in t.iter() {
                let key = if k == "sql" {
                    None
                } else {
                    Some(dialect(k).ok_or_else(|| {
                        f.wrong(
                            "down",
                            "a table with `sql`, `sqlite`, `postgres` or `mysql` keys",
                        )
                    })?)
                };
                m.insert(
                    key,
                    v.as_str()
                        .ok_or_else(|| f.wrong("down", "SQL text"))?
                        .to_owned(),
                );
            }
            Some(m)
        }
    };
    Ok(Execute {
        sql,
        per_dialect,
        down,
    })
}

fn insert(f: &mut Fields<'_>) -> Result<Insert, OpError> {
    let table = f.required("table", "insert")?;
    let rows_item = f.get("rows").ok_or_else(|| needs(f, "insert", "rows"))?;
    let arr = rows_item
        .as_array()
        .ok_or_else(|| f.wrong("rows", "an array of `{ column = value }` tables"))?;
    let mut rows = Vec::new();
    for v in arr.iter() {
        let t = v
            .as_inline_table()
            .ok_or_else(|| f.wrong("rows", "an array of `{ column = value }` tables"))?;
        let mut row = BTreeMap::new();
        for (k, v) in t.iter() {
            row.insert(
                k.to_owned(),
                value_literal(v).ok_or_else(|| {
                    f.wrong("rows", "values that are strings, numbers or booleans")
                })?,
            );
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(f.wrong("rows", "at least one row"));
    }
    Ok(Insert { table, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Located<Operation>>, Vec<OpError>> {
        let doc = toml_edit::ImDocument::parse(text).unwrap();
        operations(doc.get("upgrade").unwrap(), text)
    }

    #[test]
    fn the_issue_example_reads() {
        let ops = parse(
            "message = \"m\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"UPDATE jobs SET c = 'EUR'\"\n\n\
             [[upgrade]]\nop = \"alter_column\"\ntable = \"jobs\"\ncolumn = \"salary_currency\"\nnullable = false\n\n\
             [[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"company_id\", \"posted_at\"]\n",
        )
        .unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!(ops[1].line, 8);
        assert!(matches!(&ops[1].value, Operation::AlterColumn(a) if a.nullable == Some(false)));
        assert!(matches!(&ops[2].value, Operation::CreateIndex(c) if c.name.is_none()));
    }

    #[test]
    fn create_table_with_everything() {
        let ops = parse(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"jobs\"\ncolumns = [\n\
             { name = \"id\", type = \"bigint\", primary_key = true, identity = true },\n\
             { name = \"company_id\", type = \"bigint\", nullable = false, references = \"companies.id\", on_delete = \"cascade\" },\n\
             { name = \"pay\", type = \"numeric(10, 2)\", check = \"pay > 0\", default = 0 },\n\
             { name = \"raw\", type = { sqlite = \"BLOB\", postgres = \"bytea\", mysql = \"LONGBLOB\" } },\n]\n\
             unique = [[\"company_id\", \"pay\"]]\nchecks = [{ check = \"pay < 1000000\", name = \"pay_sane\" }]\n",
        )
        .unwrap();
        let Operation::CreateTable(t) = &ops[0].value else {
            panic!()
        };
        assert_eq!(t.columns.len(), 4);
        assert!(t.columns[0].primary_key && !t.columns[0].nullable && t.columns[0].identity);
        assert_eq!(
            t.columns[1].references.as_ref().unwrap().on_delete,
            ReferentialAction::Cascade
        );
        assert_eq!(t.columns[2].ty, PortableType::Numeric(10, 2));
        assert_eq!(
            t.columns[2].default,
            Some(DefaultValue::Literal(Literal::Integer(0)))
        );
        assert!(matches!(&t.columns[3].ty, PortableType::PerDialect(m) if m.len() == 3));
        assert_eq!(t.checks[0].name.as_deref(), Some("pay_sane"));
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = parse("[[upgrade]]\nop = \"add_column\"\ntable = \"jobs\"\ncolumn = \"x\"\ntype = \"int\"\nnulable = true\n").unwrap_err();
        assert_eq!(
            (e[0].line, e[0].message.as_str()),
            (
                6,
                "unknown key `nulable` in `add_column`: did you mean `nullable`?"
            )
        );
        let e = parse("[[upgrade]]\nop = \"add_column\"\ntable = \"jobs\"\ncolumn = \"x\"\ntype = \"integr\"\n").unwrap_err();
        assert_eq!(e[0].line, 5);
        assert!(e[0].message.contains("unknown type `integr`"));
        let e = parse("[[upgrade]]\nop = \"create_idx\"\n").unwrap_err();
        assert!(e[0].help.as_deref().unwrap_or("").contains("create_index"));
        let e = parse("[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"c\"\n")
            .unwrap_err();
        assert!(e[0].message.contains("changes nothing"));
    }
}
