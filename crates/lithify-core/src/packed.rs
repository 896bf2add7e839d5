//! The packed chain: every embedded revision's data in one text blob.
//!
//! The build script writes the blob next to the generated module, which pulls
//! it in with one `include_str!`; the run time parses it once, on first use.
//! One string literal costs rustc almost nothing, where one struct expression
//! per revision cost it most of an application's compile time (BENCHMARKS.md
//! item 2). Both directions live here because build time and run time must
//! agree on the format byte for byte.
//!
//! # Format (version 2)
//!
//! ```text
//! lithify-chain 1
//! count <revisions>
//! revision <index>
//! id <value>
//! name <value>
//! message <value>
//! parents <list>
//! depends_on <list>
//! branch_labels <list>
//! transactional true|false
//! foreign_keys_off -|up|down|up down
//! checksum <value>
//! accepted_checksums <list>
//! up.sqlite <sql>
//! up.postgres <sql>
//! up.mysql <sql>
//! down -                          (irreversible), or down.sqlite/postgres/mysql <sql> lines
//! ```
//!
//! A `<value>` is `<byte length>:<bytes>`, so any text round-trips (newlines,
//! colons, non-ASCII, the empty string); every field line ends with `\n`
//! after its bytes. A `<list>` is its item count followed by ` <value>` per
//! item. A `<sql>` is a `<value>`, `-` for "no SQL for this dialect", or
//! `=<key>` naming an earlier SQL field of the same revision with the same
//! text (dialects usually share one `up.sql`, which is then stored once).
//! Fields come in this fixed order; their keys are there for readers and to
//! catch misaligned data early.

use std::fmt;

/// First line of every packed chain; the number is the format version.
const MAGIC: &str = "lithify-chain ";
/// The format version this code writes and reads (2 added
/// `foreign_keys_off`).
pub const VERSION: u32 = 2;

/// The directions of a revision that SQLite runs with foreign-key
/// enforcement switched off around their transaction: their SQL rebuilds a
/// table (dropping a table with enforcement on would cascade-delete or
/// refuse through the rows that reference it, and SQLite ignores the
/// switch inside a transaction). The SQL checks the foreign keys of the
/// tables it rebuilt itself before it commits. Other engines ignore it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForeignKeysOff {
    /// The upgrade rebuilds a table.
    pub up: bool,
    /// The downgrade rebuilds a table.
    pub down: bool,
}

impl ForeignKeysOff {
    /// The field's value as the format writes it.
    fn text(self) -> &'static str {
        match (self.up, self.down) {
            (false, false) => "-",
            (true, false) => "up",
            (false, true) => "down",
            (true, true) => "up down",
        }
    }
}

/// The SQL of one direction of a revision for each dialect; `None` where
/// there is none (or the dialect is not embedded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PackedSql<'a> {
    /// SQL run on SQLite.
    pub sqlite: Option<&'a str>,
    /// SQL run on PostgreSQL.
    pub postgres: Option<&'a str>,
    /// SQL run on MySQL / MariaDB.
    pub mysql: Option<&'a str>,
}

impl<'a> PackedSql<'a> {
    /// The three dialects' texts, in format order.
    fn slots(&self) -> [Option<&'a str>; 3] {
        [self.sqlite, self.postgres, self.mysql]
    }
}

/// One revision's data as the blob stores it, borrowing every text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackedRevision<'a> {
    /// Revision id.
    pub id: &'a str,
    /// Directory name the revision was compiled from.
    pub dir_name: &'a str,
    /// Human message.
    pub message: &'a str,
    /// Parent ids.
    pub parents: Vec<&'a str>,
    /// Ids this revision depends on.
    pub depends_on: Vec<&'a str>,
    /// Branch labels.
    pub branch_labels: Vec<&'a str>,
    /// Whether up/down run in a transaction with their bookkeeping.
    pub transactional: bool,
    /// The directions SQLite runs with foreign keys off.
    pub foreign_keys_off: ForeignKeysOff,
    /// `sha256:<hex>` checksum.
    pub checksum: &'a str,
    /// Earlier checksums accepted through amendments.
    pub accepted_checksums: Vec<&'a str>,
    /// Upgrade SQL.
    pub up: PackedSql<'a>,
    /// Downgrade SQL; `None` when the revision is irreversible.
    pub down: Option<PackedSql<'a>>,
}

/// Why a blob could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// Byte offset in the blob where decoding stopped.
    pub offset: usize,
    /// What was wrong there.
    pub problem: PackProblem,
}

/// What was wrong with a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackProblem {
    /// The data does not start with `lithify-chain `.
    NotPacked,
    /// A format version this code does not read.
    Version(String),
    /// Something else than the named token came next.
    Expected(&'static str),
    /// A number (count or length) is missing, not decimal, or too large.
    BadNumber,
    /// A value's length runs past the end of the data.
    PastEnd {
        /// The length the data announced.
        len: usize,
    },
    /// A value's length ends inside a UTF-8 character.
    NotCharBoundary {
        /// The length the data announced.
        len: usize,
    },
    /// `=<key>` names no earlier SQL field of the revision.
    BadReference(String),
    /// Data follows the last revision.
    TrailingData,
}

impl fmt::Display for PackProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackProblem::NotPacked => write!(f, "not packed lithify chain data"),
            PackProblem::Version(v) => write!(
                f,
                "unsupported format version `{v}` (this lithify reads version {VERSION})"
            ),
            PackProblem::Expected(what) => write!(f, "expected {what}"),
            PackProblem::BadNumber => write!(f, "expected a decimal number"),
            PackProblem::PastEnd { len } => {
                write!(f, "a value of {len} bytes runs past the end of the data")
            }
            PackProblem::NotCharBoundary { len } => {
                write!(f, "a value of {len} bytes ends inside a UTF-8 character")
            }
            PackProblem::BadReference(key) => {
                write!(f, "`={key}` names no earlier SQL field of this revision")
            }
            PackProblem::TrailingData => write!(f, "unexpected data after the last revision"),
        }
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.problem)
    }
}

impl std::error::Error for PackError {}

/// The blob for `revisions`, in order.
pub fn encode(revisions: &[PackedRevision<'_>]) -> String {
    let size: usize = revisions.iter().map(approx_size).sum();
    let mut out = String::with_capacity(size + 64);
    out.push_str(MAGIC);
    push_line(&mut out, &VERSION.to_string());
    push_line(&mut out, &format!("count {}", revisions.len()));
    for (index, rev) in revisions.iter().enumerate() {
        encode_revision(&mut out, index, rev);
    }
    out
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// Enough capacity for one revision: its texts plus the keys and lengths.
fn approx_size(rev: &PackedRevision<'_>) -> usize {
    // Dialects sharing one text store it once (`=<key>`): count it once.
    let sql = |s: &PackedSql<'_>| {
        let slots = s.slots();
        (0..slots.len())
            .filter_map(|i| slots[i].filter(|t| !slots[..i].contains(&Some(*t))))
            .map(str::len)
            .sum::<usize>()
    };
    let lists = [
        &rev.parents,
        &rev.depends_on,
        &rev.branch_labels,
        &rev.accepted_checksums,
    ];
    let list_len: usize = lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|t| t.len() + 8)
        .sum();
    rev.id.len()
        + rev.dir_name.len()
        + rev.message.len()
        + rev.checksum.len()
        + list_len
        + sql(&rev.up)
        + rev.down.as_ref().map_or(0, sql)
        + 256
}

fn encode_revision(out: &mut String, index: usize, rev: &PackedRevision<'_>) {
    push_line(out, &format!("revision {index}"));
    value_field(out, "id", rev.id);
    value_field(out, "name", rev.dir_name);
    value_field(out, "message", rev.message);
    list_field(out, "parents", &rev.parents);
    list_field(out, "depends_on", &rev.depends_on);
    list_field(out, "branch_labels", &rev.branch_labels);
    push_line(out, &format!("transactional {}", rev.transactional));
    push_line(
        out,
        &format!("foreign_keys_off {}", rev.foreign_keys_off.text()),
    );
    value_field(out, "checksum", rev.checksum);
    list_field(out, "accepted_checksums", &rev.accepted_checksums);
    // Texts already written for this revision, so a repeat becomes `=<key>`.
    let mut seen: Vec<(&str, &str)> = Vec::with_capacity(6);
    sql_fields(out, UP_KEYS, &rev.up, &mut seen);
    match &rev.down {
        Some(down) => sql_fields(out, DOWN_KEYS, down, &mut seen),
        None => push_line(out, "down -"),
    }
}

fn value_field(out: &mut String, key: &str, text: &str) {
    out.push_str(key);
    out.push(' ');
    value(out, text);
    out.push('\n');
}

fn value(out: &mut String, text: &str) {
    out.push_str(&text.len().to_string());
    out.push(':');
    out.push_str(text);
}

fn list_field(out: &mut String, key: &str, items: &[&str]) {
    out.push_str(key);
    out.push(' ');
    out.push_str(&items.len().to_string());
    for item in items {
        out.push(' ');
        value(out, item);
    }
    out.push('\n');
}

fn sql_fields<'s>(
    out: &mut String,
    keys: [&'static str; 3],
    sql: &PackedSql<'s>,
    seen: &mut Vec<(&'static str, &'s str)>,
) {
    for (key, text) in keys.into_iter().zip(sql.slots()) {
        out.push_str(key);
        out.push(' ');
        match text {
            None => out.push('-'),
            Some(text) => match seen.iter().find(|(_, t)| *t == text) {
                Some((earlier, _)) => {
                    out.push('=');
                    out.push_str(earlier);
                }
                None => {
                    value(out, text);
                    seen.push((key, text));
                }
            },
        }
        out.push('\n');
    }
}

/// Parse a blob written by [`encode`]. Every malformed input is an error
/// naming the problem and its byte offset; nothing here panics.
pub fn decode(data: &str) -> Result<Vec<PackedRevision<'_>>, PackError> {
    let mut r = Reader { data, pos: 0 };
    r.header()?;
    r.literal("count ", "`count `")?;
    let count = r.number()?;
    r.end_of_line()?;
    // The count comes from the data: cap the reservation by what the data
    // could hold (a revision takes well over 16 bytes), not by the claim.
    let mut out = Vec::with_capacity(count.min(data.len() / 16));
    for index in 0..count {
        out.push(r.revision(index)?);
    }
    if r.pos != data.len() {
        return Err(r.error(PackProblem::TrailingData));
    }
    Ok(out)
}

/// A cursor over the blob.
struct Reader<'a> {
    data: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, problem: PackProblem) -> PackError {
        PackError {
            offset: self.pos,
            problem,
        }
    }

    fn rest(&self) -> &'a str {
        // `pos` only ever advances over whole tokens and whole characters.
        self.data.get(self.pos..).unwrap_or("")
    }

    fn header(&mut self) -> Result<(), PackError> {
        if !self.rest().starts_with(MAGIC) {
            return Err(self.error(PackProblem::NotPacked));
        }
        self.pos += MAGIC.len();
        let line = self.rest().split('\n').next().unwrap_or("");
        if line != VERSION.to_string() {
            let shown: String = line.chars().take(20).collect();
            return Err(self.error(PackProblem::Version(shown)));
        }
        self.pos += line.len();
        self.end_of_line()
    }

    /// Consume `expected`, or fail saying `what` was expected.
    fn literal(&mut self, expected: &str, what: &'static str) -> Result<(), PackError> {
        if self.rest().starts_with(expected) {
            self.pos += expected.len();
            Ok(())
        } else {
            Err(self.error(PackProblem::Expected(what)))
        }
    }

    fn end_of_line(&mut self) -> Result<(), PackError> {
        self.literal("\n", "the end of the line")
    }

    /// `<key> `: the field name and its separator.
    fn key(&mut self, key: &'static str) -> Result<(), PackError> {
        self.literal(key, key)?;
        self.literal(" ", "a space after the field name")
    }

    /// A decimal number without sign or leading `+`.
    fn number(&mut self) -> Result<usize, PackError> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        match self.rest().get(..digits).map(str::parse::<usize>) {
            Some(Ok(n)) => {
                self.pos += digits;
                Ok(n)
            }
            _ => Err(self.error(PackProblem::BadNumber)),
        }
    }

    /// `<len>:<bytes>`.
    fn value(&mut self) -> Result<&'a str, PackError> {
        let len = self.number()?;
        self.literal(":", "`:` after a length")?;
        let end = match self.pos.checked_add(len) {
            Some(end) if end <= self.data.len() => end,
            _ => return Err(self.error(PackProblem::PastEnd { len })),
        };
        let text = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| self.error(PackProblem::NotCharBoundary { len }))?;
        self.pos = end;
        Ok(text)
    }

    fn value_field(&mut self, key: &'static str) -> Result<&'a str, PackError> {
        self.key(key)?;
        let text = self.value()?;
        self.end_of_line()?;
        Ok(text)
    }

    fn list_field(&mut self, key: &'static str) -> Result<Vec<&'a str>, PackError> {
        self.key(key)?;
        let count = self.number()?;
        // Each item takes at least three bytes (` 0:`): cap the reservation.
        let mut items = Vec::with_capacity(count.min(self.rest().len() / 3));
        for _ in 0..count {
            self.literal(" ", "a space before a list item")?;
            items.push(self.value()?);
        }
        self.end_of_line()?;
        Ok(items)
    }

    fn bool_field(&mut self, key: &'static str) -> Result<bool, PackError> {
        self.key(key)?;
        let value = if self.rest().starts_with("true\n") {
            true
        } else if self.rest().starts_with("false\n") {
            false
        } else {
            return Err(self.error(PackProblem::Expected("`true` or `false`")));
        };
        self.pos += if value { 4 } else { 5 };
        self.end_of_line()?;
        Ok(value)
    }

    fn revision(&mut self, index: usize) -> Result<PackedRevision<'a>, PackError> {
        self.literal("revision ", "`revision `")?;
        let at = self.pos;
        if self.number()? != index {
            return Err(PackError {
                offset: at,
                problem: PackProblem::Expected("the next revision index"),
            });
        }
        self.end_of_line()?;
        let id = self.value_field("id")?;
        let dir_name = self.value_field("name")?;
        let message = self.value_field("message")?;
        let parents = self.list_field("parents")?;
        let depends_on = self.list_field("depends_on")?;
        let branch_labels = self.list_field("branch_labels")?;
        let transactional = self.bool_field("transactional")?;
        let foreign_keys_off = self.foreign_keys_off()?;
        let checksum = self.value_field("checksum")?;
        let accepted_checksums = self.list_field("accepted_checksums")?;
        let mut seen = Vec::with_capacity(6);
        let up = self.sql_fields(UP_KEYS, &mut seen)?;
        let down = if self.rest().starts_with("down -\n") {
            self.pos += "down -\n".len();
            None
        } else {
            Some(self.sql_fields(DOWN_KEYS, &mut seen)?)
        };
        Ok(PackedRevision {
            id,
            dir_name,
            message,
            parents,
            depends_on,
            branch_labels,
            transactional,
            foreign_keys_off,
            checksum,
            accepted_checksums,
            up,
            down,
        })
    }

    fn foreign_keys_off(&mut self) -> Result<ForeignKeysOff, PackError> {
        self.key("foreign_keys_off")?;
        let line = self.rest().split('\n').next().unwrap_or("");
        let value = [(false, false), (true, false), (false, true), (true, true)]
            .into_iter()
            .map(|(up, down)| ForeignKeysOff { up, down })
            .find(|v| v.text() == line)
            .ok_or_else(|| self.error(PackProblem::Expected("`-`, `up`, `down` or `up down`")))?;
        self.pos += line.len();
        self.end_of_line()?;
        Ok(value)
    }

    fn sql_fields(
        &mut self,
        keys: [&'static str; 3],
        seen: &mut Vec<(&'static str, &'a str)>,
    ) -> Result<PackedSql<'a>, PackError> {
        let [sqlite, postgres, mysql] = keys;
        Ok(PackedSql {
            sqlite: self.sql_field(sqlite, seen)?,
            postgres: self.sql_field(postgres, seen)?,
            mysql: self.sql_field(mysql, seen)?,
        })
    }

    /// One `<key> <sql>` line; texts read so far go into `seen` for
    /// later `=<key>` references.
    fn sql_field(
        &mut self,
        key: &'static str,
        seen: &mut Vec<(&'static str, &'a str)>,
    ) -> Result<Option<&'a str>, PackError> {
        self.key(key)?;
        let text = if self.rest().starts_with('-') {
            self.pos += 1;
            None
        } else if self.rest().starts_with('=') {
            self.pos += 1;
            Some(self.reference(seen)?)
        } else {
            let text = self.value()?;
            seen.push((key, text));
            Some(text)
        };
        self.end_of_line()?;
        Ok(text)
    }

    /// The text of the earlier field named after `=`.
    fn reference(&mut self, seen: &[(&'static str, &'a str)]) -> Result<&'a str, PackError> {
        let name = self.rest().split('\n').next().unwrap_or("");
        match seen.iter().find(|(key, _)| *key == name) {
            Some((_, text)) => {
                self.pos += name.len();
                Ok(text)
            }
            None => {
                let shown: String = name.chars().take(20).collect();
                Err(self.error(PackProblem::BadReference(shown)))
            }
        }
    }
}

const UP_KEYS: [&str; 3] = ["up.sqlite", "up.postgres", "up.mysql"];
const DOWN_KEYS: [&str; 3] = ["down.sqlite", "down.postgres", "down.mysql"];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<PackedRevision<'static>> {
        vec![
            PackedRevision {
                id: "20240101000000",
                dir_name: "2024-01-01-000000_create users",
                message: "create users",
                transactional: true,
                checksum: "sha256:aa",
                up: PackedSql {
                    sqlite: Some("CREATE TABLE users (id INTEGER);\n"),
                    postgres: Some("CREATE TABLE users (id BIGSERIAL);\n"),
                    mysql: Some("CREATE TABLE users (id INTEGER);\n"),
                },
                down: Some(PackedSql {
                    sqlite: Some("DROP TABLE users;\n"),
                    postgres: Some("DROP TABLE users;\n"),
                    mysql: None,
                }),
                ..Default::default()
            },
            PackedRevision {
                id: "b",
                dir_name: "b_x",
                message: "multi\nline: é \"quoted\"\n",
                parents: vec!["20240101000000"],
                depends_on: vec!["20240101000000", "z"],
                branch_labels: vec!["", "with space"],
                transactional: false,
                foreign_keys_off: ForeignKeysOff {
                    up: true,
                    down: false,
                },
                checksum: "sha256:bb",
                accepted_checksums: vec!["sha256:cc"],
                up: PackedSql {
                    sqlite: Some(""),
                    ..Default::default()
                },
                down: None,
            },
        ]
    }

    #[test]
    fn round_trips_and_stores_shared_sql_once() {
        let revisions = sample();
        let blob = encode(&revisions);
        assert_eq!(decode(&blob), Ok(revisions));
        assert!(blob.starts_with("lithify-chain 2\ncount 2\nrevision 0\n"));
        assert!(blob.contains("\nforeign_keys_off -\n"));
        assert!(blob.contains("\nforeign_keys_off up\n"));
        assert!(blob.contains("\nup.mysql =up.sqlite\n"));
        assert!(blob.contains("\ndown.postgres =down.sqlite\n"));
        assert!(blob.contains("\ndown.mysql -\n"));
        assert!(blob.contains("\ndown -\n"));
        assert_eq!(blob.matches("CREATE TABLE users (id INTEGER)").count(), 1);
    }

    #[test]
    fn empty_chain() {
        assert_eq!(encode(&[]), "lithify-chain 2\ncount 0\n");
        assert_eq!(decode("lithify-chain 2\ncount 0\n"), Ok(vec![]));
    }

    fn problem(data: &str) -> PackError {
        match decode(data) {
            Ok(revisions) => panic!("decoded malformed data: {revisions:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        let blob = encode(&sample());
        // Cutting at any character boundary (but the full length) must fail.
        for (cut, _) in blob.char_indices() {
            let e = problem(&blob[..cut]);
            assert!(e.offset <= cut, "{e} for a cut at {cut}");
        }
    }

    #[test]
    fn bad_version_and_not_packed() {
        // A blob from a lithify that wrote version 1 (before
        // `foreign_keys_off`), as from a stale build.
        let e = problem("lithify-chain 1\ncount 0\n");
        assert_eq!(e.problem, PackProblem::Version("1".into()));
        assert_eq!(e.offset, 14);
        assert!(e.to_string().contains("version `1`"), "{e}");
        assert_eq!(problem("").problem, PackProblem::NotPacked);
        assert_eq!(problem("{\"json\": 1}").problem, PackProblem::NotPacked);
    }

    #[test]
    fn trailing_garbage() {
        let mut blob = encode(&sample());
        let end = blob.len();
        blob.push_str("revision 2\n");
        let e = problem(&blob);
        assert_eq!((e.offset, e.problem), (end, PackProblem::TrailingData));
    }

    #[test]
    fn bad_lengths() {
        let blob = encode(&sample());
        // A length too long for the data.
        let long = blob.replacen("id 14:", "id 99999:", 1);
        let e = problem(&long);
        assert_eq!(e.problem, PackProblem::PastEnd { len: 99999 });
        // A length beyond usize.
        let huge = blob.replacen("id 14:", "id 999999999999999999999999:", 1);
        assert_eq!(problem(&huge).problem, PackProblem::BadNumber);
        // One byte short: the line does not end where it should.
        let short = blob.replacen("id 14:", "id 13:", 1);
        let e = problem(&short);
        assert_eq!(e.problem, PackProblem::Expected("the end of the line"));
        assert_eq!(
            e.offset,
            blob.find("id 14:").map(|at| at + 6 + 13).unwrap_or(0)
        );
        // A length ending inside `é`.
        let message = "multi\nline: é \"quoted\"\n";
        let inside_e = "multi\nline: é".len() - 1;
        let inside = blob.replacen(
            &format!("message {}:", message.len()),
            &format!("message {inside_e}:"),
            1,
        );
        assert_eq!(
            problem(&inside).problem,
            PackProblem::NotCharBoundary { len: inside_e }
        );
        // No length at all.
        let missing = blob.replacen("id 14:", "id :", 1);
        assert_eq!(problem(&missing).problem, PackProblem::BadNumber);
    }

    #[test]
    fn bad_fields() {
        let blob = encode(&sample());
        let e = problem(&blob.replacen("checksum", "chksum", 1));
        assert_eq!(e.problem, PackProblem::Expected("checksum"));
        let e = problem(&blob.replacen("transactional true", "transactional yes", 1));
        assert_eq!(e.problem, PackProblem::Expected("`true` or `false`"));
        let e = problem(&blob.replacen("foreign_keys_off up", "foreign_keys_off sideways", 1));
        assert_eq!(
            e.problem,
            PackProblem::Expected("`-`, `up`, `down` or `up down`")
        );
        let e = problem(&blob.replacen("=up.sqlite", "=down.sqlite", 1));
        assert_eq!(e.problem, PackProblem::BadReference("down.sqlite".into()));
        let e = problem(&blob.replacen("revision 1", "revision 7", 1));
        assert_eq!(e.problem, PackProblem::Expected("the next revision index"));
        let e = problem(&blob.replacen("count 2", "count 3", 1));
        assert_eq!(e.problem, PackProblem::Expected("`revision `"));
        assert_eq!(e.offset, blob.len());
    }

    fn text() -> impl Strategy<Value = String> {
        // Newlines, colons, spaces, `=`, `-`, digits and non-ASCII: the
        // characters that could confuse a sloppy format.
        proptest::string::string_regex("[a-z0-9 :=\\-\n\r\té√😀]{0,12}").unwrap_or_else(|e| {
            panic!("test regex: {e}");
        })
    }

    fn sql() -> impl Strategy<Value = [Option<String>; 3]> {
        // Few distinct texts, so dialects often share one and references occur.
        let pick = prop_oneof![
            Just(None),
            Just(Some("SELECT 1;\n".to_owned())),
            text().prop_map(Some)
        ];
        [pick.clone(), pick.clone(), pick]
    }

    type Owned = (
        [String; 4],
        [Vec<String>; 4],
        [bool; 3],
        [Option<String>; 3],
        Option<[Option<String>; 3]>,
    );

    fn owned() -> impl Strategy<Value = Owned> {
        let list = || proptest::collection::vec(text(), 0..3);
        (
            [text(), text(), text(), text()],
            [list(), list(), list(), list()],
            any::<[bool; 3]>(),
            sql(),
            proptest::option::of(sql()),
        )
    }

    fn strs(list: &[String]) -> Vec<&str> {
        list.iter().map(String::as_str).collect()
    }

    fn borrow_sql(s: &[Option<String>; 3]) -> PackedSql<'_> {
        PackedSql {
            sqlite: s[0].as_deref(),
            postgres: s[1].as_deref(),
            mysql: s[2].as_deref(),
        }
    }

    fn borrow(o: &Owned) -> PackedRevision<'_> {
        let (texts, lists, [transactional, fk_up, fk_down], up, down) = o;
        PackedRevision {
            id: &texts[0],
            dir_name: &texts[1],
            message: &texts[2],
            checksum: &texts[3],
            parents: strs(&lists[0]),
            depends_on: strs(&lists[1]),
            branch_labels: strs(&lists[2]),
            accepted_checksums: strs(&lists[3]),
            transactional: *transactional,
            foreign_keys_off: ForeignKeysOff {
                up: *fk_up,
                down: *fk_down,
            },
            up: borrow_sql(up),
            down: down.as_ref().map(borrow_sql),
        }
    }

    proptest! {
        #[test]
        fn any_chain_round_trips(chain in proptest::collection::vec(owned(), 0..5)) {
            let revisions: Vec<PackedRevision<'_>> = chain.iter().map(borrow).collect();
            let blob = encode(&revisions);
            prop_assert_eq!(decode(&blob), Ok(revisions));
        }

        #[test]
        fn corrupted_blobs_never_panic(
            chain in proptest::collection::vec(owned(), 1..3),
            at in any::<proptest::sample::Index>(),
            byte in b' '..=b'~',
        ) {
            let revisions: Vec<PackedRevision<'_>> = chain.iter().map(borrow).collect();
            let mut bytes = encode(&revisions).into_bytes();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            if let Ok(data) = String::from_utf8(bytes) {
                // Either an error or (a digit for a digit, say) other data.
                let _ = decode(&data);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(data in "lithify-chain 1\ncount [0-9]\n(.|\n){0,80}") {
            let _ = decode(&data);
        }
    }
}
