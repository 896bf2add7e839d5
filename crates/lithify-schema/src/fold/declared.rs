//! SQLite's declared column types are any words, kept as written
//! (`UNSIGNED BIG INT`, `VARYING CHARACTER(255)`, `JSON`): more than
//! sqlparser's grammar of types reads, and not what its `DataType` prints
//! back. Before such a statement is parsed, each column's type words are
//! put into one quoted identifier holding the text, which the parser reads
//! as a custom type and [`declared_type`] gives back. The text is the
//! statement's own, spacing and case included: SQLite keeps it so, and a
//! table lithify rebuilds must declare its columns the same way.

use sqlparser::ast::{DataType, ObjectNamePart};
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use super::split::Piece;

/// The quote that marks a type put into one token here.
const MARK: char = '"';

/// Words that end a column's type: what starts a column constraint.
const AFTER_TYPE: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// Words that start a table constraint instead of a column.
const TABLE_CONSTRAINTS: &[&str] = &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/// `piece`'s tokens with every column type of a `CREATE TABLE` or `ALTER
/// TABLE ... ADD [COLUMN]` in one token; other statements unchanged.
pub(crate) fn protect_types(piece: &Piece) -> Vec<TokenWithSpan> {
    let tokens = &piece.tokens;
    let is = |i: usize, w: &str| word(tokens, i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    let mut columns: Vec<usize> = Vec::new();
    if is(0, "CREATE") {
        let Some(open) = (1..tokens.len().min(12)).find(|&i| tokens[i].token == Token::LParen)
        else {
            return tokens.clone();
        };
        if !(1..open).any(|i| is(i, "TABLE")) {
            return tokens.clone();
        }
        let mut depth = 0usize;
        let mut element_start = open + 1;
        for (i, t) in tokens.iter().enumerate().skip(open) {
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen => depth = depth.saturating_sub(1),
                _ => {}
            }
            let at_element = i == element_start && depth == 1;
            if at_element && !TABLE_CONSTRAINTS.iter().any(|w| is(i, w)) {
                columns.push(i);
            }
            if depth == 1 && t.token == Token::Comma {
                element_start = i + 1;
            }
            if depth == 0 {
                break;
            }
        }
    } else if is(0, "ALTER") && is(1, "TABLE") {
        if let Some(add) = (2..tokens.len()).find(|&i| is(i, "ADD")) {
            let name = if is(add + 1, "COLUMN") {
                add + 2
            } else {
                add + 1
            };
            if !TABLE_CONSTRAINTS.iter().any(|w| is(name, w)) {
                columns.push(name);
            }
        }
    }
    let mut out = tokens.clone();
    // From the last column back, so earlier positions stay valid.
    for &name in columns.iter().rev() {
        let (start, end) = (name + 1, type_end(tokens, name + 1));
        if start < end {
            let span = tokens[start].span.union(&tokens[end - 1].span);
            let text = piece
                .source(span)
                .map_or_else(|| type_text(&tokens[start..end]), str::to_owned);
            let replacement = TokenWithSpan {
                token: Token::Word(Word {
                    value: text,
                    quote_style: Some(MARK),
                    keyword: sqlparser::keywords::Keyword::NoKeyword,
                }),
                span,
            };
            out.splice(start..end, [replacement]);
        }
    }
    out
}

/// The declared type put into one token by [`protect_types`], if `ty` is one.
pub(crate) fn declared_type(ty: &DataType) -> Option<&str> {
    match ty {
        DataType::Custom(name, modifiers) if modifiers.is_empty() => match name.0.as_slice() {
            [ObjectNamePart::Identifier(i)] if i.quote_style == Some(MARK) => Some(&i.value),
            _ => None,
        },
        _ => None,
    }
}

fn word(tokens: &[TokenWithSpan], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(&w.value),
        _ => None,
    }
}

/// Where the type starting at `start` ends: after its words (names or
/// strings) and one parenthesised list of numbers.
fn type_end(tokens: &[TokenWithSpan], start: usize) -> usize {
    let mut i = start;
    while let Some(t) = tokens.get(i) {
        let is_type_word = match &t.token {
            Token::Word(w) => {
                w.quote_style.is_some()
                    || !AFTER_TYPE.iter().any(|a| w.value.eq_ignore_ascii_case(a))
            }
            Token::SingleQuotedString(_) => true,
            _ => false,
        };
        if !is_type_word {
            break;
        }
        i += 1;
    }
    if i > start && tokens.get(i).map(|t| &t.token) == Some(&Token::LParen) {
        let numbers = tokens[i + 1..]
            .iter()
            .position(|t| t.token == Token::RParen)
            .filter(|&n| {
                tokens[i + 1..i + 1 + n].iter().all(|t| {
                    matches!(
                        t.token,
                        Token::Number(..) | Token::Comma | Token::Plus | Token::Minus
                    )
                })
            });
        if let Some(n) = numbers {
            i += n + 2;
        }
    }
    i
}

/// The type's text rebuilt from its tokens, where the statement's own is
/// not at hand: words separated by one space, the parenthesised part
/// without spaces but one after each comma.
fn type_text(tokens: &[TokenWithSpan]) -> String {
    let mut out = String::new();
    for t in tokens {
        let piece = match &t.token {
            Token::Word(w) => w.value.clone(),
            Token::SingleQuotedString(s) => s.clone(),
            other => other.to_string(),
        };
        let glue = matches!(t.token, Token::LParen | Token::RParen | Token::Comma)
            || out.ends_with('(')
            || out.ends_with('-')
            || out.ends_with('+')
            || out.is_empty();
        if !glue {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::SQLiteDialect;

    fn protected(sql: &str) -> Vec<String> {
        let pieces =
            super::super::split::split(&SQLiteDialect {}, lithify_core::Dialect::Sqlite, sql);
        protect_types(&pieces[0])
            .into_iter()
            .filter_map(|t| match t.token {
                Token::Word(w) if w.quote_style == Some(MARK) => Some(w.value),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn column_types_are_the_words_written() {
        assert_eq!(
            protected(
                "CREATE TABLE t (a, b UNSIGNED BIG INT NOT NULL, c VARCHAR ( 255 ) DEFAULT 'x', \
                 d NUMERIC(10, -2), e INT PRIMARY KEY, CONSTRAINT k UNIQUE (b), f 'odd' TEXT)"
            ),
            [
                "UNSIGNED BIG INT",
                "VARCHAR ( 255 )",
                "NUMERIC(10, -2)",
                "INT",
                "'odd' TEXT"
            ]
        );
        assert_eq!(
            protected("ALTER TABLE t ADD COLUMN g DOUBLE PRECISION CHECK (g > 0)"),
            ["DOUBLE PRECISION"]
        );
        assert_eq!(protected("ALTER TABLE t ADD h"), Vec::<String>::new());
        assert_eq!(
            protected("CREATE TABLE t AS SELECT 1"),
            Vec::<String>::new()
        );
        assert_eq!(
            protected("INSERT INTO t (a) VALUES (1)"),
            Vec::<String>::new()
        );
    }
}
