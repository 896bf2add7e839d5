//! A revision's SQL as single statements, cut with the dialect's own
//! tokenizer, so that a statement the parser cannot read costs only itself.
//!
//! A `;` ends a statement unless it is inside parentheses or inside the body
//! of a routine or trigger (`CREATE TRIGGER ... BEGIN ...; ...; END`), where
//! `BEGIN` and `CASE` open a block that `END` closes (`END IF`, `END LOOP`,
//! `END WHILE` and `END REPEAT` close blocks that were never counted, so they
//! are not counted either). String, identifier and dollar quoting is the
//! tokenizer's, which knows each dialect's rules.

use sqlparser::dialect::Dialect as ParserDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Tokenizer, Whitespace};

/// One statement: its tokens (comments and whitespace dropped) and where it
/// starts.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    /// 1-based line of its first token.
    pub line: u32,
    /// 1-based column of its first token (characters).
    pub column: u32,
    /// Its tokens, without whitespace, comments or the final `;`.
    pub tokens: Vec<TokenWithSpan>,
    /// The comments written in or just before the statement, in order
    /// (lint annotations live there).
    pub comments: Vec<String>,
    /// Set when the text could not even be tokenized: the raw text, which
    /// only a name scan can look at.
    pub raw: Option<String>,
    /// The statement as written, from its first token to its last (a
    /// trigger is kept as this text, to be recreated after a rebuild).
    pub text: String,
}

/// Cut `sql` into statements.
#[cfg(test)]
pub(crate) fn split(
    dialect: &dyn ParserDialect,
    engine: lithify_core::Dialect,
    sql: &str,
) -> Vec<Piece> {
    split_with_trailing(dialect, engine, sql).0
}

/// Cut `sql` into statements, and the comments after the last one (which
/// belong to no statement, but may close a lint annotation's block).
pub(crate) fn split_with_trailing(
    dialect: &dyn ParserDialect,
    engine: lithify_core::Dialect,
    sql: &str,
) -> (Vec<Piece>, Vec<String>) {
    match Tokenizer::new(dialect, sql).tokenize_with_location() {
        Ok(tokens) => cut(tokens, sql),
        Err(_) => (fallback_split(dialect, engine, sql), Vec::new()),
    }
}

/// An unterminated quote or the like: cut with lithify's own splitter for
/// the engine, and tokenize each piece on its own.
fn fallback_split(
    dialect: &dyn ParserDialect,
    engine: lithify_core::Dialect,
    sql: &str,
) -> Vec<Piece> {
    lithify_core::split::split_statements_for(sql, engine)
        .into_iter()
        .flat_map(|s| {
            let line = u32::try_from(s.line).unwrap_or(u32::MAX);
            // The piece's tokens count lines from the start of its text,
            // which may begin with comments above the reported line.
            let text_line = first_line_of(sql, s.sql);
            match Tokenizer::new(dialect, s.sql).tokenize_with_location() {
                Ok(tokens) => cut(tokens, s.sql)
                    .0
                    .into_iter()
                    .map(|mut p| {
                        if p.line == 1 {
                            p.column = p.column.saturating_add(column_of(sql, s.sql) - 1);
                        }
                        p.line = p.line.saturating_add(text_line - 1);
                        p
                    })
                    .collect(),
                Err(_) => vec![Piece {
                    line,
                    column: 1,
                    tokens: Vec::new(),
                    comments: Vec::new(),
                    raw: Some(s.sql.to_owned()),
                    text: s.sql.to_owned(),
                }],
            }
        })
        .collect()
}

/// The 1-based line of `script` on which its sub-slice `part` begins.
fn first_line_of(script: &str, part: &str) -> u32 {
    let offset = (part.as_ptr() as usize).saturating_sub(script.as_ptr() as usize);
    let before = script.get(..offset).unwrap_or("");
    let newlines = before.bytes().filter(|&b| b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// The 1-based column (in characters) of `script` at which its sub-slice
/// `part` begins.
fn column_of(script: &str, part: &str) -> u32 {
    let offset = (part.as_ptr() as usize).saturating_sub(script.as_ptr() as usize);
    let before = script.get(..offset).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    u32::try_from(line.chars().count() + 1).unwrap_or(u32::MAX)
}

fn cut(tokens: Vec<TokenWithSpan>, sql: &str) -> (Vec<Piece>, Vec<String>) {
    let lines = LineStarts::new(sql);
    let mut out = Vec::new();
    let mut current = Piece {
        line: 0,
        column: 0,
        tokens: Vec::new(),
        comments: Vec::new(),
        raw: None,
        text: String::new(),
    };
    let mut depth = Depth::default();
    // The line of the `;` that ended the last statement: a `--` comment
    // after it on that line is about that statement.
    let mut ended_on: Option<u64> = None;
    for t in tokens {
        match &t.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                let text = comment.trim().to_owned();
                let same_line = current.tokens.is_empty() && ended_on == Some(t.span.start.line);
                match out.last_mut().filter(|_| same_line) {
                    Some(Piece { comments, .. }) => comments.push(text),
                    None => current.comments.push(text),
                }
            }
            Token::Whitespace(Whitespace::MultiLineComment(comment)) => {
                current.comments.push(comment.trim().to_owned());
            }
            Token::Whitespace(_) | Token::EOF => {}
            Token::SemiColon if depth.at_top() => {
                if finish(&mut out, &mut current, &lines) {
                    ended_on = Some(t.span.start.line);
                }
                depth = Depth::default();
            }
            _ => {
                depth.see(&current.tokens, &t.token);
                if current.tokens.is_empty() {
                    current.line = u32::try_from(t.span.start.line).unwrap_or(u32::MAX);
                    current.column = u32::try_from(t.span.start.column).unwrap_or(u32::MAX);
                }
                current.tokens.push(t);
            }
        }
    }
    finish(&mut out, &mut current, &lines);
    (out, current.comments)
}

impl Piece {
    /// The text of `span` as written, when it lies within the statement
    /// (`None` for the empty span of a node the parser made up).
    pub(crate) fn source(&self, span: Span) -> Option<&str> {
        let first = self.tokens.first()?.span.start;
        if span.start.line < first.line || span.end < span.start || span.start.line == 0 {
            return None;
        }
        // `text` starts at the first token: its first line is short by
        // that token's column.
        let at = |l: Location| {
            let line = l.line - first.line + 1;
            let column = if line == 1 {
                l.column.checked_sub(first.column)? + 1
            } else {
                l.column
            };
            Some(LineStarts::new(&self.text).offset(line, column))
        };
        self.text.get(at(span.start)?..at(span.end)?)
    }
}

/// Byte offsets of line starts, to turn the tokenizer's (line, column)
/// locations back into slices of the script.
struct LineStarts<'a> {
    sql: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineStarts<'a> {
    fn new(sql: &'a str) -> LineStarts<'a> {
        let mut starts = vec![0];
        starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts { sql, starts }
    }

    /// The byte offset of 1-based `line`, `column` (columns count chars).
    fn offset(&self, line: u64, column: u64) -> usize {
        let Some(&start) = usize::try_from(line.saturating_sub(1))
            .ok()
            .and_then(|l| self.starts.get(l))
        else {
            return self.sql.len();
        };
        let rest = &self.sql[start..];
        let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
        start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i)
    }

    /// The text the tokens span.
    fn text(&self, tokens: &[TokenWithSpan]) -> String {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return String::new();
        };
        let from = self.offset(first.span.start.line, first.span.start.column);
        let to = self.offset(last.span.end.line, last.span.end.column);
        self.sql
            .get(from..to.max(from))
            .unwrap_or_default()
            .to_owned()
    }
}

/// End the current statement; false when it had no tokens (its comments
/// are kept for the next one).
fn finish(out: &mut Vec<Piece>, current: &mut Piece, lines: &LineStarts<'_>) -> bool {
    if current.tokens.is_empty() {
        // Comments after the last statement belong to nothing; comments of
        // an empty segment are kept for the next statement.
        return false;
    }
    let comments = std::mem::take(&mut current.comments);
    let text = lines.text(&current.tokens);
    out.push(Piece {
        line: current.line,
        column: current.column,
        tokens: std::mem::take(&mut current.tokens),
        comments,
        raw: None,
        text,
    });
    true
}

/// Nesting that a `;` does not end.
#[derive(Default)]
struct Depth {
    parens: usize,
    blocks: usize,
    /// The statement creates a routine or trigger, whose body may hold `;`.
    routine: bool,
}

impl Depth {
    fn at_top(&self) -> bool {
        self.parens == 0 && self.blocks == 0
    }

    fn see(&mut self, before: &[TokenWithSpan], token: &Token) {
        match token {
            Token::LParen => self.parens += 1,
            Token::RParen => self.parens = self.parens.saturating_sub(1),
            Token::Word(w) => {
                if before.len() < 6 && is_routine_word(w.keyword) && starts_with_create(before) {
                    self.routine = true;
                }
                if !self.routine {
                    return;
                }
                match w.keyword {
                    // `END CASE` closes a block; it opens none.
                    Keyword::BEGIN | Keyword::CASE
                        if !matches!(last_keyword(before), Some(Keyword::END)) =>
                    {
                        self.blocks += 1;
                    }
                    Keyword::END => self.blocks = self.blocks.saturating_sub(1),
                    // `END IF` etc.: the END was counted, the opener was not.
                    Keyword::IF | Keyword::WHILE => self.undo_end(before),
                    _ if w.value.eq_ignore_ascii_case("loop")
                        || w.value.eq_ignore_ascii_case("repeat") =>
                    {
                        self.undo_end(before);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

impl Depth {
    /// `END IF` etc.: the END was counted as closing a block, but the
    /// opener never was.
    fn undo_end(&mut self, before: &[TokenWithSpan]) {
        if matches!(last_keyword(before), Some(Keyword::END)) {
            self.blocks += 1;
        }
    }
}

fn is_routine_word(k: Keyword) -> bool {
    matches!(
        k,
        Keyword::TRIGGER | Keyword::FUNCTION | Keyword::PROCEDURE | Keyword::EVENT
    )
}

fn starts_with_create(before: &[TokenWithSpan]) -> bool {
    matches!(before.first().map(|t| &t.token), Some(Token::Word(w)) if w.keyword == Keyword::CREATE)
}

fn last_keyword(before: &[TokenWithSpan]) -> Option<Keyword> {
    match before.last().map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w.keyword),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};

    fn lines(dialect: &dyn ParserDialect, sql: &str) -> Vec<(u32, usize)> {
        split(dialect, lithify_core::Dialect::Sqlite, sql)
            .iter()
            .map(|p| (p.line, p.tokens.len()))
            .collect()
    }

    #[test]
    fn statements_with_lines_and_comments() {
        let sql = "-- first\nCREATE TABLE a (x int);\n\n/* b */ CREATE TABLE b (y int); -- tail\n";
        let pieces = split(&PostgreSqlDialect {}, lithify_core::Dialect::Postgres, sql);
        assert_eq!(pieces.len(), 2);
        assert_eq!((pieces[0].line, pieces[1].line), (2, 4));
        assert_eq!(pieces[0].comments, ["first"]);
        assert_eq!(pieces[1].comments, ["b", "tail"]);
    }

    #[test]
    fn a_line_comment_after_the_semicolon_is_the_statement_s_and_the_last_ones_are_kept() {
        let sql = "DROP TABLE a; -- about a\n/* about b */ DROP TABLE b; /* about c */ DROP TABLE c;\n-- end\n";
        let (pieces, trailing) =
            split_with_trailing(&PostgreSqlDialect {}, lithify_core::Dialect::Postgres, sql);
        let comments: Vec<&[String]> = pieces.iter().map(|p| p.comments.as_slice()).collect();
        assert_eq!(
            comments,
            [
                &["about a".to_owned()][..],
                &["about b".to_owned()],
                &["about c".to_owned()]
            ]
        );
        assert_eq!(trailing, ["end"]);
        assert_eq!((pieces[2].line, pieces[2].column), (2, 43));
    }

    #[test]
    fn quoting_is_the_dialects() {
        // A `;` inside a dollar-quoted body, a MySQL backslash escape and a
        // `#` comment do not end statements.
        let pg = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2";
        assert_eq!(
            split(&PostgreSqlDialect {}, lithify_core::Dialect::Postgres, pg).len(),
            2
        );
        let my = "INSERT INTO t VALUES ('a\\';b'); # done; really\nSELECT 1";
        assert_eq!(
            split(&MySqlDialect {}, lithify_core::Dialect::Mysql, my).len(),
            2
        );
    }

    #[test]
    fn trigger_bodies_stay_whole() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN 1 THEN 2 END; DELETE FROM c; END;\nCREATE TABLE d (x);";
        assert_eq!(
            split(&SQLiteDialect {}, lithify_core::Dialect::Sqlite, sql).len(),
            2
        );
        let my = "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; SELECT 2; END; SELECT 3";
        assert_eq!(
            split(&MySqlDialect {}, lithify_core::Dialect::Mysql, my).len(),
            2
        );
    }

    #[test]
    fn a_transaction_begin_is_not_a_block() {
        let sql = "BEGIN; CREATE TABLE a (x int); COMMIT;";
        assert_eq!(lines(&SQLiteDialect {}, sql).len(), 3);
    }

    #[test]
    fn untokenizable_text_falls_back_to_raw_pieces() {
        let pieces = split(
            &PostgreSqlDialect {},
            lithify_core::Dialect::Postgres,
            "CREATE TABLE a (x int);\nSELECT 'oops",
        );
        assert_eq!(pieces.len(), 2);
        assert!(pieces[0].raw.is_none() && !pieces[0].tokens.is_empty());
        assert_eq!(pieces[1].raw.as_deref(), Some("SELECT 'oops"));
        assert_eq!(pieces[1].line, 2);
    }

    #[test]
    fn pieces_keep_their_text_as_written() {
        let sql =
            "-- c\nCREATE  TRIGGER t AFTER INSERT ON \"ä\" BEGIN\n  SELECT 'é;'; END;\nSELECT 1";
        let pieces = split(&SQLiteDialect {}, lithify_core::Dialect::Sqlite, sql);
        assert_eq!(
            pieces[0].text,
            "CREATE  TRIGGER t AFTER INSERT ON \"ä\" BEGIN\n  SELECT 'é;'; END"
        );
        assert_eq!(pieces[1].text, "SELECT 1");
    }

    #[test]
    fn a_fallback_piece_after_comments_keeps_its_line() {
        // Found by the `fold` fuzz target: the comments above a statement
        // were counted twice once the script fell back to lithify's splitter.
        let sql = "-- one\n-- two\nCREATE TABLE a (x int);\nSELECT 'oops";
        let pieces = split(&MySqlDialect {}, lithify_core::Dialect::Mysql, sql);
        assert_eq!(pieces[0].line, 3);
        assert_eq!(pieces[1].line, 4);
    }
}
