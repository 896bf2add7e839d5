//! Deterministic synthetic migration chains in diesel's directory layout.
//!
//! A chain is a sequence of revisions, each a directory named
//! `YYYY-MM-DD-HHMMSS_<name>` holding an `up.sql` and a `down.sql`, exactly as
//! `diesel migration generate` lays them out. The generator keeps a model of
//! the schema so that every revision is valid where it stands in the chain and
//! every `down.sql` undoes its `up.sql`: applying the whole chain up, then down
//! in reverse order, then up again succeeds and leaves no table behind after
//! the down pass.
//!
//! The SQL keeps to the subset SQLite (3.35 or later, for `DROP COLUMN`) and
//! PostgreSQL share: `INTEGER` and `TEXT` columns, `NOT NULL DEFAULT`,
//! `ALTER TABLE .. ADD COLUMN` / `DROP COLUMN`, plain `CREATE INDEX`, `INSERT`
//! with explicit ids, arithmetic `UPDATE`s, `DELETE`, `DROP INDEX`, `DROP TABLE`.
//!
//! Output depends only on the number of revisions and the seed: the PRNG is a
//! small xorshift of our own ([`XorShift64`]), so the same arguments give
//! byte-identical files on every platform and toolchain.

pub mod schema;
pub mod typed;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// A xorshift64* pseudo-random generator, seeded through splitmix64.
///
/// Not cryptographic; its only job is to make chains reproducible from a seed
/// without a dependency.
#[derive(Debug, Clone)]
pub struct XorShift64 {
    state: u64,
}

impl XorShift64 {
    /// Creates a generator from any seed (zero included).
    pub fn new(seed: u64) -> Self {
        // splitmix64 spreads small seeds over the whole state space and never
        // maps to the all-zero state except for one input, handled below.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self {
            state: if z == 0 { 0x9E37_79B9_7F4A_7C15 } else { z },
        }
    }

    /// Returns the next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Returns a value in `0..n` (0 when `n` is 0), without modulo bias worth
    /// mentioning (multiply-shift).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Returns a value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    /// Returns true with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }
}

/// One generated revision: its directory name and the contents of its two files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Directory name, `YYYY-MM-DD-HHMMSS_<name>`.
    pub dir_name: String,
    /// Contents of `up.sql`.
    pub up_sql: String,
    /// Contents of `down.sql`.
    pub down_sql: String,
}

impl Revision {
    /// diesel's version of this revision: the text before the first `_` with
    /// the dashes removed (`20210101000000`).
    pub fn version(&self) -> String {
        self.dir_name
            .split('_')
            .next()
            .unwrap_or_default()
            .replace('-', "")
    }
}

/// The kinds of change a revision makes, for statistics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpKind {
    /// `CREATE TABLE` (sometimes with an index in the same revision).
    CreateTable,
    /// `ALTER TABLE .. ADD COLUMN`.
    AddColumn,
    /// `CREATE INDEX`.
    CreateIndex,
    /// `INSERT` of a few rows.
    InsertRows,
    /// Arithmetic `UPDATE` of existing rows.
    UpdateRows,
    /// `ALTER TABLE .. DROP COLUMN`.
    DropColumn,
    /// `DROP TABLE`.
    DropTable,
}

/// What one revision of the benchmark chain changes, as data: what
/// [`typed`] needs to write the same change as typed operations. The SQL
/// chain ([`generate`]) is rendered from the same generator, byte for byte as
/// before this existed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// A new table: its columns (name, SQL definition) and indexes (name,
    /// column).
    CreateTable {
        table: String,
        columns: Vec<(String, &'static str)>,
        indexes: Vec<(String, String)>,
    },
    /// A column added at the end of `table`.
    AddColumn {
        table: String,
        column: String,
        def: &'static str,
    },
    /// A one-column index.
    CreateIndex {
        table: String,
        name: String,
        column: String,
    },
    /// Rows inserted or updated: the revision's up and down SQL as written.
    Data,
    /// A column dropped from `table`.
    DropColumn { table: String, column: String },
    /// A table dropped.
    DropTable { table: String },
}

/// One generated revision before it gets its directory name.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// The name part of the directory name.
    pub(crate) name: String,
    /// up.sql's statements (without diesel's header comment).
    pub(crate) up: String,
    /// down.sql's statements (without diesel's header comment).
    pub(crate) down: String,
    pub(crate) kind: OpKind,
    pub(crate) change: Change,
}

/// The typed form of each SQL column definition the generator writes, as
/// `revision.toml` column keys (see [`typed`]).
pub(crate) fn typed_column_keys(def: &str) -> Option<&'static str> {
    Some(match def {
        "INTEGER PRIMARY KEY" => r#"type = "bigint", primary_key = true, identity = true"#,
        "TEXT" => r#"type = "text""#,
        "INTEGER" => r#"type = "integer""#,
        "TEXT NOT NULL DEFAULT ''" => r#"type = "text", nullable = false, default = """#,
        "INTEGER NOT NULL DEFAULT 0" => r#"type = "integer", nullable = false, default = 0"#,
        _ => return None,
    })
}

const TABLE_WORDS: &[&str] = &[
    "users",
    "accounts",
    "posts",
    "comments",
    "orders",
    "invoices",
    "products",
    "tags",
    "sessions",
    "events",
    "jobs",
    "companies",
    "payments",
    "messages",
    "teams",
    "projects",
];

const COLUMN_WORDS: &[&str] = &[
    "status", "title", "email", "amount", "priority", "note", "slug", "score", "region", "visits",
    "label", "rank", "owner", "version",
];

#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// Full definition after the name, e.g. `TEXT NOT NULL DEFAULT ''`.
    def: &'static str,
    /// Base columns (`id`, `name`, `qty`) stay for the table's whole life, so
    /// that inserts and updates always have something to work on.
    base: bool,
}

#[derive(Debug, Clone)]
struct Index {
    name: String,
    column: String,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    indexes: Vec<Index>,
    next_row_id: u64,
}

impl Table {
    fn create_sql(&self) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("    {} {}", c.name, c.def))
            .collect();
        let mut sql = format!("CREATE TABLE {} (\n{}\n);\n", self.name, cols.join(",\n"));
        for ix in &self.indexes {
            let _ = writeln!(
                sql,
                "CREATE INDEX {} ON {} ({});",
                ix.name, self.name, ix.column
            );
        }
        sql
    }

    fn droppable_columns(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.base && !self.indexes.iter().any(|ix| ix.column == c.name))
            .map(|(i, _)| i)
            .collect()
    }

    fn indexable_columns(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name != "id" && !self.indexes.iter().any(|ix| ix.column == c.name))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Column definitions used for added columns: every one can be added to a
/// table that already has rows, on both engines.
const ADDED_DEFS: &[&str] = &[
    "TEXT",
    "INTEGER",
    "TEXT NOT NULL DEFAULT ''",
    "INTEGER NOT NULL DEFAULT 0",
];

const MAX_COLUMNS: usize = 14;

struct Generator {
    rng: XorShift64,
    tables: Vec<Table>,
    serial: u64,
    /// Seconds since the Unix epoch of the last revision.
    clock: u64,
}

impl Generator {
    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn new_name(&mut self, words: &[&str]) -> String {
        let word = self.rng.pick(words).copied().unwrap_or("x");
        format!("{}_{}", word, self.next_serial())
    }

    fn choose_op(&mut self) -> OpKind {
        let n = self.tables.len();
        if n < 2 {
            return OpKind::CreateTable;
        }
        let weights: [(OpKind, u64); 7] = [
            (OpKind::CreateTable, if n < 30 { 14 } else { 3 }),
            (OpKind::AddColumn, 24),
            (OpKind::CreateIndex, 14),
            (OpKind::InsertRows, 16),
            (OpKind::UpdateRows, 10),
            (OpKind::DropColumn, 10),
            (
                OpKind::DropTable,
                if n > 30 {
                    8
                } else if n > 3 {
                    2
                } else {
                    0
                },
            ),
        ];
        let total: u64 = weights.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(total);
        for (op, w) in weights {
            if roll < w {
                return op;
            }
            roll -= w;
        }
        OpKind::CreateTable
    }

    fn candidate_tables(&self, op: OpKind) -> Vec<usize> {
        self.tables
            .iter()
            .enumerate()
            .filter(|(_, t)| match op {
                OpKind::AddColumn => t.columns.len() < MAX_COLUMNS,
                OpKind::CreateIndex => !t.indexable_columns().is_empty(),
                OpKind::DropColumn => !t.droppable_columns().is_empty(),
                _ => true,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Produces the next revision (name, up and down bodies, kind, change).
    fn next_revision(&mut self) -> Step {
        let mut op = self.choose_op();
        let candidates = self.candidate_tables(op);
        let picked = self.rng.pick(&candidates).copied();
        let ti = match (op, picked) {
            (OpKind::CreateTable, _) | (_, None) => {
                op = OpKind::CreateTable;
                usize::MAX
            }
            (_, Some(i)) => i,
        };
        match op {
            OpKind::CreateTable => self.create_table(),
            OpKind::AddColumn => self.add_column(ti),
            OpKind::CreateIndex => self.create_index(ti),
            OpKind::InsertRows => self.insert_rows(ti),
            OpKind::UpdateRows => self.update_rows(ti),
            OpKind::DropColumn => self.drop_column(ti),
            OpKind::DropTable => self.drop_table(ti),
        }
    }

    fn create_table(&mut self) -> Step {
        let name = self.new_name(TABLE_WORDS);
        let mut table = Table {
            name: name.clone(),
            columns: vec![
                Column {
                    name: "id".into(),
                    def: "INTEGER PRIMARY KEY",
                    base: true,
                },
                Column {
                    name: "name".into(),
                    def: "TEXT NOT NULL DEFAULT ''",
                    base: true,
                },
                Column {
                    name: "qty".into(),
                    def: "INTEGER NOT NULL DEFAULT 0",
                    base: true,
                },
            ],
            indexes: Vec::new(),
            next_row_id: 1,
        };
        for _ in 0..self.rng.below(3) {
            let col = self.new_name(COLUMN_WORDS);
            let def = self.rng.pick(ADDED_DEFS).copied().unwrap_or("TEXT");
            table.columns.push(Column {
                name: col,
                def,
                base: false,
            });
        }
        if self.rng.chance(30) {
            table.indexes.push(Index {
                name: format!("ix_{}_name", name),
                column: "name".into(),
            });
        }
        let up = table.create_sql();
        let down = format!("DROP TABLE {};\n", name);
        let change = Change::CreateTable {
            table: name.clone(),
            columns: table
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.def))
                .collect(),
            indexes: table
                .indexes
                .iter()
                .map(|ix| (ix.name.clone(), ix.column.clone()))
                .collect(),
        };
        self.tables.push(table);
        Step {
            name: format!("create_{name}"),
            up,
            down,
            kind: OpKind::CreateTable,
            change,
        }
    }

    fn add_column(&mut self, ti: usize) -> Step {
        let col = self.new_name(COLUMN_WORDS);
        let def = self.rng.pick(ADDED_DEFS).copied().unwrap_or("TEXT");
        let t = &mut self.tables[ti];
        let up = format!("ALTER TABLE {} ADD COLUMN {} {};\n", t.name, col, def);
        let down = format!("ALTER TABLE {} DROP COLUMN {};\n", t.name, col);
        let name = format!("add_{}_to_{}", col, t.name);
        let change = Change::AddColumn {
            table: t.name.clone(),
            column: col.clone(),
            def,
        };
        t.columns.push(Column {
            name: col,
            def,
            base: false,
        });
        Step {
            name,
            up,
            down,
            kind: OpKind::AddColumn,
            change,
        }
    }

    fn create_index(&mut self, ti: usize) -> Step {
        let cols = self.tables[ti].indexable_columns();
        let ci = self.rng.pick(&cols).copied().unwrap_or(1);
        let t = &mut self.tables[ti];
        let column = t.columns[ci].name.clone();
        let ix = format!("ix_{}_{}", t.name, column);
        let up = format!("CREATE INDEX {} ON {} ({});\n", ix, t.name, column);
        let down = format!("DROP INDEX {};\n", ix);
        let change = Change::CreateIndex {
            table: t.name.clone(),
            name: ix.clone(),
            column: column.clone(),
        };
        t.indexes.push(Index {
            name: ix.clone(),
            column,
        });
        Step {
            name: format!("index_{}", &ix[3..]),
            up,
            down,
            kind: OpKind::CreateIndex,
            change,
        }
    }

    fn insert_rows(&mut self, ti: usize) -> Step {
        let rows = self.rng.range(1, 6);
        let mut values = Vec::new();
        let first = self.tables[ti].next_row_id;
        for id in first..first + rows {
            let qty = self.rng.below(1000);
            values.push(format!("    ({id}, 'row {id}', {qty})"));
        }
        let t = &mut self.tables[ti];
        t.next_row_id = first + rows;
        let last = first + rows - 1;
        let up = format!(
            "INSERT INTO {} (id, name, qty) VALUES\n{};\n",
            t.name,
            values.join(",\n")
        );
        let down = format!(
            "DELETE FROM {} WHERE id BETWEEN {} AND {};\n",
            t.name, first, last
        );
        Step {
            name: format!("seed_{}", t.name),
            up,
            down,
            kind: OpKind::InsertRows,
            change: Change::Data,
        }
    }

    fn update_rows(&mut self, ti: usize) -> Step {
        let delta = self.rng.range(1, 9);
        let modulus = self.rng.range(2, 4);
        let t = &self.tables[ti];
        let up = format!(
            "UPDATE {t} SET qty = qty + {delta} WHERE id % {modulus} = 0;\n",
            t = t.name
        );
        let down = format!(
            "UPDATE {t} SET qty = qty - {delta} WHERE id % {modulus} = 0;\n",
            t = t.name
        );
        Step {
            name: format!("bump_{}_qty", t.name),
            up,
            down,
            kind: OpKind::UpdateRows,
            change: Change::Data,
        }
    }

    fn drop_column(&mut self, ti: usize) -> Step {
        let cols = self.tables[ti].droppable_columns();
        let Some(ci) = self.rng.pick(&cols).copied() else {
            return self.create_table();
        };
        let t = &mut self.tables[ti];
        let col = t.columns.remove(ci);
        let up = format!("ALTER TABLE {} DROP COLUMN {};\n", t.name, col.name);
        let down = format!(
            "ALTER TABLE {} ADD COLUMN {} {};\n",
            t.name, col.name, col.def
        );
        Step {
            name: format!("drop_{}_from_{}", col.name, t.name),
            up,
            down,
            kind: OpKind::DropColumn,
            change: Change::DropColumn {
                table: t.name.clone(),
                column: col.name,
            },
        }
    }

    fn drop_table(&mut self, ti: usize) -> Step {
        let t = self.tables.remove(ti);
        let up = format!("DROP TABLE {};\n", t.name);
        let down = t.create_sql();
        Step {
            name: format!("drop_{}", t.name),
            up,
            down,
            kind: OpKind::DropTable,
            change: Change::DropTable { table: t.name },
        }
    }

    fn advance_clock(&mut self) -> String {
        // Ten minutes to a day between revisions: 10,000 revisions span
        // about fourteen years, so every version keeps four-digit years.
        self.clock += self.rng.range(600, 86_400);
        format_timestamp(self.clock)
    }
}

/// Formats seconds since the Unix epoch as diesel's `YYYY-MM-DD-HHMMSS`.
fn format_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{:04}-{:02}-{:02}-{:02}{:02}{:02}",
        y,
        m,
        d,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 2021-01-01 00:00:00 UTC, the time before the first revision.
const START_EPOCH: u64 = 1_609_459_200;

/// The generator's revisions with their directory names, as data: what
/// [`generate_with_kinds`] writes as SQL and [`typed`] as SQL or typed
/// operations.
pub(crate) fn generate_steps(revisions: usize, seed: u64) -> Vec<(String, Step)> {
    let mut g = Generator {
        rng: XorShift64::new(seed),
        tables: Vec::new(),
        serial: 0,
        clock: START_EPOCH,
    };
    let mut out = Vec::with_capacity(revisions);
    for _ in 0..revisions {
        let step = g.next_revision();
        let stamp = g.advance_clock();
        out.push((format!("{stamp}_{}", step.name), step));
    }
    out
}

impl Step {
    /// The revision as diesel's SQL files.
    pub(crate) fn sql_revision(&self, dir_name: String) -> Revision {
        Revision {
            dir_name,
            up_sql: format!("-- Your SQL goes here\n{}", self.up),
            down_sql: format!(
                "-- This file should undo anything in `up.sql`\n{}",
                self.down
            ),
        }
    }
}

/// Generates a chain of `revisions` revisions from `seed`, with the kind of
/// each revision alongside.
pub fn generate_with_kinds(revisions: usize, seed: u64) -> Vec<(Revision, OpKind)> {
    generate_steps(revisions, seed)
        .into_iter()
        .map(|(dir_name, step)| (step.sql_revision(dir_name), step.kind))
        .collect()
}

/// Generates a chain of `revisions` revisions from `seed`.
///
/// Versions strictly increase along the chain, so diesel's order (by version
/// string) is the generation order.
pub fn generate(revisions: usize, seed: u64) -> Vec<Revision> {
    generate_with_kinds(revisions, seed)
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

/// Writes `revisions` under `out` in diesel's layout
/// (`out/<dir_name>/up.sql`, `out/<dir_name>/down.sql`).
///
/// `out` is created if missing. It must be empty if it exists, so that two
/// chains are never mixed: otherwise the error kind is
/// [`io::ErrorKind::AlreadyExists`].
pub fn write_chain(revisions: &[Revision], out: &Path) -> io::Result<()> {
    if out.exists() {
        if fs::read_dir(out)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is not empty; refusing to mix two chains", out.display()),
            ));
        }
    } else {
        fs::create_dir_all(out)?;
    }
    for rev in revisions {
        let dir = out.join(&rev.dir_name);
        fs::create_dir(&dir)?;
        fs::write(dir.join("up.sql"), &rev.up_sql)?;
        fs::write(dir.join("down.sql"), &rev.down_sql)?;
    }
    Ok(())
}

/// Generates a chain and writes it under `out`; see [`generate`] and
/// [`write_chain`].
pub fn generate_into(revisions: usize, seed: u64, out: &Path) -> io::Result<Vec<Revision>> {
    let chain = generate(revisions, seed);
    write_chain(&chain, out)?;
    Ok(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_known_dates() {
        assert_eq!(format_timestamp(0), "1970-01-01-000000");
        assert_eq!(format_timestamp(START_EPOCH), "2021-01-01-000000");
        // 2024-02-29 12:34:56 UTC
        assert_eq!(format_timestamp(1_709_210_096), "2024-02-29-123456");
    }

    #[test]
    fn prng_is_deterministic_and_seed_sensitive() {
        let a: Vec<u64> = {
            let mut r = XorShift64::new(1);
            (0..8).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = XorShift64::new(1);
            (0..8).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = XorShift64::new(2);
            (0..8).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mut z = XorShift64::new(0);
        assert_ne!(z.next_u64(), 0);
    }

    #[test]
    fn versions_strictly_increase() {
        let chain = generate(2_000, 7);
        for pair in chain.windows(2) {
            assert!(pair[0].version() < pair[1].version());
        }
        assert_eq!(chain[0].version().len(), 14);
    }

    #[test]
    fn every_kind_appears() {
        let kinds: std::collections::BTreeSet<OpKind> = generate_with_kinds(500, 1)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert_eq!(kinds.len(), 7, "{kinds:?}");
    }
}
