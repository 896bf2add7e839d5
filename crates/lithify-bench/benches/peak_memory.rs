//! Issue 5 item 7: peak memory of applying N revisions (default 10,000) to a
//! fresh SQLite file, lithify against diesel_migrations and the floor.
//!
//! ```text
//! cargo bench -p lithify-bench --bench peak_memory
//! LITHIFY_BENCH_NS=1000,10000 cargo bench -p lithify-bench --bench peak_memory
//! ```
//!
//! Peak memory is a per-process high-water mark, so every variant runs in its
//! own child process (this executable re-run with `--variant NAME`). The
//! parent generates the chain once (synth, seed 1) into a temporary directory
//! and passes it to the children. Each child:
//! 1. prepares what its variant needs before a run (lithify: compile the chain
//!    with `lithify_build` and leak it into the `'static` form a generated
//!    module embeds; diesel embedded: the in-memory set; floor: the SQL in
//!    memory), and opens a fresh SQLite file;
//! 2. returns the allocator's free memory to the kernel (glibc
//!    `malloc_trim(0)`: otherwise what the preparation freed, for lithify the
//!    compiler's working set, stays resident and hides the apply's own
//!    allocations), reads `VmRSS` (`before`) and `getrusage(RUSAGE_SELF).ru_maxrss` (the
//!    peak so far, preparation included), then resets the kernel's peak-RSS
//!    mark by writing `5` to `/proc/self/clear_refs`;
//! 3. applies the chain, then reads `VmHWM` from `/proc/self/status`: the peak
//!    RSS during the apply (`apply peak`; `growth` = apply peak - before);
//! 4. `process peak` = the larger of the ru_maxrss of step 2 and the apply
//!    peak: the whole process's max RSS. (`/usr/bin/time -v` cannot be used
//!    around the child: the reset of step 2 also resets what the kernel
//!    reports to the parent at exit.)
//!
//! The connection uses `PRAGMA synchronous = OFF`: memory does not depend on
//! fsync, and it keeps a 10,000-revision run short. The time printed is for
//! information only (not the apply benchmark).

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::env_list;
use common::fixtures::{MemMigration, MemSource};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use lithify_bench::synth;

const VARIANTS: [&str; 5] = [
    "floor_tx_each",
    "diesel_from_path",
    "diesel_embedded",
    "lithify_upgrade",
    "lithify_one_tx",
];

/// A `kB` field of `/proc/self/status`.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// `getrusage(RUSAGE_SELF).ru_maxrss`, in kB on Linux.
fn ru_maxrss_kb() -> u64 {
    // SAFETY: getrusage only writes the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    usage.ru_maxrss as u64
}

fn child(variant: &str, n: usize, dir: &Path, db: &Path) {
    let revisions = synth::generate(n, common::SEED);
    assert_eq!(revisions.len(), n);
    let versions: Vec<String> = revisions.iter().map(|r| r.version()).collect();
    let migrator = variant.starts_with("lithify").then(|| {
        let compiled = lithify_build::Builder::new(dir)
            .compile()
            .expect("lithify compiles the chain");
        lithify::Migrator::new(lithify::leak::leak_chain(&compiled)).quiet(true)
    });
    let source = (variant == "diesel_embedded").then(|| {
        let set: Vec<MemMigration> = revisions
            .iter()
            .map(|r| MemMigration {
                version: r.version(),
                name: r.dir_name.clone(),
                up: r.up_sql.clone(),
                down: r.down_sql.clone(),
            })
            .collect();
        MemSource(Box::leak(set.into_boxed_slice()))
    });
    let mut conn = SqliteConnection::establish(&db.to_string_lossy()).expect("open fresh file");
    conn.batch_execute("PRAGMA synchronous = OFF")
        .expect("pragma");

    let prep_peak = ru_maxrss_kb();
    // SAFETY: malloc_trim only returns free heap pages to the kernel.
    unsafe { libc::malloc_trim(0) };
    let before = status_kb("VmRSS");
    std::fs::write("/proc/self/clear_refs", "5").expect("reset peak RSS (/proc/self/clear_refs)");
    let start = Instant::now();
    match variant {
        "floor_tx_each" => {
            conn.batch_execute(common::BOOKKEEPING_DDL)
                .expect("bookkeeping");
            for (rev, version) in revisions.iter().zip(&versions) {
                conn.transaction::<_, diesel::result::Error, _>(|c| {
                    c.batch_execute(&rev.up_sql)?;
                    common::record(c, version)?;
                    Ok(())
                })
                .expect("apply revision");
            }
        }
        "diesel_from_path" => {
            let source = FileBasedMigrations::from_path(dir).expect("from_path");
            let applied = conn.run_pending_migrations(source).expect("diesel applies");
            assert_eq!(applied.len(), n);
        }
        "diesel_embedded" => {
            let applied = conn
                .run_pending_migrations(source.expect("set"))
                .expect("diesel applies");
            assert_eq!(applied.len(), n);
        }
        "lithify_upgrade" => {
            migrator
                .expect("migrator")
                .upgrade_to_head(&mut conn)
                .expect("lithify applies");
        }
        "lithify_one_tx" => {
            migrator
                .expect("migrator")
                .single_transaction(true)
                .upgrade_to_head(&mut conn)
                .expect("lithify applies in one transaction");
        }
        other => panic!("unknown variant {other}"),
    }
    let secs = start.elapsed().as_secs_f64();
    let apply_peak = status_kb("VmHWM");
    let process_peak = prep_peak.max(apply_peak);
    println!(
        "{variant} {before} {apply_peak} {} {process_peak} {secs:.2}",
        apply_peak.saturating_sub(before)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--variant") {
        let n: usize = args[i + 2].parse().expect("n");
        child(
            &args[i + 1],
            n,
            &PathBuf::from(&args[i + 3]),
            &PathBuf::from(&args[i + 4]),
        );
        return;
    }
    let root = std::env::var_os("LITHIFY_BENCH_TMP")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let exe = std::env::current_exe().expect("current exe");
    for n in env_list("LITHIFY_BENCH_NS", &[10_000]) {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("lithify-peak-{n}-"))
            .tempdir_in(&root)
            .expect("temp dir");
        let dir = tmp.path().join("migrations");
        synth::generate_into(n, common::SEED, &dir).expect("write chain");
        println!("peak memory, apply N = {n} to a fresh SQLite file, one process per variant (kB)");
        println!(
            "{:<18} {:>12} {:>12} {:>12} {:>14} {:>9}",
            "variant", "before", "apply peak", "growth", "process peak", "time (s)"
        );
        for variant in VARIANTS {
            let db = tmp.path().join(format!("{variant}.sqlite3"));
            let out = Command::new(&exe)
                .arg("--variant")
                .arg(variant)
                .arg(n.to_string())
                .arg(&dir)
                .arg(&db)
                .output()
                .expect("run child");
            assert!(
                out.status.success(),
                "{variant} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let line = String::from_utf8(out.stdout).expect("utf-8");
            let f: Vec<&str> = line.split_whitespace().collect();
            println!(
                "{:<18} {:>12} {:>12} {:>12} {:>14} {:>9}",
                f[0], f[1], f[2], f[3], f[4], f[5]
            );
            let _ = std::fs::remove_file(&db);
        }
        println!();
    }
}
