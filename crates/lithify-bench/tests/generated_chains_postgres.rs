//! The synthetic SQL on PostgreSQL: a generated chain applies up, down and up
//! again on a throw-away database. Built only with the `postgres` feature
//! (CI's `--all-features`); the server is `$POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432`).
#![cfg(feature = "postgres")]

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use lithify_bench::synth;

fn server_url() -> String {
    std::env::var("POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// `base` with its database replaced by `name`.
fn url_for(base: &str, name: &str) -> String {
    let (scheme, rest) = base.split_once("://").expect("URL with a scheme");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{scheme}://{}/{name}", &rest[..end])
}

/// A database that exists for one test and is dropped afterwards.
struct ThrowAwayDb {
    name: String,
}

impl ThrowAwayDb {
    fn new() -> ThrowAwayDb {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("lithify_bench_{}_{nanos}", std::process::id());
        let mut admin = PgConnection::establish(&url_for(&server_url(), "postgres"))
            .expect("connect to PostgreSQL (set POSTGRES_URL)");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        ThrowAwayDb { name }
    }

    fn connect(&self) -> PgConnection {
        PgConnection::establish(&url_for(&server_url(), &self.name)).expect("connect to test db")
    }
}

impl Drop for ThrowAwayDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&url_for(&server_url(), "postgres")) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// Tables, columns with types and defaults, and index definitions of `public`.
fn schema(conn: &mut PgConnection) -> Vec<String> {
    diesel::sql_query(
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || \
                is_nullable || ' ' || coalesce(column_default, '') AS line \
         FROM information_schema.columns WHERE table_schema = 'public' \
         UNION ALL SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' \
         ORDER BY line",
    )
    .load::<Line>(conn)
    .expect("read schema")
    .into_iter()
    .map(|l| l.line)
    .collect()
}

#[test]
fn chain_applies_up_down_up_on_postgres() {
    let chain = synth::generate(500, 2);
    let db = ThrowAwayDb::new();
    let mut conn = db.connect();
    let up = |conn: &mut PgConnection| {
        for rev in &chain {
            conn.transaction::<_, diesel::result::Error, _>(|c| c.batch_execute(&rev.up_sql))
                .unwrap_or_else(|e| panic!("up {}: {e}", rev.dir_name));
        }
    };
    up(&mut conn);
    let first = schema(&mut conn);
    assert!(!first.is_empty());
    for rev in chain.iter().rev() {
        conn.transaction::<_, diesel::result::Error, _>(|c| c.batch_execute(&rev.down_sql))
            .unwrap_or_else(|e| panic!("down {}: {e}", rev.dir_name));
    }
    assert_eq!(
        schema(&mut conn),
        Vec::<String>::new(),
        "down removes everything"
    );
    up(&mut conn);
    assert_eq!(schema(&mut conn), first, "second up gives the same schema");
}
