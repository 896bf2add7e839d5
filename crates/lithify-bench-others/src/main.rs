//! Issue 5: the SQLite apply and check benchmarks with sqlx's migrator and
//! refinery beside the floor, diesel_migrations and lithify, in one run.
//! Opt-in (not a workspace member):
//!
//! ```text
//! cargo run --release --manifest-path crates/lithify-bench-others/Cargo.toml
//! LITHIFY_BENCH_ROUNDS=5 LITHIFY_BENCH_NS=1000 LITHIFY_BENCH_CHECKS=200 \
//!     cargo run --release --manifest-path crates/lithify-bench-others/Cargo.toml
//! ```
//!
//! The chain, the floor, diesel's and lithify's variants are the ones of
//! `lithify-bench` (its `benches/common/mod.rs`, included here). Outside the
//! timing, the chain is also written in sqlx's layout
//! (`<version>_<name>.up.sql` / `.down.sql` in one directory; sqlx's
//! `Migrator::new` reads it before the run, as `sqlx::migrate!` embeds it)
//! and given to refinery as in-memory migrations `V<i>__r<i>` (as
//! `embed_migrations!` gives them). Every variant applies to a fresh SQLite
//! file, connection opened beforehand, rollback journal and
//! `synchronous = FULL` (diesel's defaults; sqlx's options are set to match),
//! once per round in a rotating order; ratios are per round.
//!
//! Check: N applied by each tool into its own file; median of
//! `LITHIFY_BENCH_CHECKS` calls on one open connection of what an
//! application runs at start: lithify `check`, diesel `has_pending_migration`,
//! and for every tool its run on an up-to-date database (sqlx and refinery
//! have no separate pending check).

#[path = "../../lithify-bench/benches/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use common::fixtures;
use diesel_migrations::MigrationHarness;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::ConnectOptions;

const VARIANTS: [&str; 9] = [
    "floor_tx_each",
    "floor_one_tx",
    "diesel_from_path",
    "diesel_embedded",
    "lithify_upgrade",
    "lithify_one_tx",
    "sqlx_run",
    "refinery_run",
    "refinery_grouped",
];

struct Setup {
    chain: std::sync::Arc<fixtures::Chain>,
    migrator: lithify::Migrator,
    source: fixtures::MemSource,
    sqlx: sqlx::migrate::Migrator,
    refinery: Vec<refinery::Migration>,
    rt: tokio::runtime::Runtime,
}

fn write_sqlx_dir(chain: &fixtures::Chain) -> PathBuf {
    let dir = chain.scratch.join("sqlx-migrations");
    std::fs::create_dir_all(&dir).expect("sqlx dir");
    for (rev, version) in chain.revisions.iter().zip(&chain.versions) {
        let base = format!("{version}_r{version}");
        std::fs::write(dir.join(format!("{base}.up.sql")), &rev.up_sql).expect("write up");
        std::fs::write(dir.join(format!("{base}.down.sql")), &rev.down_sql).expect("write down");
    }
    dir
}

fn sqlite_path(chain: &fixtures::Chain, tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    chain.scratch.join(format!(
        "{tag}-{}.sqlite3",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

fn remove_db(path: &Path) {
    let _ = std::fs::remove_file(path);
    let mut journal = path.to_path_buf().into_os_string();
    journal.push("-journal");
    let _ = std::fs::remove_file(journal);
}

fn sqlx_connect(s: &Setup, path: &Path) -> sqlx::SqliteConnection {
    s.rt.block_on(
        SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .expect("sqlx options")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Delete)
            .synchronous(SqliteSynchronous::Full)
            .connect(),
    )
    .expect("sqlx connect")
}

fn refinery_runner(s: &Setup, grouped: bool) -> refinery::Runner {
    refinery::Runner::new(&s.refinery).set_grouped(grouped)
}

/// One apply of `variant` to a fresh file; the time of the apply alone.
fn run(variant: usize, s: &Setup) -> Duration {
    let n = s.chain.revisions.len();
    match variant {
        0..=5 => {
            let mut db = fixtures::FreshDb::new(&s.chain.scratch);
            let start = Instant::now();
            match variant {
                0 => common::floor_tx_each(&mut db.conn, &s.chain),
                1 => common::floor_one_tx(&mut db.conn, &s.chain),
                2 => common::diesel_from_path(&mut db.conn, &s.chain),
                3 => common::diesel_embedded(&mut db.conn, s.source),
                4 => common::lithify_upgrade(&mut db.conn, &s.migrator),
                _ => common::lithify_upgrade_one_tx(&mut db.conn, &s.migrator),
            }
            start.elapsed()
        }
        6 => {
            let path = sqlite_path(&s.chain, "sqlx");
            let mut conn = sqlx_connect(s, &path);
            let start = Instant::now();
            s.rt.block_on(s.sqlx.run(&mut conn)).expect("sqlx applies");
            let took = start.elapsed();
            drop(conn);
            remove_db(&path);
            took
        }
        _ => {
            let path = sqlite_path(&s.chain, "refinery");
            let mut conn = rusqlite::Connection::open(&path).expect("rusqlite open");
            let start = Instant::now();
            let report = refinery_runner(s, variant == 8)
                .run(&mut conn)
                .expect("refinery applies");
            let took = start.elapsed();
            assert_eq!(report.applied_migrations().len(), n);
            drop(conn);
            remove_db(&path);
            took
        }
    }
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(v) => v
            .split(',')
            .map(|x| x.trim().parse().expect("a comma-separated list of numbers"))
            .collect(),
        Err(_) => default.to_vec(),
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..reps.min(10) {
        f();
    }
    median(
        (0..reps)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn main() {
    let rounds = env_list("LITHIFY_BENCH_ROUNDS", &[5])[0];
    let checks = env_list("LITHIFY_BENCH_CHECKS", &[200])[0];
    let mut rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    for n in env_list("LITHIFY_BENCH_NS", &[1_000]) {
        let chain = fixtures::chain(n);
        let sqlx_dir = write_sqlx_dir(&chain);
        let sqlx = rt
            .block_on(sqlx::migrate::Migrator::new(sqlx_dir))
            .expect("sqlx reads the migrations");
        assert_eq!(
            sqlx.iter()
                .filter(|m| m.migration_type.is_up_migration())
                .count(),
            n
        );
        let refinery = chain
            .revisions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                refinery::Migration::unapplied(&format!("V{}__r{}", i + 1, i + 1), &r.up_sql)
                    .expect("refinery migration")
            })
            .collect();
        let s = Setup {
            migrator: fixtures::lithify_migrator(n),
            source: fixtures::mem_source(n),
            sqlx,
            refinery,
            rt,
            chain,
        };
        for v in 0..VARIANTS.len() {
            run(v, &s); // warm-up, and every variant works
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
        for round in 0..rounds {
            for k in 0..VARIANTS.len() {
                let v = (round + k) % VARIANTS.len();
                times[v].push(run(v, &s).as_secs_f64());
            }
        }
        println!("apply N = {n} to a fresh SQLite file, {rounds} rounds (seconds; ratio = median over rounds of variant / other in the same round)");
        println!(
            "{:<18} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
            "variant", "median", "min", "max", "x tx_each", "x one_tx", "x diesel"
        );
        for (v, name) in VARIANTS.iter().enumerate() {
            let per_round = |other: usize| {
                median(
                    times[v]
                        .iter()
                        .zip(&times[other])
                        .map(|(t, f)| t / f)
                        .collect(),
                )
            };
            println!(
                "{:<18} {:>9.4} {:>9.4} {:>9.4} {:>10.3} {:>10.3} {:>10.3}",
                name,
                median(times[v].clone()),
                times[v].iter().cloned().fold(f64::INFINITY, f64::min),
                times[v].iter().cloned().fold(0.0, f64::max),
                per_round(0),
                per_round(1),
                per_round(2)
            );
        }

        // Check with N applied, each tool on its own file.
        let mut lconn = fixtures::lithify_applied(n);
        let mut dconn = fixtures::diesel_applied(n);
        let sqlx_path = sqlite_path(&s.chain, "sqlx-applied");
        let mut sconn = sqlx_connect(&s, &sqlx_path);
        s.rt.block_on(s.sqlx.run(&mut sconn)).expect("sqlx applies");
        let ref_path = sqlite_path(&s.chain, "refinery-applied");
        let mut rconn = rusqlite::Connection::open(&ref_path).expect("rusqlite open");
        refinery_runner(&s, false)
            .run(&mut rconn)
            .expect("refinery applies");
        let at_head = |o: lithify::CheckOutcome| matches!(o, lithify::CheckOutcome::AtHead { .. });
        let rows = [
            (
                "lithify check",
                median_ms(checks, || {
                    assert!(at_head(s.migrator.check(&mut lconn).expect("check")))
                }),
            ),
            (
                "lithify upgrade_to_head (no-op)",
                median_ms(checks, || {
                    s.migrator.upgrade_to_head(&mut lconn).expect("no-op");
                }),
            ),
            (
                "diesel has_pending_migration (embedded)",
                median_ms(checks, || {
                    assert!(!dconn.has_pending_migration(s.source).expect("check"))
                }),
            ),
            (
                "diesel run_pending_migrations (embedded, no-op)",
                median_ms(checks, || {
                    assert!(dconn
                        .run_pending_migrations(s.source)
                        .expect("no-op")
                        .is_empty())
                }),
            ),
            (
                "sqlx Migrator::run (no-op)",
                median_ms(checks, || {
                    s.rt.block_on(s.sqlx.run(&mut sconn)).expect("no-op");
                }),
            ),
            (
                "refinery Runner::run (no-op)",
                median_ms(checks, || {
                    let report = refinery_runner(&s, false).run(&mut rconn).expect("no-op");
                    assert!(report.applied_migrations().is_empty());
                }),
            ),
        ];
        println!("check N = {n}, all applied, median of {checks} calls on an open connection (ms)");
        let lithify_check = rows[0].1;
        for (name, ms) in rows {
            println!(
                "{name:<48} {ms:>9.4}   x lithify check {:>7.2}",
                ms / lithify_check
            );
        }
        println!();
        drop(sconn);
        drop(rconn);
        remove_db(&sqlx_path);
        remove_db(&ref_path);
        rt = s.rt;
    }
    fixtures::cleanup();
}
