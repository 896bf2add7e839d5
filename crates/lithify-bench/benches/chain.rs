//! Issue 5's benchmarks, side by side in one run: the floors (the work that
//! cannot be avoided), diesel_migrations, and lithify.
//!
//! Run with `cargo bench -p lithify-bench --bench chain`; see BENCHMARKS.md
//! for the methodology and the settings used for the published figures.
//!
//! Groups:
//! - `build`: what the build script does for N revisions. Floor: list the
//!   directory, read every file and SHA-256 it.
//! - `apply`: apply N revisions to a fresh SQLite file on one connection.
//!   Floors: each `up.sql` in its own transaction with a bookkeeping insert
//!   (`floor_tx_each`), and the whole run in one transaction
//!   (`floor_one_tx`). diesel: `run_pending_migrations` from the directory
//!   (`FileBasedMigrations::from_path`) and from an in-memory set that
//!   behaves like `embed_migrations!`.
//! - `check`: the up-to-date check with N applied, on an open connection.
//!
//! Chains are generated once per N into a temporary directory
//! (`$LITHIFY_BENCH_TMP`, else the system temp dir) and removed at exit.

#[path = "common/mod.rs"]
mod common;

use common::*;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use lithify::MigrationConnection;

fn main() {
    divan::main();
    fixtures::cleanup();
}

#[divan::bench_group(sample_count = 30)]
mod build {
    use super::*;

    /// Floor: read + SHA-256 every file of the chain.
    #[divan::bench(args = [100, 1_000, 10_000])]
    fn floor_read_hash(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher.bench_local(|| hash_chain(&chain.dir));
    }

    /// lithify's whole build-time work: read, validate the graph, verify the
    /// seals, then generate the module.
    #[divan::bench(args = [100, 1_000, 10_000])]
    fn lithify_compile_generate(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher.bench_local(|| {
            let builder = lithify_build::Builder::new(&chain.dir);
            let compiled = builder.compile().expect("lithify compiles");
            builder.generate(&compiled)
        });
    }

    /// The compile step alone (no codegen), to split the total.
    #[divan::bench(args = [100, 1_000, 10_000])]
    fn lithify_compile_only(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher.bench_local(|| {
            lithify_build::Builder::new(&chain.dir)
                .compile()
                .expect("lithify compiles")
        });
    }

    /// Issue 9 item 1: the build of a SQLite application with its schema
    /// module (`dialects([Sqlite]).schema_dialect(Sqlite)`): compile, fold
    /// the chain into the schema, print diesel's `table!` code, generate
    /// the module. Compare with `floor_read_hash`.
    #[divan::bench(args = [100, 1_000, 10_000])]
    fn lithify_schema_sqlite(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher.bench_local(|| {
            let builder = fixtures::schema_builder(&chain.dir);
            let compiled = builder.compile().expect("lithify compiles");
            assert!(compiled.schema.is_some());
            builder.generate(&compiled)
        });
    }

    /// Part of `lithify_schema_sqlite`: the fold and the printer alone
    /// (`lithify_build::schema::generate` on a chain compiled beforehand).
    #[divan::bench(args = [100, 1_000, 10_000])]
    fn lithify_part_fold_print(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        let compiled = lithify_build::Builder::new(&chain.dir)
            .compile()
            .expect("lithify compiles");
        let root = fixtures::crate_root(&chain.dir);
        bencher.bench_local(|| {
            lithify_build::schema::generate(&compiled, root, lithify_build::Dialect::Sqlite, None)
                .expect("schema")
        });
    }

    /// Issue 10: the floor for the half-typed chain (its files differ:
    /// one revision.toml where the SQL chain has up.sql and down.sql).
    #[divan::bench(args = [100, 1_000, 10_000])]
    fn typed_floor_read_hash(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::typed_chain(n);
        bencher.bench_local(|| hash_chain(&chain.dir));
    }

    /// Issue 10: `lithify_schema_sqlite` on the half-typed chain (the same
    /// changes, every other revision as typed operations compiled to SQL
    /// against the schema before it). 10 samples: at N = 10,000 one takes
    /// seconds.
    #[divan::bench(args = [100, 1_000, 10_000], sample_count = 10)]
    fn typed_schema_sqlite(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::typed_chain(n);
        bencher.bench_local(|| {
            let builder = fixtures::schema_builder(&chain.dir);
            let compiled = builder.compile().expect("lithify compiles");
            assert!(compiled.schema.is_some());
            builder.generate(&compiled)
        });
    }
}

/// Issue 9 item 3, in process: what `lithify schema --dialect sqlite` does
/// (compile the chain for SQLite, fold, print diesel's schema), without the
/// process around it; `schema_bench.sh` times the command and diesel's
/// `migration run` + `print-schema` as whole processes.
#[divan::bench_group(sample_count = 30)]
mod schema_generation {
    use super::*;

    /// The reference chain as committed (typed 2024-01-06 and 2024-01-07).
    #[divan::bench]
    fn reference_typed(bencher: divan::Bencher) {
        let chain = fixtures::reference_chain(false);
        bencher.bench_local(|| fixtures::schema_command(&chain.dir));
    }

    /// The reference chain with those two as SQL (what diesel can run).
    #[divan::bench]
    fn reference_sql(bencher: divan::Bencher) {
        let chain = fixtures::reference_chain(true);
        bencher.bench_local(|| fixtures::schema_command(&chain.dir));
    }

    /// The synthetic chain (all SQL).
    #[divan::bench(args = [1_000])]
    fn synthetic(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher.bench_local(|| fixtures::schema_command(&chain.dir));
    }
}

/// Apply N to a fresh SQLite file. The disk's fsync latency drifts with other
/// load on the machine, and divan runs one variant's samples back to back, so
/// compare variants with `apply_interleaved` (which alternates them); this
/// group is for profiling one variant at a time.
#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod apply {
    use super::*;

    const NS: [usize; 2] = [100, 1_000];

    /// Floor: each up.sql in its own transaction with its bookkeeping insert.
    #[divan::bench(args = NS)]
    fn floor_tx_each(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher
            .with_inputs(|| fixtures::FreshDb::new(&chain.scratch))
            .bench_local_values(|mut db| {
                common::floor_tx_each(&mut db.conn, &chain);
                db
            });
    }

    /// Floor of the one-transaction mode.
    #[divan::bench(args = NS)]
    fn floor_one_tx(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher
            .with_inputs(|| fixtures::FreshDb::new(&chain.scratch))
            .bench_local_values(|mut db| {
                common::floor_one_tx(&mut db.conn, &chain);
                db
            });
    }

    /// lithify: `Migrator::upgrade_to_head`.
    #[divan::bench(args = NS)]
    fn lithify_upgrade(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        let migrator = fixtures::lithify_migrator(n);
        bencher
            .with_inputs(|| fixtures::FreshDb::new(&chain.scratch))
            .bench_local_values(|mut db| {
                common::lithify_upgrade(&mut db.conn, &migrator);
                db
            });
    }

    /// lithify: `upgrade_to_head` with `single_transaction(true)`.
    #[divan::bench(args = NS)]
    fn lithify_upgrade_one_tx(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        let migrator = fixtures::lithify_migrator(n);
        bencher
            .with_inputs(|| fixtures::FreshDb::new(&chain.scratch))
            .bench_local_values(|mut db| {
                common::lithify_upgrade_one_tx(&mut db.conn, &migrator);
                db
            });
    }

    /// diesel_migrations: `run_pending_migrations` on the directory.
    #[divan::bench(args = NS)]
    fn diesel_from_path(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        bencher
            .with_inputs(|| fixtures::FreshDb::new(&chain.scratch))
            .bench_local_values(|mut db| {
                common::diesel_from_path(&mut db.conn, &chain);
                db
            });
    }

    /// diesel_migrations: `run_pending_migrations` on an in-memory set
    /// (what `embed_migrations!` gives).
    #[divan::bench(args = NS)]
    fn diesel_embedded(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        let source = fixtures::mem_source(n);
        bencher
            .with_inputs(|| fixtures::FreshDb::new(&chain.scratch))
            .bench_local_values(|mut db| {
                common::diesel_embedded(&mut db.conn, source);
                db
            });
    }
}

#[divan::bench_group(sample_count = 100)]
mod check {
    use super::*;

    const NS: [usize; 3] = [100, 1_000, 10_000];

    /// lithify's `Migrator::check` with all N applied.
    #[divan::bench(args = NS)]
    fn lithify_check(bencher: divan::Bencher, n: usize) {
        let migrator = fixtures::lithify_migrator(n);
        let mut conn = fixtures::lithify_applied(n);
        bencher.bench_local(|| {
            let outcome = migrator.check(&mut conn).expect("lithify check");
            assert!(matches!(outcome, lithify::CheckOutcome::AtHead { .. }));
        });
    }

    /// `Migrator::check` on a new `Migrator` each time, as at a process's
    /// start (nothing cached): the fast path must not need the graph.
    #[divan::bench(args = NS)]
    fn lithify_check_new_migrator(bencher: divan::Bencher, n: usize) {
        let mut conn = fixtures::lithify_applied(n);
        bencher.bench_local(|| {
            let migrator = fixtures::lithify_migrator(n);
            let outcome = migrator.check(&mut conn).expect("lithify check");
            assert!(matches!(outcome, lithify::CheckOutcome::AtHead { .. }));
        });
    }

    /// The full verification the check falls back to when the chain state
    /// does not match (`Migrator::applied`: read every row, verify each),
    /// graph already built.
    #[divan::bench(args = NS)]
    fn lithify_full_verification(bencher: divan::Bencher, n: usize) {
        let migrator = fixtures::lithify_migrator(n);
        let mut conn = fixtures::lithify_applied(n);
        bencher.bench_local(|| {
            let applied = migrator.applied(&mut conn).expect("lithify applied");
            assert!(applied.iter().all(|a| *a));
        });
    }

    /// Part of the full verification: building the chain view (graph), once
    /// per `Migrator`; a new one each time, through `Migrator::history`,
    /// which builds it and reads nothing.
    #[divan::bench(args = NS)]
    fn lithify_part_view(bencher: divan::Bencher, n: usize) {
        bencher.bench_local(|| {
            let migrator = fixtures::lithify_migrator(n);
            migrator.history().expect("history").len()
        });
    }

    /// Breakdown of `lithify_check`: loading every bookkeeping row alone.
    #[divan::bench(args = NS)]
    fn lithify_part_load_rows(bencher: divan::Bencher, n: usize) {
        let migrator = fixtures::lithify_migrator(n);
        let mut conn = fixtures::lithify_applied(n);
        bencher.bench_local(|| {
            let rows = conn.load_bookkeeping(migrator.table()).expect("load rows");
            assert_eq!(rows.len(), n);
            rows
        });
    }

    /// diesel's `has_pending_migration` on an in-memory (embedded) set with
    /// all N applied.
    #[divan::bench(args = NS)]
    fn diesel_embedded(bencher: divan::Bencher, n: usize) {
        let source = fixtures::mem_source(n);
        let mut conn = fixtures::diesel_applied(n);
        bencher.bench_local(|| {
            let pending = conn.has_pending_migration(source).expect("diesel check");
            assert!(!pending);
        });
    }

    /// diesel's `has_pending_migration` reading the directory each time.
    #[divan::bench(args = NS)]
    fn diesel_from_path(bencher: divan::Bencher, n: usize) {
        let chain = fixtures::chain(n);
        let mut conn = fixtures::diesel_applied(n);
        bencher.bench_local(|| {
            let source = FileBasedMigrations::from_path(&chain.dir).expect("from_path");
            let pending = conn.has_pending_migration(source).expect("diesel check");
            assert!(!pending);
        });
    }
}
