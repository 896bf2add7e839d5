//! diesel's SQL types back to the model's engine types: the inverse of
//! [`super::types`] for a column a `schema.rs` adds or retypes. Each
//! diesel type maps to the engine type `diesel print-schema` prints as that
//! diesel type (so the schema the revision makes prints back the same); where
//! several engine types print alike and the choice matters (a `Numeric`'s
//! precision), the mapping says so in a note instead of guessing quietly;
//! where none does, it is an error.

use crate::model::{CustomTypeKind, Dialect, MysqlType, PgType, Schema, SqlType, SqliteType};
use crate::naming::upper_camel_case;

use super::reader::normalise_with;

/// diesel names that print-schema never writes but that mean exactly a
/// type it does write (`Int4` is what `Integer` is on PostgreSQL). Unlike
/// the stale check's aliases, string and binary types stay apart: `Text`
/// and `Varchar` are one diesel type but two PostgreSQL ones.
const SYNONYMS: &[(&str, &str)] = &[
    ("Int2", "SmallInt"),
    ("Smallint", "SmallInt"),
    ("SmallSerial", "SmallInt"),
    ("Int4", "Integer"),
    ("Serial", "Integer"),
    ("Int8", "BigInt"),
    ("Bigint", "BigInt"),
    ("BigSerial", "BigInt"),
    ("Float4", "Float"),
    ("Float8", "Double"),
    ("Decimal", "Numeric"),
    ("VarChar", "Varchar"),
    ("Tinyint", "TinyInt"),
    ("Macaddr", "MacAddr"),
    ("Macaddr8", "MacAddr8"),
    ("Bytea", "Binary"),
    ("Int4range", "Range<Integer>"),
    ("Int8range", "Range<BigInt>"),
    ("Daterange", "Range<Date>"),
    ("Numrange", "Range<Numeric>"),
    ("Tsrange", "Range<Timestamp>"),
    ("Tstzrange", "Range<Timestamptz>"),
];

/// A diesel type as written (`shown`), synonyms resolved and spaces gone:
/// two spellings are the same engine type when these are equal.
pub(crate) fn spelling(shown: &str) -> String {
    normalise_with(shown, SYNONYMS)
}

/// `Nullable<T>` -> (true, `T`).
pub(crate) fn strip_nullable(ty: &str) -> (bool, &str) {
    match ty
        .strip_prefix("Nullable<")
        .and_then(|t| t.strip_suffix('>'))
    {
        Some(inner) => (true, inner),
        None => (false, ty),
    }
}

/// An engine type for a diesel type, and what the reviewer should know
/// about the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The engine type.
    pub ty: SqlType,
    /// Why the choice may not be what was meant, when it may not.
    pub note: Option<String>,
}

/// A diesel type as a tree: `Array<Nullable<Text>>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DieselType {
    name: String,
    args: Vec<DieselType>,
}

fn parse(text: &str) -> Option<DieselType> {
    let (t, rest) = parse_at(text)?;
    rest.is_empty().then_some(t)
}

fn parse_at(text: &str) -> Option<(DieselType, &str)> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    if end == 0 {
        return None;
    }
    let name = text[..end].to_owned();
    let mut rest = &text[end..];
    let mut args = Vec::new();
    if let Some(r) = rest.strip_prefix('<') {
        rest = r;
        loop {
            let (arg, r) = parse_at(rest)?;
            args.push(arg);
            if let Some(r) = r.strip_prefix(',') {
                rest = r;
            } else {
                rest = r.strip_prefix('>')?;
                break;
            }
        }
    }
    Some((DieselType { name, args }, rest))
}

/// The engine type of `dialect` that print-schema prints as the diesel type
/// `spelled` (its spelling with synonyms resolved, not nullable) with `max_length`; `schema` holds
/// the custom types a PostgreSQL column may name.
///
/// # Errors
/// A diesel type no engine type of `dialect` prints as, or that needs what
/// `schema.rs` does not say (a MySQL `Varchar` without `#[max_length]`).
pub fn sql_type(
    dialect: Dialect,
    schema: &Schema,
    spelled: &str,
    max_length: Option<u64>,
) -> Result<Mapped, String> {
    let t = parse(spelled).ok_or_else(|| format!("cannot read the type `{spelled}`"))?;
    match dialect {
        Dialect::Postgres => postgres(schema, &t, max_length),
        Dialect::Mysql => mysql(&t, max_length),
        Dialect::Sqlite => sqlite(&t, max_length),
    }
}

fn plain(ty: SqlType) -> Mapped {
    Mapped { ty, note: None }
}

fn unknown(dialect: Dialect, t: &str) -> String {
    format!(
        "no {dialect} type is printed by diesel as `{t}`, so lithify cannot tell which to create: write this change as a typed revision by hand"
    )
}

/// PostgreSQL catalog names of diesel's types where they are not the
/// diesel name in lower case.
const PG_NAMES: &[(&str, &str)] = &[
    ("Bool", "bool"),
    ("SmallInt", "int2"),
    ("Integer", "int4"),
    ("BigInt", "int8"),
    ("Float", "float4"),
    ("Double", "float8"),
    ("Binary", "bytea"),
    ("Char", "bpchar"),
    ("MacAddr", "macaddr"),
    ("MacAddr8", "macaddr8"),
    ("PgLsn", "pg_lsn"),
];

fn postgres(schema: &Schema, t: &DieselType, max_length: Option<u64>) -> Result<Mapped, String> {
    match (t.name.as_str(), t.args.as_slice()) {
        ("Array", [inner]) => {
            let inner = match (inner.name.as_str(), inner.args.as_slice()) {
                ("Nullable", [x]) => x,
                _ => inner,
            };
            let mut m = postgres(schema, inner, max_length)?;
            if let SqlType::Postgres(p) = &mut m.ty {
                p.array = true;
                p.modifiers.clear();
            }
            Ok(m)
        }
        ("Range", [inner]) => {
            let name = match inner.name.as_str() {
                "Integer" => "int4range",
                "BigInt" => "int8range",
                "Date" => "daterange",
                "Numeric" => "numrange",
                "Timestamp" => "tsrange",
                "Timestamptz" => "tstzrange",
                other => return Err(unknown(Dialect::Postgres, &format!("Range<{other}>"))),
            };
            Ok(plain(SqlType::Postgres(PgType::builtin(name))))
        }
        (name, []) => pg_named(schema, name, max_length),
        _ => Err(unknown(Dialect::Postgres, &t.name)),
    }
}

fn pg_named(schema: &Schema, name: &str, max_length: Option<u64>) -> Result<Mapped, String> {
    if let Some(custom) = schema
        .types
        .iter()
        .find(|c| upper_camel_case(&c.name.name) == name)
    {
        let ty = PgType {
            schema: custom.name.schema.clone(),
            name: custom.name.name.clone(),
            modifiers: Vec::new(),
            array: false,
            builtin: false,
        };
        let note = matches!(custom.kind, CustomTypeKind::Domain { .. }).then(|| {
            format!("`{name}` is the domain `{}`: print-schema shows a domain as its base type unless `pg_domains_as_custom_types` names it", custom.name)
        });
        return Ok(Mapped {
            ty: SqlType::Postgres(ty),
            note,
        });
    }
    let catalog = PG_NAMES
        .iter()
        .find(|(d, _)| *d == name)
        .map_or_else(|| snake(name), |(_, c)| (*c).to_owned());
    let mut ty = match PgType::parse(&catalog) {
        Ok((t, _)) if t.builtin || catalog == "citext" => t,
        _ => return Err(unknown(Dialect::Postgres, name)),
    };
    let sized = matches!(ty.name.as_str(), "varchar" | "bpchar" | "bit" | "varbit");
    let mut note = None;
    match (sized, max_length) {
        (true, Some(n)) => ty.modifiers = vec![i64::try_from(n).unwrap_or(i64::MAX)],
        (true, None) => ty.modifiers.clear(),
        (false, Some(_)) => {
            note = Some(format!(
                "`#[max_length]` means nothing for `{name}` on PostgreSQL: ignored"
            ));
        }
        (false, None) => {}
    }
    if ty.name == "numeric" {
        note = Some("`Numeric` does not say its precision and scale: written as `numeric` without them; give `numeric(p, s)` in the revision if you want them".to_owned());
    }
    Ok(Mapped {
        ty: SqlType::Postgres(ty),
        note,
    })
}

/// `PgLsn` -> `pg_lsn`; `Timetz` -> `timetz`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    if PgType::parse(&out).is_ok_and(|(t, _)| t.builtin) {
        out
    } else {
        name.to_ascii_lowercase()
    }
}

/// MySQL `COLUMN_TYPE`s of diesel's types (those with a length come after).
const MYSQL_NAMES: &[(&str, &str)] = &[
    ("Bool", "tinyint(1)"),
    ("TinyInt", "tinyint"),
    ("SmallInt", "smallint"),
    ("Integer", "int"),
    ("BigInt", "bigint"),
    ("Float", "float"),
    ("Double", "double"),
    ("Text", "text"),
    ("Tinytext", "tinytext"),
    ("Mediumtext", "mediumtext"),
    ("Longtext", "longtext"),
    ("Blob", "blob"),
    ("Tinyblob", "tinyblob"),
    ("Mediumblob", "mediumblob"),
    ("Longblob", "longblob"),
    ("Date", "date"),
    ("Time", "time"),
    ("Datetime", "datetime"),
    ("Timestamp", "timestamp"),
    ("Json", "json"),
];

fn mysql(t: &DieselType, max_length: Option<u64>) -> Result<Mapped, String> {
    let parsed = |text: &str| -> Result<SqlType, String> {
        MysqlType::parse(text)
            .map(|(t, _)| SqlType::Mysql(t))
            .map_err(|e| e.to_string())
    };
    match (t.name.as_str(), t.args.as_slice()) {
        ("Unsigned", [inner]) => {
            let mut m = mysql(inner, max_length)?;
            if let SqlType::Mysql(my) = &mut m.ty {
                my.unsigned = true;
            }
            Ok(m)
        }
        (name, []) => {
            if let Some((_, text)) = MYSQL_NAMES.iter().find(|(d, _)| *d == name) {
                return Ok(plain(parsed(text)?));
            }
            let sized = |sql: &str, n: Option<u64>| -> Result<Mapped, String> {
                let n = n.ok_or_else(|| {
                    format!("`{name}` needs `#[max_length = N]` on MySQL (its length is part of the type)")
                })?;
                Ok(plain(parsed(&format!("{sql}({n})"))?))
            };
            match name {
                "Varchar" => sized("varchar", max_length),
                "Char" => sized("char", max_length),
                "Varbinary" => sized("varbinary", max_length),
                "Binary" => match max_length {
                    Some(n) => Ok(plain(parsed(&format!("binary({n})"))?)),
                    None => Ok(plain(parsed("blob")?)),
                },
                "Numeric" => Ok(Mapped {
                    ty: parsed("decimal")?,
                    note: Some("`Numeric` does not say its precision and scale, and MySQL makes a plain DECIMAL `decimal(10,0)`: give `numeric(p, s)` in the revision".to_owned()),
                }),
                _ => Err(unknown(Dialect::Mysql, name)),
            }
        }
        _ => Err(unknown(Dialect::Mysql, &t.name)),
    }
}

/// SQLite declared types diesel's rules read back as each diesel type.
const SQLITE_NAMES: &[(&str, &str)] = &[
    ("Bool", "BOOLEAN"),
    ("SmallInt", "SMALLINT"),
    ("Integer", "INTEGER"),
    ("BigInt", "BIGINT"),
    ("Float", "REAL"),
    ("Double", "DOUBLE"),
    ("Text", "TEXT"),
    ("Varchar", "TEXT"),
    ("Char", "TEXT"),
    ("Binary", "BLOB"),
    ("Timestamp", "TIMESTAMP"),
    ("Date", "DATE"),
    ("Time", "TIME"),
];

fn sqlite(t: &DieselType, max_length: Option<u64>) -> Result<Mapped, String> {
    let found = t
        .args
        .is_empty()
        .then(|| SQLITE_NAMES.iter().find(|(d, _)| *d == t.name))
        .flatten();
    let Some((_, declared)) = found else {
        if t.name == "Numeric" {
            return Err(
                "diesel reads SQLite's NUMERIC and DECIMAL columns as `Double`: write `Double`"
                    .to_owned(),
            );
        }
        return Err(unknown(Dialect::Sqlite, &t.name));
    };
    Ok(Mapped {
        ty: SqlType::Sqlite(SqliteType {
            declared: (*declared).to_owned(),
        }),
        note: max_length.map(|_| {
            "SQLite keeps no length: `#[max_length]` is ignored (and `lithify check --schema` will report it)".to_owned()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diesel::config::PrintSchemaConfig;
    use crate::model::{Column, ObjectName, Table};

    /// The diesel type print-schema prints for `ty`.
    fn printed(ty: &SqlType) -> (String, Option<u64>) {
        let d = crate::ops::portable::dialect_of(ty);
        let column = Column {
            name: "c".into(),
            ty: ty.clone(),
            nullable: false,
            default: None,
            identity: None,
            generated: None,
            comment: None,
        };
        let mut table = Table::new(ObjectName::new("t"));
        table.columns.push(column.clone());
        let schema = Schema::new(d);
        let t = super::super::types::column_type(
            &schema,
            &table,
            &column,
            &PrintSchemaConfig::default(),
        )
        .unwrap_or_else(|e| panic!("{}", e.0));
        (spelling(&t.to_string()), t.max_length)
    }

    #[test]
    fn each_mapped_type_prints_back_as_the_diesel_type() {
        let schema = |d| Schema::new(d);
        let cases: &[(Dialect, &[&str])] = &[
            (
                Dialect::Postgres,
                &[
                    "Bool",
                    "SmallInt",
                    "Integer",
                    "BigInt",
                    "Float",
                    "Double",
                    "Numeric",
                    "Text",
                    "Varchar",
                    "Bpchar",
                    "Binary",
                    "Date",
                    "Time",
                    "Timestamp",
                    "Timestamptz",
                    "Interval",
                    "Uuid",
                    "Json",
                    "Jsonb",
                    "Inet",
                    "Cidr",
                    "MacAddr",
                    "Money",
                    "Oid",
                    "Array<Nullable<Text>>",
                    "Array<Nullable<Integer>>",
                    "Range<Integer>",
                    "Range<Timestamptz>",
                    "PgLsn",
                    "Timetz",
                ],
            ),
            (
                Dialect::Mysql,
                &[
                    "Bool",
                    "TinyInt",
                    "SmallInt",
                    "Integer",
                    "BigInt",
                    "Float",
                    "Double",
                    "Numeric",
                    "Text",
                    "Tinytext",
                    "Mediumtext",
                    "Longtext",
                    "Blob",
                    "Tinyblob",
                    "Mediumblob",
                    "Longblob",
                    "Date",
                    "Time",
                    "Datetime",
                    "Timestamp",
                    "Json",
                    "Unsigned<Integer>",
                    "Unsigned<BigInt>",
                ],
            ),
            (
                Dialect::Sqlite,
                &[
                    "Bool",
                    "SmallInt",
                    "Integer",
                    "BigInt",
                    "Float",
                    "Double",
                    "Text",
                    "Binary",
                    "Timestamp",
                    "Date",
                    "Time",
                ],
            ),
        ];
        for (d, names) in cases {
            for name in *names {
                let m = sql_type(*d, &schema(*d), name, None)
                    .unwrap_or_else(|e| panic!("{d} {name}: {e}"));
                assert_eq!(printed(&m.ty), (spelling(name), None), "{d} {name}");
            }
        }
        for (d, name, n) in [
            (Dialect::Postgres, "Varchar", 20),
            (Dialect::Postgres, "Bpchar", 3),
            (Dialect::Mysql, "Varchar", 255),
            (Dialect::Mysql, "Char", 2),
            (Dialect::Mysql, "Binary", 16),
            (Dialect::Mysql, "Varbinary", 16),
        ] {
            let m = sql_type(d, &schema(d), name, Some(n)).unwrap();
            assert_eq!(printed(&m.ty), (spelling(name), Some(n)), "{d} {name}");
        }
    }

    #[test]
    fn what_cannot_be_told_is_said() {
        let pg = Schema::new(Dialect::Postgres);
        assert!(sql_type(Dialect::Postgres, &pg, "Numeric", None)
            .unwrap()
            .note
            .is_some());
        assert!(sql_type(Dialect::Postgres, &pg, "Mood", None).is_err());
        let my = Schema::new(Dialect::Mysql);
        assert!(sql_type(Dialect::Mysql, &my, "Varchar", None)
            .unwrap_err()
            .contains("max_length"));
        let lite = Schema::new(Dialect::Sqlite);
        assert!(sql_type(Dialect::Sqlite, &lite, "Numeric", None)
            .unwrap_err()
            .contains("Double"));
        assert!(sql_type(Dialect::Sqlite, &lite, "Text", Some(3))
            .unwrap()
            .note
            .is_some());
    }

    #[test]
    fn spellings_resolve_synonyms_only() {
        assert_eq!(spelling("Nullable<Int4>"), "Nullable<Integer>");
        assert_ne!(spelling("Varchar"), spelling("Text"));
        assert_eq!(spelling("diesel :: Int8"), "diesel::BigInt");
    }
}
