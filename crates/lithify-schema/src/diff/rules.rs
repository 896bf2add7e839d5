//! What a type change means on each dialect: whether PostgreSQL needs a
//! `USING` cast to convert the values (the one thing that differs per
//! dialect, behind [`Rules`]), and whether the new type can hold every old
//! value (the same everywhere, in portable terms).

use crate::model::{Dialect, PgType, SqlType};
use crate::ops::portable::{own_text, portable_of};
use crate::ops::PortableType;

/// What differs per dialect when the diff changes a column's type.
pub(crate) trait Rules: Sync {
    /// The `using` expression converting `column`'s values from `from` to
    /// `to`, when the engine cannot convert them by itself.
    fn using(&self, column: &str, from: &SqlType, to: &SqlType) -> Option<String>;
}

/// The rules of `dialect`.
pub(crate) fn for_dialect(dialect: Dialect) -> &'static dyn Rules {
    match dialect {
        Dialect::Postgres => &Postgres,
        Dialect::Sqlite | Dialect::Mysql => &ConvertsItself,
    }
}

/// SQLite (a rebuild copies the values as they are) and MySQL (`MODIFY`
/// converts by itself): no cast is ever written.
struct ConvertsItself;

impl Rules for ConvertsItself {
    fn using(&self, _column: &str, _from: &SqlType, _to: &SqlType) -> Option<String> {
        None
    }
}

/// PostgreSQL converts a column's values by itself only along an implicit
/// or assignment cast; every other type change needs `USING`.
struct Postgres;

/// PostgreSQL's implicit and assignment casts between the common built-in
/// types (`pg_cast` with `castcontext` `i` or `a`), as (source, target).
/// Any type converts to a string type by an assignment I/O cast, which is
/// not listed.
const PG_CASTS: &[(&str, &str)] = &[
    ("bpchar", "bpchar"),
    ("date", "timestamp"),
    ("date", "timestamptz"),
    ("float4", "float8"),
    ("float4", "int2"),
    ("float4", "int4"),
    ("float4", "int8"),
    ("float4", "numeric"),
    ("float8", "float4"),
    ("float8", "int2"),
    ("float8", "int4"),
    ("float8", "int8"),
    ("float8", "numeric"),
    ("int2", "float4"),
    ("int2", "float8"),
    ("int2", "int4"),
    ("int2", "int8"),
    ("int2", "numeric"),
    ("int4", "float4"),
    ("int4", "float8"),
    ("int4", "int2"),
    ("int4", "int8"),
    ("int4", "numeric"),
    ("int8", "float4"),
    ("int8", "float8"),
    ("int8", "int2"),
    ("int8", "int4"),
    ("int8", "numeric"),
    ("interval", "time"),
    ("json", "jsonb"),
    ("jsonb", "json"),
    ("numeric", "float4"),
    ("numeric", "float8"),
    ("numeric", "int2"),
    ("numeric", "int4"),
    ("numeric", "int8"),
    ("time", "interval"),
    ("timestamp", "date"),
    ("timestamp", "time"),
    ("timestamp", "timestamptz"),
    ("timestamptz", "date"),
    ("timestamptz", "time"),
    ("timestamptz", "timestamp"),
];

/// PostgreSQL's string types: every type converts to them by itself.
const PG_STRINGS: &[&str] = &["text", "varchar", "bpchar"];

impl Rules for Postgres {
    fn using(&self, column: &str, from: &SqlType, to: &SqlType) -> Option<String> {
        let (SqlType::Postgres(a), SqlType::Postgres(b)) = (from, to) else {
            return None;
        };
        if converts_itself(a, b) {
            return None;
        }
        Some(format!(
            "\"{}\"::{}",
            column.replace('"', "\"\""),
            b.format_type()
        ))
    }
}

fn converts_itself(a: &PgType, b: &PgType) -> bool {
    if a.array != b.array {
        return false;
    }
    if a.name == b.name && a.schema == b.schema {
        return true;
    }
    if !(a.builtin && b.builtin) {
        return false;
    }
    PG_STRINGS.contains(&b.name.as_str())
        || PG_CASTS
            .iter()
            .any(|(s, t)| *s == a.name.as_str() && *t == b.name.as_str())
}

/// Why changing a column from `from` to `to` can fail on the rows it
/// already has (or change their values), when it can.
pub(crate) fn narrowing(from: &SqlType, to: &SqlType) -> Option<String> {
    use PortableType as P;
    let (a, b) = (portable_of(from)?, portable_of(to));
    let shown = own_text(to);
    let rank = |p: &P| match p {
        P::SmallInt => Some(1),
        P::Integer => Some(2),
        P::BigInt => Some(3),
        _ => None,
    };
    let textual = |p: &P| matches!(p, P::Text | P::Varchar(_));
    let Some(b) = b else {
        return textual(&a).then(|| format!("every value must convert to `{shown}`"));
    };
    let why = match (&a, &b) {
        (x, y) if rank(x).zip(rank(y)).is_some_and(|(x, y)| y < x) => {
            format!("`{shown}` holds smaller numbers: larger values do not fit")
        }
        (P::Text, P::Varchar(n)) => format!("values longer than {n} characters do not fit"),
        (P::Varchar(m), P::Varchar(n)) if n < m => {
            format!("values longer than {n} characters do not fit")
        }
        (P::Numeric(p, s), P::Numeric(p2, s2))
            if p2.saturating_sub(*s2) < p.saturating_sub(*s) || s2 < s =>
        {
            format!("`{shown}` holds fewer digits: values are rounded or do not fit")
        }
        (P::Numeric(..) | P::Real | P::Double, y) if rank(y).is_some() => {
            "fractions are cut and large values may not fit".to_owned()
        }
        (P::Double, P::Real) => "values lose precision".to_owned(),
        (x, y) if textual(x) && !textual(y) => {
            format!("every value must convert to `{shown}`")
        }
        (P::Timestamp | P::Timestamptz, P::Date | P::Time) => {
            "part of every value is cut off".to_owned()
        }
        _ => return None,
    };
    Some(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(text: &str) -> SqlType {
        SqlType::parse(Dialect::Postgres, text).unwrap().0
    }

    #[test]
    fn postgres_casts_where_it_cannot_convert_by_itself() {
        let r = for_dialect(Dialect::Postgres);
        assert_eq!(
            r.using("pay", &pg("text"), &pg("integer")).as_deref(),
            Some("\"pay\"::integer")
        );
        assert_eq!(r.using("pay", &pg("integer"), &pg("bigint")), None);
        assert_eq!(r.using("pay", &pg("bigint"), &pg("integer")), None);
        assert_eq!(r.using("pay", &pg("integer"), &pg("text")), None);
        assert_eq!(r.using("t", &pg("text"), &pg("varchar(20)")), None);
        assert_eq!(r.using("t", &pg("varchar(20)"), &pg("varchar(10)")), None);
        assert_eq!(
            r.using("b", &pg("integer"), &pg("boolean")).as_deref(),
            Some("\"b\"::boolean")
        );
        assert_eq!(
            r.using("a", &pg("text[]"), &pg("text")).as_deref(),
            Some("\"a\"::text")
        );
        let my = SqlType::parse(Dialect::Mysql, "text").unwrap().0;
        let my2 = SqlType::parse(Dialect::Mysql, "int").unwrap().0;
        assert_eq!(for_dialect(Dialect::Mysql).using("a", &my, &my2), None);
    }

    #[test]
    fn narrowing_changes_say_why() {
        assert!(narrowing(&pg("bigint"), &pg("integer")).is_some());
        assert!(narrowing(&pg("text"), &pg("varchar(20)")).is_some());
        assert!(narrowing(&pg("varchar(20)"), &pg("varchar(10)")).is_some());
        assert!(narrowing(&pg("numeric(10,2)"), &pg("numeric(8,2)")).is_some());
        assert!(narrowing(&pg("text"), &pg("integer")).is_some());
        assert!(narrowing(&pg("text"), &pg("jsonb")).is_some());
        assert_eq!(narrowing(&pg("integer"), &pg("bigint")), None);
        assert_eq!(narrowing(&pg("varchar(10)"), &pg("text")), None);
        assert_eq!(narrowing(&pg("numeric(8,2)"), &pg("numeric(10,2)")), None);
        assert_eq!(narrowing(&pg("integer"), &pg("text")), None);
    }
}
