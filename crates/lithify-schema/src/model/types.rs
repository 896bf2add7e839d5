//! Column types, one family per engine, as the engine records them.
//!
//! Each family parses the type names its engine accepts (aliases included:
//! PostgreSQL's `integer` is `int4`, MySQL's `BOOLEAN` is `tinyint(1)`) into
//! the engine's canonical form, and renders what the engine's catalog shows
//! (PostgreSQL's `format_type`, MySQL's `COLUMN_TYPE`). The fold parses the
//! type text of a column definition; introspection parses the catalog's text;
//! both land in the same value, so they compare.

use std::fmt;

use lithify_core::Dialect;

/// A column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlType {
    /// SQLite keeps the declared type text as written.
    Sqlite(SqliteType),
    /// PostgreSQL: a catalog type with modifiers.
    Postgres(PgType),
    /// MySQL / MariaDB: a base type with arguments and flags.
    Mysql(MysqlType),
}

/// SQLite's declared type: any text, even none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteType {
    /// The declared type as written (`VARCHAR(255)`, `INTEGER`, or empty).
    pub declared: String,
}

/// A PostgreSQL type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgType {
    /// The schema of a user-defined type named with one; `None` for
    /// built-in types and for names resolved through the search path.
    pub schema: Option<String>,
    /// The catalog name (`pg_type.typname`, information_schema's `udt_name`
    /// without the array `_`): `int4`, `varchar`, `timestamptz`, `mood`.
    pub name: String,
    /// Type modifiers: `varchar(20)` has `[20]`, `numeric(10,2)` `[10, 2]`.
    pub modifiers: Vec<i64>,
    /// An array of `name`.
    pub array: bool,
    /// A type of `pg_catalog` (`int4`, `tsvector`), as opposed to one a
    /// revision or an extension defines.
    pub builtin: bool,
}

/// A MySQL / MariaDB type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MysqlType {
    /// The base type, lower case: `int`, `varchar`, `decimal`, `enum`.
    pub name: String,
    /// The arguments as written in `COLUMN_TYPE`: `["255"]`, `["10", "2"]`,
    /// `["'a'", "'b'"]`; empty where the engine shows none.
    pub args: Vec<String>,
    /// `UNSIGNED`.
    pub unsigned: bool,
    /// `ZEROFILL`.
    pub zerofill: bool,
}

/// A type name this model cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the type `{text}`: {reason}")]
pub struct TypeParseError {
    /// The text.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// What a type name implies beyond the type (PostgreSQL `serial`, MySQL
/// `SERIAL`): the fold adds the default, NOT NULL and the key it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeShorthand {
    /// An ordinary type.
    None,
    /// PostgreSQL `serial` / `bigserial` / `smallserial`: NOT NULL with a
    /// `nextval` default from an owned sequence.
    PgSerial,
    /// MySQL `SERIAL`: `BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE`.
    MysqlSerial,
}

impl SqlType {
    /// Read `text` as `dialect` declares types.
    pub fn parse(dialect: Dialect, text: &str) -> Result<(SqlType, TypeShorthand), TypeParseError> {
        match dialect {
            Dialect::Sqlite => Ok((
                SqlType::Sqlite(SqliteType {
                    declared: text.trim().to_owned(),
                }),
                TypeShorthand::None,
            )),
            Dialect::Postgres => PgType::parse(text).map(|(t, s)| (SqlType::Postgres(t), s)),
            Dialect::Mysql => MysqlType::parse(text).map(|(t, s)| (SqlType::Mysql(t), s)),
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Sqlite(t) => f.write_str(&t.declared),
            SqlType::Postgres(t) => f.write_str(&t.format_type()),
            SqlType::Mysql(t) => f.write_str(&t.column_type(false)),
        }
    }
}

/// The tokens of a type name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An unquoted word, lower-cased.
    Word(String),
    /// A quoted identifier, as written inside the quotes.
    Quoted(String),
    /// A number.
    Number(String),
    /// A string literal, quotes included (MySQL `ENUM('a')`).
    Str(String),
    /// Punctuation.
    Punct(char),
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '`' {
            chars.next();
            out.push(Tok::Quoted(quoted(&mut chars, c)?));
        } else if c == '\'' {
            chars.next();
            let inner = quoted(&mut chars, '\'')?;
            out.push(Tok::Str(format!("'{}'", inner.replace('\'', "''"))));
        } else if c.is_ascii_digit() || (c == '-' && out.last() != Some(&Tok::Punct(')'))) {
            let mut n = String::new();
            n.push(c);
            chars.next();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            out.push(Tok::Number(n));
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = String::new();
            while let Some(&d) = chars
                .peek()
                .filter(|d| d.is_alphanumeric() || **d == '_' || **d == '$')
            {
                w.push(d.to_ascii_lowercase());
                chars.next();
            }
            out.push(Tok::Word(w));
        } else if "()[],.".contains(c) {
            out.push(Tok::Punct(c));
            chars.next();
        } else {
            return Err(format!("unexpected `{c}`"));
        }
    }
    Ok(out)
}

fn quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, q: char) -> Result<String, String> {
    let mut s = String::new();
    loop {
        match chars.next() {
            None => return Err("unterminated quote".to_owned()),
            Some(c) if c == q => {
                if chars.peek() == Some(&q) {
                    chars.next();
                    s.push(q);
                } else {
                    return Ok(s);
                }
            }
            Some(c) => s.push(c),
        }
    }
}

/// A cursor over type tokens.
struct Cursor {
    toks: Vec<Tok>,
    pos: usize,
}

impl Cursor {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn eat_word(&mut self, w: &str) -> bool {
        let yes = self.peek_word(w);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn eat_words(&mut self, words: &[&str]) -> bool {
        let all = words
            .iter()
            .enumerate()
            .all(|(i, w)| matches!(self.toks.get(self.pos + i), Some(Tok::Word(x)) if x == w));
        if all {
            self.pos += words.len();
        }
        all
    }

    fn eat_punct(&mut self, p: char) -> bool {
        let yes = self.peek() == Some(&Tok::Punct(p));
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn done(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// `( a, b, ... )` as raw argument texts, when present.
    fn args(&mut self) -> Result<Option<Vec<String>>, String> {
        if !self.eat_punct('(') {
            return Ok(None);
        }
        let mut args = Vec::new();
        loop {
            match self.toks.get(self.pos).cloned() {
                Some(Tok::Number(n)) | Some(Tok::Str(n)) | Some(Tok::Word(n)) => {
                    args.push(n);
                    self.pos += 1;
                }
                Some(Tok::Quoted(q)) => {
                    args.push(q);
                    self.pos += 1;
                }
                other => return Err(format!("expected a type argument, found {other:?}")),
            }
            if self.eat_punct(')') {
                return Ok(Some(args));
            }
            if !self.eat_punct(',') {
                return Err("expected `,` or `)` in the type's arguments".to_owned());
            }
        }
    }
}

fn numbers(args: &[String]) -> Result<Vec<i64>, String> {
    args.iter()
        .map(|a| {
            a.parse::<i64>()
                .map_err(|_| format!("`{a}` is not a number"))
        })
        .collect()
}

/// PostgreSQL's built-in types by catalog name.
const PG_BUILTINS: &[&str] = &[
    "int2",
    "int4",
    "int8",
    "float4",
    "float8",
    "numeric",
    "bool",
    "varchar",
    "bpchar",
    "text",
    "bytea",
    "date",
    "time",
    "timetz",
    "timestamp",
    "timestamptz",
    "interval",
    "json",
    "jsonb",
    "uuid",
    "xml",
    "money",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "oid",
    "name",
    "char",
    "bit",
    "varbit",
    "tsvector",
    "tsquery",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    "regclass",
    "regtype",
    "regproc",
    "regprocedure",
    "regoper",
    "regnamespace",
    "regrole",
    "pg_lsn",
    "txid_snapshot",
    "pg_snapshot",
    "jsonpath",
    "record",
    "void",
    "cstring",
    "xid",
    "xid8",
    "cid",
    "tid",
];

/// PostgreSQL's spellings of built-in types, to their catalog names.
const PG_ALIASES: &[(&str, &str)] = &[
    ("int", "int4"),
    ("integer", "int4"),
    ("smallint", "int2"),
    ("bigint", "int8"),
    ("real", "float4"),
    ("decimal", "numeric"),
    ("dec", "numeric"),
    ("boolean", "bool"),
];

impl PgType {
    /// A built-in type without modifiers.
    pub fn builtin(name: &str) -> PgType {
        PgType {
            schema: None,
            name: name.to_owned(),
            modifiers: Vec::new(),
            array: false,
            builtin: true,
        }
    }

    /// Read a type as `CREATE TABLE` or `format_type` writes it.
    pub fn parse(text: &str) -> Result<(PgType, TypeShorthand), TypeParseError> {
        let err = |reason: String| TypeParseError {
            text: text.to_owned(),
            reason,
        };
        let toks = lex(text).map_err(err)?;
        let mut c = Cursor { toks, pos: 0 };
        let (mut ty, shorthand) = pg_base(&mut c).map_err(err)?;
        // Arrays: `int[]`, `int[3][3]`, `int ARRAY`, `int ARRAY[3]`.
        loop {
            if c.eat_punct('[') {
                if let Some(Tok::Number(_)) = c.peek() {
                    c.pos += 1;
                }
                if !c.eat_punct(']') {
                    return Err(err("expected `]`".to_owned()));
                }
                ty.array = true;
            } else if c.eat_word("array") {
                ty.array = true;
            } else {
                break;
            }
        }
        if !c.done() {
            return Err(err(format!("unexpected {:?}", c.peek())));
        }
        if ty.array && shorthand == TypeShorthand::PgSerial {
            return Err(err("serial types cannot be arrays".to_owned()));
        }
        Ok((ty, shorthand))
    }

    /// The type as `pg_catalog.format_type` shows it (`character varying(20)`,
    /// `timestamp with time zone`, `integer[]`).
    pub fn format_type(&self) -> String {
        let mods = |m: &[i64]| -> String {
            if m.is_empty() {
                String::new()
            } else {
                let parts: Vec<String> = m.iter().map(ToString::to_string).collect();
                format!("({})", parts.join(","))
            }
        };
        let base = if self.builtin {
            match self.name.as_str() {
                "int2" => "smallint".to_owned(),
                "int4" => "integer".to_owned(),
                "int8" => "bigint".to_owned(),
                "float4" => "real".to_owned(),
                "float8" => "double precision".to_owned(),
                "bool" => "boolean".to_owned(),
                "varchar" => format!("character varying{}", mods(&self.modifiers)),
                "bpchar" if self.modifiers.is_empty() => "bpchar".to_owned(),
                "bpchar" => format!("character{}", mods(&self.modifiers)),
                "varbit" => format!("bit varying{}", mods(&self.modifiers)),
                "timestamp" => format!("timestamp{} without time zone", mods(&self.modifiers)),
                "timestamptz" => format!("timestamp{} with time zone", mods(&self.modifiers)),
                "time" => format!("time{} without time zone", mods(&self.modifiers)),
                "timetz" => format!("time{} with time zone", mods(&self.modifiers)),
                "char" => "\"char\"".to_owned(),
                other => format!("{other}{}", mods(&self.modifiers)),
            }
        } else {
            let name = quote_pg_ident(&self.name);
            match &self.schema {
                Some(s) => format!("{}.{name}{}", quote_pg_ident(s), mods(&self.modifiers)),
                None => format!("{name}{}", mods(&self.modifiers)),
            }
        };
        if self.array {
            format!("{base}[]")
        } else {
            base
        }
    }

    /// information_schema's `character_maximum_length`: the declared length
    /// of character and bit string types, `None` for arrays.
    pub fn max_length(&self) -> Option<i64> {
        let sized = matches!(self.name.as_str(), "varchar" | "bpchar" | "bit" | "varbit");
        if self.builtin && sized && !self.array {
            self.modifiers.first().copied()
        } else {
            None
        }
    }
}

/// PostgreSQL quotes an identifier unless it is lower case letters, digits and `_`.
fn quote_pg_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn pg_base(c: &mut Cursor) -> Result<(PgType, TypeShorthand), String> {
    let first = c.peek().cloned().ok_or_else(|| "no type".to_owned())?;
    c.pos += 1;
    let word = match first {
        Tok::Quoted(q) => return pg_named(c, q, true),
        Tok::Word(w) => w,
        other => return Err(format!("expected a type name, found {other:?}")),
    };
    let ty = |name: &str, modifiers: Vec<i64>| PgType {
        modifiers,
        ..PgType::builtin(name)
    };
    let plain = |t: PgType| Ok((t, TypeShorthand::None));
    match word.as_str() {
        "double" => {
            if !c.eat_word("precision") {
                return Err("expected `double precision`".to_owned());
            }
            plain(ty("float8", Vec::new()))
        }
        "national" => {
            if !(c.eat_word("character") || c.eat_word("char")) {
                return Err("expected `national character`".to_owned());
            }
            pg_character(c)
        }
        "character" | "char" => pg_character(c),
        "nchar" => pg_character(c),
        "bit" => {
            let varying = c.eat_word("varying");
            let mods = numbers(&c.args()?.unwrap_or_default())?;
            if varying {
                plain(ty("varbit", mods))
            } else if mods.is_empty() {
                plain(ty("bit", vec![1]))
            } else {
                plain(ty("bit", mods))
            }
        }
        "timestamp" | "time" => {
            let mods = numbers(&c.args()?.unwrap_or_default())?;
            let tz = if c.eat_words(&["with", "time", "zone"]) {
                true
            } else {
                c.eat_words(&["without", "time", "zone"]);
                false
            };
            let name = match (word.as_str(), tz) {
                ("timestamp", false) => "timestamp",
                ("timestamp", true) => "timestamptz",
                ("time", false) => "time",
                _ => "timetz",
            };
            plain(ty(name, mods))
        }
        "interval" => {
            const FIELDS: &[&str] = &["year", "month", "day", "hour", "minute", "second"];
            if FIELDS.iter().any(|f| c.peek_word(f)) {
                return Err("INTERVAL with fields is not modelled".to_owned());
            }
            let mods = numbers(&c.args()?.unwrap_or_default())?;
            plain(ty("interval", mods))
        }
        "float" => {
            let mods = numbers(&c.args()?.unwrap_or_default())?;
            match mods.as_slice() {
                [] => plain(ty("float8", Vec::new())),
                [p] if (1..=24).contains(p) => plain(ty("float4", Vec::new())),
                [p] if (25..=53).contains(p) => plain(ty("float8", Vec::new())),
                _ => Err("float precision must be between 1 and 53".to_owned()),
            }
        }
        "serial" | "serial4" => Ok((ty("int4", Vec::new()), TypeShorthand::PgSerial)),
        "bigserial" | "serial8" => Ok((ty("int8", Vec::new()), TypeShorthand::PgSerial)),
        "smallserial" | "serial2" => Ok((ty("int2", Vec::new()), TypeShorthand::PgSerial)),
        "numeric" | "decimal" | "dec" => {
            let mods = numbers(&c.args()?.unwrap_or_default())?;
            match mods.as_slice() {
                [] | [_, _] => plain(ty("numeric", mods)),
                [p] => plain(ty("numeric", vec![*p, 0])),
                _ => Err("numeric takes at most two modifiers".to_owned()),
            }
        }
        "varchar" => {
            let mods = numbers(&c.args()?.unwrap_or_default())?;
            plain(ty("varchar", mods))
        }
        _ => pg_named(c, word, false),
    }
}

/// `character [varying] [(n)]`, after the first word.
fn pg_character(c: &mut Cursor) -> Result<(PgType, TypeShorthand), String> {
    let varying = c.eat_word("varying");
    let mods = numbers(&c.args()?.unwrap_or_default())?;
    let ty = match (varying, mods.is_empty()) {
        (true, _) => PgType {
            modifiers: mods,
            ..PgType::builtin("varchar")
        },
        // `char` without a length is `char(1)`.
        (false, true) => PgType {
            modifiers: vec![1],
            ..PgType::builtin("bpchar")
        },
        (false, false) => PgType {
            modifiers: mods,
            ..PgType::builtin("bpchar")
        },
    };
    Ok((ty, TypeShorthand::None))
}

/// A type named by one word (or `schema.name`): a built-in, an alias, or a
/// user-defined / extension type.
fn pg_named(
    c: &mut Cursor,
    first: String,
    quoted: bool,
) -> Result<(PgType, TypeShorthand), String> {
    let (schema, name, quoted) = if c.eat_punct('.') {
        match c.peek().cloned() {
            Some(Tok::Word(w)) => {
                c.pos += 1;
                (Some(first), w, false)
            }
            Some(Tok::Quoted(q)) => {
                c.pos += 1;
                (Some(first), q, true)
            }
            _ => return Err("expected a name after `.`".to_owned()),
        }
    } else {
        (None, first, quoted)
    };
    let mods = match c.args()? {
        Some(args) => numbers(&args)?,
        None => Vec::new(),
    };
    let in_catalog = schema.is_none() || schema.as_deref() == Some("pg_catalog");
    let name = if quoted || !in_catalog {
        name
    } else {
        PG_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name, |(_, canonical)| (*canonical).to_owned())
    };
    // `"char"` quoted is the one-byte internal type; other quoted names are
    // user types, as is anything outside the built-in list.
    let builtin = in_catalog && PG_BUILTINS.contains(&name.as_str()) && (!quoted || name == "char");
    Ok((
        PgType {
            schema: if builtin { None } else { schema },
            name,
            modifiers: mods,
            array: false,
            builtin,
        },
        TypeShorthand::None,
    ))
}

/// MySQL's integer types and their display widths when none is written
/// (MariaDB, and MySQL before 8.0.17, show them): signed, unsigned.
const MYSQL_INT_WIDTHS: &[(&str, &str, &str)] = &[
    ("tinyint", "4", "3"),
    ("smallint", "6", "5"),
    ("mediumint", "9", "8"),
    ("int", "11", "10"),
    ("bigint", "20", "20"),
];

impl MysqlType {
    /// A type without arguments or flags.
    pub fn named(name: &str) -> MysqlType {
        MysqlType {
            name: name.to_owned(),
            args: Vec::new(),
            unsigned: false,
            zerofill: false,
        }
    }

    /// Read a type as `CREATE TABLE` or `COLUMN_TYPE` writes it.
    pub fn parse(text: &str) -> Result<(MysqlType, TypeShorthand), TypeParseError> {
        let err = |reason: String| TypeParseError {
            text: text.to_owned(),
            reason,
        };
        let toks = lex(text).map_err(err)?;
        let mut c = Cursor { toks, pos: 0 };
        let (mut ty, shorthand) = mysql_base(&mut c).map_err(err)?;
        loop {
            if c.eat_word("unsigned") {
                ty.unsigned = true;
            } else if c.eat_word("signed") {
            } else if c.eat_word("zerofill") {
                ty.zerofill = true;
                ty.unsigned = true;
            } else if c.eat_word("binary") || c.eat_word("ascii") || c.eat_word("unicode") {
                // Character-set shorthands: not part of COLUMN_TYPE.
            } else if c.eat_words(&["character", "set"])
                || c.eat_word("charset")
                || c.eat_word("collate")
            {
                match c.peek() {
                    Some(Tok::Word(_)) | Some(Tok::Quoted(_)) | Some(Tok::Str(_)) => c.pos += 1,
                    _ => return Err(err("expected a character set or collation name".to_owned())),
                }
            } else {
                break;
            }
        }
        if !c.done() {
            return Err(err(format!("unexpected {:?}", c.peek())));
        }
        Ok((ty, shorthand))
    }

    /// The type as `information_schema.COLUMNS.COLUMN_TYPE` shows it;
    /// `display_widths` adds the integer display widths MariaDB shows
    /// (`int(11)`), which MySQL 8 leaves out.
    pub fn column_type(&self, display_widths: bool) -> String {
        let mut args = self.args.clone();
        if args.is_empty() && display_widths {
            if let Some((_, signed, unsigned)) =
                MYSQL_INT_WIDTHS.iter().find(|(n, _, _)| *n == self.name)
            {
                args.push(if self.unsigned { unsigned } else { signed }.to_string());
            }
        }
        let mut out = self.name.clone();
        if !args.is_empty() {
            out.push('(');
            out.push_str(&args.join(","));
            out.push(')');
        }
        if self.unsigned {
            out.push_str(" unsigned");
        }
        if self.zerofill {
            out.push_str(" zerofill");
        }
        out
    }

    /// `CHARACTER_MAXIMUM_LENGTH` as diesel keeps it (for types whose
    /// `COLUMN_TYPE` has parentheses): the declared length of `varchar(255)`,
    /// `char(2)`, `binary(16)`; the longest label of an `enum`; the length
    /// of every label joined with commas for a `set`.
    pub fn max_length(&self) -> Option<i64> {
        let labels = || {
            self.args
                .iter()
                .map(|a| i64::try_from(unquote_label(a).chars().count()).unwrap_or(i64::MAX))
        };
        match self.name.as_str() {
            "varchar" | "char" | "binary" | "varbinary" => {
                self.args.first().and_then(|a| a.parse().ok())
            }
            "enum" => labels().max(),
            "set" => {
                let n = i64::try_from(self.args.len()).unwrap_or(i64::MAX);
                (n > 0).then(|| labels().sum::<i64>() + n - 1)
            }
            _ => None,
        }
    }
}

/// An ENUM / SET label as written in `COLUMN_TYPE` (`'it''s'`), unquoted.
fn unquote_label(arg: &str) -> String {
    arg.strip_prefix('\'')
        .and_then(|a| a.strip_suffix('\''))
        .map_or_else(|| arg.to_owned(), |a| a.replace("''", "'"))
}

fn mysql_base(c: &mut Cursor) -> Result<(MysqlType, TypeShorthand), String> {
    let word = match c.peek().cloned() {
        Some(Tok::Word(w)) => {
            c.pos += 1;
            w
        }
        other => return Err(format!("expected a type name, found {other:?}")),
    };
    let with = |name: &str, args: Vec<String>| MysqlType {
        args,
        ..MysqlType::named(name)
    };
    let plain = |t: MysqlType| Ok((t, TypeShorthand::None));
    let name = match word.as_str() {
        "integer" | "int4" => "int",
        "int1" => "tinyint",
        "int2" => "smallint",
        "int3" | "middleint" => "mediumint",
        "int8" => "bigint",
        "bool" | "boolean" => return plain(with("tinyint", vec!["1".into()])),
        "serial" => {
            let mut t = MysqlType::named("bigint");
            t.unsigned = true;
            return Ok((t, TypeShorthand::MysqlSerial));
        }
        "dec" | "numeric" | "fixed" | "decimal" => {
            let args = c.args()?.unwrap_or_default();
            let args = match args.len() {
                0 => vec!["10".into(), "0".into()],
                1 => vec![args[0].clone(), "0".into()],
                _ => args,
            };
            return plain(with("decimal", args));
        }
        "double" => {
            c.eat_word("precision");
            return plain(with("double", c.args()?.unwrap_or_default()));
        }
        "real" => return plain(with("double", c.args()?.unwrap_or_default())),
        "float" => {
            let args = c.args()?.unwrap_or_default();
            return match numbers(&args)?.as_slice() {
                [p] if *p <= 24 => plain(MysqlType::named("float")),
                [_] => plain(MysqlType::named("double")),
                _ => plain(with("float", args)),
            };
        }
        "character" | "char" | "nchar" | "national" => {
            if word == "national" && !(c.eat_word("char") || c.eat_word("character")) {
                return Err("expected `national char`".to_owned());
            }
            if c.eat_word("varying") {
                return plain(with("varchar", c.args()?.unwrap_or_default()));
            }
            let args = c.args()?.unwrap_or_else(|| vec!["1".into()]);
            return plain(with("char", args));
        }
        "nvarchar" => "varchar",
        "long" => {
            if c.eat_word("varbinary") {
                return plain(MysqlType::named("mediumblob"));
            }
            c.eat_word("varchar");
            return plain(MysqlType::named("mediumtext"));
        }
        "binary" => {
            let args = c.args()?.unwrap_or_else(|| vec!["1".into()]);
            return plain(with("binary", args));
        }
        "bit" => {
            let args = c.args()?.unwrap_or_else(|| vec!["1".into()]);
            return plain(with("bit", args));
        }
        "year" => {
            c.args()?;
            return plain(with("year", vec!["4".into()]));
        }
        "blob" | "text" => {
            // `BLOB(n)` / `TEXT(n)` pick the smallest type that holds n bytes.
            let args = numbers(&c.args()?.unwrap_or_default())?;
            let prefix = match args.first() {
                Some(n) if *n < 256 => "tiny",
                Some(n) if *n < 65_536 => "",
                Some(n) if *n < 16_777_216 => "medium",
                Some(_) => "long",
                None => "",
            };
            return plain(MysqlType::named(&format!("{prefix}{word}")));
        }
        other => other,
    };
    let name = name.to_owned();
    let args = c.args()?.unwrap_or_default();
    plain(with(&name, args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(text: &str) -> PgType {
        PgType::parse(text).unwrap_or_else(|e| panic!("{e}")).0
    }

    #[test]
    fn postgres_spellings_reach_catalog_names() {
        for (text, name, mods) in [
            ("INTEGER", "int4", vec![]),
            ("int", "int4", vec![]),
            ("BIGINT", "int8", vec![]),
            ("character varying(20)", "varchar", vec![20]),
            ("VARCHAR", "varchar", vec![]),
            ("char", "bpchar", vec![1]),
            ("CHAR(3)", "bpchar", vec![3]),
            ("bpchar", "bpchar", vec![]),
            ("timestamp with time zone", "timestamptz", vec![]),
            ("TIMESTAMP(3) WITHOUT TIME ZONE", "timestamp", vec![3]),
            ("timestamptz", "timestamptz", vec![]),
            ("double precision", "float8", vec![]),
            ("float(10)", "float4", vec![]),
            ("NUMERIC(10, 2)", "numeric", vec![10, 2]),
            ("decimal(5)", "numeric", vec![5, 0]),
            ("boolean", "bool", vec![]),
            ("bit", "bit", vec![1]),
            ("bit varying(8)", "varbit", vec![8]),
            ("\"char\"", "char", vec![]),
        ] {
            let t = pg(text);
            assert_eq!((t.name.as_str(), t.modifiers), (name, mods), "{text}");
            assert!(t.builtin, "{text}");
        }
    }

    #[test]
    fn postgres_arrays_serials_and_user_types() {
        let t = pg("text[]");
        assert!(t.array && t.name == "text");
        assert!(pg("integer ARRAY").array);
        assert!(pg("int[3][3]").array);
        assert_eq!(
            PgType::parse("bigserial").unwrap().1,
            TypeShorthand::PgSerial
        );
        let mood = pg("mood");
        assert!(!mood.builtin && mood.schema.is_none());
        let q = pg("\"Mood\"");
        assert_eq!((q.name.as_str(), q.builtin), ("Mood", false));
        let s = pg("app.mood[]");
        assert_eq!(
            (s.schema.as_deref(), s.name.as_str(), s.array),
            (Some("app"), "mood", true)
        );
        assert!(PgType::parse("interval day to second").is_err());
    }

    #[test]
    fn format_type_is_what_the_catalog_shows() {
        for (text, shown) in [
            ("int4", "integer"),
            ("varchar(20)", "character varying(20)"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("int[]", "integer[]"),
            ("numeric(10,2)", "numeric(10,2)"),
            ("char(2)", "character(2)"),
            ("\"Mood\"", "\"Mood\""),
        ] {
            assert_eq!(pg(text).format_type(), shown, "{text}");
            // What format_type prints reads back as the same type.
            assert_eq!(pg(shown), pg(text), "{shown}");
        }
    }

    #[test]
    fn postgres_max_length_is_information_schemas() {
        assert_eq!(pg("varchar(20)").max_length(), Some(20));
        assert_eq!(pg("char").max_length(), Some(1));
        assert_eq!(pg("varchar(20)[]").max_length(), None);
        assert_eq!(pg("text").max_length(), None);
        assert_eq!(pg("numeric(10,2)").max_length(), None);
    }

    fn my(text: &str) -> String {
        MysqlType::parse(text)
            .unwrap_or_else(|e| panic!("{e}"))
            .0
            .column_type(true)
    }

    #[test]
    fn mysql_spellings_reach_column_type() {
        for (text, shown) in [
            ("INTEGER", "int(11)"),
            ("INT UNSIGNED", "int(10) unsigned"),
            ("BIGINT(20)", "bigint(20)"),
            ("BOOLEAN", "tinyint(1)"),
            ("VARCHAR(255) CHARACTER SET utf8mb4", "varchar(255)"),
            ("DECIMAL", "decimal(10,0)"),
            ("NUMERIC(8, 2)", "decimal(8,2)"),
            ("DOUBLE PRECISION", "double"),
            ("REAL", "double"),
            ("FLOAT(30)", "double"),
            ("CHAR", "char(1)"),
            ("TEXT", "text"),
            ("BLOB(100)", "tinyblob"),
            ("ENUM('a','b')", "enum('a','b')"),
            ("int zerofill", "int(10) unsigned zerofill"),
            ("DATETIME(6)", "datetime(6)"),
        ] {
            assert_eq!(my(text), shown, "{text}");
            assert_eq!(my(shown), shown, "{shown}");
        }
        assert_eq!(
            MysqlType::parse("SERIAL").unwrap().1,
            TypeShorthand::MysqlSerial
        );
        let t = MysqlType::parse("int").unwrap().0;
        assert_eq!(t.column_type(false), "int");
    }
}
