//! What can be said of a statement without its syntax tree: whether it
//! leaves tables alone (by its first words), and which tables it names.
//! Used for statements the parser cannot read, and for parsed statements
//! the model does not follow.

use sqlparser::ast::{Ident, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan, Tokenizer};

use super::split::Piece;
use crate::engine::Engine;
use crate::model::{ObjectName, Schema};

/// What a statement does to tables, as far as its words tell.
pub(crate) enum Scan {
    /// Data, routines, triggers, grants, settings: no table changes.
    Harmless,
    /// The tables it names; `creates` when it is a `CREATE TABLE`.
    Names {
        /// Tables named.
        tables: Vec<ObjectName>,
        /// The statement creates them.
        creates: bool,
    },
}

/// Statements that start with one of these words do not change tables.
const HARMLESS_VERBS: &[&str] = &[
    "INSERT",
    "UPDATE",
    "DELETE",
    "SELECT",
    "WITH",
    "VALUES",
    "GRANT",
    "REVOKE",
    "SET",
    "RESET",
    "SHOW",
    "EXPLAIN",
    "ANALYZE",
    "VACUUM",
    "NOTIFY",
    "LISTEN",
    "UNLISTEN",
    "LOCK",
    "BEGIN",
    "START",
    "COMMIT",
    "END",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "PRAGMA",
    "COPY",
    "CALL",
    "EXECUTE",
    "PREPARE",
    "DEALLOCATE",
    "DECLARE",
    "FETCH",
    "CLOSE",
    "DISCARD",
    "LOAD",
    "REFRESH",
    "CLUSTER",
    "REINDEX",
    "TRUNCATE",
    "REPLACE",
    "USE",
    "FLUSH",
    "OPTIMIZE",
    "KILL",
    "SECURITY",
];

/// `CREATE | ALTER | DROP <one of these>` does not change tables.
const HARMLESS_OBJECTS: &[&str] = &[
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "RULE",
    "POLICY",
    "ROLE",
    "USER",
    "GROUP",
    "EXTENSION",
    "AGGREGATE",
    "OPERATOR",
    "LANGUAGE",
    "PUBLICATION",
    "SUBSCRIPTION",
    "EVENT",
    "SERVER",
    "CAST",
    "COLLATION",
    "CONVERSION",
    "STATISTICS",
    "SEQUENCE",
    "SCHEMA",
    "DATABASE",
    "TABLESPACE",
    "DEFAULT",
    "PRIVILEGES",
    "SEARCH",
    "MACRO",
    "SECRET",
];

/// Words that may stand between `CREATE` and the kind of object.
const CREATE_MODIFIERS: &[&str] = &[
    "OR",
    "REPLACE",
    "TEMPORARY",
    "TEMP",
    "UNIQUE",
    "CONSTRAINT",
    "PROCEDURAL",
    "TRUSTED",
    "TEXT",
    "FOREIGN",
    "DATA",
    "WRAPPER",
    "UNLOGGED",
    "DEFINER",
    "AGGREGATE",
];

/// What an unreadable statement does to tables.
pub(crate) fn scan(schema: &Schema, engine: &dyn Engine, piece: &Piece) -> Scan {
    let words = word_tokens(engine, piece);
    if is_harmless(&words) {
        return Scan::Harmless;
    }
    let creates = first_keyword(&words) == Some("CREATE")
        && words
            .iter()
            .take(6)
            .any(|w| w.keyword.as_deref() == Some("TABLE"));
    Scan::Names {
        tables: named_tables(schema, engine, &piece_tokens(engine, piece)),
        creates,
    }
}

/// The tables a parsed statement names, from its text.
pub(crate) fn statement_tables(engine: &dyn Engine, statement: &Statement) -> Vec<ObjectName> {
    let text = statement.to_string();
    let Ok(tokens) = Tokenizer::new(engine.parser(), &text).tokenize_with_location() else {
        return Vec::new();
    };
    let tokens: Vec<TokenWithSpan> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    // Without the schema, only names after TABLE count.
    named_tables(&Schema::new(engine.dialect()), engine, &tokens)
}

/// Parsed statements that change no table.
pub(crate) fn leaves_tables_alone(statement: &Statement) -> bool {
    matches!(
        statement,
        Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Merge(_)
            | Statement::Copy { .. }
            | Statement::Set(_)
            | Statement::Reset(_)
            | Statement::Grant(_)
            | Statement::Revoke(_)
            | Statement::GrantRole(_)
            | Statement::RevokeRole(_)
            | Statement::AlterDefaultPrivileges(_)
            | Statement::CreateRole(_)
            | Statement::AlterRole { .. }
            | Statement::CreateUser(_)
            | Statement::AlterUser(_)
            | Statement::CreateFunction(_)
            | Statement::DropFunction(_)
            | Statement::AlterFunction(_)
            | Statement::CreateProcedure { .. }
            | Statement::DropProcedure { .. }
            | Statement::CreateTrigger(_)
            | Statement::DropTrigger(_)
            | Statement::AlterTrigger(_)
            | Statement::CreateExtension(_)
            | Statement::DropExtension(_)
            | Statement::CreateSequence { .. }
            | Statement::CreateSchema { .. }
            | Statement::AlterSchema(_)
            | Statement::CreateDatabase { .. }
            | Statement::CreatePolicy(_)
            | Statement::AlterPolicy(_)
            | Statement::DropPolicy(_)
            | Statement::CreateRule(_)
            | Statement::DropRule(_)
            | Statement::CreateCollation(_)
            | Statement::AlterCollation(_)
            | Statement::CreateAggregate(_)
            | Statement::CreateOperator(_)
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Savepoint { .. }
            | Statement::ReleaseSavepoint { .. }
            | Statement::Pragma { .. }
            | Statement::Analyze(_)
            | Statement::Vacuum(_)
            | Statement::Truncate(_)
            | Statement::NOTIFY { .. }
            | Statement::LISTEN { .. }
            | Statement::UNLISTEN { .. }
            | Statement::Lock(_)
            | Statement::LockTables { .. }
            | Statement::UnlockTables
            | Statement::Call(_)
            | Statement::Execute { .. }
            | Statement::Prepare { .. }
            | Statement::Deallocate { .. }
            | Statement::Declare { .. }
            | Statement::Fetch { .. }
            | Statement::Close { .. }
            | Statement::Discard { .. }
            | Statement::Use(_)
            | Statement::Flush { .. }
            | Statement::Kill { .. }
            | Statement::Explain { .. }
            | Statement::ExplainTable { .. }
            | Statement::ShowVariable { .. }
            | Statement::ShowVariables { .. }
            | Statement::ShowStatus { .. }
            | Statement::ShowTables { .. }
            | Statement::ShowColumns { .. }
            | Statement::ShowCreate { .. }
            | Statement::LoadData { .. }
    )
}

/// The first words of a statement, to recognise it by in a note.
pub(crate) fn first_words(piece: &Piece) -> String {
    match &piece.raw {
        Some(raw) => abbreviate(raw),
        None => {
            let text: Vec<String> = piece
                .tokens
                .iter()
                .take(12)
                .map(|t| t.token.to_string())
                .collect();
            abbreviate(&text.join(" "))
        }
    }
}

/// At most 60 characters of `text`, on one line.
pub(crate) fn abbreviate(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        one_line
    } else {
        let cut: String = one_line.chars().take(57).collect();
        format!("{cut}...")
    }
}

/// A word of a statement: its keyword (if it is one) and identifier.
struct WordTok {
    /// The word upper-cased, unless it was quoted (then never a keyword).
    keyword: Option<String>,
}

fn word_tokens(engine: &dyn Engine, piece: &Piece) -> Vec<WordTok> {
    piece_tokens(engine, piece)
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(WordTok {
                keyword: w
                    .quote_style
                    .is_none()
                    .then(|| w.value.to_ascii_uppercase()),
            }),
            _ => None,
        })
        .collect()
}

/// The piece's tokens; a raw piece is tokenized loosely, word by word.
fn piece_tokens(engine: &dyn Engine, piece: &Piece) -> Vec<TokenWithSpan> {
    match &piece.raw {
        None => piece.tokens.clone(),
        Some(raw) => raw
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
            .flat_map(|w| {
                Tokenizer::new(engine.parser(), w)
                    .tokenize_with_location()
                    .unwrap_or_default()
            })
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .collect(),
    }
}

fn first_keyword(words: &[WordTok]) -> Option<&str> {
    words.first().and_then(|w| w.keyword.as_deref())
}

fn is_harmless(words: &[WordTok]) -> bool {
    let Some(first) = first_keyword(words) else {
        return false;
    };
    if HARMLESS_VERBS.contains(&first) {
        return true;
    }
    if first == "COMMENT" {
        // COMMENT ON TABLE / COLUMN changes the model; anything else not.
        let object = words.get(2).and_then(|w| w.keyword.as_deref());
        return !matches!(object, Some("TABLE" | "COLUMN"));
    }
    if matches!(first, "CREATE" | "ALTER" | "DROP") {
        let object = words.iter().skip(1).take(6).find(|w| {
            !w.keyword
                .as_deref()
                .is_some_and(|k| CREATE_MODIFIERS.contains(&k))
        });
        return object
            .and_then(|w| w.keyword.as_deref())
            .is_some_and(|k| HARMLESS_OBJECTS.contains(&k));
    }
    false
}

/// The tables `tokens` name: after `TABLE` (and `IF [NOT] EXISTS`, `ONLY`),
/// after `ON` in `CREATE INDEX`, the tables of the indexes `ALTER INDEX` /
/// `DROP INDEX` name, and both sides of `RENAME TABLE a TO b`.
fn named_tables(schema: &Schema, engine: &dyn Engine, tokens: &[TokenWithSpan]) -> Vec<ObjectName> {
    let kw = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.keyword),
        _ => None,
    };
    let is_index_statement = kw(0) == Some(Keyword::CREATE)
        && (kw(1) == Some(Keyword::INDEX)
            || (kw(1) == Some(Keyword::UNIQUE) && kw(2) == Some(Keyword::INDEX)));
    let mut out: Vec<ObjectName> = Vec::new();
    let mut push = |n: ObjectName| {
        if !out.contains(&n) {
            out.push(n);
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        match kw(i) {
            Some(Keyword::TABLE) => {
                let mut j = i + 1;
                while matches!(
                    kw(j),
                    Some(Keyword::IF | Keyword::NOT | Keyword::EXISTS | Keyword::ONLY)
                ) {
                    j += 1;
                }
                if let Some((name, next)) = qualified_name(engine, tokens, j) {
                    push(name);
                    i = next;
                    // RENAME TABLE a TO b, c TO d
                    while kw(i) == Some(Keyword::TO)
                        || tokens.get(i).map(|t| &t.token) == Some(&Token::Comma)
                    {
                        match qualified_name(engine, tokens, i + 1) {
                            Some((n, next)) => {
                                push(n);
                                i = next;
                            }
                            None => break,
                        }
                    }
                    continue;
                }
            }
            Some(Keyword::ON) if is_index_statement => {
                let j = if kw(i + 1) == Some(Keyword::ONLY) {
                    i + 2
                } else {
                    i + 1
                };
                if let Some((name, next)) = qualified_name(engine, tokens, j) {
                    push(name);
                    i = next;
                    continue;
                }
            }
            Some(Keyword::INDEX) if matches!(kw(0), Some(Keyword::ALTER | Keyword::DROP)) => {
                let mut j = i + 1;
                while matches!(
                    kw(j),
                    Some(Keyword::IF | Keyword::EXISTS | Keyword::CONCURRENTLY)
                ) {
                    j += 1;
                }
                if let Some((name, _)) = qualified_name(engine, tokens, j) {
                    if let Some(t) = schema.table_of_index(name.schema.as_deref(), &name.name) {
                        push(schema.tables[t].name.clone());
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `a` or `a.b` starting at token `i`, and the position after it.
pub(crate) fn qualified_name(
    engine: &dyn Engine,
    tokens: &[TokenWithSpan],
    i: usize,
) -> Option<(ObjectName, usize)> {
    let ident = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(Ident {
            value: w.value.clone(),
            quote_style: w.quote_style,
            span: Span::empty(),
        }),
        _ => None,
    };
    let mut parts = vec![ident(i)?];
    let mut next = i + 1;
    while tokens.get(next).map(|t| &t.token) == Some(&Token::Period) {
        match ident(next + 1) {
            Some(p) => {
                parts.push(p);
                next += 2;
            }
            None => break,
        }
    }
    let name = sqlparser::ast::ObjectName(
        parts
            .into_iter()
            .map(sqlparser::ast::ObjectNamePart::Identifier)
            .collect(),
    );
    Some((engine.object_name(&name), next))
}
