//! The schema model on generated chains (`synth::schema`): each engine's
//! chain folds without a note or an unknown table (the generator writes
//! only forms the fold follows), and `lithify::verify::verify` applies it
//! to a new database revision by revision, finding the engine's catalog
//! equal to the model after every one. SQLite always; PostgreSQL and
//! MySQL / MariaDB with the `postgres` and `mysql` features (CI's
//! `--all-features`), on `$POSTGRES_URL` and `$MYSQL_URL`.
//!
//! `LITHIFY_SCHEMA_CHAIN_SEED` and `LITHIFY_SCHEMA_CHAIN_REVISIONS` try
//! other chains (a failure prints the revision and its SQL).

use lithify::verify::{mysql_flavor, verify};
use lithify::MigrationConnection;
use lithify_bench::synth::{self, schema};
use lithify_build::Builder;
use lithify_schema::fold::{Fold, RevisionSql};

/// Revisions per chain: enough for every kind of change many times over,
/// few enough to verify in seconds.
const REVISIONS: usize = 250;

/// `name` from the environment, else `default`.
fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Generate `engine`'s chain, check its fold, and verify it on `conn` (an
/// empty database).
fn fold_and_verify<C: MigrationConnection>(engine: schema::Engine, seed: u64, conn: &mut C) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("migrations");
    let seed = setting("LITHIFY_SCHEMA_CHAIN_SEED", seed);
    let n = setting("LITHIFY_SCHEMA_CHAIN_REVISIONS", REVISIONS);
    let revisions = schema::generate(engine, n, seed);
    synth::write_chain(&revisions, &dir).expect("write chain");
    // Without the lint: the chain is written for one engine.
    let chain = Builder::new(&dir)
        .lint(false)
        .compile()
        .unwrap_or_else(|d| panic!("the generated chain does not compile:\n{d}"));
    let dialect = conn.sql_dialect().dialect();
    let flavor = mysql_flavor(conn).expect("server version");

    let mut fold = Fold::new(dialect).with_mysql_flavor(flavor);
    for rev in &chain.revisions {
        let file = rev.dir.join("up.sql");
        fold.apply(&RevisionSql {
            revision: &rev.id,
            file: &file,
            sql: rev.up.for_dialect(dialect).unwrap_or_default(),
        });
    }
    let notes: Vec<String> = fold
        .notes()
        .iter()
        .map(|n| format!("{}:{}: {}", n.file.display(), n.line, n.message))
        .collect();
    assert!(
        notes.is_empty(),
        "the fold did not follow:\n{}",
        notes.join("\n")
    );
    assert!(fold.schema().tables.len() > 5, "a chain that builds little");
    assert!(fold.schema().known_tables().count() == fold.schema().tables.len());

    let migrator = lithify::Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true);
    let report = verify(&migrator, &chain, conn).expect("apply the chain");
    if let Some(d) = report.disagreement {
        panic!(
            "after {} ({}) the model and {dialect} disagree (- model, + engine):\n  {}\nits SQL:\n{}",
            d.revision,
            d.file.display(),
            d.differences.join("\n  "),
            std::fs::read_to_string(&d.file).unwrap_or_default()
        );
    }
    assert_eq!(report.revisions, n);
    assert!(report.unchecked.is_empty());
}

#[test]
fn sqlite_schema_chain_matches_sqlite() {
    use diesel::{Connection, SqliteConnection};
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("verify.sqlite3");
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).expect("open SQLite");
    fold_and_verify(schema::Engine::Sqlite, 11, &mut conn);
}

/// A database on a server, dropped with the test.
#[cfg(any(feature = "postgres", feature = "mysql"))]
struct ThrowAwayDb {
    admin: String,
    url: String,
    name: String,
    drop_options: &'static str,
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl ThrowAwayDb {
    /// `var` (default `default`) names the server, `admin_db` a database
    /// that always exists on it.
    fn new<C: diesel::Connection>(
        var: &str,
        default: &str,
        admin_db: &str,
        drop_options: &'static str,
    ) -> ThrowAwayDb {
        let base = std::env::var(var).unwrap_or_else(|_| default.to_owned());
        let with_db = |db: &str| {
            let (scheme, rest) = base.split_once("://").expect("URL with a scheme");
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            format!("{scheme}://{}/{db}", &rest[..end])
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("lithify_schema_chain_{}_{nanos}", std::process::id());
        let admin = with_db(admin_db);
        diesel::connection::SimpleConnection::batch_execute(
            &mut C::establish(&admin)
                .unwrap_or_else(|e| panic!("connect to the server (set {var}): {e}")),
            &format!("CREATE DATABASE {name}"),
        )
        .expect("create database");
        ThrowAwayDb {
            url: with_db(&name),
            admin,
            name,
            drop_options,
        }
    }
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_schema_chain_matches_postgres() {
    use diesel::{Connection, PgConnection};
    let db = ThrowAwayDb::new::<PgConnection>(
        "POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432",
        "postgres",
        " WITH (FORCE)",
    );
    let mut conn = PgConnection::establish(&db.url).expect("connect");
    fold_and_verify(schema::Engine::Postgres, 12, &mut conn);
    drop(conn);
    drop_db::<PgConnection>(&db);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_schema_chain_matches_the_server() {
    use diesel::{Connection, MysqlConnection};
    let db = ThrowAwayDb::new::<MysqlConnection>(
        "MYSQL_URL",
        "mysql://root@127.0.0.1:3306",
        "mysql",
        "",
    );
    let mut conn = MysqlConnection::establish(&db.url).expect("connect");
    fold_and_verify(schema::Engine::Mysql, 13, &mut conn);
    drop(conn);
    drop_db::<MysqlConnection>(&db);
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn drop_db<C: diesel::Connection>(db: &ThrowAwayDb) {
    if let Ok(mut admin) = C::establish(&db.admin) {
        let _ = diesel::connection::SimpleConnection::batch_execute(
            &mut admin,
            &format!("DROP DATABASE IF EXISTS {}{}", db.name, db.drop_options),
        );
    }
}
