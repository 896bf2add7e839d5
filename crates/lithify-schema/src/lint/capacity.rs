//! What a column type holds, to tell a type change that loses nothing
//! (`varchar(20)` to `varchar(40)`) from one that narrows (`bigint` to
//! `integer`), for the rules about type changes.

use crate::model::SqlType;

/// The values a type holds, as far as the rules compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capacity {
    /// An integer of this many bits.
    Integer(u32),
    /// Text of at most this many characters (`None`: unbounded).
    Text(Option<u64>),
    /// A decimal with this precision and scale (`None`: unconstrained).
    Decimal(Option<(u64, u64)>),
    /// Anything else: not compared.
    Other,
}

/// How much `ty` holds.
pub(crate) fn capacity(ty: &SqlType) -> Capacity {
    match ty {
        SqlType::Postgres(t) if !t.array => {
            let first = t.modifiers.first().and_then(|m| u64::try_from(*m).ok());
            match t.name.as_str() {
                "int2" => Capacity::Integer(16),
                "int4" => Capacity::Integer(32),
                "int8" => Capacity::Integer(64),
                "varchar" | "bpchar" => Capacity::Text(first),
                "text" => Capacity::Text(None),
                "numeric" => Capacity::Decimal(first.map(|p| (p, second(&t.modifiers)))),
                _ => Capacity::Other,
            }
        }
        SqlType::Mysql(t) => {
            let first = t.args.first().and_then(|a| a.parse::<u64>().ok());
            match t.name.as_str() {
                "tinyint" => Capacity::Integer(8),
                "smallint" => Capacity::Integer(16),
                "mediumint" => Capacity::Integer(24),
                "int" => Capacity::Integer(32),
                "bigint" => Capacity::Integer(64),
                "varchar" | "char" => Capacity::Text(first),
                "tinytext" => Capacity::Text(Some(255)),
                "text" => Capacity::Text(Some(65_535)),
                "mediumtext" => Capacity::Text(Some(16_777_215)),
                "longtext" => Capacity::Text(None),
                "decimal" => Capacity::Decimal(Some((
                    first.unwrap_or(10),
                    t.args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0),
                ))),
                _ => Capacity::Other,
            }
        }
        _ => Capacity::Other,
    }
}

fn second(modifiers: &[i64]) -> u64 {
    modifiers
        .get(1)
        .and_then(|m| u64::try_from(*m).ok())
        .unwrap_or(0)
}

/// True when `to` cannot hold every value `from` holds.
pub(crate) fn narrows(from: Capacity, to: Capacity) -> bool {
    match (from, to) {
        (Capacity::Integer(a), Capacity::Integer(b)) => b < a,
        (Capacity::Text(a), Capacity::Text(b)) => shorter(b, a),
        (Capacity::Decimal(Some((p, s))), Capacity::Decimal(Some((p2, s2)))) => {
            s2 < s || p2.saturating_sub(s2) < p.saturating_sub(s)
        }
        (Capacity::Decimal(None), Capacity::Decimal(Some(_))) => true,
        // Text to a number: values that are not numbers are refused.
        (Capacity::Text(_), Capacity::Integer(_) | Capacity::Decimal(_)) => true,
        (Capacity::Decimal(_), Capacity::Integer(_)) => true,
        _ => false,
    }
}

/// True when `a` is a shorter bound than `b` (`None` is unbounded).
fn shorter(a: Option<u64>, b: Option<u64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// True when PostgreSQL changes `from` to `to` without rewriting the table
/// (a longer or unbounded varchar, varchar to text, more precision for the
/// same scale), or nothing changes.
pub(crate) fn pg_in_place(from: &SqlType, to: &SqlType) -> bool {
    if from == to {
        return true;
    }
    let (SqlType::Postgres(a), SqlType::Postgres(b)) = (from, to) else {
        return false;
    };
    if a.array != b.array {
        return false;
    }
    let texts = ["varchar", "text"];
    match (capacity(from), capacity(to)) {
        (Capacity::Text(x), Capacity::Text(y))
            if texts.contains(&a.name.as_str()) && texts.contains(&b.name.as_str()) =>
        {
            !shorter(y, x)
        }
        (Capacity::Decimal(Some((p, s))), Capacity::Decimal(Some((p2, s2)))) => s == s2 && p2 >= p,
        (Capacity::Decimal(_), Capacity::Decimal(None)) => true,
        _ => false,
    }
}

/// True when MySQL changes `from` to `to` without copying the table: the
/// same type, or a longer varchar whose length still fits the same number
/// of length bytes (up to 255 bytes, or above; counted at 4 bytes a
/// character, utf8mb4's worst case).
pub(crate) fn mysql_in_place(from: &SqlType, to: &SqlType) -> bool {
    if from == to {
        return true;
    }
    let (SqlType::Mysql(a), SqlType::Mysql(b)) = (from, to) else {
        return false;
    };
    if a.name != "varchar" || b.name != "varchar" || a.unsigned != b.unsigned {
        return false;
    }
    match (capacity(from), capacity(to)) {
        (Capacity::Text(Some(x)), Capacity::Text(Some(y))) => {
            y >= x && (x * 4 < 256) == (y * 4 < 256)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dialect;

    fn ty(d: Dialect, text: &str) -> SqlType {
        SqlType::parse(d, text)
            .map(|(t, _)| t)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn narrowing_is_fewer_bits_characters_or_digits() {
        let pg = |t| capacity(&ty(Dialect::Postgres, t));
        assert!(narrows(pg("bigint"), pg("integer")));
        assert!(!narrows(pg("integer"), pg("bigint")));
        assert!(narrows(pg("text"), pg("varchar(20)")));
        assert!(narrows(pg("varchar(40)"), pg("varchar(20)")));
        assert!(!narrows(pg("varchar(20)"), pg("text")));
        assert!(narrows(pg("numeric(10,2)"), pg("numeric(8,2)")));
        assert!(narrows(pg("text"), pg("integer")));
        assert!(!narrows(pg("date"), pg("timestamp")));
        let my = |t| capacity(&ty(Dialect::Mysql, t));
        assert!(narrows(my("TEXT"), my("VARCHAR(100)")));
        assert!(narrows(my("INT"), my("SMALLINT")));
    }

    #[test]
    fn in_place_changes() {
        let pg = |t| ty(Dialect::Postgres, t);
        assert!(pg_in_place(&pg("varchar(20)"), &pg("varchar(40)")));
        assert!(pg_in_place(&pg("varchar(20)"), &pg("text")));
        assert!(!pg_in_place(&pg("text"), &pg("varchar(20)")));
        assert!(!pg_in_place(&pg("integer"), &pg("bigint")));
        assert!(pg_in_place(&pg("numeric(10,2)"), &pg("numeric(12,2)")));
        let my = |t| ty(Dialect::Mysql, t);
        assert!(mysql_in_place(&my("VARCHAR(20)"), &my("VARCHAR(60)")));
        assert!(!mysql_in_place(&my("VARCHAR(60)"), &my("VARCHAR(100)")));
        assert!(!mysql_in_place(&my("INT"), &my("BIGINT")));
    }
}
