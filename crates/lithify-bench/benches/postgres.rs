//! Issue 5 item 6: apply N revisions and the up-to-date check on PostgreSQL,
//! lithify against diesel_migrations and against `psql` running the same
//! `up.sql` files. Needs the `postgres` feature and a server at
//! `$POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`, a user
//! allowed to create databases) and `psql` on the `PATH`.
//!
//! ```text
//! cargo bench -p lithify-bench --features postgres --bench postgres
//! LITHIFY_BENCH_ROUNDS=5 LITHIFY_BENCH_NS=100,1000 LITHIFY_BENCH_CHECKS=200 \
//!     cargo bench -p lithify-bench --features postgres --bench postgres
//! ```
//!
//! Apply: every round runs every variant once, in a rotating order (as
//! `apply_interleaved` does, because commit latency drifts with the shared
//! disk), each on a database created just before (`CREATE DATABASE`, outside
//! the timing) and dropped after. Every variant's time includes opening its
//! connection, because `psql` is timed as a whole process:
//! - `floor_tx_each`: per revision one transaction with `batch_execute(up.sql)`
//!   and a bookkeeping `INSERT` (bound parameter), SQL already in memory.
//! - `floor_one_tx`: the same in one transaction.
//! - `psql_script`: one `psql -X -q -v ON_ERROR_STOP=1 -d <url> -f script.sql`
//!   process; the script (written once, outside the timing) creates the
//!   bookkeeping table, then per revision `BEGIN; \i '<dir>/up.sql'`, an
//!   `INSERT` of its version, `COMMIT;`.
//! - `diesel_from_path`: `FileBasedMigrations::from_path(dir)` +
//!   `run_pending_migrations`.
//! - `diesel_embedded`: `run_pending_migrations` on an in-memory set shaped
//!   like `embed_migrations!`.
//! - `lithify_upgrade`: `Migrator::upgrade_to_head`; `lithify_one_tx`: the
//!   same with `single_transaction(true)`.
//!
//! Check: with all N applied (by lithify, resp. diesel, in a database made
//! once), `LITHIFY_BENCH_CHECKS` calls on one open connection; median. Also
//! the check paired with the same check on a second lithify database whose
//! guard trigger is disabled (so its query counts the rows, as every check
//! did before the trigger): call after call, the median of each and of the
//! per-pair ratio. `LITHIFY_BENCH_CHECK_ONLY=1` skips the apply table.

#[path = "common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{env_list, fixtures, median};
use diesel::connection::SimpleConnection;
use diesel::migration::{Migration, MigrationSource};
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};

const VARIANTS: [&str; 7] = [
    "floor_tx_each",
    "floor_one_tx",
    "psql_script",
    "diesel_from_path",
    "diesel_embedded",
    "lithify_upgrade",
    "lithify_one_tx",
];

const BOOKKEEPING_DDL: &str = "CREATE TABLE IF NOT EXISTS bench_migrations (\
     version VARCHAR(50) PRIMARY KEY NOT NULL, \
     run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";

fn server_url() -> String {
    std::env::var("POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// `base` with its database replaced by `name`.
fn url_for(base: &str, name: &str) -> String {
    let (scheme, rest) = base.split_once("://").expect("URL with a scheme");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{scheme}://{}/{name}", &rest[..end])
}

fn admin() -> PgConnection {
    PgConnection::establish(&url_for(&server_url(), "postgres"))
        .expect("connect to PostgreSQL (set POSTGRES_URL)")
}

/// A database created for one use and dropped afterwards (both outside the
/// timing).
struct ThrowAwayDb {
    name: String,
    url: String,
}

impl ThrowAwayDb {
    fn new(admin: &mut PgConnection) -> ThrowAwayDb {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "lithify_bench_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let url = url_for(&server_url(), &name);
        ThrowAwayDb { name, url }
    }

    fn drop_with(self, admin: &mut PgConnection) {
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .expect("drop database");
    }
}

/// A migration held in memory, as `embed_migrations!` holds it.
struct PgMem {
    version: String,
    name: String,
    up: String,
    down: String,
}

impl std::fmt::Display for PgMem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl diesel::migration::MigrationName for PgMem {
    fn version(&self) -> diesel::migration::MigrationVersion<'_> {
        diesel::migration::MigrationVersion::from(&self.version)
    }
}

impl diesel::migration::MigrationMetadata for PgMem {}

impl Migration<Pg> for PgMem {
    fn run(
        &self,
        conn: &mut dyn diesel::connection::BoxableConnection<Pg>,
    ) -> diesel::migration::Result<()> {
        Ok(conn.batch_execute(&self.up)?)
    }
    fn revert(
        &self,
        conn: &mut dyn diesel::connection::BoxableConnection<Pg>,
    ) -> diesel::migration::Result<()> {
        Ok(conn.batch_execute(&self.down)?)
    }
    fn metadata(&self) -> &dyn diesel::migration::MigrationMetadata {
        self
    }
    fn name(&self) -> &dyn diesel::migration::MigrationName {
        self
    }
}

/// The in-memory set: `migrations()` boxes references, as
/// `EmbeddedMigrations` does.
#[derive(Clone, Copy)]
struct PgMemSource(&'static [PgMem]);

impl MigrationSource<Pg> for PgMemSource {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<Pg>>>> {
        Ok(self
            .0
            .iter()
            .map(|m| Box::new(m as &'static dyn Migration<Pg>) as Box<dyn Migration<Pg>>)
            .collect())
    }
}

fn mem_source(chain: &fixtures::Chain) -> PgMemSource {
    let set: Vec<PgMem> = chain
        .revisions
        .iter()
        .map(|r| PgMem {
            version: r.version(),
            name: r.dir_name.clone(),
            up: r.up_sql.clone(),
            down: r.down_sql.clone(),
        })
        .collect();
    PgMemSource(Box::leak(set.into_boxed_slice()))
}

fn record(conn: &mut PgConnection, version: &str) -> QueryResult<usize> {
    diesel::sql_query("INSERT INTO bench_migrations (version) VALUES ($1)")
        .bind::<Text, _>(version)
        .execute(conn)
}

/// The psql script: bookkeeping table, then per revision its own
/// transaction holding the `up.sql` file and the bookkeeping insert.
fn write_psql_script(chain: &fixtures::Chain) -> PathBuf {
    let mut script = format!("{BOOKKEEPING_DDL};\n");
    for (rev, version) in chain.revisions.iter().zip(&chain.versions) {
        let up = chain.dir.join(&rev.dir_name).join("up.sql");
        let up = up.to_str().expect("UTF-8 temp path");
        assert!(!up.contains('\''), "no quote in the temp path");
        writeln!(
            script,
            "BEGIN;\n\\i '{up}'\nINSERT INTO bench_migrations (version) VALUES ('{version}');\nCOMMIT;"
        )
        .unwrap();
    }
    let path = chain.scratch.join("apply.psql");
    std::fs::write(&path, script).expect("write psql script");
    path
}

fn psql(url: &str, script: &Path) {
    let status = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
        .arg(script)
        .stdout(Stdio::null())
        .status()
        .expect("run psql");
    assert!(status.success(), "psql failed: {status}");
}

struct Setup {
    chain: std::sync::Arc<fixtures::Chain>,
    migrator: lithify::Migrator,
    source: PgMemSource,
    script: PathBuf,
}

fn connect(url: &str) -> PgConnection {
    PgConnection::establish(url).expect("connect to throw-away db")
}

fn apply(variant: usize, s: &Setup, url: &str) {
    let n = s.chain.revisions.len();
    match variant {
        0 => {
            let mut conn = connect(url);
            conn.batch_execute(BOOKKEEPING_DDL).expect("bookkeeping");
            for (rev, version) in s.chain.revisions.iter().zip(&s.chain.versions) {
                conn.transaction::<_, diesel::result::Error, _>(|c| {
                    c.batch_execute(&rev.up_sql)?;
                    record(c, version)?;
                    Ok(())
                })
                .expect("apply revision");
            }
        }
        1 => {
            let mut conn = connect(url);
            conn.transaction::<_, diesel::result::Error, _>(|c| {
                c.batch_execute(BOOKKEEPING_DDL)?;
                for (rev, version) in s.chain.revisions.iter().zip(&s.chain.versions) {
                    c.batch_execute(&rev.up_sql)?;
                    record(c, version)?;
                }
                Ok(())
            })
            .expect("apply chain");
        }
        2 => psql(url, &s.script),
        3 => {
            let mut conn = connect(url);
            let source = FileBasedMigrations::from_path(&s.chain.dir).expect("from_path");
            let applied = conn.run_pending_migrations(source).expect("diesel applies");
            assert_eq!(applied.len(), n);
        }
        4 => {
            let mut conn = connect(url);
            let applied = conn
                .run_pending_migrations(s.source)
                .expect("diesel applies");
            assert_eq!(applied.len(), n);
        }
        5 => {
            let mut conn = connect(url);
            s.migrator
                .upgrade_to_head(&mut conn)
                .expect("lithify applies");
        }
        _ => {
            let mut conn = connect(url);
            s.migrator
                .clone()
                .single_transaction(true)
                .upgrade_to_head(&mut conn)
                .expect("lithify applies in one transaction");
        }
    }
}

fn timed_apply(variant: usize, s: &Setup, admin: &mut PgConnection) -> Duration {
    let db = ThrowAwayDb::new(admin);
    let start = Instant::now();
    apply(variant, s, &db.url);
    let took = start.elapsed();
    db.drop_with(admin);
    took
}

/// `reps` pairs of calls, `a` then `b`, after a warm-up: the median of `a`
/// and the median over pairs of `a / b` (as `(median a, ratio)`), and the
/// median of `b`, in milliseconds.
fn paired_ms(reps: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> ((f64, f64), f64) {
    for _ in 0..reps.min(10) {
        a();
        b();
    }
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64() * 1e3
    };
    let pairs: Vec<(f64, f64)> = (0..reps).map(|_| (time(&mut a), time(&mut b))).collect();
    let ratio = median(pairs.iter().map(|(x, y)| x / y).collect());
    (
        (median(pairs.iter().map(|p| p.0).collect()), ratio),
        median(pairs.iter().map(|p| p.1).collect()),
    )
}

/// Median of `reps` calls of `f`, in milliseconds.
fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..reps.min(10) {
        f(); // warm-up
    }
    let times = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    median(times)
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let rounds = env_list("LITHIFY_BENCH_ROUNDS", &[5])[0];
    // LITHIFY_BENCH_CHECK_ONLY=1: only the up-to-date check (item 6's
    // flatness in N), without the apply table.
    let check_only = std::env::var("LITHIFY_BENCH_CHECK_ONLY").is_ok_and(|v| v == "1");
    let checks = env_list("LITHIFY_BENCH_CHECKS", &[200])[0];
    let mut admin = admin();
    let server: String = diesel::sql_query("SELECT version() AS line")
        .get_result::<Line>(&mut admin)
        .expect("server version")
        .line;
    println!("server: {server}");
    for n in env_list("LITHIFY_BENCH_NS", &[1_000]) {
        let chain = fixtures::chain(n);
        let setup = Setup {
            migrator: fixtures::lithify_migrator(n),
            source: mem_source(&chain),
            script: write_psql_script(&chain),
            chain,
        };
        if !check_only {
            apply_variants(n, rounds, &setup, &mut admin);
        }

        // The up-to-date check, N applied.
        let lithify_db = ThrowAwayDb::new(&mut admin);
        apply(5, &setup, &lithify_db.url);
        let diesel_db = ThrowAwayDb::new(&mut admin);
        apply(4, &setup, &diesel_db.url);
        let mut lconn = connect(&lithify_db.url);
        let mut dconn = connect(&diesel_db.url);
        let at_head = |o: lithify::CheckOutcome| matches!(o, lithify::CheckOutcome::AtHead { .. });
        let lithify_check = median_ms(checks, || {
            assert!(at_head(setup.migrator.check(&mut lconn).expect("check")));
        });
        let lithify_new = median_ms(checks, || {
            let m = fixtures::lithify_migrator(n);
            assert!(at_head(m.check(&mut lconn).expect("check")));
        });
        // The same check on a second database whose guard trigger is
        // disabled: there the state row does not stand for the row count,
        // so the query counts the rows (what every check did before the
        // trigger). Measured in pairs, guarded and counting call after call
        // on their own connections, so both see the same machine.
        let counting_db = ThrowAwayDb::new(&mut admin);
        apply(5, &setup, &counting_db.url);
        let mut cconn = connect(&counting_db.url);
        cconn
            .batch_execute("ALTER TABLE lithify_revisions DISABLE TRIGGER lithify_state_guard")
            .expect("disable the guard");
        let (guarded, counting) = paired_ms(
            checks,
            || assert!(at_head(setup.migrator.check(&mut lconn).expect("check"))),
            || assert!(at_head(setup.migrator.check(&mut cconn).expect("check"))),
        );
        drop(cconn);
        counting_db.drop_with(&mut admin);
        let diesel_embedded = median_ms(checks, || {
            assert!(!dconn.has_pending_migration(setup.source).expect("check"));
        });
        let diesel_path = median_ms(checks, || {
            let source = FileBasedMigrations::from_path(&setup.chain.dir).expect("from_path");
            assert!(!dconn.has_pending_migration(source).expect("check"));
        });
        println!(
            "check N = {n} on PostgreSQL, median of {checks} calls on an open connection (ms)"
        );
        println!("lithify_check          {lithify_check:>9.4}");
        println!("lithify_new_migrator   {lithify_new:>9.4}");
        println!(
            "paired: lithify_check {:>9.4}, counting (guard disabled: COUNT(*)) {counting:>9.4}, \
             check / counting = {:.3} (median of per-pair ratios)",
            guarded.0, guarded.1
        );
        println!(
            "diesel_embedded        {diesel_embedded:>9.4}   lithify_check / diesel_embedded = {:.3}",
            lithify_check / diesel_embedded
        );
        println!("diesel_from_path       {diesel_path:>9.4}");
        println!();
        drop(lconn);
        drop(dconn);
        lithify_db.drop_with(&mut admin);
        diesel_db.drop_with(&mut admin);
    }
    fixtures::cleanup();
}

/// The apply table for `n`: every variant once as a warm-up, then `rounds`
/// rounds in a rotating order.
fn apply_variants(n: usize, rounds: usize, setup: &Setup, admin: &mut PgConnection) {
    // Warm-up: every variant once (also checks that each one works).
    for v in 0..VARIANTS.len() {
        timed_apply(v, setup, admin);
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
    for round in 0..rounds {
        for k in 0..VARIANTS.len() {
            let v = (round + k) % VARIANTS.len();
            times[v].push(timed_apply(v, setup, admin).as_secs_f64());
        }
    }
    println!("apply N = {n} on PostgreSQL, {rounds} rounds (seconds, connection included; ratio = median over rounds of variant / other in the same round)");
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10} {:>10}",
        "variant", "median", "min", "max", "x tx_each", "x one_tx", "x psql", "x diesel"
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
        let min = times[v].iter().cloned().fold(f64::INFINITY, f64::min);
        let max = times[v].iter().cloned().fold(0.0, f64::max);
        println!(
            "{:<18} {:>9.4} {:>9.4} {:>9.4} {:>10.3} {:>10.3} {:>10.3} {:>10.3}",
            name,
            median(times[v].clone()),
            min,
            max,
            per_round(0),
            per_round(1),
            per_round(2),
            per_round(3)
        );
    }
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}
