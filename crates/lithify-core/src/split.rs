//! Splitting a PostgreSQL script into single statements.
//!
//! Why: PostgreSQL runs a multi-statement query string as one implicit
//! transaction, so `CREATE INDEX CONCURRENTLY` (and `VACUUM`, `ALTER TYPE ...
//! ADD VALUE` before PG 12, ...) fails when a non-transactional revision is
//! sent whole. Such revisions are therefore sent one statement at a time, and
//! the boundaries must be exactly where the server would see them.
//!
//! The lexer follows psql's (`psqlscan.l`), which is what users test their
//! scripts with:
//! - `'...'` strings with `''` escapes; `E'...'` strings where `\'` also escapes;
//! - `"..."` identifiers with `""` escapes;
//! - dollar quoting, `$$...$$` and `$tag$...$tag$` (a `$` inside an identifier
//!   or before a digit, `$1`, is not a quote);
//! - `--` line comments and nested `/* /* */ */` block comments;
//! - parentheses: a `;` inside them never ends a statement;
//! - SQL-standard function bodies: inside `CREATE [OR REPLACE] FUNCTION |
//!   PROCEDURE`, `BEGIN` opens a block that `END` closes (`CASE ... END` inside
//!   it is counted too), so `BEGIN ATOMIC ...; ...; END` stays one statement.
//!   This is psql's own heuristic; a transaction-control `BEGIN;` elsewhere is
//!   unaffected.

/// One statement of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement's text without the terminating `;`, whitespace trimmed.
    /// Comments inside and before it are kept (they are harmless to the server
    /// and keep error positions meaningful).
    pub sql: &'a str,
    /// 1-based line of the script where the statement starts.
    pub line: usize,
}

/// Split `script` into statements. Segments holding only whitespace and
/// comments are dropped (an empty query is an error on some servers, and a
/// comment-only `down.sql` is common in diesel directories).
pub fn split_statements(script: &str) -> Vec<Statement<'_>> {
    Lexer::new(script).run()
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Vec<Statement<'a>>,
    /// Byte offset where the current statement began.
    start: usize,
    /// Offset of the first byte that is neither whitespace nor comment.
    first_token: Option<usize>,
    paren_depth: usize,
    begin_depth: usize,
    /// psql's record of the first words: `c`reate, `o`r, `r`eplace,
    /// `f`unction, `p`rocedure, 0 for any other word.
    words: [u8; 4],
    word_count: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            out: Vec::new(),
            start: 0,
            first_token: None,
            paren_depth: 0,
            begin_depth: 0,
            words: [0; 4],
            word_count: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn run(mut self) -> Vec<Statement<'a>> {
        while let Some(b) = self.peek(0) {
            match b {
                b'-' if self.peek(1) == Some(b'-') => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b';' if self.paren_depth == 0 && self.begin_depth == 0 => {
                    self.finish(self.pos);
                    self.pos += 1;
                    self.start = self.pos;
                }
                b if b.is_ascii_whitespace() => self.pos += 1,
                _ => {
                    self.first_token.get_or_insert(self.pos);
                    self.token(b);
                }
            }
        }
        self.finish(self.bytes.len());
        self.out
    }

    /// One token that is not whitespace, a comment or a statement-ending `;`.
    fn token(&mut self, b: u8) {
        match b {
            b'\'' => self.quoted(b'\'', false),
            b'"' => self.quoted(b'"', false),
            b'$' => {
                if !self.dollar_quoted() {
                    self.pos += 1;
                }
            }
            b'(' => {
                self.paren_depth += 1;
                self.pos += 1;
            }
            b')' => {
                self.paren_depth = self.paren_depth.saturating_sub(1);
                self.pos += 1;
            }
            b if is_ident_start(b) => self.word(),
            b'0'..=b'9' => {
                // A number (or anything glued to it) must not start a word:
                // `1e` is not the `E` string prefix.
                while self.peek(0).is_some_and(is_ident_char) {
                    self.pos += 1;
                }
            }
            _ => self.pos += 1,
        }
    }

    fn line_comment(&mut self) {
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            if b == b'\n' {
                break;
            }
        }
    }

    /// `/* ... */`, nesting as PostgreSQL does.
    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while self.pos < self.bytes.len() {
            if self.peek(0) == Some(b'/') && self.peek(1) == Some(b'*') {
                depth += 1;
                self.pos += 2;
            } else if self.peek(0) == Some(b'*') && self.peek(1) == Some(b'/') {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.pos += 1;
            }
        }
    }

    /// A string or quoted identifier opened by `quote` at `pos`; the quote
    /// doubled is an escape. With `backslash`, `\x` escapes too (`E'...'`).
    /// An unterminated one runs to the end: the server reports it.
    fn quoted(&mut self, quote: u8, backslash: bool) {
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            if backslash && b == b'\\' {
                self.pos += 2;
            } else if b == quote {
                if self.peek(1) == Some(quote) {
                    self.pos += 2;
                } else {
                    self.pos += 1;
                    return;
                }
            } else {
                self.pos += 1;
            }
        }
        self.pos = self.bytes.len();
    }

    /// `$tag$ ... $tag$` at `pos`; false (nothing consumed) when the `$` does
    /// not open a dollar quote (`$1`, a lone `$`).
    fn dollar_quoted(&mut self) -> bool {
        let rest = &self.bytes[self.pos + 1..];
        let tag_len = match rest.first() {
            Some(&b) if is_ident_start(b) => rest
                .iter()
                .position(|&c| !is_ident_char(c) || c == b'$')
                .unwrap_or(rest.len()),
            _ => 0,
        };
        if rest.get(tag_len) != Some(&b'$') {
            return false;
        }
        let delimiter = &self.src[self.pos..self.pos + tag_len + 2];
        let body = self.pos + delimiter.len();
        self.pos = match self.src[body..].find(delimiter) {
            Some(end) => body + end + delimiter.len(),
            None => self.bytes.len(),
        };
        true
    }

    /// An identifier or keyword; also the `E'...'` string prefix.
    fn word(&mut self) {
        let start = self.pos;
        while self.peek(0).is_some_and(is_ident_char) {
            self.pos += 1;
        }
        let word = &self.src[start..self.pos];
        if word.eq_ignore_ascii_case("e") && self.peek(0) == Some(b'\'') {
            self.quoted(b'\'', true);
            return;
        }
        self.track_function_body(word);
    }

    /// psql's heuristic for `BEGIN ATOMIC ... END` bodies (module docs).
    fn track_function_body(&mut self, word: &str) {
        let lower = word.to_ascii_lowercase();
        if self.word_count < self.words.len() {
            self.words[self.word_count] = match lower.as_str() {
                "create" | "or" | "replace" | "function" | "procedure" => lower.as_bytes()[0],
                _ => 0,
            };
        }
        self.word_count += 1;
        let w = self.words;
        let defines_routine = w[0] == b'c'
            && (matches!(w[1], b'f' | b'p')
                || (w[1] == b'o' && w[2] == b'r' && matches!(w[3], b'f' | b'p')));
        if !defines_routine || self.paren_depth != 0 {
            return;
        }
        match lower.as_str() {
            "begin" => self.begin_depth += 1,
            // CASE also ends with END; it only matters inside a body.
            "case" if self.begin_depth > 0 => self.begin_depth += 1,
            "end" => self.begin_depth = self.begin_depth.saturating_sub(1),
            _ => {}
        }
    }

    /// Close the statement that ends at byte `end` (exclusive).
    fn finish(&mut self, end: usize) {
        if let Some(first) = self.first_token.take() {
            // Trimmed of what the lexer skips as whitespace, nothing more:
            // `str::trim` also strips Unicode spaces (a vertical tab, a
            // no-break space) the lexer takes for a token, which moved the
            // text past the line reported (found by fuzz/split).
            let sql = self.src[self.start..end].trim_matches(|c: char| c.is_ascii_whitespace());
            let line = 1 + self.src[..first].matches('\n').count();
            // Leading comments belong to the statement, but its line is that
            // of its first token: what a reader looks for.
            if !sql.is_empty() {
                self.out.push(Statement { sql, line });
            }
        }
        self.paren_depth = 0;
        self.begin_depth = 0;
        self.words = [0; 4];
        self.word_count = 0;
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn plain_statements_and_blank_segments() {
        assert_eq!(
            split("CREATE TABLE a (x int);\n\nCREATE TABLE b (y int);;  ;"),
            ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"]
        );
        assert_eq!(split("SELECT 1"), ["SELECT 1"]);
        assert!(split("").is_empty());
        assert!(split("  \n ; ;").is_empty());
    }

    #[test]
    fn comment_only_segments_are_dropped() {
        assert!(split("-- nothing to undo\n").is_empty());
        assert!(split("/* nothing */ -- really\n;").is_empty());
        assert_eq!(
            split("-- make it\nSELECT 1; -- trailing\n"),
            ["-- make it\nSELECT 1"]
        );
    }

    #[test]
    fn semicolons_in_comments_do_not_split() {
        assert_eq!(
            split("SELECT 1 -- a; b\n + 2; SELECT 3"),
            ["SELECT 1 -- a; b\n + 2", "SELECT 3"]
        );
        assert_eq!(
            split("SELECT /* x; /* nested; */ still; */ 1; SELECT 2"),
            ["SELECT /* x; /* nested; */ still; */ 1", "SELECT 2"]
        );
    }

    #[test]
    fn strings_and_identifiers() {
        assert_eq!(
            split("INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT 2"),
            ["INSERT INTO t VALUES ('a;b', 'it''s;')", "SELECT 2"]
        );
        assert_eq!(
            split(r#"CREATE TABLE "we;ird""" (x int); SELECT 1"#),
            [r#"CREATE TABLE "we;ird""" (x int)"#, "SELECT 1"]
        );
        // A comment opener inside a string is text.
        assert_eq!(
            split("SELECT '--'; SELECT '/*'"),
            ["SELECT '--'", "SELECT '/*'"]
        );
    }

    #[test]
    fn escape_strings_allow_backslash_quotes() {
        assert_eq!(
            split(r"SELECT E'it\'s; fine'; SELECT e'\\'; SELECT 3"),
            [r"SELECT E'it\'s; fine'", r"SELECT e'\\'", "SELECT 3"]
        );
        // In a standard string a backslash is just a character.
        assert_eq!(split(r"SELECT '\'; SELECT 2"), [r"SELECT '\'", "SELECT 2"]);
        // `e` ending an identifier is not a prefix.
        assert_eq!(
            split(r"SELECT name'x\'; SELECT 2"),
            [r"SELECT name'x\'", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quoting() {
        let f = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql";
        assert_eq!(split(&format!("{f}; SELECT 2")), [f, "SELECT 2"]);
        let tagged = "DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$;'; END $body$";
        assert_eq!(split(&format!("{tagged};SELECT 2;")), [tagged, "SELECT 2"]);
        // Another tag inside does not close it.
        let nested = "DO $a$ SELECT $b$ ; $b$; $a$";
        assert_eq!(split(&format!("{nested}; SELECT 2")), [nested, "SELECT 2"]);
    }

    #[test]
    fn dollars_that_are_not_quotes() {
        assert_eq!(
            split("PREPARE p AS SELECT $1; SELECT a$b FROM t; SELECT 3"),
            ["PREPARE p AS SELECT $1", "SELECT a$b FROM t", "SELECT 3"]
        );
    }

    #[test]
    fn begin_atomic_bodies_stay_whole() {
        let f = "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n\
                 BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT a;\nEND";
        assert_eq!(split(&format!("{f};\nSELECT 2;")), [f, "SELECT 2"]);
        let p = "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END";
        assert_eq!(split(&format!("{p}; CALL p()")), [p, "CALL p()"]);
    }

    #[test]
    fn transaction_control_begin_is_not_a_body() {
        assert_eq!(
            split("BEGIN; SELECT 1; END; COMMIT"),
            ["BEGIN", "SELECT 1", "END", "COMMIT"]
        );
        // CASE ... END outside a routine body does not nest either.
        assert_eq!(
            split("SELECT CASE WHEN true THEN 1 END; SELECT 2"),
            ["SELECT CASE WHEN true THEN 1 END", "SELECT 2"]
        );
    }

    #[test]
    fn parentheses_protect_semicolons() {
        assert_eq!(
            split("CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b); SELECT 1"),
            [
                "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn concurrent_index_revision() {
        let script = "-- Built without locking writes.\n\
                      CREATE INDEX CONCURRENTLY jobs_title_idx ON jobs (title);\n\
                      CREATE INDEX CONCURRENTLY jobs_loc_idx ON jobs (location);\n";
        let got = split_statements(script);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].line, 2);
        assert_eq!(got[1].line, 3);
        assert_eq!(
            got[1].sql,
            "CREATE INDEX CONCURRENTLY jobs_loc_idx ON jobs (location)"
        );
    }

    #[test]
    fn unterminated_constructs_run_to_the_end() {
        assert_eq!(split("SELECT 'abc; SELECT 2"), ["SELECT 'abc; SELECT 2"]);
        assert_eq!(
            split("SELECT $$ abc; SELECT 2"),
            ["SELECT $$ abc; SELECT 2"]
        );
        assert_eq!(
            split("SELECT 1 /* abc; SELECT 2"),
            ["SELECT 1 /* abc; SELECT 2"]
        );
        assert_eq!(split("SELECT E'\\"), ["SELECT E'\\"]);
    }

    #[test]
    fn non_ascii_text_is_kept_intact() {
        assert_eq!(
            split("INSERT INTO t VALUES ('héllo; wörld'); SELECT \"naïve\""),
            ["INSERT INTO t VALUES ('héllo; wörld')", "SELECT \"naïve\""]
        );
    }

    /// fuzz/split found it: a vertical tab (whitespace to `str::trim`, a
    /// token to PostgreSQL before 16 and to this lexer) before a newline
    /// made the statement's text start a line after the line reported.
    #[test]
    fn a_statement_starts_on_the_line_it_reports() {
        let script = "\x0b\nI";
        let got = split_statements(script);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].line, 1);
        assert_eq!(got[0].sql, script, "only ASCII whitespace is trimmed");
        let nbsp = split_statements("SELECT 1\u{a0};\n  SELECT 2");
        assert_eq!(
            nbsp[0].sql, "SELECT 1\u{a0}",
            "the server sees the no-break space"
        );
        assert_eq!((nbsp[1].sql, nbsp[1].line), ("SELECT 2", 2));
    }

    proptest::proptest! {
        /// Whatever the input, the splitter never panics and every statement
        /// is a slice of it.
        #[test]
        fn never_panics(s in "[ a-zE$;'\"\\-/*()\\\\\n]{0,80}") {
            for st in split_statements(&s) {
                proptest::prop_assert!(s.contains(st.sql));
            }
        }

        /// Joining simple statements with `;` splits back into them.
        #[test]
        fn round_trip(parts in proptest::collection::vec("SELECT '[a-z;$]{0,6}'", 1..6)) {
            let script = parts.join(";\n");
            let got: Vec<&str> = split_statements(&script).into_iter().map(|s| s.sql).collect();
            proptest::prop_assert_eq!(got, parts.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
