//! Two `lithify` processes upgrading one SQLite file at once: every revision is
//! applied exactly once and both exit 0.
mod sqlite_support;

use std::process::{Command, Stdio};

use diesel::RunQueryDsl;
use sqlite_support::*;

#[derive(diesel::QueryableByName)]
struct LogRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    rev: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[test]
fn two_processes_apply_each_revision_exactly_once() {
    // Revision 1 creates a log; every revision (1 included) appends its own id
    // to it, so a revision applied twice shows up as a count of 2. Each also
    // does some work so the two processes genuinely overlap.
    const N: usize = 12;
    let revs: Vec<(String, String, String)> = (1..=N)
        .map(|i| {
            let create = if i == 1 {
                "CREATE TABLE applied_log (rev TEXT NOT NULL);\n"
            } else {
                ""
            };
            let up = format!(
                "{create}CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT);\n\
                 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)\n\
                 INSERT INTO t{i} (v) SELECT hex(randomblob(16)) FROM c;\n\
                 INSERT INTO applied_log (rev) VALUES ('{i:04}');"
            );
            (format!("rev{i}"), up, format!("DROP TABLE t{i};"))
        })
        .collect();
    let fx = Fixture::new(&as_revs(&revs));
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_lithify"))
            .arg("--dir")
            .arg(&fx.dir)
            .arg("--database-url")
            .arg(&fx.db)
            .arg("upgrade")
            .env_remove("DATABASE_URL")
            .current_dir(fx.tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn lithify")
    };
    let (a, b) = (spawn(), spawn());
    let outputs = [
        a.wait_with_output().expect("wait a"),
        b.wait_with_output().expect("wait b"),
    ];
    for out in &outputs {
        assert!(
            out.status.success(),
            "exit {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let mut conn = fx.conn();
    let log: Vec<LogRow> =
        diesel::sql_query("SELECT rev, COUNT(*) AS n FROM applied_log GROUP BY rev ORDER BY rev")
            .load(&mut conn)
            .expect("log");
    assert_eq!(log.len(), N, "every revision ran");
    for row in &log {
        assert_eq!(row.n, 1, "revision {} ran {} times", row.rev, row.n);
    }
    assert_eq!(recorded(&mut conn).len(), N);

    // Between them, the two processes report each revision run exactly once.
    let ran: usize = outputs
        .iter()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| l.starts_with("upgrade ") && l.ends_with(" ms)"))
                .count()
        })
        .sum();
    assert_eq!(ran, N);
}
