//! Shared helpers of the SQLite run-time tests: fixture migration directories in tempdirs, compiled with
//! lithify_build and leaked into a `'static` chain (as the `lithify` binary does).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;
use lithify::Migrator;

/// One fixture revision: (name, up.sql, down.sql).
pub type Rev<'a> = (&'a str, &'a str, &'a str);

/// A tempdir holding `migrations/` and a database file.
pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub db: PathBuf,
}

impl Fixture {
    /// Two revisions; the second runs outside a transaction
    /// (`run_in_transaction = false`) and fails after creating its table, so
    /// it is left `started` with part of its work done.
    pub fn failing_outside_a_transaction() -> Fixture {
        let fx = Fixture::new(&[
            ("one", "CREATE TABLE t1 (id INTEGER);", "DROP TABLE t1;"),
            (
                "two",
                "CREATE TABLE t2 (id INTEGER);\nINSERT INTO missing VALUES (1);",
                "DROP TABLE t2;",
            ),
        ]);
        std::fs::write(
            fx.dir.join("0002_two/metadata.toml"),
            "run_in_transaction = false\n",
        )
        .expect("metadata");
        fx
    }

    pub fn new(revisions: &[Rev<'_>]) -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("migrations");
        std::fs::create_dir_all(&dir).expect("mkdir");
        for (i, (name, up, down)) in revisions.iter().enumerate() {
            let rev = dir.join(format!("{:04}_{name}", i + 1));
            std::fs::create_dir_all(&rev).expect("mkdir rev");
            std::fs::write(rev.join("up.sql"), up).expect("up.sql");
            std::fs::write(rev.join("down.sql"), down).expect("down.sql");
        }
        let db = tmp.path().join("test.db");
        Fixture { tmp, dir, db }
    }

    pub fn migrator(&self) -> Migrator {
        migrator_for(&self.dir)
    }

    pub fn conn(&self) -> SqliteConnection {
        SqliteConnection::establish(&self.db.to_string_lossy()).expect("open db")
    }

    /// `lithify --dir <migrations> --database-url <db> <args>`, run in the
    /// fixture's directory and blind to the environment's DATABASE_URL.
    pub fn lithify(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lithify"));
        command
            .arg("--dir")
            .arg(&self.dir)
            .arg("--database-url")
            .arg(&self.db)
            .args(args)
            .env_remove("DATABASE_URL")
            .current_dir(self.tmp.path());
        command
    }

    /// Hold the database's `<db>-lithify-lock` as another migrator would,
    /// until the returned file is dropped.
    pub fn hold_migration_lock(&self) -> std::fs::File {
        let mut name = self.db.as_os_str().to_owned();
        name.push("-lithify-lock");
        let file = std::fs::File::create(name).expect("lock file");
        file.lock().expect("lock");
        file
    }
}

/// A quiet migrator over the chain compiled from `dir`.
pub fn migrator_for(dir: &Path) -> Migrator {
    let chain = lithify_build::Builder::new(dir)
        .compile()
        .unwrap_or_else(|d| panic!("fixture does not compile:\n{d}"));
    Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true)
}

/// The reference chain in this repository's `migrations/`.
pub fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// A simple linear chain of `n` revisions, each creating table `tN`.
pub fn tables_chain(n: usize) -> Vec<(String, String, String)> {
    (1..=n)
        .map(|i| {
            (
                format!("create_t{i}"),
                format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY);"),
                format!("DROP TABLE t{i};"),
            )
        })
        .collect()
}

pub fn as_revs(v: &[(String, String, String)]) -> Vec<Rev<'_>> {
    v.iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect()
}

#[derive(QueryableByName, Debug, PartialEq, Eq, Clone)]
pub struct SchemaRow {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub sql: Option<String>,
}

/// The schema (sqlite_master), bookkeeping table included, sorted.
pub fn schema(conn: &mut SqliteConnection) -> Vec<SchemaRow> {
    diesel::sql_query("SELECT type AS kind, name, sql FROM sqlite_master ORDER BY type, name")
        .load(conn)
        .expect("schema")
}

/// Table names, bookkeeping (and its chain-state table) excluded.
pub fn tables(conn: &mut SqliteConnection) -> Vec<String> {
    schema(conn)
        .into_iter()
        .filter(|r| r.kind == "table" && !r.name.starts_with("lithify_revisions"))
        .map(|r| r.name)
        .collect()
}

#[derive(QueryableByName, Debug)]
pub struct IdRow {
    #[diesel(sql_type = Text)]
    pub id: String,
}

/// Ids recorded in the bookkeeping table, sorted.
pub fn recorded(conn: &mut SqliteConnection) -> Vec<String> {
    let mut ids: Vec<String> = diesel::sql_query("SELECT id FROM lithify_revisions ORDER BY id")
        .load::<IdRow>(conn)
        .expect("bookkeeping")
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

pub fn exec(conn: &mut SqliteConnection, sql: &str) {
    conn.batch_execute(sql).expect("exec");
}
