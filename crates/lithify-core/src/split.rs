//! Splitting a SQL script into single statements, as the engine's own
//! client would: where each statement ends, comments and quoting included.
//!
//! Why: PostgreSQL runs a multi-statement query string as one implicit
//! transaction, so `CREATE INDEX CONCURRENTLY` (and `VACUUM`, `ALTER TYPE ...
//! ADD VALUE` before PG 12, ...) fails when a non-transactional revision is
//! sent whole. Such revisions are therefore sent one statement at a time, and
//! the boundaries must be exactly where the server would see them. The same
//! boundaries tell every engine whether a file holds any statement at all
//! ([`has_statements`]: an empty or comment-only `down.sql` is a no-op) and
//! where an offline script must put the `;` that ends a revision's last
//! statement ([`terminated`]).
//!
//! PostgreSQL's lexer follows psql's (`psqlscan.l`), which is what users test
//! their scripts with:
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
//!
//! SQLite's (the `sqlite3` shell's `sqlite3_complete`) differs in: block
//! comments do not nest; identifiers may also be quoted with backticks or
//! `[...]`; no dollar quoting and no `E'...'` strings; the block that keeps
//! `;` inside is a trigger body, `CREATE [TEMP] TRIGGER ... BEGIN ...; END`.
//!
//! MySQL's and MariaDB's (the `mysql` / `mariadb` client's) differs in: `#`
//! starts a line comment too, and `--` only when followed by whitespace
//! (`1--1` is arithmetic); block comments do not nest, and `/*! ... */` is not
//! a comment but executable text (what `mysqldump` writes); `'...'` and
//! `"..."` are both strings, where a backslash escapes (lithify's sessions
//! keep `NO_BACKSLASH_ESCAPES` off); backticks quote identifiers; no dollar
//! quoting. Compound statements (`BEGIN ... END` in a procedure or trigger)
//! are not tracked: the server receives a MySQL revision whole, and the
//! client needs `DELIMITER` for them anyway.

use std::borrow::Cow;

use crate::Dialect;

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

/// Split the PostgreSQL script `script` into statements
/// ([`split_statements_for`] with [`Dialect::Postgres`]).
pub fn split_statements(script: &str) -> Vec<Statement<'_>> {
    split_statements_for(script, Dialect::Postgres)
}

/// Split `script`, written for `dialect`, into statements. Segments holding
/// only whitespace and comments are dropped (an empty query is an error on
/// some servers, and a comment-only `down.sql` is common in diesel
/// directories).
pub fn split_statements_for(script: &str, dialect: Dialect) -> Vec<Statement<'_>> {
    Lexer::new(script, dialect).run().statements
}

/// True when `script` holds at least one statement for `dialect`: false for
/// an empty file, or one of whitespace, comments and bare `;` only, which
/// lithify runs as a no-op. Stops at the first statement.
pub fn has_statements(script: &str, dialect: Dialect) -> bool {
    let mut lexer = Lexer::new(script, dialect);
    lexer.stop_at_first_token = true;
    lexer.run().first_token_seen
}

/// `script` with its last statement ended by `;`, so that text appended
/// after it (the offline script's bookkeeping `INSERT`) is a statement of
/// its own. The `;` goes right after the statement's last token, before any
/// comment that follows it (`SELECT 1 -- done` becomes `SELECT 1; -- done`);
/// a script whose statements are all terminated is returned as it is.
pub fn terminated(script: &str, dialect: Dialect) -> Cow<'_, str> {
    let ends = Lexer::new(script, dialect).run();
    match ends.open_statement_end {
        Some(end) => Cow::Owned(format!("{};{}", &script[..end], &script[end..])),
        None => Cow::Borrowed(script),
    }
}

/// What one pass of the lexer found.
struct Lexed<'a> {
    statements: Vec<Statement<'a>>,
    /// Some token was seen (with `stop_at_first_token`, nothing more is known).
    first_token_seen: bool,
    /// Where the last token of an unterminated last statement ends.
    open_statement_end: Option<usize>,
}

/// The keywords of a statement's first words that decide whether `BEGIN`
/// opens a block whose `;`s do not end the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    Create,
    Or,
    Replace,
    Function,
    Procedure,
    Temp,
    Trigger,
    Other,
}

impl Lead {
    fn of(lower: &str) -> Lead {
        match lower {
            "create" => Lead::Create,
            "or" => Lead::Or,
            "replace" => Lead::Replace,
            "function" => Lead::Function,
            "procedure" => Lead::Procedure,
            "temp" | "temporary" => Lead::Temp,
            "trigger" => Lead::Trigger,
            _ => Lead::Other,
        }
    }
}

/// Whether a statement beginning with `words` has a body in which `BEGIN`
/// opens a block: psql's `CREATE [OR REPLACE] FUNCTION | PROCEDURE`,
/// SQLite's `CREATE [TEMP | TEMPORARY] TRIGGER`; never on MySQL (module docs).
fn has_block_body(dialect: Dialect, words: &[Lead; 4]) -> bool {
    use Lead::*;
    matches!(
        (dialect, words),
        (Dialect::Postgres, [Create, Function | Procedure, ..])
            | (
                Dialect::Postgres,
                [Create, Or, Replace, Function | Procedure]
            )
            | (Dialect::Sqlite, [Create, Trigger, ..])
            | (Dialect::Sqlite, [Create, Temp, Trigger, _])
    )
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    dialect: Dialect,
    pos: usize,
    out: Vec<Statement<'a>>,
    /// Byte offset where the current statement began.
    start: usize,
    /// Offset of the first byte that is neither whitespace nor comment.
    first_token: Option<usize>,
    /// Where the current statement's last token ends.
    last_token_end: usize,
    paren_depth: usize,
    begin_depth: usize,
    /// The statement's first words, for [`has_block_body`].
    words: [Lead; 4],
    word_count: usize,
    /// Stop at the first token ([`has_statements`]).
    stop_at_first_token: bool,
    first_token_seen: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, dialect: Dialect) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            dialect,
            pos: 0,
            out: Vec::new(),
            start: 0,
            first_token: None,
            last_token_end: 0,
            paren_depth: 0,
            begin_depth: 0,
            words: [Lead::Other; 4],
            word_count: 0,
            stop_at_first_token: false,
            first_token_seen: false,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn run(mut self) -> Lexed<'a> {
        while let Some(b) = self.peek(0) {
            if self.at_line_comment(b) {
                self.line_comment();
            } else if self.at_block_comment(b) {
                self.block_comment();
            } else if b == b';' && self.paren_depth == 0 && self.begin_depth == 0 {
                self.finish(self.pos);
                self.pos += 1;
                self.start = self.pos;
            } else if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                self.first_token.get_or_insert(self.pos);
                self.first_token_seen = true;
                if self.stop_at_first_token {
                    break;
                }
                self.token(b);
                self.last_token_end = self.pos;
            }
        }
        let open_statement_end = self.first_token.map(|_| self.last_token_end);
        self.finish(self.bytes.len());
        Lexed {
            statements: self.out,
            first_token_seen: self.first_token_seen,
            open_statement_end,
        }
    }

    /// `--` (on MySQL only before whitespace or the end), or MySQL's `#`.
    fn at_line_comment(&self, b: u8) -> bool {
        match (b, self.dialect) {
            (b'-', Dialect::Mysql) => {
                self.peek(1) == Some(b'-')
                    && self
                        .peek(2)
                        .is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control())
            }
            (b'-', _) => self.peek(1) == Some(b'-'),
            (b'#', Dialect::Mysql) => true,
            _ => false,
        }
    }

    /// `/*`, except MySQL's executable `/*! ... */` (and MariaDB's `/*M! ... */`).
    fn at_block_comment(&self, b: u8) -> bool {
        if b != b'/' || self.peek(1) != Some(b'*') {
            return false;
        }
        let executable = self.peek(2) == Some(b'!')
            || (self.peek(2) == Some(b'M') && self.peek(3) == Some(b'!'));
        !(self.dialect == Dialect::Mysql && executable)
    }

    /// One token that is not whitespace, a comment or a statement-ending `;`.
    fn token(&mut self, b: u8) {
        let mysql = self.dialect == Dialect::Mysql;
        match b {
            b'\'' => self.quoted(b'\'', mysql),
            b'"' => self.quoted(b'"', mysql),
            b'`' if self.dialect != Dialect::Postgres => self.quoted(b'`', false),
            b'[' if self.dialect == Dialect::Sqlite => self.bracketed(),
            // MySQL's `/*! ... */` is text to the server, but no `;` inside it ends anything.
            b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
            b'$' if self.dialect == Dialect::Postgres => {
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

    /// `/* ... */`, nesting as PostgreSQL does; SQLite and MySQL end it at
    /// the first `*/`.
    fn block_comment(&mut self) {
        let nests = self.dialect == Dialect::Postgres;
        let mut depth = 0usize;
        while self.pos < self.bytes.len() {
            if self.peek(0) == Some(b'/') && self.peek(1) == Some(b'*') && (nests || depth == 0) {
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
    /// doubled is an escape. With `backslash`, `\x` escapes too (`E'...'`,
    /// MySQL's strings). An unterminated one runs to the end: the server
    /// reports it.
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

    /// SQLite's `[identifier]`, which has no escape.
    fn bracketed(&mut self) {
        self.pos = match self.src[self.pos..].find(']') {
            Some(end) => self.pos + end + 1,
            None => self.bytes.len(),
        };
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
        let e_string = self.dialect == Dialect::Postgres && word.eq_ignore_ascii_case("e");
        if e_string && self.peek(0) == Some(b'\'') {
            self.quoted(b'\'', true);
            return;
        }
        self.track_function_body(word);
    }

    /// The block bodies that keep `;` inside (module docs): psql's heuristic
    /// for `BEGIN ATOMIC ... END`, SQLite's trigger bodies.
    fn track_function_body(&mut self, word: &str) {
        let lower = word.to_ascii_lowercase();
        if self.word_count < self.words.len() {
            self.words[self.word_count] = Lead::of(&lower);
        }
        self.word_count += 1;
        if !has_block_body(self.dialect, &self.words) || self.paren_depth != 0 {
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
        self.words = [Lead::Other; 4];
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

    fn split_in(dialect: Dialect, sql: &str) -> Vec<&str> {
        split_statements_for(sql, dialect)
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn nothing_but_comments_has_no_statement_on_any_engine() {
        for dialect in Dialect::ALL {
            for empty in [
                "",
                "  \n\t",
                "-- nothing to undo\n",
                "/* data only */\n;\n",
                ";;",
            ] {
                assert!(!has_statements(empty, dialect), "{dialect}: {empty:?}");
            }
            assert!(has_statements("-- x\nSELECT 1", dialect), "{dialect}");
        }
        // `#` is a comment on MySQL only; elsewhere it is a (bad) statement
        // the server should see and report.
        assert!(!has_statements("# nothing\n", Dialect::Mysql));
        assert!(has_statements("# nothing\n", Dialect::Postgres));
        // MySQL's executable comment is a statement.
        assert!(has_statements(
            "/*!40101 SET NAMES utf8 */;",
            Dialect::Mysql
        ));
        assert!(!has_statements(
            "/*!40101 SET NAMES utf8 */;",
            Dialect::Sqlite
        ));
    }

    #[test]
    fn mysql_comments_and_strings() {
        fn m(sql: &str) -> Vec<&str> {
            split_in(Dialect::Mysql, sql)
        }
        assert_eq!(
            m("SELECT 1; # a; b\nSELECT 2"),
            ["SELECT 1", "# a; b\nSELECT 2"]
        );
        // `--` without a space is arithmetic on MySQL.
        assert_eq!(m("SELECT 1--1; SELECT 2"), ["SELECT 1--1", "SELECT 2"]);
        assert_eq!(
            m("SELECT 1 -- a; b\n; SELECT 2"),
            ["SELECT 1 -- a; b", "SELECT 2"]
        );
        // Backslash escapes in both string quotes.
        assert_eq!(
            m(r#"INSERT INTO t VALUES ('it\'s; ok', "say \"; hi"); SELECT 2"#),
            [
                r#"INSERT INTO t VALUES ('it\'s; ok', "say \"; hi")"#,
                "SELECT 2"
            ]
        );
        assert_eq!(
            m("SELECT `we;ird``x` FROM t; SELECT 2"),
            ["SELECT `we;ird``x` FROM t", "SELECT 2"]
        );
        // No nesting, no dollar quotes.
        assert_eq!(
            m("SELECT /* a /* b */ 1; SELECT 2"),
            ["SELECT /* a /* b */ 1", "SELECT 2"]
        );
        assert_eq!(m("SELECT $$; SELECT 2"), ["SELECT $$", "SELECT 2"]);
        assert_eq!(
            m("/*!40101 SET @x = 1; */; SELECT 2"),
            ["/*!40101 SET @x = 1; */", "SELECT 2"]
        );
    }

    #[test]
    fn sqlite_quotes_comments_and_trigger_bodies() {
        fn q(sql: &str) -> Vec<&str> {
            split_in(Dialect::Sqlite, sql)
        }
        assert_eq!(
            q("SELECT [a;b], `c;d`; SELECT 2"),
            ["SELECT [a;b], `c;d`", "SELECT 2"]
        );
        // A backslash is a character, and block comments do not nest.
        assert_eq!(q(r"SELECT 'a\'; SELECT 2"), [r"SELECT 'a\'", "SELECT 2"]);
        assert_eq!(
            q("SELECT /* a /* b */ 1; SELECT 2"),
            ["SELECT /* a /* b */ 1", "SELECT 2"]
        );
        let trigger = "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN\n  \
                       INSERT INTO audit VALUES (new.id);\n  \
                       UPDATE t SET n = CASE WHEN n > 0 THEN n ELSE 0 END;\nEND";
        assert_eq!(q(&format!("{trigger};\nSELECT 2;")), [trigger, "SELECT 2"]);
        let temp = "CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END";
        assert_eq!(q(&format!("{temp}; SELECT 2")), [temp, "SELECT 2"]);
        // `$` is a parameter sigil, not a quote.
        assert_eq!(q("SELECT $a; SELECT $$"), ["SELECT $a", "SELECT $$"]);
    }

    #[test]
    fn terminated_puts_the_semicolon_after_the_last_token() {
        fn pg(sql: &str) -> String {
            terminated(sql, Dialect::Postgres).into_owned()
        }
        assert_eq!(pg("SELECT 1;\n-- done\n"), "SELECT 1;\n-- done\n");
        assert_eq!(
            pg("SELECT 1\n-- no semicolon\n"),
            "SELECT 1;\n-- no semicolon\n"
        );
        assert_eq!(pg("SELECT 1 -- done;\n"), "SELECT 1; -- done;\n");
        assert_eq!(pg("SELECT 1 /* ; */"), "SELECT 1; /* ; */");
        assert_eq!(pg("-- only a comment\n"), "-- only a comment\n");
        let body = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql";
        assert_eq!(pg(&format!("{body}\n")), format!("{body};\n"));
        assert_eq!(
            pg("DO $$ BEGIN PERFORM 1; END $$"),
            "DO $$ BEGIN PERFORM 1; END $$;"
        );
        // The comment syntax is the engine's.
        assert_eq!(
            terminated("SELECT 1 # done\n", Dialect::Mysql),
            "SELECT 1; # done\n"
        );
        assert_eq!(
            terminated("SELECT 1 # done\n", Dialect::Postgres),
            "SELECT 1 # done;\n"
        );
        assert!(matches!(
            terminated("SELECT 1;", Dialect::Sqlite),
            Cow::Borrowed(_)
        ));
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
        fn never_panics(s in "[ a-zE$;'\"\\-/*()\\\\\n#`\\[\\]!]{0,80}") {
            for dialect in Dialect::ALL {
                let statements = split_statements_for(&s, dialect);
                for st in &statements {
                    proptest::prop_assert!(s.contains(st.sql));
                }
                // The quick answer agrees with the whole split.
                proptest::prop_assert_eq!(has_statements(&s, dialect), !statements.is_empty());
                // Terminating adds at most one `;` and keeps the statements.
                let ended = terminated(&s, dialect);
                proptest::prop_assert!(ended.len() <= s.len() + 1);
                proptest::prop_assert_eq!(
                    split_statements_for(&ended, dialect).len(),
                    statements.len()
                );
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
