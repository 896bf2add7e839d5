//! Portable types and the engine types they give: forward (what a typed
//! operation's `type` declares on each dialect) and back (which portable
//! type, if any, gives exactly an engine's type), so that a revision written
//! from a model (`lithify new --autogenerate`) uses the portable vocabulary
//! wherever it says the same thing, and runs on every dialect.

use super::render::for_dialect;
use super::PortableType;
use crate::describe::shown_type;
use crate::model::{Dialect, SqlType};

/// The type `ty` declares on `dialect`, as `CREATE TABLE` writes it.
///
/// # Errors
/// A per-dialect type that gives none for `dialect`.
pub fn declared(dialect: Dialect, ty: &PortableType) -> Result<String, String> {
    for_dialect(dialect).portable_type(ty)
}

/// The model type `ty` gives on `dialect` (what the fold makes of its
/// declaration).
///
/// # Errors
/// A per-dialect type that gives none for `dialect`, or one the model cannot read.
pub fn model_type(dialect: Dialect, ty: &PortableType) -> Result<SqlType, String> {
    let text = declared(dialect, ty)?;
    SqlType::parse(dialect, &text)
        .map(|(t, _)| t)
        .map_err(|e| e.to_string())
}

/// The dialect a model type is for.
pub fn dialect_of(ty: &SqlType) -> Dialect {
    match ty {
        SqlType::Sqlite(_) => Dialect::Sqlite,
        SqlType::Postgres(_) => Dialect::Postgres,
        SqlType::Mysql(_) => Dialect::Mysql,
    }
}

/// The portable type that gives exactly `ty` on its dialect, if there is
/// one. Where several would (SQLite's `TEXT` is also what `uuid` and `json`
/// declare there), the first of the vocabulary's order wins, and a type is
/// only read as `uuid` or `json` where the engine has such a type: a MySQL
/// `CHAR(36)` stays a `CHAR(36)`.
pub fn portable_of(ty: &SqlType) -> Option<PortableType> {
    let d = dialect_of(ty);
    let wanted = shown_type(ty);
    candidates(ty)
        .into_iter()
        .filter(|p| natural(d, p))
        .find(|p| model_type(d, p).is_ok_and(|t| shown_type(&t) == wanted))
}

/// `ty` as a typed operation writes it: portable where it can be, else
/// for its own dialect only (the revision then compiles only there).
pub fn portable_or_own(ty: &SqlType) -> PortableType {
    portable_of(ty).unwrap_or_else(|| {
        PortableType::PerDialect(std::iter::once((dialect_of(ty), own_text(ty))).collect())
    })
}

/// The type as its dialect declares it.
pub fn own_text(ty: &SqlType) -> String {
    match ty {
        SqlType::Sqlite(s) => s.declared.clone(),
        SqlType::Postgres(p) => p.format_type(),
        SqlType::Mysql(m) => m.column_type(false),
    }
}

/// Whether `p` is a reading of the dialect's own type, not a stand-in.
fn natural(d: Dialect, p: &PortableType) -> bool {
    match p {
        PortableType::Uuid => d == Dialect::Postgres,
        PortableType::Json => d != Dialect::Sqlite,
        _ => true,
    }
}

/// The portable types that might give `ty`, in the vocabulary's order,
/// with the length or precision `ty` has.
fn candidates(ty: &SqlType) -> Vec<PortableType> {
    let nums = numbers(ty);
    let mut out = vec![
        PortableType::Integer,
        PortableType::BigInt,
        PortableType::SmallInt,
        PortableType::Text,
    ];
    if let Some(&n) = nums.first() {
        out.push(PortableType::Varchar(n));
    }
    out.extend([
        PortableType::Boolean,
        PortableType::Timestamp,
        PortableType::Timestamptz,
        PortableType::Date,
        PortableType::Time,
    ]);
    match nums.as_slice() {
        [p, s] => out.push(PortableType::Numeric(*p, *s)),
        [p] => out.push(PortableType::Numeric(*p, 0)),
        _ => {}
    }
    out.extend([
        PortableType::Real,
        PortableType::Double,
        PortableType::Binary,
        PortableType::Json,
        PortableType::Uuid,
    ]);
    out
}

/// The numbers in a type's parentheses (`varchar(20)`, `numeric(10,2)`).
fn numbers(ty: &SqlType) -> Vec<u32> {
    let parse = |parts: Vec<String>| -> Vec<u32> {
        parts
            .iter()
            .map_while(|p| p.trim().parse::<u32>().ok())
            .collect()
    };
    match ty {
        SqlType::Postgres(p) => p
            .modifiers
            .iter()
            .map_while(|m| u32::try_from(*m).ok())
            .collect(),
        SqlType::Mysql(m) => parse(m.args.clone()),
        SqlType::Sqlite(s) => {
            let inner = s
                .declared
                .split_once('(')
                .and_then(|(_, rest)| rest.split_once(')'))
                .map(|(inner, _)| inner.to_owned());
            inner.map_or_else(Vec::new, |i| {
                parse(i.split(',').map(str::to_owned).collect())
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(d: Dialect, text: &str) -> Option<PortableType> {
        portable_of(&SqlType::parse(d, text).unwrap().0)
    }

    #[test]
    fn engine_types_read_back_as_portable_ones() {
        use PortableType as P;
        for (d, text, want) in [
            (Dialect::Postgres, "integer", Some(P::Integer)),
            (Dialect::Postgres, "int8", Some(P::BigInt)),
            (
                Dialect::Postgres,
                "character varying(20)",
                Some(P::Varchar(20)),
            ),
            (Dialect::Postgres, "varchar", None),
            (Dialect::Postgres, "numeric(10,2)", Some(P::Numeric(10, 2))),
            (Dialect::Postgres, "numeric", None),
            (Dialect::Postgres, "timestamptz", Some(P::Timestamptz)),
            (Dialect::Postgres, "uuid", Some(P::Uuid)),
            (Dialect::Postgres, "jsonb", None),
            (Dialect::Postgres, "bytea", Some(P::Binary)),
            (Dialect::Mysql, "int(11)", Some(P::Integer)),
            (Dialect::Mysql, "tinyint(1)", Some(P::Boolean)),
            (Dialect::Mysql, "datetime", Some(P::Timestamp)),
            (Dialect::Mysql, "timestamp", Some(P::Timestamptz)),
            (Dialect::Mysql, "char(36)", None),
            (Dialect::Mysql, "int unsigned", None),
            (Dialect::Mysql, "json", Some(P::Json)),
            (Dialect::Sqlite, "TEXT", Some(P::Text)),
            (Dialect::Sqlite, "VARCHAR(255)", Some(P::Varchar(255))),
            (Dialect::Sqlite, "INTEGER", Some(P::Integer)),
            (Dialect::Sqlite, "integer", Some(P::Integer)),
            (Dialect::Sqlite, "BLOB", Some(P::Binary)),
            (Dialect::Sqlite, "DATETIME", None),
        ] {
            assert_eq!(of(d, text), want, "{d} {text}");
        }
    }

    #[test]
    fn every_portable_type_reads_back_as_itself_where_it_is_natural() {
        for d in Dialect::ALL {
            for p in candidates(
                &SqlType::parse(Dialect::Postgres, "numeric(12,3)")
                    .unwrap()
                    .0,
            ) {
                if !natural(d, &p) {
                    continue;
                }
                let ty = model_type(d, &p).unwrap();
                let back = portable_of(&ty).unwrap();
                // A dialect that declares two portable types alike reads
                // back the first: SQLite's TIMESTAMP is `timestamp`.
                assert_eq!(
                    model_type(d, &back).map(|t| shown_type(&t)),
                    Ok(shown_type(&ty)),
                    "{d} {p:?}"
                );
            }
        }
    }
}
