//! Fixtures and the measured work shared by the benchmark targets
//! (`chain`: divan; `apply_interleaved`: rounds that alternate the variants).
//! Each target uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use diesel::connection::SimpleConnection;
use diesel::migration::{
    Migration, MigrationMetadata, MigrationName, MigrationSource, MigrationVersion,
};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use lithify_bench::synth;
use sha2::{Digest, Sha256};

/// Seed of every benchmarked chain.
pub const SEED: u64 = 1;

pub mod fixtures {
    use super::*;

    /// A generated chain on disk, shared by every benchmark of one N.
    pub struct Chain {
        /// The migrations directory (diesel layout).
        pub dir: PathBuf,
        /// Scratch space for database files of this N.
        pub scratch: PathBuf,
        /// The revisions, in order.
        pub revisions: Vec<synth::Revision>,
        /// diesel version of each revision.
        pub versions: Vec<String>,
        _tmp: tempfile::TempDir,
    }

    type Registry = Mutex<HashMap<usize, Arc<Chain>>>;

    fn registry() -> &'static Registry {
        static REG: OnceLock<Registry> = OnceLock::new();
        REG.get_or_init(|| Mutex::new(HashMap::new()))
    }

    fn tmp_root() -> PathBuf {
        std::env::var_os("LITHIFY_BENCH_TMP")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir)
    }

    /// The chain of `n` revisions, generated on first use.
    pub fn chain(n: usize) -> Arc<Chain> {
        let mut reg = registry().lock().expect("fixture registry poisoned");
        reg.entry(n)
            .or_insert_with(|| {
                let root = tmp_root();
                fs::create_dir_all(&root).expect("create temp root");
                let tmp = tempfile::Builder::new()
                    .prefix(&format!("lithify-bench-{n}-"))
                    .tempdir_in(root)
                    .expect("create temp dir");
                let dir = tmp.path().join("migrations");
                let scratch = tmp.path().join("db");
                fs::create_dir(&scratch).expect("create scratch dir");
                let revisions = synth::generate_into(n, SEED, &dir).expect("write synthetic chain");
                // Sealed, as a released project's chain is: the build
                // verifies every seal, and lints only drafts (none here).
                lithify_build::seal_new(&dir).expect("seal the synthetic chain");
                let versions = revisions.iter().map(|r| r.version()).collect();
                Arc::new(Chain {
                    dir,
                    scratch,
                    revisions,
                    versions,
                    _tmp: tmp,
                })
            })
            .clone()
    }

    /// Removes every generated chain (statics are never dropped otherwise).
    pub fn cleanup() {
        registry()
            .lock()
            .expect("fixture registry poisoned")
            .clear();
        typed_registry()
            .lock()
            .expect("fixture registry poisoned")
            .clear();
    }

    /// The crate root the schema benchmarks give the builder (the chain's
    /// temporary directory: no diesel.toml), so they never read the
    /// benchmark crate's own directory.
    pub fn crate_root(dir: &Path) -> &Path {
        dir.parent().expect("the chain is in a temporary directory")
    }

    /// A mixed chain on disk (`synth::typed`: every other revision a
    /// `revision.toml` making the same change as the SQL chain's).
    pub struct TypedChain {
        /// The migrations directory.
        pub dir: PathBuf,
        _tmp: tempfile::TempDir,
    }

    type TypedRegistry = Mutex<HashMap<usize, Arc<TypedChain>>>;

    fn typed_registry() -> &'static TypedRegistry {
        static REG: OnceLock<TypedRegistry> = OnceLock::new();
        REG.get_or_init(|| Mutex::new(HashMap::new()))
    }

    /// The chain of `n` revisions with every other one typed, generated on
    /// first use (same seed as [`chain`], so the same changes).
    pub fn typed_chain(n: usize) -> Arc<TypedChain> {
        let mut reg = typed_registry().lock().expect("fixture registry poisoned");
        reg.entry(n)
            .or_insert_with(|| {
                let root = tmp_root();
                fs::create_dir_all(&root).expect("create temp root");
                let tmp = tempfile::Builder::new()
                    .prefix(&format!("lithify-bench-typed-{n}-"))
                    .tempdir_in(root)
                    .expect("create temp dir");
                let dir = tmp.path().join("migrations");
                synth::typed::generate_into(n, SEED, 2, &dir).expect("write mixed chain");
                lithify_build::seal_new(&dir).expect("seal the mixed chain");
                Arc::new(TypedChain { dir, _tmp: tmp })
            })
            .clone()
    }

    /// A copy of the reference chain (`migrations/`, lithify.lock left out)
    /// in a temporary directory; with `sql`, its typed revisions (2024-01-06
    /// and 2024-01-07) replaced by the same changes in SQL
    /// (`fixtures/reference_sql/`), as a diesel project has it.
    pub struct ReferenceChain {
        /// The migrations directory.
        pub dir: PathBuf,
        _tmp: tempfile::TempDir,
    }

    /// The reference chain's typed revisions, which `fixtures/reference_sql`
    /// holds as SQL.
    pub const REFERENCE_TYPED: [&str; 2] = [
        "2024-01-06-000000_require_jobs_salary_currency",
        "2024-01-07-000000_track_applications",
    ];

    /// Copies `from` to `to`, every file but `lithify.lock`.
    pub fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("create dir");
        for entry in fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("dir entry");
            let (src, dst) = (entry.path(), to.join(entry.file_name()));
            if src.is_dir() {
                copy_dir(&src, &dst);
            } else if entry.file_name() != "lithify.lock" {
                fs::copy(&src, &dst).expect("copy file");
            }
        }
    }

    /// Writes the reference chain into `dir` (see [`ReferenceChain`]).
    pub fn write_reference_chain(dir: &Path, sql: bool) {
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&crate_dir.join("../../migrations"), dir);
        if sql {
            for rev in REFERENCE_TYPED {
                fs::remove_dir_all(dir.join(rev)).expect("remove typed revision");
                copy_dir(
                    &crate_dir.join("fixtures/reference_sql").join(rev),
                    &dir.join(rev),
                );
            }
        }
    }

    /// A new copy of the reference chain (see [`ReferenceChain`]).
    pub fn reference_chain(sql: bool) -> ReferenceChain {
        let root = tmp_root();
        fs::create_dir_all(&root).expect("create temp root");
        let tmp = tempfile::Builder::new()
            .prefix("lithify-bench-reference-")
            .tempdir_in(root)
            .expect("create temp dir");
        let dir = tmp.path().join("migrations");
        write_reference_chain(&dir, sql);
        ReferenceChain { dir, _tmp: tmp }
    }

    /// What `lithify schema --dialect sqlite` does in its process: compile
    /// the chain for SQLite, then `lithify_build::schema::generate`.
    pub fn schema_command(dir: &Path) -> Vec<lithify_build::schema::GeneratedSchema> {
        let chain = lithify_build::Builder::new(dir)
            .dialects([lithify_build::Dialect::Sqlite])
            .crate_root(crate_root(dir))
            .compile()
            .expect("lithify compiles");
        lithify_build::schema::generate(
            &chain,
            crate_root(dir),
            lithify_build::Dialect::Sqlite,
            None,
        )
        .expect("schema")
    }

    /// The builder of a SQLite application with its schema module: one
    /// dialect, the schema of that dialect (the fold and diesel's `table!`
    /// printer run).
    pub fn schema_builder(dir: &Path) -> lithify_build::Builder {
        lithify_build::Builder::new(dir)
            .dialects([lithify_build::Dialect::Sqlite])
            .schema_dialect(lithify_build::Dialect::Sqlite)
            .crate_root(crate_root(dir))
    }

    /// A SQLite file that did not exist before, with an open connection
    /// (default settings); the file is removed on drop, outside the timing.
    pub struct FreshDb {
        pub conn: SqliteConnection,
        path: PathBuf,
    }

    impl FreshDb {
        pub fn new(scratch: &Path) -> Self {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let path = scratch.join(format!("{}.sqlite3", NEXT.fetch_add(1, Ordering::Relaxed)));
            let conn = SqliteConnection::establish(&path.to_string_lossy())
                .expect("open fresh SQLite file");
            Self { conn, path }
        }
    }

    impl Drop for FreshDb {
        fn drop(&mut self) {
            let _ = fs::remove_file(&self.path);
            let mut journal = self.path.clone().into_os_string();
            journal.push("-journal");
            let _ = fs::remove_file(journal);
        }
    }

    /// A migration held in memory, as `embed_migrations!` holds it (a static
    /// string per file), so diesel can be measured without reading the disk.
    pub struct MemMigration {
        pub version: String,
        pub name: String,
        pub up: String,
        pub down: String,
    }

    impl std::fmt::Display for MemMigration {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.name)
        }
    }

    impl MigrationName for MemMigration {
        fn version(&self) -> MigrationVersion<'_> {
            MigrationVersion::from(&self.version)
        }
    }

    impl MigrationMetadata for MemMigration {}

    impl Migration<Sqlite> for MemMigration {
        fn run(
            &self,
            conn: &mut dyn diesel::connection::BoxableConnection<Sqlite>,
        ) -> diesel::migration::Result<()> {
            Ok(conn.batch_execute(&self.up)?)
        }
        fn revert(
            &self,
            conn: &mut dyn diesel::connection::BoxableConnection<Sqlite>,
        ) -> diesel::migration::Result<()> {
            Ok(conn.batch_execute(&self.down)?)
        }
        fn metadata(&self) -> &dyn MigrationMetadata {
            self
        }
        fn name(&self) -> &dyn MigrationName {
            self
        }
    }

    /// The in-memory set: `migrations()` boxes references, as
    /// `EmbeddedMigrations` does.
    #[derive(Clone, Copy)]
    pub struct MemSource(pub &'static [MemMigration]);

    impl MigrationSource<Sqlite> for MemSource {
        fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<Sqlite>>>> {
            Ok(self
                .0
                .iter()
                .map(|m| {
                    Box::new(m as &'static dyn Migration<Sqlite>) as Box<dyn Migration<Sqlite>>
                })
                .collect())
        }
    }

    /// The in-memory set for `n` revisions, built once (and leaked, to be
    /// `'static` like an embedded set).
    pub fn mem_source(n: usize) -> MemSource {
        static SETS: OnceLock<Mutex<HashMap<usize, MemSource>>> = OnceLock::new();
        let mut sets = SETS
            .get_or_init(|| Mutex::new(HashMap::new()))
            .lock()
            .expect("mem sets poisoned");
        *sets.entry(n).or_insert_with(|| {
            let chain = chain(n);
            let set: Vec<MemMigration> = chain
                .revisions
                .iter()
                .map(|r| MemMigration {
                    version: r.version(),
                    name: r.dir_name.clone(),
                    up: r.up_sql.clone(),
                    down: r.down_sql.clone(),
                })
                .collect();
            MemSource(Box::leak(set.into_boxed_slice()))
        })
    }

    /// The chain of `n` compiled by lithify and turned into the `'static`
    /// form the generated module embeds, built once per N.
    pub fn lithify_migrator(n: usize) -> lithify::Migrator {
        static SETS: OnceLock<Mutex<HashMap<usize, &'static lithify::EmbeddedChain>>> =
            OnceLock::new();
        let mut sets = SETS
            .get_or_init(|| Mutex::new(HashMap::new()))
            .lock()
            .expect("lithify chains poisoned");
        let embedded = *sets.entry(n).or_insert_with(|| {
            let chain = chain(n);
            let compiled = lithify_build::Builder::new(&chain.dir)
                .compile()
                .expect("lithify compiles the synthetic chain");
            lithify::leak::leak_chain(&compiled)
        });
        lithify::Migrator::new(embedded).quiet(true)
    }

    /// A SQLite file with all `n` revisions applied by lithify (without
    /// fsync, since only the result matters), and a connection to it opened
    /// with default settings.
    pub fn lithify_applied(n: usize) -> SqliteConnection {
        let chain = chain(n);
        let path = chain.scratch.join(format!("lithify-applied-{n}.sqlite3"));
        if !path.exists() {
            let mut setup = SqliteConnection::establish(&path.to_string_lossy())
                .expect("open setup connection");
            setup
                .batch_execute("PRAGMA synchronous = OFF")
                .expect("pragma");
            lithify_migrator(n)
                .upgrade_to_head(&mut setup)
                .expect("lithify applies the chain");
        }
        SqliteConnection::establish(&path.to_string_lossy()).expect("open applied database")
    }

    /// A SQLite file with all `n` revisions applied by diesel (applied without
    /// fsync, since only the result matters), and a connection to it opened
    /// with default settings.
    pub fn diesel_applied(n: usize) -> SqliteConnection {
        let chain = chain(n);
        let path = chain.scratch.join(format!("diesel-applied-{n}.sqlite3"));
        if !path.exists() {
            let mut setup = SqliteConnection::establish(&path.to_string_lossy())
                .expect("open setup connection");
            setup
                .batch_execute("PRAGMA synchronous = OFF")
                .expect("pragma");
            setup
                .run_pending_migrations(mem_source(n))
                .expect("diesel applies the chain");
        }
        SqliteConnection::establish(&path.to_string_lossy()).expect("open applied database")
    }
}

/// The floor of the build-time work: list the directory (sorted), read and
/// SHA-256 every file in it and in its revision directories (`lithify.lock`
/// included).
pub fn hash_chain(dir: &Path) -> Vec<[u8; 32]> {
    fn sorted(dir: &Path) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        entries
    }
    let mut digests = Vec::new();
    for entry in sorted(dir) {
        let files = if entry.is_dir() {
            sorted(&entry)
        } else {
            vec![entry]
        };
        for file in files {
            let bytes = fs::read(&file).expect("read migration file");
            digests.push(Sha256::digest(&bytes).into());
        }
    }
    digests
}

pub const BOOKKEEPING_DDL: &str = "CREATE TABLE IF NOT EXISTS bench_migrations (\
     version VARCHAR(50) PRIMARY KEY NOT NULL, \
     run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";
pub const BOOKKEEPING_INSERT: &str = "INSERT INTO bench_migrations (version) VALUES (?)";

pub fn record(conn: &mut SqliteConnection, version: &str) -> QueryResult<usize> {
    diesel::sql_query(BOOKKEEPING_INSERT)
        .bind::<Text, _>(version)
        .execute(conn)
}

/// Floor: each up.sql in its own transaction with its bookkeeping insert.
pub fn floor_tx_each(conn: &mut SqliteConnection, chain: &fixtures::Chain) {
    conn.batch_execute(BOOKKEEPING_DDL)
        .expect("bookkeeping table");
    for (rev, version) in chain.revisions.iter().zip(&chain.versions) {
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            c.batch_execute(&rev.up_sql)?;
            record(c, version)?;
            Ok(())
        })
        .expect("apply revision");
    }
}

/// Floor of the one-transaction mode: every up.sql and bookkeeping insert in
/// a single transaction.
pub fn floor_one_tx(conn: &mut SqliteConnection, chain: &fixtures::Chain) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        c.batch_execute(BOOKKEEPING_DDL)?;
        for (rev, version) in chain.revisions.iter().zip(&chain.versions) {
            c.batch_execute(&rev.up_sql)?;
            record(c, version)?;
        }
        Ok(())
    })
    .expect("apply chain");
}

/// diesel_migrations' `run_pending_migrations` from the directory.
pub fn diesel_from_path(conn: &mut SqliteConnection, chain: &fixtures::Chain) {
    let source = FileBasedMigrations::from_path(&chain.dir).expect("from_path");
    let applied = conn.run_pending_migrations(source).expect("diesel applies");
    assert_eq!(applied.len(), chain.revisions.len());
}

/// diesel_migrations' `run_pending_migrations` from an embedded-like set.
pub fn diesel_embedded(conn: &mut SqliteConnection, source: fixtures::MemSource) {
    let applied = conn.run_pending_migrations(source).expect("diesel applies");
    assert_eq!(applied.len(), source.0.len());
}

/// lithify's `Migrator::upgrade_to_head`.
pub fn lithify_upgrade(conn: &mut SqliteConnection, migrator: &lithify::Migrator) {
    migrator.upgrade_to_head(conn).expect("lithify applies");
}

/// lithify's `Migrator::upgrade_to_head` with `single_transaction(true)`:
/// the whole run in one transaction (compare with `floor_one_tx`).
pub fn lithify_upgrade_one_tx(conn: &mut SqliteConnection, migrator: &lithify::Migrator) {
    migrator
        .clone()
        .single_transaction(true)
        .upgrade_to_head(conn)
        .expect("lithify applies in one transaction");
}

/// The numbers in environment variable `name` (comma-separated), or `default`
/// when it is unset: how a run picks its N values and round counts.
pub fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(v) => v
            .split(',')
            .map(|x| x.trim().parse().expect("a comma-separated list of numbers"))
            .collect(),
        Err(_) => default.to_vec(),
    }
}

/// Median of `xs` (mean of the middle two for an even count).
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}
