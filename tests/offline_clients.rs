//! The offline script is what a DBA runs by hand: `lithify sql` of every
//! chain the tests have (the reference chain, generated chains, and
//! hand-written edge cases: no final `;`, a final comment, a final `$$` or
//! trigger body, an empty revision) piped into the engine's own client
//! (`sqlite3 -bail`, `psql -v ON_ERROR_STOP=1`, `mariadb`) on an empty
//! database of its own. Then `lithify check` must exit 0 there, and the
//! schema must equal an online `upgrade head`'s, as replay's introspection
//! describes it.
#![cfg(all(feature = "cli", feature = "sqlite"))]

mod server_support;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use lithify::connect::{with_connection, WithConnection};
use lithify::{DatabaseUrl, MigrationConnection};
use server_support::*;

/// An empty database for one side of a comparison, and how its engine's
/// client is started on it.
trait Scratch {
    /// The URL lithify connects with.
    fn url(&self) -> String;
    /// The engine's client, reading a script on stdin and stopping at the
    /// first error.
    fn client(&self) -> Command;
    /// `lithify sql --dialect <this>`.
    fn dialect(&self) -> &'static str;
}

struct SqliteFile {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl SqliteFile {
    fn new() -> SqliteFile {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("app.db");
        SqliteFile { _dir: dir, path }
    }
}

impl Scratch for SqliteFile {
    fn url(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    fn client(&self) -> Command {
        let mut c = Command::new("sqlite3");
        c.arg("-bail").arg(&self.path);
        c
    }

    fn dialect(&self) -> &'static str {
        "sqlite"
    }
}

/// `sql` of `dir` into the client on an empty database, `check` there, and
/// the schema compared with an online upgrade on another empty database.
fn offline_equals_online(dir: &Path, online: &dyn Scratch, offline: &dyn Scratch) {
    let up = run_lithify(dir, &online.url(), &["upgrade", "head"]);
    assert!(up.status.success(), "online upgrade: {}", text(&up));

    let sql = run_lithify(
        dir,
        &offline.url(),
        &["sql", "--dialect", offline.dialect()],
    );
    assert!(sql.status.success(), "sql: {}", text(&sql));
    run_client(offline, &sql.stdout);

    let check = run_lithify(dir, &offline.url(), &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "check after the script: {}",
        text(&check)
    );
    let expected = schema(&online.url());
    assert!(!expected.is_empty(), "the chain makes a schema");
    assert_eq!(schema(&offline.url()), expected);

    // And back down, both ways.
    let down = run_lithify(dir, &online.url(), &["downgrade", "base"]);
    assert!(down.status.success(), "online downgrade: {}", text(&down));
    let sql = run_lithify(
        dir,
        &offline.url(),
        &["sql", "--downgrade", "--dialect", offline.dialect()],
    );
    assert!(sql.status.success(), "sql --downgrade: {}", text(&sql));
    run_client(offline, &sql.stdout);
    let current = run_lithify(dir, &offline.url(), &["current"]);
    assert!(
        current.status.success(),
        "current after the script: {}",
        text(&current)
    );
    assert_eq!(String::from_utf8_lossy(&current.stdout).trim(), "<base>");
    assert_eq!(schema(&offline.url()), schema(&online.url()));
}

/// Pipe `script` into the client; it must run to the end (each client
/// exits non-zero at the first error; notices on stderr are no error).
fn run_client(db: &dyn Scratch, script: &[u8]) {
    let mut child = db
        .client()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "start the {} client (scripts/setup.sh installs it): {e}",
                db.dialect()
            )
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script)
        .expect("write the script");
    let out = child.wait_with_output().expect("client");
    assert!(
        out.status.success(),
        "the {} client stopped on the script:\n{}\n--- script\n{}",
        db.dialect(),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(script)
    );
}

/// The schema as `replay` compares it (bookkeeping left out).
fn schema(url: &str) -> Vec<String> {
    struct Load;
    impl WithConnection for Load {
        type Output = Vec<String>;
        fn run<C: MigrationConnection>(self, conn: &mut C) -> Vec<String> {
            conn.load_schema(lithify::DEFAULT_TABLE).expect("schema")
        }
    }
    let url = DatabaseUrl::parse(url).expect("url");
    with_connection(&url, Load).expect("connect")
}

/// Revisions whose SQL ends the ways real files do: without `;`, with a
/// comment (holding a `;`) after the last statement, with a block comment,
/// with a `$$` function body (PostgreSQL) or a trigger body (SQLite), with
/// `#` comments and backslash escapes (MySQL), empty, and outside a
/// transaction.
fn edge_cases() -> Fixture {
    Fixture::new()
        .revision(
            "0001_no_final_semicolon",
            &[
                ("up.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY, note VARCHAR(40))"),
                ("down.sql", "DROP TABLE a"),
            ],
        )
        .revision(
            "0002_final_comment",
            &[
                (
                    "up.sql",
                    "CREATE TABLE b (id INTEGER PRIMARY KEY)\n-- no semicolon above\n-- and this comment ends with one;\n",
                ),
                ("down.sql", "DROP TABLE b -- a comment; on the same line\n"),
            ],
        )
        .revision(
            "0003_block_comment",
            &[
                (
                    "up.sql",
                    "INSERT INTO a (id, note) VALUES (1, 'semi; colon')\n/* a block comment; last */\n",
                ),
                ("down.sql", "DELETE FROM a WHERE id = 1 /* inline; */"),
            ],
        )
        .revision(
            "0004_bodies",
            &[
                (
                    "up.postgres.sql",
                    "CREATE FUNCTION answer() RETURNS integer AS $$\nSELECT 42;\n$$ LANGUAGE sql",
                ),
                ("down.postgres.sql", "DROP FUNCTION answer()"),
                (
                    "up.sqlite.sql",
                    "CREATE TRIGGER a_note AFTER INSERT ON a BEGIN\n  \
                     UPDATE a SET note = 'x; y' WHERE id = new.id AND note IS NULL;\nEND",
                ),
                ("down.sqlite.sql", "DROP TRIGGER a_note"),
                (
                    "up.mysql.sql",
                    "INSERT INTO a (id, note) VALUES (2, 'it\\'s; \"quoted\"') # a MySQL comment;\n",
                ),
                ("down.mysql.sql", "DELETE FROM a WHERE id = 2 # done;"),
            ],
        )
        .revision(
            "0005_empty",
            &[("up.sql", "-- nothing to do here\n"), ("down.sql", "")],
        )
        .revision(
            "0006_outside_a_transaction",
            &[
                ("metadata.toml", "run_in_transaction = false\n"),
                (
                    "up.postgres.sql",
                    "CREATE INDEX CONCURRENTLY a_note_idx ON a (note)\n-- concurrently: outside a transaction\n",
                ),
                ("up.sql", "CREATE INDEX a_note_idx ON a (note)"),
                ("down.sql", "DROP INDEX a_note_idx"),
                ("down.mysql.sql", "DROP INDEX a_note_idx ON a"),
            ],
        )
        .revision(
            "0007_doubled_semicolons",
            &[
                ("up.sql", "CREATE TABLE c (id INTEGER PRIMARY KEY);;\n\n"),
                ("down.sql", "DROP TABLE c;"),
            ],
        )
}

/// Generated chains: the benchmarks' synthetic SQL (SQLite and PostgreSQL's
/// shared subset).
fn generated(revisions: usize, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    lithify_bench::synth::generate_into(revisions, seed, dir.path()).expect("synthetic chain");
    dir
}

#[test]
fn sqlite_reference_chain() {
    offline_equals_online(&reference_dir(), &SqliteFile::new(), &SqliteFile::new());
}

#[test]
fn sqlite_edge_cases() {
    offline_equals_online(edge_cases().path(), &SqliteFile::new(), &SqliteFile::new());
}

#[test]
fn sqlite_generated_chains() {
    for seed in [1, 7] {
        let chain = generated(80, seed);
        offline_equals_online(chain.path(), &SqliteFile::new(), &SqliteFile::new());
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;

    impl Scratch for ServerDb<Postgres> {
        fn url(&self) -> String {
            self.url.clone()
        }

        fn client(&self) -> Command {
            let mut c = Command::new("psql");
            c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.url]);
            c
        }

        fn dialect(&self) -> &'static str {
            "postgres"
        }
    }

    fn db() -> ServerDb<Postgres> {
        ServerDb::new("pg_offline")
    }

    #[test]
    fn reference_chain() {
        offline_equals_online(&reference_dir(), &db(), &db());
    }

    #[test]
    fn edge_cases() {
        offline_equals_online(super::edge_cases().path(), &db(), &db());
    }

    #[test]
    fn generated_chains() {
        for seed in [1, 7] {
            let chain = generated(80, seed);
            offline_equals_online(chain.path(), &db(), &db());
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;

    impl Scratch for ServerDb<Mysql> {
        fn url(&self) -> String {
            self.url.clone()
        }

        /// The client takes no URL: user, password, host and port from it.
        fn client(&self) -> Command {
            let rest = self.url.split_once("://").map_or(&*self.url, |(_, r)| r);
            let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
            let (user_info, host_port) = authority.rsplit_once('@').unwrap_or(("root", authority));
            let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
            let (host, port) = host_port.split_once(':').unwrap_or((host_port, "3306"));
            let mut c = Command::new("mariadb");
            c.args(["--batch", "--host", host, "--port", port, "--user", user]);
            if !password.is_empty() {
                c.arg(format!("--password={password}"));
            }
            c.arg(&self.name);
            c
        }

        fn dialect(&self) -> &'static str {
            "mysql"
        }
    }

    fn db() -> ServerDb<Mysql> {
        ServerDb::new("my_offline")
    }

    #[test]
    fn reference_chain() {
        offline_equals_online(&reference_dir(), &db(), &db());
    }

    #[test]
    fn edge_cases() {
        offline_equals_online(super::edge_cases().path(), &db(), &db());
    }
}
