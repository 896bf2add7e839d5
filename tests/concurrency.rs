//! Two `lithify` processes upgrading one SQLite file at once: every revision is
//! applied exactly once and both exit 0, non-transactional revisions
//! included; a migrator that cannot get the lock in time names its holder.
mod sqlite_support;

use std::process::{Child, Stdio};
use std::time::Duration;

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
    // Every third revision runs outside a transaction: a second migrator
    // must wait for it to finish, not find it `started` and refuse.
    for i in (3..=N).step_by(3) {
        std::fs::write(
            fx.dir.join(format!("{i:04}_rev{i}/metadata.toml")),
            "run_in_transaction = false\n",
        )
        .expect("metadata");
    }
    let outputs = [spawn_upgrade(&fx), spawn_upgrade(&fx)].map(|child| {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "exit {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    });

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

fn spawn_upgrade(fx: &Fixture) -> Child {
    fx.lithify(&["upgrade"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lithify")
}

#[test]
fn a_migrator_waits_for_the_lock_and_names_the_file_when_it_gives_up() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    let held = fx.hold_migration_lock();
    let m = fx.migrator().lock_timeout(Duration::from_millis(200));
    let mut conn = fx.conn();
    let err = m.upgrade_to_head(&mut conn).expect_err("the lock is held");
    let message = err.to_string();
    assert!(
        message.contains("could not take the migration lock")
            && message.contains("test.db-lithify-lock"),
        "{message}"
    );
    assert_eq!(
        tables(&mut conn),
        Vec::<String>::new(),
        "nothing ran without the lock"
    );
    drop(held);
    m.upgrade_to_head(&mut conn)
        .expect("upgrade once the lock is free");
    assert_eq!(recorded(&mut conn), ["0001", "0002"]);
}

#[test]
fn read_only_commands_do_not_wait_for_the_lock() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let mut conn = fx.conn();
    m.upgrade_to_head(&mut conn).expect("upgrade");
    let _held = fx.hold_migration_lock();
    let m = m.lock_timeout(Duration::from_millis(100));
    assert!(matches!(
        m.check(&mut conn),
        Ok(lithify::CheckOutcome::AtHead { .. })
    ));
    assert_eq!(m.current(&mut conn).expect("current").rows.len(), 2);
}

#[cfg(unix)]
#[test]
fn a_symlink_to_the_database_shares_its_lock() {
    let revs = tables_chain(1);
    let fx = Fixture::new(&as_revs(&revs));
    drop(fx.conn()); // creates the file
    let link = fx.tmp.path().join("link.db");
    std::os::unix::fs::symlink(&fx.db, &link).expect("symlink");
    let _held = fx.hold_migration_lock();
    let mut conn =
        <diesel::SqliteConnection as diesel::Connection>::establish(&link.to_string_lossy())
            .expect("open via link");
    let err = fx
        .migrator()
        .lock_timeout(Duration::from_millis(100))
        .upgrade_to_head(&mut conn)
        .expect_err("the lock taken through the real path holds");
    assert!(err.to_string().contains("test.db-lithify-lock"), "{err}");
}
