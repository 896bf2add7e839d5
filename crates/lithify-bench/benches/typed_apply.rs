//! Issue 10's apply benchmark: the reference chain (`migrations/`, whose
//! 2024-01-06 and 2024-01-07 are typed revisions) against the same changes
//! written as SQL, applied by lithify's migrator to fresh SQLite files,
//! every variant once per round in a rotating order (fsync latency drifts;
//! see `apply_interleaved.rs`), ratios taken round by round.
//!
//! Variants, each a migrations directory compiled by lithify_build for
//! SQLite (lithify.lock left out: every variant is drafts alike):
//! - `sql`: 01-05 as committed, 06 the hand-written SQL it was until commit
//!   4cf5119 (the move-and-copy rebuild of `jobs` by hand), 07 as SQL
//!   (`fixtures/reference_sql/`);
//! - `typed`: the reference chain as committed;
//! - `typed_as_sql`: the SQL the typed 06 and 07 compile to for SQLite,
//!   written as up.sql / down.sql: the same statements without the
//!   migrator's foreign-key switch around 06;
//! - `typed_as_sql_no_fk_check`: the same without the foreign-key check that
//!   ends the rebuild;
//! - `typed_as_sql_bare`: the same without the check and without the
//!   `PRAGMA legacy_alter_table` pair around the rename.
//!
//! So `typed / sql` is the target (no slower), `typed / typed_as_sql` the
//! migrator's foreign-key switch (one query, and two PRAGMAs when the
//! connection has enforcement on), `typed_as_sql / typed_as_sql_no_fk_check`
//! the foreign-key check.
//!
//! After the rounds of each row count, the statements the typed rebuild
//! adds are timed alone, on a database at head with those rows (median of
//! 201 calls, foreign keys on, no fsync): the migrator's switch (its query
//! and the two PRAGMAs), the foreign-key check (in a transaction rolled
//! back, less an empty one), the `legacy_alter_table` pair.
//!
//! Configurations: the chain as committed (3 jobs) and with R jobs rows
//! inserted by an extra SQL revision before 06, so the rebuild and the
//! check have rows to work on (`LITHIFY_BENCH_ROWS`, default `0,10000`);
//! connections with SQLite's default (foreign keys off, as diesel opens
//! them) and with `PRAGMA foreign_keys = ON` (as applications usually do);
//! `synchronous = FULL` (diesel's default: every commit waits for the disk,
//! the apply time an application sees, the target) and `synchronous = OFF`
//! (no fsync: what the statements themselves cost, which the disk's noise
//! hides in the first; `LITHIFY_BENCH_SYNC`, default `full,off`).
//!
//! ```text
//! cargo bench -p lithify-bench --bench typed_apply
//! LITHIFY_BENCH_ROUNDS=31 LITHIFY_BENCH_ROWS=0,10000 LITHIFY_BENCH_SYNC=full,off \
//!   cargo bench -p lithify-bench --bench typed_apply
//! ```

#[path = "common/mod.rs"]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{env_list, fixtures, median};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use lithify_build::{Builder, CompiledChain, Dialect};

const TYPED: [&str; 2] = fixtures::REFERENCE_TYPED;

const VARIANTS: [&str; 5] = [
    "sql",
    "typed",
    "typed_as_sql",
    "typed_as_sql_no_fk_check",
    "typed_as_sql_bare",
];

/// An extra SQL revision between 05 and 06 that inserts `rows` jobs.
fn write_rows_revision(dir: &Path, rows: usize) {
    let rev = dir.join("2024-01-05-120000_bench_jobs_rows");
    fs::create_dir(&rev).expect("create revision");
    fs::write(
        rev.join("up.sql"),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})\n\
             INSERT INTO jobs (company_id, title, description, location, salary_min, salary_max)\n\
             SELECT 1 + i % 2, 'job ' || i, 'a benchmark row', NULL, 1000 * (i % 90), NULL FROM n;\n"
        ),
    )
    .expect("write up.sql");
    fs::write(
        rev.join("down.sql"),
        "DELETE FROM jobs WHERE description = 'a benchmark row';\n",
    )
    .expect("write down.sql");
}

/// The reference chain under `dir` (plus the rows revision), lithify.lock
/// left out.
fn base_chain(dir: &Path, rows: usize, sql: bool) {
    fixtures::write_reference_chain(dir, sql);
    if rows > 0 {
        write_rows_revision(dir, rows);
    }
}

fn compile(dir: &Path) -> CompiledChain {
    Builder::new(dir)
        .dialects([Dialect::Sqlite])
        .crate_root(dir)
        .compile()
        .unwrap_or_else(|d| panic!("{} does not compile:\n{d}", dir.display()))
}

/// `sql` with the statements between `start` (a line starting with it)
/// and `end` (a line equal to it), both included, left out.
fn without_block(sql: &str, start: &str, end: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in sql.lines() {
        if line.starts_with(start) {
            skipping = true;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
        if skipping && line == end {
            skipping = false;
        }
    }
    out
}

fn without_fk_check(sql: &str) -> String {
    without_block(
        sql,
        "CREATE TEMP TABLE _lithify_foreign_key_check",
        "DROP TABLE _lithify_foreign_key_check;",
    )
}

fn without_legacy_alter(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.starts_with("PRAGMA legacy_alter_table"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Replace the typed revisions of `dir` by SQL files: `edit` of the SQL
/// `typed` compiled them to.
fn typed_as_sql(dir: &Path, typed: &CompiledChain, edit: impl Fn(&str) -> String) {
    for name in TYPED {
        let rev = typed
            .revisions
            .iter()
            .find(|r| r.dir_name == name)
            .expect("typed revision");
        let up = rev.up.for_dialect(Dialect::Sqlite).expect("compiled up");
        let down = rev
            .down
            .as_ref()
            .and_then(|d| d.for_dialect(Dialect::Sqlite))
            .expect("derived down");
        let target = dir.join(name);
        fs::remove_dir_all(&target).expect("remove typed revision");
        fs::create_dir(&target).expect("create revision");
        fs::write(target.join("up.sql"), edit(up)).expect("write up.sql");
        fs::write(target.join("down.sql"), edit(down)).expect("write down.sql");
    }
}

struct Variant {
    name: &'static str,
    migrator: lithify::Migrator,
}

/// The foreign-key check block of a compiled SQLite rebuild.
fn fk_check_block(sql: &str) -> String {
    let start = sql
        .find("CREATE TEMP TABLE _lithify_foreign_key_check")
        .expect("the rebuild checks foreign keys");
    let end_marker = "DROP TABLE _lithify_foreign_key_check;";
    let end = sql[start..].find(end_marker).expect("end of the check") + start;
    sql[start..end + end_marker.len()].to_owned()
}

/// Every variant's directory under `root`, compiled and leaked, and the
/// foreign-key check the typed 06 compiles to.
fn variants(root: &Path, rows: usize) -> (Vec<Variant>, String) {
    let typed_dir = root.join("typed");
    base_chain(&typed_dir, rows, false);
    let typed = compile(&typed_dir);
    let fk_off = |c: &CompiledChain| c.revisions.iter().filter(|r| r.foreign_keys_off.up).count();
    assert_eq!(fk_off(&typed), 1, "the typed 06 rebuilds jobs on SQLite");
    let check = fk_check_block(
        typed
            .revisions
            .iter()
            .find(|r| r.dir_name == TYPED[0])
            .and_then(|r| r.up.for_dialect(Dialect::Sqlite))
            .expect("compiled 06"),
    );
    let mut out = Vec::new();
    for name in VARIANTS {
        let chain = if name == "typed" {
            typed.clone()
        } else {
            let dir = root.join(name);
            base_chain(&dir, rows, name == "sql");
            match name {
                "sql" => {}
                "typed_as_sql" => typed_as_sql(&dir, &typed, str::to_owned),
                "typed_as_sql_no_fk_check" => typed_as_sql(&dir, &typed, without_fk_check),
                _ => typed_as_sql(&dir, &typed, |s| without_legacy_alter(&without_fk_check(s))),
            }
            let chain = compile(&dir);
            assert_eq!(fk_off(&chain), 0, "{name}: SQL revisions switch nothing");
            assert!(chain.revisions.iter().all(|r| r.typed.is_none()));
            chain
        };
        assert_eq!(chain.revisions.len(), 7 + usize::from(rows > 0));
        out.push(Variant {
            name,
            migrator: lithify::Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true),
        });
    }
    (out, check)
}

/// Median microseconds of `sql` run `REPS` times on `conn`, less `base`
/// run in the same pair (`None`: nothing).
fn statement_us(conn: &mut SqliteConnection, sql: &str, base: Option<&str>) -> f64 {
    const REPS: usize = 201;
    let mut timed = |sql: &str| {
        let start = Instant::now();
        conn.batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        start.elapsed().as_secs_f64() * 1e6
    };
    let mut diffs = Vec::with_capacity(REPS);
    for _ in 0..REPS {
        let t = timed(sql);
        let b = base.map_or(0.0, &mut timed);
        diffs.push(t - b);
    }
    median(diffs)
}

/// What the statements the typed rebuild adds cost alone, on a database at
/// head with `rows` extra jobs (applied by `v`), foreign keys on, no fsync.
fn statement_costs(scratch: &Path, rows: usize, check: &str, v: &Variant) {
    let path = scratch.join("statements.sqlite3");
    remove_db(&path);
    let config = Config {
        fk_on: true,
        sync_off: true,
    };
    let mut conn = open(&path, config);
    v.migrator.upgrade_to_head(&mut conn).expect("apply");
    let switch = statement_us(
        &mut conn,
        "SELECT foreign_keys AS n FROM pragma_foreign_keys; PRAGMA foreign_keys = OFF; PRAGMA foreign_keys = ON;",
        None,
    );
    let fk_check = statement_us(
        &mut conn,
        &format!("BEGIN; {check} ROLLBACK;"),
        Some("BEGIN; ROLLBACK;"),
    );
    let legacy = statement_us(
        &mut conn,
        "PRAGMA legacy_alter_table = ON; PRAGMA legacy_alter_table = OFF;",
        None,
    );
    println!();
    println!(
        "statements the typed rebuild adds, alone (rows = {rows} extra jobs; median of 201 calls, microseconds):"
    );
    println!("  migrator's foreign-key switch (query, OFF, ON): {switch:.1} us");
    println!("  foreign-key check of jobs (in a transaction):   {fk_check:.1} us");
    println!("  PRAGMA legacy_alter_table ON + OFF:              {legacy:.1} us");
    println!(
        "summary: typed_statements rows={rows} fk_switch_us={switch:.1} fk_check_us={fk_check:.1} legacy_alter_us={legacy:.1}"
    );
    drop(conn);
    remove_db(&path);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .load::<Count>(conn)
        .expect("count")
        .first()
        .map_or(-1, |c| c.n)
}

/// How the connection is opened: foreign keys on or not, fsync or not.
#[derive(Clone, Copy)]
struct Config {
    fk_on: bool,
    sync_off: bool,
}

fn open(path: &Path, config: Config) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).expect("open SQLite");
    if config.fk_on {
        conn.batch_execute("PRAGMA foreign_keys = ON")
            .expect("foreign keys on");
    }
    if config.sync_off {
        conn.batch_execute("PRAGMA synchronous = OFF")
            .expect("synchronous off");
    }
    conn
}

fn remove_db(path: &Path) {
    for suffix in ["", "-journal", "-lithify-lock"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}

/// Apply `v` to a fresh file; the seconds the upgrade took.
fn run(v: &Variant, scratch: &Path, config: Config, rows: usize, check: bool) -> f64 {
    let path = scratch.join(format!("{}.sqlite3", v.name));
    remove_db(&path);
    let mut conn = open(&path, config);
    let start = Instant::now();
    v.migrator
        .upgrade_to_head(&mut conn)
        .unwrap_or_else(|e| panic!("{}: {e}", v.name));
    let took = start.elapsed().as_secs_f64();
    if check {
        // Every variant leaves the same data and a NOT NULL currency.
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM jobs"),
            3 + rows as i64,
            "{}",
            v.name
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT \"notnull\" AS n FROM pragma_table_info('jobs') WHERE name = 'salary_currency'"
            ),
            1,
            "{}",
            v.name
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM applications"),
            0
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT foreign_keys AS n FROM pragma_foreign_keys"
            ),
            i64::from(config.fk_on),
            "{}: the connection's foreign-key setting is restored",
            v.name
        );
    }
    drop(conn);
    remove_db(&path);
    took
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // nothing to list; `cargo test` never runs this target anyway
    }
    let rounds = env_list("LITHIFY_BENCH_ROUNDS", &[31])[0];
    let root_parent = std::env::var_os("LITHIFY_BENCH_TMP")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    fs::create_dir_all(&root_parent).expect("temp root");
    let tmp = tempfile::Builder::new()
        .prefix("lithify-typed-apply-")
        .tempdir_in(root_parent)
        .expect("temp dir");
    println!(
        "typed reference chain vs the same changes in SQL, applied by lithify to fresh SQLite files; {rounds} rounds, every variant once per round in a rotating order"
    );
    println!(
        "ratio = median over rounds of (variant / sql in the same round); diff = median over rounds of (variant - sql), ms"
    );
    let syncs: Vec<bool> = std::env::var("LITHIFY_BENCH_SYNC")
        .unwrap_or_else(|_| "full,off".into())
        .split(',')
        .map(|s| match s.trim() {
            "full" => false,
            "off" => true,
            other => panic!("LITHIFY_BENCH_SYNC: `{other}` is not full or off"),
        })
        .collect();
    for rows in env_list("LITHIFY_BENCH_ROWS", &[0, 10_000]) {
        let root = tmp.path().join(format!("rows{rows}"));
        let scratch = root.join("db");
        fs::create_dir_all(&scratch).expect("scratch dir");
        let (vs, check) = variants(&root, rows);
        for (sync_off, fk_on) in syncs.iter().flat_map(|s| [(*s, false), (*s, true)]) {
            let config = Config { fk_on, sync_off };
            let fk = if fk_on { "on" } else { "off" };
            let sync = if sync_off { "off" } else { "full" };
            // Warm-up, with the checks of what each variant leaves.
            for v in &vs {
                run(v, &scratch, config, rows, true);
            }
            let mut times: Vec<Vec<f64>> = vec![Vec::new(); vs.len()];
            for round in 0..rounds {
                for k in 0..vs.len() {
                    let i = (round + k) % vs.len();
                    times[i].push(run(&vs[i], &scratch, config, rows, false));
                }
            }
            let per_round = |a: usize, b: usize, f: fn(f64, f64) -> f64| {
                median(
                    times[a]
                        .iter()
                        .zip(&times[b])
                        .map(|(x, y)| f(*x, *y))
                        .collect(),
                )
            };
            let ratio = |a, b| per_round(a, b, |x, y| x / y);
            let diff_ms = |a, b| per_round(a, b, |x, y| (x - y) * 1e3);
            println!();
            println!(
                "rows = {rows} extra jobs, synchronous = {sync}, foreign keys {fk} on the connection ({} revisions)",
                7 + usize::from(rows > 0)
            );
            println!(
                "{:<26} {:>10} {:>10} {:>10} {:>8} {:>9}",
                "variant", "median ms", "min ms", "max ms", "x sql", "diff ms"
            );
            for (i, v) in vs.iter().enumerate() {
                let min = times[i].iter().copied().fold(f64::INFINITY, f64::min);
                let max = times[i].iter().copied().fold(0.0, f64::max);
                println!(
                    "{:<26} {:>10.3} {:>10.3} {:>10.3} {:>8.3} {:>+9.3}",
                    v.name,
                    median(times[i].clone()) * 1e3,
                    min * 1e3,
                    max * 1e3,
                    ratio(i, 0),
                    diff_ms(i, 0)
                );
            }
            // Indexes into VARIANTS.
            let (sql, typed, as_sql, no_check, bare) = (0, 1, 2, 3, 4);
            println!(
                "summary: typed_apply rows={rows} sync={sync} fk={fk} typed/sql={:.3} typed-sql_ms={:+.3} fk_switch_ms={:+.3} fk_check_ms={:+.3} legacy_alter_ms={:+.3} bare-sql_ms={:+.3}",
                ratio(typed, sql),
                diff_ms(typed, sql),
                per_round(typed, as_sql, |x, y| (x - y) * 1e3),
                per_round(as_sql, no_check, |x, y| (x - y) * 1e3),
                per_round(no_check, bare, |x, y| (x - y) * 1e3),
                diff_ms(bare, sql),
            );
        }
        statement_costs(&scratch, rows, &check, &vs[2]);
    }
}
