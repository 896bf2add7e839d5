//! Names: the Rust names diesel gives SQL names, and the names each engine
//! gives constraints and indexes the SQL leaves unnamed.
//!
//! Both are rules of other programs (diesel_cli's `rust_name_for_sql_name`,
//! PostgreSQL's `makeObjectName`, InnoDB's `<table>_ibfk_<n>`), reproduced
//! here exactly because the schema this crate derives must be the one those
//! programs produce. [`convention`] holds the other kind: the names lithify's
//! typed operations give what they create.

pub mod convention;

/// PostgreSQL's `NAMEDATALEN - 1`: identifiers longer than this are truncated.
pub const PG_MAX_IDENTIFIER: usize = 63;

/// MySQL's limit on identifier length.
pub const MYSQL_MAX_IDENTIFIER: usize = 64;

/// Names diesel's `table!` reserves for itself.
const DIESEL_RESERVED: &[&str] = &["table", "columns", "is_nullable"];

/// Rust keywords, strict and reserved (2021 edition): `syn` refuses them as
/// identifiers, so diesel appends `_`.
const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "_",
];

/// diesel_cli's `is_reserved_name`: not an identifier syn accepts, one of
/// `table!`'s own names, or starting with `__` (unless it ends with `_`).
pub fn is_reserved_rust_name(name: &str) -> bool {
    !is_plain_identifier(name)
        || RUST_KEYWORDS.contains(&name)
        || DIESEL_RESERVED.contains(&name)
        || (name.starts_with("__") && !name.ends_with('_'))
}

/// `[A-Za-z_][A-Za-z0-9_]*` (what syn parses as an `Ident`, keywords aside;
/// diesel's name mapping leaves only ASCII).
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// diesel_cli's `rust_name_for_sql_name`: characters a Rust identifier
/// cannot hold become `_` (runs of them one `_`), a leading digit gets a `_`
/// before it, and a reserved name — or a column named like its table's Rust
/// name — gets a trailing `_`.
pub fn rust_name_for_sql_name(sql_name: &str, table_rust_name: Option<&str>) -> String {
    let name = replace_unmappable_chars(sql_name);
    if is_reserved_rust_name(&name) || Some(name.as_str()) == table_rust_name {
        format!("{name}_")
    } else {
        name
    }
}

fn replace_unmappable_chars(name: &str) -> String {
    let unmappable = |c: char| !(c.is_ascii_alphanumeric() || c == '_');
    for (idx, c) in name.char_indices() {
        if unmappable(c) {
            let mut s = name[..idx].to_owned();
            replace_chars(&mut s, &name[idx..], false);
            return s;
        } else if idx == 0 && c.is_ascii_digit() {
            let mut s = String::from("_");
            replace_chars(&mut s, name, true);
            return s;
        }
    }
    name.to_owned()
}

fn replace_chars(out: &mut String, tail: &str, mut last_was_underscore: bool) {
    for c in tail.chars() {
        if !(c.is_ascii_alphanumeric() || c == '_') {
            if !last_was_underscore {
                out.push('_');
            }
            last_was_underscore = true;
        } else {
            last_was_underscore = false;
            out.push(c);
        }
    }
}

/// heck's `ToUpperCamelCase`, as diesel applies it to type names: words split
/// at `_`, `-`, spaces and lower-to-upper case changes, each capitalised.
pub fn upper_camel_case(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    out
}

/// heck's word boundaries (its `transform`): non-alphanumerics separate
/// words; inside a run, a word ends after a lower-case letter (or a digit
/// after one) that an upper-case letter follows, and before the last letter
/// of an upper-case run that a lower-case letter follows (`HTTPServer` ->
/// `HTTP`, `Server`).
fn words(name: &str) -> Vec<&str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = part.char_indices().peekable();
        let (mut init, mut mode) = (0, Mode::Boundary);
        while let Some((i, c)) = chars.next() {
            let Some(&(next_i, next)) = chars.peek() else {
                out.push(&part[init..]);
                break;
            };
            let next_mode = if c.is_lowercase() {
                Mode::Lower
            } else if c.is_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_uppercase() {
                out.push(&part[init..next_i]);
                (init, mode) = (next_i, Mode::Boundary);
            } else if mode == Mode::Upper && c.is_uppercase() && next.is_lowercase() {
                out.push(&part[init..i]);
                (init, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// PostgreSQL's `makeObjectName(name1, name2, label)`: `name1_name2_label`
/// cut to 63 bytes by shortening the longer of the two names first, never
/// splitting a UTF-8 character.
pub fn pg_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let overhead = name2.map_or(0, |_| 1) + label.map_or(0, |l| l.len() + 1);
    let avail = PG_MAX_IDENTIFIER.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.map_or(0, str::len));
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_owned();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    if let Some(label) = label {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// The longest prefix of `s` of at most `bytes` bytes that ends on a
/// character boundary (`pg_mbcliplen`).
fn clip(s: &str, bytes: usize) -> &str {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// PostgreSQL's `ChooseRelationName` / `ChooseConstraintName`: the first of
/// `name1_name2_label`, `..._label1`, `..._label2`, ... that `taken` does not
/// hold.
pub fn pg_choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let first = pg_object_name(name1, name2, Some(label));
    if !taken(&first) {
        return first;
    }
    (1u32..)
        .map(|pass| pg_object_name(name1, name2, Some(&format!("{label}{pass}"))))
        .find(|candidate| !taken(candidate))
        .unwrap_or(first)
}

/// PostgreSQL's `ChooseIndexNameAddition`: column names joined with `_`,
/// stopping once the text reaches the identifier limit.
pub fn pg_index_name_addition(columns: &[String]) -> String {
    let mut out = String::new();
    for name in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(clip(name, PG_MAX_IDENTIFIER));
        if out.len() > PG_MAX_IDENTIFIER {
            break;
        }
    }
    out
}

/// PostgreSQL's `ChooseIndexColumnNames`: each key's name (a column's own,
/// `expr` for an expression), made unique with a number where repeated.
pub fn pg_index_column_names(keys: &[Option<&str>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in keys {
        let base = key.unwrap_or("expr");
        let mut name = base.to_owned();
        let mut n = 1;
        while out.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push(name);
    }
    out
}

/// InnoDB's name for an unnamed foreign key: `<table>_ibfk_<n>`, one more
/// than the highest such number on the table.
pub fn mysql_foreign_key_name<'a>(table: &str, existing: impl Iterator<Item = &'a str>) -> String {
    numbered(table, "_ibfk_", existing)
}

/// MySQL 8's name for an unnamed CHECK: `<table>_chk_<n>`, one more than
/// the highest such number on the table.
pub fn mysql_check_name<'a>(table: &str, existing: impl Iterator<Item = &'a str>) -> String {
    numbered(table, "_chk_", existing)
}

fn numbered<'a>(table: &str, infix: &str, existing: impl Iterator<Item = &'a str>) -> String {
    let prefix = format!("{table}{infix}");
    let highest = existing
        .filter_map(|n| n.strip_prefix(&prefix))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", highest + 1)
}

/// MySQL's name for an unnamed index: its first column, then `<column>_2`,
/// `<column>_3`, ... (compared without regard to case).
pub fn mysql_index_name(first_column: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(first_column) && !first_column.eq_ignore_ascii_case("primary") {
        return first_column.to_owned();
    }
    (2u32..)
        .map(|n| format!("{first_column}_{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| first_column.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_follow_diesel() {
        assert_eq!(rust_name_for_sql_name("title", None), "title");
        assert_eq!(rust_name_for_sql_name("type", None), "type_");
        assert_eq!(rust_name_for_sql_name("table", None), "table_");
        assert_eq!(rust_name_for_sql_name("salary (EUR)", None), "salary_EUR_");
        assert_eq!(rust_name_for_sql_name("2fa", None), "_2fa");
        assert_eq!(rust_name_for_sql_name("__hidden", None), "__hidden_");
        assert_eq!(rust_name_for_sql_name("jobs", Some("jobs")), "jobs_");
        assert_eq!(rust_name_for_sql_name("café", None), "caf_");
        assert_eq!(rust_name_for_sql_name("a--b", None), "a_b");
    }

    #[test]
    fn camel_case_follows_heck() {
        assert_eq!(upper_camel_case("mood"), "Mood");
        assert_eq!(upper_camel_case("job_status"), "JobStatus");
        assert_eq!(upper_camel_case("tsvector"), "Tsvector");
        assert_eq!(upper_camel_case("HTTPServer"), "HttpServer");
        assert_eq!(upper_camel_case("jobs status enum('a')"), "JobsStatusEnumA");
        assert_eq!(upper_camel_case("int4range"), "Int4range");
    }

    #[test]
    fn postgres_names_are_cut_to_63_bytes_longer_part_first() {
        assert_eq!(
            pg_object_name("jobs", Some("company_id"), Some("fkey")),
            "jobs_company_id_fkey"
        );
        assert_eq!(pg_object_name("jobs", None, Some("pkey")), "jobs_pkey");
        let long = "a".repeat(70);
        let name = pg_object_name(&long, Some("company_id"), Some("fkey"));
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_company_id_fkey"));
        let both = pg_object_name(&"t".repeat(40), Some(&"c".repeat(40)), Some("key"));
        assert_eq!(both, format!("{}_{}_key", "t".repeat(29), "c".repeat(29)));
        let taken = ["jobs_title_idx".to_owned(), "jobs_title_idx1".to_owned()];
        let chosen = pg_choose_name("jobs", Some("title"), "idx", |n| {
            taken.iter().any(|t| t == n)
        });
        assert_eq!(chosen, "jobs_title_idx2");
    }

    #[test]
    fn postgres_index_column_names_repeat_expr_with_numbers() {
        assert_eq!(
            pg_index_column_names(&[None, Some("a"), None]),
            ["expr", "a", "expr1"]
        );
    }

    #[test]
    fn mysql_names() {
        let names = ["jobs_ibfk_1", "jobs_ibfk_3", "other_ibfk_9"];
        assert_eq!(
            mysql_foreign_key_name("jobs", names.into_iter()),
            "jobs_ibfk_4"
        );
        assert_eq!(mysql_index_name("title", |n| n == "title"), "title_2");
        assert_eq!(
            mysql_check_name("jobs", ["jobs_chk_2", "jobs_ibfk_7"].into_iter()),
            "jobs_chk_3"
        );
    }
}
