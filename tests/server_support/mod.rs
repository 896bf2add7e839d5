//! Helpers shared by the server tests (tests/postgres.rs, tests/mysql.rs,
//! tests/adopt.rs): fixture migration directories, compiled migrators, the
//! `lithify` binary, and one throw-away database per test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use lithify::Migrator;
use lithify_build::Builder;

/// The reference job-board chain of this repository.
pub fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// Compile `dir` like a build script would and make a quiet migrator of it.
/// Without the lint: the fixtures are written for the engine they run on
/// (and some to fail on it), and the lint reads every dialect.
pub fn migrator_for(dir: &Path) -> Migrator {
    let chain = match Builder::new(dir).lint(false).compile() {
        Ok(chain) => chain,
        Err(diags) => panic!("{} does not compile:\n{diags}", dir.display()),
    };
    Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true)
}

/// A database name no other test (or test run) uses.
pub fn unique_name(tag: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "lithify_{tag}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// `base` (scheme://user@host:port[/db][?...]) pointing at database `name`.
pub fn url_with_database(base: &str, name: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{scheme}://{}/{name}", &rest[..end])
}

/// `url` with `password` put in its user info (trust auth ignores it).
pub fn url_with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    match rest.split_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or(user);
            format!("{scheme}://{user}:{password}@{host}")
        }
        None => url.to_owned(),
    }
}

/// A migrations directory in a temporary directory, written revision by revision.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Add revision directory `name` with `files` (file name, contents).
    pub fn revision(self, name: &str, files: &[(&str, &str)]) -> Fixture {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).expect("revision dir");
        for (file, text) in files {
            std::fs::write(dir.join(file), text).expect("revision file");
        }
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn migrator(&self) -> Migrator {
        migrator_for(self.path())
    }
}

/// `lithify --dir DIR --database-url URL ARGS...` as a command.
pub fn lithify(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lithify"));
    cmd.arg("--dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run the `lithify` binary to completion.
pub fn run_lithify(dir: &Path, url: &str, args: &[&str]) -> Output {
    lithify(dir, url, args).output().expect("run lithify")
}

/// Start the `lithify` binary.
pub fn spawn_lithify(dir: &Path, url: &str, args: &[&str]) -> Child {
    lithify(dir, url, args).spawn().expect("spawn lithify")
}

/// stdout and stderr of a finished process, for assertions and messages.
pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Poll `f` every 50 ms until it is true or `limit` passes; returns its last value.
pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if f() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How many processes' output reports running revision `id` (not skipping it).
pub fn times_ran(outputs: &[Output], id: &str) -> usize {
    let needle = format!("-> {id}:");
    outputs
        .iter()
        .flat_map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| {
                    l.starts_with("upgrade ") && l.contains(&needle) && !l.contains("skipped")
                })
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .count()
}

/// A database server the suites make throw-away databases on; what differs
/// between PostgreSQL and MySQL for [`ServerDb`] lives here.
pub trait Server {
    /// diesel's connection type for this server.
    type Conn: diesel::Connection;
    /// Environment variable with the server's URL (no database).
    const URL_VAR: &'static str;
    /// URL used when that variable is not set.
    const DEFAULT_URL: &'static str;
    /// A database that always exists, for creating and dropping others.
    const ADMIN_DATABASE: &'static str;
    /// Appended to `DROP DATABASE IF EXISTS <name>` (PostgreSQL's
    /// `WITH (FORCE)` ends connections a test left open).
    const DROP_OPTIONS: &'static str;
}

/// PostgreSQL at POSTGRES_URL (tests/postgres.rs, tests/async_postgres.rs).
#[cfg(feature = "postgres")]
pub struct Postgres;

#[cfg(feature = "postgres")]
impl Server for Postgres {
    type Conn = diesel::pg::PgConnection;
    const URL_VAR: &'static str = "POSTGRES_URL";
    const DEFAULT_URL: &'static str = "postgres://postgres@127.0.0.1:5432";
    const ADMIN_DATABASE: &'static str = "postgres";
    const DROP_OPTIONS: &'static str = " WITH (FORCE)";
}

/// MySQL / MariaDB at MYSQL_URL.
#[cfg(feature = "mysql")]
pub struct Mysql;

#[cfg(feature = "mysql")]
impl Server for Mysql {
    type Conn = diesel::MysqlConnection;
    const URL_VAR: &'static str = "MYSQL_URL";
    const DEFAULT_URL: &'static str = "mysql://root@127.0.0.1:3306";
    const ADMIN_DATABASE: &'static str = "mysql";
    const DROP_OPTIONS: &'static str = "";
}

/// The server's URL, from [`Server::URL_VAR`] or its default.
pub fn server_base_url<S: Server>() -> String {
    std::env::var(S::URL_VAR).unwrap_or_else(|_| S::DEFAULT_URL.into())
}

/// A connection to the server's [`Server::ADMIN_DATABASE`].
pub fn admin_connection<S: Server>() -> S::Conn {
    let url = url_with_database(&server_base_url::<S>(), S::ADMIN_DATABASE);
    S::Conn::establish(&url)
        .unwrap_or_else(|e| panic!("connect to the server (set {}): {e}", S::URL_VAR))
}

/// A database of its own, dropped (connections and all) when the test ends.
pub struct ServerDb<S: Server> {
    /// Database name.
    pub name: String,
    /// URL of the database.
    pub url: String,
    server: std::marker::PhantomData<S>,
}

impl<S: Server> ServerDb<S> {
    /// Create a uniquely named database.
    pub fn new(tag: &str) -> ServerDb<S> {
        let name = unique_name(tag);
        admin_connection::<S>()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let url = url_with_database(&server_base_url::<S>(), &name);
        ServerDb {
            name,
            url,
            server: std::marker::PhantomData,
        }
    }

    /// A new connection to this database.
    pub fn conn(&self) -> S::Conn {
        S::Conn::establish(&self.url).expect("connect to the test database")
    }
}

impl<S: Server> Drop for ServerDb<S> {
    fn drop(&mut self) {
        let _ = admin_connection::<S>().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {}{}",
            self.name,
            S::DROP_OPTIONS
        ));
    }
}

/// One text column named `line`.
#[derive(diesel::QueryableByName)]
pub struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub line: String,
}

/// One integer column named `n`.
#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// The `line` column of every row `sql` returns.
pub fn lines<C>(conn: &mut C, sql: &str) -> Vec<String>
where
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, Line>,
{
    diesel::RunQueryDsl::load::<Line>(diesel::sql_query(sql), conn)
        .expect(sql)
        .into_iter()
        .map(|l| l.line)
        .collect()
}

/// The `n` column of the one row `sql` returns.
pub fn count<C>(conn: &mut C, sql: &str) -> i64
where
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, Count>,
{
    diesel::RunQueryDsl::get_result::<Count>(diesel::sql_query(sql), conn)
        .expect(sql)
        .n
}
