//! Reading a `schema.rs` the way diesel reads it: `syn` for the file and
//! `diesel_table_macro_syntax`, the grammar of the `table!` macro itself,
//! for each table. What is read is what `schema.rs` can say: tables, their
//! SQL names, primary keys, columns with diesel types, `#[max_length]`, and
//! `joinable!` pairs.

use std::path::Path;

use diesel_table_macro_syntax::TableDecl;
use proc_macro2::TokenTree;
use syn::spanned::Spanned;

use crate::error::ConfigError;

/// A `schema.rs`, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaFile {
    /// Its `table!` declarations, in file order.
    pub tables: Vec<FileTable>,
    /// Its `joinable!` declarations.
    pub joinables: Vec<FileJoinable>,
}

/// One `table!`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTable {
    /// The SQL schema (`app.jobs (id) { ... }`), when one is given.
    pub schema: Option<String>,
    /// The SQL name (`#[sql_name]`, else the Rust name).
    pub sql_name: String,
    /// The Rust name.
    pub rust_name: String,
    /// Primary-key columns' Rust names (`id` when the table names none).
    pub primary_key: Vec<String>,
    /// Columns in file order.
    pub columns: Vec<FileColumn>,
    /// 1-based line of the table's name.
    pub line: u32,
}

/// One column of a `table!`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileColumn {
    /// The SQL name.
    pub sql_name: String,
    /// The Rust name.
    pub rust_name: String,
    /// The diesel type, normalised ([`normalise_type`]).
    pub ty: String,
    /// The type as written (last segments only), for messages.
    pub shown: String,
    /// `#[max_length = N]`.
    pub max_length: Option<u64>,
    /// 1-based line.
    pub line: u32,
}

/// One `joinable!(child -> parent (column))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileJoinable {
    /// Child table's Rust name.
    pub child: String,
    /// Parent table's Rust name.
    pub parent: String,
    /// The child's foreign-key column's Rust name.
    pub column: String,
    /// 1-based line.
    pub line: u32,
}

/// Read `text` (the contents of `path`, for messages).
///
/// # Errors
/// When the file is not Rust, or a `table!` / `joinable!` in it does not
/// follow diesel's grammar.
pub fn read_schema_file(path: &Path, text: &str) -> Result<SchemaFile, ConfigError> {
    let file = syn::parse_file(text).map_err(|e| syn_error(path, &e))?;
    let mut out = SchemaFile::default();
    read_items(path, &file.items, &mut out)?;
    refuse_duplicates(path, &out.tables)?;
    Ok(out)
}

/// Two `table!`s for one SQL table, or two columns of one name, cannot both
/// be compared with the migrations' schema: say which lines rather than pick
/// one.
fn refuse_duplicates(path: &Path, tables: &[FileTable]) -> Result<(), ConfigError> {
    for (i, later) in tables.iter().enumerate() {
        let same = |t: &&FileTable| t.schema == later.schema && t.sql_name == later.sql_name;
        if let Some(first) = tables[..i].iter().find(same) {
            let name = match &later.schema {
                Some(s) => format!("{s}.{}", later.sql_name),
                None => later.sql_name.clone(),
            };
            return Err(ConfigError::at(
                path,
                Some(later.line),
                format!(
                    "table `{name}` is declared twice (lines {} and {}); keep one `table!` for it",
                    first.line, later.line
                ),
            ));
        }
        for (j, column) in later.columns.iter().enumerate() {
            let same = |c: &&FileColumn| c.sql_name == column.sql_name;
            if let Some(first) = later.columns[..j].iter().find(same) {
                return Err(ConfigError::at(
                    path,
                    Some(column.line),
                    format!(
                        "column `{}` of table `{}` is declared twice (lines {} and {}); keep one",
                        column.sql_name, later.sql_name, first.line, column.line
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn syn_error(path: &Path, e: &syn::Error) -> ConfigError {
    let line = u32::try_from(e.span().start().line).ok();
    ConfigError::at(path, line, format!("cannot read the schema file: {e}"))
}

fn read_items(path: &Path, items: &[syn::Item], out: &mut SchemaFile) -> Result<(), ConfigError> {
    for item in items {
        match item {
            syn::Item::Macro(m) => read_macro(path, &m.mac, out)?,
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    read_items(path, inner, out)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn read_macro(path: &Path, mac: &syn::Macro, out: &mut SchemaFile) -> Result<(), ConfigError> {
    let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
        return Ok(());
    };
    match name.as_str() {
        "table" => {
            let decl: TableDecl =
                syn::parse2(mac.tokens.clone()).map_err(|e| syn_error(path, &e))?;
            out.tables.push(table(&decl));
        }
        "joinable" => out.joinables.push(joinable(path, mac)?),
        _ => {}
    }
    Ok(())
}

fn line_of(span: proc_macro2::Span) -> u32 {
    u32::try_from(span.start().line).unwrap_or(0)
}

fn table(decl: &TableDecl) -> FileTable {
    let primary_key = match &decl.primary_keys {
        Some(pk) => pk.keys.iter().map(|k| unraw(&k.to_string())).collect(),
        None => vec!["id".to_owned()],
    };
    FileTable {
        schema: decl.schema.as_ref().map(|s| unraw(&s.to_string())),
        sql_name: decl.sql_name.clone(),
        rust_name: unraw(&decl.table_name.to_string()),
        primary_key,
        columns: decl
            .column_defs
            .iter()
            .map(|c| FileColumn {
                sql_name: c.sql_name.clone(),
                rust_name: unraw(&c.column_name.to_string()),
                ty: normalise_type(&c.tpe),
                shown: shown_type(&c.tpe),
                max_length: c.max_length.as_ref().and_then(|l| l.base10_parse().ok()),
                line: line_of(c.column_name.span()),
            })
            .collect(),
        line: line_of(decl.table_name.span()),
    }
}

fn unraw(s: &str) -> String {
    s.strip_prefix("r#").unwrap_or(s).to_owned()
}

/// `joinable!(child -> parent (column))`.
fn joinable(path: &Path, mac: &syn::Macro) -> Result<FileJoinable, ConfigError> {
    let line = line_of(mac.path.span());
    let bad = || {
        ConfigError::at(
            path,
            Some(line),
            "cannot read `joinable!`: diesel writes it `joinable!(child -> parent (column))`",
        )
    };
    let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
    let ident = |t: Option<&TokenTree>| match t {
        Some(TokenTree::Ident(i)) => Some(unraw(&i.to_string())),
        _ => None,
    };
    let punct =
        |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
    let child = ident(tokens.first()).ok_or_else(bad)?;
    if !(punct(tokens.get(1), '-') && punct(tokens.get(2), '>')) {
        return Err(bad());
    }
    let parent = ident(tokens.get(3)).ok_or_else(bad)?;
    let column = match tokens.get(4) {
        Some(TokenTree::Group(g)) => {
            ident(g.stream().into_iter().next().as_ref()).ok_or_else(bad)?
        }
        _ => return Err(bad()),
    };
    Ok(FileJoinable {
        child,
        parent,
        column,
        line,
    })
}

/// The type's last path segments with their arguments:
/// `diesel::sql_types::Nullable<sql_types::Text>` -> `Nullable<Text>`.
fn shown_type(t: &syn::TypePath) -> String {
    let Some(last) = t.path.segments.last() else {
        return String::new();
    };
    let mut out = last.ident.to_string();
    if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
        let inner: Vec<String> = args
            .args
            .iter()
            .map(|a| match a {
                syn::GenericArgument::Type(syn::Type::Path(p)) => shown_type(p),
                syn::GenericArgument::Type(syn::Type::Tuple(tuple)) => {
                    let parts: Vec<String> = tuple
                        .elems
                        .iter()
                        .map(|e| match e {
                            syn::Type::Path(p) => shown_type(p),
                            _ => "?".to_owned(),
                        })
                        .collect();
                    format!("({})", parts.join(", "))
                }
                _ => "?".to_owned(),
            })
            .collect();
        out.push('<');
        out.push_str(&inner.join(", "));
        out.push('>');
    }
    out
}

/// diesel's type aliases, to the type they name: `Int4` is `Integer`,
/// `Varchar` is `Text`, ... (from diesel's `sql_types`).
const ALIASES: &[(&str, &str)] = &[
    ("Tinyint", "TinyInt"),
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
    ("VarChar", "Text"),
    ("Varchar", "Text"),
    ("Char", "Text"),
    ("Bpchar", "Text"),
    ("Tinytext", "Text"),
    ("Mediumtext", "Text"),
    ("Longtext", "Text"),
    ("Tinyblob", "Binary"),
    ("Blob", "Binary"),
    ("Mediumblob", "Binary"),
    ("Longblob", "Binary"),
    ("Varbinary", "Binary"),
    ("Bit", "Binary"),
    ("Bytea", "Binary"),
    ("Macaddr", "MacAddr"),
    ("Macaddr8", "MacAddr8"),
    ("Int4range", "Range<Integer>"),
    ("Int8range", "Range<BigInt>"),
    ("Daterange", "Range<Date>"),
    ("Numrange", "Range<Numeric>"),
    ("Tsrange", "Range<Timestamp>"),
    ("Tstzrange", "Range<Timestamptz>"),
];

/// The type with diesel's aliases resolved, so that types diesel treats
/// as one compare equal (`Int4` and `Integer`, `Varchar` and `Text`).
pub fn normalise_type(t: &syn::TypePath) -> String {
    let shown = shown_type(t);
    normalise_text(&shown)
}

/// [`normalise_type`] on the text [`shown_type`] produces.
pub(crate) fn normalise_text(shown: &str) -> String {
    normalise_with(shown, ALIASES)
}

/// `shown` with each type name replaced as `aliases` says, and no spaces.
pub(crate) fn normalise_with(shown: &str, aliases: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let w = aliases
                .iter()
                .find(|(a, _)| *a == word.as_str())
                .map_or(word.as_str(), |(_, to)| *to);
            out.push_str(w);
            word.clear();
        }
    };
    for c in shown.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            if !c.is_whitespace() {
                out.push(c);
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "mood"))]
    pub struct Mood;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Mood;

    /// People.
    #[sql_name = "Users"]
    users (id) {
        id -> Int4,
        #[sql_name = "type"]
        type_ -> Nullable<Mood>,
        #[max_length = 40]
        name -> diesel::sql_types::Varchar,
    }
}

table! {
    posts {
        id -> BigInt,
        author_id -> Integer,
    }
}

diesel::joinable!(posts -> users (author_id));
"#;

    #[test]
    fn tables_columns_and_joinables_with_lines() {
        let f = read_schema_file(Path::new("src/schema.rs"), FILE).unwrap();
        assert_eq!(f.tables.len(), 2);
        let users = &f.tables[0];
        assert_eq!(
            (users.sql_name.as_str(), users.rust_name.as_str()),
            ("Users", "users")
        );
        assert_eq!(users.line, 15);
        assert_eq!(users.columns[1].sql_name, "type");
        assert_eq!(users.columns[1].ty, "Nullable<Mood>");
        assert_eq!(users.columns[2].ty, "Text");
        assert_eq!(users.columns[2].max_length, Some(40));
        assert_eq!(f.tables[1].primary_key, ["id"]);
        assert_eq!(f.joinables[0].column, "author_id");
        assert_eq!(f.joinables[0].line, 31);
    }

    #[test]
    fn aliases_compare_equal() {
        assert_eq!(normalise_text("Nullable<Int4>"), "Nullable<Integer>");
        assert_eq!(
            normalise_text("Array<Nullable<Varchar>>"),
            "Array<Nullable<Text>>"
        );
        assert_eq!(normalise_text("Int4range"), "Range<Integer>");
    }

    #[test]
    fn a_table_declared_twice_is_an_error_at_the_second() {
        // Found by the `schema_file` fuzz target.
        let text = "diesel::table! {\n    jobs (id) {\n        id -> Int8,\n    }\n}\n\
                    diesel::table! {\n    jobs (id) {\n        title -> Text,\n    }\n}\n";
        let e = read_schema_file(Path::new("s.rs"), text).unwrap_err();
        assert_eq!(e.line, Some(7));
        assert!(
            e.to_string().contains("declared twice (lines 2 and 7)"),
            "{e}"
        );
    }

    #[test]
    fn a_column_declared_twice_is_an_error_at_the_second() {
        let text = "diesel::table! {\n    jobs (id) {\n        id -> Int8,\n        id -> Int4,\n    }\n}\n";
        let e = read_schema_file(Path::new("s.rs"), text).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(
            e.to_string()
                .contains("column `id` of table `jobs` is declared twice"),
            "{e}"
        );
    }

    #[test]
    fn broken_files_are_errors_with_a_line() {
        let e = read_schema_file(
            Path::new("s.rs"),
            "diesel::table! {\n  users (id) {\n    id ->\n  }\n}\n",
        )
        .unwrap_err();
        assert!(e.line.is_some(), "{e}");
        let e = read_schema_file(Path::new("s.rs"), "fn (").unwrap_err();
        assert_eq!(e.line, Some(1));
    }
}
