//! diesel's SQL type for a column, by diesel_cli's rules for each engine
//! (`determine_column_type` in its `infer_schema_internals`), from the
//! model's engine types.

use std::fmt;

use crate::model::{
    Column, CustomTypeKind, Dialect, MysqlType, ObjectName, PgType, Schema, SqlType, Table,
};
use crate::naming::upper_camel_case;

use super::config::PrintSchemaConfig;

/// A column's diesel type, as diesel_cli's `ColumnType` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnType {
    /// The SQL type's schema when it is not the default one
    /// (`Some("pg_catalog")` for PostgreSQL's built-in types).
    pub schema: Option<String>,
    /// The Rust type name (`Int4`, `Varchar`, `Mood`).
    pub rust_name: String,
    /// The SQL type name (`int4`, `varchar`, `mood`).
    pub sql_name: String,
    /// `Array<Nullable<_>>`.
    pub is_array: bool,
    /// `Nullable<_>`.
    pub is_nullable: bool,
    /// `Unsigned<_>` (MySQL).
    pub is_unsigned: bool,
    /// `#[max_length = N]`.
    pub max_length: Option<u64>,
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut close = 0;
        if self.is_nullable {
            f.write_str("Nullable<")?;
            close += 1;
        }
        if self.is_array {
            f.write_str("Array<Nullable<")?;
            close += 2;
        }
        if self.is_unsigned {
            f.write_str("Unsigned<")?;
            close += 1;
        }
        f.write_str(&self.rust_name)?;
        f.write_str(&">".repeat(close))
    }
}

/// Why diesel cannot type a column (print-schema fails on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Types diesel provides for every backend (print-schema's
/// `common_diesel_types`), hidden aliases included.
const COMMON: &[&str] = &[
    "Bool",
    "Integer",
    "SmallInt",
    "BigInt",
    "Binary",
    "Text",
    "Double",
    "Float",
    "Numeric",
    "Timestamp",
    "Date",
    "Time",
    "Float4",
    "Smallint",
    "Int2",
    "Int4",
    "Int8",
    "Bigint",
    "Float8",
    "Decimal",
    "VarChar",
    "Varchar",
    "Char",
    "Tinytext",
    "Mediumtext",
    "Longtext",
    "Tinyblob",
    "Blob",
    "Mediumblob",
    "Longblob",
    "Varbinary",
    "Bit",
];

const POSTGRES: &[&str] = &[
    "Cidr",
    "Citext",
    "Inet",
    "Jsonb",
    "MacAddr",
    "MacAddr8",
    "Money",
    "Oid",
    "Range",
    "Timestamptz",
    "Uuid",
    "Json",
    "PgLsn",
    "Record",
    "Interval",
    "Int4range",
    "Int8range",
    "Daterange",
    "Numrange",
    "Tsrange",
    "Tstzrange",
    "Int4multirange",
    "Int8multirange",
    "Datemultirange",
    "Nummultirange",
    "Tsmultirange",
    "Tstzmultirange",
    "SmallSerial",
    "BigSerial",
    "Serial",
    "Bytea",
    "Bpchar",
    "Macaddr",
    "Macaddr8",
];

const MYSQL: &[&str] = &["TinyInt", "Tinyint", "Datetime", "Json"];

/// True when diesel has a type called `rust_name` for `dialect`.
pub(super) fn diesel_provides(dialect: Dialect, rust_name: &str) -> bool {
    COMMON.contains(&rust_name)
        || match dialect {
            Dialect::Postgres => POSTGRES.contains(&rust_name),
            Dialect::Mysql => MYSQL.contains(&rust_name),
            Dialect::Sqlite => false,
        }
}

/// The diesel type of `column` of `table`.
pub(super) fn column_type(
    schema: &Schema,
    table: &Table,
    column: &Column,
    config: &PrintSchemaConfig,
) -> Result<ColumnType, Unsupported> {
    let mut ty = match &column.ty {
        SqlType::Postgres(t) => postgres(schema, t, config),
        SqlType::Mysql(t) => mysql(t)?,
        SqlType::Sqlite(t) => sqlite(schema, table, column, &t.declared, config)?,
    };
    ty.is_nullable = column.nullable;
    Ok(ty)
}

/// PostgreSQL: information_schema's `udt_name` camel-cased; a leading `_`
/// (an array) is `Array<Nullable<_>>`; a domain is its base type unless
/// `pg_domains_as_custom_types` names it.
fn postgres(schema: &Schema, t: &PgType, config: &PrintSchemaConfig) -> ColumnType {
    let base = domain_base(schema, t);
    // information_schema's length is the base type's, even for a domain
    // printed as a custom type.
    let max_length = base
        .unwrap_or(t)
        .max_length()
        .and_then(|n| u64::try_from(n).ok());
    let as_custom = config
        .pg_domains_as_custom_types
        .iter()
        .any(|r| r.is_match(&t.name));
    let resolved = if as_custom { t } else { base.unwrap_or(t) };
    let type_schema = if resolved.builtin {
        Some("pg_catalog".to_owned())
    } else {
        resolved.schema.clone()
    };
    ColumnType {
        schema: type_schema,
        rust_name: upper_camel_case(&resolved.name),
        sql_name: resolved.name.clone(),
        is_array: resolved.array || t.array,
        is_nullable: false,
        is_unsigned: false,
        max_length,
    }
}

/// The base type of a domain column, as information_schema reports it.
fn domain_base<'a>(schema: &'a Schema, t: &PgType) -> Option<&'a PgType> {
    if t.builtin || t.array {
        return None;
    }
    let name = ObjectName::in_schema(t.schema.clone(), t.name.clone());
    let custom = schema.find_type(&name)?;
    let CustomTypeKind::Domain {
        base: SqlType::Postgres(base),
        ..
    } = &custom.kind
    else {
        return None;
    };
    Some(base)
}

/// MySQL: `COLUMN_TYPE` by diesel's `determine_type_name`: `tinyint(1)` is
/// `Bool`, any `int...` `Integer`, else the name before `(`, camel-cased;
/// `unsigned` anywhere is `Unsigned<_>`.
fn mysql(t: &MysqlType) -> Result<ColumnType, Unsupported> {
    let column_type = t.column_type(false);
    let unsigned = column_type.to_lowercase().contains("unsigned");
    let name: &str = if column_type == "tinyint(1)" {
        "bool"
    } else if column_type.starts_with("int") {
        "integer"
    } else if let Some(i) = column_type.find('(') {
        &column_type[..i]
    } else {
        &column_type
    };
    let name = if name.to_lowercase().contains("unsigned") {
        name.to_lowercase()
            .replace("unsigned", "")
            .trim()
            .to_owned()
    } else if name.contains(' ') {
        return Err(Unsupported(format!(
            "diesel cannot map the MySQL type `{name}`"
        )));
    } else {
        name.to_owned()
    };
    let name = name.trim();
    Ok(ColumnType {
        schema: None,
        rust_name: upper_camel_case(name),
        sql_name: name.to_owned(),
        is_array: false,
        is_nullable: false,
        is_unsigned: unsigned,
        max_length: if column_type.contains('(') {
            t.max_length().and_then(|n| u64::try_from(n).ok())
        } else {
            None
        },
    })
}

/// SQLite: the declared type, lower-cased, by diesel's substring rules.
fn sqlite(
    schema: &Schema,
    table: &Table,
    column: &Column,
    declared: &str,
    config: &PrintSchemaConfig,
) -> Result<ColumnType, Unsupported> {
    let mut t = declared.to_lowercase();
    if t == "generated always" {
        t.clear();
    }
    let has = |s: &str| t.contains(s);
    let name = if t == "boolean" || t == "bool" || (has("tiny") && has("int")) {
        "Bool"
    } else if t == "int2" || (has("small") && has("int")) {
        "SmallInt"
    } else if t == "int8" || (has("big") && has("int")) {
        "BigInt"
    } else if has("int") {
        let bigint = config.sqlite_integer_primary_key_is_bigint.unwrap_or(false)
            && (is_rowid(table, &column.name, &t) || references_rowid(schema, table, &column.name));
        if bigint {
            "BigInt"
        } else {
            "Integer"
        }
    } else if has("char") || has("clob") || has("text") {
        "Text"
    } else if has("blob") || has("binary") || t.is_empty() {
        "Binary"
    } else if has("float") || has("real") {
        "Float"
    } else if has("double") || has("num") || has("dec") {
        "Double"
    } else if t == "datetime" || t == "timestamp" {
        "Timestamp"
    } else if t == "date" {
        "Date"
    } else if t == "time" {
        "Time"
    } else {
        return Err(Unsupported(format!(
            "diesel has no SQLite type for `{declared}` (print-schema stops on it)"
        )));
    };
    Ok(ColumnType {
        schema: None,
        rust_name: name.to_owned(),
        sql_name: name.to_owned(),
        is_array: false,
        is_nullable: false,
        is_unsigned: false,
        max_length: None,
    })
}

/// diesel's `column_is_row_id`: declared exactly `integer`, the table's one
/// primary-key column, in a rowid table.
fn is_rowid(table: &Table, column: &str, declared_lower: &str) -> bool {
    declared_lower == "integer"
        && !table.without_rowid
        && matches!(super::keys::sqlite_primary_key(table).as_slice(), [pk] if pk == column)
}

/// diesel's `column_references_row_id`: the column's foreign key points at
/// a parent whose one key column is its rowid. diesel finds the parent's key
/// by a pragma that ignores case, but its rowid test compares the name as the
/// foreign key wrote it with the table's own, exactly.
fn references_rowid(schema: &Schema, table: &Table, column: &str) -> bool {
    let Some(fk) = table
        .foreign_keys
        .iter()
        .find(|f| f.columns.len() == 1 && f.columns[0] == column)
    else {
        return false;
    };
    let Some(parent) = schema.find_table(&fk.ref_table) else {
        return false;
    };
    let pk = super::keys::sqlite_primary_key(parent);
    let [id] = pk.as_slice() else { return false };
    parent.name.name == fk.ref_table.name
        && parent.find_column(Dialect::Sqlite, id).is_some_and(
            |c| matches!(&c.ty, SqlType::Sqlite(s) if s.declared.to_lowercase() == "integer"),
        )
        && !parent.without_rowid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn my(text: &str) -> String {
        let t = MysqlType::parse(text).unwrap().0;
        let c = mysql(&t).unwrap();
        format!("{c} {:?}", c.max_length)
    }

    #[test]
    fn mysql_types_follow_diesels_names() {
        assert_eq!(my("BOOLEAN"), "Bool None");
        assert_eq!(my("INT"), "Integer None");
        assert_eq!(my("int(11) unsigned"), "Unsigned<Integer> None");
        assert_eq!(my("BIGINT UNSIGNED"), "Unsigned<Bigint> None");
        assert_eq!(my("VARCHAR(255)"), "Varchar Some(255)");
        assert_eq!(my("DECIMAL(10,2)"), "Decimal None");
        assert_eq!(my("DATETIME(6)"), "Datetime None");
        assert_eq!(my("TINYINT"), "Tinyint None");
        assert_eq!(my("ENUM('a','bc')"), "Enum Some(2)");
        assert_eq!(my("SET('a','bc')"), "Set Some(4)");
    }

    #[test]
    fn display_nests_as_diesel_writes_it() {
        let t = ColumnType {
            schema: None,
            rust_name: "Text".into(),
            sql_name: "text".into(),
            is_array: true,
            is_nullable: true,
            is_unsigned: false,
            max_length: None,
        };
        assert_eq!(t.to_string(), "Nullable<Array<Nullable<Text>>>");
    }
}
